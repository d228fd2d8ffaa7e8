"""Correction requests (SELF-2, REG-3): asked by the participant, approved or refused
by their coordinator; an approval changes the record through the participants service,
so its history says who changed what; the requests themselves stay as a history."""

import pytest
from django.test import Client

from lindung.billing.tests.factories import informal_participant
from lindung.selfservice.models import CorrectionRequest

from .helpers import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(coord_a):
    return informal_participant(coordinator=coord_a, phone="+6281311112222", occupation="Nelayan")


def _staff(user):
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def _ask(client, field, value):
    return client.post("/saya/koreksi/", {"field": field, "new_value": value, "note": "ganti nomor"})


def test_a_participant_asks_and_the_coordinator_approves_with_history(worker, coord_a):
    client = signed_in_client(worker)
    assert _ask(client, "phone", "0812 7777 8888").status_code == 302
    row = CorrectionRequest.objects.get()
    assert row.old_value == "+6281311112222" and row.new_value == "+6281277778888" and row.status == "pending"
    staff = _staff(coord_a)
    assert "+6281277778888" in staff.get("/selfservice/corrections/").content.decode()
    assert staff.post(f"/selfservice/corrections/{row.pk}/decide/", {"decision": "approve"}).status_code == 302
    worker.refresh_from_db()
    row.refresh_from_db()
    assert worker.phone == "+6281277778888"
    assert row.status == "approved" and row.decided_by == coord_a
    latest = worker.history.order_by("-history_date").first()
    assert latest.history_user == coord_a and latest.phone == "+6281277778888"
    page = client.get("/saya/koreksi/").content.decode()
    assert "Approved" in page


def test_a_refusal_needs_a_reason_which_the_participant_sees(worker, coord_a):
    client = signed_in_client(worker)
    _ask(client, "occupation", "Petani")
    row = CorrectionRequest.objects.get()
    staff = _staff(coord_a)
    staff.post(f"/selfservice/corrections/{row.pk}/decide/", {"decision": "refuse", "reason": ""})
    row.refresh_from_db()
    assert row.status == "pending"
    staff.post(f"/selfservice/corrections/{row.pk}/decide/", {"decision": "refuse", "reason": "Masih nelayan"})
    row.refresh_from_db()
    worker.refresh_from_db()
    assert row.status == "refused" and worker.occupation == "Nelayan"
    assert "Masih nelayan" in client.get("/saya/koreksi/").content.decode()


def test_another_coordinator_can_neither_see_nor_decide(worker, coord_b):
    _ask(signed_in_client(worker), "occupation", "Petani")
    row = CorrectionRequest.objects.get()
    staff = _staff(coord_b)
    assert "Petani" not in staff.get("/selfservice/corrections/").content.decode()
    assert staff.get(f"/selfservice/corrections/{row.pk}/").status_code == 404
    assert staff.post(f"/selfservice/corrections/{row.pk}/decide/", {"decision": "approve"}).status_code == 404
    row.refresh_from_db()
    assert row.status == "pending"


def test_bad_values_get_a_clear_message_and_keep_what_was_typed(worker):
    client = signed_in_client(worker)
    response = _ask(client, "phone", "12345")
    assert response.status_code == 400 and "12345" in response.content.decode()
    assert "not a valid Indonesian phone number" in response.content.decode()
    assert _ask(client, "occupation", "Nelayan").status_code == 400  # what the record already says
    assert not CorrectionRequest.objects.exists()


def test_one_waiting_request_per_detail(worker):
    client = signed_in_client(worker)
    assert _ask(client, "address", "Jl. Baru 1").status_code == 302
    again = _ask(client, "address", "Jl. Baru 2")
    assert again.status_code == 400 and "already waiting" in again.content.decode()
    assert CorrectionRequest.objects.count() == 1
