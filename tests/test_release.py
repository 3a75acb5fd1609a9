"""packaging/release.sh: SHA256SUMS over the artefacts, signed so that ``minisign -V`` (what a
coordinator runs, docs/packaging.md) accepts it, and refuses it once anything changed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.skipif(
    shutil.which("minisign") is None, reason="minisign is installed by .ci/run and ./dev"
)


def _minisign_verify(folder: Path, public: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["minisign", "-V", "-p", str(public), "-m", str(folder / "SHA256SUMS")],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def released(tmp_path: Path) -> tuple[Path, Path]:
    """Two artefacts released with a fresh key: (the release folder, the public key)."""
    public, secret = tmp_path / "release.pub", tmp_path / "release.key"
    subprocess.run(
        ["minisign", "-G", "-W", "-p", str(public), "-s", str(secret)],
        check=True,
        capture_output=True,
    )
    (tmp_path / "amanat-0.1.0-setup.exe").write_bytes(b"MZ installer bytes")
    (tmp_path / "amanat-0.1.0.dmg").write_bytes(b"dmg bytes " * 1000)
    env = {**os.environ, "AMANAT_RELEASE_KEY": str(secret), "AMANAT_RELEASE_KEY_UNENCRYPTED": "1"}
    out = tmp_path / "out"
    subprocess.run(
        [
            str(REPO / "packaging" / "release.sh"),
            str(out),
            str(tmp_path / "amanat-0.1.0-setup.exe"),
            str(tmp_path / "amanat-0.1.0.dmg"),
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    return out, public


def test_minisign_verifies_the_signed_checksums(released: tuple[Path, Path]) -> None:
    out, public = released
    done = _minisign_verify(out, public)
    assert done.returncode == 0, done.stderr
    assert "Amanat 0.1.0 release checksums" in done.stdout  # the trusted comment
    sums = (out / "SHA256SUMS").read_text()
    assert "amanat-0.1.0-setup.exe" in sums and "amanat-0.1.0.dmg" in sums
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True)
    assert check.returncode == 0


def test_a_changed_checksum_file_fails_verification(released: tuple[Path, Path]) -> None:
    out, public = released
    sums = out / "SHA256SUMS"
    sums.write_text(sums.read_text().replace("a", "b", 1))
    assert _minisign_verify(out, public).returncode != 0


def test_a_changed_artefact_fails_the_checksum(released: tuple[Path, Path]) -> None:
    out, _public = released
    (out / "amanat-0.1.0.dmg").write_bytes(b"tampered")
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True)
    assert check.returncode != 0
