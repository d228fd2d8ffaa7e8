"""The participant page with its message timeline (issue 9: under 150 ms p95) at scale.

    DATABASE_URL=postgres://.../lindung_bench .venv/bin/python -m bench.participant_timeline \
        [--people 100000] [--per-person 24] [--runs 30] [--keep] [--no-write]

PostgreSQL; needs ``bench.generate`` (and ideally ``bench.billing_generate``) first.
Seeds a year of reminders set-based: ``--per-person`` outbox rows for each of ``--people``
participants spread over the whole table, and 120 rows (a year of five stages on both
channels) for the two participants measured, one of the busiest coordinator's and one
for the administrator, so the outbox is as big as a busy year makes it and the page's
timeline is full (it shows the newest 50). Every seeded row has ``source`` =
``bench-timeline`` and is deleted at the end unless ``--keep``.

Each page is timed in process (``bench.pages.measure``: real middleware, sessions,
templates, DEBUG off) beside its baseline in the same go: the same user's page of a
participant with no messages, so the ratio is what the timeline adds."""

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from .django_setup import setup
from .pages import BUDGET_MS, Result, Scenario, clients, measure, pick_subjects
from .sections import write_section

SOURCE = "bench-timeline"
FULL_TIMELINE = 120

# One INSERT ... SELECT: the n-th message of each chosen participant, a month apart
# per five stages, most delivered and read, some failed or skipped, as a year of
# policy runs leaves them.
SEED_SQL = """
INSERT INTO messaging_outboxmessage (
    participant_id, bill_id, fallback_of_id, stage, channel, dedupe_key, source, template, language,
    params, body, sender, to_number, status, lease_owner, attempt_count, provider_message_id,
    error_code, error_detail, skip_reason, created_at, status_at, sent_at, delivered_at, read_at
)
SELECT p.id, NULL, NULL,
       (ARRAY['before_5', 'due_day', 'late_3', 'late_10', 'late_30'])[1 + n %% 5],
       CASE WHEN n %% 10 = 9 THEN 'sms' ELSE 'whatsapp' END,
       %(source)s || ':' || p.id || ':' || n,
       %(source)s, 'pengingat_iuran', 'id', '[]'::jsonb,
       'Yth. ' || p.full_name || ', iuran BPJS Ketenagakerjaan bulan ini belum tercatat. '
           || 'Bayar melalui koordinator Anda atau kanal pembayaran resmi.',
       'bench', COALESCE(NULLIF(p.phone, ''), '6281200000000'),
       CASE WHEN n %% 17 = 0 THEN 'failed' WHEN n %% 13 = 0 THEN 'skipped' WHEN n %% 3 = 0 THEN 'delivered'
            ELSE 'read' END,
       '', 1, 'wamid.' || %(source)s || '.' || p.id || '.' || n,
       CASE WHEN n %% 17 = 0 THEN '131026' ELSE '' END, '',
       CASE WHEN n %% 13 = 0 AND n %% 17 <> 0 THEN 'paid' ELSE '' END,
       now() - make_interval(days => n * 6), now() - make_interval(days => n * 6),
       now() - make_interval(days => n * 6), now() - make_interval(days => n * 6, mins => -1),
       CASE WHEN n %% 3 = 0 THEN NULL ELSE now() - make_interval(days => n * 6, mins => -9) END
FROM participants_participant p
CROSS JOIN generate_series(0, %(per)s - 1) AS n
WHERE p.id = ANY(%(ids)s)
"""


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.participant_timeline", description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=100_000, help="participants given a history of reminders")
    parser.add_argument("--per-person", type=int, default=24, help="outbox rows for each of them")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="leave the seeded outbox rows in place")
    parser.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    return parser.parse_args(argv)


