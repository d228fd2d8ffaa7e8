"""Dispatcher throughput to the fake provider, beside a bare HTTP client loop to the
same fake server, and status webhooks accepted through gunicorn.

    DATABASE_URL=... .venv/bin/python -m bench.messaging [--messages 10000] [--runs 3]
        [--processes 1,2] [--chunk 50] [--webhooks 10000] [--per-request 1,10]
        [--gunicorn-workers 4] [--clients 8] [--wsgi-app config.wsgi:application]

Makes its own participants (marked ``bench-msg``, each its own number) with consent if
they are missing. The fake Cloud API (lindung/messaging/fake_provider.py) runs in a
process of its own, so neither the dispatcher nor the baseline shares an interpreter
with it. Each dispatcher run empties the bench's outbox rows, writes ``--messages``
rows and starts N dispatcher processes (``dispatch_until_idle``, as N Celery workers
would), released together once Django is up in each; the time is from the release to
the last one finding nothing left. The baselines POST the same Cloud API body the
same number of times: one httpx client in a loop, and the same with as many threads
as the dispatcher's CONCURRENCY (the server's ceiling for that many connections).

Webhooks: signed status callbacks for the rows just sent, POSTed through gunicorn
(bench/messaging_webhooks.py) with one status per request and with several (Meta
batches them), counted as requests/s and statuses/s; then the stored callbacks are
applied in process (webhook_apply.py) and timed. ``--save FILE --label old|new``
appends a go's figures to FILE; ``--report FILE`` writes BENCHMARKS.md's marked
messaging section from every go in it (to compare code, alternate goes from a tree of
each, each with its own database)."""

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .django_setup import setup
from .sections import write_section

MARK = "bench-msg"
SENDER = "wa:bench"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.messaging")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--processes", default="1,2", help="dispatcher process counts, e.g. 1,2")
    parser.add_argument("--chunk", type=int, default=0, help="MESSAGING_SEND_CHUNK (0: the setting)")
    parser.add_argument("--batch", type=int, default=0, help="MESSAGING_BATCH (0: the setting)")
    parser.add_argument("--concurrency", type=int, default=0, help="MESSAGING_CONCURRENCY (0: the setting)")
    parser.add_argument("--webhooks", type=int, default=10_000, help="statuses per webhook case (0: none)")
    parser.add_argument("--per-request", default="1,10", help="statuses in one POST, e.g. 1,10")
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8, help="webhook requests in flight")
    parser.add_argument("--wsgi-app", default="config.wsgi:application")
    parser.add_argument("--only", choices=["dispatch", "webhooks"], default=None)
    parser.add_argument("--label", default="new", help="what code ran (old, new, ...) for --save")
    parser.add_argument("--save", default="", help="append this go's figures to a JSON-lines file")
    parser.add_argument("--report", default="", help="no run: write BENCHMARKS.md's section from a --save file")
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


def configure(base_url: str, app_secret: str, tuning: dict[str, int]) -> None:
    from django.conf import settings

    from lindung.messaging.providers import reset_providers

    config = dict(settings.LINDUNG_MESSAGING)
    config["WHATSAPP"] = {
        **config["WHATSAPP"],
        "provider": "cloud",
        "base_url": base_url,
        "phone_number_id": "bench",
        "access_token": "bench",
        "app_secret": app_secret,
    }
    # A tier far above the run (every bench participant is a new recipient, so the
    # budget is taken for each message) and a rate the bucket never holds back.
    config.update({"RATE_PER_SECOND": 100_000, "DAILY_BUDGET": 10_000_000})
    config.update({k: v for k, v in tuning.items() if v})
    settings.LINDUNG_MESSAGING = config
    from lindung.messaging import dispatch

    dispatch.kick = lambda: None  # the bench runs the dispatcher itself, timed
    reset_providers()


def reset() -> None:
    from lindung.messaging.models import OutboxAttempt, OutboxMessage, Sender, WebhookEvent

    OutboxAttempt.objects.filter(message__source=MARK).delete()
    WebhookEvent.objects.filter(provider_message_id__startswith="wamid.fake.").delete()
    OutboxMessage.objects.filter(source=MARK).delete()
    Sender.objects.filter(key=SENDER).delete()


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


