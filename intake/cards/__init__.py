"""Identities and cards: this vault's public identity, the registry of known cards, QR images."""
