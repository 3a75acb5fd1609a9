"""Card subcommands: export, show, import, list, verify, revoke, succeed, rotate, statement
(key statements, docs/bundle-format.md §8); and ``keys`` exports."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # cards and keys are imported by the commands, not by --help
    from crypto import card as cardfmt
    from intake.cards.registry import KnownCard
from intake.cli.common import (
    add_vault_argument,
    err,
    open_core,
    open_vault_from_args,
    out,
    print_json,
)
from intake.errors import InvalidInput
from intake.i18n import ntr, tr

MAX_CARD_FILE = 64 * 1024  # a card file with statements (cards/cardfile.py) and a statement


def register(sub: Any) -> None:
    card = sub.add_parser("card", help=tr("exchange and manage identity cards"))
    csub = card.add_subparsers(dest="card_command", metavar="ACTION", required=True)

    p = csub.add_parser("export", help=tr("write this vault's public card to a file"))
    add_vault_argument(p)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    p.add_argument("--qr", type=Path, metavar="PNG", help=tr("also write the card as a QR code"))
    p.set_defaults(func=cmd_export)

    p = csub.add_parser("show", help=tr("show a card file's name, role and fingerprint"))
    p.add_argument(
        "file", type=Path, metavar="FILE", help=tr("a .card or .json file, or a PNG/JPEG of its QR")
    )
    p.add_argument("--json", action="store_true", help=tr("machine-readable output"))
    p.set_defaults(func=cmd_show)

    p = csub.add_parser(
        "import",
        help=tr("add a card: a coordinator (volunteer vault) or enroll a volunteer (coordinator)"),
    )
    add_vault_argument(p)
    p.add_argument(
        "file", type=Path, metavar="FILE", help=tr("a .card or .json file, or a PNG/JPEG of its QR")
    )
    p.add_argument(
        "--verified",
        action="store_true",
        help=tr("you compared the fingerprint with its owner in person or by phone"),
    )
    p.set_defaults(func=cmd_import)

    p = csub.add_parser("list", help=tr("list the cards this vault knows"))
    add_vault_argument(p)
    p.add_argument("--json", action="store_true", help=tr("machine-readable output"))
    p.set_defaults(func=cmd_list)

    p = csub.add_parser("verify", help=tr("mark a card as verified (fingerprint compared)"))
    add_vault_argument(p)
    p.add_argument("fingerprint", metavar="FINGERPRINT")
    p.set_defaults(func=cmd_verify)

    p = csub.add_parser("revoke", help=tr("revoke a card: no more bundles to or from it"))
    add_vault_argument(p)
    p.add_argument("fingerprint", metavar="FINGERPRINT")
    _statement_options(p)
    p.set_defaults(func=cmd_revoke)

    p = csub.add_parser(
        "succeed",
        help=tr("a volunteer's new card continues the old card's testimonies (old one revoked)"),
    )
    add_vault_argument(p)
    p.add_argument("old", metavar="OLD-FINGERPRINT")
    p.add_argument("new", metavar="NEW-FINGERPRINT")
    _statement_options(p)
    p.set_defaults(func=cmd_succeed)

    p = csub.add_parser(
        "rotate", help=tr("replace this vault's keys: a new card, and the old key revoked")
    )
    add_vault_argument(p)
    p.add_argument("--card", type=Path, required=True, metavar="FILE", help=tr("the new card"))
    _statement_options(p, required=True)
    p.set_defaults(func=cmd_rotate)

    p = csub.add_parser(
        "statement", help=tr("accept a key statement (revocation or succession) from a file")
    )
    add_vault_argument(p)
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(func=cmd_statement)

    keys = sub.add_parser("keys", help=tr("export keys for use with the standard age and minisign"))
    ksub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    p = ksub.add_parser(
        "export-age-identity",
        help=tr("write the SECRET age identity so the age tool can open bundles (dangerous)"),
    )
    add_vault_argument(p)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    p.add_argument(
        "--classic",
        action="store_true",
        help=tr(
            "write only the X25519 identity, for age older than 1.3 (it opens only bundles "
            "exported with --classic or to a coordinator whose card has no post-quantum key)"
        ),
    )
    p.set_defaults(func=cmd_export_age_identity)
    p = ksub.add_parser("export-minisign-pubkey", help=tr("write the minisign public key"))
    add_vault_argument(p)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    p.set_defaults(func=cmd_export_minisign)


def _statement_options(p: Any, required: bool = False) -> None:
    p.add_argument(
        "--since",
        metavar="YYYY-MM-DDTHH:MM:SSZ",
        help=tr(
            "from when the key is no longer trusted: when the laptop was lost or taken "
            "(default: now). Bundles signed from then on are refused."
        ),
    )
    p.add_argument(
        "--last-sequence",
        type=int,
        metavar="N",
        help=tr("the number of the last bundle really sent with the old key, if known"),
    )
    p.add_argument(
        "-o",
        "--statement",
        type=Path,
        required=required,
        metavar="FILE",
        help=tr("write the signed key statement, to give to other coordinators"),
    )


def _since(args: argparse.Namespace) -> str | None:
    import re
    from datetime import datetime

    if args.since is None:
        return None
    text = str(args.since)
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z", text):
            raise ValueError
        datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise InvalidInput(
            reason=tr("--since must be a UTC time like 2025-03-01T18:30:00Z")
        ) from None
    if args.last_sequence is not None and args.last_sequence < 0:
        raise InvalidInput(reason=tr("--last-sequence must be 0 or more"))
    return text


def _write_statement(args: argparse.Namespace, data: bytes) -> None:
    if args.statement is not None:
        _write_new(args.statement, data)
        out(tr("Key statement written to {path}", path=args.statement))


def _write_new(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write a new file (never overwrite); fsync so a USB stick pulled right after has it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise InvalidInput(reason=tr("{path} already exists", path=path)) from None
    except OSError:
        raise InvalidInput(reason=tr("cannot write {path}", path=path)) from None
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _read_card_file(path: Path) -> cardfmt.Card:
    """A card file (.card, .json) or a PNG/JPEG picture of its QR code."""
    from intake.cards.card_files import read_card_file

    return read_card_file(path)


def _describe(card: cardfmt.Card) -> dict[str, str]:
    return {
        "name": card.name,
        "role": card.role,
        "fingerprint": card.fingerprint,
        "age_recipient": card.age_recipient,
        "pq_recipient": card.hybrid_recipient or "",
        "created": card.created,
    }


def _print_card(card: cardfmt.Card) -> None:
    out(tr("Name") + f": {card.name}")
    role = tr("volunteer") if card.role == "volunteer" else tr("coordinator")
    out(tr("Role") + f": {role}")
    out(tr("Fingerprint") + f": {card.fingerprint}")
    out(tr("Post-quantum key") + ": " + (tr("yes") if card.hybrid_public else tr("no")))


def cmd_export(args: argparse.Namespace) -> int:
    with open_core(args) as core:  # the QR carries the card alone; statements travel in the file
        mine = core.save_my_card(args.output, args.qr)
    out(tr("Card written to {path}", path=args.output))
    if args.qr:
        out(tr("QR code written to {path}", path=args.qr))
    out(tr("Fingerprint") + f": {mine.fingerprint}")
    return 0


def _read_bytes(path: Path) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(MAX_CARD_FILE + 1)  # one byte more: a larger file is refused
    except OSError:
        raise InvalidInput(reason=tr("cannot read {path}", path=path)) from None


def _read_card_bytes(path: Path) -> bytes:
    """A card file's bytes, or those of the card in a PNG/JPEG picture of its QR code."""
    from intake.cards.card_files import read_card_data

    return read_card_data(path)


