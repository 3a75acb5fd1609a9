"""Translation of user-visible strings, shared by intake/ and ui/.

One mechanism for the whole app: English source strings are the message ids, and
``resources/i18n/<lang>/*.json`` hold ``{"English text": "translation"}`` maps. Every file in a
language folder is merged, so each area of the app (vault, crypto, bundles, GUI…) keeps its own
file and nobody edits a shared one. Missing translations fall back to English. ``tr`` formats
``{name}`` placeholders after translation, so word order can change per language.

A test (tests/intake/test_i18n.py) checks that every literal passed to ``tr`` has an entry in
every catalog, and that placeholders survive translation.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources as importlib_resources
from typing import Any

LANGUAGES: dict[str, str] = {
    "en": "English",
    "kk": "Қазақша",
    "ug": "ئۇيغۇرچە",
    "ru": "Русский",
    "zh": "中文",
    "tr": "Türkçe",
}
RTL_LANGUAGES = frozenset({"ug"})
DEFAULT_LANGUAGE = "en"

_current = DEFAULT_LANGUAGE


class UnknownLanguage(ValueError):
    """A language code that Amanat has no catalog for."""


def set_language(code: str) -> None:
    """Switch every later ``tr`` call to ``code`` (one of LANGUAGES)."""
    global _current
    if code not in LANGUAGES:
        raise UnknownLanguage(code)
    _current = code


def current_language() -> str:
    return _current


def is_rtl(code: str | None = None) -> bool:
    """True when the language is written right to left (Uyghur in Arabic script)."""
    return (code or _current) in RTL_LANGUAGES


@cache
def catalog(code: str) -> dict[str, str]:
    """The merged catalog of one language (empty for English, the source language)."""
    merged: dict[str, str] = {}
    folder = importlib_resources.files("resources").joinpath("i18n", code)
    if not folder.is_dir():
        return merged
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            data = json.loads(entry.read_text(encoding="utf-8"))
            merged.update({str(k): str(v) for k, v in data.items() if v})
    return merged


def tr(msgid: str, /, lang: str | None = None, **values: Any) -> str:
    """Translate ``msgid`` into ``lang`` (default: the current language) and fill placeholders."""
    text = catalog(lang or _current).get(msgid, msgid) if (lang or _current) != "en" else msgid
    return text.format(**values) if values else text
