import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lindung.contributions.models import ContributionRule, ParticipantProgram, RuleKind
from lindung.core.tests.factories import AdminFactory, CoordinatorFactory
from lindung.participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"  # logout() clears every cookie
    return client


@pytest.fixture
def world(db):
    a, b = CoordinatorFactory(), CoordinatorFactory()
    return {
        "a": a,
        "b": b,
        "admin": AdminFactory(),
        "p": ParticipantFactory(coordinator=a, category="informal", declared_income=1_000_000),
    }


# Public calculator


def test_calculator_needs_no_login_and_shows_the_domain_example(client):
    response = client.get(reverse("contributions:calculator"), {"income": "1000000", "months": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rp 10.000" in html and "Rp 6.800" in html and "Rp 16.800" in html
    assert "PP 44/2015" in html


def test_calculator_with_jht_for_twelve_months(client):
    response = client.get(reverse("contributions:calculator"), {"income": "1000000", "jht": "on", "months": "12"})
    html = response.content.decode()
    assert "Rp 36.800" in html and "Rp 441.600" in html


def test_calculator_empty_form_shows_no_result_and_no_error(client):
    response = client.get(reverse("contributions:calculator"))
    assert response.status_code == 200
    assert b"Total per month" not in response.content and b"errorlist" not in response.content


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"income": "500000", "months": "1"}, "The lowest income that can be declared is Rp 1.000.000."),
        ({"income": "abc", "months": "1"}, "Enter a whole number."),
        ({"income": "1000000", "months": "2"}, "Select a valid choice."),
    ],
)
def test_calculator_bad_input_is_a_field_error_not_a_crash(client, params, message):
    response = client.get(reverse("contributions:calculator"), params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert b"Total per month" not in response.content


def test_calculator_defaults_to_indonesian(db):
    from django.test import Client

    response = Client().get(reverse("contributions:calculator"))
    assert response.status_code == 200
    assert b'<html lang="id"' in response.content


# Participant programs page


def test_programs_page_anonymous_goes_to_login(client, world):
    url = reverse("contributions:participant_programs", args=[world["p"].pk])
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_programs_page_for_the_own_coordinator_and_admin_not_another(client, world):
    url = reverse("contributions:participant_programs", args=[world["p"].pk])
    for who in ("a", "admin"):
        response = signed_in(client, world[who]).get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Rp 16.800" in html and "mandatory programs of the category are assumed" in html
        client.logout()
    assert signed_in(client, world["b"]).get(url).status_code == 404
    assert client.post(url, {"programs": ["jkk", "jkm", "jht"], "since": "2025-01-01"}).status_code == 404
    assert not ParticipantProgram.objects.exists()


def test_programs_page_saves_programs_and_income(client, world):
    url = reverse("contributions:participant_programs", args=[world["p"].pk])
    month = timezone.localdate().replace(day=1)
    response = signed_in(client, world["a"]).post(
        url, {"programs": ["jkk", "jkm", "jht"], "declared_income": "2000000", "since": month.isoformat()}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Programs and declared income saved." in html
    assert "Rp 66.800" in html  # 20,000 + 6,800 + 40,000
    world["p"].refresh_from_db()
    assert world["p"].declared_income == 2_000_000
    assert set(ParticipantProgram.objects.values_list("program", flat=True)) == {"jkk", "jkm", "jht"}


def test_programs_page_refuses_leaving_out_a_mandatory_program(client, world):
    url = reverse("contributions:participant_programs", args=[world["p"].pk])
    response = signed_in(client, world["a"]).post(url, {"programs": ["jkk"], "since": "2025-01-01"})
    assert response.status_code == 200
    assert "These programs are mandatory: JKM." in response.content.decode()
    assert not ParticipantProgram.objects.exists()


def test_programs_page_without_income_says_what_is_missing(client, world):
    world["p"].declared_income = None
    world["p"].save()
    url = reverse("contributions:participant_programs", args=[world["p"].pk])
    response = signed_in(client, world["a"]).get(url)
    assert "Enter the declared monthly income first." in response.content.decode()


def test_programs_page_query_count_is_bounded(client, world, django_assert_max_num_queries):
    url = reverse("contributions:participant_programs", args=[world["p"].pk])
    signed_in(client, world["a"])
    client.post(url, {"programs": ["jkk", "jkm", "jht"], "since": "2024-01-01"})
    client.post(url, {"programs": ["jkk", "jkm"], "since": "2025-01-01"})
    with django_assert_max_num_queries(12):
        client.get(url)


# Rules screen


def test_rules_screen_is_admin_only(client, world):
    url = reverse("contributions:rules")
    assert "login" in client.get(url)["Location"]
    assert signed_in(client, world["a"]).get(url).status_code == 403
    base = ContributionRule.objects.get(kind=RuleKind.LAPSE)
    assert client.get(reverse("contributions:rule_version_add", args=[base.pk])).status_code == 403
    assert (
        client.post(reverse("contributions:rule_version_add", args=[base.pk]), {"valid_from": "2030-01-01"}).status_code
        == 403
    )
    client.logout()
    response = signed_in(client, world["admin"]).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pension (JP) wage ceiling" in html and "PP 6/2025" in html and "Rp 11.086.300" in html


def test_rules_screen_query_count_is_constant(client, world, django_assert_max_num_queries):
    signed_in(client, world["admin"])
    with django_assert_max_num_queries(6):
        client.get(reverse("contributions:rules"))


def test_admin_adds_a_version_and_the_previous_one_is_closed(client, world):
    base = ContributionRule.objects.get(kind=RuleKind.PROGRAM_RATE, category="informal", program="jkm")
    url = reverse("contributions:rule_version_add", args=[base.pk])
    signed_in(client, world["admin"])
    form = client.get(url)
    assert form.status_code == 200 and b"cannot be edited" in form.content
    response = client.post(
        url,
        {
            "valid_from": "2027-01-01",
            "legal_basis": "PP 1/2027",
            "amount": "7500",
            "payer": "worker",
            "mandatory": "on",
        },
        follow=True,
    )
    assert "in force from 01-01-2027" in response.content.decode()
    base.refresh_from_db()
    assert base.valid_to == datetime.date(2026, 12, 31)
    new = ContributionRule.objects.get(program="jkm", category="informal", valid_to__isnull=True)
    assert (new.amount, new.legal_basis) == (7_500, "PP 1/2027")


def test_admin_overlapping_version_is_a_field_error(client, world):
    base = ContributionRule.objects.get(
        kind=RuleKind.PROGRAM_RATE, category="wage_earner", program="jkp", valid_to=None
    )
    url = reverse("contributions:rule_version_add", args=[base.pk])
    response = signed_in(client, world["admin"]).post(
        url, {"valid_from": "2024-01-01", "legal_basis": "x", "rate": "0.5", "payer": "no_extra_cost"}
    )
    assert response.status_code == 200
    assert "overlap" in response.content.decode()
    assert ContributionRule.objects.filter(program="jkp").count() == 2
