"""The vault header (``vault.json``): KDF parameters, salt and the wrapped data key.

See docs/vault-format.md for the normative description. This module parses, checks, binds
and atomically writes the header, and wraps/unwraps the data key with the passphrase.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import unicodedata
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crypto.aead import AuthenticationFailed, open_sealed, seal
from crypto.kdf import SALT_LEN, Argon2Params, calibrate, derive_key
from intake.errors import UnsupportedFormat
from intake.vault.errors import VaultDamaged, WrongPassphrase

FORMAT = "amanat-vault"
VERSION = 1
BINDING_PREFIX = b"amanat-vault-v1\n"  # domain separation for the associated data
HEADER_NAME = "vault.json"
DATA_KEY_LEN = 32  # SQLCipher raw key: 256 bits
WRAPPED_LEN = 12 + DATA_KEY_LEN + 16  # nonce + key + Poly1305 tag
MAX_HEADER_BYTES = 64 * 1024  # a real header is ~500 bytes; refuse to parse anything huge


@dataclass(frozen=True)
class Header:
    vault_id: str
    created: str
    kdf: Argon2Params
    salt: bytes
    wrapped_key: bytes

    def binding(self) -> bytes:
        """The AEAD associated data: every header field except the wrapped key."""
        body = {
            "format": FORMAT,
            "version": VERSION,
            "vault_id": self.vault_id,
            "created": self.created,
            "kdf": {
                "name": "argon2id",
                "memory_kib": self.kdf.memory_kib,
                "iterations": self.kdf.iterations,
                "lanes": self.kdf.lanes,
                "salt": base64.b64encode(self.salt).decode("ascii"),
            },
            "wrap": {"aead": "chacha20-poly1305"},
        }
        return BINDING_PREFIX + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def checksum(self) -> str:
        return hashlib.sha256(self.binding() + self.wrapped_key).hexdigest()

    def to_json(self) -> bytes:
        doc = json.loads(self.binding()[len(BINDING_PREFIX) :])
        doc["wrap"]["wrapped_key"] = base64.b64encode(self.wrapped_key).decode("ascii")
        doc["checksum"] = self.checksum()
        return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("ascii")


def normalize_passphrase(passphrase: str) -> bytes:
    """NFC, then UTF-8: the same passphrase typed anywhere gives the same key."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def new_header(passphrase: str, data_key: bytes, params: Argon2Params | None = None) -> Header:
    """A fresh header wrapping ``data_key`` under ``passphrase`` (calibrating if needed)."""
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    header = Header(str(uuid.uuid4()), created, params or calibrate(), b"", b"")
    return rewrap(header, passphrase, data_key)


def rewrap(header: Header, passphrase: str, data_key: bytes) -> Header:
    """The same vault header with a new salt and ``data_key`` wrapped under ``passphrase``."""
    salt = os.urandom(SALT_LEN)
    with_salt = replace(header, salt=salt, wrapped_key=b"")
    kek = derive_key(normalize_passphrase(passphrase), salt, header.kdf)
    return replace(with_salt, wrapped_key=seal(kek, data_key, with_salt.binding()))


def unwrap(header: Header, passphrase: str) -> bytes:
    """The data key, or WrongPassphrase."""
    kek = derive_key(normalize_passphrase(passphrase), header.salt, header.kdf)
    try:
        key = open_sealed(kek, header.wrapped_key, header.binding())
    except AuthenticationFailed:
        raise WrongPassphrase from None
    if len(key) != DATA_KEY_LEN:
        raise VaultDamaged(part="header")
    return key


def _field(doc: dict[str, Any], name: str, kind: type) -> Any:
    value = doc.get(name)
    if not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):
        raise VaultDamaged(part="header")
    return value


def parse_header(raw: bytes) -> Header:
    """Parse and check ``vault.json``; damaged → VaultDamaged, newer → UnsupportedFormat."""
    if len(raw) > MAX_HEADER_BYTES:
        raise VaultDamaged(part="header")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # not UTF-8 or JSON, too deep, over 4,300 digits
        raise VaultDamaged(part="header") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise VaultDamaged(part="header")
    version = _field(doc, "version", int)
    if version > VERSION:
        raise UnsupportedFormat
    if version != VERSION:
        raise VaultDamaged(part="header")
    kdf = _field(doc, "kdf", dict)
    wrap = _field(doc, "wrap", dict)
    if kdf.get("name") != "argon2id" or wrap.get("aead") != "chacha20-poly1305":
        raise VaultDamaged(part="header")
    try:
        params = Argon2Params(
            memory_kib=_field(kdf, "memory_kib", int),
            iterations=_field(kdf, "iterations", int),
            lanes=_field(kdf, "lanes", int),
        )
        params.check()
        salt = base64.b64decode(_field(kdf, "salt", str), validate=True)
        wrapped = base64.b64decode(_field(wrap, "wrapped_key", str), validate=True)
    except (ValueError, binascii.Error):
        raise VaultDamaged(part="header") from None
    if len(salt) != SALT_LEN or len(wrapped) != WRAPPED_LEN:
        raise VaultDamaged(part="header")
    header = Header(
        vault_id=_field(doc, "vault_id", str),
        created=_field(doc, "created", str),
        kdf=params,
        salt=salt,
        wrapped_key=wrapped,
    )
    if not hmac.compare_digest(header.checksum(), str(doc.get("checksum", ""))):
        raise VaultDamaged(part="header")
    return header


def read_header(folder: Path) -> Header:
    return parse_header((folder / HEADER_NAME).read_bytes())


def write_header(folder: Path, header: Header) -> None:
    """Replace ``vault.json`` atomically: tmp file, fsync, rename, fsync the folder."""
    tmp = folder / (HEADER_NAME + ".tmp")
    with open(tmp, "wb") as f:
        f.write(header.to_json())
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, folder / HEADER_NAME)
    fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (no-op where directories cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
