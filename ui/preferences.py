"""Per-user interface preferences outside the vault: the language and the window geometry.

These are readable without the passphrase (the unlock screen must already speak the user's
language), so they hold nothing else: no vault content, no names, no paths of testimonies, no
search text. The file is a small INI file in the user's configuration folder (QSettings);
tests pass an explicit file so they never touch the real one.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from intake.i18n import LANGUAGES

_LANGUAGE = "interface/language"
_GEOMETRY = "window/geometry"
_STATE = "window/state"
ALLOWED_KEYS = frozenset({_LANGUAGE, _GEOMETRY, _STATE})


class Preferences:
    """Language and window geometry; every other key is refused by construction."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            self._settings = QSettings(
                QSettings.Format.IniFormat, QSettings.Scope.UserScope, "Amanat", "Amanat"
            )
        else:
            self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    @property
    def file_name(self) -> str:
        return self._settings.fileName()

    def language(self) -> str | None:
        value = self._settings.value(_LANGUAGE)
        return value if isinstance(value, str) and value in LANGUAGES else None

    def set_language(self, code: str) -> None:
        if code in LANGUAGES:
            self._settings.setValue(_LANGUAGE, code)
            self._settings.sync()

    def geometry(self) -> QByteArray | None:
        value = self._settings.value(_GEOMETRY)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def window_state(self) -> QByteArray | None:
        value = self._settings.value(_STATE)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self._settings.setValue(_GEOMETRY, geometry)
        self._settings.setValue(_STATE, state)
        self._settings.sync()

    def keys(self) -> list[str]:
        """Every key in the file (tests check that nothing but the allowed keys is stored)."""
        return list(self._settings.allKeys())
