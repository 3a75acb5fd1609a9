"""The demo vaults: fictional data, cards exchanged, a photo, drafts and finals."""

from __future__ import annotations

from pathlib import Path

from intake.bundles import history
from intake.cards.registry import CardRegistry, own_card
from intake.demo import DEMO_NOTE, create_demo, other_demo_vault
from intake.testimonies import archive
from intake.testimonies.attachments import AttachmentStore
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from tests.conftest import FAST_KDF
from tests.intake.test_cli_vault import amanat


def test_demo_vaults(tmp_path: Path) -> None:
    demo = create_demo(tmp_path / "demo", FAST_KDF)
    with Vault.open(demo.volunteer, demo.passphrase) as vol:
        assert vol.identity.role == "volunteer"
        coords = CardRegistry(vol).usable_coordinators()
        assert [c.card.name for c in coords] == ["Demo Coordinator"]
        store = TestimonyStore(vol)
        summaries = store.list()
        assert sorted(s.status for s in summaries) == ["draft", "final", "final"]
        photos = [a for s in summaries for a in AttachmentStore(vol).list(s.id)]
        assert len(photos) == 1 and photos[0].media_type == "image/png"
        for s in summaries:
            assert DEMO_NOTE in store.get(s.id).content["narrative"]["text"]
        # several scripts are present, so search across scripts can be tried
        assert store.search("Турсун") and store.search("ئابلاجان")
    with Vault.open(demo.coordinator, demo.passphrase) as coord:
        enrolled = CardRegistry(coord).all()
        assert [(k.card.role, k.usable) for k in enrolled] == [("volunteer", True)]


def test_demo_coordinator_already_holds_the_volunteers_final_testimonies(tmp_path: Path) -> None:
    steps: list[tuple[int, str]] = []
    demo = create_demo(tmp_path / "demo", FAST_KDF, lambda p, text: steps.append((p, text)))
    with Vault.open(demo.volunteer, demo.passphrase) as vol:
        summaries = TestimonyStore(vol).list()
        finals = {s.id for s in summaries if s.status == "final"}
        with_photo = [s.id for s in summaries if AttachmentStore(vol).list(s.id)]
        volunteer = own_card(vol).fingerprint
    with Vault.open(demo.coordinator, demo.passphrase) as coord:
        store = TestimonyStore(coord)
        assert {s.id for s in store.list()} == finals and len(finals) == 2  # drafts stay home
        assert archive.testimonies_from(coord, volunteer) == finals
        assert [a.media_type for a in AttachmentStore(coord).list(with_photo[0])] == ["image/png"]
        assert store.search("ئابلاجان")  # searchable across scripts on the coordinator's side
        assert [b.sequence for b in history.received_bundles(coord, volunteer)] == [1]
    assert len(list((demo.folder / "bundles").iterdir())) == 1  # the bundle that was sent
    percents = [p for p, _text in steps]
    assert percents == sorted(percents) and percents[0] == 0 and percents[-1] == 100
    assert len({text for _p, text in steps if text}) >= 5  # each step is named for the screen


def test_the_other_demo_vault(tmp_path: Path) -> None:
    demo = create_demo(tmp_path / "demo", FAST_KDF)
    assert other_demo_vault(demo.volunteer) == ("coordinator", demo.coordinator)
    assert other_demo_vault(demo.coordinator) == ("volunteer", demo.volunteer)
    assert other_demo_vault(tmp_path / "elsewhere" / "volunteer") is None


def test_demo_command_without_gui(tmp_path: Path) -> None:
    r = amanat("demo", "--no-gui", "--folder", str(tmp_path / "d"), passphrase=None)
    assert r.returncode == 0, r.stderr
    assert "FICTIONAL" in r.stdout and "demo only apricot lantern river" in r.stdout
    assert (tmp_path / "d" / "volunteer" / "vault.json").is_file()
    assert "already received" in r.stdout


def test_demo_marker_names_the_passphrase(tmp_path: Path) -> None:
    from intake.demo import demo_passphrase_for

    demo = create_demo(tmp_path / "demo", FAST_KDF)
    assert demo_passphrase_for(demo.volunteer) == demo.passphrase
    assert demo_passphrase_for(tmp_path / "elsewhere" / "vault") is None
