"""A testimony for people: sections, fields and values rendered from its form definition.

One Qt-free model drives three faces: the coordinator's record view (ui/coordinator/
record_view.py), ``amanat testimony show`` and the filled PDF (intake/pdf/filled.py). Every
label comes from the form definition in the chosen language, the same labels the editor
shows; every value is named the way a reader understands it: a choice by its vocabulary
label ("Uyghur", not ``uyghur``), a yes/no field as "Yes"/"No", a date range in words, a name
as one part per script with the script's label, a hometown as one part per level (local and
Chinese spelling), a list one item per line. Repeated sections are numbered as people count
("Victim 1 of 2"). Nothing here prints a Python structure: a value of an unexpected shape is
flattened to its strings. ``changed_fields`` compares two versions by these rendered values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from intake.forms.definitions import (
    HOMETOWN_LEVELS,
    NAME_SCRIPTS,
    FieldDef,
    FormDefinition,
    SectionDef,
)
from intake.forms.errors import DateFormatError
from intake.forms.fuzzy_dates import parse_date_range
from intake.i18n import current_language, format_number, ntr, tr

EMPTY = "—"


@dataclass(frozen=True)
class ValuePart:
    """One piece of a shown value: an optional part label ("Cyrillic") and the text."""

    text: str
    label: str | None = None
    muted: bool = False  # shown grey: "not given", "withheld"


@dataclass(frozen=True)
class RenderedField:
    """One field of one entry: its label and its value as parts (never empty)."""

    key: str  # "victims/2/names": section, entry number (repeatable sections), field
    label: str
    parts: tuple[ValuePart, ...]

    @property
    def empty(self) -> bool:
        return all(p.muted for p in self.parts)

    def text(self, separator: str = "\n") -> str:
        """The value as plain text: "Latin: Tursun" per labelled part, joined by ``separator``."""
        return separator.join(f"{p.label}: {p.text}" if p.label else p.text for p in self.parts)


@dataclass(frozen=True)
class RenderedGroup:
    """The fields of one entry of a section; ``heading`` numbers repeated entries."""

    heading: str  # "" for a section that is not repeatable
    fields: tuple[RenderedField, ...]


@dataclass(frozen=True)
class RenderedSection:
    id: str
    label: str
    groups: tuple[RenderedGroup, ...]


# ---- values ----------------------------------------------------------------------------------


def _date_range(value: str, lang: str) -> str:
    try:
        span = parse_date_range(value)
    except DateFormatError:
        return value
    if span.start and span.end:
        return tr("{start} to {end}", lang=lang, start=str(span.start), end=str(span.end))
    if span.start:
        return tr("since {start}", lang=lang, start=str(span.start))
    return tr("until {end}", lang=lang, end=str(span.end))


def _choice(form: FormDefinition, fdef: FieldDef, code: object, lang: str) -> str:
    return form.choice_label(fdef.vocabulary or "", str(code), lang)


def _strings(value: object) -> Iterator[str]:
    """Every non-empty string or number in ``value``, however nested (for odd shapes)."""
    if isinstance(value, bool):
        return
    if isinstance(value, str | int | float):
        if str(value).strip():
            yield str(value)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _names(form: FormDefinition, value: Mapping[str, Any], lang: str) -> list[ValuePart]:
    parts = [
        ValuePart(value[script], form.part_label(script, lang))
        for script in NAME_SCRIPTS
        if isinstance(value.get(script), str) and value[script].strip()
    ]
    aliases = [a for a in value.get("aliases") or [] if isinstance(a, str) and a.strip()]
    if aliases:
        parts.append(ValuePart("\n".join(aliases), form.part_label("aliases", lang)))
    return parts


def _hometown(form: FormDefinition, value: Mapping[str, Any], lang: str) -> list[ValuePart]:
    parts: list[ValuePart] = []
    for level in HOMETOWN_LEVELS:
        names = value.get(level)
        if not isinstance(names, Mapping):
            continue
        spelled = [names[k] for k in ("local", "zh") if isinstance(names.get(k), str)]
        spelled = [s for s in spelled if s.strip()]
        if spelled:
            parts.append(ValuePart("\n".join(spelled), form.part_label(level, lang)))
    return parts


def value_parts(
    form: FormDefinition, fdef: FieldDef, value: Any, lang: str | None = None
) -> list[ValuePart]:
    """What the reader sees for ``value`` of ``fdef``, labels in ``lang``; never empty (an
    absent value is one muted "—")."""
    lang = lang or current_language()
    parts: list[ValuePart] = []
    kind = fdef.type
    if value is None or value == "" or value == [] or value == {}:
        parts = []
    elif isinstance(value, bool):
        parts = [ValuePart(tr("Yes", lang=lang) if value else tr("No", lang=lang))]
    elif kind == "choice" and isinstance(value, str):
        parts = [ValuePart(_choice(form, fdef, value, lang))]
    elif kind == "multichoice" and isinstance(value, list):
        parts = [ValuePart(", ".join(_choice(form, fdef, v, lang) for v in value))]
    elif kind == "date_range" and isinstance(value, str):
        parts = [ValuePart(_date_range(value, lang))]
    elif kind == "names" and isinstance(value, Mapping):
        parts = _names(form, value, lang)
    elif kind == "hometown" and isinstance(value, Mapping):
        parts = _hometown(form, value, lang)
    elif kind == "list" and isinstance(value, list):
        parts = [ValuePart("\n".join(f"• {item}" for item in _strings(value)))]
    elif isinstance(value, str):
        parts = [ValuePart(value)]
    else:  # a value of the wrong shape (validated content never has one): its words only
        parts = [ValuePart(", ".join(_strings(value)))]
    parts = [p for p in parts if p.text.strip()]
    return parts or [ValuePart(EMPTY, muted=True)]


# Which spelling of a name a reader of each language reads first.
_SCRIPT_ORDER = {
    "ug": ("arabic", "latin", "cyrillic", "chinese"),
    "kk": ("cyrillic", "latin", "arabic", "chinese"),
    "ru": ("cyrillic", "latin", "arabic", "chinese"),
    "zh": ("chinese", "latin", "cyrillic", "arabic"),
}


def display_name(names: object, lang: str | None = None) -> str:
    """The spelling of a names value in the reader's script when there is one (Arabic script
    for Uyghur, Cyrillic for Kazakh and Russian, Chinese for Chinese), else Latin, else any."""
    if not isinstance(names, Mapping):
        return ""
    order = _SCRIPT_ORDER.get(lang or current_language(), NAME_SCRIPTS)
    for script in order:
        value = names.get(script)
        if isinstance(value, str) and value.strip():
            return value.strip()
    aliases = names.get("aliases")
    if isinstance(aliases, list) and aliases and isinstance(aliases[0], str):
        return aliases[0]
    return ""


def item_heading(section: SectionDef, number: int, total: int, lang: str | None = None) -> str:
    """ "Victim 1 of 2" (just "Victim" when there is one) with the form's item label."""
    item = section.item_label_in(lang)
    if total <= 1:
        return item
    return tr(
        "{item} {number} of {total}",
        lang=lang,
        item=item,
        number=format_number(number, lang),
        total=format_number(total, lang),
    )


