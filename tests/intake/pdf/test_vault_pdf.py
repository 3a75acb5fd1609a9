"""Testimonies from a real vault: the view, the signature check, ``amanat pdf testimony``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from intake.bundles.export import export_bundle
from intake.bundles.importer import import_bundle
from intake.cards.registry import CardRegistry, own_card
from intake.cli.main import main
from intake.forms.definitions import builtin_form
from intake.pdf import vault_view
from intake.pdf.filled import render_testimony
from intake.pdf.testimony_view import ProvenanceEntry
from intake.testimonies import store as testimonies
from intake.testimonies.attachments import AttachmentStore
from intake.vault import Vault
from tests.conftest import PASSPHRASE, VaultFactory

from .filled_fixtures import example_content
from .pdf_probe import page_count, pdf_text

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40


def two_final_versions(vault: Vault) -> str:
    """The example testimony, finalized, with an attachment, edited and finalized again."""
    store = testimonies.TestimonyStore(vault)
    tid = store.create_draft(example_content())
    store.finalize(tid)
    AttachmentStore(vault).add(tid, io.BytesIO(PHOTO), "tursun-id-card.jpg")
    store.edit_final(tid)
    content = example_content()
    content["victims"][1]["last_contact"] = "2018-02-28"
    store.update_draft(tid, content)
    store.finalize(tid)
    return tid


def test_view_from_vault_has_versions_attachments_and_a_checked_signature(
    make_vault: VaultFactory,
) -> None:
    vault = make_vault()
    tid = two_final_versions(vault)
    view = vault_view.testimony_view_from_vault(vault, tid)
    store = testimonies.TestimonyStore(vault)
    head = store.get(tid)
    assert (view.id, view.version, view.status, view.hash) == (tid, 2, "final", head.hash)
    assert view.signature == "valid"
    assert view.author_fingerprint == head.author_fingerprint
    assert view.content["victims"][1]["last_contact"] == "2018-02-28"
    assert [v.version for v in view.versions] == [1, 2]
    assert view.versions[1].hash == head.hash and view.versions[0].hash == head.prev_hash
    [att] = view.attachments
    assert (att.filename, att.size, att.media_type) == (
        "tursun-id-card.jpg",
        len(PHOTO),
        "image/jpeg",
    )
    assert view.provenance == ()  # this vault imported no bundle
    first = vault_view.testimony_view_from_vault(vault, tid, version=1)
    assert first.version == 1 and first.content["victims"][1]["last_contact"] == "2018-02-27"
    entry = ProvenanceEntry("b-1", "Aigerim", "2019-04-20T10:00:00Z", 2)
    with_bundle = vault_view.testimony_view_from_vault(vault, tid, provenance=[entry])
    assert with_bundle.provenance == (entry,)


def test_bundle_provenance_on_the_coordinator_side(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    volunteer = make_vault("Айгүл Сейітова", "volunteer")
    coordinator = make_vault("Coordinator One", "coordinator")
    CardRegistry(volunteer).add(own_card(coordinator), verified=True)
    CardRegistry(coordinator).add(own_card(volunteer), verified=True)
    tid = two_final_versions(volunteer)
    assert vault_view.testimony_view_from_vault(volunteer, tid).provenance == ()
    sent = export_bundle(
        volunteer, [own_card(coordinator).fingerprint], tmp_path / "b.age", selection="all-final"
    )
    import_bundle(coordinator, sent.path)
    view = vault_view.testimony_view_from_vault(coordinator, tid)
    assert view.provenance is not None
    assert {p.version for p in view.provenance} == {1, 2}
    sender = f"Айгүл Сейітова ({own_card(volunteer).fingerprint})"
    assert all(p.bundle_id == sent.bundle_id and p.sender == sender for p in view.provenance)
    assert view.signature == "valid"
    out = tmp_path / "printed.pdf"
    with out.open("wb") as stream:
        render_testimony(builtin_form(), view, "en", stream)
    text = " ".join(pdf_text(out).split())
    assert f"Bundle provenance: bundle {sent.bundle_id} from Айгүл Сейітова" in text


def test_a_changed_stored_byte_prints_as_not_valid(make_vault: VaultFactory) -> None:
    vault = make_vault()
    tid = two_final_versions(vault)
    with vault.transaction() as conn:  # what someone with the vault key could do by hand
        conn.execute("DROP TRIGGER testimony_versions_final_is_frozen")
        row = conn.execute(
            "SELECT content FROM testimony_versions WHERE testimony_id = ? AND version_no = 2",
            (tid,),
        ).fetchone()
        changed = str(row[0]).replace("2018-02-28", "2018-02-20")
        conn.execute(
            "UPDATE testimony_versions SET content = ? WHERE testimony_id = ? AND version_no = 2",
            (changed, tid),
        )
    assert vault_view.testimony_view_from_vault(vault, tid).signature == "invalid"


def test_a_draft_is_unsigned(make_vault: VaultFactory) -> None:
    vault = make_vault()
    tid = testimonies.TestimonyStore(vault).create_draft({"interview": {"place": "Almaty"}})
    view = vault_view.testimony_view_from_vault(vault, tid)
    assert (view.status, view.signature, view.hash) == ("draft", "unsigned", None)


@pytest.fixture
def stored(make_vault: VaultFactory, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A closed vault folder holding the two-version example, and its testimony id."""
    vault = make_vault()
    tid = two_final_versions(vault)
    vault.close()
    monkeypatch.setenv("AMANAT_PASSPHRASE", PASSPHRASE)
    return vault.path, tid


def test_cli_prints_a_testimony_and_its_redacted_copy(
    tmp_path: Path, stored: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, tid = stored
    full, redacted = tmp_path / "full.pdf", tmp_path / "redacted.pdf"
    assert (
        main(["pdf", "testimony", "--vault", str(folder), tid, "--lang", "zh", "-o", str(full)])
        == 0
    )
    args = ["pdf", "testimony", "--vault", str(folder), tid, "--redacted", "-o", str(redacted)]
    assert main(args) == 0
    assert f"({page_count(full)} pages)" in capsys.readouterr().out.splitlines()[0]
    full_text, redacted_text = pdf_text(full), pdf_text(redacted)
    assert "Турсун Аблимит" in full_text and "受害人" in full_text
    assert "Турсун" not in redacted_text and "+7 700" not in redacted_text
    assert tid in full_text and tid in redacted_text  # in the header of every page
    assert not list(tmp_path.glob("*.part"))


def test_cli_typed_errors(
    tmp_path: Path, stored: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, tid = stored
    out = tmp_path / "x.pdf"
    base = ["pdf", "testimony", "--vault", str(folder)]
    assert main([*base, "00000000-0000-4000-8000-000000000000", "-o", str(out)]) == 8
    assert main([*base, tid, "--version", "9", "-o", str(out)]) == 8
    assert main([*base, tid, "--lang", "en,kk", "-o", str(out)]) == 2
    assert main([*base, tid, "--lang", "xx", "-o", str(out)]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 4 and all(e.startswith("amanat: ") for e in errors)
    assert not out.exists() and not list(tmp_path.glob("*.part"))
