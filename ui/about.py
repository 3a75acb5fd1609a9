"""The About box: what Amanat is, its version, and the licences of what it ships.

The licence texts are read from resources/licenses and resources/fonts (packaged data), so they
are shown even offline; the SQLCipher and OpenSSL notices are here because the sqlcipher3
wheel, which links both statically, does not include them.
"""

from __future__ import annotations

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake.i18n import tr
from intake.install.build import build_info
from intake.install.resources import resource
from ui.fonts import monospace_font

# (component, licence name, package, file)
COMPONENTS: tuple[tuple[str, str, str, str], ...] = (
    ("Qt 6 / PySide6", "LGPL-3.0", "licenses", "LGPL-3.0.txt"),
    ("Qt 6 / PySide6", "GPL-3.0", "licenses", "GPL-3.0.txt"),
    ("SQLCipher", "BSD-3-Clause", "licenses", "SQLCipher.txt"),
    ("SQLite", "Public domain", "licenses", "SQLite.txt"),
    ("OpenSSL", "Apache-2.0", "licenses", "Apache-2.0.txt"),
    ("sqlcipher3", "zlib", "licenses", "sqlcipher3-zlib.txt"),
    ("Noto Sans", "OFL-1.1", "fonts", "OFL-NotoSans.txt"),
    ("Noto Naskh Arabic", "OFL-1.1", "fonts", "OFL-NotoNaskhArabic.txt"),
    ("Noto Sans SC (subset)", "OFL-1.1", "fonts", "OFL-NotoSansCJK.txt"),
)


def licence_text(folder: str, name: str) -> str:
    return resource(folder, name).read_text("utf-8")


def app_version() -> str:
    """The version and build (``0.1.0 (frozen, commit 1a2b3c4d5e6f)``)."""
    return build_info().describe()


class AboutDialog(QDialog):
    """Name, purpose, versions and a browser of licence texts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("About Amanat"))
        self.resize(900, 600)
        layout = QVBoxLayout(self)
        title = QLabel(f"Amanat {app_version()}")
        title.setObjectName("pageTitle")
        self.title = title
        layout.addWidget(title)
        about = QLabel(
            tr(
                "Amanat records testimonies about people detained or missing, keeps them "
                "encrypted on this computer and sends them, signed and encrypted, to "
                "coordinators. Amanat is free software under the GNU GPL version 3 or later."
            )
        )
        about.setWordWrap(True)
        layout.addWidget(about)
        layout.addWidget(
            QLabel(
                tr("Built with Qt {qt} and PySide6 {pyside}.", qt=qVersion(), pyside=pyside_version)
            )
        )
        layout.addWidget(QLabel(tr("Licences of the components that ship with Amanat:")))
        row = QHBoxLayout()
        self.components = QListWidget()
        for component, licence, _folder, _name in COMPONENTS:
            self.components.addItem(f"{component} — {licence}")
        self.components.setMinimumWidth(self.components.sizeHintForColumn(0) + 24)
        row.addWidget(self.components)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(monospace_font(9))
        self.text.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # the texts are English
        row.addWidget(self.text, 1)
        layout.addLayout(row, 1)
        buttons = QDialogButtonBox()
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.accept)
        buttons.addButton(close, QDialogButtonBox.ButtonRole.AcceptRole)
        layout.addWidget(buttons)
        self.components.currentRowChanged.connect(self.show_licence)
        self.components.setCurrentRow(0)

    def show_licence(self, row: int) -> None:
        if 0 <= row < len(COMPONENTS):
            _component, _licence, folder, name = COMPONENTS[row]
            self.text.setPlainText(licence_text(folder, name))
