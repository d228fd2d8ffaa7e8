"""coverage_valid_through: the end of the last month up to which every bill is paid."""

import datetime

import pytest

from lindung.billing.tests.arrears_data import bill
from lindung.billing.tests.factories import informal_participant
from lindung.cards.coverage import coverage_valid_through

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def p(coord_a):
    return informal_participant(coordinator=coord_a)


def test_nothing_billed_is_unknown(p):
    assert coverage_valid_through(p) is None


def test_oldest_bill_open_means_no_coverage_yet(p):
    bill(p, D(2026, 1, 1))
    bill(p, D(2026, 2, 1), paid=16_800)
    assert coverage_valid_through(p) is None


def test_all_paid_runs_to_the_end_of_the_last_month(p):
    bill(p, D(2026, 1, 1), paid=16_800)
    bill(p, D(2026, 2, 1), paid=16_800)
    assert coverage_valid_through(p) == D(2026, 2, 28)


def test_stops_before_the_first_open_month(p):
    bill(p, D(2025, 11, 1), paid=16_800)
    bill(p, D(2025, 12, 1), paid=16_800)
    bill(p, D(2026, 1, 1), paid=6_800)  # partly paid counts as open
    bill(p, D(2026, 2, 1), paid=16_800)  # paid after a gap: does not extend coverage
    assert coverage_valid_through(p) == D(2025, 12, 31)


def test_months_without_a_bill_are_not_gaps(p):
    bill(p, D(2026, 1, 1), paid=16_800)
    bill(p, D(2026, 4, 1), paid=16_800)  # non-active Feb-Mar: nothing was owed
    assert coverage_valid_through(p) == D(2026, 4, 30)


def test_one_query(p, django_assert_num_queries):
    bill(p, D(2026, 1, 1), paid=16_800)
    with django_assert_num_queries(1):
        coverage_valid_through(p)


def test_the_annotation_agrees_with_the_function(p, coord_a):
    from lindung.cards.coverage import valid_through_from, with_valid_through
    from lindung.participants.models import Participant

    other = informal_participant(coordinator=coord_a)
    bill(p, D(2025, 12, 1), paid=16_800)
    bill(p, D(2026, 1, 1))
    bill(p, D(2026, 2, 1), paid=16_800)
    bill(other, D(2026, 1, 1), paid=16_800)
    rows = with_valid_through(Participant.objects.filter(pk__in=[p.pk, other.pk]), "pk")
    for row in rows:
        assert valid_through_from(row.last_paid_month) == coverage_valid_through(row)
    assert {r.pk: valid_through_from(r.last_paid_month) for r in rows} == {
        p.pk: D(2025, 12, 31),
        other.pk: D(2026, 1, 31),
    }


def test_verification_page_shows_valid_through_in_one_query(client, p, coord_a, django_assert_num_queries):
    from django.urls import reverse

    from lindung.cards import services

    bill(p, D(2026, 1, 1), paid=16_800)
    bill(p, D(2026, 2, 1), paid=16_800)
    card = services.card_ensure(actor=coord_a, participant=p)
    with django_assert_num_queries(1):
        page = client.get(reverse("cards:verify", args=[card.token])).content.decode()
    assert "28 Feb 2026" in page or "28 February 2026" in page
