"""Our own age behaviour beyond the shared vectors: known answers with injected randomness,
unfinished and damaged files, recipient mixing rules, the hybrid recipient, constant memory."""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from crypto import bech32
from crypto.age import (
    Decryptor,
    Encryptor,
    Identity,
    Recipient,
    decrypt,
    encrypt,
    parse_identity,
    parse_recipient,
)
from crypto.errors import CryptoError, HeaderError, HMACError, KeyFormatError, NoMatch, PayloadError
from crypto.hybrid import HybridIdentity, HybridRecipient
from crypto.primitives import Random
from crypto.scrypt import ScryptIdentity, ScryptRecipient
from crypto.stream import CHUNK_SIZE
from crypto.x25519 import X25519Identity, X25519Recipient

IDENTITY = X25519Identity(bytes(range(32)))
KAT_SHA256 = (
    "bcc569cbfa6c0b1c31b56dc3b73c2c46ec37b97190b3b35ac5b7a69f34b528a1"  # our output, pinned
)


def seal(
    data: bytes,
    recipients: Sequence[Recipient] | None = None,
    random: Random = os.urandom,
) -> bytes:
    out = io.BytesIO()
    chosen = [IDENTITY.recipient()] if recipients is None else recipients
    encrypt(chosen, io.BytesIO(data), out, random=random)
    return out.getvalue()


def opened(sealed: bytes, identity: Identity = IDENTITY) -> bytes:
    out = io.BytesIO()
    decrypt([identity], io.BytesIO(sealed), out)
    return out.getvalue()


def fixed_random() -> Callable[[int], bytes]:
    """A repeatable stand-in for os.urandom: SHAKE-256 of a counter."""
    counter = itertools.count()
    return lambda n: hashlib.shake_256(next(counter).to_bytes(4, "big")).digest(n)


def test_known_answer_with_injected_randomness() -> None:
    data = b"testimony " * 10000
    first = seal(data, random=fixed_random())
    assert seal(data, random=fixed_random()) == first
    assert hashlib.sha256(first).hexdigest() == KAT_SHA256
    assert opened(first) == data


def test_roundtrip_sizes_and_recipient_strings() -> None:
    other = X25519Identity(bytes(32 * [7]))
    for size in (0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE):
        data = bytes(size)
        sealed = seal(data, [parse_recipient(str(IDENTITY.recipient())), other.recipient()])
        assert opened(sealed) == data
        assert opened(sealed, parse_identity(str(other))) == data


def test_unfinished_writer_never_decrypts_as_complete() -> None:
    out = io.BytesIO()

    def interrupted_export() -> None:
        with Encryptor([IDENTITY.recipient()], out) as writer:
            writer.write(b"x" * (2 * CHUNK_SIZE + 5))
            raise RuntimeError("export interrupted")

    with pytest.raises(RuntimeError):
        interrupted_export()
    with pytest.raises(PayloadError):
        opened(out.getvalue())


def test_damage_is_detected_by_class() -> None:
    sealed = seal(b"y" * (CHUNK_SIZE + 100))
    header_end = sealed.index(b"\n---") + 1
    mac_line_end = sealed.index(b"\n", header_end) + 1
    with pytest.raises(HeaderError):
        opened(sealed[:10])
    # a changed byte inside a stanza body: the file key no longer unwraps
    body = sealed.index(b"\n", sealed.index(b"-> X25519")) + 3
    with pytest.raises((NoMatch, HMACError)):
        opened(sealed[:body] + (b"B" if sealed[body] == ord("A") else b"A") + sealed[body + 1 :])
    extra = b"-> grease\n\n"  # a well-formed stanza added to the header
    with pytest.raises(HMACError):
        opened(sealed[:header_end] + extra + sealed[header_end:])
    for cut in (mac_line_end + 16, mac_line_end + 16 + CHUNK_SIZE + 16, len(sealed) - 1):
        with pytest.raises(PayloadError):
            opened(sealed[:cut])
    flipped = bytearray(sealed)
    flipped[-1] ^= 1
    with pytest.raises(PayloadError):
        opened(bytes(flipped))
    with pytest.raises(PayloadError):
        opened(sealed + b"\x00")


def test_released_plaintext_stops_at_damage() -> None:
    data = bytes(range(256)) * 1024  # 4 chunks
    sealed = bytearray(seal(data))
    sealed[-CHUNK_SIZE] ^= 1  # inside the last chunk
    reader = Decryptor([IDENTITY], io.BytesIO(bytes(sealed)))
    got = b""
    while len(got) < 3 * CHUNK_SIZE:
        got += reader.read(1000)
    with pytest.raises(PayloadError):
        reader.read(1000)
    with pytest.raises(PayloadError):  # reading everything at once never returns a prefix
        Decryptor([IDENTITY], io.BytesIO(bytes(sealed))).read()
    assert data.startswith(got)
    assert len(got) == 3 * CHUNK_SIZE


