"""Property: no change to a valid bundle, in its file bytes or in its plaintext (encrypted again,
as a forger can), is ever accepted; each is refused with a typed BundleError (nothing else
escapes) and the coordinator's vault stays exactly as it was. And a manifest changed and
signed again by its sender gets a report or a typed error, never another exception."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from crypto.minisign import sign as minisign_sign
from intake.bundles.errors import BundleError
from intake.bundles.export import export_bundle
from intake.bundles.importer import import_bundle, verify_bundle
from intake.bundles.manifest import UNTRUSTED_COMMENT
from intake.cards.registry import own_card
from intake.errors import AmanatError
from intake.vault import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.intake.bundles.forge import Keys
from tests.intake.bundles.synthetic import join_members, member, split_members
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


# ---- a manifest changed and signed again by its (enrolled) sender --------------------------
# The sender's own key makes the signature valid, so everything after it is reached: the
# manifest's values, the tar headers made from them, the report against the vault. Whatever
# the values, the result is a report or a typed error, never another exception.

_TIMES = st.builds(  # mostly real dates, in any year a timestamp can name, edges included
    lambda y, mo, d, h: f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:00:00Z",
    st.sampled_from([1969, 1970, 2038, 2106, 2242, 2243, 3000, 9999]) | st.integers(0, 9999),
    st.integers(1, 12) | st.sampled_from([0, 13]),
    st.integers(1, 28) | st.sampled_from([0, 31, 32]),
    st.integers(0, 23) | st.just(24),
)
_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.integers(0, 2**53),
    st.text(max_size=40),
    _TIMES,
    _TIMES,
    st.lists(st.integers(0, 3), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(0, 3), max_size=2),
)


def _paths(value: object, at: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found: list[tuple[object, ...]] = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*at, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*at, i))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: object) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replace(copy[path[0]], path[1:], new)
    return copy


def _mtime(created: object) -> int:
    try:
        moment = datetime.strptime(str(created), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        return min(max(int(moment.timestamp()), 0), 8**11 - 1)
    except (ValueError, OverflowError):
        return 0


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_resigned_manifest_gets_a_report_or_a_typed_error(
    setup: Setup, data: st.DataObject
) -> None:
    members = split_members(setup.plaintext)
    manifest = json.loads(members[0][1].rstrip(b"\x00"))
    # The manifest's own fields are drawn more often, its time most (it also goes into every
    # tar header, where a far date once did not fit).
    top = [(key,) for key in sorted(manifest)] + [("created",)] * 4
    path = data.draw(st.sampled_from(top) | st.sampled_from(_paths(manifest)[1:]))
    timely = path[-1] == "created" and data.draw(st.booleans())
    changed = _replace(manifest, path, data.draw(_TIMES if timely else _LEAF))
    text = json.dumps(changed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    encoded = text.encode("utf-8", "surrogatepass")
    comment = (
        f"amanat-bundle/1 bundle={changed.get('bundle')} sequence={changed.get('sequence')}"
        f" created={changed.get('created')}"
    )
    try:
        signature = minisign_sign(
            setup.keys.volunteer_seed, encoded, comment, UNTRUSTED_COMMENT
        ).encode()
    except ValueError:  # a trusted comment minisign cannot carry: nothing to test
        assume(False)
    mtime = _mtime(changed.get("created"))
    head = [
        member("manifest.json", encoded, mtime),
        member("manifest.json.minisig", signature, mtime),
    ]
    bundle = setup.keys.encrypt(join_members(head + members[2:]))
    path_on_disk = setup.folder / "resigned.age"
    path_on_disk.write_bytes(bundle)
    with contextlib.suppress(AmanatError):  # a report, or a typed refusal
        verify_bundle(setup.coordinator, path_on_disk)
    assert logical_dump(setup.coordinator) == setup.dump
