"""Fuzzy dates and date ranges as testimonies state them.

A relative rarely knows an exact day: "taken in spring 2018", "born 1965". A fuzzy date is a
year, a year and month, or a full date, written ``2018``, ``2018-03`` or ``2018-03-05`` (ISO 8601
calendar dates with reduced precision, zero-padded). A range is two fuzzy dates separated by
``..`` with either side empty when unknown: ``2018-01 .. 2018-03``, ``2018-04 ..``, ``.. 2019``.
The stored form always has one space on each side of ``..`` (``normalize_date_range``); a
missing side keeps its space so the text stays readable (``"2018-04 .. "`` is stored as
``"2018-04 .."``). Parsing is strict and raises ``DateFormatError`` with a machine code.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from intake.forms.errors import DateFormatError

MIN_YEAR = 1880  # the oldest birth year a testimony could plausibly state
MAX_YEAR = 2100

_FUZZY = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_RANGE = re.compile(r"\s*(\S*)\s*\.\.\s*(\S*)\s*")


@dataclass(frozen=True)
class FuzzyDate:
    """A date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    def earliest(self) -> date:
        """The first day this date could mean."""
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        """The last day this date could mean."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return date(self.year, month, day)

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True)
class DateRange:
    """From ``start`` to ``end``; ``None`` is an unknown (open) side, never both."""

    start: FuzzyDate | None
    end: FuzzyDate | None

    def __str__(self) -> str:
        left = f"{self.start} " if self.start else ""
        right = f" {self.end}" if self.end else ""
        return f"{left}..{right}"


def parse_fuzzy_date(text: str) -> FuzzyDate:
    """``"2018"``, ``"2018-03"`` or ``"2018-03-05"`` (surrounding spaces ignored)."""
    match = _FUZZY.fullmatch(text.strip())
    if match is None or not match.group(0).isascii():
        raise DateFormatError("format")
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if month is not None and not 1 <= month <= 12:
        raise DateFormatError("format")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateFormatError("year_range")
    if month is not None and day is not None:
        try:
            date(year, month, day)
        except ValueError:
            raise DateFormatError("format") from None
    return FuzzyDate(year, month, day)


def parse_date_range(text: str) -> DateRange:
    """``"A .. B"`` where either side may be empty (not both) and A is not after B."""
    match = _RANGE.fullmatch(text)
    if match is None:
        raise DateFormatError("range_format")
    start = parse_fuzzy_date(match.group(1)) if match.group(1) else None
    end = parse_fuzzy_date(match.group(2)) if match.group(2) else None
    if start is None and end is None:
        raise DateFormatError("range_empty")
    if start is not None and end is not None and start.earliest() > end.latest():
        raise DateFormatError("range_order")
    return DateRange(start, end)


def normalize_date_range(text: str) -> str:
    """The stored spelling of a valid range; an invalid one is returned unchanged."""
    try:
        return str(parse_date_range(text))
    except DateFormatError:
        return text
