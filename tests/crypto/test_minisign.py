"""minisign compatibility: ``minisign -V`` verifies our signatures and public-key files; we
verify signatures made by ``minisign -S`` with keys from ``minisign -G -W``; tampering fails."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from crypto.errors import SignatureError
from crypto.keys import generate_signing_key, signing_public_key
from crypto.minisign import (
    encode_public_key,
    key_id_for,
    key_id_hex,
    parse_public_key,
    parse_signature,
    sign,
    verify,
)

SEED = bytes(range(32))
MESSAGE = b"manifest.json contents\n" * 1000


def minisign(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("minisign")
    assert exe, "minisign is required (apt-get install minisign)"
    return subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_minisign_verifies_ours(tmp_path: Path) -> None:
    public = signing_public_key(SEED)
    (tmp_path / "key.pub").write_text(encode_public_key(public))
    (tmp_path / "msg").write_bytes(MESSAGE)
    signature = sign(SEED, io.BytesIO(MESSAGE), trusted_comment="bundle 1 · ئامانەت")
    (tmp_path / "msg.minisig").write_text(signature)
    done = minisign("-V", "-p", "key.pub", "-m", "msg", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Trusted comment: bundle 1 · ئامانەت" in done.stdout
    # and with -H (prehashed required), and refusing a changed message
    assert minisign("-V", "-H", "-p", "key.pub", "-m", "msg", cwd=tmp_path).returncode == 0
    (tmp_path / "msg").write_bytes(MESSAGE + b"!")
    assert minisign("-V", "-p", "key.pub", "-m", "msg", cwd=tmp_path).returncode != 0


def test_we_verify_minisign(tmp_path: Path) -> None:
    made = minisign("-G", "-W", "-p", "mk.pub", "-s", "mk.key", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    (tmp_path / "msg").write_bytes(MESSAGE)
    signed = minisign(
        "-S", "-s", "mk.key", "-m", "msg", "-t", "from minisign", "-c", "untrusted", cwd=tmp_path
    )
    assert signed.returncode == 0, signed.stderr
    public = parse_public_key((tmp_path / "mk.pub").read_text())
    signature = (tmp_path / "msg.minisig").read_text()
    assert verify(public, MESSAGE, signature) == "from minisign"
    assert verify(public, io.BytesIO(MESSAGE), signature.replace("\n", "\r\n")) == "from minisign"
    with pytest.raises(SignatureError, match="does not verify"):
        verify(public, MESSAGE[:-1], signature)
    ours = parse_public_key(encode_public_key(signing_public_key(SEED)))
    with pytest.raises(SignatureError, match="different key"):
        verify(ours, MESSAGE, signature)


def test_legacy_signatures_are_refused(tmp_path: Path) -> None:
    assert minisign("-G", "-W", "-p", "k.pub", "-s", "k.key", cwd=tmp_path).returncode == 0
    (tmp_path / "msg").write_bytes(MESSAGE)
    assert minisign("-S", "-l", "-s", "k.key", "-m", "msg", cwd=tmp_path).returncode == 0
    with pytest.raises(SignatureError, match="prehashed"):
        verify(
            parse_public_key((tmp_path / "k.pub").read_text()),
            MESSAGE,
            (tmp_path / "msg.minisig").read_text(),
        )


def test_trusted_comment_and_signature_tampering() -> None:
    public = parse_public_key(encode_public_key(signing_public_key(SEED)))
    signature = sign(SEED, MESSAGE, trusted_comment="seq 7")
    assert verify(public, MESSAGE, signature) == "seq 7"
    with pytest.raises(SignatureError):
        verify(public, MESSAGE, signature.replace("seq 7", "seq 8"))
    lines = signature.split("\n")
    for index in (1, 3):
        changed = list(lines)
        changed[index] = (
            changed[index][:10] + ("A" if changed[index][10] != "A" else "B") + changed[index][11:]
        )
        with pytest.raises(SignatureError):
            verify(public, MESSAGE, "\n".join(changed))
    with pytest.raises(SignatureError, match="malformed"):
        verify(public, MESSAGE, "\n".join(lines[:3]))
    with pytest.raises(ValueError, match="one line"):
        sign(SEED, MESSAGE, trusted_comment="two\nlines")


def test_key_file_format_and_key_id() -> None:
    public = signing_public_key(generate_signing_key())
    text = encode_public_key(public)
    key_id = key_id_for(public)
    assert text.startswith(f"untrusted comment: minisign public key {key_id_hex(key_id)}\n")
    parsed = parse_public_key(text)
    assert (parsed.key, parsed.key_id) == (public, key_id)
    assert parse_public_key(text.split("\n")[1]) == parsed
    assert parse_signature(sign(SEED, b"", "t")).key_id == key_id_for(signing_public_key(SEED))
    with pytest.raises(SignatureError):
        parse_public_key("untrusted comment: x\nnot base64!\n")


def test_spec_vector() -> None:
    """docs/bundle-format.md §6: key id and public-key file for seed 0x00..0x1F."""
    public = signing_public_key(SEED)
    assert key_id_hex(key_id_for(public)) == "4F1A45AD48171C8C"
    assert encode_public_key(public) == (
        "untrusted comment: minisign public key 4F1A45AD48171C8C\n"
        "RWSMHBdIrUUaTwOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4\n"
    )
