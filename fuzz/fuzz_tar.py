"""Fuzz target: a bundle's plaintext tar stream, read as an import reads it → BundleError only.

Anyone with a coordinator's public card can encrypt any plaintext to it, so the input is
encrypted to the bundle vector's coordinator key and read by the real ``BundleReader``: header
by header, the manifest, its signature, then (for inputs that keep the vector's signed manifest)
every record, attachment, the padding and the end of the archive.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from fuzz.harness import instrumented, run

with instrumented():  # everything that imports crypto/ or intake/
    from crypto.age import encrypt
    from crypto.keys import x25519_public_key
    from crypto.x25519 import X25519Recipient
    from fuzz.vector import coordinator_x25519
    from intake.bundles.errors import BundleError
    from intake.bundles.manifest import AttachmentEntry, RecordEntry
    from intake.bundles.reader import BundleReader

NAME = "tar"
KEY = coordinator_x25519()
RECIPIENT = X25519Recipient(x25519_public_key(KEY))


class _Discard:
    """Takes records and attachments and keeps nothing (record checks: fuzz_record)."""

    def record(self, number: int, entry: RecordEntry, data: bytes) -> None:
        pass

    def attachment(self, number: int, entry: AttachmentEntry, data: Iterator[bytes]) -> None:
        for _ in data:
            pass


def check(data: bytes) -> None:
    bundle = io.BytesIO()
    encrypt([RECIPIENT], io.BytesIO(data), bundle)
    try:
        reader = BundleReader(io.BytesIO(bundle.getvalue()), KEY)
        head = reader.read_head()
        # read_body minus its read-ahead thread (a thread per input would halve the rate):
        # the same checks, in the same order.
        reader._read_body(head, _Discard())
    except BundleError:
        pass


if __name__ == "__main__":
    run(check, NAME)
