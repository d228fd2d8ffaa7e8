"""The segment filter "consent given" at 1,000,000 participants: the latest-row subquery
over the consent ledger (before) against the ConsentState lookup (now), and how long
the backfill migration takes.

    DATABASE_URL=postgres://.../lindung_h9bench .venv/bin/python -m bench.consent_filter \
        [--participants 1000000] [--late 250000] [--runs 3]

PostgreSQL only; writes its own data set (bench/campaign_plan.py's participants and
arrears, then one ledger row "given" for each, "withdrawn on every channel" for one in
seven and "withdrawn for SMS" for one in eleven, an hour later): never point it at a
database whose data you must keep unchanged."""

import argparse
import statistics
import sys
import time
from collections.abc import Sequence

from .campaign_plan import MARK, make_data, timed
from .django_setup import setup

SEGMENT = {"months_min": 3, "consent": "given"}


def make_ledger() -> None:
    from django.db import connection, transaction

    from lindung.messaging.models import ConsentRecord

    if ConsentRecord.objects.filter(participant__occupation=MARK).exists():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO messaging_consentrecord (participant_id, channel, given, at, method, evidence)
            SELECT id, 'all', true, now() - interval '1 day', 'bench', '' FROM participants_participant
            WHERE occupation = %s
            UNION ALL
            SELECT id, 'all', false, now() - interval '23 hours', 'bench', '' FROM participants_participant
            WHERE occupation = %s AND id %% 7 = 0
            UNION ALL
            SELECT id, 'sms', false, now() - interval '23 hours', 'bench', '' FROM participants_participant
            WHERE occupation = %s AND id %% 11 = 0
            """,
            [MARK, MARK, MARK],
        )
        cursor.execute("ANALYZE messaging_consentrecord")


def backfill() -> None:
    import importlib

    from django.db import connection, transaction

    migration = importlib.import_module("lindung.messaging.migrations.0009_backfill_consent_state")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM messaging_consentstate")
        cursor.execute(migration.BACKFILL)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE messaging_consentstate")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.consent_filter")
    parser.add_argument("--participants", type=int, default=1_000_000)
    parser.add_argument("--late", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    setup()
    from django.db import connection
    from django.db.models import OuterRef, Subquery

    from lindung.core import access
    from lindung.messaging.campaigns.segments import segment_count, segment_queryset
    from lindung.messaging.models import ConsentRecord, ConsentScope

    if connection.vendor != "postgresql":
        print("PostgreSQL only: set DATABASE_URL", file=sys.stderr)
        return 2
    seconds, (admin, busiest) = timed(lambda: make_data(args.participants, args.late))
    print(f"participants and arrears ready in {seconds:.1f} s", flush=True)
    seconds, _ = timed(make_ledger)
    print(f"ledger ready in {seconds:.1f} s ({ConsentRecord.objects.count():,} rows)", flush=True)
    seconds, _ = timed(backfill)
    print(f"backfill (migration 0009's INSERT ... SELECT) {seconds:.1f} s", flush=True)

    def ledger_count(user: object) -> int:
        """What the filter did before: the latest ledger row per participant."""
        latest = Subquery(
            ConsentRecord.objects.filter(participant=OuterRef("pk"), channel__in=[ConsentScope.ALL, "whatsapp"])
            .order_by("-at", "-id")
            .values("given")[:1]
        )
        rows = segment_queryset(access.principal_of(user), {"months_min": 3})
        return rows.annotate(_consent=latest).filter(_consent=True).count()

    print("| who | ledger subquery (before) | ConsentState (now) | count |\n|---|---|---|---|")
    for who, user in (("administrator", admin), ("busiest coordinator", busiest)):
        before, now, counts = [], [], set()
        for _ in range(args.runs):
            seconds, count = timed(lambda: ledger_count(user))  # noqa: B023 (called at once)
            before.append(seconds)
            counts.add(count)
            seconds, count = timed(lambda: segment_count(access.principal_of(user), SEGMENT))  # noqa: B023
            now.append(seconds)
            counts.add(count)
        assert len(counts) == 1, f"the two filters disagree: {counts}"
        print(
            f"| {who} | {statistics.median(before) * 1000:.0f} ms | {statistics.median(now) * 1000:.0f} ms "
            f"| {counts.pop():,} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"total {time.perf_counter() - started:.0f} s")
    sys.exit(code)
