"""Drafting a claim through the pages: who may start one for whom, the facts form per
benefit, eligibility with its reasons while drafting, and nothing lost on bad input."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lindung.claims.claim import Claim, ClaimStatus
from lindung.participants.models import FamilyMember
from lindung.participants.tests.factories import ParticipantFactory

from .factories import jht_claim, officer

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def test_a_coordinator_drafts_for_their_own_participant_by_nik(coord_a: Any) -> None:
    participant = ParticipantFactory(coordinator=coord_a, birth_date=datetime.date(1960, 1, 1))
    response = client_for(coord_a).post(reverse("claims:new"), {"nik": participant.nik, "program": "jht"})
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("claims:edit", args=[claim.pk])
    assert (claim.participant, claim.status, claim.officer) == (participant, ClaimStatus.DRAFT, None)


def test_another_coordinator_s_nik_reads_as_unknown(coord_a: Any, coord_b: Any) -> None:
    participant = ParticipantFactory(coordinator=coord_a)
    response = client_for(coord_b).post(reverse("claims:new"), {"nik": participant.nik, "program": "jht"})
    assert response.status_code == 400
    assert "No participant of yours has this NIK" in response.content.decode()
    assert participant.nik in response.content.decode()  # what was typed stays
    assert not Claim.objects.exists()


def test_officers_without_the_claims_duty_may_not_draft(coord_a: Any) -> None:
    participant = ParticipantFactory(coordinator=coord_a)
    assert client_for(officer("finance_head")).get(reverse("claims:new")).status_code == 403
    services = officer("claims_services")
    client_for(services).post(reverse("claims:new"), {"nik": participant.nik, "program": "jkk"})
    assert Claim.objects.get().officer == services


def test_the_edit_page_shows_eligibility_with_its_basis_and_saves_facts(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    client = client_for(coord_a)
    page = client.get(reverse("claims:edit", args=[claim.pk])).content.decode()
    assert "Aged" in page and "PP 46/2015" in page
    response = client.post(
        reverse("claims:edit", args=[claim.pk]),
        {"jht_reason": "age_56", "balance": "16000000", "bank_account_holder": "X Y", "bank_account_number": "9"},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.balance, claim.bank_account_number) == (16_000_000, "9")


def test_bad_facts_are_refused_beside_their_field_and_kept(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    response = client_for(coord_a).post(
        reverse("claims:edit", args=[claim.pk]),
        {"jht_reason": "age_56", "balance": "-5", "bank_account_holder": "Typed Holder", "bank_account_number": "1"},
    )
    body = response.content.decode()
    assert response.status_code == 400 and 'value="Typed Holder"' in body and "errorlist" in body
    claim.refresh_from_db()
    assert claim.balance == 12_000_000


def test_jkm_heirs_come_from_the_family(coord_a: Any) -> None:
    participant = ParticipantFactory(coordinator=coord_a)
    spouse = FamilyMember.objects.create(
        participant=participant, full_name="Siti Heir", relationship="spouse", birth_date=datetime.date(1970, 1, 1)
    )
    client = client_for(coord_a)
    client.post(reverse("claims:new"), {"nik": participant.nik, "program": "jkm"})
    claim = Claim.objects.get()
    page = client.get(reverse("claims:edit", args=[claim.pk])).content.decode()
    assert "Siti Heir" in page and "accident_place" not in page
    client.post(
        reverse("claims:edit", args=[claim.pk]),
        {"event_date": "2026-01-10", "death_cause": "Illness", "contribution_months": "40", "heirs": [spouse.pk]},
    )
    assert list(claim.heirs.all()) == [spouse]


def test_nobody_else_edits_and_a_submitted_claim_is_not_editable(coord_a: Any, coord_b: Any) -> None:
    claim = jht_claim(coord_a)
    assert client_for(coord_b).get(reverse("claims:edit", args=[claim.pk])).status_code == 404
    finance = client_for(officer("finance_head"))
    assert finance.post(reverse("claims:edit", args=[claim.pk]), {"balance": "1"}).status_code == 403
    client_for(coord_a).post(reverse("claims:move", args=[claim.pk]), {"transition": "submit"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert client_for(coord_a).post(reverse("claims:edit", args=[claim.pk]), {"balance": "1"}).status_code == 403


def test_the_participant_page_links_to_a_draft_with_the_nik_filled_in_only_for_own_participants(
    coord_a: Any, coord_b: Any
) -> None:
    participant = ParticipantFactory(coordinator=coord_a)
    detail = client_for(coord_a).get(reverse("participants:detail", args=[participant.pk])).content.decode()
    link = f"{reverse('claims:new')}?participant={participant.pk}"
    assert link in detail
    assert f'value="{participant.nik}"' in client_for(coord_a).get(link).content.decode()
    assert participant.nik not in client_for(coord_b).get(link).content.decode()
