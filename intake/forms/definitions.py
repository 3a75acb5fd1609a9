"""Form definitions: load, check and look up the data that describes a testimony form.

A form definition (resources/forms/*.json, format in docs/testimony-format.md) lists sections
and fields with types, required and sensitive marks, vocabularies of stable codes, and labels
and help texts in several languages. The same definition drives the Qt form, validation
(intake/forms/validation.py) and the PDFs. ``load_form`` checks a definition strictly (unknown keys,
dangling vocabularies and duplicate ids are errors) and returns frozen dataclasses; lookups in
a language fall back to English. Coordinators may later distribute custom forms, so nothing
here trusts the file: every shape is checked before use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources as importlib_resources
from types import MappingProxyType
from typing import Any, Literal, cast

from intake.forms.errors import FormDefinitionError
from intake.i18n import DEFAULT_LANGUAGE, LANGUAGES, current_language

FieldType = Literal[
    "text",
    "multiline",
    "date",
    "date_range",
    "choice",
    "multichoice",
    "boolean",
    "names",
    "prc_id",
    "hometown",
    "list",
]
FIELD_TYPES: frozenset[str] = frozenset(FieldType.__args__)  # type: ignore[attr-defined]
CHOICE_TYPES = frozenset({"choice", "multichoice"})
NAME_SCRIPTS = ("latin", "cyrillic", "arabic", "chinese")
NAME_PARTS = (*NAME_SCRIPTS, "aliases")
HOMETOWN_LEVELS = ("region", "prefecture", "county", "township", "village")
HOMETOWN_NAMES = ("local", "zh")
PART_IDS = (*NAME_PARTS, *HOMETOWN_LEVELS, *HOMETOWN_NAMES)

# Bounds when a field does not set its own: enough for any honest entry, small enough that a
# pasted file or a crafted bundle cannot bloat the vault.
DEFAULT_MAX_LENGTH: Mapping[str, int] = {
    "text": 500,
    "multiline": 20_000,
    "list": 300,  # each entry
    "names": 200,  # each spelling and alias
    "hometown": 200,  # each place name
}
DEFAULT_MAX_ITEMS: Mapping[str, int] = {"list": 50, "names": 20, "multichoice": 50}
DEFAULT_MAX_REPEAT = 100
MAX_FORM_BYTES = 1 << 20
HARD_MAX_LENGTH = 1_000_000

_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")
_FORM_ID = re.compile(r"[a-z][a-z0-9_-]{0,30}(\.[a-z][a-z0-9_-]{0,30}){0,4}")
_LANG = re.compile(r"[a-z]{2,3}")

Text = Mapping[str, str]


def localized(text: Text | None, lang: str | None = None) -> str:
    """``text`` in ``lang`` (default: the interface language), else English, else ``""``."""
    if not text:
        return ""
    return text.get(lang or current_language()) or text.get(DEFAULT_LANGUAGE) or ""


@dataclass(frozen=True)
class VocabularyEntry:
    """One allowed value of a choice: a stable code and its labels."""

    code: str
    label: Text


@dataclass(frozen=True)
class FieldDef:
    """One field of a section."""

    id: str
    type: FieldType
    label: Text
    required: bool = False
    sensitive: bool = False
    help: Text | None = None
    vocabulary: str | None = None
    max_length: int = 0
    max_items: int = 0
    cross_check: Mapping[str, str] = field(default_factory=dict)

    def label_in(self, lang: str | None = None) -> str:
        return localized(self.label, lang)

    def help_in(self, lang: str | None = None) -> str:
        return localized(self.help, lang)


@dataclass(frozen=True)
class SectionDef:
    """A group of fields; a repeatable section holds a list of entries (e.g. victims)."""

    id: str
    label: Text
    fields: tuple[FieldDef, ...]
    help: Text | None = None
    item_label: Text | None = None
    repeatable: bool = False
    min: int = 0
    max: int = 1

    def field(self, field_id: str) -> FieldDef | None:
        return self._by_id.get(field_id)

    @cached_property
    def _by_id(self) -> dict[str, FieldDef]:
        return {f.id: f for f in reversed(self.fields)}  # the first of a repeated id wins

    def label_in(self, lang: str | None = None) -> str:
        return localized(self.label, lang)

    def item_label_in(self, lang: str | None = None) -> str:
        return localized(self.item_label or self.label, lang)


@dataclass(frozen=True)
class FormRef:
    """Which definition a record was made with."""

    id: str
    version: int


@dataclass(frozen=True)
class FormDefinition:
    """A checked form definition."""

    id: str
    version: int
    title: Text
    languages: tuple[str, ...]
    parts: Mapping[str, Text]
    vocabularies: Mapping[str, tuple[VocabularyEntry, ...]]
    sections: tuple[SectionDef, ...]

    @property
    def ref(self) -> FormRef:
        return FormRef(self.id, self.version)

    def section(self, section_id: str) -> SectionDef | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def field(self, section_id: str, field_id: str) -> FieldDef | None:
        section = self.section(section_id)
        return section.field(field_id) if section else None

    def codes(self, vocabulary: str) -> tuple[str, ...]:
        return self._codes.get(vocabulary, ())

    @cached_property
    def _codes(self) -> dict[str, tuple[str, ...]]:
        return {name: tuple(e.code for e in entries) for name, entries in self.vocabularies.items()}

    def choice_label(self, vocabulary: str, code: str, lang: str | None = None) -> str:
        """The label of ``code``; the code itself when the vocabulary does not have it."""
        for entry in self.vocabularies.get(vocabulary, ()):
            if entry.code == code:
                return localized(entry.label, lang)
        return code

    def part_label(self, part: str, lang: str | None = None) -> str:
        """Label of a part of a compound field (``latin``, ``county``, ``zh``…)."""
        return localized(self.parts.get(part), lang) or part

    def title_in(self, lang: str | None = None) -> str:
        return localized(self.title, lang)

    def missing_translations(self, languages: tuple[str, ...] = tuple(LANGUAGES)) -> list[str]:
        """Where a label or help text lacks one of ``languages`` (paths like ``victims.gender``)."""
        missing: list[str] = []

        def need(path: str, text: Text | None) -> None:
            if text is not None:
                missing.extend(f"{path}[{lang}]" for lang in languages if not text.get(lang))

        need("title", self.title)
        for part, text in self.parts.items():
            need(f"parts.{part}", text)
        for name, entries in self.vocabularies.items():
            for entry in entries:
                need(f"vocabularies.{name}.{entry.code}", entry.label)
        for section in self.sections:
            need(section.id, section.label)
            need(f"{section.id}.help", section.help)
            need(f"{section.id}.item_label", section.item_label)
            for fdef in section.fields:
                need(f"{section.id}.{fdef.id}", fdef.label)
                need(f"{section.id}.{fdef.id}.help", fdef.help)
        return missing


# --- loading -------------------------------------------------------------------------------


def _fail(reason: str) -> FormDefinitionError:
    return FormDefinitionError(reason=reason)


def _obj(value: object, where: str, allowed: set[str], required: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(f"{where} must be an object")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise _fail(f"{where} has unknown key {unknown[0]!r}")
    absent = sorted(required - set(value))
    if absent:
        raise _fail(f"{where} lacks {absent[0]!r}")
    return cast(dict[str, Any], value)


def _text(value: object, where: str) -> Text:
    if not isinstance(value, dict) or not value:
        raise _fail(f"{where} must be an object of translations")
    for lang, text in value.items():
        if not _LANG.fullmatch(str(lang)) or not isinstance(text, str) or not text.strip():
            raise _fail(f"{where} has a bad translation for {lang!r}")
    if DEFAULT_LANGUAGE not in value:
        raise _fail(f"{where} lacks English")
    return MappingProxyType(dict(value))  # the cached built-in form is shared: read-only


def _ident(value: object, where: str) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise _fail(f"{where} must be a lower-case identifier")
    return value


def _count(value: object, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(f"{where} must be a whole number from {low} to {high}")
    return value


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(f"{where} must be true or false")
    return value


def _vocabularies(value: object) -> dict[str, tuple[VocabularyEntry, ...]]:
    if not isinstance(value, dict):
        raise _fail("vocabularies must be an object")
    result: dict[str, tuple[VocabularyEntry, ...]] = {}
    for name, entries in value.items():
        _ident(name, "a vocabulary name")
        if not isinstance(entries, list) or not entries:
            raise _fail(f"vocabulary {name} must be a non-empty list")
        seen: list[VocabularyEntry] = []
        for entry in entries:
            raw = _obj(entry, f"an entry of {name}", {"code", "label"}, {"code", "label"})
            code = _ident(raw["code"], f"a code of {name}")
            if any(e.code == code for e in seen):
                raise _fail(f"vocabulary {name} repeats code {code}")
            seen.append(VocabularyEntry(code, _text(raw["label"], f"{name}.{code}")))
        result[name] = tuple(seen)
    return result


_FIELD_KEYS = {"id", "type", "required", "sensitive", "label", "help", "vocabulary"}
_FIELD_KEYS |= {"max_length", "max_items", "cross_check"}


def _field(value: object, section_id: str, vocabularies: Mapping[str, object]) -> FieldDef:
    raw = _obj(value, f"a field of {section_id}", _FIELD_KEYS, {"id", "type", "label"})
    fid = _ident(raw["id"], f"a field id of {section_id}")
    where = f"{section_id}.{fid}"
    ftype = raw["type"]
    if ftype not in FIELD_TYPES:
        raise _fail(f"{where} has unknown type {ftype!r}")
    vocabulary = raw.get("vocabulary")
    if (ftype in CHOICE_TYPES) != (vocabulary is not None):
        raise _fail(f"{where}: choice fields, and only they, name a vocabulary")
    if vocabulary is not None and vocabulary not in vocabularies:
        raise _fail(f"{where} names unknown vocabulary {vocabulary!r}")
    max_length = DEFAULT_MAX_LENGTH.get(ftype, 0)
    if "max_length" in raw:
        if ftype not in DEFAULT_MAX_LENGTH:
            raise _fail(f"{where}: max_length does not apply to {ftype}")
        max_length = _count(raw["max_length"], f"{where}.max_length", 1, HARD_MAX_LENGTH)
    max_items = DEFAULT_MAX_ITEMS.get(ftype, 0)
    if "max_items" in raw:
        if ftype not in DEFAULT_MAX_ITEMS:
            raise _fail(f"{where}: max_items does not apply to {ftype}")
        max_items = _count(raw["max_items"], f"{where}.max_items", 1, 1000)
    cross_check: dict[str, str] = {}
    if "cross_check" in raw:
        if ftype != "prc_id":
            raise _fail(f"{where}: only prc_id fields have cross_check")
        checks = _obj(raw["cross_check"], f"{where}.cross_check", {"birth_date", "gender"}, set())
        cross_check = {k: _ident(v, f"{where}.cross_check.{k}") for k, v in checks.items()}
    return FieldDef(
        id=fid,
        type=cast(FieldType, ftype),
        label=_text(raw["label"], where),
        required=_flag(raw.get("required", False), f"{where}.required"),
        sensitive=_flag(raw.get("sensitive", False), f"{where}.sensitive"),
        help=_text(raw["help"], f"{where}.help") if "help" in raw else None,
        vocabulary=vocabulary,
        max_length=max_length,
        max_items=max_items,
        cross_check=MappingProxyType(cross_check),
    )


_SECTION_KEYS = {"id", "label", "help", "item_label", "repeatable", "min", "max", "fields"}


def _section(value: object, vocabularies: Mapping[str, object]) -> SectionDef:
    raw = _obj(value, "a section", _SECTION_KEYS, {"id", "label", "fields"})
    sid = _ident(raw["id"], "a section id")
    repeatable = _flag(raw.get("repeatable", False), f"{sid}.repeatable")
    if not repeatable and ({"min", "max", "item_label"} & set(raw)):
        raise _fail(f"{sid}: min, max and item_label are for repeatable sections")
    low = _count(raw.get("min", 0), f"{sid}.min", 0, 1000)
    high = _count(raw.get("max", DEFAULT_MAX_REPEAT if repeatable else 1), f"{sid}.max", 1, 1000)
    if low > high:
        raise _fail(f"{sid}: min is larger than max")
    if not isinstance(raw["fields"], list) or not raw["fields"]:
        raise _fail(f"{sid}.fields must be a non-empty list")
    fields = tuple(_field(f, sid, vocabularies) for f in raw["fields"])
    ids = [f.id for f in fields]
    if len(set(ids)) != len(ids):
        raise _fail(f"{sid} repeats a field id")
    for fdef in fields:
        for kind, target in fdef.cross_check.items():
            other = next((f for f in fields if f.id == target), None)
            wanted = "date" if kind == "birth_date" else "choice"
            if other is None or other.type != wanted:
                raise _fail(f"{sid}.{fdef.id}: cross_check {kind} must name a {wanted} field")
    return SectionDef(
        id=sid,
        label=_text(raw["label"], sid),
        fields=fields,
        help=_text(raw["help"], f"{sid}.help") if "help" in raw else None,
        item_label=_text(raw["item_label"], f"{sid}.item_label") if "item_label" in raw else None,
        repeatable=repeatable,
        min=low,
        max=high,
    )


_TOP_KEYS = {"id", "version", "title", "languages", "parts", "vocabularies", "sections"}


def form_from_dict(value: object) -> FormDefinition:
    """Check a parsed form definition and build it; raises FormDefinitionError."""
    raw = _obj(value, "the form", _TOP_KEYS, {"id", "version", "title", "sections"})
    if not isinstance(raw["id"], str) or not _FORM_ID.fullmatch(raw["id"]):
        raise _fail("id must look like 'amanat.testimony'")
    version = _count(raw["version"], "version", 1, 1_000_000)
    languages = raw.get("languages", [DEFAULT_LANGUAGE])
    if not isinstance(languages, list) or not all(
        isinstance(lang, str) and _LANG.fullmatch(lang) for lang in languages
    ):
        raise _fail("languages must be a list of language codes")
    parts_raw = raw.get("parts", {})
    if not isinstance(parts_raw, dict) or set(parts_raw) - set(PART_IDS):
        raise _fail(f"parts may only label {', '.join(PART_IDS)}")
    parts = {p: _text(t, f"parts.{p}") for p, t in parts_raw.items()}
    vocabularies = _vocabularies(raw.get("vocabularies", {}))
    if not isinstance(raw["sections"], list) or not raw["sections"]:
        raise _fail("sections must be a non-empty list")
    sections = tuple(_section(s, vocabularies) for s in raw["sections"])
    ids = [s.id for s in sections]
    if len(set(ids)) != len(ids):
        raise _fail("two sections have the same id")
    for section in sections:
        for fdef in section.fields:
            target = fdef.cross_check.get("gender")
            gender_field = section.field(target) if target else None
            if gender_field is not None and gender_field.vocabulary is not None:
                codes = {e.code for e in vocabularies[gender_field.vocabulary]}
                if not {"female", "male"} <= codes:
                    raise _fail(f"{section.id}: a gender cross_check needs codes female and male")
    return FormDefinition(
        id=raw["id"],
        version=version,
        title=_text(raw["title"], "title"),
        languages=tuple(languages),
        parts=MappingProxyType(parts),
        vocabularies=MappingProxyType(vocabularies),
        sections=sections,
    )


def load_form(data: bytes | str) -> FormDefinition:
    """Parse and check a form definition from JSON text."""
    if len(data) > MAX_FORM_BYTES:
        raise _fail("the file is too large")
    try:
        value = json.loads(data)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        raise _fail("it is not JSON") from exc
    return form_from_dict(value)


BUILTIN_FORMS: Mapping[tuple[str, int], str] = {("amanat.testimony", 1): "testimony.v1.json"}
DEFAULT_FORM = FormRef("amanat.testimony", 1)


@cache
def builtin_form(
    form_id: str = DEFAULT_FORM.id, version: int = DEFAULT_FORM.version
) -> FormDefinition:
    """A form definition shipped in resources/forms (default: the testimony form)."""
    name = BUILTIN_FORMS.get((form_id, version))
    if name is None:
        raise _fail(f"no built-in form {form_id} version {version}")
    data = importlib_resources.files("resources").joinpath("forms", name).read_bytes()
    form = load_form(data)
    if form.ref != FormRef(form_id, version):
        raise _fail(f"{name} does not contain {form_id} version {version}")
    return form
