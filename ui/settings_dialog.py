"""Settings of the open vault: the auto-lock time (kept in the vault, through the core)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from intake.i18n import tr
from intake.vault.app_settings import MAX_AUTOLOCK_MINUTES, MIN_AUTOLOCK_MINUTES
from ui.session import VaultSession


class SettingsDialog(QDialog):
    """Auto-lock minutes; ``minutes`` holds the saved value after Save."""

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(tr("Settings"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.minutes_box = QSpinBox()
        self.minutes_box.setRange(MIN_AUTOLOCK_MINUTES, MAX_AUTOLOCK_MINUTES)
        self.minutes_box.setSuffix(" " + tr("min"))
        self.minutes_box.setValue(session.core.autolock_minutes())
        form.addRow(tr("Lock automatically after"), self.minutes_box)
        layout.addLayout(form)
        hint = QLabel(
            tr("Without keyboard or mouse use for this long, Amanat saves drafts and locks.")
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        buttons = QDialogButtonBox()
        save = QPushButton(tr("Save"))
        save.clicked.connect(self.save)
        cancel = QPushButton(tr("Cancel"))
        cancel.clicked.connect(self.reject)
        buttons.addButton(save, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)
        self.minutes = self.minutes_box.value()

    def save(self) -> None:
        self.session.core.set_autolock_minutes(self.minutes_box.value())
        self.minutes = self.minutes_box.value()
        self.accept()
