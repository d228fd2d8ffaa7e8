import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from lindung.core import access
from lindung.core.models import DomainEvent
from lindung.core.tests.factories import CoordinatorFactory, mandau_village
from lindung.feedback import selectors, services
from lindung.feedback.models import NUMBER_ALPHABET, NUMBER_LENGTH, Ticket, TicketStatus, normalise_number
from lindung.feedback.tests.factories import category, ticket_for
from lindung.participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def _input(**fields):
    values = {"category": category(), "subject": "Iuran", "message": "Belum tercatat", "phone": "0812"}
    values.update(fields)
    return services.TicketInput(**values)


def _participant_principal(participant):
    return access.Principal(access.Kind.PARTICIPANT, participant_id=participant.pk)


def test_a_public_ticket_gets_an_unguessable_number_and_an_answer_target_from_its_category():
    before = timezone.now()
    ticket = services.ticket_file(user=None, data=_input())
    assert len(ticket.number) == NUMBER_LENGTH and set(ticket.number) <= set(NUMBER_ALPHABET)
    hours = category().answer_within_hours
    assert (
        before + datetime.timedelta(hours=hours)
        <= ticket.answer_due
        <= timezone.now() + datetime.timedelta(hours=hours)
    )
    assert ticket.coordinator is None  # no participant, no village: the administrators' queue
    assert DomainEvent.objects.filter(kind="ticket.filed", subject_id=ticket.pk).exists()
    numbers = {services.ticket_file(user=None, data=_input()).number for _ in range(20)}
    assert len(numbers) == 20


def test_a_public_ticket_needs_a_way_to_answer():
    with pytest.raises(ValidationError, match="phone number or an email"):
        services.ticket_file(user=None, data=_input(phone=""))
    assert not Ticket.objects.exists()


def test_a_participants_ticket_goes_to_their_coordinator(coord_a):
    participant = ParticipantFactory(coordinator=coord_a)
    ticket = services.ticket_file(user=_participant_principal(participant), data=_input(phone=""))
    assert (ticket.participant, ticket.coordinator, ticket.village) == (participant, coord_a, participant.village)


def test_a_public_ticket_from_a_village_goes_to_the_coordinator_of_most_of_its_participants(coord_a, coord_b):
    village = mandau_village()
    ParticipantFactory(coordinator=coord_b, village=village)
    ParticipantFactory(coordinator=coord_b, village=village)
    ParticipantFactory(coordinator=coord_a, village=village)
    assert services.ticket_file(user=None, data=_input(village=village)).coordinator == coord_b


def test_a_village_without_participants_goes_to_a_coordinator_working_in_its_district():
    village = mandau_village()
    worker = CoordinatorFactory(district=village.parent)
    assert services.ticket_file(user=None, data=_input(village=village)).coordinator == worker


def test_ageing_against_the_target():
    now = timezone.now()
    ticket = ticket_for(answer_due=now + datetime.timedelta(hours=72))
    assert selectors.ageing(ticket, now).key == "on_time"
    assert selectors.ageing(ticket, now + datetime.timedelta(hours=60)).key == "due_soon"
    late = selectors.ageing(ticket, now + datetime.timedelta(hours=73))
    assert late.key == "overdue" and late.age == now + datetime.timedelta(hours=73) - ticket.created_at
    ticket.first_answered_at = ticket.created_at + datetime.timedelta(hours=80)
    assert selectors.ageing(ticket, now).key == "answered_late"
    ticket.first_answered_at = ticket.created_at + datetime.timedelta(hours=1)
    assert selectors.ageing(ticket, now + datetime.timedelta(days=30)).key == "answered"
    assert selectors.age_text(datetime.timedelta(hours=50)) == "2 d 2 h"


def test_the_queue_is_scoped_and_oldest_target_first(coord_a, coord_b, admin):
    now = timezone.now()
    later = ticket_for(coordinator=coord_a, answer_due=now + datetime.timedelta(hours=50))
    sooner = ticket_for(coordinator=coord_a, answer_due=now + datetime.timedelta(hours=5))
    theirs = ticket_for(coordinator=coord_b)
    unrouted = ticket_for()
    ticket_for(coordinator=coord_a, status=TicketStatus.CLOSED)
    assert list(selectors.queue(coord_a)) == [sooner, later]
    assert list(selectors.queue(coord_b)) == [theirs]
    assert set(selectors.queue(admin)) == {sooner, later, theirs, unrouted}


def test_a_staff_reply_answers_the_ticket_and_stops_the_clock_and_a_person_reply_reopens_it(coord_a):
    ticket = ticket_for(coordinator=coord_a)
    services.staff_reply(actor=coord_a, ticket=ticket, body="Sudah kami cek.")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ANSWERED and ticket.first_answered_at is not None
    first = ticket.first_answered_at
    services.person_reply(user=None, ticket=ticket, body="Masih belum.")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    services.staff_reply(actor=coord_a, ticket=ticket, body="Sudah diperbaiki.")
    ticket.refresh_from_db()
    assert ticket.first_answered_at == first and ticket.replies.count() == 3
    moves = DomainEvent.objects.filter(kind="ticket.status_changed", subject_id=ticket.pk)
    assert [e.payload["transition"] for e in moves.order_by("pk")] == ["answer", "reopen", "answer"]


