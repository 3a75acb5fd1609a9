"""Interoperability with the reference age CLI (Go) and pyrage (Rust rage), both directions.

Our files must open with their tools and theirs with ours: sizes around the 64 KiB chunk
boundary and 5 MiB, several recipients, ASCII armor, and passphrase (scrypt) files via pyrage
and via ``age -p``, which reads the passphrase from a terminal (we give it a pseudo-terminal).
"""

from __future__ import annotations

import io
import os
import pty
import random
import select
import shutil
import subprocess
import time
from pathlib import Path

import pyrage
import pytest

from crypto.age import Decryptor, decrypt, encrypt, parse_identity, parse_recipient
from crypto.errors import NoMatch
from crypto.keys import generate_x25519_key
from crypto.scrypt import ScryptIdentity, ScryptRecipient
from crypto.x25519 import X25519Identity

SIZES = [0, 1, 65535, 65536, 65537, 5 * 1024 * 1024]


def plaintext(size: int) -> bytes:
    return random.Random(size).randbytes(size)


def ours_encrypt(recipients: list[str], data: bytes, armor: bool = False) -> bytes:
    out = io.BytesIO()
    encrypt([parse_recipient(r) for r in recipients], io.BytesIO(data), out, armor=armor)
    return out.getvalue()


def ours_decrypt(identity: X25519Identity | ScryptIdentity, data: bytes) -> bytes:
    out = io.BytesIO()
    decrypt([identity], io.BytesIO(data), out)
    return out.getvalue()


def age(*args: str, data: bytes) -> bytes:
    exe = shutil.which("age")
    assert exe, "the age CLI is required (apt-get install age)"
    return subprocess.run([exe, *args], input=data, capture_output=True, check=True).stdout


@pytest.fixture(scope="module")
def age_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """An identity made by age-keygen (a test key, not user data) and its recipient."""
    path = tmp_path_factory.mktemp("keys") / "age-key.txt"
    keygen = shutil.which("age-keygen")
    assert keygen, "age-keygen is required (apt-get install age)"
    subprocess.run([keygen, "-o", str(path)], check=True, capture_output=True)
    recipient = subprocess.run(
        [keygen, "-y", str(path)], check=True, capture_output=True, text=True
    ).stdout.strip()
    return path, recipient


@pytest.fixture(scope="module")
def our_key() -> X25519Identity:
    return X25519Identity(generate_x25519_key())


@pytest.mark.parametrize("size", SIZES)
def test_ours_to_age_cli(
    size: int, tmp_path: Path, age_key: tuple[Path, str], our_key: X25519Identity
) -> None:
    data = plaintext(size)
    sealed = ours_encrypt([str(our_key.recipient()), age_key[1]], data)
    assert age("-d", "-i", str(age_key[0]), data=sealed) == data
    our_key_file = tmp_path / "ours.txt"
    our_key_file.write_text(str(our_key) + "\n")
    assert age("-d", "-i", str(our_key_file), data=sealed) == data


@pytest.mark.parametrize("size", SIZES)
def test_age_cli_to_ours(size: int, age_key: tuple[Path, str], our_key: X25519Identity) -> None:
    data = plaintext(size)
    sealed = age("-r", age_key[1], "-r", str(our_key.recipient()), data=data)
    assert ours_decrypt(our_key, sealed) == data


@pytest.mark.parametrize("size", SIZES)
def test_ours_to_pyrage(size: int, our_key: X25519Identity) -> None:
    data = plaintext(size)
    theirs = pyrage.x25519.Identity.generate()
    sealed = ours_encrypt([str(theirs.to_public()), str(our_key.recipient())], data)
    assert pyrage.decrypt(sealed, [theirs]) == data


@pytest.mark.parametrize("size", SIZES)
def test_pyrage_to_ours(size: int, our_key: X25519Identity) -> None:
    data = plaintext(size)
    others = [pyrage.x25519.Identity.generate().to_public() for _ in range(2)]
    ours = pyrage.x25519.Recipient.from_str(str(our_key.recipient()))
    sealed = pyrage.encrypt(data, [others[0], ours, others[1]])
    assert ours_decrypt(our_key, sealed) == data


def test_armor_both_ways(age_key: tuple[Path, str], our_key: X25519Identity) -> None:
    data = plaintext(65537)
    sealed = ours_encrypt([age_key[1]], data, armor=True)
    assert sealed.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----\n")
    assert age("-d", "-i", str(age_key[0]), data=sealed) == data
    theirs = pyrage.x25519.Identity.generate()
    assert (
        pyrage.decrypt(ours_encrypt([str(theirs.to_public())], data, armor=True), [theirs]) == data
    )
    recipient = str(our_key.recipient())
    assert ours_decrypt(our_key, age("-a", "-r", recipient, data=data)) == data
    pyrage_armored = pyrage.encrypt(
        data, [pyrage.x25519.Recipient.from_str(recipient)], armored=True
    )
    assert ours_decrypt(our_key, pyrage_armored) == data


def test_identity_strings_match_pyrage() -> None:
    theirs = pyrage.x25519.Identity.generate()
    ours = parse_identity(str(theirs))
    assert isinstance(ours, X25519Identity)
    assert str(ours) == str(theirs)
    assert str(ours.recipient()) == str(theirs.to_public())


def test_passphrase_both_ways() -> None:
    data = plaintext(70000)
    sealed = ours_encrypt_scrypt("correct horse", data)
    assert pyrage.passphrase.decrypt(sealed, "correct horse") == data
    theirs = pyrage.passphrase.encrypt(data, "correct horse")
    assert ours_decrypt(ScryptIdentity("correct horse"), theirs) == data
    with pytest.raises(NoMatch):
        Decryptor([ScryptIdentity("wrong horse")], io.BytesIO(sealed))


def ours_encrypt_scrypt(passphrase: str, data: bytes) -> bytes:
    out = io.BytesIO()
    encrypt([ScryptRecipient(passphrase, work_factor=12)], io.BytesIO(data), out)
    return out.getvalue()


def age_with_tty(args: list[str], passphrase: str, prompts: int) -> None:
    """Run the age CLI on a pseudo-terminal, typing ``passphrase`` at each of its prompts."""
    exe = shutil.which("age")
    assert exe, "the age CLI is required (apt-get install age)"
    pid, fd = pty.fork()
    if pid == 0:  # the child: age, with the pty as its controlling terminal
        os.execv(exe, [exe, *args])  # fixed argument list, no shell
    seen, deadline = b"", time.monotonic() + 60
    while time.monotonic() < deadline:
        if not select.select([fd], [], [], 0.2)[0]:
            continue
        try:
            data = os.read(fd, 1024)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        seen += data
        if prompts and seen.rstrip().endswith(b":"):
            os.write(fd, passphrase.encode() + b"\n")
            prompts, seen = prompts - 1, b""
    os.close(fd)
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0


def test_passphrase_with_age_cli(tmp_path: Path) -> None:
    data = plaintext(65537)
    (tmp_path / "plain").write_bytes(data)  # random test bytes, not user data
    age_with_tty(["-p", "-o", str(tmp_path / "cli.age"), str(tmp_path / "plain")], "pw 1", 2)
    sealed = (tmp_path / "cli.age").read_bytes()
    assert b"\n-> scrypt " in sealed
    assert ours_decrypt(ScryptIdentity("pw 1"), sealed) == data
    (tmp_path / "ours.age").write_bytes(ours_encrypt_scrypt("pw 2", data))
    age_with_tty(["-d", "-o", str(tmp_path / "out"), str(tmp_path / "ours.age")], "pw 2", 1)
    assert (tmp_path / "out").read_bytes() == data
