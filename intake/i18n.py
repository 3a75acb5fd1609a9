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

Numbers, sizes and moments are written the language's way by Babel: ``format_number`` (also
``{n}`` of ``ntr``), ``format_size`` ("1.2 MB", "1,2 МБ"), ``format_time_of_day`` ("Saved at
…") and ``format_timestamp`` for the moments Amanat records (saved, signed, received,
imported, created), in local time with the month in words ("May 1, 2024, 10:20 AM",
"1 мая 2024 г., 10:20", "1-ماي، 2024، 10:20"), so no reader takes 03/05 for the wrong day.
The dates a testimony states stay ISO 8601 as typed ("2019-03-05", and fuzzy ones like
"2019-03"): they are evidence read across six languages and a month-only date has no locale
format. In right-to-left text they are isolated (``isolate_numbers``). Machine-readable
output (the CLI's ``--json``) keeps the stored values.

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
from datetime import datetime, tzinfo
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


# SI units (1 kB = 1000 bytes, as disks are sold), by their CLDR names
SIZE_UNITS = ("digital-kilobyte", "digital-megabyte", "digital-gigabyte", "digital-terabyte")


def format_size(size: int, lang: str | None = None) -> str:
    """``size`` bytes as a person reads it in ``lang``: "512 bytes", "21 kB", "3.4 MB",
    "3,4 МБ" (one decimal below 10; the language's decimal sign, grouping and unit names)."""
    code = lang or _current
    if size < 1000:
        return ntr("{n} byte", "{n} bytes", size, lang=code)
    value, unit = size / 1000, SIZE_UNITS[0]
    for next_unit in SIZE_UNITS[1:]:
        if value < 999.5:  # would not round up to "1000 kB"
            break
        value, unit = value / 1000, next_unit
    from babel.units import format_unit

    shown = round(value, 1) if value < 10 else round(value)
    return str(format_unit(shown, unit, "short", locale=code)).replace(" ", "\u00a0")


def format_time_of_day(moment: datetime | None = None, lang: str | None = None) -> str:
    """The time of ``moment`` (default: now, local) with seconds, the language's way
    ("10:20:30 PM", "22:20:30"): for "Saved at …" while a person types."""
    from babel.dates import format_time

    return str(format_time(moment or datetime.now(), "medium", locale=lang or _current))


def format_timestamp(stamp: str, lang: str | None = None, tz: tzinfo | None = None) -> str:
    """A moment Amanat recorded (RFC 3339, "2024-05-01T10:20:30Z") in ``lang``'s medium date
    and short time, in the time zone ``tz`` (default: this computer's). An empty stamp gives
    "", one that is not a timestamp comes back as it is."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if moment.tzinfo is None:  # stored moments are UTC
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(tz)
    from babel import Locale
    from babel.dates import format_date, format_time

    locale = Locale.parse(lang or _current)
    date_text = format_date(moment, "medium", locale=locale)
    time_text = format_time(moment, "short", locale=locale)
    # the language's own order and glue ("{1}, {0}": date, then time)
    return (
        str(locale.datetime_formats["medium"]).replace("{1}", date_text).replace("{0}", time_text)
    )
