"""The bundled fonts (resources/fonts) registered with Qt, so every script renders offline.

A bare Windows or Linux machine may have no font with Uyghur (Arabic script) or Chinese glyphs;
the app then shows empty boxes. ``register_bundled_fonts`` loads the OFL Noto fonts that ship
with Amanat from memory into ``QFontDatabase`` and ``interface_font`` builds the application
font as an ordered family list (Latin/Cyrillic first, then Arabic script, then Chinese), so Qt
picks the bundled face for each script before any system font.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase

from intake.install.resources import resource

FONT_FILES = (
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
    "NotoNaskhArabic-Regular.ttf",
    "NotoNaskhArabic-Bold.ttf",
    "NotoSansSC-AmanatSubset-Regular.ttf",
)
# Order matters: Qt takes each character from the first family that has a glyph for it.
FAMILIES = ("Noto Sans", "Noto Naskh Arabic", "Noto Sans SC Amanat Subset")

_registered: list[str] = []


def register_bundled_fonts() -> list[str]:
    """Load the bundled fonts once per process; returns the family names Qt registered."""
    if _registered:
        return list(_registered)
    folder = resource("fonts")
    for name in FONT_FILES:
        font_id = QFontDatabase.addApplicationFontFromData(folder.joinpath(name).read_bytes())
        if font_id >= 0:
            for family in QFontDatabase.applicationFontFamilies(font_id):
                if family not in _registered:
                    _registered.append(family)
    return list(_registered)


BASE_POINT_SIZE = 10.0
# Naskh has a small x-height next to Noto Sans: Arabic-script text gets a larger size.
ARABIC_SCRIPT_SCALE = 1.25


def interface_font(point_size: float = BASE_POINT_SIZE) -> QFont:
    """The application font: bundled families in script order, at ``point_size``."""
    font = QFont()
    font.setFamilies([f for f in FAMILIES if f in _registered] or list(FAMILIES))
    font.setPointSizeF(point_size)
    return font


def arabic_script_font(base: QFont) -> QFont:
    """``base`` enlarged for a field or window whose text is in Arabic script (Uyghur)."""
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * ARABIC_SCRIPT_SCALE)
    return font


def monospace_font(point_size: float = 12.0) -> QFont:
    """A fixed-width font for fingerprints and hashes (read aloud digit by digit)."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(point_size)
    return font
