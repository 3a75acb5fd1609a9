"""Possible duplicates across testimonies: blocking, features, scoring, and the coordinator's
decisions.
"""
