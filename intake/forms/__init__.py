"""Form definitions and what they check: validation, PRC ID numbers, fuzzy dates, tidying of
content.
"""
