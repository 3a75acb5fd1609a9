"""The record view and the victim view (dialogs opened from the archive and duplicates).

``RecordDialog`` shows one testimony: its fields (labels from the form definition), its
provenance (who recorded it, when, which bundle brought which version, whether the signature
over the stored bytes still holds) and its version history, with the differences between the
selected version and the one before. ``VictimDialog`` gathers every testimony about one person
(the victim and everyone linked to them as the same person, intake.duplicates.finder).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from intake.bundles.history import provenance
from intake.core.app import AmanatCore
from intake.i18n import tr
from intake.testimonies.archive import differences
from intake.testimonies.content import form_for
from ui.coordinator.common import ltr, title_label
from ui.session import VaultSession


def _table(headers: list[str], rows: list[tuple[str, ...]]) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    return table


def content_text(content: dict[str, Any], form_ref: Any) -> str:
    """Every filled field as 'Section · Field: value' lines."""
    form = form_for(form_ref)
    lines: list[str] = []
    for section in form.sections:
        value = content.get(section.id)
        items = value if isinstance(value, list) else [value] if value else []
        for n, item in enumerate(items, start=1):
            heading = section.label_in() + (f" {n}" if section.repeatable else "")
            lines.append(f"— {heading} —")
            for fdef in section.fields:
                entry = item.get(fdef.id) if isinstance(item, dict) else None
                if entry in (None, "", [], {}):
                    continue
                if fdef.vocabulary and isinstance(entry, str):
                    entry = form.choice_label(fdef.vocabulary, entry)
                elif fdef.vocabulary and isinstance(entry, list):
                    entry = ", ".join(form.choice_label(fdef.vocabulary, str(e)) for e in entry)
                elif isinstance(entry, dict):
                    entry = "; ".join(f"{k}: {v}" for k, v in entry.items() if v)
                elif isinstance(entry, bool):
                    entry = tr("Yes") if entry else tr("No")
                lines.append(f"{fdef.label_in()}: {entry}")
    return "\n".join(lines)


class RecordDialog(QDialog):
    """Content · Provenance · Versions of one testimony."""

    def __init__(self, session: VaultSession, testimony_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Testimony"))
        self.resize(900, 640)
        vault = session.vault
        self.store = AmanatCore(vault).testimonies
        self.testimony_id = testimony_id
        record = self.store.get(testimony_id)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(" · ".join(self._victims(record.content)) or tr("Testimony")))
        tabs = QTabWidget()
        self.content = QPlainTextEdit(content_text(record.content, record.form_ref))
        self.content.setReadOnly(True)
        tabs.addTab(self.content, tr("Content"))
        tabs.addTab(self._provenance(session, testimony_id), tr("Provenance"))
        tabs.addTab(self._versions(), tr("Versions"))
        self.tabs = tabs
        layout.addWidget(tabs, 1)

    @staticmethod
    def _victims(content: dict[str, Any]) -> list[str]:
        names = []
        for victim in content.get("victims") or []:
            spellings = (victim.get("names") or {}) if isinstance(victim, dict) else {}
            first = next((v for k, v in spellings.items() if k != "aliases" and v), "")
            if first:
                names.append(str(first))
        return names

    def _provenance(self, session: VaultSession, testimony_id: str) -> QWidget:
        vault = session.vault
        names = {k.fingerprint: k.card.name for k in AmanatCore(vault).cards.all()}
        arrivals = AmanatCore(vault).origins(testimony_id)  # who sent, who wrote (§7.13)
        names.update({o.author.fingerprint: o.author.name for o in arrivals if o.author.name})
        versions = self.store.versions(testimony_id)
        rows: list[tuple[str, ...]] = []
        for info in versions:
            signed = ""
            if info.status == "final":
                signed = (
                    tr("valid")
                    if self.store.verify_version(testimony_id, info.version_no)
                    else tr("INVALID: changed after signing")
                )
            author = names.get(info.author_fingerprint or "", "") or tr("unknown author")
            rows.append(
                (
                    str(info.version_no),
                    author,
                    ltr(info.author_fingerprint or ""),
                    ltr((info.finalized or info.updated).replace("T", " ")[:16]),
                    signed,
                )
            )
        signatures = _table(
            [tr("Version"), tr("Recorded by"), tr("Fingerprint"), tr("Signed"), tr("Signature")],
            rows,
        )
        bundles = _table(
            [tr("Version"), tr("Bundle"), tr("Sent by"), tr("Imported"), tr("Outcome")],
            [
                (
                    str(p.version_no),
                    ltr(p.bundle_id),
                    names.get(p.sender_fingerprint, ltr(p.sender_fingerprint)),
                    ltr(p.imported_at.replace("T", " ")[:16]),
                    p.outcome,
                )
                for p in provenance(vault, testimony_id)
            ],
        )
        splitter = QSplitter()
        splitter.setOrientation(splitter.orientation().Vertical)
        self.origins = QLabel("\n".join(o.line(mark=ltr) for o in arrivals))
        self.origins.setWordWrap(True)
        splitter.addWidget(self.origins)
        splitter.addWidget(signatures)
        splitter.addWidget(bundles)
        self.signatures, self.bundles = signatures, bundles
        return splitter

    def _versions(self) -> QWidget:
        self.version_list = QListWidget()
        self._infos = self.store.versions(self.testimony_id)
        for info in self._infos:
            self.version_list.addItem(
                tr(
                    "Version {number} ({status}), {when}",
                    number=info.version_no,
                    status=tr("final") if info.status == "final" else tr("draft"),
                    when=ltr((info.finalized or info.updated).replace("T", " ")[:16]),
                )
            )
        self.diff = _table([tr("Field"), tr("Before"), tr("After")], [])
        self.version_list.currentRowChanged.connect(self.show_differences)
        splitter = QSplitter()
        splitter.addWidget(self.version_list)
        splitter.addWidget(self.diff)
        splitter.setSizes([250, 650])
        self.version_list.setCurrentRow(len(self._infos) - 1)
        return splitter

    def show_differences(self, row: int) -> None:
        """Differences between version ``row`` and the one before it (all added for v1)."""
        if not 0 <= row < len(self._infos):
            return
        info = self._infos[row]
        after = self.store.get_version(self.testimony_id, info.version_no).content
        before = (
            self.store.get_version(self.testimony_id, info.version_no - 1).content
            if info.version_no > 1
            else {}
        )
        found = differences(before, after)
        self.diff.setRowCount(len(found))
        for r, d in enumerate(found):
            for c, value in enumerate((self.path_label(d.path), d.before, d.after)):
                self.diff.setItem(r, c, QTableWidgetItem(value))
        self.diff.resizeColumnsToContents()

    def path_label(self, path: str) -> str:
        """'victims/1/names/latin' → 'Victims 1 · Names · Latin' with the form's labels."""
        form = form_for(self._infos[-1].form_ref)
        parts = path.split("/")
        section = form.section(parts[0])
        if section is None:
            return path
        words = [section.label_in()]
        rest = parts[1:]
        if section.repeatable and rest and rest[0].isdigit():
            words[0] += f" {rest[0]}"
            rest = rest[1:]
        if rest:
            fdef = section.field(rest[0])
            words.append(fdef.label_in() if fdef else rest[0])
            words += [form.part_label(p) for p in rest[1:]]
        return " · ".join(words)


class VictimDialog(QDialog):
    """Every testimony about the person of one victim of ``testimony_id``."""

    def __init__(self, session: VaultSession, testimony_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Every testimony about this person"))
        self.resize(820, 460)
        finder = session.core.duplicates
        finder.refresh()
        entries = finder.person_testimonies(f"{testimony_id}#1")
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(entries[0].label if entries else tr("Unknown person")))
        self.table = _table(
            [tr("Name as written"), tr("Testimony"), tr("Victim"), tr("Version")],
            [(e.label, ltr(e.testimony_id), str(e.position), str(e.version_no)) for e in entries],
        )
        layout.addWidget(self.table, 1)
        self.entries = entries
