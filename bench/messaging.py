"""Dispatcher throughput to the fake provider, beside a bare HTTP client loop to the same
fake server, and webhook ingestion per second.

    DATABASE_URL=... .venv/bin/python -m bench.messaging [--messages 2000] [--runs 3]

Makes its own participants (marked ``bench-msg``) with consent if they are missing.
Each run empties the bench's outbox rows, writes ``--messages`` rows and times
``dispatch_until_idle`` (one worker, this process) until every row is sent; the
baseline POSTs the same Cloud API body the same number of times with one httpx client.
Webhook ingestion POSTs signed "delivered" callbacks for the sent rows through Django's
test client (in process: the view, the signature check and storage, no network), then
times the batched applier (webhook_apply.py) over what was stored. Medians of the runs
are printed; nothing is written to BENCHMARKS.md (the lead copies the figures)."""

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

from .django_setup import setup

MARK = "bench-msg"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.messaging")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--webhooks", type=int, default=2000)
    return parser.parse_args(argv)


def participants(n: int) -> list[int]:
    import datetime

    from django.utils import timezone

    from lindung.accounts.models import Role, User
    from lindung.messaging.models import ConsentRecord
    from lindung.participants.models import Participant
    from lindung.regions.models import Level, Region

    have = list(Participant.objects.filter(occupation=MARK).order_by("pk").values_list("pk", flat=True)[:n])
    if len(have) >= n:
        return have
    coordinator, _ = User.objects.get_or_create(
        username="bench_msg_coordinator", defaults={"role": Role.COORDINATOR, "first_name": "Bench"}
    )
    village = Region.objects.filter(level=Level.VILLAGE).first()
    if village is None:
        from lindung.core.tests.factories import bengkalis_village

        village = bengkalis_village()
    start = len(have)
    rows = [
        Participant(
            nik=f"9{i:015d}",
            full_name=f"Peserta Bench {i}",
            name_key=f"peserta bench {i}",
            birth_place="Bengkalis",
            birth_date=datetime.date(1988, 3, 9),
            sex="M",
            address="Jl. Bench",
            village=village,
            district=village.parent,
            phone=f"+62812{i:08d}"[:14],
            occupation=MARK,
            coordinator=coordinator,
            registered_by=coordinator,
            registration_date=datetime.date(2026, 1, 5),
            status="active",
            contact_consent=True,
        )
        for i in range(start + 1, n + 1)
    ]
    Participant.objects.bulk_create(rows, batch_size=1000)
    new = Participant.objects.filter(occupation=MARK).exclude(consent_records__isnull=False)
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(participant_id=pk, given=True, at=timezone.now(), method="bench")
            for pk in new.values_list("pk", flat=True)
        ],
        batch_size=1000,
    )
    return list(Participant.objects.filter(occupation=MARK).order_by("pk").values_list("pk", flat=True)[:n])


def configure(fake: Any) -> None:
    from django.conf import settings

    from lindung.messaging.providers import reset_providers

    config = dict(settings.LINDUNG_MESSAGING)
    config["WHATSAPP"] = {
        **config["WHATSAPP"],
        "provider": "cloud",
        "base_url": fake.base_url,
        "phone_number_id": "bench",
        "access_token": "bench",
        "app_secret": fake.app_secret,
    }
    config.update({"RATE_PER_SECOND": 100_000, "DAILY_BUDGET": 0, "BATCH": 200})
    settings.LINDUNG_MESSAGING = config
    from lindung.messaging import dispatch

    dispatch.kick = lambda: None  # the bench runs the dispatcher itself, timed
    reset_providers()


def reset(ids: list[int]) -> None:
    from lindung.messaging.models import OutboxAttempt, OutboxMessage, Sender, WebhookEvent

    rows = OutboxMessage.objects.filter(source=MARK)
    OutboxAttempt.objects.filter(message__source=MARK).delete()
    WebhookEvent.objects.filter(provider_message_id__startswith="wamid.fake.").delete()
    rows.delete()
    Sender.objects.filter(key="wa:bench").delete()


