"""Writes the seed corpus (``corpus/<target>/``) from the repository's test vectors.

Run ``python -m fuzz.seeds`` after a vector changes. Sources: the bundle vector
(tests/vectors, docs/bundle-format.md §7.12), the example testimony (docs/examples), and the
C2SP/CCTV age vectors (tests/vectors/age, or ``--age-vectors DIR``; 0BSD/CC0) whose
payload is at most MAX_SEED bytes. Seeds are small on purpose: the corpus stays well under 2 MB.
"""

from __future__ import annotations

import argparse
import json
import zlib
from pathlib import Path

from crypto import minisign
from crypto.card import serialize_card
from crypto.keys import signing_public_key
from fuzz.harness import CORPUS
from fuzz.vector import REPO, SENDER_SEED, bundle_vector
from intake.forms.definitions import FormRef
from intake.testimonies.canonical import VersionRecord
from intake.testimonies.json_input import read_testimony_json

MAX_SEED = 24 * 1024  # larger age vectors (hundreds of chunks) add time per run, not coverage
AGE_VECTORS = REPO / "tests" / "vectors" / "age"
CREATED = "2025-03-01T12:00:00Z"


def _age_vector_body(path: Path) -> bytes | None:
    """The age file of a CCTV vector (None for README, LICENSE and large vectors)."""
    head, _, body = path.read_bytes().partition(b"\n\n")
    if not head.startswith(b"expect: "):
        return None
    if b"compressed: zlib" in head.split(b"\n"):
        body = zlib.decompress(body)
    return body if len(body) <= MAX_SEED else None


def _example_record() -> bytes:
    parsed = read_testimony_json((REPO / "docs" / "examples" / "testimony.json").read_bytes())
    return VersionRecord(
        testimony_id="5d7c2a1e-9b3f-4c6d-8e0a-1b2c3d4e5f60",
        version=1,
        form=FormRef(parsed.form.id, parsed.form.version),
        previous=None,
        author=signing_public_key(SENDER_SEED).hex(),
        created=CREATED,
        status="final",
        content=parsed.content,
    ).canonical()


def corpus(age_vectors: Path) -> dict[str, dict[str, bytes]]:
    """Target name → seed file name → bytes."""
    vector = bundle_vector()
    card = serialize_card(vector.manifest.sender)
    public_key = minisign.encode_public_key(vector.manifest.sender.ed25519_public).encode()
    age = {"bundle-v1.age": vector.bundle}
    if age_vectors.is_dir():
        for path in sorted(age_vectors.iterdir()):
            if body := _age_vector_body(path):
                age[f"cctv-{path.name}"] = body
    return {
        "age_header": age,
        "tar": {"bundle-v1.tar": vector.plaintext},
        "manifest": {"bundle-v1-manifest.json": vector.manifest_bytes},
        "card": {"bundle-v1-sender.card": card},
        "minisign": {"bundle-v1-manifest.minisig": vector.signature, "sender.pub": public_key},
        "qr_payload": {"bundle-v1-sender.card": card},
        "record": {
            "bundle-v1-record.json": vector.record,
            "example-record.json": _example_record(),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--age-vectors", type=Path, default=AGE_VECTORS)
    args = parser.parse_args()
    total = 0
    for name, files in corpus(args.age_vectors).items():
        folder = CORPUS / name
        folder.mkdir(parents=True, exist_ok=True)
        for file_name, data in files.items():
            (folder / file_name).write_bytes(data)
            total += len(data)
    print(json.dumps({"seeds": total}))


if __name__ == "__main__":
    main()
