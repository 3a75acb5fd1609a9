"""Settings of the open vault, kept in the vault: the auto-lock time and after how many changed
testimonies to remind about a backup (both through the core: intake.core)."""

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

from intake.core.safekeeping import MAX_REMIND_EVERY, remind_every, set_remind_every
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
        reminder = QFormLayout()
        self.remind_box = QSpinBox()
        self.remind_box.setRange(0, MAX_REMIND_EVERY)
        self.remind_box.setSpecialValueText(tr("never"))
        self.remind_box.setValue(remind_every(session.vault))
        reminder.addRow(
            tr("Remind me to back up after this many changed testimonies"), self.remind_box
        )
        layout.addLayout(reminder)
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
        set_remind_every(self.session.vault, self.remind_box.value())
        self.minutes = self.minutes_box.value()
        self.accept()
