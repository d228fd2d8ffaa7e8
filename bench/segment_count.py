"""Segment counts, read-only, on any database (e.g. the 1M-participant ``lindung_bench``):
an administrator and the busiest coordinator, for a few segments.

    DATABASE_URL=postgres://.../lindung_bench .venv/bin/python -m bench.segment_count [--runs 5]

Only SELECTs: nothing is written, so it is safe on a database being kept unchanged."""

import argparse
import statistics
import sys
import time
from collections.abc import Sequence

from .django_setup import setup

SEGMENTS = {
    "late payers": {"standing": "late"},
    "3+ months late, WhatsApp consent": {"months_min": 3, "consent": "given"},
    "active informal workers in Riau (14)": {"status": "active", "category": "informal", "region": "14"},
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.segment_count")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    setup()
    from django.db.models import Count

    from lindung.accounts.models import User
    from lindung.core import access
    from lindung.messaging.campaigns.segments import segment_count
    from lindung.participants.models import Participant

    busiest_id = (
        Participant.objects.values("coordinator_id").annotate(n=Count("id")).order_by("-n").first() or {}
    ).get("coordinator_id")
    admin = User.objects.filter(role="admin").first()
    busiest = User.objects.filter(pk=busiest_id).first()
    if admin is None or busiest is None:
        print("needs an administrator and a coordinator with participants", file=sys.stderr)
        return 2
    print(f"participants: {Participant.objects.count():,}; busiest coordinator: {busiest} (#{busiest.pk})")
    print("| segment | who | median ms | count |\n|---|---|---|---|")
    for name, criteria in SEGMENTS.items():
        for who, user in (("administrator", admin), ("busiest coordinator", busiest)):
            principal = access.principal_of(user)
            times, count = [], 0
            for _ in range(args.runs):
                start = time.perf_counter()
                count = segment_count(principal, criteria)
                times.append(time.perf_counter() - start)
            print(f"| {name} | {who} | {statistics.median(times) * 1000:.0f} | {count:,} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
