import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from lindung.core.phones import format_national, normalize_mobile


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("081234567890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("62812 3456 7890", "+6281234567890"),
        ("0852 6543 210", "+628526543210"),
        ("0878-1234-5678", "+6287812345678"),
        ("", ""),
    ],
)
def test_accepted_numbers_are_stored_e164(typed, stored):
    assert normalize_mobile(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("hello", "phone_unparseable"),
        ("+60 12-345 6789", "phone_not_indonesian"),  # Malaysia
        ("0812", "phone_invalid"),
        ("0841-2345-6789", "phone_invalid"),  # 84x is no mobile prefix
        ("(021) 5551234", "phone_not_mobile"),  # Jakarta landline
    ],
)
def test_refused_numbers_say_why(typed, code):
    with pytest.raises(ValidationError) as info:
        normalize_mobile(typed)
    assert info.value.code == code


def test_national_display():
    assert format_national("+6281234567890") == "0812-3456-7890"
    assert format_national("") == ""


@given(st.text(max_size=25))
def test_any_input_is_either_e164_or_a_clear_error(text):
    try:
        stored = normalize_mobile(text)
    except ValidationError as error:
        assert error.messages
    else:
        assert stored == "" or (stored.startswith("+628") and stored[1:].isdigit())
