"""The age post-quantum hybrid recipient ``mlkem768x25519`` (``age1pq1…``).

The file key is sealed with HPKE (RFC 9180, base mode) using the MLKEM768-X25519 KEM (X-Wing),
HKDF-SHA-256 and ChaCha20-Poly1305. An identity is a 32-byte seed expanded with SHAKE-256 into
an ML-KEM-768 seed and an X25519 key. It may only be mixed with other post-quantum recipients,
or the file would be only as strong as its classical ones. HPKE draws its own randomness.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519

from crypto import bech32
from crypto.errors import HeaderError, KeyFormatError
from crypto.header import Stanza
from crypto.primitives import WRAPPED_KEY_SIZE, Random, b64decode, b64encode

STANZA_TYPE = "mlkem768x25519"  # case-sensitive
LABEL = b"age-encryption.org/mlkem768x25519"  # HPKE info string
RECIPIENT_HRP = "age1pq"  # age1pq1…
IDENTITY_HRP = "age-secret-key-pq-"  # AGE-SECRET-KEY-PQ-1…, printed upper case
SEED_SIZE = 32  # X-Wing private key: one seed for both halves
MLKEM_PUBLIC_SIZE, MLKEM_CT_SIZE = 1184, 1088  # FIPS 203 ML-KEM-768 sizes
X25519_SIZE = 32
PUBLIC_SIZE = MLKEM_PUBLIC_SIZE + X25519_SIZE  # X-Wing public key: pk_M || pk_X
ENC_SIZE = MLKEM_CT_SIZE + X25519_SIZE  # X-Wing encapsulation: ct_M || ct_X
_SUITE = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)


def _public_key(public: bytes) -> hpke.MLKEM768X25519PublicKey:
    if len(public) != PUBLIC_SIZE:
        raise KeyFormatError("a hybrid recipient is 1216 bytes")
    try:
        return hpke.MLKEM768X25519PublicKey(
            mlkem.MLKEM768PublicKey.from_public_bytes(public[:MLKEM_PUBLIC_SIZE]),
            x25519.X25519PublicKey.from_public_bytes(public[MLKEM_PUBLIC_SIZE:]),
        )
    except ValueError:
        raise KeyFormatError("invalid hybrid recipient") from None


class HybridRecipient:
    labels: frozenset[str] = frozenset({"postquantum"})  # never mixed with classical recipients

    def __init__(self, public: bytes) -> None:
        self._key = _public_key(public)
        self.public = public

    def wrap(self, file_key: bytes, random: Random) -> list[Stanza]:
        try:
            sealed = _SUITE.encrypt(file_key, self._key, info=LABEL)  # enc || ciphertext
        except ValueError:  # e.g. a low-order X25519 half
            raise KeyFormatError("invalid hybrid recipient") from None
        return [Stanza(STANZA_TYPE, [b64encode(sealed[:ENC_SIZE])], sealed[ENC_SIZE:])]

    def __str__(self) -> str:
        return bech32.encode(RECIPIENT_HRP, self.public)


class HybridIdentity:
    def __init__(self, seed: bytes) -> None:
        if len(seed) != SEED_SIZE:
            raise KeyFormatError("a hybrid identity is 32 bytes")
        expanded = hashlib.shake_256(seed).digest(96)  # X-Wing: 64-byte ML-KEM seed, X25519 key
        kem = mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64])
        self._x25519 = x25519.X25519PrivateKey.from_private_bytes(expanded[64:])
        self._key = hpke.MLKEM768X25519PrivateKey(kem, self._x25519)
        self._seed = seed
        self.public = (
            kem.public_key().public_bytes_raw() + self._x25519.public_key().public_bytes_raw()
        )

    def recipient(self) -> HybridRecipient:
        return HybridRecipient(self.public)

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        for stanza in stanzas:
            if stanza.type != STANZA_TYPE:
                continue
            try:
                enc = b64decode(stanza.args[0]) if len(stanza.args) == 1 else b""
            except ValueError:
                enc = b""
            if len(enc) != ENC_SIZE or len(stanza.body) != WRAPPED_KEY_SIZE:
                raise HeaderError("invalid mlkem768x25519 stanza")
            try:  # the all-zero X25519 secret of a low-order share is refused, as in X25519
                self._x25519.exchange(x25519.X25519PublicKey.from_public_bytes(enc[MLKEM_CT_SIZE:]))
            except ValueError:
                raise HeaderError("X25519 share is a low-order point") from None
            try:
                return _SUITE.decrypt(enc + stanza.body, self._key, info=LABEL)
            except (InvalidTag, ValueError):
                continue  # ML-KEM rejects implicitly: a wrong key only shows as a bad tag
        return None

    def __str__(self) -> str:
        return bech32.encode(IDENTITY_HRP, self._seed).upper()


def parse_recipient(text: str) -> HybridRecipient:
    hrp, data = bech32.decode(text)
    if hrp != RECIPIENT_HRP:
        raise KeyFormatError("not an age hybrid recipient")
    return HybridRecipient(data)


def parse_identity(text: str) -> HybridIdentity:
    hrp, data = bech32.decode(text)
    if hrp != IDENTITY_HRP:
        raise KeyFormatError("not an age hybrid identity")
    return HybridIdentity(data)
