"""The issue's "Done when", by CLI: two vaults from scratch exchange cards, a finalized
testimony with a photo travels by bundle and is found by search on the coordinator; the
bundle opens without Amanat (age, tar, minisign, sha256sum); the seal policy works."""

from __future__ import annotations

import hashlib
import json
import random
import resource
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from tests.conftest import create_closed_vault
from tests.intake.bundles.cli import amanat, fingerprint_of
from tests.intake.bundles.vaults import EXAMPLE

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _standard_tools() -> None:
    # CI installs age and minisign (.ci/run): a missing tool is a failure, never a skip.
    missing = [tool for tool in ("age", "minisign") if shutil.which(tool) is None]
    assert not missing, f"install {', '.join(missing)} (apt-get install age minisign)"


def _setup(tmp_path: Path) -> tuple[Path, Path, str, str]:
    vol, coord = tmp_path / "volunteer", tmp_path / "coordinator"
    create_closed_vault(vol, "volunteer", "Айгүл Сейітова")
    create_closed_vault(coord, "coordinator", "Coordinator One")
    amanat("card", "export", "--vault", vol, "-o", tmp_path / "vol.card")
    amanat("card", "export", "--vault", coord, "-o", tmp_path / "coord.card")
    amanat("card", "import", "--vault", vol, tmp_path / "coord.card", "--verified")
    amanat("card", "import", "--vault", coord, tmp_path / "vol.card", "--verified")
    return (
        vol,
        coord,
        fingerprint_of(tmp_path / "vol.card"),
        fingerprint_of(tmp_path / "coord.card"),
    )


def _finalized_with_photo(vol: Path, tmp_path: Path) -> tuple[str, bytes]:
    tid = amanat("testimony", "add", "--vault", vol, "--json", EXAMPLE).stdout.strip()
    photo = b"\xff\xd8\xff\xe0" + random.Random(5).randbytes(200_000)
    (tmp_path / "photo.jpg").write_bytes(photo)
    amanat("attach", "--vault", vol, tid, tmp_path / "photo.jpg")
    amanat("testimony", "finalize", "--vault", vol, tid)
    return tid, photo


