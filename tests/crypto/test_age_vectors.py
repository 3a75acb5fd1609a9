"""The C2SP/CCTV age test vectors, vendored in tests/vectors/age (README, LICENSE, SOURCE there).

Each vector names an expected outcome (success, no match, HMAC failure, header failure, payload
failure, armor failure) and the SHA-256 of all plaintext released before any failure. We also
check that headers, armor and STREAM re-encode to the exact bytes of the vector.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from crypto.age import Decryptor, Identity, parse_identity
from crypto.armor import ArmorReader, ArmorWriter
from crypto.bufread import BufferedSource
from crypto.errors import ArmorError, CryptoError, HeaderError, HMACError, NoMatch, PayloadError
from crypto.header import parse_header
from crypto.primitives import hkdf_sha256
from crypto.scrypt import ScryptIdentity
from crypto.stream import CHUNK_SIZE, StreamWriter

VECTORS = Path(__file__).parents[1] / "vectors" / "age"
NOT_VECTORS = {"README.md", "UPSTREAM-README.md", "SOURCE", "LICENSE"}
# Vectors we do not run, with the reason. Empty: every vector applies.
SKIPPED: dict[str, str] = {}
OUTCOMES: dict[type[CryptoError], str] = {
    HeaderError: "header failure",
    NoMatch: "no match",
    HMACError: "HMAC failure",
    PayloadError: "payload failure",
    ArmorError: "armor failure",
}


@dataclass
class Vector:
    name: str
    meta: dict[str, list[str]] = field(default_factory=dict)
    body: bytes = b""

    def one(self, key: str) -> str | None:
        values = self.meta.get(key)
        return values[0] if values else None


def load(path: Path) -> Vector:
    head, _, body = path.read_bytes().partition(b"\n\n")
    vector = Vector(path.name)
    for line in head.decode().splitlines():
        key, _, value = line.partition(": ")
        vector.meta.setdefault(key, []).append(value)
    vector.body = zlib.decompress(body) if vector.one("compressed") == "zlib" else body
    return vector


def vector_paths() -> list[Path]:
    return sorted(p for p in VECTORS.iterdir() if p.name not in NOT_VECTORS)


def identities(vector: Vector) -> list[Identity]:
    found: list[Identity] = [parse_identity(i) for i in vector.meta.get("identity", [])]
    found += [ScryptIdentity(p) for p in vector.meta.get("passphrase", [])]
    return found


def test_vectors_present() -> None:
    assert len(vector_paths()) >= 140
    assert (VECTORS / "LICENSE").is_file() and "commit" in (VECTORS / "SOURCE").read_text()


@pytest.mark.parametrize("path", vector_paths(), ids=lambda p: p.name)
def test_vector(path: Path) -> None:
    if path.name in SKIPPED:
        pytest.skip(SKIPPED[path.name])
    vector = load(path)
    armored = vector.one("armored") == "yes"
    released = hashlib.sha256()
    outcome = "success"
    try:
        reader = Decryptor(identities(vector), io.BytesIO(vector.body), armored=armored)
        while chunk := reader.read(CHUNK_SIZE):
            released.update(chunk)
    except CryptoError as err:
        outcome = OUTCOMES[type(err)]
    assert outcome == vector.one("expect")
    if expected_hash := vector.one("payload"):
        assert released.hexdigest() == expected_hash


@pytest.mark.parametrize("path", vector_paths(), ids=lambda p: p.name)
def test_reencoding(path: Path) -> None:
    """Header, armor and STREAM of each vector re-encode byte for byte; a vector whose armor or
    header is broken is refused there, with that error."""
    vector = load(path)
    expect = vector.one("expect")
    data = vector.body
    if vector.one("armored") == "yes":
        if expect == "armor failure":
            with pytest.raises(ArmorError):
                ArmorReader(BufferedSource(io.BytesIO(data))).read()
            return
        data = ArmorReader(BufferedSource(io.BytesIO(data))).read()
        again = io.BytesIO()
        armor = ArmorWriter(again)
        armor.write(data)
        armor.close()
        assert again.getvalue() == vector.body.strip().replace(b"\r\n", b"\n") + b"\n"
    source = BufferedSource(io.BytesIO(data))
    try:
        header = parse_header(source)
    except HeaderError:
        assert expect == "header failure"  # refused by the parser itself
        return
    assert header.encode_without_mac() == header.raw
    if expect != "success":
        assert expect in ("no match", "HMAC failure", "payload failure", "header failure")
        return
    file_key = bytes.fromhex(vector.one("file key") or "")
    nonce, payload = source.read(16), source.read(len(data))
    plaintext = Decryptor(identities(vector), io.BytesIO(data)).read()
    out = io.BytesIO()
    writer = StreamWriter(hkdf_sha256(file_key, nonce, b"payload"), out)
    writer.write(plaintext)
    writer.close()
    assert out.getvalue() == payload
