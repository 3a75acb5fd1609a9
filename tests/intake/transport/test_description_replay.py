"""A drop description replayed or changed: an old signed description must not replace a newer
one, credentials do not follow the drop to another host or user, and a signer revoked after
the import no longer directs uploads (drop security review, finding 3)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from intake.cards.registry import CardRegistry, own_card
from intake.cards.statements import KeyStatements
from intake.transport import description as d
from intake.transport.errors import DescriptionOutdated, InvalidDrop
from intake.vault import Vault

VaultFactory = Callable[..., Vault]
HOST_KEY = "SHA256:" + "A" * 43
OLD = datetime(2024, 1, 1, tzinfo=UTC)
NEW = datetime(2026, 1, 1, tzinfo=UTC)


def _pair(make_vault: VaultFactory) -> tuple[Vault, Vault]:
    coordinator = make_vault("Coordinator", "coordinator", folder="c")
    volunteer = make_vault("Aigul", "volunteer", folder="v")
    CardRegistry(volunteer).add(own_card(coordinator), verified=True)
    return coordinator, volunteer


def _desc(coordinator: Vault, url: str, when: datetime, **extra: str) -> bytes:
    made = d.create(coordinator, url, auth="password", host_key=HOST_KEY, now=when, **extra)
    return d.serialize(made)


def test_an_older_description_does_not_replace_a_newer_one(make_vault: VaultFactory) -> None:
    coordinator, volunteer = _pair(make_vault)
    old = _desc(coordinator, "sftp://u@old-seized.example:22/drop", OLD)
    new = _desc(coordinator, "sftp://u@new.example:22/drop", NEW, proxy="socks5://127.0.0.1:9050")
    d.store(volunteer, new, password="pw")
    with pytest.raises(DescriptionOutdated) as caught:
        d.store(volunteer, old)  # replayed
    assert "2024-01-01" in caught.value.message("en")
    kept = d.settings(volunteer)
    assert kept.host == "new.example" and kept.proxy is not None and kept.password == "pw"


def test_the_same_description_can_be_imported_again(make_vault: VaultFactory) -> None:
    coordinator, volunteer = _pair(make_vault)
    new = _desc(coordinator, "sftp://u@new.example:22/drop", NEW)
    d.store(volunteer, new, password="pw")
    d.store(volunteer, new)
    assert d.settings(volunteer).password == "pw"


@pytest.mark.parametrize(
    "url", ["sftp://u@other.example:22/drop", "sftp://someone@new.example:22/drop"]
)
def test_the_password_does_not_follow_a_new_host_or_user(
    make_vault: VaultFactory, url: str
) -> None:
    coordinator, volunteer = _pair(make_vault)
    d.store(volunteer, _desc(coordinator, "sftp://u@new.example:22/drop", OLD), password="pw")
    later = _desc(coordinator, url, NEW)
    with pytest.raises(InvalidDrop):  # needs a password again
        d.store(volunteer, later)
    d.store(volunteer, later, password="pw2")
    assert d.settings(volunteer).password == "pw2"


def test_a_new_folder_on_the_same_login_keeps_the_password(make_vault: VaultFactory) -> None:
    coordinator, volunteer = _pair(make_vault)
    d.store(volunteer, _desc(coordinator, "sftp://u@new.example:22/drop", OLD), password="pw")
    d.store(volunteer, _desc(coordinator, "sftp://u@new.example:22/drop2", NEW))
    assert d.settings(volunteer).password == "pw"


def test_a_revoked_coordinator_no_longer_directs_uploads(make_vault: VaultFactory) -> None:
    coordinator, volunteer = _pair(make_vault)
    d.store(volunteer, _desc(coordinator, "sftp://u@new.example:22/drop", NEW), password="pw")
    KeyStatements(volunteer).revoke(own_card(coordinator).fingerprint, "2000-01-01T00:00:00Z")
    with pytest.raises(InvalidDrop):
        d.settings(volunteer)