def test_testimony_travels_and_opens_without_amanat(tmp_path: Path) -> None:
    vol, coord, vol_fp, coord_fp = _setup(tmp_path)
    tid, photo = _finalized_with_photo(vol, tmp_path)
    bundle = tmp_path / "usb" / "to-coordinator.age"
    bundle.parent.mkdir()
    # --classic: Debian's age is older than 1.3 (hybrid: test_post_quantum.py)
    r = amanat("export", "--vault", vol, "--to", coord_fp, "--all-final", "--classic", "-o", bundle)
    assert "Bundle written" in r.stdout and bundle.is_file()
    assert not list(bundle.parent.glob("*.part"))

    r = amanat("verify", "--vault", coord, bundle, "--json")
    report = json.loads(r.stdout)
    assert report["problem"] is None and report["sender"]["fingerprint"] == vol_fp
    assert report["records"] == 1 and report["attachments"] == 1
    r = amanat("import", "--vault", coord, bundle)
    assert "imported 1 testimony version (new 1" in r.stdout

    found = json.loads(amanat("search", "--vault", coord, "تۇرسۇن", "--json").stdout)
    assert [t["id"] for t in found] == [tid]
    found = json.loads(amanat("search", "--vault", coord, "Tursun", "--json").stdout)
    assert [t["id"] for t in found] == [tid]
    r = amanat("import", "--vault", coord, bundle)
    assert "already imported" in r.stdout

    # No lock-in: the standard tools open and check the bundle.
    amanat(
        "keys", "export-age-identity", "--classic", "--vault", coord, "-o", tmp_path / "coord.key"
    )
    amanat("keys", "export-minisign-pubkey", "--vault", vol, "-o", tmp_path / "vol.pub")
    out = tmp_path / "opened"
    out.mkdir()
    plain = subprocess.run(
        ["age", "-d", "-i", str(tmp_path / "coord.key"), str(bundle)],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(out)], input=plain, check=True)
    manifest = json.loads((out / "manifest.json").read_bytes())
    check = subprocess.run(
        ["minisign", "-V", "-p", str(tmp_path / "vol.pub"), "-m", str(out / "manifest.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    assert f"bundle={manifest['bundle']}" in check.stdout
    [record] = manifest["records"]
    data = (out / "records" / tid / f"{record['version']}.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == record["sha256"]
    assert json.loads(data)["content"]["victims"][0]["names"]["latin"] == "Tursun Ablimit"
    [attachment] = manifest["attachments"]
    assert (out / "attachments" / attachment["sha256"]).read_bytes() == photo
    assert manifest["recipients"] == [coord_fp]


def test_unknown_sender_is_told_how_to_enroll(tmp_path: Path) -> None:
    _vol, coord, _vol_fp, coord_fp = _setup(tmp_path)
    stranger = tmp_path / "stranger"
    create_closed_vault(stranger, "volunteer", "Stranger")
    amanat("card", "import", "--vault", stranger, tmp_path / "coord.card", "--verified")
    amanat("testimony", "add", "--vault", stranger, "--json", EXAMPLE)
    tid = json.loads(amanat("testimony", "list", "--vault", stranger, "--json").stdout)[0]["id"]
    amanat("testimony", "finalize", "--vault", stranger, tid)
    amanat("export", "--vault", stranger, "--to", coord_fp, "-o", tmp_path / "s.age")
    r = amanat("import", "--vault", coord, tmp_path / "s.age", check=False)
    assert r.returncode == 10
    assert "amanat card import" in r.stderr and "--verified" in r.stderr
    amanat("card", "export", "--vault", stranger, "-o", tmp_path / "stranger.card")
    assert fingerprint_of(tmp_path / "stranger.card") in r.stderr
    r = amanat("verify", "--vault", coord, tmp_path / "s.age", check=False)
    assert r.returncode == 10 and "NOT enrolled" in r.stdout


def test_seal_policy(tmp_path: Path) -> None:
    vol, coord, _vol_fp, coord_fp = _setup(tmp_path)
    assert "Seal policy: off" in amanat("seal", "status", "--vault", vol).stdout
    tid, _ = _finalized_with_photo(vol, tmp_path)
    r = amanat("seal", "on", "--vault", vol)
    assert "Seal policy: on" in r.stdout
    r = amanat("export", "--vault", vol, "--to", coord_fp, "-o", tmp_path / "b.age")
    assert "Sealed" in r.stdout
    assert json.loads(amanat("testimony", "list", "--vault", vol, "--json").stdout) == []
    assert json.loads(amanat("search", "--vault", vol, "Tursun", "--json").stdout) == []
    r = amanat("testimony", "show", "--vault", vol, tid, check=False)
    assert r.returncode != 0
    status = amanat("seal", "status", "--vault", vol).stdout
    assert "Sealed testimony versions: 1" in status
    bundle_id = status.split("Kept bundle ")[1].split()[0]
    amanat("export", "--vault", vol, "--resend", bundle_id, "-o", tmp_path / "again.age")
    assert (tmp_path / "again.age").read_bytes() == (tmp_path / "b.age").read_bytes()
    amanat("import", "--vault", coord, tmp_path / "again.age")
    assert json.loads(amanat("search", "--vault", coord, "Tursun", "--json").stdout)


def _limited_file_size(limit: int) -> None:
    """In the child: files cannot grow beyond ``limit`` bytes (the kernel refuses the write,
    as on a full USB stick) and the signal that would otherwise end the process is ignored."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def test_a_full_disk_during_export_is_a_clear_error_and_sends_nothing(tmp_path: Path) -> None:
    vol, _coord, _vol_fp, coord_fp = _setup(tmp_path)
    _finalized_with_photo(vol, tmp_path)
    stick = tmp_path / "stick"
    stick.mkdir()
    out = stick / "b.age"
    full = amanat(
        *("export", "--vault", vol, "--to", coord_fp, "--new", "-o", out),
        check=False,
        preexec=lambda: _limited_file_size(100_000),
    )
    assert full.returncode == 1, full.stderr  # and no traceback (amanat() checks)
    assert "Cannot write" in full.stderr and "has space" in full.stderr
    assert list(stick.iterdir()) == []  # no bundle, no .part
    # Nothing counts as sent: the next export of new testimonies carries it.
    amanat("export", "--vault", vol, "--to", coord_fp, "--new", "-o", out)
    assert out.stat().st_size > 200_000
