"""Plausible ages. The NIK encodes only the last two digits of the birth year, so a
matching NIK does not make a birth date possible: 17-05-1905 and 17-05-2005 both fit
"170505". A birth date that would make the person older than anyone alive is a typing
error in the year, and is refused with the age it implies."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# Not a regulation figure: the oldest person ever verified lived 122 years and nobody
# alive has reached 120, so a registrant (or a family member) past it does not exist.
OLDEST_AGE = 120


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def impossible_age(birth_date: datetime.date, today: datetime.date | None = None) -> ValidationError | None:
    today = today or timezone.localdate()
    age = age_on(birth_date, today)
    if age <= OLDEST_AGE:
        return None
    return ValidationError(
        _(
            "The date of birth %(date)s would make the person %(age)s years old, older than anyone alive "
            "(at most %(oldest)s). Check the year: the NIK holds only its last two digits."
        )
        % {"date": birth_date.strftime("%d-%m-%Y"), "age": age, "oldest": OLDEST_AGE},
        code="nik_birth_year_impossible",
    )