# ---- a whole testimony -------------------------------------------------------------------------


def _entries(section: SectionDef, value: object) -> list[Mapping[str, Any]]:
    if isinstance(value, list):
        return [v if isinstance(v, Mapping) else {} for v in value]
    if isinstance(value, Mapping):
        return [value]
    return []


def render_section(
    form: FormDefinition,
    section: SectionDef,
    value: object,
    lang: str | None = None,
    *,
    include_empty: bool = False,
) -> RenderedSection:
    """One section of a testimony; ``include_empty`` keeps fields without a value ("—")."""
    lang = lang or current_language()
    entries = _entries(section, value)
    groups: list[RenderedGroup] = []
    for number, entry in enumerate(entries, start=1):
        heading = item_heading(section, number, len(entries), lang) if section.repeatable else ""
        prefix = f"{section.id}/{number}" if section.repeatable else section.id
        fields = []
        for fdef in section.fields:
            parts = value_parts(form, fdef, entry.get(fdef.id), lang)
            shown = RenderedField(f"{prefix}/{fdef.id}", fdef.label_in(lang), tuple(parts))
            if include_empty or not shown.empty:
                fields.append(shown)
        groups.append(RenderedGroup(heading, tuple(fields)))
    return RenderedSection(section.id, section.label_in(lang), tuple(groups))