def cmd_show(args: argparse.Namespace) -> int:
    from intake.cards.cardfile import read_card_file

    parsed = read_card_file(_read_card_bytes(args.file))
    if args.json:
        print_json(_describe(parsed.card))
        return 0
    _print_card(parsed.card)
    carried = len(parsed.statements) + len(parsed.damaged)
    if carried:  # applied only by 'card import' (bundle-format §8.6)
        out(
            ntr(
                "The file also carries {n} key statement about earlier keys.",
                "The file also carries {n} key statements about earlier keys.",
                carried,
            )
        )
    return 0


def _status(known: KnownCard) -> str:
    if known.revoked:
        return tr("revoked")
    return tr("verified") if known.verified else tr("not verified")


def cmd_import(args: argparse.Namespace) -> int:
    from intake.cards.cardfile import report_lines

    data = _read_card_bytes(args.file)
    with open_core(args) as core:
        result = core.import_card_file(data, verified=args.verified)
    known, card = result.known, result.known.card
    _print_card(card)
    out(tr("Card added.") if result.new else tr("This card was already known."))
    out(tr("Status") + f": {_status(known)}")
    lines = report_lines(result)  # how many were accepted (if any), then each refusal
    accepted = 1 if result.statements_applied else 0
    for line in lines[:accepted]:
        out(line)
    for line in lines[accepted:]:
        err(line)
    if not known.verified:
        err(
            tr(
                "Compare the fingerprint with its owner in person or by phone, then run "
                "'amanat card verify {fingerprint}'.",
                fingerprint=card.fingerprint,
            )
        )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with open_core(args) as core:
        cards = core.cards.all()
    if args.json:
        print_json(
            [
                {
                    **_describe(k.card),
                    "verified": k.verified,
                    "revoked": k.revoked,
                    "revoked_effective": k.revoked_effective,
                    "revoked_last_sequence": k.revoked_last_sequence,
                    "added": k.added,
                }
                for k in cards
            ]
        )
        return 0
    if not cards:
        out(tr("No cards yet."))
    for k in cards:
        out(f"{k.fingerprint}  {k.card.role:<11}  {_status(k):<13}  {k.card.name}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    with open_core(args) as core:
        known = core.cards.mark_verified(args.fingerprint)
    out(tr("{name} is now verified.", name=known.card.name))
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from crypto.statement import serialize_statement

    since = _since(args)
    with open_core(args) as core:
        statement = core.key_statements.revoke(args.fingerprint, since, args.last_sequence)
        known = core.cards.require(args.fingerprint)
    out(tr("{name} is revoked.", name=known.card.name))
    _write_statement(args, serialize_statement(statement))
    return 0


def cmd_succeed(args: argparse.Namespace) -> int:
    from crypto.statement import serialize_statement

    since = _since(args)
    with open_core(args) as core:
        statement = core.key_statements.succeed(args.old, args.new, since, args.last_sequence)
        old, new = core.cards.require(args.old), core.cards.require(args.new)
    out(
        tr(
            "{new} now continues the testimonies of {old}; the old key is revoked.",
            new=f"{new.card.name} ({new.fingerprint})",
            old=f"{old.card.name} ({old.fingerprint})",
        )
    )
    _write_statement(args, serialize_statement(statement))
    return 0


def cmd_rotate(args: argparse.Namespace) -> int:
    from crypto.card import parse_card
    from crypto.statement import serialize_statement

    since = _since(args)
    for path in (args.card, args.statement):
        if path.exists():
            raise InvalidInput(reason=tr("{path} already exists", path=path))
    with open_core(args) as core:
        rotation = core.key_statements.rotate(since, args.last_sequence)
        card_file = core.own_card_file()  # also carries the old key's revocation (§4.4)
    _write_new(args.card, card_file)
    _write_statement(args, serialize_statement(rotation.revocation))
    out(tr("New card written to {path}", path=args.card))
    out(tr("Fingerprint") + f": {parse_card(rotation.card_bytes).fingerprint}")
    out(
        tr(
            "Give both files to your coordinators. They import the new card, compare its "
            "fingerprint with you in person or by phone, and run 'amanat card succeed'."
        )
    )
    return 0


def cmd_statement(args: argparse.Namespace) -> int:
    from intake.cards.statements import parse

    statement = parse(_read_bytes(args.file))
    with open_core(args) as core:
        known = core.key_statements.receive(statement)
        successor = core.cards.get(statement.successor) if statement.successor else None
    if known is None:
        out(
            tr(
                "This statement is about one of this vault's earlier keys. It is kept, and "
                "your card file ('amanat card export') now carries it to others."
            )
        )
        return 0
    out(tr("{name} is revoked.", name=known.card.name))
    if successor is not None:
        out(
            tr(
                "{new} now continues the testimonies of {old}; the old key is revoked.",
                new=f"{successor.card.name} ({successor.fingerprint})",
                old=f"{known.card.name} ({known.fingerprint})",
            )
        )
    return 0


def cmd_export_age_identity(args: argparse.Namespace) -> int:
    from crypto.hybrid import HybridIdentity
    from crypto.x25519 import X25519Identity

    with open_vault_from_args(args) as v:
        ident = v.identity
        classic = X25519Identity(ident.x25519_private)
        lines = ["# created by amanat", f"# public key: {classic.recipient()}", str(classic)]
        if not args.classic:  # age 1.3 or later: also opens post-quantum bundles
            pq = HybridIdentity(ident.hybrid_seed)
            lines += [f"# post-quantum public key: {pq.recipient()}", str(pq)]
    err("!" * 72)
    err(
        tr(
            "WARNING: this file is your SECRET key. Anyone who has it can read every bundle "
            "sent to you. Keep it on an encrypted disk, never send it, delete it after use."
        )
    )
    err("!" * 72)
    _write_new(args.output, ("\n".join(lines) + "\n").encode("ascii"), mode=0o600)
    out(tr("Secret age identity written to {path}", path=args.output))
    return 0


def cmd_export_minisign(args: argparse.Namespace) -> int:
    from crypto.minisign import encode_public_key
    from intake.cards.identity import public_keys

    with open_vault_from_args(args) as v:
        ed_public, _ = public_keys(v.identity)
        name = v.identity.name
    text = encode_public_key(ed_public)
    _write_new(args.output, text.encode("utf-8"))
    out(tr("minisign public key of {name} written to {path}", name=name, path=args.output))
    return 0
