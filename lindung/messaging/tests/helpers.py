"""Test helpers: a scripted in-process provider, consenting participants, settings."""

import datetime
import itertools
from collections import Counter
from typing import Any, ClassVar

from django.utils import timezone

from lindung.billing.tests.factories import informal_participant
from lindung.core import events
from lindung.core.tests.factories import bengkalis_village
from lindung.messaging.consent import consent_record
from lindung.messaging.models import Outcome
from lindung.messaging.outbox import NewMessage, outbox_enqueue
from lindung.messaging.providers import Outgoing, SendResult, reset_providers


class ScriptedProvider:
    """Answers from a script (a list of outcomes, consumed in order; then accepted);
    counts every call per outbox id."""

    name = "scripted"
    script: ClassVar[list[SendResult]] = []
    calls: ClassVar[Counter[int]] = Counter()
    sent: ClassVar[list[Outgoing]] = []
    _ids = itertools.count(1)

    def __init__(self, channel: str, config: dict[str, Any]) -> None:
        self.channel = channel

    def send(self, message: Outgoing) -> SendResult:
        type(self).calls[message.outbox_id] += 1
        type(self).sent.append(message)
        if type(self).script:
            return type(self).script.pop(0)
        return SendResult(Outcome.ACCEPTED, provider_message_id=f"wamid.{next(self._ids)}", http_status=200)

    @classmethod
    def reset(cls) -> None:
        cls.script = []
        cls.calls = Counter()
        cls.sent = []


def use_scripted(settings: Any, **overrides: Any) -> type[ScriptedProvider]:
    config = {**settings.LINDUNG_MESSAGING}
    config["WHATSAPP"] = {**config["WHATSAPP"], "provider": "lindung.messaging.tests.helpers.ScriptedProvider"}
    config["SMS"] = {**config["SMS"], "provider": "lindung.messaging.tests.helpers.ScriptedProvider"}
    config.update({"BACKOFF_BASE_SECONDS": 0.0, "BACKOFF_MAX_SECONDS": 0.0, "RATE_PER_SECOND": 1000, **overrides})
    settings.LINDUNG_MESSAGING = config
    reset_providers()
    ScriptedProvider.reset()
    return ScriptedProvider


def use_app_secret(settings: Any, secret: str, **whatsapp: str) -> str:
    """The scripted provider, and WhatsApp's app secret (signed webhooks) set."""
    use_scripted(settings)
    settings.LINDUNG_MESSAGING = {
        **settings.LINDUNG_MESSAGING,
        "WHATSAPP": {**settings.LINDUNG_MESSAGING["WHATSAPP"], "app_secret": secret, **whatsapp},
    }
    return secret


def consenting(coordinator: Any, **extra: Any) -> Any:
    participant = informal_participant(coordinator=coordinator, **extra)
    consent_record(actor=None, participant=participant, given=True, method="paper_form", evidence="form 12")
    return participant


def many_consenting(coordinator: Any, count: int) -> list[int]:
    """``count`` consenting participants written in bulk (thousands in a second or two,
    where ``consenting`` takes a few milliseconds each), announced like registrations."""
    from lindung.messaging.consent import consent_record_many
    from lindung.participants.models import Category, Participant, Sex, Status
    from lindung.participants.names import normalize_name
    from lindung.participants.tests.factories import make_nik

    village = bengkalis_village()
    people = []
    for n in range(count):
        # Built directly, not with ParticipantFactory: its NIK sequence is shared by the
        # whole test process and 10,000 more would give later tests 17-digit NIKs. A birth
        # date no factory uses and a 4-digit serial per day keep these NIKs unique.
        born = datetime.date(1991, 1, 1) + datetime.timedelta(days=n // 9000)
        name = f"Peserta Massal {n}"
        people.append(
            Participant(
                full_name=name,
                name_key=normalize_name(name),
                birth_place="Bengkalis",
                birth_date=born,
                sex=Sex.MALE,
                nik=make_nik(born, Sex.MALE, n % 9000 + 1),
                address="Jl. Pramuka No. 1",
                village=village,
                district=village.parent,
                coordinator=coordinator,
                registered_by=coordinator,
                phone=f"+62812{n:08d}",
                category=Category.INFORMAL,
                status=Status.ACTIVE,
                declared_income=1_000_000,
                registration_date=datetime.date(2025, 1, 10),
            )
        )
    created = Participant.objects.bulk_create(people, batch_size=2000)
    ids = [p.pk for p in created]
    events.emit("participant.registered", participant_ids=ids, subject=created[0])
    consent_record_many(participant_ids=ids, given=True, method="paper_form", at=timezone.now())
    return ids


def enqueue_many(participant_ids: list[int], *, stage: str = "due", source: str = "test") -> int:
    return outbox_enqueue(
        actor=None,
        messages=[
            NewMessage(
                participant_id=pk,
                channel="whatsapp",
                stage=stage,
                bill_id=None,
                template="iuran_jatuh_tempo",
                params=("Peserta", "Rp16.800"),
                body="Halo, iuran Rp16.800 jatuh tempo.",
            )
            for pk in participant_ids
        ],
        source=source,
    )


def enqueue(
    participant: Any, *, stage: str = "due", channel: str = "whatsapp", bill: Any = None, source: str = "test"
) -> int:
    return outbox_enqueue(
        actor=None,
        messages=[
            NewMessage(
                participant_id=participant.pk,
                channel=channel,
                stage=stage,
                bill_id=bill.pk if bill is not None else None,
                template="iuran_jatuh_tempo",
                params=(participant.full_name, "Rp16.800"),
                body=f"Halo {participant.full_name}, iuran Rp16.800 jatuh tempo.",
            )
        ],
        source=source,
    )


def use_fake(settings: Any, fake: Any, *, timeout: float = 1.0, **overrides: Any) -> None:
    """Point both channels at a running FakeProvider (fake_provider.py)."""
    config = {**settings.LINDUNG_MESSAGING}
    config["WHATSAPP"] = {
        **config["WHATSAPP"],
        "provider": "cloud",
        "base_url": fake.base_url,
        "api_version": "v21.0",
        "phone_number_id": "1234567890",
        "access_token": "test-token",
        "app_secret": fake.app_secret,
        "verify_token": "verify-me",
        "timeout": timeout,
    }
    config["SMS"] = {**config["SMS"], "provider": "http", "url": f"{fake.base_url}/sms", "timeout": timeout}
    config.update({"BACKOFF_BASE_SECONDS": 0.0, "BACKOFF_MAX_SECONDS": 0.0, "RATE_PER_SECOND": 1000, **overrides})
    settings.LINDUNG_MESSAGING = config
    reset_providers()


def wsgi_call(app: Any, path: str, body: bytes = b"", *, method: str = "POST", **headers: str) -> Any:
    """Call a WSGI application as gunicorn would (headers as ``HTTP_...`` keys), with
    the test database's connection kept open as Django's test client keeps it."""
    import io
    from types import SimpleNamespace

    from django.core import signals
    from django.db import close_old_connections

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        **headers,
    }
    answer: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer.update(status_code=int(status.split()[0]), headers=dict(response_headers))

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        content = b"".join(app(environ, start_response))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return SimpleNamespace(content=content, **answer)
