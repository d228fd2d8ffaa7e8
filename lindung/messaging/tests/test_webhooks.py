import sys

import pytest
from django.test import Client

from lindung.messaging import fake_provider as fp
from lindung.messaging.consent import participant_may_be_messaged
from lindung.messaging.dispatch import claim, dispatch_until_idle, settle_unknown
from lindung.messaging.models import InboundMessage, OutboxMessage, Status, WebhookEvent
from lindung.messaging.webhook_wsgi import with_webhook_path
from lindung.messaging.webhooks import signature_valid

from .helpers import consenting, enqueue, use_app_secret, use_scripted, wsgi_call

pytestmark = pytest.mark.django_db
URL = "/messaging/webhooks/whatsapp/"
SECRET = "s3cret-app"


@pytest.fixture
def secret(settings):
    return use_app_secret(settings, SECRET, verify_token="verify-me")


@pytest.fixture
def fake():
    return fp.FakeProvider(app_secret=SECRET)  # not started: only its payload builders


@pytest.fixture(params=["django", "lean"], autouse=True)
def via(request, monkeypatch):
    """Every callback POST in this module goes both through the Django view and through
    the lean WSGI path in front of it (webhook_wsgi.py): the same answers, the same rows."""
    monkeypatch.setattr(sys.modules[__name__], "VIA", request.param)
    return request.param


VIA = "django"


def _django_must_not_answer(environ, start_response):
    raise AssertionError(f"the lean path passed {environ['PATH_INFO']} on to Django")


def post(payload: bytes, signature: str | None = "valid", **extra):
    headers = {}
    if signature == "valid":
        headers["HTTP_X_HUB_SIGNATURE_256"] = fp.sign(payload, SECRET)
    elif signature is not None:
        headers["HTTP_X_HUB_SIGNATURE_256"] = signature
    if VIA == "lean":
        return wsgi_call(with_webhook_path(_django_must_not_answer), URL, payload, **headers, **extra)
    return Client().post(URL, data=payload, content_type="application/json", **headers, **extra)


def sent_row(coordinator):
    enqueue(consenting(coordinator))
    dispatch_until_idle()
    return OutboxMessage.objects.get()


def status(fake, row, name, **extra):
    return fake.status_payload(row.provider_message_id, name, ref=str(row.pk), to="6281234567890", **extra)


def test_the_verification_handshake(secret):
    client = Client()
    ok = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"})
    assert (ok.status_code, ok.content) == (200, b"1158201444")
    assert (
        client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"}).status_code == 403
    )
    assert client.get(URL, {"hub.challenge": "1"}).status_code == 403


