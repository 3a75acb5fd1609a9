"""The demo vaults: fictional data, cards exchanged, a photo, drafts and finals."""

from __future__ import annotations

from pathlib import Path

from intake.cards.registry import CardRegistry
from intake.demo import DEMO_NOTE, create_demo
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


def test_demo_command_without_gui(tmp_path: Path) -> None:
    r = amanat("demo", "--no-gui", "--folder", str(tmp_path / "d"), passphrase=None)
    assert r.returncode == 0, r.stderr
    assert "FICTIONAL" in r.stdout and "demo only apricot lantern river" in r.stdout
    assert (tmp_path / "d" / "volunteer" / "vault.json").is_file()


def test_demo_marker_names_the_passphrase(tmp_path: Path) -> None:
    from intake.demo import demo_passphrase_for

    demo = create_demo(tmp_path / "demo", FAST_KDF)
    assert demo_passphrase_for(demo.volunteer) == demo.passphrase
    assert demo_passphrase_for(tmp_path / "elsewhere" / "vault") is None
