"""CSV and JSON sharing: consent and sensitive marks honoured by default, flags to include,
CSV parses back, drafts and other partners skipped, damage stops the export, audit entry."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from intake.bundles.errors import OutputExists, OutputFailed
from intake.sharing.content import cell
from intake.sharing.export import ShareOptions, export_data, export_file, risk_warnings
from intake.testimonies.errors import TestimonyNotFound, VersionDamaged
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from intake.vault.audit import AuditLog
from tests.conftest import VaultFactory
from tests.intake.testimony_fixtures import Clock, example_content, one_victim

PARTNER = "Xinjiang Victims Database"
TURSUN_ID = "653121196203081532"
ERKIN_ID = "65312119880921217X"


@pytest.fixture
def coordinator(make_vault: VaultFactory) -> Vault:
    return make_vault("Coordinator Test", "coordinator")


@pytest.fixture
def records(coordinator: Vault) -> dict[str, str]:
    """no_consent: the documented example (publish_names false, PRC IDs, contact);
    consent: one victim whose family agreed to publication; draft: never finalized."""
    store = TestimonyStore(coordinator, clock=Clock())
    example = example_content()
    example["victims"][1]["suspected_reason"] = "The police asked Erkin about his father Tursun."
    no_consent = store.create_draft(example)
    agreed = one_victim(
        {"latin": "Mihray Ablet", "cyrillic": "Михрай Аблет"},
        prc_id="653121199001011249",
        occupation='=HYPERLINK("http://example.invalid")',
    )
    agreed["consent"] = {"publish_names": True, "may_contact_again": False}
    agreed["narrative"] = {"text": "Mihray was a teacher (fictional)."}
    consent = store.create_draft(agreed)
    draft = store.create_draft(one_victim({"latin": "Draft Only"}))
    for tid in (no_consent, consent):
        store.finalize(tid)
    return {"no_consent": no_consent, "consent": consent, "draft": draft}


def _export(vault: Vault, fmt: str, **options: Any) -> tuple[bytes, Any]:
    buffer = io.BytesIO()
    report = export_data(vault, buffer, fmt, None, ShareOptions(**options))  # type: ignore[arg-type]
    return buffer.getvalue(), report


def _csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark for spreadsheet programs
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_default_leaves_out_unconsented_names_and_sensitive_fields(
    coordinator: Vault, records: dict[str, str]
) -> None:
    data, report = _export(coordinator, "csv")
    rows = _csv(data)
    assert (report.records, report.victims, report.skipped_drafts) == (2, 4, 1)
    assert report.names_withheld == 1
    by_testimony: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_testimony.setdefault(row["testimony_id"], []).append(row)
    example = by_testimony[records["no_consent"]]
    assert [r["victim_position"] for r in example] == ["1", "2", "3"]
    assert all(r["names_withheld"] == "true" for r in example)
    assert all(r["victims.names.latin"] == r["victims.names.arabic"] == "" for r in example)
    assert example[0]["victims.birth_date"] == "1962-03-08"  # public fields stay
    assert example[0]["victims.hometown.county.zh"] == "疏附县"
    assert example[0]["narrative.text"] == ""  # free text naming people goes with the names
    assert example[1]["victims.suspected_reason"] == (
        "The police asked [name withheld] about his father [name withheld]."
    )
    text = data.decode("utf-8-sig")
    for secret in ("Tursun", "تۇرسۇن", "吐尔逊", "Gülnar", TURSUN_ID, ERKIN_ID, "+7 700"):
        assert secret not in text, secret
    for column in ("victims.prc_id", "victims.health", "testifier.contact", "testifier.names"):
        assert column not in rows[0], column
    (agreed,) = by_testimony[records["consent"]]
    assert agreed["names_withheld"] == "false"
    assert agreed["victims.names.latin"] == "Mihray Ablet"
    assert agreed["victims.names.cyrillic"] == "Михрай Аблет"
    assert agreed["narrative.text"] == "Mihray was a teacher (fictional)."
    assert agreed["victims.occupation"].startswith("'=HYPERLINK")  # never run as a formula
    assert "653121199001011249" not in text
    store = TestimonyStore(coordinator)
    assert agreed["testimony_hash"] == store.get(records["consent"]).hash
    assert agreed["testimony_version"] == "1"


def test_csv_flags_include_what_was_asked_for(coordinator: Vault, records: dict[str, str]) -> None:
    data, report = _export(coordinator, "csv", include_sensitive=True)
    rows = _csv(data)
    assert report.withheld_fields == [] and report.names_withheld == 1
    ids = {r["victims.prc_id"] for r in rows}
    assert {TURSUN_ID, ERKIN_ID, "653121199001011249"} <= ids
    assert any(r["testifier.contact"].startswith("'+7 700") for r in rows)
    assert "Tursun" not in data.decode("utf-8-sig")  # names still need their own flag

    data, report = _export(coordinator, "csv", include_unconsented_names=True)
    rows = _csv(data)
    assert report.names_withheld == 0
    example = [r for r in rows if r["testimony_id"] == records["no_consent"]]
    assert [r["victims.names.latin"] for r in example] == [
        "Tursun Ablimit",
        "Erkin Tursun",
        "Nurlan Serikuly",
    ]
    assert example[0]["victims.names.aliases"] == "Tursunjan; Tursun Ablimet"
    assert "Her father Tursun" in example[0]["narrative.text"]
    assert "victims.prc_id" not in rows[0]  # sensitive fields still need their own flag


def test_json_structure_and_filtering(coordinator: Vault, records: dict[str, str]) -> None:
    data, report = _export(coordinator, "json")
    doc = json.loads(data)
    assert doc["format"] == "amanat.shared-data/1"
    assert doc["included"] == {
        "sensitive_fields": False,
        "unconsented_names": False,
        "partner": None,
    }
    assert "victims.prc_id" in doc["withheld_fields"]
    assert doc["count"] == len(doc["records"]) == 2
    by_id = {r["id"]: r for r in doc["records"]}
    example = by_id[records["no_consent"]]
    assert example["names_withheld"] is True
    assert example["version"] == 1 and len(example["hash"]) == 64
    assert all("names" not in v and "prc_id" not in v for v in example["content"]["victims"])
    assert "names" not in example["content"]["testifier"]
    assert "contact" not in example["content"]["testifier"]
    assert example["content"]["consent"]["publish_names"] is False  # consent is always shared
    agreed = by_id[records["consent"]]
    assert agreed["content"]["victims"][0]["names"]["latin"] == "Mihray Ablet"
    assert "prc_id" not in agreed["content"]["victims"][0]
    assert report.victims == 4

    full = json.loads(
        _export(coordinator, "json", include_sensitive=True, include_unconsented_names=True)[0]
    )
    victims = {r["id"]: r for r in full["records"]}[records["no_consent"]]["content"]["victims"]
    assert victims[0]["names"]["arabic"] == "تۇرسۇن ئابلىمىت"
    assert victims[0]["prc_id"] == TURSUN_ID


def test_partner_consent_and_selection(coordinator: Vault, records: dict[str, str]) -> None:
    buffer = io.BytesIO()
    report = export_data(
        coordinator, buffer, "json", None, ShareOptions(partner="  xinjiang victims DATABASE ")
    )
    doc = json.loads(buffer.getvalue())
    assert [r["id"] for r in doc["records"]] == [records["no_consent"]]
    assert report.skipped_partner == 1 and doc["included"]["partner"] is not None

    buffer = io.BytesIO()
    report = export_data(coordinator, buffer, "csv", [records["consent"], records["draft"]])
    assert (report.records, report.skipped_drafts) == (1, 1)
    with pytest.raises(TestimonyNotFound):
        export_data(coordinator, io.BytesIO(), "csv", ["00000000-0000-4000-8000-000000000000"])


def test_export_file_is_atomic_and_audited(
    coordinator: Vault, records: dict[str, str], tmp_path: Path
) -> None:
    target = tmp_path / "shared.csv"
    report = export_file(coordinator, target, "csv")
    data = target.read_bytes()
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    assert not (tmp_path / "shared.csv.part").exists()
    assert target.stat().st_mode & 0o077 == 0  # plaintext about people: the owner only
    entry = AuditLog(coordinator).entries()[-1]
    assert (entry.action, entry.subject) == ("export", report.export_id)
    assert entry.details == {
        "kind": "shared_data",
        "format": "csv",
        "records": 2,
        "victims": 4,
        "sensitive": False,
        "unconsented_names": False,
        "sha256": report.sha256,
    }
    assert AuditLog(coordinator).verify().ok
    with pytest.raises(OutputExists):
        export_file(coordinator, target, "json")
    assert target.read_bytes() == data
    planted = tmp_path / "other.json"
    (tmp_path / "other.json.part").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OutputExists):  # a planted link is never followed
        export_file(coordinator, planted, "json")
    assert not (tmp_path / "elsewhere").exists() and not planted.exists()


def test_damaged_version_stops_the_export(
    coordinator: Vault, records: dict[str, str], tmp_path: Path
) -> None:
    conn = coordinator.conn
    conn.execute("DROP TRIGGER testimony_versions_final_is_frozen")
    conn.execute(
        "UPDATE testimony_versions SET content = replace(content, 'teacher', 'farmer')"
        " WHERE testimony_id = ?",
        (records["consent"],),
    )
    folder = tmp_path / "usb"
    folder.mkdir()
    before = len(AuditLog(coordinator).entries())
    with pytest.raises(VersionDamaged):
        export_file(coordinator, folder / "shared.json", "json")
    assert list(folder.iterdir()) == []  # neither the file nor its .part
    assert len(AuditLog(coordinator).entries()) == before


def test_warnings_and_cells() -> None:
    assert risk_warnings(ShareOptions()) == []
    both = risk_warnings(ShareOptions(include_sensitive=True, include_unconsented_names=True))
    assert len(both) == 2 and all(w.startswith("WARNING") for w in both)
    assert risk_warnings(ShareOptions(include_sensitive=True), "ru") != risk_warnings(
        ShareOptions(include_sensitive=True), "en"
    )
    assert cell(["a", "b"]) == "a; b"
    assert (cell(True), cell(None), cell(3)) == ("true", "", "3")
    assert cell("@SUM(A1)") == "'@SUM(A1)" and cell("2018-01 .. 2018-03") == "2018-01 .. 2018-03"


def test_failed_rename_leaves_no_plaintext_part(
    coordinator: Vault, records: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(src: object, dst: object) -> None:
        raise PermissionError(str(dst))

    folder = tmp_path / "usb"
    folder.mkdir()
    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputFailed):
        export_file(coordinator, folder / "shared.csv", "csv")
    assert list(folder.iterdir()) == []
