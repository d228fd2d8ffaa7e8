"""The development provider's simulator: statuses and replies go through the real
webhook ingestion, only for administrators, only while a dev provider is configured."""

import pytest
from django.test import Client

from lindung.messaging.consent import participant_may_be_messaged
from lindung.messaging.dispatch import dispatch_until_idle
from lindung.messaging.models import DevMessage, InboundMessage, OutboxMessage, Status
from lindung.messaging.providers import reset_providers

from .helpers import consenting, enqueue

pytestmark = pytest.mark.django_db


@pytest.fixture
def dev(settings):
    settings.LINDUNG_MESSAGING = {
        **settings.LINDUNG_MESSAGING,
        "WHATSAPP": {**settings.LINDUNG_MESSAGING["WHATSAPP"], "provider": "dev"},
        "SMS": {**settings.LINDUNG_MESSAGING["SMS"], "provider": "dev"},
        "RATE_PER_SECOND": 1000,
    }
    reset_providers()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_simulated_statuses_move_the_message_forward(dev, coord_a, admin):
    enqueue(consenting(coord_a))
    dispatch_until_idle()
    message = DevMessage.objects.get()
    client = signed_in(admin)
    client.post(f"/messaging/dev-outbox/{message.pk}/status/", {"status": "delivered"})
    assert OutboxMessage.objects.get().status == Status.DELIVERED
    client.post(f"/messaging/dev-outbox/{message.pk}/status/", {"status": "read"})
    client.post(f"/messaging/dev-outbox/{message.pk}/status/", {"status": "delivered"})  # late: ignored
    assert OutboxMessage.objects.get().status == Status.READ
    client.cookies["django_language"] = "en"
    assert "<td>Read</td>" in client.get("/messaging/dev-outbox/").text


def test_a_simulated_failure_falls_back_to_sms(dev, coord_a, admin):
    enqueue(consenting(coord_a))
    dispatch_until_idle()
    signed_in(admin).post(f"/messaging/dev-outbox/{DevMessage.objects.get().pk}/status/", {"status": "failed"})
    whatsapp = OutboxMessage.objects.get(channel="whatsapp")
    assert whatsapp.status == Status.FAILED and whatsapp.error_code == "131026"
    assert OutboxMessage.objects.get(channel="sms").fallback_of == whatsapp


def test_a_simulated_berhenti_reaches_the_inbox_and_withdraws_consent(dev, coord_a, admin):
    participant = consenting(coord_a, phone="+6281355556666")
    response = signed_in(admin).post(
        "/messaging/dev-outbox/reply/", {"from_number": "0813-5555-6666", "text": "BERHENTI"}
    )
    assert response.status_code == 302
    inbound = InboundMessage.objects.get()
    assert (inbound.participant, inbound.action) == (participant, "opt_out")
    participant.refresh_from_db()
    assert not participant.contact_consent and not participant_may_be_messaged(participant)


def test_only_administrators_and_only_with_the_dev_provider(dev, settings, coord_a, admin):
    enqueue(consenting(coord_a))
    dispatch_until_idle()
    pk = DevMessage.objects.get().pk
    refused = signed_in(coord_a).post(f"/messaging/dev-outbox/{pk}/status/", {"status": "read"})
    assert refused.status_code in (302, 403, 404)
    assert signed_in(coord_a).post(
        "/messaging/dev-outbox/reply/", {"from_number": "0813", "text": "x"}
    ).status_code in (
        302,
        403,
        404,
    )
    assert OutboxMessage.objects.get().status == Status.SENT and not InboundMessage.objects.exists()
    settings.LINDUNG_MESSAGING = {
        **settings.LINDUNG_MESSAGING,
        "WHATSAPP": {**settings.LINDUNG_MESSAGING["WHATSAPP"], "provider": "cloud"},
        "SMS": {**settings.LINDUNG_MESSAGING["SMS"], "provider": "http"},
    }
    assert signed_in(admin).post(f"/messaging/dev-outbox/{pk}/status/", {"status": "read"}).status_code == 404
    assert OutboxMessage.objects.get().status == Status.SENT
