"""Fuzz target: a received testimony version record → its typed error only.

First as anyone can send it: ``VersionRecord.parse`` (canonical JSON, the record's keys and
values) → NotCanonical. Then as an enrolled volunteer can send it, whose signature is valid: a
record that parses is given the vector sender as author, signed with the sender's key and
checked as import checks it (``check_version`` with search rows: form, content shape and size,
names, dates, the index) → AmanatError (ImportRejected) only.
"""

from __future__ import annotations

import contextlib
import dataclasses

from fuzz.harness import instrumented, run

with instrumented():  # everything that imports crypto/ or intake/
    from crypto.keys import signing_public_key
    from crypto.signing import sign
    from fuzz.vector import SENDER_SEED
    from intake.errors import AmanatError
    from intake.testimonies.canonical import VersionRecord, sha256_hex, signing_message
    from intake.testimonies.errors import NotCanonical
    from intake.testimonies.exchange import check_version

NAME = "record"
AUTHOR = signing_public_key(SENDER_SEED)


def check(data: bytes) -> None:
    try:
        record = VersionRecord.parse(data)
    except NotCanonical:
        return
    try:
        insider = dataclasses.replace(record, author=AUTHOR.hex(), status="final").canonical()
    except NotCanonical:
        return
    signature = sign(SENDER_SEED, signing_message(sha256_hex(insider)))
    with contextlib.suppress(AmanatError):
        check_version(insider, signature, AUTHOR, with_index=True)


if __name__ == "__main__":
    run(check, NAME)
