from hypothesis import given
from hypothesis import strategies as st

from lindung.regions.codes import level_of, parent_of, village_kind_ok
from lindung.regions.models import Level

two = st.from_regex(r"[0-9]{2}", fullmatch=True)
four = st.from_regex(r"[0-9]{4}", fullmatch=True)


def test_levels_of_real_codes():
    assert level_of("14") == Level.PROVINCE
    assert level_of("14.03") == Level.REGENCY
    assert level_of("14.03.01") == Level.DISTRICT
    assert level_of("14.03.01.2004") == Level.VILLAGE


def test_malformed_codes_have_no_level():
    for bad in [
        "",
        "1",
        "140",
        "14.3",
        "14.03.1",
        "14.03.01.204",
        "14.03.01.20045",
        "1403",
        "14-03",
        "14.03.",
        " 14",
        "14.03\n",
        "١٤",
        "ab",
        "14.03.01.2004.01",
    ]:
        assert level_of(bad) is None, bad


def test_parent_is_the_prefix():
    assert parent_of("14") is None
    assert parent_of("14.03") == "14"
    assert parent_of("14.03.01.2004") == "14.03.01"


@given(st.lists(two, min_size=1, max_size=3), four)
def test_every_well_formed_code_has_its_level_and_parent(segments, village):
    code = ".".join(segments)
    assert level_of(code) == len(segments)
    full = f"{'.'.join([*segments, *['01'] * (3 - len(segments))])}.{village}"
    assert level_of(full) == Level.VILLAGE
    assert parent_of(full) == full[:8]
    assert village_kind_ok(full) == (village[0] in "12")


@given(st.text(max_size=15))
def test_level_of_never_crashes_and_only_accepts_digits_and_dots(text):
    level = level_of(text)
    if level is not None:
        assert set(text) <= set("0123456789.")
        assert len(text) in (2, 5, 8, 13)
