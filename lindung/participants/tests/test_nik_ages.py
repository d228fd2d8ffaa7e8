"""A NIK whose two-digit year matches a birth date more than 120 years ago is refused,
with the age that date implies; the service and the API say so on the NIK."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lindung.api.tests.conftest import api_client, payload
from lindung.participants.ages import OLDEST_AGE, age_on
from lindung.participants.models import Participant, Sex
from lindung.participants.nik import validate_nik
from lindung.participants.tests.factories import make_nik


def _born_years_ago(years: int) -> datetime.date:
    # 1 January: today is on or after it, so the age is exactly ``years``.
    return datetime.date(timezone.localdate().year - years, 1, 1)


def test_a_birth_date_older_than_anyone_alive_is_refused_with_its_age():
    born = _born_years_ago(OLDEST_AGE + 1)
    nik = make_nik(born, Sex.MALE, 1)
    with pytest.raises(ValidationError) as info:
        validate_nik(nik, birth_date=born, sex="M")
    (error,) = info.value.error_list
    assert error.code == "nik_birth_year_impossible"
    assert f"would make the person {OLDEST_AGE + 1} years old" in error.message


def test_the_same_two_digits_a_century_later_pass():
    born = _born_years_ago(OLDEST_AGE + 1)
    later = born.replace(year=born.year + 100)
    validate_nik(make_nik(later, Sex.FEMALE, 1), birth_date=later, sex="F")


def test_the_oldest_possible_age_passes():
    born = _born_years_ago(OLDEST_AGE)
    assert age_on(born, timezone.localdate()) == OLDEST_AGE
    validate_nik(make_nik(born, Sex.MALE, 1), birth_date=born, sex="M")


def test_age_counts_the_birthday():
    assert age_on(datetime.date(1990, 5, 17), datetime.date(2026, 5, 16)) == 35
    assert age_on(datetime.date(1990, 5, 17), datetime.date(2026, 5, 17)) == 36


@pytest.mark.django_db
def test_the_api_refuses_an_impossible_age_on_the_nik(admin):
    born = _born_years_ago(OLDEST_AGE + 5)
    data = payload(nik=make_nik(born, Sex.MALE, 777), birth_date=born.isoformat(), sex="M")
    response = api_client(admin).post(reverse("api:participant-list"), data, format="json")
    assert response.status_code == 400
    assert any("older than anyone alive" in message for message in response.json()["nik"])
    assert not Participant.objects.filter(nik=data["nik"]).exists()
