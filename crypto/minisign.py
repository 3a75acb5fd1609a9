"""Ed25519 signatures in minisign's file formats, so ``minisign -V`` checks what Amanat signs.

Only minisign's prehashed mode ("ED": Ed25519 over BLAKE2b-512 of the message) is produced and
accepted, so messages of any size are signed while streaming. The trusted comment is bound to
the signature by a second, global signature. Key ids are a hint for picking a key, never trust.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from crypto.bufread import BinaryReader
from crypto.errors import SignatureError

SIG_ALG = b"ED"  # minisign prehashed Ed25519; legacy "Ed" signatures are refused
PK_ALG = b"Ed"  # minisign public-key algorithm tag
KEY_ID_SIZE = 8  # minisign key number
KEY_SIZE, SIG_SIZE = 32, 64  # Ed25519
UNTRUSTED = "untrusted comment: "  # minisign line prefixes
TRUSTED = "trusted comment: "
MAX_COMMENT = 1000  # bytes; stays under minisign's 1024-byte comment buffer
READ_SIZE = 64 * 1024  # prehash in chunks: constant memory for any message size


def key_id_for(public_key: bytes) -> bytes:
    """Amanat's key id: the first 8 bytes of BLAKE2b-512(public key); no storage needed."""
    return hashlib.blake2b(public_key).digest()[:KEY_ID_SIZE]


def key_id_hex(key_id: bytes) -> str:
    """How minisign prints a key id: the little-endian 64-bit number in upper-case hex."""
    return key_id[::-1].hex().upper()


@dataclass(frozen=True)
class PublicKey:
    key_id: bytes
    key: bytes  # raw Ed25519 public key


@dataclass(frozen=True)
class Signature:
    key_id: bytes
    signature: bytes
    trusted_comment: str
    global_signature: bytes
    untrusted_comment: str


def _b64(text: str, size: int) -> bytes:
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("invalid base64 in a minisign file") from None
    if len(data) != size:
        raise SignatureError("wrong length in a minisign file")
    return data


def _comment(text: str) -> str:
    if "\n" in text or "\r" in text or len(text.encode("utf-8")) > MAX_COMMENT:
        raise ValueError("a minisign comment is one line of at most 1000 bytes")
    return text


def _lines(text: str, count: int) -> list[str]:
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != count:
        raise SignatureError("malformed minisign file")
    return lines


def _prehash(message: bytes | BinaryReader) -> bytes:
    digest = hashlib.blake2b()
    if isinstance(message, bytes):
        digest.update(message)
    else:
        while chunk := message.read(READ_SIZE):
            digest.update(chunk)
    return digest.digest()


def encode_public_key(public_key: bytes, key_id: bytes | None = None) -> str:
    """A minisign public-key file (``minisign.pub``) for a raw Ed25519 public key."""
    key_id = key_id or key_id_for(public_key)
    body = base64.b64encode(PK_ALG + key_id + public_key).decode("ascii")
    return f"{UNTRUSTED}minisign public key {key_id_hex(key_id)}\n{body}\n"


def parse_public_key(text: str) -> PublicKey:
    """A minisign public-key file, or its bare base64 line; raises SignatureError."""
    lines = _lines(text, 2 if text.startswith(UNTRUSTED) else 1)
    data = _b64(lines[-1], len(PK_ALG) + KEY_ID_SIZE + KEY_SIZE)
    if data[:2] != PK_ALG:
        raise SignatureError("not an Ed25519 minisign public key")
    return PublicKey(data[2 : 2 + KEY_ID_SIZE], data[2 + KEY_ID_SIZE :])


def sign(
    seed: bytes,
    message: bytes | BinaryReader,
    trusted_comment: str,
    untrusted_comment: str = "signature from amanat secret key",
) -> str:
    """A minisign signature file for ``message`` (bytes, or a binary reader read to its end)."""
    key = Ed25519PrivateKey.from_private_bytes(seed)
    key_id = key_id_for(key.public_key().public_bytes_raw())
    signature = key.sign(_prehash(message))
    trusted = _comment(trusted_comment)
    global_signature = key.sign(signature + trusted.encode("utf-8"))
    return encode_signature(
        Signature(key_id, signature, trusted, global_signature, _comment(untrusted_comment))
    )


def encode_signature(sig: Signature) -> str:
    """The signature file of ``sig``, as ``sign`` writes it: four lines, each ending in LF."""
    return "".join(
        [
            f"{UNTRUSTED}{sig.untrusted_comment}\n",
            base64.b64encode(SIG_ALG + sig.key_id + sig.signature).decode("ascii") + "\n",
            f"{TRUSTED}{sig.trusted_comment}\n",
            base64.b64encode(sig.global_signature).decode("ascii") + "\n",
        ]
    )


def parse_signature(text: str) -> Signature:
    """The parts of a minisign signature file, unverified; raises SignatureError."""
    lines = _lines(text, 4)
    if not lines[0].startswith(UNTRUSTED) or not lines[2].startswith(TRUSTED):
        raise SignatureError("malformed minisign signature")
    data = _b64(lines[1], len(SIG_ALG) + KEY_ID_SIZE + SIG_SIZE)
    if data[:2] != SIG_ALG:
        raise SignatureError("only prehashed (ED) minisign signatures are accepted")
    return Signature(
        key_id=data[2 : 2 + KEY_ID_SIZE],
        signature=data[2 + KEY_ID_SIZE :],
        trusted_comment=lines[2].removeprefix(TRUSTED),
        global_signature=_b64(lines[3], SIG_SIZE),
        untrusted_comment=lines[0].removeprefix(UNTRUSTED),
    )


def verify(public: PublicKey, message: bytes | BinaryReader, signature_file: str) -> str:
    """Check a signature file; returns its trusted comment. Raises SignatureError."""
    sig = parse_signature(signature_file)
    if sig.key_id != public.key_id:
        raise SignatureError("the signature was made with a different key")
    try:
        key = Ed25519PublicKey.from_public_bytes(public.key)
        key.verify(sig.signature, _prehash(message))
        key.verify(sig.global_signature, sig.signature + sig.trusted_comment.encode("utf-8"))
    except (InvalidSignature, ValueError):
        raise SignatureError("the signature does not verify") from None
    return sig.trusted_comment
