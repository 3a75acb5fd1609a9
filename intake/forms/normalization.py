"""Tidying of testimony content before it is validated and stored.

Volunteers paste names from messengers and type dates in a hurry; two entries of the same facts
should become the same stored content (and the same hash). ``normalize_content`` makes every
string NFC with LF line ends, trims single-line text, writes date ranges and PRC ID numbers in
their canonical spelling and drops empty optional values. It never rejects anything: whatever
it does not understand is left as it was for ``intake.forms.validation`` to report.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from intake.forms.definitions import FieldDef, FormDefinition, SectionDef
from intake.forms.fuzzy_dates import normalize_date_range
from intake.forms.prc_id import normalize_prc_id
from intake.forms.validation import is_empty


def _nfc(value: object) -> object:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {(_nfc(k) if isinstance(k, str) else k): _nfc(v) for k, v in value.items()}
    return value


def _tidy(fdef: FieldDef, value: object) -> object:
    if isinstance(value, str):
        if fdef.type == "multiline":
            return value.strip("\n")
        value = value.strip()
        if fdef.type == "date_range":
            return normalize_date_range(value)
        if fdef.type == "prc_id":
            return normalize_prc_id(value)
        return value
    if isinstance(value, list) and fdef.type in ("list", "multichoice"):
        return [v.strip() if isinstance(v, str) else v for v in value if not is_empty(v)]
    if isinstance(value, dict) and fdef.type in ("names", "hometown"):
        return _tidy_parts(value)
    return value


def _tidy_parts(value: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, part in value.items():
        if isinstance(part, str):
            part = part.strip()
        elif isinstance(part, list):
            part = [p.strip() if isinstance(p, str) else p for p in part if not is_empty(p)]
        elif isinstance(part, dict):
            part = _tidy_parts(part)
        if not is_empty(part):
            result[key] = part
    return result


def normalize_content(form: FormDefinition, content: object) -> object:
    """Tidy ``content`` for storage; leaves anything it does not understand for validation.

    Strings become NFC with LF line ends; single-line text is trimmed; date ranges and ID
    numbers get their canonical spelling; empty strings, lists and objects of optional
    fields are dropped, so two entries of the same facts normalize to the same content.
    """
    content = _nfc(content)
    if not isinstance(content, dict):
        return content
    result: dict[str, Any] = {}
    for key, value in content.items():
        section = form.section(key) if isinstance(key, str) else None
        if section is None:
            result[key] = value
        elif section.repeatable and isinstance(value, list):
            result[key] = [_tidy_entry(section, v) for v in value]
        elif not section.repeatable and isinstance(value, dict):
            result[key] = _tidy_entry(section, value)
        else:
            result[key] = value
    return result


def _tidy_entry(section: SectionDef, entry: object) -> object:
    if not isinstance(entry, dict):
        return entry
    result: dict[str, Any] = {}
    for key, value in entry.items():
        fdef = section.field(key) if isinstance(key, str) else None
        tidied = _tidy(fdef, value) if fdef else value
        if fdef is None or not is_empty(tidied):
            result[key] = tidied
    return result