def enqueue(ids: list[int]) -> None:
    from lindung.messaging.outbox import NewMessage, outbox_enqueue

    outbox_enqueue(
        actor=None,
        source=MARK,
        messages=[
            NewMessage(
                participant_id=pk, channel="whatsapp", stage="bench", template="iuran", params=("Budi", "Rp16.800")
            )
            for pk in ids
        ],
    )


def time_dispatch(ids: list[int]) -> float:
    from lindung.messaging.dispatch import dispatch_until_idle

    reset(ids)
    enqueue(ids)
    started = time.perf_counter()
    tally = dispatch_until_idle(owner="bench", max_batches=100_000)
    elapsed = time.perf_counter() - started
    assert tally.sent == len(ids), tally
    return len(ids) / elapsed


def time_bare_client(fake: Any, n: int) -> float:
    import httpx

    from lindung.messaging.providers import Outgoing
    from lindung.messaging.providers.cloud import CloudProvider

    url = f"{fake.base_url}/v21.0/bench/messages"
    body = CloudProvider.body(Outgoing(1, "whatsapp", "+6281200000001", "iuran", "id", ["Budi", "Rp16.800"], "", ""))
    with httpx.Client() as client:
        started = time.perf_counter()
        for _ in range(n):
            client.post(url, json=body).raise_for_status()
        return n / (time.perf_counter() - started)


def time_webhooks(fake: Any, n: int) -> tuple[float, float]:
    """Callbacks accepted per second (the request: signature, raw storage, 200), then
    applied per second (webhook_apply's batches, which run after commit in production)."""
    from django.test import Client

    from lindung.messaging import fake_provider as fp
    from lindung.messaging import webhook_apply
    from lindung.messaging.models import OutboxMessage

    rows = list(OutboxMessage.objects.filter(source=MARK).values_list("pk", "provider_message_id")[:n])
    payloads = [fake.status_payload(mid, "delivered", ref=str(pk), to="6281200000001") for pk, mid in rows]
    client = Client()
    kick, webhook_apply.kick = webhook_apply.kick, lambda: None  # applied below, timed apart
    try:
        started = time.perf_counter()
        for payload in payloads:
            response = client.post(
                "/messaging/webhooks/whatsapp/",
                data=payload,
                content_type="application/json",
                HTTP_X_HUB_SIGNATURE_256=fp.sign(payload, fake.app_secret),
            )
            assert response.status_code == 200, response.status_code
        accepted = len(payloads) / (time.perf_counter() - started)
        started = time.perf_counter()
        webhook_apply.webhook_apply_all()
        applied = len(payloads) / (time.perf_counter() - started)
    finally:
        webhook_apply.kick = kick
    assert OutboxMessage.objects.filter(pk__in=[pk for pk, _ in rows], status="delivered").count() == len(rows)
    return accepted, applied


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup()
    from django.conf import settings
    from django.db import connection

    from lindung.messaging import fake_provider as fp

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    ids = participants(max(args.messages, args.webhooks))[: args.messages]
    with fp.FakeProvider(send_webhooks=False) as fake:
        configure(fake)
        dispatch, bare, hooks, applied = [], [], [], []
        for run in range(args.runs):
            dispatch.append(time_dispatch(ids))
            bare.append(time_bare_client(fake, len(ids)))
            accepted, done = time_webhooks(fake, args.webhooks)
            hooks.append(accepted)
            applied.append(done)
            print(
                f"run {run + 1}: dispatcher {dispatch[-1]:.0f}/s, bare client {bare[-1]:.0f}/s, "
                f"webhooks accepted {hooks[-1]:.0f}/s, applied {applied[-1]:.0f}/s",
                flush=True,
            )
    d, b, h, a = (statistics.median(x) for x in (dispatch, bare, hooks, applied))
    print(
        f"{connection.vendor}, {len(ids)} messages, median of {args.runs}: dispatcher {d:.0f} msg/s, "
        f"bare httpx loop {b:.0f} req/s (ratio {d / b:.2f}), webhooks accepted {h:.0f} callbacks/s, "
        f"applied {a:.0f} callbacks/s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