def render_content(
    form: FormDefinition,
    content: Mapping[str, Any],
    lang: str | None = None,
    *,
    include_empty: bool = False,
) -> list[RenderedSection]:
    """Every section of ``content`` in the form's order, labels and values in ``lang``."""
    return [
        render_section(form, s, content.get(s.id), lang, include_empty=include_empty)
        for s in form.sections
    ]


def content_lines(sections: list[RenderedSection]) -> list[str]:
    """Plain text for a terminal: a heading per section and entry, "Label: value" lines, the
    parts of a compound value indented below its label."""
    lines: list[str] = []
    for section in sections:
        for group in section.groups:
            if not group.fields:
                continue
            lines.append(f"== {section.label}" + (f" · {group.heading}" if group.heading else ""))
            for shown in group.fields:
                if len(shown.parts) == 1 and not shown.parts[0].label:
                    value = shown.parts[0].text.split("\n")
                    lines.append(f"{shown.label}: {value[0]}")
                    lines += [f"    {more}" for more in value[1:]]
                    continue
                lines.append(f"{shown.label}:")
                for part in shown.parts:
                    texts = part.text.split("\n")
                    head = f"{part.label}: " if part.label else ""
                    lines.append(f"    {head}{texts[0]}")
                    lines += [f"    {' ' * len(head)}{more}" for more in texts[1:]]
    return lines


# ---- versions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between two versions, as readers see it."""

    key: str
    label: str  # "Victims · Victim 2 of 2 · Names"
    before: str  # "" when the field had no value
    after: str


def _rendered_fields(
    form: FormDefinition, content: Mapping[str, Any], lang: str
) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for section in render_content(form, content, lang, include_empty=True):
        for group in section.groups:
            where = " · ".join(w for w in (section.label, group.heading) if w)
            for shown in group.fields:
                text = "" if shown.empty else shown.text()
                found[shown.key] = (f"{where} · {shown.label}", text)
    return found


def changed_fields(
    form: FormDefinition,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    lang: str | None = None,
) -> list[FieldChange]:
    """Fields added, removed or changed from ``before`` to ``after``, in the form's order."""
    lang = lang or current_language()
    old = _rendered_fields(form, before, lang)
    new = _rendered_fields(form, after, lang)
    keys = list(new) + [k for k in old if k not in new]
    changes = []
    for key in keys:
        was, now = old.get(key, ("", "")), new.get(key, ("", ""))
        if was[1] != now[1]:
            changes.append(FieldChange(key, now[0] or was[0], was[1], now[1]))
    return changes


# ---- sizes -------------------------------------------------------------------------------------


def size_text(size: int, lang: str | None = None) -> str:
    """ "1.2 MB (1,234,567 bytes)" with the language's digits and separators."""
    lang = lang or current_language()
    exact = ntr("{n} byte", "{n} bytes", size, lang=lang)
    if size < 1000:
        return exact
    value, unit = float(size), "B"
    for next_unit in ("kB", "MB", "GB", "TB"):
        if value < 1000:
            break
        value, unit = value / 1000, next_unit
    from babel.numbers import format_decimal

    short = format_decimal(round(value, 1), format="#,##0.0", locale=lang)
    return f"{short} {unit} ({exact})"
