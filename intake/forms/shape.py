"""Fast acceptance of a testimony's shape, so well-formed content skips the full validator.

``validate_content(..., shape_only=True)`` runs for every draft save and every imported
record; nearly always it finds nothing, yet it builds a path and a label for each value on
the way. ``shape_fits`` walks the content once with the same rules (types, known keys, string
lengths, single lines, control characters, list lengths, total size; intake/forms/validation.py)
and only says yes or no: True means the shape-only validation would find no problem at all.
False means "ask the validator", which then words every problem; ``shape_fits`` may also say
False for content the validator accepts (e.g. an empty alias, too few victims), never the
reverse, and a property test compares the two.
"""

from __future__ import annotations

import re
from typing import Any

from intake.forms.definitions import (
    HOMETOWN_LEVELS,
    HOMETOWN_NAMES,
    NAME_SCRIPTS,
    FieldDef,
    FormDefinition,
)

MAX_CONTENT_CHARS = 2_000_000  # all strings of one testimony together
# Characters of Unicode category Cc (C0 and C1 controls, fixed by Unicode's stability policy)
# or Cs (surrogates); a multi-line text may hold line breaks and tabs.
BAD_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
BAD_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

_Fields = dict[str, tuple[FieldDef, ...]]
_Plan = tuple[frozenset[str], tuple[_Fields, ...]]
_plans: dict[int, tuple[FormDefinition, _Plan]] = {}  # by id(form): forms are not hashable
_SINGLE_LINE_LIMIT = 40  # dates and PRC ID numbers (as intake/forms/validation.py checks them)
_LONG_STRINGS = frozenset({"text", "multiline"})
_SHORT_STRINGS = frozenset({"date", "date_range", "prc_id"})


def _fields(form: FormDefinition) -> _Plan:
    """The section ids, and per section (in form order) its field definitions by id."""
    known = _plans.get(id(form))
    if known is not None and known[0] is form:
        return known[1]
    per_section = []
    for section in form.sections:
        fields: dict[str, list[FieldDef]] = {}
        for fdef in section.fields:
            fields.setdefault(fdef.id, []).append(fdef)
        per_section.append({k: tuple(v) for k, v in fields.items()})
    plan = frozenset(s.id for s in form.sections), tuple(per_section)
    if len(_plans) >= 64:  # built-in forms are few; forms made in tests come and go
        _plans.clear()
    _plans[id(form)] = (form, plan)
    return plan


class _Walk:
    __slots__ = ("chars",)

    def __init__(self) -> None:
        self.chars = 0

    def string(self, value: object, limit: int, multiline: bool = False) -> bool:
        if type(value) is not str or len(value) > limit:
            return False
        self.chars += len(value)
        return not (BAD_MULTILINE if multiline else BAD_LINE).search(value)

    def strings(self, value: object, max_items: int, limit: int) -> bool:
        if type(value) is not list or len(value) > max_items:
            return False
        return all(type(s) is str and s.strip() and self.string(s, limit) for s in value)

    def value(self, fdef: FieldDef, value: Any) -> bool:
        kind = fdef.type
        if kind in _LONG_STRINGS:
            return self.string(value, fdef.max_length, kind == "multiline")
        if kind in _SHORT_STRINGS:
            return self.string(value, _SINGLE_LINE_LIMIT)
        if kind == "choice":
            return not isinstance(value, list)
        if kind == "multichoice":
            return isinstance(value, list) and len(value) <= max(fdef.max_items, 1)
        if kind == "boolean":
            return isinstance(value, bool)
        if kind == "list":
            return self.strings(value, fdef.max_items, fdef.max_length)
        if kind == "names":
            return type(value) is dict and all(
                self.strings(part, fdef.max_items, fdef.max_length)
                if key == "aliases"
                else key in NAME_SCRIPTS and self.string(part, fdef.max_length)
                for key, part in value.items()
            )
        if kind == "hometown":
            return type(value) is dict and all(
                level in HOMETOWN_LEVELS
                and type(names) is dict
                and all(
                    key in HOMETOWN_NAMES and self.string(name, fdef.max_length)
                    for key, name in names.items()
                )
                for level, names in value.items()
            )
        return False  # a field type this walk does not know: the validator decides

    def entry(self, fields: _Fields, entry: object) -> bool:
        if type(entry) is not dict:
            return False
        for key, value in entry.items():
            fdefs = fields.get(key)
            if fdefs is None:
                return False
            # Blank values count as absent (intake/forms/validation.py skips them unchecked).
            if value is None or value == "" or value == [] or value == {}:
                continue
            if type(value) is str and not value.strip():
                continue
            for fdef in fdefs:
                if not self.value(fdef, value):
                    return False
        return True


def shape_fits(form: FormDefinition, content: object) -> bool:
    """True only when ``validate_content(form, content, shape_only=True)`` returns no
    problem; False when it might (then the validator says which)."""
    if type(content) is not dict:
        return False
    known, per_section = _fields(form)
    if not known.issuperset(content):
        return False
    walk = _Walk()
    for section, fields in zip(form.sections, per_section, strict=True):
        value = content.get(section.id)
        if section.repeatable:
            items = [] if value is None else value
            if type(items) is not list or not section.min <= len(items) <= section.max:
                return False
        elif value is None:
            continue
        else:
            items = [value]
        for item in items:
            if not walk.entry(fields, item):
                return False
    return walk.chars <= MAX_CONTENT_CHARS
