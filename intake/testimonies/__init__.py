"""Testimonies: the store (drafts, signed versions), content rules, canonical records, search
index and queries, attachments, the coordinator's archive, and exchange with bundles.
"""
