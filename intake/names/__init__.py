"""Names across scripts: which script a string is in, transliteration tables, search keys and
similarity.
"""
