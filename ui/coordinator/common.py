"""Small pieces the coordinator screens share: titles, fingerprints, jobs on the session.

``start_job`` runs a callable off the GUI thread through ui.workers and tells the session a
job uses the vault (so locking waits for it); its callbacks run on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QLabel, QWidget

from ui.session import VaultSession
from ui.workers import Job, WorkerHandle, run_in_thread


def title_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("pageTitle")
    return label


def help_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("helpText")
    label.setWordWrap(True)
    return label


def ltr(text: str) -> str:
    """Isolate ``text`` as left to right (fingerprints, dates, ids inside Uyghur sentences)."""
    # LRE…PDF, not only an isolate: Qt's item views ignore LRI…PDI, and a fingerprint's
    # space-separated groups would be shown in reverse order in a right-to-left paragraph.
    return f"\u2066\u202a{text}\u202c\u2069" if text else ""


def fingerprint_label(fingerprint: str) -> QLabel:
    """A fingerprint in a large fixed-width font, to be read aloud group by group."""
    label = QLabel(ltr(fingerprint))
    font = QFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    font.setPointSize(font.pointSize() + 4)
    label.setFont(font)
    label.setTextInteractionFlags(label.textInteractionFlags())
    return label


def start_job(
    session: VaultSession,
    job: Job,
    on_success: Callable[[Any], None],
    on_failure: Callable[[Exception], None],
    on_progress: Callable[[int], None] | None = None,
) -> WorkerHandle:
    """Run ``job`` on a worker thread while the session counts it as using the vault."""
    session.job_started()

    def done_ok(result: Any) -> None:
        session.job_finished()
        on_success(result)

    def done_failed(exc: Exception) -> None:
        session.job_finished()
        on_failure(exc)

    return run_in_thread(job, done_ok, done_failed, on_progress)


def clear_children_text(widget: QWidget) -> None:
    """Empty every label under ``widget`` (names must not stay in widgets after locking)."""
    for label in widget.findChildren(QLabel):
        label.clear()
