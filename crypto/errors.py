"""The failure classes of crypto/, one exception per class of failure.

Each maps to one outcome a caller must distinguish (the age test-vector kinds, bad signatures,
bad cards). Messages are fixed English phrases that name the failure, never key material,
passphrases or plaintext; intake/ maps each class to a translated, user-facing error.
"""

from __future__ import annotations


class CryptoError(Exception):
    """Base of every expected failure raised by crypto/."""


class KeyFormatError(CryptoError):
    """A recipient, identity or public-key string is malformed or of an unknown type."""


class HeaderError(CryptoError):
    """The age header is malformed, or a stanza for one of our identities is invalid."""


class NoMatch(CryptoError):
    """The header is well formed but none of the given identities can open it."""


class HMACError(CryptoError):
    """A file key was found but the header MAC does not match: the header was changed."""


class PayloadError(CryptoError):
    """The encrypted payload is damaged, truncated or has trailing data."""


class ArmorError(CryptoError):
    """The ASCII armor around an age file is malformed."""


class SignatureError(CryptoError):
    """A minisign signature or public key is malformed, from another key, or does not verify."""


class CardError(CryptoError):
    """An identity card is malformed, not canonical, or its self-signature does not verify."""
