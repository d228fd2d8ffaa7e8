"""Indonesian mobile numbers through libphonenumber: accept what people type
(0812-3456-7890, +62 812 3456 7890, 62812...), store E.164, show national."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalize_mobile(raw: str) -> str:
    """E.164 form of an Indonesian mobile number; ValidationError with a clear message."""
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Enter a mobile number such as 0812-3456-7890."), code="phone_unparseable") from exc
    if number.country_code != 62:
        raise ValidationError(_("Enter an Indonesian mobile number (+62)."), code="phone_not_indonesian")
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("This is not a valid Indonesian phone number."), code="phone_invalid")
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(
            _("Enter a mobile number (08…); WhatsApp and SMS reminders need one."), code="phone_not_mobile"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_national(e164: str) -> str:
    """0812-3456-7890 for display; anything unparseable is shown as stored."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "ID")
    except phonenumbers.NumberParseException:
        return e164
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    # Mobiles read as 0812-3456-7890; landlines keep their area code apart: (0766) 21234.
    return national if national.startswith("(") else national.replace(" ", "-")
