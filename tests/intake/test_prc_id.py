"""PRC ID numbers: check-digit vectors, embedded birth date, province codes, cross-checks."""

from __future__ import annotations

from datetime import date

import pytest

from intake.forms.prc_id import (
    WEIGHTS,
    check_character,
    check_prc_id,
    is_valid_prc_id,
    make_prc_id,
    normalize_prc_id,
    parse_prc_id,
)

# The two worked examples printed in GB 11643-1999 itself, and fictional Xinjiang numbers
# whose check characters were computed by hand with the MOD 11-2 table (sum mod 11 -> char).
VALID = [
    "11010519491231002X",  # GB 11643 example: check character X
    "440524188001010014",  # GB 11643 example: born 1880
    "650102197804152036",
    "654021196511020614",
    "653101199001301128",
    "650104200102280073",
    "654002195807093149",
]


def test_weights_are_powers_of_two_mod_11() -> None:
    assert WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@pytest.mark.parametrize("number", VALID)
def test_valid_vectors(number: str) -> None:
    assert check_prc_id(number) == []
    assert check_character(number[:17]) == number[17]


def test_hand_computed_check_character() -> None:
    # 65010219780415203: 6*7+5*9+0*10+1*5+0*8+2*4+1*2+9*1+7*6+8*3+0*7+4*9+1*10+5*5+2*8+0*4+3*2
    # = 42+45+0+5+0+8+2+9+42+24+0+36+10+25+16+0+6 = 270; 270 mod 11 = 6 -> "6".
    assert check_character("65010219780415203") == "6"


def test_every_single_digit_change_breaks_the_checksum() -> None:
    number = "650102197804152036"
    for i in range(17):
        for d in "0123456789":
            if d == number[i]:
                continue
            changed = number[:i] + d + number[i + 1 :]
            codes = {f.code for f in check_prc_id(changed)}
            assert "checksum" in codes, changed


def test_adjacent_transposition_is_detected() -> None:
    number = "650102197804152036"
    swapped = number[:8] + number[9] + number[8] + number[10:]  # 1978 -> 1987
    assert "checksum" in {f.code for f in check_prc_id(swapped)}


def test_normalization_accepts_spaces_dashes_lowercase_x_and_full_width() -> None:
    assert normalize_prc_id(" 110105 1949-1231 002x ") == "11010519491231002X"
    assert normalize_prc_id("６５０１０２１９７８０４１５２０３６") == "650102197804152036"
    assert is_valid_prc_id("110105 19491231 002x")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("65010219780415203", "length"),
        ("6501021978041520366", "length"),
        ("65010219780415203A", "length"),
        ("65010219780415203X0", "length"),
        ("650102780415203", "old_15_digit"),
        ("", "length"),
    ],
)
def test_shape_errors(text: str, code: str) -> None:
    assert [(f.code, f.severity) for f in check_prc_id(text)] == [(code, "error")]


def test_impossible_embedded_date_is_an_error() -> None:
    first17 = "65010219780230203"  # 30 February
    number = first17 + check_character(first17)
    assert [(f.code, f.severity) for f in check_prc_id(number)] == [("birth_date", "error")]
    first17 = "65010218500101203"  # before 1880
    assert "birth_date" in {f.code for f in check_prc_id(first17 + check_character(first17))}


def test_unknown_province_is_an_error() -> None:
    number = make_prc_id("990102", date(1978, 4, 15), "203")
    assert [(f.code, f.severity) for f in check_prc_id(number)] == [("province", "error")]
    number = make_prc_id("000102", date(1978, 4, 15), "203")
    assert {f.code for f in check_prc_id(number)} == {"province"}


def test_birth_date_mismatch_is_a_warning() -> None:
    number = "650102197804152036"  # 1978-04-15
    assert check_prc_id(number, birth_year=1978) == []
    assert check_prc_id(number, birth_year=1978, birth_month=4, birth_day=15) == []
    found = check_prc_id(number, birth_year=1979)
    assert [(f.code, f.severity) for f in found] == [("birth_date_mismatch", "warning")]
    found = check_prc_id(number, birth_year=1978, birth_month=5)
    assert [f.code for f in found] == ["birth_date_mismatch"]


def test_gender_mismatch_is_a_warning() -> None:
    man = "650102197804152036"  # sequence 203: odd -> male
    woman = "653101199001301128"  # sequence 112: even -> female
    assert check_prc_id(man, gender="male") == []
    assert check_prc_id(woman, gender="female") == []
    assert check_prc_id(man, gender="unknown") == []
    found = check_prc_id(man, gender="female")
    assert [(f.code, f.severity) for f in found] == [("gender_mismatch", "warning")]


def test_parse_gives_the_parts() -> None:
    info = parse_prc_id("654021196511020614")
    assert info.province == "65"
    assert info.region_code == "654021"
    assert info.birth_date == date(1965, 11, 2)
    assert info.sequence == "061"
    assert info.gender == "male"
    with pytest.raises(ValueError, match="not a valid"):
        parse_prc_id("654021196511020615")


def test_check_character_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="17 ASCII digits"):
        check_character("6501021978041520")
    with pytest.raises(ValueError, match="17 ASCII digits"):
        check_character("６５０１０２１９７８０４１５２０３")
