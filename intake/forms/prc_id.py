"""Checks for PRC resident identity card numbers (GB 11643-1999, 18 characters).

A second-generation Chinese ID number is six digits of administrative region (the first two are
the province: 65 is Xinjiang), eight digits of birth date YYYYMMDD, a three-digit sequence
number whose last digit is odd for men and even for women, and a check character computed with
ISO 7064 MOD 11-2 (0-9 or X). These functions are pure: they never store or log the number.
``check_prc_id`` returns findings as data (codes and severities) so the form validator can
phrase them in the volunteer's language; only the checksum and the embedded date are errors,
a disagreement with the birth date or gender entered elsewhere is a warning.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

# ISO 7064 MOD 11-2: weight of position i (0-based, left to right, 17 digits) is 2^(17-i) mod 11.
WEIGHTS: tuple[int, ...] = tuple(pow(2, 17 - i, 11) for i in range(17))
# Check character for (weighted sum mod 11) = 0..10; chosen so that the full sum is 1 mod 11.
CHECK_CHARS = "10X98765432"

# Province-level codes in use (GB/T 2260) plus 71 Taiwan, 81 Hong Kong, 82 Macau (residence
# permits since 2018 use 81/82/83) and 91 (foreigners' permanent residence cards since 2023).
PROVINCE_CODES: frozenset[str] = frozenset(
    [str(c) for c in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37)]
    + [str(c) for c in (41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65)]
    + ["71", "81", "82", "83", "91"]
)
XINJIANG = "65"

# The oldest plausible holder of a second-generation card; cards were issued from 2004.
EARLIEST_BIRTH_YEAR = 1880

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—]")
_SHAPE_18 = re.compile(r"\d{17}[\dX]")
_SHAPE_15 = re.compile(r"\d{15}")

Severity = Literal["error", "warning"]
FindingCode = Literal[
    "length",  # not 18 characters of the right kind
    "old_15_digit",  # a first-generation 15-digit number
    "province",  # the first two digits are not a province code
    "birth_date",  # the embedded birth date is not a real date
    "checksum",  # the check character does not match
    "birth_date_mismatch",  # embedded date disagrees with the entered birth date
    "gender_mismatch",  # sequence parity disagrees with the entered gender
]


@dataclass(frozen=True)
class Finding:
    """One thing wrong with an ID number. ``code`` is stable; messages are made by the caller."""

    code: FindingCode
    severity: Severity


@dataclass(frozen=True)
class PrcIdInfo:
    """What an 18-character ID number says about its holder."""

    number: str
    region_code: str
    birth_date: date
    sequence: str
    gender: Literal["female", "male"]

    @property
    def province(self) -> str:
        return self.region_code[:2]


def normalize_prc_id(text: str) -> str:
    """Canonical form: full-width digits made ASCII, spaces and dashes removed, x made X."""
    folded = unicodedata.normalize("NFKC", text)
    return _SEPARATORS.sub("", folded).upper()


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("expected 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def _embedded_date(number: str) -> date | None:
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return born if born.year >= EARLIEST_BIRTH_YEAR else None


def check_prc_id(
    text: str,
    *,
    birth_year: int | None = None,
    birth_month: int | None = None,
    birth_day: int | None = None,
    gender: str | None = None,
) -> list[Finding]:
    """Everything wrong with ``text`` as an ID number; an empty list means it is valid.

    The optional birth date parts (a fuzzy date: any may be None) and gender ("female"/"male";
    other values are ignored) are what the volunteer entered elsewhere; disagreement is a
    warning, because either side may be the mistake.
    """
    number = normalize_prc_id(text)
    if _SHAPE_15.fullmatch(number):
        return [Finding("old_15_digit", "error")]
    if not _SHAPE_18.fullmatch(number):
        return [Finding("length", "error")]
    findings: list[Finding] = []
    if number[:2] not in PROVINCE_CODES:
        findings.append(Finding("province", "error"))
    born = _embedded_date(number)
    if born is None:
        findings.append(Finding("birth_date", "error"))
    if check_character(number[:17]) != number[17]:
        findings.append(Finding("checksum", "error"))
    if born is not None and _disagrees(born, birth_year, birth_month, birth_day):
        findings.append(Finding("birth_date_mismatch", "warning"))
    if gender in ("female", "male") and _gender_of(number) != gender:
        findings.append(Finding("gender_mismatch", "warning"))
    return findings


def _disagrees(born: date, year: int | None, month: int | None, day: int | None) -> bool:
    return (
        (year is not None and year != born.year)
        or (month is not None and month != born.month)
        or (day is not None and day != born.day)
    )


def _gender_of(number: str) -> Literal["female", "male"]:
    return "male" if int(number[16]) % 2 else "female"


def is_valid_prc_id(text: str) -> bool:
    """True when ``text`` has no error-level finding (warnings need other fields)."""
    return not any(f.severity == "error" for f in check_prc_id(text))


def parse_prc_id(text: str) -> PrcIdInfo:
    """Split a valid ID number into its parts; raises ValueError when it is not valid."""
    if not is_valid_prc_id(text):
        raise ValueError("not a valid PRC ID number")
    number = normalize_prc_id(text)
    born = _embedded_date(number)
    assert born is not None  # guaranteed by is_valid_prc_id
    return PrcIdInfo(
        number=number,
        region_code=number[:6],
        birth_date=born,
        sequence=number[14:17],
        gender=_gender_of(number),
    )


def make_prc_id(region_code: str, born: date, sequence: str) -> str:
    """Build a number with a correct check character (for tests and fictional examples)."""
    first17 = f"{region_code}{born:%Y%m%d}{sequence}"
    return first17 + check_character(first17)
