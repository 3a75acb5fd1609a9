"""Sharing vetted data with partners: consent-respecting CSV/JSON exports and redaction."""