# --- processes ---------------------------------------------------------------------


def _serve_fake(conn: Any) -> None:
    from lindung.messaging import fake_provider as fp

    with fp.FakeProvider(send_webhooks=False) as fake:
        conn.send((fake.base_url, fake.app_secret))
        conn.recv()  # until the bench is done


def _dispatcher(base_url: str, secret: str, tuning: dict[str, int], owner: str, go: Any, out: Any) -> None:
    setup()
    configure(base_url, secret, tuning)
    from django.db import connection

    from lindung.messaging.dispatch import dispatch_until_idle

    connection.ensure_connection()
    go.wait()
    started = time.monotonic()
    tally = dispatch_until_idle(owner=owner, max_batches=1_000_000)
    out.put((started, time.monotonic(), tally.sent, tally.claimed))
    connection.close()


def time_dispatch(ids: list[int], processes: int, fake: tuple[str, str], tuning: dict[str, int]) -> float:
    reset()
    enqueue(ids)
    spawn = multiprocessing.get_context("spawn")
    go, out = spawn.Event(), spawn.Queue()
    workers = [spawn.Process(target=_dispatcher, args=(*fake, tuning, f"bench{n}", go, out)) for n in range(processes)]
    for worker in workers:
        worker.start()
    time.sleep(0.2)
    _wait_ready(processes)
    go.set()
    results = [out.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    sent = sum(r[2] for r in results)
    assert sent == len(ids), (sent, len(ids))
    return len(ids) / (max(r[1] for r in results) - min(r[0] for r in results))


def _wait_ready(processes: int) -> None:
    """Each dispatcher connects to PostgreSQL once Django is up: wait for that many."""
    from django.db import connection

    with connection.cursor() as cursor:
        for _ in range(600):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND backend_type = 'client backend'"
            )
            if cursor.fetchone()[0] >= processes:
                return
            time.sleep(0.1)


def _bare_body() -> dict[str, Any]:
    from lindung.messaging.providers import Outgoing
    from lindung.messaging.providers.cloud import CloudProvider

    return CloudProvider.body(Outgoing(1, "whatsapp", "+6281200000001", "iuran", "id", ["Budi", "Rp16.800"], "", ""))


