import datetime

import pytest

from lindung.participants.tests.factories import ParticipantFactory

from .conftest import api_client

pytestmark = pytest.mark.django_db


def url(pk: int) -> str:
    return f"/api/participants/{pk}/claim-check/"


def test_a_coordinator_checks_a_jht_claim_for_their_participant(coord_a):
    participant = ParticipantFactory(coordinator=coord_a, birth_date=datetime.date(1970, 5, 1))
    query = {"program": "jht", "jht_reason": "age_56", "balance": 15_000_001, "on": "2026-05-01"}
    body = api_client(coord_a).get(url(participant.pk), query).json()
    assert body["allowed"] is True
    assert body["findings"][0]["legal_basis"].startswith("PP 46/2015")
    assert body["channel"] == "lapak_asik"
    assert body["amount"] == 15_000_001
    early = api_client(coord_a).get(url(participant.pk), {**query, "on": "2026-04-30"}).json()
    assert early["allowed"] is False
    assert "from age 56" in early["findings"][0]["message"]


def test_coordinator_b_and_anonymous_are_refused(coord_a, coord_b):
    participant = ParticipantFactory(coordinator=coord_a)
    assert api_client(coord_b).get(url(participant.pk), {"program": "jht"}).status_code == 404
    assert api_client().get(url(participant.pk), {"program": "jht"}).status_code in (401, 403)


def test_bad_parameters_are_field_errors(coord_a):
    participant = ParticipantFactory(coordinator=coord_a)
    response = api_client(coord_a).get(url(participant.pk), {"program": "jkp"})
    assert response.status_code == 400 and "program" in response.json()
