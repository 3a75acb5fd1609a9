"""Drop subcommands: ``drop set|export|import|show``, ``outbox``, ``send`` and ``fetch``.

The coordinator sets the drop (``drop set``) and hands volunteers the signed description
(``drop export``); a volunteer imports it with their own password or key file (``drop
import``), then ``send`` uploads every exported bundle still in the outbox. The coordinator's
``fetch`` downloads, imports and tidies the drop. The work is in intake/transport/ via the
core (intake/core/drop.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from intake.cli.common import add_vault_argument, err, open_core, out, print_json
from intake.errors import AmanatError, InvalidInput
from intake.i18n import ntr, tr

if TYPE_CHECKING:
    from intake.transport.description import Description

MAX_SECRET_FILE = 64 * 1024  # a password or an OpenSSH private key


def register(sub: Any) -> None:
    drop = sub.add_parser(
        "drop", help=tr("the drop bundles are sent to (set, export, import, show)")
    )
    actions = drop.add_subparsers(dest="drop_action", required=True, metavar="ACTION")

    p = actions.add_parser("set", help=tr("coordinator: set the drop and sign its description"))
    add_vault_argument(p)
    p.add_argument(
        "url", metavar="URL", help="sftp://USER@HOST[:PORT]/FOLDER | https://USER@HOST/FOLDER"
    )
    p.add_argument(
        "--host-key", metavar="SHA256:…", help=tr("the SFTP server's host key fingerprint")
    )
    p.add_argument("--cert-sha256", metavar="HEX", help=tr("pin the HTTPS server's certificate"))
    _add_credentials(p)
    p.set_defaults(func=cmd_set)

    p = actions.add_parser("export", help=tr("write the signed drop description for volunteers"))
    add_vault_argument(p)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    p.set_defaults(func=cmd_export)

    p = actions.add_parser("import", help=tr("use the drop description a coordinator signed"))
    add_vault_argument(p)
    p.add_argument("file", type=Path, metavar="FILE")
    _add_credentials(p)
    p.set_defaults(func=cmd_import)

    p = actions.add_parser("show", help=tr("show the drop (never the password)"))
    add_vault_argument(p)
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("outbox", help=tr("list exported bundles and whether they reached the drop"))
    add_vault_argument(p)
    p.add_argument("--json", action="store_true", help=tr("machine-readable output"))
    p.set_defaults(func=cmd_outbox)

    p = sub.add_parser("send", help=tr("upload every bundle still in the outbox to the drop"))
    add_vault_argument(p)
    p.set_defaults(func=cmd_send)

    p = sub.add_parser(
        "fetch", help=tr("coordinator: download and import new bundles from the drop")
    )
    add_vault_argument(p)
    p.add_argument("--json", action="store_true", help=tr("machine-readable output"))
    p.set_defaults(func=cmd_fetch)


def _add_credentials(p: argparse.ArgumentParser) -> None:
    which = p.add_mutually_exclusive_group()
    which.add_argument("--identity-file", type=Path, metavar="FILE", help=tr("SFTP private key"))
    which.add_argument("--password-file", type=Path, metavar="FILE", help=tr("drop password"))
    p.add_argument("--proxy", metavar="socks5://HOST:PORT", help=tr("connect through SOCKS5 (Tor)"))


def _secret(path: Path | None, *, first_line: bool) -> str | None:
    if path is None:
        return None
    try:
        raw = path.read_bytes()[: MAX_SECRET_FILE + 1]
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        raise InvalidInput(reason=tr("cannot read {file}", file=path)) from None
    if len(raw) > MAX_SECRET_FILE:
        raise InvalidInput(reason=tr("cannot read {file}", file=path))
    return (text.splitlines() or [""])[0] if first_line else text


def _print_description(desc: Description) -> None:
    out(tr("Drop: {url}", url=desc.url))
    if desc.host_key:
        out(tr("Server host key: {key}", key=desc.host_key))
    out(
        tr("Server certificate: {pin}", pin=desc.cert_sha256)
        if desc.cert_sha256
        else tr("Server certificate: checked against the system's trusted authorities")
        if desc.url.startswith("https")
        else ""
    )
    if desc.proxy:
        out(tr("Proxy: {proxy}", proxy=desc.proxy))
    out(tr("Set by the coordinator {fingerprint}", fingerprint=desc.coordinator))


def cmd_set(args: argparse.Namespace) -> int:
    with open_core(args) as core:
        desc = core.drop.set(
            args.url,
            host_key=args.host_key,
            cert_sha256=args.cert_sha256,
            password=_secret(args.password_file, first_line=True),
            identity=_secret(args.identity_file, first_line=False),
            proxy=args.proxy,
        )
    _print_description(desc)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from intake.bundles.files import write_file

    with open_core(args) as core:
        data = core.drop.export_description()
    write_file(args.output, data)  # the description holds no secret: a plain public file
    out(tr("Drop description written to {path}", path=args.output))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()[:8192]
    except OSError:
        raise InvalidInput(reason=tr("cannot read {file}", file=args.file)) from None
    with open_core(args) as core:
        desc = core.drop.import_description(
            data,
            password=_secret(args.password_file, first_line=True),
            identity=_secret(args.identity_file, first_line=False),
            proxy=args.proxy,
        )
    _print_description(desc)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with open_core(args) as core:
        desc = core.drop.current()
    if desc is None:
        out(tr("No drop is set in this vault. Import the drop description from your coordinator."))
        return 0
    _print_description(desc)
    return 0


def cmd_outbox(args: argparse.Namespace) -> int:
    with open_core(args) as core:
        entries = core.drop.outbox()
    if args.json:
        print_json(
            [
                {
                    "bundle": e.bundle_id,
                    "state": e.state,
                    "size": e.size,
                    "sent": e.sent_at,
                    "error": e.last_error,
                }
                for e in entries
            ]
        )
        return 0
    from intake.i18n import format_size, format_timestamp

    for e in entries:
        state = tr("sent") if e.state == "sent" else tr("waiting")
        when = format_timestamp(e.sent_at or "")
        out(f"{e.bundle_id}  {state}  {format_size(e.size)}" + (f"  {when}" if when else ""))
    return 0


def cmd_send(args: argparse.Namespace) -> int:
    from intake.cli.cmd_bundle import ProgressBar

    bar = ProgressBar(tr("Sending"))
    with open_core(args) as core:
        try:
            results = core.drop.send(lambda bundle, done, total: bar(done, total))
        finally:
            bar.close()
    status = 0
    for r in results:
        if r.error is not None:
            message = r.error.message() if isinstance(r.error, AmanatError) else str(r.error)
            err(f"amanat: {r.bundle_id}: {message}")
            status = status or getattr(r.error, "exit_code", 1)
        elif r.outcome == "already":
            out(tr("{bundle}: already on the drop; nothing sent.", bundle=r.bundle_id))
        else:
            out(tr("{bundle}: sent.", bundle=r.bundle_id))
    if not results:
        out(tr("Nothing to send."))
    sent = sum(1 for r in results if r.error is None)
    if results:
        out(ntr("{n} bundle is on the drop.", "{n} bundles are on the drop.", sent))
    return status


def cmd_fetch(args: argparse.Namespace) -> int:
    from intake.cli.cmd_bundle import ProgressBar

    bar = ProgressBar(tr("Fetching"))
    with open_core(args) as core:
        try:
            results = core.drop.fetch(lambda name, done, total: bar(done, total))
        finally:
            bar.close()
    status = 0
    rows = []
    for f in results:
        message = f.error.message() if isinstance(f.error, AmanatError) else None
        rows.append({"file": f.name, "outcome": f.outcome, "problem": message})
        if f.error is not None:
            status = status or getattr(f.error, "exit_code", 1)
        if args.json:
            continue
        if f.outcome == "refused":
            err(f"amanat: {f.name}: " + tr("refused: {reason}", reason=message or ""))
        elif f.error is not None:
            err(f"amanat: {f.name}: {message}")
        else:
            out(f"{f.name}: " + _outcome(f.outcome))
    if args.json:
        print_json(rows)
    elif not results:
        out(tr("No new bundles on the drop."))
    return status


def _outcome(outcome: str) -> str:
    return {
        "imported": tr("imported"),
        "already": tr("already imported; nothing changed"),
        "quarantined": tr("kept in the quarantine: the sender is not enrolled yet"),
        "known": tr("fetched before; moved to done/"),
    }.get(outcome, outcome)