def time_bare_client(base_url: str, n: int, threads: int = 1) -> float:
    import httpx

    url, body = f"{base_url}/v21.0/bench/messages", _bare_body()
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
    with httpx.Client(limits=limits) as client:

        def loop(count: int) -> None:
            for _ in range(count):
                client.post(url, json=body).raise_for_status()

        started = time.perf_counter()
        if threads == 1:
            loop(n)
        else:
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(loop, [n // threads] * threads))
        return (n // threads) * threads / (time.perf_counter() - started)


# --- webhooks ----------------------------------------------------------------------


def time_webhooks(args: argparse.Namespace, per_request: int, name: str) -> dict[str, Any]:
    from django.conf import settings

    from lindung.messaging.models import OutboxMessage

    from . import messaging_webhooks as hooks

    rows = list(OutboxMessage.objects.filter(source=MARK).values_list("pk", "provider_message_id")[: args.webhooks])
    statuses = [(mid, name, str(pk)) for pk, mid in rows]
    url = os.environ.get("DATABASE_URL") or _database_url(settings.DATABASES["default"])
    result = hooks.measure(
        database_url=url,
        app=args.wsgi_app,
        workers=args.gunicorn_workers,
        clients=args.clients,
        statuses=statuses,
        per_request=per_request,
    )
    return result


def _database_url(db: dict[str, Any]) -> str:
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def time_apply() -> float:
    from lindung.messaging import webhook_apply
    from lindung.messaging.models import WebhookEvent

    pending = WebhookEvent.objects.filter(processed_at__isnull=True).count()
    started = time.perf_counter()
    webhook_apply.webhook_apply_all()
    return pending / (time.perf_counter() - started)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report:
        write_section("BENCHMARKS.md", "messaging", report(args.report))
        return 0
    setup()
    from django.db import connection

    tuning = {"SEND_CHUNK": args.chunk, "BATCH": args.batch, "CONCURRENCY": args.concurrency}
    counts = [int(p) for p in args.processes.split(",") if p]
    ids = participants(max(args.messages, args.webhooks))[: args.messages]
    spawn = multiprocessing.get_context("spawn")
    parent, child = spawn.Pipe()
    server = spawn.Process(target=_serve_fake, args=(child,), daemon=True)
    server.start()
    fake = parent.recv()
    configure(*fake, tuning)
    from django.conf import settings

    concurrency = int(settings.LINDUNG_MESSAGING["CONCURRENCY"])
    figures: dict[str, list[float]] = {}
    loads: list[str] = []
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    try:
        for run in range(args.runs):
            line = []
            if args.only != "webhooks":
                for processes in counts:
                    key = f"dispatcher, {processes} process{'es' if processes > 1 else ''}, msg/s"
                    figures.setdefault(key, []).append(time_dispatch(ids, processes, fake, tuning))
                    line.append(f"{processes}p {figures[key][-1]:.0f}")
                for threads in (1, concurrency):
                    key = f"bare httpx loop, {threads} thread{'s' if threads > 1 else ''}, req/s"
                    figures.setdefault(key, []).append(time_bare_client(fake[0], len(ids), threads))
                    line.append(f"bare{threads} {figures[key][-1]:.0f}")
            elif run == 0:
                time_dispatch(ids, max(counts), fake, tuning)  # rows to send statuses for
            if args.webhooks and args.only != "dispatch":
                for n, per_request in enumerate(int(p) for p in args.per_request.split(",") if p):
                    status = ("delivered", "read", "sent")[n % 3]
                    result = time_webhooks(args, per_request, status)
                    for unit in ("requests", "statuses"):
                        key = f"webhooks via gunicorn, {per_request} per POST, {unit}/s"
                        figures.setdefault(key, []).append(result[f"{unit}_per_s"])
                    line.append(f"hooks{per_request} {result['requests_per_s']:.0f}r {result['statuses_per_s']:.0f}s")
                figures.setdefault("webhooks applied (batches), statuses/s", []).append(time_apply())
                line.append(f"applied {figures['webhooks applied (batches), statuses/s'][-1]:.0f}")
                from lindung.messaging.models import WebhookEvent

                WebhookEvent.objects.filter(provider_message_id__startswith="wamid.fake.").delete()
            loads.append(_load())
            print(f"run {run + 1} ({loads[-1]}): " + ", ".join(line), flush=True)
    finally:
        parent.send("stop")
        server.join(5)
    print(f"{connection.vendor}, {len(ids)} messages, medians of {args.runs} runs ({_load()}):")
    for key, values in figures.items():
        print(f"  {key}: {statistics.median(values):.0f}  (runs: {', '.join(f'{v:.0f}' for v in values)})")
    if args.save:
        record = {"label": args.label, "started": started, "loads": loads, "figures": figures, "argv": sys.argv[1:]}
        with open(args.save, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")
    return 0


def report(path: str) -> str:
    """The section: per figure, every go's runs and median per label (old, new, ...)."""
    with open(path, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    labels = list(dict.fromkeys(r["label"] for r in records))
    keys = list(dict.fromkeys(k for r in records for k in r["figures"]))
    runs = {
        (label, key): [v for r in records if r["label"] == label for v in r["figures"].get(key, [])]
        for label in labels
        for key in keys
    }
    head = "| figure (PostgreSQL) | " + " | ".join(f"{label}: runs | {label}: median" for label in labels) + " |"
    lines = [head, "|---|" + "---|---:|" * len(labels)]
    for key in keys:
        cells = []
        for label in labels:
            values = runs[(label, key)]
            cells += [
                ", ".join(f"{v:,.0f}" for v in values) or "–",
                f"{statistics.median(values):,.0f}" if values else "–",
            ]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    gos = "\n".join(
        f"- {r['label']}, {r['started']}: `python -m bench.messaging {' '.join(r['argv'])}`; {'; '.join(r['loads'])}"
        for r in records
    )
    return (
        "## Messaging throughput (issue 9): dispatcher processes and webhooks through gunicorn\n\n"
        "Written by `python -m bench.messaging --report FILE` from the goes below (each a "
        "`--save FILE` run; old and new code alternated in the same minutes; 1-minute load "
        "average after each run).\n\n" + "\n".join(lines) + "\n\n" + gos + "\n"
    )


def _load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
