"""A signed-in participant files and lists complaints inside their own pages; another
participant's tickets never show there, and without a participant session the page is
closed (staff sessions included)."""

import pytest
from django.test import Client

from lindung.billing.tests.factories import informal_participant
from lindung.feedback.models import Ticket
from lindung.selfservice.tests.helpers import signed_in_client

from .factories import category, ticket_for

pytestmark = pytest.mark.django_db

URL = "/saya/pengaduan/"


@pytest.fixture
def pair(coord_a, coord_b):
    mine = informal_participant(coordinator=coord_a, full_name="Anisa Pertama", phone="+6281300000001")
    theirs = informal_participant(coordinator=coord_b, full_name="Budi Kedua", phone="+6281300000002")
    return mine, theirs


def test_participant_files_a_complaint_as_themselves(pair):
    mine, _ = pair
    client = signed_in_client(mine)
    response = client.post(
        URL, {"category": category().pk, "subject": "Iuran belum tercatat", "message": "Sudah bayar Mei."}
    )
    ticket = Ticket.objects.get()
    assert ticket.participant_id == mine.pk
    assert ticket.name == mine.full_name
    assert response.status_code == 302
    assert response["Location"] == f"/feedback/follow/{ticket.number}/"


def test_a_bad_complaint_keeps_what_was_typed(pair):
    mine, _ = pair
    response = signed_in_client(mine).post(URL, {"category": category().pk, "subject": "", "message": "Teks saya"})
    assert response.status_code == 200
    assert "Teks saya" in response.content.decode()
    assert not Ticket.objects.exists()


def test_only_own_tickets_are_listed(pair):
    mine, theirs = pair
    ticket_for(participant=mine, subject="Kartu saya hilang")
    ticket_for(participant=theirs, subject="Klaim Budi lambat")
    page = signed_in_client(mine).get(URL).content.decode()
    assert "Kartu saya hilang" in page
    assert "Klaim Budi lambat" not in page


def test_without_a_participant_session_the_page_is_closed(pair, coord_a, admin):
    for client in (Client(), _staff(coord_a), _staff(admin)):
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith("/saya/masuk/")
        assert client.post(URL, {"category": category().pk, "subject": "x", "message": "y"}).status_code == 302
    assert not Ticket.objects.exists()


def _staff(user):
    client = Client()
    client.force_login(user)
    return client
