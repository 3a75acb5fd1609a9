"""The transparency log: ``amanat log checkpoint|key|prove|consistency|verify``.

    amanat log checkpoint             the latest signed checkpoint (C2SP tlog-checkpoint)
    amanat log key                    the verifier key, NAME+KEYID+BASE64 (C2SP signed-note)
    amanat log prove ID[@VERSION]     inclusion proof of a final version to the latest checkpoint
    amanat log consistency OLD NEW    consistency proof between two tree sizes
    amanat log verify                 recompute the whole log against the stored versions
    amanat log check PROOF.json --key NAME+KEYID+KEY    check a proof without a vault

Merkle hashes (leaf, proof, roots) are printed in base64 as in checkpoints; version hashes and
keys in hex as everywhere else in Amanat. See docs/transparency-log.md.
"""

from __future__ import annotations

import argparse
import base64
from pathlib import Path
from typing import Any

from intake.cli.common import add_vault_argument, open_core, out, print_json
from intake.i18n import ntr, tr

MAX_PROOF_FILE = 1 << 20  # a proof is a few kilobytes


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def register(sub: Any) -> None:
    p = sub.add_parser("log", help=tr("the transparency log: checkpoints and proofs"))
    actions = p.add_subparsers(dest="log_action", required=True, metavar="ACTION")
    checkpoint = actions.add_parser("checkpoint", help=tr("print the latest signed checkpoint"))
    key = actions.add_parser("key", help=tr("print the log's verifier key"))
    prove = actions.add_parser("prove", help=tr("print an inclusion proof of a final version"))
    prove.add_argument("target", metavar="ID[@VERSION]")
    consistency = actions.add_parser(
        "consistency", help=tr("print a consistency proof between two log sizes")
    )
    consistency.add_argument("old", type=int, metavar="OLD")
    consistency.add_argument("new", type=int, metavar="NEW")
    verify = actions.add_parser(
        "verify", help=tr("check the whole log against the stored versions")
    )
    check = actions.add_parser(
        "check", help=tr("check a proof from 'amanat log prove --json' without a vault")
    )
    check.add_argument("proof", type=Path, metavar="PROOF.json")
    check.add_argument("--key", required=True, metavar="NAME+KEYID+KEY")
    check.set_defaults(func=cmd_check)
    for parser, func in (
        (checkpoint, cmd_checkpoint),
        (key, cmd_key),
        (prove, cmd_prove),
        (consistency, cmd_consistency),
        (verify, cmd_verify),
    ):
        add_vault_argument(parser)
        if parser is prove or parser is consistency:
            parser.add_argument("--json", action="store_true", help=tr("machine-readable output"))
        parser.set_defaults(func=func)


def cmd_checkpoint(args: argparse.Namespace) -> int:
    with open_core(args) as core:
        print(core.log.checkpoint(), end="")
    return 0


def cmd_key(args: argparse.Namespace) -> int:
    with open_core(args) as core:
        out(core.log.verifier().text())
    return 0


def _target(text: str) -> tuple[str, int | None]:
    from intake.errors import UsageError

    tid, at, number = text.partition("@")
    if not at:
        return tid, None
    if not number.isdigit() or int(number) < 1:
        raise UsageError(tr("Write the version as ID@NUMBER, for example T-1@2."))
    return tid, int(number)


def cmd_prove(args: argparse.Namespace) -> int:
    tid, version = _target(args.target)
    with open_core(args) as core:
        proof = core.log.prove(tid, version)
    if args.json:
        print_json(
            {
                "testimony_id": proof.testimony_id,
                "version": proof.version,
                "version_hash": proof.version_hash,
                "author": proof.author.hex(),
                "leaf_index": proof.index,
                "tree_size": proof.size,
                "leaf_hash": _b64(proof.leaf_hash),
                "inclusion_proof": [_b64(h) for h in proof.proof],
                "checkpoint": proof.checkpoint,
            }
        )
        return 0
    out(tr("Testimony {id}, version {version}", id=proof.testimony_id, version=proof.version))
    out(tr("Version hash: {hash}", hash=proof.version_hash))
    out(tr("Author key: {key}", key=proof.author.hex()))
    out(
        tr(
            "Leaf {index} of {size}: {hash}",
            index=proof.index,
            size=proof.size,
            hash=_b64(proof.leaf_hash),
        )
    )
    out(
        ntr(
            "Inclusion proof ({n} hash):",
            "Inclusion proof ({n} hashes):",
            len(proof.proof),
        )
    )
    for value in proof.proof:
        out("  " + _b64(value))
    out(tr("Checkpoint:"))
    print(proof.checkpoint, end="")
    return 0


def cmd_consistency(args: argparse.Namespace) -> int:
    with open_core(args) as core:
        proof = core.log.consistency(args.old, args.new)
    if args.json:
        print_json(
            {
                "old_size": proof.old,
                "new_size": proof.new,
                "old_root": _b64(proof.old_root),
                "new_root": _b64(proof.new_root),
                "consistency_proof": [_b64(h) for h in proof.proof],
                "checkpoint": proof.checkpoint,
            }
        )
        return 0
    out(tr("Size {size}, root {root}", size=proof.old, root=_b64(proof.old_root)))
    out(tr("Size {size}, root {root}", size=proof.new, root=_b64(proof.new_root)))
    out(
        ntr(
            "Consistency proof ({n} hash):",
            "Consistency proof ({n} hashes):",
            len(proof.proof),
        )
    )
    for value in proof.proof:
        out("  " + _b64(value))
    if proof.checkpoint:
        out(tr("Checkpoint:"))
        print(proof.checkpoint, end="")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    with open_core(args) as core:
        count = core.log.verify()
    out(
        ntr(
            "The log is intact: {n} entry, every final version logged once.",
            "The log is intact: {n} entries, every final version logged once.",
            count,
        )
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    import json

    from intake.errors import InvalidInput
    from intake.tlog.errors import ProofRefused
    from intake.tlog.note import parse_verifier_key
    from intake.tlog.proofs import check_inclusion

    verifier = parse_verifier_key(args.key)
    try:
        with open(args.proof, "rb") as f:
            raw = f.read(MAX_PROOF_FILE)
    except OSError:
        raise InvalidInput(reason=tr("cannot read {path}", path=args.proof)) from None
    try:
        data = json.loads(raw)
    except ValueError:
        raise ProofRefused from None
    if not isinstance(data, dict):
        raise ProofRefused
    checked = check_inclusion(data, verifier)
    out(
        tr(
            "Proof checked: version {hash} by author key {key} is entry {index} of the log"
            " {origin} at size {size}.",
            hash=checked.version_hash,
            key=checked.author,
            index=checked.index,
            origin=checked.checkpoint.origin,
            size=checked.checkpoint.size,
        )
    )
    return 0