def test_no_verify_token_configured_refuses_the_handshake(settings):
    settings.LINDUNG_MESSAGING = {
        **settings.LINDUNG_MESSAGING,
        "WHATSAPP": {**settings.LINDUNG_MESSAGING["WHATSAPP"], "verify_token": ""},
    }
    response = Client().get(URL, {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"})
    assert response.status_code == 403


def test_a_bad_or_missing_signature_is_refused_and_nothing_is_stored(secret, fake, coord_a):
    row = sent_row(coord_a)
    payload = status(fake, row, "delivered")
    assert post(payload, signature=None).status_code == 403
    assert post(payload, signature="sha256=" + "0" * 64).status_code == 403
    assert post(payload, signature=fp.sign(payload, "another-secret")).status_code == 403
    assert post(payload + b" ", signature=fp.sign(payload, SECRET)).status_code == 403  # body changed
    assert not WebhookEvent.objects.exists()
    assert OutboxMessage.objects.get().status == Status.SENT
    assert not signature_valid(payload, fp.sign(payload, ""), "")  # no secret: nothing is valid


def test_an_oversized_body_is_refused(secret, settings):
    settings.LINDUNG_MESSAGING = {**settings.LINDUNG_MESSAGING, "WEBHOOK_MAX_BYTES": 100}
    assert post(b"{" + b" " * 200 + b"}").status_code == 413


def test_statuses_move_forward_only_and_duplicates_are_stored_once(secret, fake, coord_a):
    row = sent_row(coord_a)
    delivered, read = status(fake, row, "delivered"), status(fake, row, "read")
    assert post(delivered).status_code == 200
    assert post(delivered).status_code == 200  # Meta retries: the same callback again
    assert post(read).status_code == 200
    assert post(delivered).status_code == 200  # late and out of order
    row.refresh_from_db()
    assert row.status == Status.READ and row.delivered_at and row.read_at
    assert WebhookEvent.objects.count() == 2
    assert sorted(WebhookEvent.objects.values_list("status", "outcome")) == [
        ("delivered", "applied"),
        ("read", "applied"),
    ]


def test_a_status_for_an_unknown_message_is_stored_and_ignored(secret, fake):
    payload = fake.status_payload("wamid.nobody", "delivered", ref="", to="628100")
    assert post(payload).status_code == 200
    event = WebhookEvent.objects.get()
    assert (event.provider_message_id, event.outcome) == ("wamid.nobody", "unknown_message")
    # Nor does a callback id that points at another message's row take it over.
    payload = fake.status_payload("wamid.other", "delivered", ref="999999", to="628100")
    assert post(payload).status_code == 200
    assert WebhookEvent.objects.get(provider_message_id="wamid.other").outcome == "unknown_message"


def test_malformed_json_with_a_valid_signature_is_a_bad_request(secret):
    assert post(b"not json").status_code == 400


def test_a_webhook_settles_an_unknown_message_so_it_is_never_resent(secret, fake, coord_a, settings):
    provider = use_scripted(settings)
    settings.LINDUNG_MESSAGING = {
        **settings.LINDUNG_MESSAGING,
        "WHATSAPP": {**settings.LINDUNG_MESSAGING["WHATSAPP"], "app_secret": SECRET},
    }
    enqueue(consenting(coord_a))
    (row,) = claim(owner="w", batch=10)
    OutboxMessage.objects.filter(pk=row.pk).update(status=Status.UNKNOWN)  # a timeout after sending
    row.provider_message_id = "wamid.from-meta"
    assert post(status(fake, row, "sent")).status_code == 200
    row.refresh_from_db()
    assert (row.status, row.provider_message_id) == (Status.SENT, "wamid.from-meta")
    from datetime import timedelta

    from django.utils import timezone

    assert settle_unknown(now=timezone.now() + timedelta(days=1)) == 0
    assert dispatch_until_idle().claimed == 0
    assert not provider.calls


def test_a_failed_status_with_a_permanent_code_falls_back_to_sms(secret, fake, coord_a):
    row = sent_row(coord_a)
    payload = status(fake, row, "failed", errors=[{"code": 131026, "title": "Message undeliverable"}])
    assert post(payload).status_code == 200
    row.refresh_from_db()
    assert (row.status, row.error_code) == (Status.FAILED, "131026")
    assert OutboxMessage.objects.get(channel="sms").fallback_of == row


def test_stop_and_berhenti_opt_out_on_every_channel_and_the_next_send_skips(secret, fake, coord_a, settings):
    participant = consenting(coord_a)
    assert post(fake.reply_payload(participant.phone, " Berhenti. ")).status_code == 200
    assert not participant_may_be_messaged(participant, "whatsapp")
    assert not participant_may_be_messaged(participant, "sms")
    reply = InboundMessage.objects.get()
    assert (reply.participant, reply.action) == (participant, "opt_out")
    enqueue(participant, channel="sms")
    assert dict(dispatch_until_idle().skipped) == {"no_consent": 1}


def test_other_replies_are_kept_once_for_the_inbox(secret, fake, coord_a):
    participant = consenting(coord_a)
    payload = fake.reply_payload(participant.phone, "Berapa tagihan saya?")
    assert post(payload).status_code == 200
    assert post(payload).status_code == 200
    reply = InboundMessage.objects.get()
    assert (reply.action, reply.text, reply.participant) == ("stored", "Berapa tagihan saya?", participant)
    assert participant_may_be_messaged(participant, "whatsapp")
