"""Test-wide settings: Qt offscreen, cheap Argon2id for throwaway vaults, vault factories."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from crypto.kdf import MIN_ITERATIONS, MIN_MEMORY_KIB, Argon2Params
from intake.vault import Vault

FAST_KDF = Argon2Params(memory_kib=MIN_MEMORY_KIB, iterations=MIN_ITERATIONS)
PASSPHRASE = "correct horse battery staple"
REPO = Path(__file__).resolve().parents[1]

VaultFactory = Callable[..., Vault]


def create_closed_vault(folder: Path, role: str = "volunteer", name: str = "Aigul Test") -> Path:
    """A vault made here with FAST_KDF and closed again, for tests that then run the CLI on it.
    The app never lowers its KDF cost on its own: ``amanat init`` always calibrates Argon2id."""
    Vault.create(folder, PASSPHRASE, role, name, FAST_KDF).close()
    return folder


@pytest.fixture
def make_vault(tmp_path: Path) -> Iterator[VaultFactory]:
    """Create vaults in tmp_path (cheap KDF); all are closed at the end of the test."""
    opened: list[Vault] = []

    def factory(
        name: str = "Aigul Test", role: str = "volunteer", folder: str | None = None
    ) -> Vault:
        vault = Vault.create(
            tmp_path / (folder or f"{role}-{len(opened)}"), PASSPHRASE, role, name, FAST_KDF
        )
        opened.append(vault)
        return vault

    yield factory
    if "ui.workers" in sys.modules:  # a GUI test may leave a background job on the vault
        sys.modules["ui.workers"].wait_for_all()
    for vault in opened:
        vault.close()


@pytest.fixture
def vault(make_vault: VaultFactory) -> Vault:
    return make_vault()
