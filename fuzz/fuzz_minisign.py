"""Fuzz target: a minisign signature or public-key file → its typed error only.

The bytes are the signature member of a bundle whose manifest is the vector's: the reader's
``verify_signature`` must answer ManifestSignatureInvalid or accept (only the one real
signature passes). The same bytes as text go to ``minisign.parse_signature`` and
``parse_public_key`` (``amanat`` reads minisign public keys too): SignatureError only.
"""

from __future__ import annotations

import contextlib

from fuzz.harness import instrumented, run

with instrumented():  # everything that imports crypto/ or intake/
    from crypto import minisign
    from crypto.errors import SignatureError
    from fuzz.vector import bundle_vector
    from intake.bundles.errors import ManifestSignatureInvalid
    from intake.bundles.reader import verify_signature

NAME = "minisign"
VECTOR = bundle_vector()


def check(data: bytes) -> None:
    try:
        verify_signature(VECTOR.manifest, VECTOR.manifest_bytes, data)
    except ManifestSignatureInvalid:
        pass
    else:
        assert data == VECTOR.signature, "a signature other than the writer's was accepted"
    text = data.decode("utf-8", "replace")
    for parse in (minisign.parse_signature, minisign.parse_public_key):
        with contextlib.suppress(SignatureError):
            parse(text)


if __name__ == "__main__":
    run(check, NAME)
