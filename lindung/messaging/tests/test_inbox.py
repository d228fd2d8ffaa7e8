"""Inbound messages (MSG-9): matching by number, keywords as data, automatic answers,
and the staff inbox with its access rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from lindung.billing.bills.services import bills_generate
from lindung.core.tests.factories import CoordinatorFactory
from lindung.messaging.consent import latest_consent, participant_may_be_messaged
from lindung.messaging.dispatch import dispatch_until_idle
from lindung.messaging.inbox import services
from lindung.messaging.inbox.models import ReplyKeyword
from lindung.messaging.inbox.receive import inbound_receive
from lindung.messaging.models import InboundMessage, InboxState, OutboxMessage, Status
from lindung.participants.models import Participant

from .helpers import consenting, use_scripted

pytestmark = pytest.mark.django_db
PHONE = "+6281311112222"


def receive(text: str, number: str = "081311112222", channel: str = "whatsapp", mid: str = "") -> InboundMessage:
    mid = mid or f"in.{InboundMessage.objects.count() + 1}.{text}"
    return inbound_receive(channel=channel, message_id=mid, from_number=number, text=text)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_berhenti_clears_the_record_and_the_ledger_and_the_confirmation_still_goes(settings, coord_a):
    provider = use_scripted(settings)
    participant = consenting(coord_a, phone=PHONE)
    Participant.objects.filter(pk=participant.pk).update(contact_consent=True)
    inbound = receive(" Berhenti! ")
    participant.refresh_from_db()
    assert (inbound.participant, inbound.action, inbound.state) == (participant, "opt_out", InboxState.DONE)
    assert participant.contact_consent is False and participant.consent_at is None
    assert not participant_may_be_messaged(participant, "whatsapp")
    assert not participant_may_be_messaged(participant, "sms")
    record = latest_consent(participant.pk, "whatsapp")
    assert record.method == "reply_stop" and f"inbound message {inbound.pk}" in record.evidence
    # The confirmation answers the participant's own message: sent despite the opt-out.
    dispatch_until_idle()
    answer = OutboxMessage.objects.get(stage=f"reply:{inbound.pk}")
    assert answer.status == Status.SENT and "MULAI" in answer.body
    assert [m.body for m in provider.sent] == [answer.body]


def test_mulai_gives_consent_back_on_the_record_and_the_ledger(settings, coord_a):
    use_scripted(settings)
    participant = consenting(coord_a, phone=PHONE)
    receive("STOP")
    receive("mulai")
    participant.refresh_from_db()
    assert participant.contact_consent is True and participant.consent_method == "whatsapp"
    assert participant_may_be_messaged(participant, "whatsapp")


def test_stop_from_a_shared_number_stops_everyone_with_it(settings, coord_a, coord_b):
    use_scripted(settings)
    first, second = consenting(coord_a, phone=PHONE), consenting(coord_b, phone=PHONE)
    receive("STOP")
    assert not participant_may_be_messaged(first) and not participant_may_be_messaged(second)


def test_a_keyword_inside_a_sentence_is_left_for_a_person(settings, coord_a):
    use_scripted(settings)
    participant = consenting(coord_a, phone=PHONE)
    inbound = receive("jangan stop dulu ya, saya mau bayar")
    assert (inbound.action, inbound.state) == ("stored", InboxState.NEW)
    assert participant_may_be_messaged(participant)
    assert not OutboxMessage.objects.exists()


def test_saldo_answers_with_what_is_owed(settings, coord_a):
    use_scripted(settings)
    participant = consenting(coord_a, phone=PHONE, registration_date=datetime.date(2026, 1, 5))
    bills_generate(month=datetime.date(2026, 1, 1))
    inbound = receive("saldo")
    answer = OutboxMessage.objects.get(stage=f"reply:{inbound.pk}")
    assert inbound.action == "answered" and participant.full_name in answer.body
    assert "Rp" in answer.body and "Rp 0" not in answer.body


def test_keywords_are_data_an_admin_can_add(settings, coord_a):
    use_scripted(settings)
    consenting(coord_a, phone=PHONE)
    ReplyKeyword.objects.create(word="HENTIKAN", action="opt_out", reply="")
    assert receive("hentikan").action == "opt_out"
    ReplyKeyword.objects.filter(word="HENTIKAN").update(active=False)
    assert receive("hentikan").action == "stored"


def test_a_keyword_answer_naming_an_unknown_field_is_refused():
    with pytest.raises(ValidationError) as caught:
        ReplyKeyword(word="x", action="balance", reply="Halo {nama}").clean()
    assert "nama" in str(caught.value)


def test_the_same_message_delivered_twice_is_kept_and_acted_on_once(settings, coord_a):
    use_scripted(settings)
    consenting(coord_a, phone=PHONE)
    first = receive("SALDO", mid="wamid.same")
    second = receive("SALDO", mid="wamid.same")
    assert first.pk == second.pk and OutboxMessage.objects.count() == 1


def test_numbers_match_in_any_written_form_and_unknown_ones_wait_for_an_admin(settings, coord_a):
    use_scripted(settings)
    participant = consenting(coord_a, phone=PHONE)
    assert receive("halo", number="6281311112222").participant == participant
    assert receive("halo", number="+62 813-1111-2222").participant == participant
    stranger = receive("STOP", number="6281399998888")
    assert stranger.participant is None and stranger.state == InboxState.NEW
    assert participant_may_be_messaged(participant)


def test_the_phone_lookup_uses_its_index():
    sql = str(Participant.objects.filter(phone=PHONE).query)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql.replace(PHONE, f"'{PHONE}'"))
        else:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql.replace(PHONE, f"'{PHONE}'"))
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "participant_phone" in plan


def test_a_coordinator_sees_only_their_participants_messages(settings, coord_a, coord_b, admin):
    use_scripted(settings)
    consenting(coord_a, phone=PHONE)
    mine = receive("tolong telepon saya")
    stranger = receive("siapa ini?", number="6281399998888")
    page_a = client_for(coord_a).get("/messaging/inbox/")
    assert "tolong telepon saya" in page_a.text and "siapa ini?" not in page_a.text
    assert "tolong telepon saya" not in client_for(coord_b).get("/messaging/inbox/").text
    assert client_for(coord_b).get(f"/messaging/inbox/{mine.pk}/").status_code == 404
    assert client_for(coord_a).get(f"/messaging/inbox/{stranger.pk}/").status_code == 404
    admin_page = client_for(admin).get("/messaging/inbox/?state=unmatched").text
    assert "siapa ini?" in admin_page and "tolong telepon saya" not in admin_page


def test_an_answer_inside_the_window_is_free_text_and_after_it_a_template(settings, coord_a):
    use_scripted(settings)
    consenting(coord_a, phone=PHONE)
    inbound = receive("kapan jatuh tempo?")
    row = services.inbox_reply(actor=coord_a, inbound=inbound, text="Tanggal 15 setiap bulan.")
    assert (row.body, row.template) == ("Tanggal 15 setiap bulan.", "")
    inbound.refresh_from_db()
    assert (inbound.state, inbound.assigned_to) == (InboxState.ASSIGNED, coord_a)
    InboundMessage.objects.update(received_at=timezone.now() - datetime.timedelta(hours=25))
    later = services.inbox_reply(actor=coord_a, inbound=inbound, text="Sudah dibayar?")
    assert (later.body, later.template, later.params) == ("", "lindung_balasan", ["Sudah dibayar?"])


def test_an_answer_is_refused_with_a_reason_and_the_text_kept(settings, coord_a, admin):
    use_scripted(settings)
    stranger = receive("siapa ini?", number="6281399998888")
    response = client_for(admin).post(f"/messaging/inbox/{stranger.pk}/reply/", {"text": "Halo, dengan siapa?"})
    assert response.status_code == 400
    assert "belongs to no participant" in response.text and "Halo, dengan siapa?" in response.text
    assert not OutboxMessage.objects.exists()


def test_another_coordinator_may_not_answer_assign_or_close(settings, coord_a, coord_b):
    use_scripted(settings)
    consenting(coord_a, phone=PHONE)
    inbound = receive("halo")
    client = client_for(coord_b)
    assert client.post(f"/messaging/inbox/{inbound.pk}/reply/", {"text": "x"}).status_code == 404
    assert client.post(f"/messaging/inbox/{inbound.pk}/move/", {"step": "done"}).status_code == 404
    assert client.post(f"/messaging/inbox/{inbound.pk}/assign/", {"assigned_to": coord_b.pk}).status_code == 404
    inbound.refresh_from_db()
    assert inbound.state == InboxState.NEW and not OutboxMessage.objects.exists()
    with pytest.raises(Exception) as caught:
        services.inbox_reply(actor=coord_b, inbound=inbound, text="x")
    assert type(caught.value).__name__ in ("PermissionDenied", "Http404")


def test_assign_done_and_reopen(settings, coord_a, admin):
    use_scripted(settings)
    consenting(coord_a, phone=PHONE)
    inbound = receive("halo")
    outsider = CoordinatorFactory()
    with pytest.raises(ValidationError):
        services.inbox_assign(actor=admin, inbound=inbound, to=outsider)
    client = client_for(admin)
    client.post(f"/messaging/inbox/{inbound.pk}/assign/", {"assigned_to": coord_a.pk})
    inbound.refresh_from_db()
    assert (inbound.state, inbound.assigned_to) == (InboxState.ASSIGNED, coord_a)
    assert "halo" in client_for(coord_a).get("/messaging/inbox/?state=mine").text
    client_for(coord_a).post(f"/messaging/inbox/{inbound.pk}/move/", {"step": "done"})
    inbound.refresh_from_db()
    assert (inbound.state, inbound.done_by) == (InboxState.DONE, coord_a)
    client.post(f"/messaging/inbox/{inbound.pk}/move/", {"step": "reopen"})
    inbound.refresh_from_db()
    assert (inbound.state, inbound.done_at) == (InboxState.NEW, None)


def test_inbound_sms_needs_the_gateway_token_and_is_read_from_form_or_json(settings, coord_a):
    use_scripted(settings)
    settings.LINDUNG_MESSAGING = {
        **settings.LINDUNG_MESSAGING,
        "SMS": {**settings.LINDUNG_MESSAGING["SMS"], "inbound_token": "gw-token"},
    }
    participant = consenting(coord_a, phone=PHONE)
    url = "/messaging/webhooks/sms/"
    assert Client().post(url, {"from": "081311112222", "text": "STOP", "id": "1"}).status_code == 403
    assert Client().post(url + "?token=wrong", {"from": "0813", "text": "STOP", "id": "1"}).status_code == 403
    assert Client().post(url + "?token=gw-token", {"text": "STOP"}).status_code == 400
    assert (
        Client().post(url, "{nope", content_type="application/json", HTTP_X_LINDUNG_TOKEN="gw-token").status_code == 400
    )
    ok = Client().post(
        url,
        {"from": "081311112222", "text": "BERHENTI", "id": "77"},
        content_type="application/json",
        HTTP_X_LINDUNG_TOKEN="gw-token",
    )
    assert ok.status_code == 200
    inbound = InboundMessage.objects.get()
    assert (inbound.channel, inbound.participant, inbound.action) == ("sms", participant, "opt_out")
    assert not participant_may_be_messaged(participant, "sms")


def test_the_admin_refuses_a_keyword_answer_with_an_unknown_field(admin):
    admin.is_staff = admin.is_superuser = True  # Django's admin site lets in staff only
    admin.save(update_fields=["is_staff", "is_superuser"])
    client = client_for(admin)
    response = client.post(
        "/django-admin/messaging/replykeyword/add/",
        {"word": "cek", "action": "balance", "reply": "Halo {nama}", "active": "on"},
    )
    assert response.status_code == 200 and "nama" in response.text
    assert not ReplyKeyword.objects.filter(word="CEK").exists()
    client.post(
        "/django-admin/messaging/replykeyword/add/", {"word": " cek  saldo ", "action": "balance", "reply": "{owed}"}
    )
    assert ReplyKeyword.objects.filter(word="CEK SALDO").exists()
