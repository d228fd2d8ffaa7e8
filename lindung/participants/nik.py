"""NIK (Nomor Induk Kependudukan) checks, exactly as DOMAIN.md states them (PP 37/2007
art. 37): 16 digits; digits 1-2 a known province; digits 7-12 a real birth date DDMMYY
with 40 added to the day for women; digits 13-16 a serial from 0001. The birth date and
sex it encodes must agree with what the form says.

python-stdnum's region check uses outdated BPS codes, so we check provinces against the
Kemendagri list ourselves.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .ages import impossible_age

# Kemendagri province codes (Kepmendagri 300.2.2-2138/2025): 38 provinces.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
        "31", "32", "33", "34", "35", "36",
        "51", "52", "53",
        "61", "62", "63", "64", "65",
        "71", "72", "73", "74", "75", "76",
        "81", "82",
        "91", "92", "93", "94", "95", "96",
    }
)  # fmt: skip

_DIGITS = re.compile(r"\d{16}")
FEMALE_DAY_OFFSET = 40


@dataclass(frozen=True)
class NikFacts:
    province_code: str
    regency_code: str
    district_code: str
    day: int
    month: int
    year_two_digits: int
    is_female: bool
    serial: int


def clean_nik(raw: str) -> str:
    """Strip the spaces, dots and dashes people type between digit groups."""
    return re.sub(r"[\s.\-]", "", raw or "")


def parse_nik(nik: str) -> NikFacts:
    """Structural checks that need no form context. Raises ValidationError."""
    if not _DIGITS.fullmatch(nik):
        raise ValidationError(_("A NIK has exactly 16 digits."), code="nik_format")
    if nik[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("The NIK starts with %(code)s, which is not a province code.") % {"code": nik[:2]},
            code="nik_province",
        )
    raw_day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    is_female = raw_day > FEMALE_DAY_OFFSET
    day = raw_day - FEMALE_DAY_OFFSET if is_female else raw_day
    if not _is_real_date(day, month, yy):
        raise ValidationError(_("Digits 7-12 of the NIK are not a real birth date (DDMMYY)."), code="nik_date")
    serial = int(nik[12:])
    if serial == 0:
        raise ValidationError(_("The last four digits of a NIK start from 0001."), code="nik_serial")
    return NikFacts(nik[:2], nik[2:4], nik[4:6], day, month, yy, is_female, serial)


def _is_real_date(day: int, month: int, yy: int) -> bool:
    # Two-digit years are ambiguous; a date is real if it exists in either century
    # (29 February only exists in leap years, and 2000 was one).
    for century in (1900, 2000):
        try:
            datetime.date(century + yy, month, day)
        except ValueError:
            continue
        return True
    return False


def validate_nik(nik: str, *, birth_date: datetime.date | None = None, sex: str | None = None) -> NikFacts:
    """Full check of a NIK against the birth date and sex ("M"/"F") entered with it.

    Returns the parsed facts; raises ValidationError whose message names the mismatch.
    """
    facts = parse_nik(nik)
    errors: list[ValidationError] = []
    if birth_date is not None and (
        birth_date.day != facts.day or birth_date.month != facts.month or birth_date.year % 100 != facts.year_two_digits
    ):
        errors.append(
            ValidationError(
                _("The NIK encodes the birth date %(encoded)s, but the form says %(entered)s.")
                % {
                    "encoded": f"{facts.day:02d}-{facts.month:02d}-{facts.year_two_digits:02d} (DD-MM-YY)",
                    "entered": birth_date.strftime("%d-%m-%Y"),
                },
                code="nik_birth_date_mismatch",
            )
        )
    too_old = impossible_age(birth_date) if birth_date is not None else None
    if too_old is not None:
        errors.append(too_old)
    if sex in ("M", "F") and (sex == "F") != facts.is_female:
        errors.append(
            ValidationError(
                _("The NIK is a woman's (day of birth + 40) but the form says male.")
                if facts.is_female
                else _("The NIK is a man's (day of birth without + 40) but the form says female."),
                code="nik_sex_mismatch",
            )
        )
    if errors:
        raise ValidationError(errors)
    return facts
