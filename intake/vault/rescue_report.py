"""The report of a rescue (intake/vault/rescue.py): what was copied, what could not be read.

``RescueReport`` is what ``rescue_vault`` returns; ``report_lines`` turns it into lines a
volunteer can read, printed by ``amanat rescue`` and shown by the desktop app. Ids, version
numbers, hashes and counts only: no content, names or file names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from intake.i18n import ntr, tr


@dataclass(frozen=True)
class LostAttachment:
    sha256: str
    testimonies: tuple[str, ...]  # the testimonies that linked it (as far as readable)


@dataclass
class RescueReport:
    """What a rescue copied and what it could not read."""

    source: str
    target: str
    copied: dict[str, int] = field(default_factory=dict)  # table -> rows
    lost_testimonies: list[str] = field(default_factory=list)  # no version readable
    lost_versions: list[tuple[str, int]] = field(default_factory=list)
    lost_attachments: list[LostAttachment] = field(default_factory=list)
    lost_audit: list[tuple[int, int]] = field(default_factory=list)  # seq ranges, inclusive
    audit_end_unknown: bool = False  # the audit head was unreadable: more may be missing
    lost_rows: dict[str, int] = field(default_factory=dict)  # other tables
    damaged_tables: list[str] = field(default_factory=list)
    failed_verification: list[tuple[str, int]] = field(default_factory=list)
    audit_broken_at: int | None = None  # first entry `audit verify` rejects in the new vault

    @property
    def complete(self) -> bool:
        """True when everything was read and every copied version verifies."""
        return not (
            self.lost_testimonies
            or self.lost_versions
            or self.lost_attachments
            or self.lost_audit
            or self.audit_end_unknown
            or self.lost_rows
            or self.failed_verification
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "complete": self.complete,
            "copied": dict(sorted(self.copied.items())),
            "lost_testimonies": self.lost_testimonies,
            "lost_versions": [{"testimony": t, "version": v} for t, v in self.lost_versions],
            "lost_attachments": [
                {"sha256": a.sha256, "testimonies": list(a.testimonies)}
                for a in self.lost_attachments
            ],
            "lost_audit": [{"from": a, "to": b} for a, b in self.lost_audit],
            "audit_end_unknown": self.audit_end_unknown,
            "lost_rows": dict(sorted(self.lost_rows.items())),
            "damaged_tables": self.damaged_tables,
            "failed_verification": [
                {"testimony": t, "version": v} for t, v in self.failed_verification
            ],
            "audit_broken_at": self.audit_broken_at,
        }


def seq_ranges(numbers: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for n in sorted(numbers):
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def report_lines(report: RescueReport) -> list[str]:
    """The report as lines a volunteer can read (the CLI prints them, the app shows them)."""
    copied = report.copied
    lines = [
        tr(
            "Rescued into {path}: {testimonies} testimonies ({versions} versions), "
            "{attachments} attachments, {audit} audit entries.",
            path=report.target,
            testimonies=copied.get("testimonies", 0),
            versions=copied.get("testimony_versions", 0),
            attachments=copied.get("attachments", 0),
            audit=copied.get("audit", 0),
        )
    ]
    if report.complete:
        lines.append(tr("Everything could be read."))
    else:
        lines.append(tr("Could not be read:"))
    for tid in report.lost_testimonies:
        lines.append("  " + tr("testimony {id}: no version could be read", id=tid))
    lost_ids = set(report.lost_testimonies)
    for tid, version in report.lost_versions:
        if tid not in lost_ids:
            lines.append("  " + tr("testimony {id}: version {version}", id=tid, version=version))
    for lost in report.lost_attachments:
        lines.append(
            "  "
            + tr(
                "attachment {sha256} (testimonies: {ids})",
                sha256=lost.sha256,
                ids=", ".join(lost.testimonies) or "-",
            )
        )
    for first, last in report.lost_audit:
        lines.append("  " + tr("audit entries {first} to {last}", first=first, last=last))
    if report.audit_end_unknown:
        lines.append("  " + tr("the end of the audit trail (later entries may be missing)"))
    for table, count in sorted(report.lost_rows.items()):
        lines.append("  " + ntr("{table}: {n} row", "{table}: {n} rows", count, table=table))
    for tid, version in report.failed_verification:
        lines.append(
            tr(
                "Signature or hash does not verify: testimony {id}, version {version}",
                id=tid,
                version=version,
            )
        )
    lines.append(
        tr(
            "The damaged vault in {path} was not changed. The new vault opens with the same "
            "passphrase.",
            path=report.source,
        )
    )
    return lines
