"""Sharing vetted data: CSV and JSON exports that honour consent and sensitive marks.

A coordinator shares selected testimonies with researchers (e.g. the Xinjiang Victims
Database), UN bodies or media. ``export_data`` writes the newest *final* version of each
selected testimony (drafts are never shared; a version whose hash or signature no longer
matches stops the export) through ``intake.sharing.content``: by default sensitive fields and
the names of people who did not consent to publication are left out. Including either needs an
explicit option, and ``risk_warnings`` gives the sentences the CLI prints and the GUI shows in
its confirmation dialog. Records are read and written one at a time, so 100,000 testimonies
never sit in memory. ``export_file`` writes ``FILE.part`` (readable by the owner only),
flushes it to disk, records one audit entry (format, counts, options and the file's SHA-256;
no content) and renames it to ``FILE``. Formats: docs/sharing-format.md.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Literal

from intake.bundles import files
from intake.forms.definitions import DEFAULT_FORM, FormDefinition, FormRef, builtin_form
from intake.forms.errors import FormDefinitionError
from intake.i18n import tr
from intake.review.store import DEFAULT_LEVEL, ReviewStore
from intake.sharing.content import (
    ShareOptions,
    csv_columns,
    csv_rows,
    partner_consented,
    shared_content,
    withheld_fields,
)
from intake.testimonies.canonical import created_now, parse_canonical
from intake.testimonies.errors import NotFinal
from intake.testimonies.exchange import export_version
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from intake.vault.audit import AuditLog

__all__ = ["ShareOptions", "ShareReport", "export_data", "export_file", "risk_warnings"]

Format = Literal["csv", "json"]
FORMATS: tuple[Format, ...] = ("csv", "json")
JSON_FORMAT = "amanat.shared-data/1"
Progress = Callable[[int, int], None]  # (testimonies done, total)


@dataclass
class ShareReport:
    """What an export wrote and what it left out."""

    format: str = ""
    records: int = 0  # testimonies written
    victims: int = 0  # victims written (CSV: rows)
    names_withheld: int = 0  # testimonies whose names (and narrative) were left out
    skipped_drafts: int = 0  # selected testimonies that have no final version
    skipped_partner: int = 0  # selected testimonies whose consent does not list the partner
    withheld_fields: list[str] = field(default_factory=list)  # sensitive fields left out
    sha256: str = ""  # of the written file (export_file)
    export_id: str = ""  # the audit entry's subject (export_file)


def risk_warnings(options: ShareOptions, lang: str | None = None) -> list[str]:
    """Sentences to show before an export that includes more than the safe default."""
    warnings: list[str] = []
    if options.include_unconsented_names:
        warnings.append(
            tr(
                "WARNING: this export includes the names of people who did NOT consent to "
                "their names being published, and the narratives that name them. Share it only "
                "with someone the testifiers would trust with their names.",
                lang=lang,
            )
        )
    if options.include_sensitive:
        warnings.append(
            tr(
                "WARNING: this export includes fields marked sensitive (contact details, PRC ID "
                "numbers, health, interviewer notes). Anyone who gets this file can identify and "
                "reach the people in it.",
                lang=lang,
            )
        )
    return warnings


def _form(ref: FormRef, default: FormDefinition) -> FormDefinition:
    try:
        return builtin_form(ref.id, ref.version)
    except FormDefinitionError:  # a form this Amanat does not ship: the default's marks apply
        return default


@dataclass(frozen=True)
class _Shared:
    testimony_id: str
    version: int
    hash: str
    finalized: str
    form: FormRef
    content: dict[str, Any] = field(repr=False)
    names_withheld: bool
    review: dict[str, Any] = field(default_factory=dict)  # level, date, sources
    references: dict[int, list[dict[str, str]]] = field(default_factory=dict)  # by victim


def _shared(
    store: TestimonyStore,
    ids: Iterable[str],
    options: ShareOptions,
    report: ShareReport,
    progress: Progress | None,
    total: int,
) -> Iterator[_Shared]:
    default = builtin_form(DEFAULT_FORM.id, DEFAULT_FORM.version)
    reviews = ReviewStore(store.vault)
    for done, testimony_id in enumerate(ids, start=1):
        item = _one(store, testimony_id, options, report, default)
        if item is not None:
            yield _with_review(item, reviews)
        if progress is not None:
            progress(done, total)


def _one(
    store: TestimonyStore,
    testimony_id: str,
    options: ShareOptions,
    report: ShareReport,
    default: FormDefinition,
) -> _Shared | None:
    try:  # the newest final version, its hash and signature checked
        record_bytes, _signature, digest = export_version(store, testimony_id)
    except NotFinal:
        report.skipped_drafts += 1
        return None
    record = parse_canonical(record_bytes)
    content = record["content"]
    if options.partner is not None and not partner_consented(content, options.partner):
        report.skipped_partner += 1
        return None
    ref = FormRef(str(record["form"]["id"]), int(record["form"]["version"]))
    kept, withheld = shared_content(_form(ref, default), content, options)
    report.records += 1
    report.names_withheld += int(withheld)
    return _Shared(
        testimony_id, int(record["version"]), digest, str(record["created"]), ref, kept, withheld
    )


def _with_review(item: _Shared, reviews: ReviewStore) -> _Shared:
    """The coordinator's level, date and sources, and the victims' external references (the
    reviewer and the note stay in the vault: docs/sharing-format.md, "Review"). A public
    database entry names the person, so references are left out where names are withheld."""
    review = reviews.get(item.testimony_id)
    references: dict[int, list[dict[str, str]]] = {}
    listed = [] if item.names_withheld else reviews.references(item.testimony_id)
    for ref in listed:
        entry = {"source": ref.source, "entry": ref.entry}
        if ref.url:
            entry["url"] = ref.url
        references.setdefault(ref.position, []).append(entry)
    summary: dict[str, Any] = {
        "level": review.level if review else DEFAULT_LEVEL,
        "reviewed": review.reviewed_at if review else None,
        "sources": list(review.sources) if review else [],
    }
    return replace(item, review=summary, references=references)


def _write_csv(out: BinaryIO, shared: Iterator[_Shared], options: ShareOptions) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        text.write("\ufeff")  # byte-order mark: spreadsheet programs then read UTF-8 correctly
        writer = csv.writer(text)
        columns = csv_columns(builtin_form(), options)
        writer.writerow([c.name for c in columns])
        rows = 0
        for item in shared:
            meta = {
                "testimony_id": item.testimony_id,
                "testimony_version": item.version,
                "testimony_hash": item.hash,
                "finalized": item.finalized,
                "names_withheld": item.names_withheld,
                "review_level": item.review.get("level"),
                "review_date": item.review.get("reviewed"),
                "victim_references": {
                    n: [f"{r['source']}:{r['entry']}" for r in refs]
                    for n, refs in item.references.items()
                },
            }
            for row in csv_rows(columns, meta, item.content):
                writer.writerow(row)
                rows += 1
        text.flush()
    finally:
        text.detach()  # the caller's stream stays open
    return rows


def _write_json(
    out: BinaryIO, shared: Iterator[_Shared], options: ShareOptions, report: ShareReport, now: str
) -> int:
    def put(text: str) -> None:
        out.write(text.encode("utf-8"))

    header = {
        "format": JSON_FORMAT,
        "exported": now,
        "included": {
            "sensitive_fields": options.include_sensitive,
            "unconsented_names": options.include_unconsented_names,
            "partner": options.partner,
        },
        "withheld_fields": report.withheld_fields,
    }
    fields = [f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in header.items()]
    put("{\n" + ",\n".join(fields) + ',\n "records": [')
    victims = 0
    for n, item in enumerate(shared):
        record = {
            "id": item.testimony_id,
            "version": item.version,
            "hash": item.hash,
            "finalized": item.finalized,
            "form": {"id": item.form.id, "version": item.form.version},
            "names_withheld": item.names_withheld,
            "content": item.content,
            "review": item.review,
            "victim_references": [
                {"victim": n, **r} for n in sorted(item.references) for r in item.references[n]
            ],
        }
        listed = item.content.get("victims")
        victims += len(listed) if isinstance(listed, list) else 0
        put(("," if n else "") + "\n  " + json.dumps(record, ensure_ascii=False, sort_keys=True))
    put(f'\n ],\n "count": {report.records}\n}}\n')
    return victims


def export_data(
    vault: Vault,
    out: BinaryIO,
    fmt: Format,
    ids: Iterable[str] | None = None,
    options: ShareOptions | None = None,
    progress: Progress | None = None,
    now: str | None = None,
) -> ShareReport:
    """Write the selected testimonies (default: all) to ``out`` as CSV or JSON.

    Raises TestimonyNotFound for an unknown id and VersionDamaged for a changed version; the
    caller discards what was written (``export_file`` does)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    options = options or ShareOptions()
    store = TestimonyStore(vault)
    selected = sorted({s.id for s in store.list()}) if ids is None else list(dict.fromkeys(ids))
    report = ShareReport(format=fmt, withheld_fields=withheld_fields(builtin_form(), options))
    shared = _shared(store, selected, options, report, progress, len(selected))
    if fmt == "csv":
        report.victims = _write_csv(out, shared, options)
    else:
        report.victims = _write_json(out, shared, options, report, now or created_now())
    return report


