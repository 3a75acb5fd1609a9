"""Fuzz target: manifest bytes → BundleError only (``parse_manifest``, read before any
signature is checked: JSON, limits, the embedded sender card, canonical form)."""

from __future__ import annotations

from fuzz.harness import instrumented, run

with instrumented():  # everything that imports crypto/ or intake/
    from intake.bundles.errors import BundleError
    from intake.bundles.manifest import parse_manifest

NAME = "manifest"


def check(data: bytes) -> None:
    try:
        manifest = parse_manifest(data)
    except BundleError:
        return
    assert manifest.encode() == data, "a manifest was accepted that is not its own encoding"


if __name__ == "__main__":
    run(check, NAME)