def test_another_coordinator_may_not_reply_or_move_a_ticket(coord_a, coord_b):
    ticket = ticket_for(coordinator=coord_a)
    with pytest.raises(PermissionDenied):
        services.staff_reply(actor=coord_b, ticket=ticket, body="x")
    with pytest.raises(PermissionDenied):
        services.ticket_move(actor=coord_b, ticket=ticket, name="close")
    assert not ticket.replies.exists()


def test_a_participant_sees_and_replies_only_to_their_own_tickets(coord_a):
    mine = ParticipantFactory(coordinator=coord_a)
    other = ParticipantFactory(coordinator=coord_a)
    my_ticket = ticket_for(participant=mine, coordinator=coord_a)
    their_ticket = ticket_for(participant=other, coordinator=coord_a)
    me = _participant_principal(mine)
    assert list(selectors.tickets_of_participant(me)) == [my_ticket]
    services.person_reply(user=me, ticket=my_ticket, body="Terima kasih")
    with pytest.raises(PermissionDenied):
        services.person_reply(user=me, ticket=their_ticket, body="Bukan milik saya")
    assert not their_ticket.replies.exists()


def test_a_ticket_is_not_followable_without_its_number(client):
    ticket = ticket_for()
    assert client.get(reverse("feedback:followed", args=["ABCDEFGHJKLM"])).status_code == 404
    assert client.get(reverse("feedback:followed", args=[ticket.number[:-1]])).status_code == 404
    response = client.get(reverse("feedback:follow"), {"number": ticket.number[:8]})
    assert "No ticket has this number" in response.content.decode()
    # Typed with dashes, spaces and lower case, the full number opens it.
    typed = ticket.display_number.lower().replace("-", " ")
    assert normalise_number(typed) == ticket.number
    assert client.get(reverse("feedback:follow"), {"number": typed}).url.endswith(f"/{ticket.number}/")


def test_number_guessing_is_rate_limited(client):
    ticket = ticket_for()
    for _ in range(30):
        client.get(reverse("feedback:follow"), {"number": "WRONGWRONG22"})
    assert client.get(reverse("feedback:followed", args=[ticket.number])).status_code == 404


def test_file_and_follow_from_the_public_page(client):
    response = client.post(
        reverse("feedback:file"),
        {"category": category("claim").pk, "subject": "Klaim JKM", "message": "Belum dibayar", "phone": "0812"},
    )
    ticket = Ticket.objects.get()
    assert response.url == reverse("feedback:followed", args=[ticket.number])
    page = client.get(response.url).content.decode()
    assert ticket.display_number in page and "Klaim JKM" in page and "Waiting for an answer" in page
    client.post(response.url, {"action": "reply", "body": "Mohon dicek"})
    assert ticket.replies.get().from_staff is False
    client.post(response.url, {"action": "close"})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    # Closing twice (another tab) says why instead of failing.
    again = client.post(response.url, {"action": "close"}, follow=True)
    assert again.status_code == 200 and "not possible from the status Closed" in again.content.decode()


def test_a_bad_form_keeps_what_was_typed(client):
    response = client.post(reverse("feedback:file"), {"subject": "Tanpa kategori", "message": "Isi pesan panjang"})
    html = response.content.decode()
    assert response.status_code == 200 and "Tanpa kategori" in html and "Isi pesan panjang" in html
    assert not Ticket.objects.exists()


def test_the_honeypot_keeps_nothing(client):
    client.post(
        reverse("feedback:file"),
        {"category": category().pk, "subject": "x", "message": "y", "phone": "1", "website": "http://spam"},
    )
    assert not Ticket.objects.exists()


def test_staff_pages_answer_and_refuse_by_scope(client, coord_a, coord_b):
    ticket = ticket_for(coordinator=coord_a)
    client.force_login(coord_b)
    assert client.get(reverse("feedback:ticket", args=[ticket.pk])).status_code == 404
    client.force_login(coord_a)
    queue = client.get(reverse("feedback:queue")).content.decode()
    assert ticket.subject in queue and "Within the target" in queue
    client.post(reverse("feedback:ticket", args=[ticket.pk]), {"action": "reply", "body": "Dicek"})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ANSWERED
    client.post(reverse("feedback:ticket", args=[ticket.pk]), {"action": "close"})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED


def test_a_signed_in_participants_pages_list_only_their_tickets(rf, coord_a):
    """A participant session (the selfservice app's) reaches these views as a PARTICIPANT
    principal; here the principal stands in for the session's user."""
    from lindung.feedback import views

    mine = ParticipantFactory(coordinator=coord_a)
    other = ParticipantFactory(coordinator=coord_a)
    ticket_for(participant=mine, coordinator=coord_a, subject="Tiket saya")
    ticket_for(participant=other, coordinator=coord_a, subject="Tiket orang lain")
    request = rf.get("/feedback/mine/")
    request.user = _participant_principal(mine)
    html = views.mine(request).content.decode()
    assert "Tiket saya" in html and "Tiket orang lain" not in html
    form_request = rf.get("/feedback/")
    form_request.user = _participant_principal(mine)
    form_html = views.file_ticket(form_request).content.decode()
    assert 'name="subject"' in form_html and 'name="phone"' not in form_html


def test_anyone_else_is_sent_to_follow_by_number(client, coord_a):
    client.force_login(coord_a)
    assert client.get(reverse("feedback:mine")).url == reverse("feedback:follow")
