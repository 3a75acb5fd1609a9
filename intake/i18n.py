"""Translation of user-visible strings, shared by intake/ and ui/ (gettext catalogs via Babel).

One gettext domain, ``amanat``: English source strings are the message ids, the template is
``resources/i18n/amanat.pot`` (made by ``pybabel extract``, see docs/translation-glossary.md) and
each language has ``resources/i18n/<lang>/LC_MESSAGES/amanat.po``, which translators open in
Poedit or Weblate. Plural rules (``Plural-Forms``) come from Babel's CLDR data.

Call sites stay short: ``tr(msgid, **values)``, ``ntr(singular, plural, n, **values)`` for
counts (``{n}`` is the count, formatted for the language by Babel) and
``ptr(context, msgid, **values)`` where one English word means two things. Placeholders are
``{name}`` and are filled after translation, so word order can change per language. ``N_``
marks a message id (e.g. an error class's ``msgid``) that is translated later, where it is shown.
An untranslated, empty or fuzzy entry falls back to English.

Numbers are written the language's way by Babel (``format_number``; ``{n}`` of ``ntr``). Dates
stay ISO 8601 everywhere ("2019-03-05", and fuzzy ones like "2019-03"): they are evidence read
across six languages, a month-only date has no locale format, and "03/05/2019" means two
different days to two readers. In right-to-left text they are isolated (``isolate_numbers``).

Why no ``.mo`` files: the ``.po`` of a language is compiled in memory (Babel's ``read_po`` and
``write_mo``) the first time that language is used, about a tenth of a second. So a clean clone,
``./dev run``, ``./dev test`` and the installed package work with no build step, and no compiled
file can go stale next to its source. English, the source language, loads nothing at all (and
Babel is imported only when a catalog or a number format is needed, to keep the CLI's start
fast). tests/intake/test_i18n.py checks the catalogs: complete, nothing unused, ``msgfmt --check``.
"""

from __future__ import annotations

import gettext
import io
import re
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
# Dates, times and ID numbers in right-to-left text: without an isolate the Unicode bidi rules
# show "2019-03-05" after Arabic letters as "05-03-2019" (and "2019-03" as "03-2019").
_NUMBER_RUN = re.compile(r"\d[\dXx]*(?:[-:./][\dXx]+)+")
LRI, PDI = "\u2066", "\u2069"
DOMAIN = "amanat"

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


def isolate_numbers(text: str) -> str:
    """Wrap number runs with separators (dates, times, IDs) in left-to-right isolates, so they
    read the same inside right-to-left text (used by the GUI and the PDFs)."""
    return _NUMBER_RUN.sub(lambda m: f"{LRI}{m.group(0)}{PDI}", text)


def catalog_path(code: str) -> Any:
    """Where the ``.po`` catalog of ``code`` lives (an importlib resource)."""
    return importlib_resources.files("resources").joinpath(
        "i18n", code, "LC_MESSAGES", f"{DOMAIN}.po"
    )


@cache
def translations(code: str) -> gettext.NullTranslations:
    """The compiled catalog of one language (nothing to look up for English, the source)."""
    path = catalog_path(code)
    if code == DEFAULT_LANGUAGE or not path.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as po:
        catalog = read_po(po, locale=code, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # leaves out fuzzy entries; empty ones fall back to English
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def N_(msgid: str) -> str:
    """Mark ``msgid`` for the catalogs without translating it here."""
    return msgid


def tr(msgid: str, /, lang: str | None = None, **values: Any) -> str:
    """Translate ``msgid`` into ``lang`` (default: the current language) and fill placeholders."""
    text = translations(lang or _current).gettext(msgid)
    return text.format(**values) if values else text


def ntr(singular: str, plural: str, n: int, /, lang: str | None = None, **values: Any) -> str:
    """The form of a message for the count ``n``, which fills ``{n}`` (a localized number,
    unless ``values`` gives ``n`` written another way)."""
    code = lang or _current
    text = translations(code).ngettext(singular, plural, n)
    return text.format(**{"n": format_number(n, code), **values})


def ptr(context: str, msgid: str, /, lang: str | None = None, **values: Any) -> str:
    """Translate ``msgid`` in ``context`` (one English word, two meanings)."""
    text = translations(lang or _current).pgettext(context, msgid)
    return text.format(**values) if values else text


def format_number(n: int, lang: str | None = None) -> str:
    """``n`` written the way the language writes numbers (grouping: 1,234 / 1 234 / 1.234)."""
    if -1000 < n < 1000:
        return str(n)  # no grouping needed: skip loading Babel's locale data
    from babel.numbers import format_decimal

    return str(format_decimal(n, locale=lang or _current))
