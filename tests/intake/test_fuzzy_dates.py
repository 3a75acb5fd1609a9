"""Fuzzy dates and ranges: parsing, bounds, canonical spelling."""

from __future__ import annotations

from datetime import date

import pytest

from intake.forms.errors import DateFormatError
from intake.forms.fuzzy_dates import (
    DateRange,
    FuzzyDate,
    normalize_date_range,
    parse_date_range,
    parse_fuzzy_date,
)


def test_precision_and_bounds() -> None:
    assert parse_fuzzy_date("2018") == FuzzyDate(2018)
    assert parse_fuzzy_date(" 2018-03 ") == FuzzyDate(2018, 3)
    leap = parse_fuzzy_date("2016-02")
    assert (leap.earliest(), leap.latest()) == (date(2016, 2, 1), date(2016, 2, 29))
    year = parse_fuzzy_date("2018")
    assert (year.earliest(), year.latest()) == (date(2018, 1, 1), date(2018, 12, 31))
    day = parse_fuzzy_date("2018-03-05")
    assert day.earliest() == day.latest() == date(2018, 3, 5)
    assert [str(parse_fuzzy_date(s)) for s in ("2018", "2018-03", "2018-03-05")] == [
        "2018",
        "2018-03",
        "2018-03-05",
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("18", "format"),
        ("2018-3", "format"),
        ("2018/03", "format"),
        ("2018-00", "format"),
        ("2101", "year_range"),
        ("1879-12", "year_range"),
        ("２０１８", "format"),
    ],
)
def test_bad_dates(text: str, code: str) -> None:
    with pytest.raises(DateFormatError) as info:
        parse_fuzzy_date(text)
    assert info.value.code == code


def test_ranges() -> None:
    assert parse_date_range("2018-01 .. 2018-03") == DateRange(
        FuzzyDate(2018, 1), FuzzyDate(2018, 3)
    )
    assert parse_date_range("2018-04..") == DateRange(FuzzyDate(2018, 4), None)
    assert parse_date_range("..2019") == DateRange(None, FuzzyDate(2019))
    # Overlapping fuzzy ends are allowed: "March 2018 .. 5 March 2018" is not reversed.
    assert parse_date_range("2018-03 .. 2018-03-05").end == FuzzyDate(2018, 3, 5)
    for text, code in [
        ("..", "range_empty"),
        ("2019 .. 2018", "range_order"),
        ("2018", "range_format"),
    ]:
        with pytest.raises(DateFormatError) as info:
            parse_date_range(text)
        assert info.value.code == code


def test_normalized_spelling() -> None:
    assert normalize_date_range("2018-01..2018-03") == "2018-01 .. 2018-03"
    assert normalize_date_range("  2018-04  .. ") == "2018-04 .."
    assert normalize_date_range("..2019") == ".. 2019"
    assert normalize_date_range("nonsense") == "nonsense"
