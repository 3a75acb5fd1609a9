"""What of a testimony may be shared, and how it becomes CSV columns.

``shared_content`` applies the consent and the form's sensitive marks to one testimony's
content: fields marked ``sensitive`` (testifier contact, PRC ID numbers, health, interviewer
notes…) are left out unless sensitive data is explicitly included; when the testimony's consent
says names may not be published (``consent.publish_names`` is not ``true``, including when it
is missing), every ``names`` field and the narrative are left out unless unconsented names are
explicitly included. The narrative goes with the names because it is free text that names
people, often relatives no name field records. In the other free-text fields each spelling of
each withheld name (and each of its words, with any suffix) is replaced by ``[name withheld]``
by the same scrubber as the redacted PDF (intake/sharing/redaction.py); it cannot catch a name
that no name field spells, so those fields should still be read before sharing. The consent
section itself is always kept, so the recipient sees what was agreed.

``csv_columns`` derives one fixed header from the form definition (so every row has the same
columns) and ``csv_rows`` flattens one filtered testimony into one row per victim. The format
is documented in docs/sharing-format.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from intake.forms.definitions import (
    HOMETOWN_LEVELS,
    HOMETOWN_NAMES,
    NAME_PARTS,
    FieldDef,
    FormDefinition,
)
from intake.sharing.redaction import NameScrubber, names_may_be_published

CONSENT_SECTION = "consent"
NARRATIVE_FIELDS = frozenset({("narrative", "text")})  # free text that names people
VICTIMS_SECTION = "victims"
NAME_MARKER = "[name withheld]"  # fixed: a data file does not change with the interface language
SCRUBBED_TYPES = frozenset({"text", "multiline", "list"})
LIST_SEPARATOR = "; "
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # spreadsheet programs run these as formulas
META_COLUMNS = (
    "testimony_id",
    "testimony_version",
    "testimony_hash",
    "finalized",
    "victim_position",
    "names_withheld",
    "review_level",  # the coordinator's verification level (intake/review/store.py)
    "review_date",
    "victim_references",  # this victim's external references, "SOURCE:ENTRY" joined by "; "
)


@dataclass(frozen=True)
class ShareOptions:
    """What the caller explicitly chose to include beyond the safe default."""

    include_sensitive: bool = False
    include_unconsented_names: bool = False
    partner: str | None = None  # only testimonies whose consent lists this partner

    def includes_anything_risky(self) -> bool:
        return self.include_sensitive or self.include_unconsented_names


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def partner_consented(content: Mapping[str, Any], partner: str) -> bool:
    """True when ``consent.share_with`` lists ``partner`` (case and spacing ignored)."""
    consent = content.get(CONSENT_SECTION)
    listed = consent.get("share_with") if isinstance(consent, dict) else None
    if not isinstance(listed, list):
        return False
    wanted = _fold(partner)
    return any(isinstance(p, str) and _fold(p) == wanted for p in listed)


def withheld_fields(form: FormDefinition, options: ShareOptions) -> list[str]:
    """Paths (``section.field``) of the sensitive fields an export leaves out in every record."""
    if options.include_sensitive:
        return []
    return [f"{s.id}.{f.id}" for s in form.sections for f in s.fields if f.sensitive]


def _drop(section_id: str, fdef: FieldDef, options: ShareOptions, names_ok: bool) -> bool:
    if section_id == CONSENT_SECTION:
        return False
    if fdef.sensitive and not options.include_sensitive:
        return True
    if names_ok or options.include_unconsented_names:
        return False
    return fdef.type == "names" or (section_id, fdef.id) in NARRATIVE_FIELDS


def _scrubbed(fdef: FieldDef, value: object, scrub: NameScrubber) -> object:
    if fdef.type not in SCRUBBED_TYPES:
        return value
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [scrub(v) if isinstance(v, str) else v for v in value]
    return value


def _filter_entry(
    section_id: str,
    entry: object,
    form: FormDefinition,
    options: ShareOptions,
    names_ok: bool,
    scrub: NameScrubber | None,
) -> object:
    if not isinstance(entry, dict):
        return entry
    section = form.section(section_id)
    kept: dict[str, Any] = {}
    for key, value in entry.items():
        fdef = section.field(key) if section is not None else None
        if fdef is None:  # not in the form: nothing says it is safe to share
            continue
        if _drop(section_id, fdef, options, names_ok):
            continue
        if scrub is not None and section_id != CONSENT_SECTION:
            value = _scrubbed(fdef, value, scrub)
        kept[key] = value
    return kept


def _withheld_spellings(form: FormDefinition, content: Mapping[str, Any]) -> list[str]:
    spellings: list[str] = []
    for section in form.sections:
        value = content.get(section.id)
        for entry in value if isinstance(value, list) else [value]:
            if not isinstance(entry, dict):
                continue
            for fdef in section.fields:
                names = entry.get(fdef.id)
                if fdef.type != "names" or not isinstance(names, dict):
                    continue
                for part in NAME_PARTS:
                    item = names.get(part)
                    items = item if isinstance(item, list) else [item]
                    spellings += [s for s in items if isinstance(s, str) and s.strip()]
    return spellings


def shared_content(
    form: FormDefinition, content: Mapping[str, Any], options: ShareOptions
) -> tuple[dict[str, Any], bool]:
    """(content filtered for sharing, whether names were withheld). Sections and fields the
    form does not define are dropped: only what the form marks as public is shared."""
    names_ok = names_may_be_published(content)
    withheld = not names_ok and not options.include_unconsented_names
    scrub = NameScrubber(_withheld_spellings(form, content), NAME_MARKER) if withheld else None
    result: dict[str, Any] = {}
    for section in form.sections:
        if section.id not in content:
            continue
        value = content[section.id]
        if section.repeatable and isinstance(value, list):
            result[section.id] = [
                _filter_entry(section.id, v, form, options, names_ok, scrub) for v in value
            ]
        else:
            result[section.id] = _filter_entry(section.id, value, form, options, names_ok, scrub)
    return result, withheld


# ---- CSV -------------------------------------------------------------------------------------


def _field_columns(section_id: str, fdef: FieldDef) -> list[tuple[str, str, str, str]]:
    """(column name, field id, part, sub-part) for one field; compound fields get one column
    per script or per hometown level and name."""
    base = f"{section_id}.{fdef.id}"
    if fdef.type == "names":
        return [(f"{base}.{part}", fdef.id, part, "") for part in NAME_PARTS]
    if fdef.type == "hometown":
        return [
            (f"{base}.{level}.{kind}", fdef.id, level, kind)
            for level in HOMETOWN_LEVELS
            for kind in HOMETOWN_NAMES
        ]
    return [(base, fdef.id, "", "")]


@dataclass(frozen=True)
class CsvColumn:
    name: str
    section: str
    field: str
    part: str
    subpart: str


def csv_columns(form: FormDefinition, options: ShareOptions) -> list[CsvColumn]:
    """The header: metadata, then the victim's fields, then the testimony's other sections.

    Sensitive columns appear only when sensitive data is included; name columns are always
    there (empty, with ``names_withheld`` = true, in rows whose consent withholds names)."""
    columns = [CsvColumn(name, "", "", "", "") for name in META_COLUMNS]
    ordered = sorted(form.sections, key=lambda s: s.id != VICTIMS_SECTION)
    for section in ordered:
        if section.repeatable and section.id != VICTIMS_SECTION:
            continue  # other repeatable sections would need rows of their own: JSON has them
        for fdef in section.fields:
            if fdef.sensitive and not options.include_sensitive:
                continue
            for name, field_id, part, subpart in _field_columns(section.id, fdef):
                columns.append(CsvColumn(name, section.id, field_id, part, subpart))
    return columns


def cell(value: object) -> str:
    """One CSV cell: lists joined with "; ", booleans as true/false, a formula guard."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        text = LIST_SEPARATOR.join(cell(v) for v in value)
    elif isinstance(value, dict):
        text = LIST_SEPARATOR.join(f"{k}: {cell(v)}" for k, v in value.items())
    else:
        text = str(value)
    if text.startswith(FORMULA_START):
        text = "'" + text  # shown as text by spreadsheet programs, never run
    return text


