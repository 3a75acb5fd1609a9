"""The coordinator's review: verification levels and external references (store.py)."""
