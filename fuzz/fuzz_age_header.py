"""Fuzz target: an age file (armor, header, stanzas, MAC, STREAM payload) → CryptoError only.

Identities: the bundle vector's coordinator key, the X25519 and hybrid keys of the CCTV age
vectors, and a passphrase capped at scrypt work factor 10 (so an input cannot make one run
take seconds), so mutations of the seeds get past the header into unwrapping and the payload.
"""

from __future__ import annotations

import io

from fuzz.harness import instrumented, run

with instrumented():  # everything that imports crypto/ or intake/
    from crypto.age import Decryptor, Identity, parse_identity
    from crypto.errors import CryptoError
    from crypto.scrypt import ScryptIdentity
    from fuzz.vector import coordinator_identities

NAME = "age_header"
CCTV_IDENTITIES = (  # public test keys of the C2SP/CCTV age vectors
    "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0",
    "AGE-SECRET-KEY-143WN7DCXU4G8R5AXQSSYD9AEPYDNT3HXSLWSPK36CDU6E8M59SSSAGZ3KG",
    "AGE-SECRET-KEY-PQ-143WN7DCXU4G8R5AXQSSYD9AEPYDNT3HXSLWSPK36CDU6E8M59SSS8XZSCQ",
    "AGE-SECRET-KEY-PQ-1HZLGZUPT4ETPKDEV8HSGFDCYZ4E522W0A7PU2LHT8EH9W6YLNC3SW78XKG",
)
PASSPHRASE = "password"  # noqa: S105 - the public passphrase of the CCTV scrypt vectors
KEYS: list[Identity] = [*coordinator_identities(), *map(parse_identity, CCTV_IDENTITIES)]
PASSPHRASE_KEYS: list[Identity] = [ScryptIdentity(PASSPHRASE, max_work_factor=10)]


def check(data: bytes) -> None:
    for identities in (KEYS, PASSPHRASE_KEYS):
        try:
            with Decryptor(identities, io.BytesIO(data)) as reader:
                while reader.read(64 * 1024):
                    pass
        except CryptoError:
            pass


if __name__ == "__main__":
    run(check, NAME)
