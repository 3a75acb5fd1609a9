"""The bundle test vector (docs/bundle-format.md §7.12): deterministic plaintext, a stored
encrypted file that our reader and the age CLI open, and the manifest signature checked by
minisign."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from pathlib import Path

from crypto.minisign import encode_public_key
from crypto.x25519 import X25519Identity
from intake.bundles.reader import BundleReader
from tests.intake.bundles.synthetic import Collected
from tests.intake.bundles.vector import (
    COORDINATOR,
    COORDINATOR_X25519,
    PHOTO,
    SENDER,
    VECTORS,
    manifest,
    plaintext,
    record,
)

PLAINTEXT_SHA256 = "413b10a4af01444606663ef6709a7228cc88589b8fda7c4f7ba570da8be11aa5"
PLAINTEXT_SIZE = 23552  # with a 512-byte padding member
MANIFEST_SHA256 = "14c5acf977439e6fcd216cf89f353ead03227652a3a617edc9571070a09e6b26"
RECORD_SHA256 = "cb572172ab60fc1387eeaec6952867a7a2db26aff6cecba259b16e93400aaaa0"


def test_plaintext_is_the_vector() -> None:
    data = plaintext()
    assert (hashlib.sha256(data).hexdigest(), len(data)) == (PLAINTEXT_SHA256, PLAINTEXT_SIZE)
    assert hashlib.sha256(manifest().encode()).hexdigest() == MANIFEST_SHA256
    assert hashlib.sha256(record()).hexdigest() == RECORD_SHA256
    assert COORDINATOR.fingerprint == "08641 01337 40680 16687 42903 47916 72960"
    assert SENDER.fingerprint == "20660 68491 51873 07923 27363 18293 53834"  # §6


def test_stored_file_decrypts_to_the_vector() -> None:
    bundle = (VECTORS / "bundle-v1.age").read_bytes()
    reader = BundleReader(io.BytesIO(bundle), COORDINATOR_X25519)
    head = reader.read_head()
    got = Collected()
    reader.read_body(got)
    assert head.manifest == manifest()
    assert got.records[0][2] == record() and got.attachments[0][2] == PHOTO
    key = (VECTORS / "bundle-v1.key").read_text().splitlines()[-1]
    assert key == str(X25519Identity(COORDINATOR_X25519))


def test_standard_tools_open_the_vector(tmp_path: Path) -> None:
    # CI installs age and minisign (.ci/run): a missing tool is a failure, never a skip.
    assert shutil.which("age") and shutil.which("minisign"), "apt-get install age minisign"
    plain = subprocess.run(
        ["age", "-d", "-i", str(VECTORS / "bundle-v1.key"), str(VECTORS / "bundle-v1.age")],
        capture_output=True,
        check=True,
    ).stdout
    assert hashlib.sha256(plain).hexdigest() == PLAINTEXT_SHA256
    subprocess.run(["tar", "-x", "-C", str(tmp_path)], input=plain, check=True)
    (tmp_path / "sender.pub").write_text(encode_public_key(SENDER.ed25519_public))
    check = subprocess.run(
        [
            "minisign",
            "-V",
            "-p",
            str(tmp_path / "sender.pub"),
            "-m",
            str(tmp_path / "manifest.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    assert "amanat-bundle/1 bundle=0f8e3a4c-6b1d-4e2f-8a9b-0c1d2e3f4a5b sequence=1" in check.stdout
