"""Names across scripts: transliteration tables, search keys, cross-script similarity."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.names import tables as t
from intake.names.keys import (
    chinese_to_pinyin,
    chinese_to_uyghur_latin,
    cyrillic_to_icao,
    fold_ascii,
    kazakh_cyrillic_to_latin,
    kazakh_latin_to_cyrillic,
    loose_key,
    name_keys,
    name_similarity,
    russian_to_latin,
    search_keys,
    uly_to_uyghur_arabic,
    uyghur_arabic_to_uly,
)
from intake.names.scripts import scripts_in

# --- the required cross-script matches ------------------------------------------------------


def test_tursun_finds_arabic_and_cyrillic_spellings() -> None:
    query = search_keys("Tursun")
    assert query & search_keys("تۇرسۇن")
    assert query & search_keys("Турсун")
    assert name_similarity("Tursun", "تۇرسۇن") == 1.0
    assert name_similarity("Tursun", "Турсун") == 1.0


def test_pinyin_finds_chinese_spelling() -> None:
    assert "tuerxun" in search_keys("吐尔逊")
    assert name_similarity("tuerxun", "吐尔逊") == 1.0
    assert "tuerxun maimaiti" in search_keys("吐尔逊·买买提")


def test_chinese_transcription_is_brought_close_to_the_uyghur_name() -> None:
    # A plain pinyin comparison would be poor (tuerxun vs tursun: 0.77), so pinyin typed in
    # Latin is read like its characters too.
    assert name_similarity("tuerxun", "Tursun") == 1.0
    assert "tursun" in search_keys("吐尔逊")  # the Uyghur reading is a (loose) key
    assert name_similarity("Tursun", "吐尔逊") >= 0.9
    assert name_similarity("Tursun Memet", "吐尔逊·买买提") >= 0.9
    assert name_similarity("Gulnar Memet", "古丽娜尔·买买提") >= 0.85
    assert name_similarity("Erkin", "艾尔肯") >= 0.85


def test_close_spellings_match() -> None:
    assert name_similarity("Tursun", "Tursunjan") >= 0.85  # a name inside a longer one
    assert name_similarity("Ablimit", "Ablimet") >= 0.85
    assert name_similarity("Abdurehim", "Abdurakhim") >= 0.8
    assert name_similarity("Tursun Ablimit", "Ablimit Tursun") == 1.0  # order differs
    assert name_similarity("Tursun", "Тұрсын") >= 0.8  # the Kazakh form of the name


def test_different_names_do_not_match() -> None:
    assert name_similarity("Tursun", "Memet") < 0.5
    assert name_similarity("Tursun", "Nursultan") < 0.75
    assert name_similarity("Aigul", "Erkin") < 0.5
    assert name_similarity("", "Tursun") == 0.0


def test_names_field_values_and_lists_are_accepted() -> None:
    names = {"latin": "Tursun Ablimit", "chinese": "吐尔逊·阿不力米提", "aliases": ["Tursunjan"]}
    keys = search_keys(names)
    assert {"tursun ablimit", "tuerxun abulimiti", "tursunjan"} <= keys
    assert "tursun ablimit" in search_keys(["Tursun Ablimit", "ignored" * 0])
    assert name_similarity(names, "Турсунжан") >= 0.9
    assert name_similarity(names, {"arabic": "تۇرسۇن ئابلىمىت"}) == 1.0


def test_keys_are_ascii_words() -> None:
    for name in ["Тұрсын", "تۇرسۇن", "吐尔逊", "Gülnar", "İLE", "Şähit", "Жанар Ерланқызы"]:
        for key in search_keys(name):
            assert key.isascii() and key == key.lower() and "  " not in key, (name, key)


# --- Kazakh Cyrillic <-> Latin 2021 ---------------------------------------------------------

# The sentence that English Wikipedia's "Kazakh alphabets" uses to show the 2021 alphabet.
KAZAKH_SAMPLE_CYRILLIC = (
    "Бұрыңғы өткен заманда, бір данышпан кісі, Бағдат шаһарының бір үлкен қазысының үйіне "
    "келіп қоныпты."
)
KAZAKH_SAMPLE_LATIN = (
    "Būryñğy ötken zamanda, bır danyşpan kısı, Bağdat şaharynyñ bır ülken qazysynyñ üiıne "
    "kelıp qonypty."
)


def test_kazakh_2021_sample_sentence() -> None:
    assert kazakh_cyrillic_to_latin(KAZAKH_SAMPLE_CYRILLIC) == KAZAKH_SAMPLE_LATIN


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Тұрсын", "Tūrsyn"),
        ("Нұрлан Серікұлы", "Nūrlan Serıkūly"),
        ("Әйгерім", "Äigerım"),
        ("Іле", "Ile"),
        ("Жаңаөзен", "Jañaözen"),
        ("Ғалия", "Ğaliia"),
        ("Шыңжаң", "Şyñjañ"),
        ("ИЛЕ", "İLE"),
        ("Юсуп", "İusup"),
        ("Чапаев", "Çapaev"),
    ],
)
def test_kazakh_cyrillic_to_latin(cyrillic: str, latin: str) -> None:
    assert kazakh_cyrillic_to_latin(cyrillic) == latin


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Tūrsyn", "Тұрсын"),
        ("Äigerım", "Әйгерім"),
        ("Aigül", "Айгүл"),
        ("Ile", "Іле"),
        ("İle", "Иле"),
        ("Şyñjañ", "Шыңжаң"),
    ],
)
def test_kazakh_latin_to_cyrillic(latin: str, cyrillic: str) -> None:
    assert kazakh_latin_to_cyrillic(latin) == cyrillic


def test_kazakh_round_trip_of_native_words() -> None:
    # Х/Һ, И/Й and Ш/Щ share a Latin letter; words without them come back unchanged.
    assert kazakh_latin_to_cyrillic(KAZAKH_SAMPLE_LATIN) == KAZAKH_SAMPLE_CYRILLIC.replace(
        "шаһар", "шахар"
    )


# --- Russian and passports -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cyrillic", "bgn", "icao"),
    [
        ("Ерлан", "Yerlan", "Erlan"),
        ("Хамит", "Khamit", "Khamit"),
        ("Жанар", "Zhanar", "Zhanar"),
        ("Юлия", "Yuliya", "Iuliia"),
        ("Сергей", "Sergey", "Sergei"),
        ("Аблимит", "Ablimit", "Ablimit"),
        ("Мадина Серікқызы", "Madina Serikkyzy", "Madina Serikkyzy"),
    ],
)
def test_russian_bgn_and_icao(cyrillic: str, bgn: str, icao: str) -> None:
    assert russian_to_latin(cyrillic) == bgn
    assert cyrillic_to_icao(cyrillic) == icao
    assert {fold_ascii(bgn), fold_ascii(icao)} <= search_keys(cyrillic)


# --- Uyghur Arabic script <-> ULY -------------------------------------------------------------


@pytest.mark.parametrize(
    ("arabic", "uly"),
    [
        ("تۇرسۇن", "Tursun"),
        ("ئابلىمىت", "Ablimit"),
        ("ئەركىن", "Erkin"),
        ("گۈلنار مەمەت", "Gülnar Memet"),
        ("مېھرىبان", "Méhriban"),
        ("شىنجاڭ", "Shinjang"),
        ("سائەت", "Sa'et"),
        ("مەسئۇل", "Mes'ul"),
        ("جەنگى", "Jen'gi"),
        ("ئۆمەرجان", "Ömerjan"),
        ("ۋەلى", "Weli"),
        ("قەشقەر", "Qeshqer"),
        ("غۇلجا", "Ghulja"),
        ("خوتەن", "Xoten"),
        ("ژۇرنال", "Zhurnal"),
        ("چىمەن", "Chimen"),
    ],
)
def test_uyghur_arabic_and_uly(arabic: str, uly: str) -> None:
    assert uyghur_arabic_to_uly(arabic) == uly
    assert uly_to_uyghur_arabic(uly) == arabic


def test_arabic_keyboard_variants_are_folded() -> None:
    # Persian keyboards type ک for ك, ی for ى/ي and ه for ە/ھ; harakat and tatweel are noise.
    assert uyghur_arabic_to_uly("ئەرکین") == "Erkin"
    assert uyghur_arabic_to_uly("مهمهت") == "Memet"
    assert uyghur_arabic_to_uly("هېلىم") == "Hélim"
    assert uyghur_arabic_to_uly("تـۇرسُۇن") == "Tursun"
    forms = "\ufe97\ufbd8\ufead\ufeb3\ufbd8\ufee5"  # presentation forms of تۇرسۇن
    assert uyghur_arabic_to_uly(forms) == "Tursun"


def test_kazakh_arabic_script_is_read_too() -> None:
    assert "nurlan" in search_keys("نۇرلان")
    assert name_similarity("ٴاسەت", "Асет") == 1.0  # front-vowel hamza is ignored


ULY_WORDS = st.lists(
    st.sampled_from(sorted(set(t.ULY_TO_UYGHUR) - {"v"})), min_size=1, max_size=12
).map("".join)


@given(ULY_WORDS)
def test_uly_arabic_uly_round_trip(word: str) -> None:
    arabic = uly_to_uyghur_arabic(word)
    assert scripts_in(arabic) <= {"arabic"}
    back = uyghur_arabic_to_uly(arabic).lower().replace("'", "")
    assert back == word.replace("'", "")


# --- Chinese -----------------------------------------------------------------------------


def test_chinese_pinyin_without_tones() -> None:
    assert chinese_to_pinyin("吐尔逊") == "tuerxun"
    assert chinese_to_pinyin("吐尔逊·买买提") == "tuerxun maimaiti"
    assert chinese_to_pinyin("吕") == "lü"
    assert fold_ascii(chinese_to_pinyin("吕")) == "lu"


@pytest.mark.parametrize(
    ("chinese", "reading"),
    [
        ("吐尔逊", "tursun"),
        ("买买提", "memet"),
        ("阿不力米提", "ablimit"),
        ("艾尔肯", "erkin"),  # in the dictionary of standard transcriptions
        ("努尔兰", "nurlan"),
        ("热合曼", "rehman"),
        ("古丽娜尔", "gülnar"),  # the dictionary: 古丽 is gül, not gu-li
        ("古丽巴哈尔", "gülbahar"),  # 古丽 from the dictionary, 巴哈尔 by the heuristic
        ("吾斯曼", "usman"),
    ],
)
def test_uyghur_reading_of_chinese_transcriptions(chinese: str, reading: str) -> None:
    assert chinese_to_uyghur_latin(chinese) == reading


# --- folding -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Tūrsyn", "tursyn"),
        ("Şähit", "shahit"),
        ("Jañaözen", "jangaozen"),
        ("İLE", "ile"),
        ("Méhriban", "mehriban"),
        ("Sa'et", "saet"),
        ("Ｔｕｒｓｕｎ", "tursun"),
        ("  Tursun-Ablimit ", "tursun ablimit"),
    ],
)
def test_fold_ascii(text: str, folded: str) -> None:
    assert fold_ascii(text) == folded


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("abdurakhim", "abdurahim"),
        ("ablimit", "ablimet"),
        ("zhanar", "janar"),
        ("khalik", "xaliq"),
        ("abdullah", "abdulla"),
        ("yusup", "iusup"),
        ("tursuncan", "tursunjan"),
    ],
)
def test_loose_key_merges_spellings_of_one_sound(a: str, b: str) -> None:
    assert loose_key(a) == loose_key(b)


def test_exact_and_loose_keys_are_kept_apart() -> None:
    keys = name_keys("热合曼")  # not in the dictionary: the heuristic reading is only loose
    assert "likman" in keys.loose and "rehman" not in keys.exact
    assert "tursun" in name_keys("吐尔逊").exact  # the dictionary's reading is exact