def test_recipient_mixing_rules() -> None:
    pq = HybridIdentity(bytes(32)).recipient()
    with pytest.raises(ValueError, match="combined"):
        seal(b"", [ScryptRecipient("a", 10), IDENTITY.recipient()])
    with pytest.raises(ValueError, match="combined"):
        seal(b"", [ScryptRecipient("a", 10), ScryptRecipient("b", 10)])
    with pytest.raises(ValueError, match="combined"):
        seal(b"", [pq, IDENTITY.recipient()])
    with pytest.raises(ValueError, match="no recipients"):
        seal(b"", [])
    with pytest.raises(ValueError, match="work factor"):
        ScryptRecipient("a", 21)


def test_scrypt_roundtrip_and_messages_hold_no_secret() -> None:
    sealed = seal(b"for the researcher", [ScryptRecipient("s3cret-passphrase", 10)])
    assert opened(sealed, ScryptIdentity("s3cret-passphrase")) == b"for the researcher"
    with pytest.raises(NoMatch) as err:
        opened(sealed, ScryptIdentity("wrong"))
    assert "s3cret" not in str(err.value)
    assert "wrong" not in str(err.value)
    with pytest.raises(HeaderError, match="too high"):
        opened(sealed, ScryptIdentity("s3cret-passphrase", max_work_factor=9))


def test_hybrid_roundtrip() -> None:
    alice, bob = HybridIdentity(bytes(32 * [1])), HybridIdentity(bytes(32 * [2]))
    text = str(alice.recipient())
    assert text.startswith("age1pq1")
    assert str(alice).startswith("AGE-SECRET-KEY-PQ-1")
    assert str(parse_identity(str(alice))) == str(alice)
    data = b"post-quantum" * 9000
    sealed = seal(data, [parse_recipient(text), bob.recipient()])
    assert opened(sealed, alice) == data
    assert opened(sealed, bob) == data
    with pytest.raises(NoMatch):
        opened(sealed, HybridIdentity(bytes(32 * [3])))
    with pytest.raises(NoMatch):
        opened(sealed, IDENTITY)


def test_key_strings_are_checked() -> None:
    good = str(IDENTITY.recipient())
    for bad in (
        "",
        "age1",
        good[:-1] + ("q" if good[-1] != "q" else "p"),
        good.upper()[:10] + good[10:],
    ):
        with pytest.raises(KeyFormatError):
            parse_recipient(bad)
    with pytest.raises(KeyFormatError):
        parse_identity(good)
    with pytest.raises(KeyFormatError):
        parse_recipient(bech32.encode("age", bytes(31)))
    assert bech32.decode(bech32.encode("x", b"\x00\xff" * 40)) == ("x", b"\x00\xff" * 40)
    low_order = HybridIdentity(bytes(32)).public[:-32] + bytes(32)
    for recipient in (X25519Recipient(bytes(32)), HybridRecipient(low_order)):
        with pytest.raises(KeyFormatError):
            seal(b"x", [recipient])


def test_errors_share_one_base() -> None:
    for cls in (HeaderError, NoMatch, HMACError, PayloadError, KeyFormatError):
        assert issubclass(cls, CryptoError)


class Zeros:
    """An endless-looking source that produces ``size`` zero bytes without holding them."""

    def __init__(self, size: int) -> None:
        self.left = size

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        self.left -= n
        return bytes(n)


class Sink:
    def __init__(self) -> None:
        self.size = 0
        self.hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.size += len(data)
        self.hash.update(data)
        return len(data)


def test_constant_memory(tmp_path: Path) -> None:
    size = 48 * 1024 * 1024  # zeros, not user data; the ciphertext goes to a test file
    path = tmp_path / "zeros.age"
    with path.open("wb") as sealed:
        tracemalloc.start()
        encrypt([IDENTITY.recipient()], Zeros(size), sealed)
        encrypt_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    sink = Sink()
    with path.open("rb") as sealed:
        tracemalloc.start()
        decrypt([IDENTITY], sealed, sink)
        decrypt_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert sink.size == size
    assert sink.hash.digest() == hashlib.sha256(bytes(size)).digest()
    assert encrypt_peak < 1024 * 1024
    assert decrypt_peak < 1024 * 1024
