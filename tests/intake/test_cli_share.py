"""The coordinator CLI end to end, as real subprocesses: export-data with and without the
flags that include more, and duplicates list / link / dismiss / undo / person."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.intake.test_cli_vault import amanat
from tests.intake.testimony_fixtures import example_content, one_victim

TURSUN_ID = "653121196203081532"


@pytest.fixture
def archive(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A coordinator vault with the documented example (no consent to publish names) and two
    more reports of Tursun Ablimit, in Cyrillic and in Chinese (names may be published)."""
    folder = tmp_path / "coordinator"
    vault = Vault.create(folder, PASSPHRASE, "coordinator", "Coordinator", FAST_KDF)
    try:
        store = TestimonyStore(vault)
        cyrillic = one_victim({"cyrillic": "Турсун Аблимит"}, birth_date="1962-03-08")
        cyrillic["consent"] = {"publish_names": True, "may_contact_again": False}
        chinese = one_victim({"chinese": "吐尔逊·阿不力米提"}, prc_id=TURSUN_ID)
        ids = {
            "example": store.create_draft(example_content()),
            "cyrillic": store.create_draft(cyrillic),
            "chinese": store.create_draft(chinese),
        }
        for tid in ids.values():
            store.finalize(tid)
    finally:
        vault.close()
    return folder, ids


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def test_export_data_honours_consent_unless_told(
    archive: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    folder, ids = archive
    out = tmp_path / "shared.csv"
    r = amanat("export-data", "--vault", str(folder), "--format", "csv", "--all", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""  # nothing risky: no warning
    assert "Exported 3 testimonies (5 victims)" in r.stdout
    assert "Names and narrative left out of 2 testimonies" in r.stdout
    rows = _rows(out)
    assert len(rows) == 5 and "victims.prc_id" not in rows[0]
    text = out.read_text(encoding="utf-8-sig")
    assert "Турсун Аблимит" in text  # consented
    assert "Tursun Ablimit" not in text and "吐尔逊" not in text and TURSUN_ID not in text
    assert not (tmp_path / "shared.csv.part").exists()

    again = amanat(
        "export-data", "--vault", str(folder), "--format", "csv", "--all", "-o", str(out)
    )
    assert again.returncode == 8 and "already exists" in again.stderr

    full = tmp_path / "full.json"
    r = amanat(
        "export-data",
        "--vault",
        str(folder),
        "--format",
        "json",
        ids["example"],
        "--include-sensitive",
        "--include-unconsented-names",
        "-o",
        str(full),
    )
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("amanat: WARNING") == 2
    assert "did NOT consent" in r.stderr and "sensitive" in r.stderr
    doc = json.loads(full.read_text(encoding="utf-8"))
    assert [rec["id"] for rec in doc["records"]] == [ids["example"]]
    victim = doc["records"][0]["content"]["victims"][0]
    assert victim["names"]["latin"] == "Tursun Ablimit" and victim["prc_id"] == TURSUN_ID


def test_export_data_usage_errors(archive: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    folder, ids = archive
    out = str(tmp_path / "x.csv")
    r = amanat("export-data", "--vault", str(folder), "--format", "csv", "-o", out)
    assert r.returncode == 2 and "--all" in r.stderr
    r = amanat(
        "export-data", "--vault", str(folder), "--format", "csv", "--all", ids["example"], "-o", out
    )
    assert r.returncode == 2
    r = amanat(
        "export-data",
        "--vault",
        str(folder),
        "--format",
        "csv",
        "00000000-0000-4000-8000-000000000000",
        "-o",
        out,
    )
    assert r.returncode == 8 and "Traceback" not in r.stderr
    assert not Path(out).exists() and not Path(out + ".part").exists()


def test_duplicates_list_link_dismiss_undo(archive: tuple[Path, dict[str, str]]) -> None:
    folder, ids = archive
    vault = str(folder)
    r = amanat("duplicates", "--vault", vault, "--json")
    assert r.returncode == 0, r.stderr
    pairs = {frozenset((c["a"], c["b"])): c for c in json.loads(r.stdout)}
    example, cyrillic, chinese = (ids[k] + "#1" for k in ("example", "cyrillic", "chinese"))
    assert frozenset((example, cyrillic)) in pairs
    by_id = pairs[frozenset((example, chinese))]
    assert by_id["reasons"][0]["code"] == "prc_id_equal" and by_id["score"] > 0.9

    text = amanat("duplicates", "--vault", vault)
    assert text.returncode == 0 and "Same PRC ID number, with a valid check digit" in text.stdout

    r = amanat("duplicates", "--vault", vault, "link", example, ids["chinese"])
    assert r.returncode == 0, r.stderr
    assert "Linked as the same person" in r.stdout
    r = amanat("duplicates", "--vault", vault, "dismiss", example, cyrillic)
    assert r.returncode == 0, r.stderr
    r = amanat("duplicates", "--vault", vault, "--json")
    remaining = {frozenset((c["a"], c["b"])) for c in json.loads(r.stdout)}
    assert frozenset((example, chinese)) not in remaining
    assert frozenset((example, cyrillic)) not in remaining

    r = amanat("duplicates", "--vault", vault, "person", chinese, "--json")
    assert {e["ref"] for e in json.loads(r.stdout)} == {example, chinese}

    r = amanat("duplicates", "--vault", vault, "dismiss", chinese, example)
    assert r.returncode == 8 and "Undo the link" in r.stderr
    r = amanat("duplicates", "--vault", vault, "undo", chinese, example)
    assert r.returncode == 0, r.stderr
    r = amanat("duplicates", "--vault", vault, "undo", chinese, example)
    assert r.returncode == 8
    r = amanat("duplicates", "--vault", vault, "link", example)
    assert r.returncode == 2
    r = amanat("duplicates", "--vault", vault, "link", example, "nobody#1")
    assert r.returncode == 8 and "TESTIMONY-ID#N" in r.stderr

    r = amanat("audit", "verify", "--vault", vault)
    assert r.returncode == 0, r.stderr
