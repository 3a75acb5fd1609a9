"""Card subcommands: export, show, import, list, verify, revoke; and ``keys`` exports."""

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
from intake.i18n import tr


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
    p.set_defaults(func=cmd_revoke)

    keys = sub.add_parser("keys", help=tr("export keys for use with the standard age and minisign"))
    ksub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    p = ksub.add_parser(
        "export-age-identity",
        help=tr("write the SECRET age identity so the age tool can open bundles (dangerous)"),
    )
    add_vault_argument(p)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    p.set_defaults(func=cmd_export_age_identity)
    p = ksub.add_parser("export-minisign-pubkey", help=tr("write the minisign public key"))
    add_vault_argument(p)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    p.set_defaults(func=cmd_export_minisign)


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
        "created": card.created,
    }


def _print_card(card: cardfmt.Card) -> None:
    out(tr("Name") + f": {card.name}")
    role = tr("volunteer") if card.role == "volunteer" else tr("coordinator")
    out(tr("Role") + f": {role}")
    out(tr("Fingerprint") + f": {card.fingerprint}")


def cmd_export(args: argparse.Namespace) -> int:
    with open_core(args) as core:
        mine = core.save_my_card(args.output, args.qr)
    out(tr("Card written to {path}", path=args.output))
    if args.qr:
        out(tr("QR code written to {path}", path=args.qr))
    out(tr("Fingerprint") + f": {mine.fingerprint}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    card = _read_card_file(args.file)
    if args.json:
        print_json(_describe(card))
    else:
        _print_card(card)
    return 0


def _status(known: KnownCard) -> str:
    if known.revoked:
        return tr("revoked")
    return tr("verified") if known.verified else tr("not verified")


def cmd_import(args: argparse.Namespace) -> int:
    card = _read_card_file(args.file)
    with open_core(args) as core:
        known, new = core.cards.add(card, verified=args.verified)
    _print_card(card)
    out(tr("Card added.") if new else tr("This card was already known."))
    out(tr("Status") + f": {_status(known)}")
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
    with open_core(args) as core:
        known = core.cards.revoke(args.fingerprint)
    out(tr("{name} is revoked.", name=known.card.name))
    return 0


def cmd_export_age_identity(args: argparse.Namespace) -> int:
    from crypto.x25519 import X25519Identity

    with open_vault_from_args(args) as v:
        ident = v.identity
        secret = str(X25519Identity(ident.x25519_private))
        recipient = str(X25519Identity(ident.x25519_private).recipient())
    err("!" * 72)
    err(
        tr(
            "WARNING: this file is your SECRET key. Anyone who has it can read every bundle "
            "sent to you. Keep it on an encrypted disk, never send it, delete it after use."
        )
    )
    err("!" * 72)
    text = f"# created by amanat\n# public key: {recipient}\n{secret}\n"
    _write_new(args.output, text.encode("ascii"), mode=0o600)
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
