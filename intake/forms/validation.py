"""Validation of testimony content against its form definition.

Content is a JSON object keyed by section id (format in docs/testimony-format.md). Validation
never raises for bad content: it returns a list of ``Problem``s, each with a JSON Pointer
(``/victims/0/prc_id``), a stable code, a severity (errors block saving a final version,
warnings only inform) and a message that names the field by its label in the volunteer's
language ("Victim 1 › PRC ID number: …"). Messages never repeat the value itself, so they are
safe to show, print or put in an exception. Input is tidied first by
``intake.forms.normalization.normalize_content``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from intake.forms.definitions import (
    HOMETOWN_LEVELS,
    HOMETOWN_NAMES,
    NAME_SCRIPTS,
    FieldDef,
    FormDefinition,
    SectionDef,
)
from intake.forms.errors import DateFormatError
from intake.forms.fuzzy_dates import MAX_YEAR, MIN_YEAR, parse_date_range, parse_fuzzy_date
from intake.forms.prc_id import check_prc_id
from intake.forms.prc_id_messages import prc_id_message
from intake.forms.shape import BAD_LINE, BAD_MULTILINE, MAX_CONTENT_CHARS, shape_fits
from intake.i18n import tr
from intake.names.scripts import Script, scripts_in

Severity = Literal["error", "warning"]

MAX_PROBLEMS = 200  # a hostile file cannot make the list of problems unbounded
SEPARATOR = " › "
_KEY_SHOWN = re.compile(r"[A-Za-z0-9_.-]{1,40}")
_EXPECTED_SCRIPT: dict[str, Script] = {
    "latin": "latin",
    "cyrillic": "cyrillic",
    "arabic": "arabic",
    "chinese": "han",
    "zh": "han",
}


@dataclass(frozen=True)
class Problem:
    """One finding: where (JSON Pointer), what (code, message) and how bad (severity)."""

    path: str
    message: str
    severity: Severity
    code: str


class _Label:
    """A field's label for messages, put together only when a message needs it (most content
    has no problem, so building every label up front was most of the validation time)."""

    __slots__ = ("_args", "_make", "_text")

    def __init__(self, make: Callable[..., str], *args: Any) -> None:
        self._make, self._args = make, args
        self._text: str | None = None

    def __str__(self) -> str:
        if self._text is None:
            self._text = self._make(*self._args)
        return self._text

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __bool__(self) -> bool:
        return bool(str(self))


Label = str | _Label


def _field_label(where: Label, fdef: FieldDef, lang: str | None) -> str:
    return f"{where}{SEPARATOR}{fdef.label_in(lang)}"


def _part_label(where: Label, form: FormDefinition, part: str, lang: str | None) -> str:
    return f"{where}{SEPARATOR}{form.part_label(part, lang)}"


def _item_label(section: SectionDef, number: int, lang: str | None) -> str:
    return tr("{item} {number}", lang=lang, item=section.item_label_in(lang), number=number)


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def _escape(key: str) -> str:
    """One JSON Pointer reference token (RFC 6901: ``~`` as ``~0``, ``/`` as ``~1``)."""
    if "~" in key or "/" in key:
        return key.replace("~", "~0").replace("/", "~1")
    return key


def _pointer(*parts: str | int) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class _Validator:
    def __init__(self, form: FormDefinition, lang: str | None, today: date | None) -> None:
        self.form = form
        self.lang = lang
        self.today = today
        self.problems: list[Problem] = []
        self.chars = 0
        self.shape_only = False  # only the problems in DRAFT_BLOCKING's list of codes

    # -- reporting ------------------------------------------------------------------------

    def add(self, path: str, code: str, severity: Severity, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(path, message, severity, code))
        elif self.problems[-1].code != "too_many_problems":
            text = tr("More problems were found; fix these first.", lang=self.lang)
            self.problems.append(Problem("", text, "error", "too_many_problems"))

    def unknown(self, path: str, where: Label, key: object) -> None:
        shown = key if isinstance(key, str) and _KEY_SHOWN.fullmatch(key) else "?"
        label = f"{where}{SEPARATOR}{shown}" if where else str(shown)
        msg = tr("{field}: this is not part of the form.", lang=self.lang, field=label)
        self.add(path, "unknown_field", "error", msg)

    def wrong_type(self, path: str, label: Label) -> None:
        msg = tr("{field}: this value has the wrong form.", lang=self.lang, field=label)
        self.add(path, "wrong_type", "error", msg)

    # -- strings --------------------------------------------------------------------------

    def string(self, path: str, label: Label, value: str, limit: int, multiline: bool) -> bool:
        """Common checks of every string; False when the string is unusable."""
        self.chars += len(value)
        if len(value) > limit:
            msg = tr(
                "{field}: too long ({length} characters; at most {limit}).",
                lang=self.lang,
                field=label,
                length=len(value),
                limit=limit,
            )
            self.add(path, "too_long", "error", msg)
            return False
        if not multiline and ("\n" in value or "\r" in value):
            msg = tr("{field}: must be a single line.", lang=self.lang, field=label)
            self.add(path, "single_line", "error", msg)
            return False
        if (BAD_MULTILINE if multiline else BAD_LINE).search(value):
            msg = tr(
                "{field}: contains characters that are not allowed.", lang=self.lang, field=label
            )
            self.add(path, "bad_characters", "error", msg)
            return False
        return True

    def script(self, path: str, label: Label, value: str, part: str) -> None:
        if self.shape_only:
            return
        expected = _EXPECTED_SCRIPT[part]
        found = scripts_in(value)
        if found and expected not in found:
            msg = tr(
                "{field}: the letters do not look like this script.", lang=self.lang, field=label
            )
            self.add(path, "script_mismatch", "warning", msg)

    # -- content --------------------------------------------------------------------------

    def content(self, content: object) -> None:
        title = self.form.title_in(self.lang)
        if not isinstance(content, dict):
            self.wrong_type("", title)
            return
        for section in self.form.sections:
            self.section(section, content.get(section.id))
        known = {s.id for s in self.form.sections}
        for key in content:
            if key not in known:
                self.unknown(_pointer(str(key)), title, key)
        if self.chars > MAX_CONTENT_CHARS:
            msg = tr(
                "The testimony is too large ({size} characters; at most {limit}).",
                lang=self.lang,
                size=self.chars,
                limit=MAX_CONTENT_CHARS,
            )
            self.add("", "content_too_large", "error", msg)

    def section(self, section: SectionDef, value: object) -> None:
        label = section.label_in(self.lang)
        path = _pointer(section.id)
        if not section.repeatable:
            if value is None:
                value = {}
            if not isinstance(value, dict):
                self.wrong_type(path, label)
                return
            self.entry(section, value, path, label)
            return
        items = [] if value is None else value
        if not isinstance(items, list):
            self.wrong_type(path, label)
            return
        if len(items) < section.min:
            msg = tr(
                "{field}: at least {count} entries are needed.",
                lang=self.lang,
                field=label,
                count=section.min,
            )
            self.add(path, "too_few", "error", msg)
        if len(items) > section.max:
            self.too_many(path, label, len(items), section.max)
            return
        for index, item in enumerate(items):
            item_label = _Label(_item_label, section, index + 1, self.lang)
            item_path = f"{path}/{index}"
            if not isinstance(item, dict):
                self.wrong_type(item_path, item_label)
                continue
            self.entry(section, item, item_path, item_label)

    def too_many(self, path: str, label: Label, count: int, limit: int) -> None:
        msg = tr(
            "{field}: too many entries ({count}; at most {limit}).",
            lang=self.lang,
            field=label,
            count=count,
            limit=limit,
        )
        self.add(path, "too_many", "error", msg)

    def entry(self, section: SectionDef, values: dict[str, Any], path: str, where: Label) -> None:
        for fdef in section.fields:
            value = values.get(fdef.id)
            if value is None and (self.shape_only or not fdef.required):
                continue  # absent and nothing to report
            label = _Label(_field_label, where, fdef, self.lang)
            fpath = f"{path}/{fdef.id}"
            if fdef.required and not self.shape_only and is_empty(value):
                msg = tr("{field}: this field is required.", lang=self.lang, field=label)
                self.add(fpath, "required", "error", msg)
            # Blank values are simply absent; a non-empty object or list is still checked for
            # unknown keys and wrong types even when all its parts are blank.
            if (
                value is None
                or value in ("", [], {})
                or (isinstance(value, str) and is_empty(value))
            ):
                continue
            _CHECKS[fdef.type](self, fdef, value, fpath, label, values)
        for key in values:
            if section.field(key) is None:
                self.unknown(f"{path}/{_escape(str(key))}", where, key)

    # -- field types ----------------------------------------------------------------------

    def text(self, fdef: FieldDef, value: object, path: str, label: Label, _: Any) -> None:
        if not isinstance(value, str):
            self.wrong_type(path, label)
            return
        self.string(path, label, value, fdef.max_length, fdef.type == "multiline")

    def date(self, fdef: FieldDef, value: object, path: str, label: Label, _: Any) -> None:
        if not isinstance(value, str):
            self.wrong_type(path, label)
            return
        if not self.string(path, label, value, 40, False) or self.shape_only:
            return
        if fdef.type == "date":
            try:
                starts = [parse_fuzzy_date(value)]
            except DateFormatError as exc:
                self.date_error(path, label, exc)
                return
        else:
            try:
                span = parse_date_range(value)
            except DateFormatError as exc:
                self.date_error(path, label, exc)
                return
            # Only the start: a known end may lie ahead (a sentence that ends in 2033).
            starts = [span.start] if span.start is not None else []
        if self.today is not None and any(d.earliest() > self.today for d in starts):
            msg = tr("{field}: this date is in the future.", lang=self.lang, field=label)
            self.add(path, "date_future", "warning", msg)

    def date_error(self, path: str, label: Label, exc: DateFormatError) -> None:
        lang = self.lang
        if exc.code == "year_range":
            msg = tr(
                "{field}: the year must be between {first} and {last}.",
                lang=lang,
                field=label,
                first=MIN_YEAR,
                last=MAX_YEAR,
            )
        elif exc.code == "format":
            msg = tr(
                "{field}: not a valid date. Write 2018, 2018-03 or 2018-03-05.",
                lang=lang,
                field=label,
            )
        elif exc.code == "range_empty":
            msg = tr("{field}: both ends of the date range are empty.", lang=lang, field=label)
        elif exc.code == "range_order":
            msg = tr("{field}: the date range ends before it starts.", lang=lang, field=label)
        else:
            msg = tr(
                "{field}: not a valid date range. Write for example 2018-01 .. 2018-03; "
                "one end may be empty.",
                lang=lang,
                field=label,
            )
        self.add(path, f"date_{exc.code}", "error", msg)

    def choice(self, fdef: FieldDef, value: object, path: str, label: Label, _: Any) -> None:
        codes = set(self.form.codes(fdef.vocabulary or ""))
        chosen: list[object] = value if isinstance(value, list) else [value]
        if (fdef.type == "multichoice") != isinstance(value, list):
            self.wrong_type(path, label)
            return
        if len(chosen) > max(fdef.max_items, 1):
            self.too_many(path, label, len(chosen), fdef.max_items)
            return
        if self.shape_only:
            return
        if not all(isinstance(c, str) and c in codes for c in chosen):
            msg = tr("{field}: not one of the allowed choices.", lang=self.lang, field=label)
            self.add(path, "not_in_vocabulary", "error", msg)
        elif len(set(map(str, chosen))) != len(chosen):
            msg = tr(
                "{field}: the same choice appears more than once.", lang=self.lang, field=label
            )
            self.add(path, "duplicate_choice", "error", msg)

    def boolean(self, fdef: FieldDef, value: object, path: str, label: Label, _: Any) -> None:
        if not isinstance(value, bool):
            self.wrong_type(path, label)

    def string_list(
        self, path: str, label: Label, value: object, max_items: int, max_length: int
    ) -> None:
        if not isinstance(value, list):
            self.wrong_type(path, label)
            return
        if len(value) > max_items:
            self.too_many(path, label, len(value), max_items)
            return
        for index, item in enumerate(value):
            ipath = f"{path}/{index}"
            if not isinstance(item, str):
                self.wrong_type(ipath, label)
            elif not item.strip():
                msg = tr("{field}: empty entries are not allowed.", lang=self.lang, field=label)
                self.add(ipath, "empty_entry", "error", msg)
            else:
                self.string(ipath, label, item, max_length, False)

    def plain_list(self, fdef: FieldDef, value: object, path: str, label: Label, _: Any) -> None:
        self.string_list(path, label, value, fdef.max_items, fdef.max_length)

    def names(self, fdef: FieldDef, value: object, path: str, label: Label, _: Any) -> None:
        if not isinstance(value, dict):
            self.wrong_type(path, label)
            return
        for key, part in value.items():
            ppath = f"{path}/{_escape(str(key))}"
            plabel = _Label(_part_label, label, self.form, str(key), self.lang)
            if key == "aliases":
                self.string_list(ppath, plabel, part, fdef.max_items, fdef.max_length)
            elif key not in NAME_SCRIPTS:
                self.unknown(ppath, label, key)
            elif not isinstance(part, str):
                self.wrong_type(ppath, plabel)
            elif self.string(ppath, plabel, part, fdef.max_length, False):
                self.script(ppath, plabel, part, key)

    def hometown(self, fdef: FieldDef, value: object, path: str, label: Label, _: Any) -> None:
        if not isinstance(value, dict):
            self.wrong_type(path, label)
            return
        for level, names in value.items():
            lpath = f"{path}/{_escape(str(level))}"
            llabel = _Label(_part_label, label, self.form, str(level), self.lang)
            if level not in HOMETOWN_LEVELS:
                self.unknown(lpath, label, level)
                continue
            if not isinstance(names, dict):
                self.wrong_type(lpath, llabel)
                continue
            for key, name in names.items():
                npath = f"{lpath}/{_escape(str(key))}"
                nlabel = _Label(_part_label, llabel, self.form, str(key), self.lang)
                if key not in HOMETOWN_NAMES:
                    self.unknown(npath, llabel, key)
                elif not isinstance(name, str):
                    self.wrong_type(npath, nlabel)
                elif self.string(npath, nlabel, name, fdef.max_length, False) and key == "zh":
                    self.script(npath, nlabel, name, "zh")

    def prc_id(
        self, fdef: FieldDef, value: object, path: str, label: Label, entry: dict[str, Any]
    ) -> None:
        if not isinstance(value, str):
            self.wrong_type(path, label)
            return
        if not self.string(path, label, value, 40, False) or self.shape_only:
            return
        born = entry.get(fdef.cross_check.get("birth_date", ""))
        year = month = day = None
        if isinstance(born, str):
            try:
                parsed = parse_fuzzy_date(born)
                year, month, day = parsed.year, parsed.month, parsed.day
            except DateFormatError:
                pass
        gender = entry.get(fdef.cross_check.get("gender", ""))
        findings = check_prc_id(
            value,
            birth_year=year,
            birth_month=month,
            birth_day=day,
            gender=gender if isinstance(gender, str) else None,
        )
        for finding in findings:
            msg = prc_id_message(finding.code, label, self.lang)
            self.add(path, f"prc_id_{finding.code}", finding.severity, msg)


_Check = Callable[[_Validator, FieldDef, object, str, Label, dict[str, Any]], None]
_CHECKS: dict[str, _Check] = {
    "text": _Validator.text,
    "multiline": _Validator.text,
    "date": _Validator.date,
    "date_range": _Validator.date,
    "choice": _Validator.choice,
    "multichoice": _Validator.choice,
    "boolean": _Validator.boolean,
    "names": _Validator.names,
    "prc_id": _Validator.prc_id,
    "hometown": _Validator.hometown,
    "list": _Validator.plain_list,
}


def is_empty(value: object) -> bool:
    """Absent, null, blank text, or a list/object with nothing filled in."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return not value
    if isinstance(value, dict):
        return all(is_empty(v) for v in value.values())
    return False


def validate_content(
    form: FormDefinition,
    content: object,
    *,
    lang: str | None = None,
    today: date | None = None,
    shape_only: bool = False,
) -> list[Problem]:
    """Every problem of ``content`` against ``form``; messages in ``lang`` (default: current).

    ``today`` (injected, so tests are stable) enables the "date in the future" warning.
    ``shape_only``: only shape and size problems (wrong type, unknown field, too long, too
    many, control characters, too large), which is all a draft or an import is refused for.
    """
    if shape_only and shape_fits(form, content):
        return []  # the usual case, decided without building a path or label per value
    validator = _Validator(form, lang, today)
    validator.shape_only = shape_only
    validator.content(content)
    return validator.problems
