"""Planning a reminder campaign (MSG-4): writing every outbox row of a 250,000-person
segment of late payers at 1,000,000 participants, and the segment's live count for an
administrator and for the busiest coordinator.

    DATABASE_URL=postgres://.../lindung_h9a .venv/bin/python -m bench.campaign_plan \
        [--participants 1000000] [--late 250000] [--runs 3] [--write]

PostgreSQL only. Makes its own data set on first use, set-based (participants marked
``occupation = 'bench-plan'``, 200 coordinators of whom one has 5 % of everyone, and a
``ParticipantArrears`` row for the first ``--late`` of them); never point it at a
database whose data you must keep unchanged. Each run creates a campaign on the segment
"standing = late" and times ``campaign_plan`` (one INSERT ... SELECT ... ON CONFLICT DO
NOTHING), then times planning the same campaign again (every row exists: nothing new),
then deletes the rows. The baseline, in the same go, writes the same rows through the
ORM's ``bulk_create(ignore_conflicts=True)`` in batches of 1,000 (what
``outbox_enqueue`` does). Medians are printed; ``--write`` adds them to BENCHMARKS.md."""

import argparse
import datetime
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from .django_setup import setup

MARK = "bench-plan"
COORDINATORS = 200


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.campaign_plan")
    parser.add_argument("--participants", type=int, default=1_000_000)
    parser.add_argument("--late", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    return parser.parse_args(argv)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def make_data(n: int, late: int) -> tuple[Any, Any]:
    """The admin and the busiest coordinator; participants and arrears made once."""
    from django.db import connection, transaction

    from lindung.accounts.models import Role, User
    from lindung.billing.models import ParticipantArrears
    from lindung.core.tests.factories import bengkalis_village
    from lindung.participants.models import Participant

    admin, _ = User.objects.get_or_create(username="bench_plan_admin", defaults={"role": Role.ADMIN})
    coordinators = [
        User.objects.get_or_create(username=f"bench_plan_c{i:03d}", defaults={"role": Role.COORDINATOR})[0]
        for i in range(COORDINATORS)
    ]
    have = Participant.objects.filter(occupation=MARK).count()
    if have < n:
        village = bengkalis_village()
        ids = [c.pk for c in coordinators]
        busiest = ids[0]
        with transaction.atomic(), connection.cursor() as cursor:
            # One in twenty belongs to the busiest coordinator, the rest spread evenly.
            cursor.execute(
                """
                INSERT INTO participants_participant (created_at, updated_at, nik, family_card_number, full_name,
                    name_key, birth_place, birth_date, sex, address, village_id, district_id, phone, email,
                    occupation, category, declared_income, coordinator_id, registered_by_id, registration_date,
                    status, contact_consent, consent_method, possible_duplicate)
                SELECT now(), now(), lpad((8000000000000000 + g)::text, 16, '0'), '', 'Peserta Rencana ' || g,
                    'peserta rencana ' || g, 'Bengkalis', DATE '1985-01-01' + (g %% 9000), 'M', 'Jl. Bench',
                    %s, %s, '+62812' || lpad((g %% 100000000)::text, 8, '0'), '', %s, 'informal', 1000000,
                    c.id, c.id, DATE '2025-01-05', 'active', true, 'bench', false
                FROM generate_series(%s, %s) g
                CROSS JOIN LATERAL (
                    SELECT CASE WHEN g %% 20 = 0 THEN %s ELSE (%s::bigint[])[1 + g %% %s] END AS id
                ) c
                """,
                [village.code, village.parent_id, MARK, have + 1, n, busiest, ids, len(ids)],
            )
    if ParticipantArrears.objects.filter(participant__occupation=MARK).count() < late:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO billing_participantarrears (participant_id, months_owed, amount_owed, oldest_month,
                    as_of, updated_at)
                SELECT id, 1 + id %% 6, 16800 * (1 + id %% 6), DATE '2026-01-01', CURRENT_DATE, now()
                FROM (SELECT id FROM participants_participant WHERE occupation = %s ORDER BY id LIMIT %s) p
                ON CONFLICT (participant_id) DO NOTHING
                """,
                [MARK, late],
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE participants_participant; ANALYZE billing_participantarrears")
    return admin, coordinators[0]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup()
    from django.db import connection

    from lindung.core import access
    from lindung.messaging import outbox
    from lindung.messaging.campaign_models import Campaign, MessageTemplate
    from lindung.messaging.campaigns.planning import campaign_plan
    from lindung.messaging.campaigns.segments import segment_count, segment_queryset
    from lindung.messaging.campaigns.services import segment_save
    from lindung.messaging.models import OutboxMessage
    from lindung.messaging.outbox import NewMessage, outbox_enqueue

    # Time writing, not sending: no dispatcher kicked after the rows commit (outbox_enqueue
    # would start one in this process under LINDUNG_JOBS_MODE=thread).
    outbox.kick = lambda: None
    # What a run killed half-way left behind.
    left = list(Campaign.objects.filter(name__startswith="bench ", stage__isnull=True))
    OutboxMessage.objects.filter(source__in=["bench-orm", *(c.source for c in left)]).delete()
    Campaign.objects.filter(pk__in=[c.pk for c in left]).delete()
    if connection.vendor != "postgresql":
        print("PostgreSQL only: set DATABASE_URL", file=sys.stderr)
        return 2
    print(f"data set: {args.participants:,} participants, {args.late:,} late …", flush=True)
    seconds, (admin, busiest) = timed(lambda: make_data(args.participants, args.late))
    print(f"  ready in {seconds:.1f} s")
    late = {"standing": "late"}
    template = MessageTemplate.objects.order_by("pk").first()
    segment = segment_save(actor=admin, name="bench: late payers", criteria=late)
    results: dict[str, list[float]] = {k: [] for k in ("count_admin", "count_busiest", "plan", "replan", "orm")}
    planned = 0
    for run in range(args.runs):
        results["count_admin"].append(timed(lambda: segment_count(access.principal_of(admin), late))[0])
        results["count_busiest"].append(timed(lambda: segment_count(access.principal_of(busiest), late))[0])
        campaign = Campaign.objects.create(name=f"bench {run}", template=template, segment=segment, created_by=admin)
        seconds, planned = timed(lambda: campaign_plan(campaign))  # noqa: B023 (called at once)
        results["plan"].append(seconds)
        results["replan"].append(timed(lambda: campaign_plan(campaign))[0])  # noqa: B023
        OutboxMessage.objects.filter(source=campaign.source).delete()
        ids = list(segment_queryset(access.principal_of(admin), late).values_list("pk", flat=True))
        messages = [NewMessage(participant_id=pk, channel="whatsapp", stage=f"orm{run}") for pk in ids]
        results["orm"].append(timed(lambda: outbox_enqueue(actor=None, messages=messages, source="bench-orm"))[0])  # noqa: B023
        OutboxMessage.objects.filter(source="bench-orm").delete()
        campaign.delete()
        print(f"run {run + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in results.items()), flush=True)
    counts = (
        segment_count(access.principal_of(admin), late),
        segment_count(access.principal_of(busiest), late),
    )
    segment.delete()
    med = {k: statistics.median(v) for k, v in results.items()}
    lines = [
        "",
        f"## Reminder campaigns: planning and segment counts (issue 9, {datetime.date.today().isoformat()})",
        "",
        f"`DATABASE_URL=... .venv/bin/python -m bench.campaign_plan --participants {args.participants} "
        f"--late {args.late} --runs {args.runs}`, PostgreSQL, 2 shared cores (8 helpers at work), "
        f"medians of {args.runs}.",
        "",
        "| what | median | rows | target |",
        "|---|---|---|---|",
        f"| plan a campaign: one INSERT … SELECT … ON CONFLICT DO NOTHING | **{med['plan']:.1f} s** | "
        f"{planned:,} | < 60 s |",
        f"| plan it again (every row exists: nothing written) | {med['replan']:.1f} s | 0 | idempotent |",
        f"| baseline: the same rows through the ORM (`outbox_enqueue`, bulk_create 1,000 a batch) | "
        f"{med['orm']:.1f} s | {planned:,} | ratio {med['orm'] / med['plan']:.1f}× slower |",
        f"| segment count, administrator, standing = late | {med['count_admin'] * 1000:.0f} ms | {counts[0]:,} | |",
        f"| segment count, busiest coordinator (5 % of all) | {med['count_busiest'] * 1000:.0f} ms | {counts[1]:,} | |",
        "",
        f"Data set: {args.participants:,} participants made set-based by the script, {args.late:,} with an "
        "arrears row (the late payers), 200 coordinators. The segment reads `billing.ParticipantArrears` "
        "(one row per late payer), joined to the participants in the reader's scope.",
        "",
    ]
    print("\n".join(lines))
    if args.write:
        with open("BENCHMARKS.md", "a", encoding="utf-8") as out:
            out.write("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