class _Hashing(io.RawIOBase):
    """A binary writer that hashes what passes through to ``target``."""

    def __init__(self, target: files.PartFile) -> None:
        self.target = target
        self.digest = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = bytes(data)
        self.digest.update(view)
        self.target.write(view)
        return len(view)


def export_file(
    vault: Vault,
    path: Path,
    fmt: Format,
    ids: Iterable[str] | None = None,
    options: ShareOptions | None = None,
    progress: Progress | None = None,
    clock: Callable[[], datetime] | None = None,
    *,
    overwrite: bool = False,
) -> ShareReport:
    """``export_data`` into ``path`` atomically (``path.part``, fsync, audit, rename). An
    existing ``path`` is replaced only with ``overwrite`` (else OutputExists); on any failure
    nothing is left."""
    options = options or ShareOptions()
    now = created_now(clock() if clock else None)
    part = files.open_part(path, private=True, overwrite=overwrite)
    try:
        hashing = _Hashing(part)
        writer = io.BufferedWriter(hashing, buffer_size=1 << 16)
        report = export_data(vault, writer, fmt, ids, options, progress, now)
        writer.flush()
        files.flush(part, path)
        report.sha256 = hashing.digest.hexdigest()
        report.export_id = str(uuid.uuid4())
        details = {
            "kind": "shared_data",
            "format": fmt,
            "records": report.records,
            "victims": report.victims,
            "sensitive": options.include_sensitive,
            "unconsented_names": options.include_unconsented_names,
            "sha256": report.sha256,
        }
        AuditLog(vault, clock).record("export", report.export_id, details)
        files.publish(path)
    except BaseException:
        files.discard(part, path)
        raise
    return report
