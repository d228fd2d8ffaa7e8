import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from lindung.contacts.phones import normalize_phone


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("0766-21234", "+6276621234"),
        ("(0761) 123456", "+62761123456"),
        ("021 555 1234", "+62215551234"),
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_landlines_and_mobiles_are_accepted(raw, e164):
    assert normalize_phone(raw) == e164


@pytest.mark.parametrize(
    ("raw", "code"),
    [("12", "phone_invalid"), ("abc", "phone_unparseable"), ("+1 202 555 0100", "phone_not_indonesian")],
)
def test_bad_numbers_are_refused(raw, code):
    with pytest.raises(ValidationError) as exc:
        normalize_phone(raw)
    assert exc.value.code == code


@given(st.text(max_size=30))
def test_any_input_either_normalises_idempotently_or_is_refused(raw):
    try:
        e164 = normalize_phone(raw)
    except ValidationError:
        return
    assert normalize_phone(e164) == e164