def spread_ids(count: int, exclude: set[int]) -> list[int]:
    """``count`` participant ids spread evenly over the table (the seeded rows then sit
    where a year of campaigns puts them: everywhere), leaving out the controls."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM participants_participant")
        low, high = cursor.fetchone()
    step = max((high - low) // max(count, 1), 1)
    return [i for i in range(low, high + 1, step) if i not in exclude][:count]


def seed(ids: list[int], per_person: int) -> int:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(SEED_SQL, {"source": SOURCE, "per": per_person, "ids": ids})
        written = cursor.rowcount
        cursor.execute("ANALYZE messaging_outboxmessage")
    return written


def unseed() -> int:
    from lindung.messaging.models import OutboxMessage

    deleted, _ = OutboxMessage.objects.filter(source=SOURCE).delete()
    return deleted


def pick(subjects: dict[str, Any]) -> dict[str, Any]:
    """A subject and a control with no messages, for each role; both of the same
    coordinator for the coordinator, so the pages differ only in the timeline."""
    from lindung.messaging.models import OutboxMessage
    from lindung.participants.models import Participant

    messaged = OutboxMessage.objects.values("participant_id")
    own = Participant.objects.filter(coordinator=subjects["coordinator"]).exclude(pk__in=messaged).order_by("pk")
    anyone = Participant.objects.exclude(pk__in=messaged).order_by("pk")
    coord_subject, coord_control = own[0], own[1]
    middle = anyone.filter(pk__gte=subjects["sample"]["admin"].pk)
    admin_subject, admin_control = middle[0], middle[1]
    return {
        "admin": (admin_subject, admin_control),
        "coordinator": (coord_subject, coord_control),
    }


def render(results: list[tuple[Result, Result]], info: str, args: argparse.Namespace, outbox_rows: int) -> str:
    lines = [
        "## Participant page with its message timeline (issue 9)",
        "",
        info,
        "",
        f"Reproduce: `DATABASE_URL=... .venv/bin/python -m bench.participant_timeline --people {args.people} "
        f"--per-person {args.per_person} --runs {args.runs}` on the `bench.generate` + `bench.billing_generate` "
        "database; the seeded rows are deleted at the end.",
        "",
        f"The outbox held {outbox_rows:,} rows during the run; each measured participant has {FULL_TIMELINE} "
        "messages (the page shows the newest 50). *Baseline*: the same user's page of a participant with no "
        "messages, same run. In-process requests (`bench.pages.measure`), wall ms.",
        "",
        "| user | page p50 | page p95 | baseline p50 | baseline p95 | p50 ratio | queries | SQL ms | budget |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for page, base in results:
        verdict = "ok" if page.pct(95) < BUDGET_MS else "**over**"
        lines.append(
            f"| {page.scenario.user} | {page.pct(50):.1f} | {page.pct(95):.1f} | {base.pct(50):.1f} | "
            f"{base.pct(95):.1f} | {page.pct(50) / base.pct(50):.2f} | {page.queries} | {page.sql_ms:.1f} | "
            f"{verdict} ({BUDGET_MS:.0f}) |"
        )
    return "\n".join(lines) + "\n"


def machine_line(subjects: dict[str, Any]) -> str:
    from .pages import machine_info

    info = machine_info(subjects)
    where = f"{info['machine']}; {info['database']}; {info['rows']}"
    return f"Measured {info['date']} on {where}. Load average {info['load']}."


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup()
    from django.conf import settings
    from django.db import connection

    from lindung.messaging.models import OutboxMessage

    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: the seeding is one INSERT ... SELECT with generate_series.")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    unseed()  # a run that was interrupted leaves its rows behind
    subjects = pick_subjects()
    chosen = pick(subjects)
    subjects_ids = [chosen[role][0].pk for role in ("admin", "coordinator")]
    controls = {chosen[role][1].pk for role in ("admin", "coordinator")}
    try:
        written = seed(spread_ids(args.people, controls | set(subjects_ids)), args.per_person)
        written += seed(subjects_ids, FULL_TIMELINE)
        outbox_rows = OutboxMessage.objects.count()
        print(f"seeded {written:,} outbox rows; the outbox has {outbox_rows:,}", flush=True)
        made = clients(subjects)
        results = []
        for role in ("admin", "coordinator"):
            subject, control = chosen[role]
            page = measure(
                Scenario(f"timeline_{role}", "page", role, f"/participants/{subject.pk}/"),
                made[role],
                args.runs,
                args.warmup,
            )
            base = measure(
                Scenario(f"plain_{role}", "baseline", role, f"/participants/{control.pk}/"),
                made[role],
                args.runs,
                args.warmup,
            )
            if not (page.ok and base.ok):
                sys.exit(f"{role}: HTTP {page.status} / {base.status}")
            if "messaging_outboxmessage" not in " ".join(q["sql"] for q in page.captured):
                sys.exit("the page did not read the outbox: nothing to measure")
            results.append((page, base))
            print(
                f"{role:<12} page p50 {page.pct(50):6.1f} p95 {page.pct(95):6.1f}   "
                f"baseline p50 {base.pct(50):6.1f} p95 {base.pct(95):6.1f}   {page.queries} queries",
                flush=True,
            )
        if not args.no_write:
            section = render(results, machine_line(subjects), args, outbox_rows)
            path = str(settings.BASE_DIR / "BENCHMARKS.md")
            write_section(path, "timeline", section)
            print(f"wrote {path}")
    finally:
        if not args.keep:
            print(f"deleted {unseed():,} seeded rows", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
