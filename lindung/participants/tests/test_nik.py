import contextlib
import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from lindung.participants.nik import PROVINCE_CODES, clean_nik, parse_nik, validate_nik


@pytest.mark.parametrize(
    ("nik", "day", "month", "yy", "female"),
    [
        ("1403011705900001", 17, 5, 90, False),  # Bengkalis man, 17 May 1990
        ("1403015705900002", 17, 5, 90, True),  # the same date for a woman: day + 40
        ("3171014101000001", 1, 1, 0, True),  # 1 Jan 2000, woman (41)
        ("1403012902000001", 29, 2, 0, False),  # 29 Feb 2000 existed
        ("9601013112991234", 31, 12, 99, False),  # Papua Barat Daya (96) is a province
        ("1403017101840001", 31, 1, 84, True),  # 31 Jan 1984, woman (71 = the highest day)
    ],
)
def test_valid_niks_parse_to_their_facts(nik, day, month, yy, female):
    facts = parse_nik(nik)
    assert (facts.day, facts.month, facts.year_two_digits, facts.is_female) == (day, month, yy, female)
    assert facts.province_code == nik[:2]


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("140301170590000", "nik_format"),  # 15 digits
        ("14030117059000011", "nik_format"),  # 17 digits
        ("14030117059000a1", "nik_format"),
        ("", "nik_format"),
        ("1003011705900001", "nik_province"),  # 10 is no province
        ("9901011705900001", "nik_province"),
        ("2003011705900001", "nik_province"),
        ("1403013205900001", "nik_date"),  # day 32 (a man)
        ("1403017205900001", "nik_date"),  # day 72 = woman's 32
        ("1403010005900001", "nik_date"),  # day 00
        ("1403014005900001", "nik_date"),  # day 40 = woman's 00
        ("1403011713900001", "nik_date"),  # month 13
        ("1403013002900001", "nik_date"),  # 30 February
        ("1403012902990001", "nik_date"),  # 29 Feb 1999 / 2099: not leap years
        ("1403011705900000", "nik_serial"),  # serial 0000
    ],
)
def test_invalid_niks_are_refused_with_a_reason(nik, code):
    with pytest.raises(ValidationError) as info:
        parse_nik(nik)
    assert info.value.code == code


def test_clean_nik_strips_separators_people_type():
    assert clean_nik(" 1403.01 1705-90 0001 ") == "1403011705900001"


def test_birth_date_must_match_the_form():
    validate_nik("1403011705900001", birth_date=datetime.date(1990, 5, 17), sex="M")
    with pytest.raises(ValidationError) as info:
        validate_nik("1403011705900001", birth_date=datetime.date(1990, 5, 18), sex="M")
    assert info.value.error_list[0].code == "nik_birth_date_mismatch"
    # the year's last two digits must agree too
    with pytest.raises(ValidationError):
        validate_nik("1403011705900001", birth_date=datetime.date(1991, 5, 17), sex="M")


def test_sex_must_match_the_plus_40_rule():
    validate_nik("1403015705900002", birth_date=datetime.date(1990, 5, 17), sex="F")
    with pytest.raises(ValidationError) as info:
        validate_nik("1403015705900002", birth_date=datetime.date(1990, 5, 17), sex="M")
    assert info.value.error_list[0].code == "nik_sex_mismatch"
    with pytest.raises(ValidationError) as info:
        validate_nik("1403011705900001", birth_date=datetime.date(1990, 5, 17), sex="F")
    assert info.value.error_list[0].code == "nik_sex_mismatch"


def test_both_mismatches_are_reported_together():
    with pytest.raises(ValidationError) as info:
        validate_nik("1403011705900001", birth_date=datetime.date(1990, 6, 17), sex="F")
    assert {e.code for e in info.value.error_list} == {"nik_birth_date_mismatch", "nik_sex_mismatch"}


def test_there_are_38_provinces():
    assert len(PROVINCE_CODES) == 38


def _nik(province: str, date: datetime.date, female: bool, serial: int) -> str:
    day = date.day + (40 if female else 0)
    return f"{province}0101{day:02d}{date.month:02d}{date.year % 100:02d}{serial:04d}"


@given(
    province=st.sampled_from(sorted(PROVINCE_CODES)),
    date=st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2026, 12, 31)),
    female=st.booleans(),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_any_well_formed_nik_round_trips(province, date, female, serial):
    nik = _nik(province, date, female, serial)
    facts = validate_nik(nik, birth_date=date, sex="F" if female else "M")
    assert (facts.day, facts.month, facts.is_female, facts.serial) == (date.day, date.month, female, serial)


@given(
    date=st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2026, 12, 31)),
    female=st.booleans(),
    other=st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2026, 12, 31)),
)
def test_a_different_birth_date_is_always_caught(date, female, other):
    nik = _nik("14", date, female, 1)
    same = (other.day, other.month, other.year % 100) == (date.day, date.month, date.year % 100)
    if same:
        validate_nik(nik, birth_date=other, sex="F" if female else "M")
    else:
        with pytest.raises(ValidationError):
            validate_nik(nik, birth_date=other, sex="F" if female else "M")


@given(st.text(max_size=20))
def test_arbitrary_text_never_crashes(text):
    with contextlib.suppress(ValidationError):
        parse_nik(clean_nik(text))
