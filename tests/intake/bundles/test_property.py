"""Property: no change to a valid bundle, in its file bytes or in its plaintext (encrypted again,
as a forger can), is ever accepted; each is refused with a typed BundleError (nothing else
escapes) and the coordinator's vault stays exactly as it was."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from intake.bundles.errors import BundleError
from intake.bundles.export import export_bundle
from intake.bundles.importer import import_bundle
from intake.cards import own_card
from intake.vault import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.intake.bundles.forge import Keys
from tests.intake.bundles.vaults import add_final, exchange_cards, logical_dump, photo


@dataclass
class Setup:
    coordinator: Vault
    keys: Keys
    good: bytes
    plaintext: bytes
    folder: Path
    dump: dict[str, list[tuple[object, ...]]]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    folder = tmp_path_factory.mktemp("property")
    volunteer = Vault.create(folder / "v", PASSPHRASE, "volunteer", "V", FAST_KDF)
    coordinator = Vault.create(folder / "c", PASSPHRASE, "coordinator", "C", FAST_KDF)
    exchange_cards(volunteer, coordinator)
    add_final(volunteer, (photo(3, 3000),))
    fp = own_card(coordinator).fingerprint
    result = export_bundle(volunteer, [fp], folder / "good.age", selection="all-final")
    keys = Keys.of(volunteer, coordinator)
    good = result.path.read_bytes()
    yield Setup(coordinator, keys, good, keys.decrypt(good), folder, logical_dump(coordinator))
    volunteer.close()
    coordinator.close()


@st.composite
def mutations(draw: st.DrawFn, size: int) -> list[tuple[str, int, bytes]]:
    ops = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "set"]))
        position = draw(st.integers(0, size - 1))
        data = draw(st.binary(min_size=1, max_size=600)) if kind in ("insert", "set") else b""
        amount = draw(st.integers(1, 8))
        ops.append((kind, position, data if data else bytes([amount])))
    return ops


def mutate(data: bytes, ops: list[tuple[str, int, bytes]]) -> bytes:
    out = bytearray(data)
    for kind, position, extra in ops:
        position = min(position, max(len(out) - 1, 0))
        if kind == "flip" and out:
            out[position] ^= 1 << (extra[0] % 8)
        elif kind == "insert":
            out[position:position] = extra
        elif kind == "delete":
            del out[position : position + extra[0]]
        elif kind == "truncate":
            del out[position:]
        elif kind == "set":
            out[position : position + len(extra)] = extra
    return bytes(out)


def _refused(setup: Setup, bundle: bytes) -> None:
    assume(bundle != setup.good)
    path = setup.folder / "mutated.age"
    path.write_bytes(bundle)
    with pytest.raises(BundleError):
        import_bundle(setup.coordinator, path)
    assert logical_dump(setup.coordinator) == setup.dump


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_changed_file_is_refused(setup: Setup, data: st.DataObject) -> None:
    ops = data.draw(mutations(len(setup.good)))
    _refused(setup, mutate(setup.good, ops))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_changed_plaintext_is_refused(setup: Setup, data: st.DataObject) -> None:
    ops = data.draw(mutations(len(setup.plaintext)))
    changed = mutate(setup.plaintext, ops)
    assume(changed != setup.plaintext)
    _refused(setup, setup.keys.encrypt(changed))
