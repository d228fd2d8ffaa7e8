"""A staff answer tells the person, once, after commit, with the ticket's page and not
the answer; the person's own reply and a refused reply tell nobody."""

import pytest
from django.core.exceptions import PermissionDenied

from lindung.feedback import services
from lindung.messaging.models import DevMessage
from lindung.participants.tests.factories import ParticipantFactory

from .factories import ticket_for

pytestmark = pytest.mark.django_db


def test_a_staff_answer_sends_the_ticket_page_to_the_phone_on_the_ticket(coord_a, django_capture_on_commit_callbacks):
    ticket = ticket_for(coordinator=coord_a, phone="0812-3456-7890")
    with django_capture_on_commit_callbacks(execute=True):
        services.staff_reply(actor=coord_a, ticket=ticket, body="Iuran Mei sudah tercatat.")
    message = DevMessage.objects.get()
    assert message.to_number == "+6281234567890"
    assert f"/feedback/follow/{ticket.number}/" in message.text
    assert "Iuran Mei" not in message.text  # the answer is read on the page


def test_a_participants_ticket_goes_to_the_phone_on_record(coord_a, django_capture_on_commit_callbacks):
    participant = ParticipantFactory(coordinator=coord_a, phone="+6281311112222")
    ticket = ticket_for(coordinator=coord_a, participant=participant, phone="")
    with django_capture_on_commit_callbacks(execute=True):
        services.staff_reply(actor=coord_a, ticket=ticket, body="Sudah kami cek.")
    assert list(DevMessage.objects.values_list("to_number", flat=True)) == ["+6281311112222"]


def test_the_persons_own_reply_and_a_refused_reply_tell_nobody(coord_a, coord_b, django_capture_on_commit_callbacks):
    ticket = ticket_for(coordinator=coord_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.person_reply(user=None, ticket=ticket, body="Masih belum.")
        with pytest.raises(PermissionDenied):
            services.staff_reply(actor=coord_b, ticket=ticket, body="x")
    assert not DevMessage.objects.exists()


def test_a_ticket_without_a_mobile_number_is_answered_without_a_message(coord_a, django_capture_on_commit_callbacks):
    ticket = ticket_for(coordinator=coord_a, phone="", email="warga@example.id")
    with django_capture_on_commit_callbacks(execute=True):
        services.staff_reply(actor=coord_a, ticket=ticket, body="Sudah kami cek.")
    assert ticket.replies.count() == 1 and not DevMessage.objects.exists()
