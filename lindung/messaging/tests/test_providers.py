import pytest

from lindung.messaging import fake_provider as fp
from lindung.messaging.dispatch import dispatch_until_idle
from lindung.messaging.models import DevMessage, OutboxMessage, Outcome, Status
from lindung.messaging.providers import Outgoing, provider_for
from lindung.messaging.providers.cloud import CloudProvider
from lindung.messaging.providers.sms_http import HttpSmsProvider

from .helpers import consenting, enqueue, use_fake

MESSAGE = Outgoing(
    outbox_id=41,
    channel="whatsapp",
    to="+6281234567890",
    template="iuran_jatuh_tempo",
    language="id",
    params=["Budi", "Rp16.800"],
    body="Halo Budi",
    sender="",
)


@pytest.fixture
def fake():
    with fp.FakeProvider() as server:
        yield server


def cloud(fake, timeout=1.0):
    return CloudProvider(
        {
            "base_url": fake.base_url,
            "api_version": "v21.0",
            "phone_number_id": "1234567890",
            "access_token": "t",
            "timeout": timeout,
        }
    )


def test_cloud_api_template_message_shape_and_answer(fake):
    result = cloud(fake).send(MESSAGE)
    assert result.outcome == Outcome.ACCEPTED and result.provider_message_id.startswith("wamid.fake.")
    (body,) = fake.bodies
    assert body == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281234567890",
        "type": "template",
        "template": {
            "name": "iuran_jatuh_tempo",
            "language": {"code": "id"},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": "Budi"}, {"type": "text", "text": "Rp16.800"}]}
            ],
        },
        "biz_opaque_callback_data": "41",
    }
    assert fake.accepted == {"41": 1}


@pytest.mark.parametrize(
    ("action", "outcome", "code"),
    [
        (fp.error(400, 131026), Outcome.PERMANENT, "131026"),
        (fp.error(400, 132000), Outcome.PERMANENT, "132000"),
        (fp.error(400, 131048), Outcome.PAUSE, "131048"),
        (fp.error(400, 130429), Outcome.RETRY, "130429"),
        (fp.error(429, None), Outcome.RETRY, ""),
        (fp.error(503, None), Outcome.RETRY, ""),
    ],
)
def test_cloud_api_errors_are_classified(fake, action, outcome, code):
    fake.then(action)
    result = cloud(fake).send(MESSAGE)
    assert (result.outcome, result.error_code) == (outcome, code)
    assert not fake.accepted


def test_a_timeout_after_the_request_went_out_is_unknown(fake):
    fake.slow_seconds = 1.0
    fake.then(fp.TIMEOUT)
    result = cloud(fake, timeout=0.3).send(MESSAGE)
    assert result.outcome == Outcome.UNKNOWN
    assert fake.accepted == {"41": 1}  # the provider did take it: resending would duplicate


def test_a_dropped_connection_is_unknown_and_a_refused_one_retries(fake):
    fake.then(fp.DROP)
    assert cloud(fake).send(MESSAGE).outcome == Outcome.UNKNOWN
    provider = cloud(fake)
    fake.stop()
    assert provider.send(MESSAGE).outcome == Outcome.RETRY  # never reached the provider


def test_sms_gateway_fields_and_auth_are_configurable(fake):
    provider = HttpSmsProvider(
        {
            "url": f"{fake.base_url}/sms",
            "auth_header": "X-Api-Key",
            "auth_value": "k",
            "sender": "BPJSTK",
            "fields": {"to": "msisdn", "text": "content", "sender": "from", "reference": "reference"},
            "id_field": "id",
            "timeout": 1.0,
        }
    )
    result = provider.send(MESSAGE)
    assert result.outcome == Outcome.ACCEPTED and result.provider_message_id.startswith("sms.fake.")
    assert fake.bodies == [{"msisdn": "+6281234567890", "content": "Halo Budi", "from": "BPJSTK", "reference": "41"}]
    assert provider.client.headers["X-Api-Key"] == "k"
    fake.then(fp.error(503))
    assert provider.send(MESSAGE).outcome == Outcome.RETRY


@pytest.mark.django_db
def test_the_dispatcher_sends_each_message_exactly_once_to_the_fake_cloud_api(coord_a, settings, fake):
    use_fake(settings, fake)
    participants = [consenting(coord_a) for _ in range(12)]
    for participant in participants:
        enqueue(participant)
    fake.then(fp.error(503), fp.error(429), fp.error(400, 130429))
    tally = dispatch_until_idle()
    assert (tally.sent, tally.retried) == (12, 3)
    ids = {str(pk) for pk in OutboxMessage.objects.values_list("pk", flat=True)}
    assert fake.accepted == dict.fromkeys(ids, 1)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.django_db
def test_a_permanent_whatsapp_refusal_reaches_the_sms_gateway_once(coord_a, settings, fake):
    use_fake(settings, fake)
    participant = consenting(coord_a)
    fake.refused["6281234567890"] = fp.error(400, 131026)
    enqueue(participant)
    dispatch_until_idle()
    sms = OutboxMessage.objects.get(channel="sms")
    assert sms.status == Status.SENT
    assert fake.sms == {str(sms.pk): 1} and not fake.accepted


@pytest.mark.django_db
def test_the_development_provider_keeps_messages_for_the_admins_page(coord_a, admin, client, settings):
    settings.LINDUNG_MESSAGING = {
        **settings.LINDUNG_MESSAGING,
        "WHATSAPP": {**settings.LINDUNG_MESSAGING["WHATSAPP"], "provider": "dev"},
    }
    assert provider_for("whatsapp").name == "dev"
    enqueue(consenting(coord_a, full_name="Siti Dev"))
    dispatch_until_idle()
    assert DevMessage.objects.get().text.startswith("Halo Siti Dev")
    client.force_login(admin)
    response = client.get("/messaging/dev-outbox/")
    assert response.status_code == 200 and "Halo Siti Dev" in response.content.decode()
    client.force_login(coord_a)
    assert client.get("/messaging/dev-outbox/").status_code == 403


def test_the_fake_counts_no_message_from_a_request_cut_off_before_its_body():
    """A worker SIGKILLed while writing its request never handed the API a message: the
    fake must not count one (the exactly-once test counts at the fake)."""
    import json
    import socket

    body = json.dumps({"to": "6281234567890", "biz_opaque_callback_data": "7"}).encode()
    with fp.FakeProvider(send_webhooks=False) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as cut:
            cut.sendall(
                b"POST /v21.0/1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
            )  # killed after the headers, before a byte of the body
        whole = CloudProvider(
            {
                "base_url": server.base_url,
                "api_version": "v21.0",
                "phone_number_id": "1",
                "access_token": "t",
                "timeout": 5,
            }
        ).send(Outgoing(8, "whatsapp", "+6281234567890", "late", "id", [], "", ""))
        assert whole.outcome == Outcome.ACCEPTED  # served after the cut request
        assert server.accepted == {"8": 1}
