"""Office numbers may be landlines, so the directory accepts any valid Indonesian number
(core.phones insists on mobiles, which WhatsApp and SMS need)."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalize_phone(raw: str) -> str:
    """E.164 form of an Indonesian landline or mobile number; empty stays empty."""
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Enter a phone number such as 0766-21234 or 0812-3456-7890."), code="phone_unparseable"
        ) from exc
    if number.country_code != 62:
        raise ValidationError(_("Enter an Indonesian phone number (+62)."), code="phone_not_indonesian")
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("This is not a valid Indonesian phone number."), code="phone_invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