def _value(entry: object, column: CsvColumn) -> object:
    if not isinstance(entry, dict):
        return None
    value = entry.get(column.field)
    if column.part and isinstance(value, dict):
        value = value.get(column.part)
        if column.subpart and isinstance(value, dict):
            value = value.get(column.subpart)
        elif column.subpart:
            value = None
    elif column.part:
        value = None
    return value


def csv_rows(
    columns: list[CsvColumn], meta: Mapping[str, object], content: Mapping[str, Any]
) -> Iterator[list[str]]:
    """One row per victim of a filtered testimony (one row with empty victim columns when it
    names no victim). ``meta`` fills META_COLUMNS except ``victim_position``;
    ``meta["victim_references"]`` maps a victim's position to its list of references."""
    victims = content.get(VICTIMS_SECTION)
    entries: list[object] = list(victims) if isinstance(victims, list) and victims else [None]
    for position, victim in enumerate(entries, start=1):
        row: list[str] = []
        for column in columns:
            if not column.section and column.name == "victim_references":
                references = meta.get(column.name)
                found = references.get(position) if isinstance(references, Mapping) else None
                row.append(cell(found if victim else None))
            elif not column.section:
                value = position if column.name == "victim_position" and victim else None
                row.append(cell(meta.get(column.name, value)))
            elif column.section == VICTIMS_SECTION:
                row.append(cell(_value(victim, column)))
            else:
                row.append(cell(_value(content.get(column.section), column)))
        yield row
