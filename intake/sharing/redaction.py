"""Redaction of testimony content for a shareable PDF: what is left out, before anything is drawn.

A redacted PDF must not contain the withheld text at all (a black box drawn over text leaves
the text in the file), so redaction happens on the content, before layout: ``redact`` returns
a copy in which every field the form marks sensitive, and every name field when the consent
section does not say that names may be published, is replaced by ``WITHHELD``. Withheld names
also appear in free text ("her father Tursun…"), so each spelling of each withheld name, and
each word of it, is replaced in the remaining text by a marker; a word followed by a suffix
("Tursunning", "Турсуна") goes too. This errs on the side of removing too much. It cannot
catch a name spelled in a way that no name field records: the person exporting should read
the redacted copy before sharing it (the CLI help says so).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from intake.forms.definitions import NAME_PARTS, FieldDef, FormDefinition
from intake.pdf.fonts import Script, script_of


class Withheld:
    """Stands in place of a value that the redacted copy leaves out."""

    _instance: Withheld | None = None

    def __new__(cls) -> Withheld:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "WITHHELD"


WITHHELD = Withheld()

# Separators inside a written name: spaces, the middle dots of Chinese transcriptions of
# Uyghur and Kazakh names (吐尔逊·阿不力米提), hyphens, brackets, quotes and commas.
_NAME_SEPARATORS = re.compile(r"[\s\u00b7\u30fb\u2022.,;:()\[\]\"'/\u2010-\u2015-]+")
MIN_WORD = 2  # one-letter initials are not worth hunting (and would remove every "a")


def names_may_be_published(content: Mapping[str, Any]) -> bool:
    """True only when the consent section says so explicitly; anything else means no."""
    consent = content.get("consent")
    return isinstance(consent, Mapping) and consent.get("publish_names") is True


def _spellings(value: object) -> list[str]:
    """Every spelling and alias in a names value."""
    if not isinstance(value, Mapping):
        return []
    found: list[str] = []
    for part in NAME_PARTS:
        item = value.get(part)
        items = item if isinstance(item, list) else [item]
        found += [s for s in items if isinstance(s, str) and s.strip()]
    return found


def _is_han(word: str) -> bool:
    return all(script_of(c) in (Script.HAN, Script.COMMON) for c in word)


class NameScrubber:
    """Replaces every occurrence of some names (whole spellings and their words) in text."""

    def __init__(self, spellings: Iterable[str], marker: str) -> None:
        self.marker = marker
        words: set[str] = set()
        for spelling in spellings:
            spelling = unicodedata.normalize("NFC", spelling.strip())
            if spelling:
                words.add(spelling)
            words.update(w for w in _NAME_SEPARATORS.split(spelling) if len(w) >= MIN_WORD)
        patterns = [self._pattern(w) for w in sorted(words, key=len, reverse=True)]
        self._regex = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None

    @staticmethod
    def _pattern(word: str) -> str:
        escaped = re.escape(word)
        if _is_han(word):
            return escaped  # Chinese has no spaces between words: match anywhere
        # At the start of a word; the rest of the word (a grammatical suffix) goes with it.
        return rf"(?<!\w){escaped}\w*"

    def __call__(self, text: str) -> str:
        if self._regex is None:
            return text
        return self._regex.sub(self.marker, unicodedata.normalize("NFC", text))

    @property
    def active(self) -> bool:
        return self._regex is not None


@dataclass(frozen=True)
class Redaction:
    """Redacted content, and the scrubber that also cleans other text (file names)."""

    content: dict[str, Any]
    scrub: NameScrubber
    withheld: int  # number of field values left out
    names_published: bool


def _withhold(fdef: FieldDef, names_published: bool) -> bool:
    return fdef.sensitive or (fdef.type == "names" and not names_published)


def _entries(form: FormDefinition, content: Mapping[str, Any]) -> Iterable[tuple[Any, Any]]:
    """(section, entry dict) for every entry of every section present in ``content``."""
    for section in form.sections:
        value = content.get(section.id)
        entries = value if isinstance(value, list) else [value]
        for entry in entries:
            if isinstance(entry, Mapping):
                yield section, entry


def _clean(fdef: FieldDef, value: Any, scrub: NameScrubber) -> Any:
    if fdef.type in ("text", "multiline") and isinstance(value, str):
        return scrub(value)
    if fdef.type == "list" and isinstance(value, list):
        return [scrub(v) if isinstance(v, str) else v for v in value]
    if fdef.type == "hometown" and isinstance(value, Mapping):
        return {
            level: {k: scrub(v) if isinstance(v, str) else v for k, v in names.items()}
            if isinstance(names, Mapping)
            else names
            for level, names in value.items()
        }
    return value  # names (published), dates, codes, ID numbers: nothing to scrub


def redact(form: FormDefinition, content: Mapping[str, Any], marker: str) -> Redaction:
    """A copy of ``content`` with sensitive values and unconsented names left out."""
    published = names_may_be_published(content)
    spellings: list[str] = []
    for section, entry in _entries(form, content):
        for fdef in section.fields:
            if fdef.type == "names" and _withhold(fdef, published):
                spellings += _spellings(entry.get(fdef.id))
    scrub = NameScrubber(spellings, marker)
    withheld = 0

    def entry_copy(section: Any, entry: Mapping[str, Any]) -> dict[str, Any]:
        nonlocal withheld
        result: dict[str, Any] = {}
        for fdef in section.fields:
            if fdef.id not in entry:
                continue
            if _withhold(fdef, published):
                result[fdef.id] = WITHHELD
                withheld += 1
            else:
                result[fdef.id] = _clean(fdef, entry[fdef.id], scrub)
        return result  # keys the form does not define are dropped: their status is unknown

    redacted: dict[str, Any] = {}
    for section in form.sections:
        value = content.get(section.id)
        if isinstance(value, list):
            redacted[section.id] = [entry_copy(section, e) for e in value if isinstance(e, Mapping)]
        elif isinstance(value, Mapping):
            redacted[section.id] = entry_copy(section, value)
    return Redaction(redacted, scrub, withheld, published)
