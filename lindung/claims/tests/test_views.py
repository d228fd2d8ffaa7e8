"""The claim pages: who reaches them, what they show, and moves through the form."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lindung.claims.claim import Claim, ClaimStatus

from .factories import jht_claim, officer

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def test_queue_shows_own_claims_with_days_in_status(coord_a: Any, coord_b: Any) -> None:
    claim = jht_claim(coord_a)
    page = client_for(coord_a).get(reverse("claims:queue"))
    assert page.status_code == 200
    assert claim.participant.full_name in page.content.decode()
    other = client_for(coord_b).get(reverse("claims:queue"))
    assert claim.participant.full_name not in other.content.decode()


def test_queue_filters_by_status(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    body = client_for(coord_a).get(reverse("claims:queue"), {"status": "submitted"}).content.decode()
    assert claim.participant.full_name not in body


def test_queue_query_count_does_not_grow_with_rows(coord_a: Any, django_assert_max_num_queries: Any) -> None:
    for _ in range(5):
        jht_claim(coord_a)
    client = client_for(coord_a)
    with django_assert_max_num_queries(12):
        client.get(reverse("claims:queue"))


def test_claim_page_shows_eligibility_route_and_amount(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    body = client_for(coord_a).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Eligible" in body and "PP 46/2015" in body
    assert "JMO self-service app" in body
    assert "Rp 12.000.000" in body
    assert "Submit the claim" in body


def test_coordinator_b_gets_404_on_a_claim_page_and_its_move(coord_a: Any, coord_b: Any) -> None:
    claim = jht_claim(coord_a)
    client = client_for(coord_b)
    assert client.get(reverse("claims:detail", args=[claim.pk])).status_code == 404
    assert client.post(reverse("claims:move", args=[claim.pk]), {"transition": "submit"}).status_code == 404
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.DRAFT


def test_moves_through_the_form_and_refusals_are_shown(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    client_for(coord_a).post(reverse("claims:move", args=[claim.pk]), {"transition": "submit"})
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.SUBMITTED
    finance = officer("finance_head")
    response = client_for(finance).post(reverse("claims:move", args=[claim.pk]), {"transition": "verify"}, follow=True)
    assert "You may not do this: Verify the claim." in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.SUBMITTED


def test_an_officer_sees_the_steps_their_duties_grant(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    client_for(coord_a).post(reverse("claims:move", args=[claim.pk]), {"transition": "submit"})
    services_officer = officer("claims_services")
    body = client_for(services_officer).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Verify the claim" in body and "Ask for documents" in body
    assert "Record the payment" not in body
    assert "submit" in body  # the timeline
    duty_less = officer()
    assert client_for(duty_less).get(reverse("claims:detail", args=[claim.pk])).status_code == 404
