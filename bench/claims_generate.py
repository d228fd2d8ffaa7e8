"""Fill the claims tables at branch-network scale over the participants already there.

    DATABASE_URL=... .venv/bin/python -m bench.claims_generate --claims 200000 [--seed 1] [--delete]

Claims spread over every program and workflow status in realistic proportions, with
their vouchers (paid and later) and archive files (archived), loaded with COPY. Every
generated row is marked (bank account holder "bench-claim"), so ``--delete`` removes
exactly them and leaves a shared benchmark database as it was. PostgreSQL only.
"""

import argparse
import datetime
import random
import sys
import time
from collections.abc import Iterator, Sequence
from typing import Any

from .django_setup import setup
from .generate import _copy

MARK = "bench-claim"
PROGRAMS = (("jht", 70), ("jkk", 15), ("jkm", 10), ("jp", 5))
STATUSES = (
    ("draft", 8), ("submitted", 8), ("needs_documents", 5), ("verified", 5), ("approved", 4), ("rejected", 5),
    ("paid", 4), ("voucher_printed", 4), ("signing", 4), ("signed", 3), ("archived", 50),
)  # fmt: skip
PAID_OR_LATER = {"paid", "voucher_printed", "signing", "signed", "archived"}
CLAIM_FIELDS = (
    "created_at", "updated_at", "program", "status", "status_changed_at", "submitted_on", "jht_reason", "balance",
    "event_date", "accident_place", "incapacity_days", "medical_bills", "accident_death", "death_cause",
    "scholarship_children", "contribution_months", "bank_account_holder", "bank_account_number", "transaction_code",
    "archive_box", "archive_position", "participant_id", "wage",
)  # fmt: skip


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.claims_generate", description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--delete", action="store_true", help="delete the generated claims and stop")
    return parser.parse_args(argv)


def _weighted(rng: random.Random, table: Sequence[tuple[str, int]]) -> str:
    return rng.choices([v for v, _w in table], weights=[w for _v, w in table])[0]


def _claim_rows(n: int, participant_ids: list[int], seed: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)
    now = datetime.datetime.now(datetime.UTC)
    for number in range(n):
        program, status = _weighted(rng, PROGRAMS), _weighted(rng, STATUSES)
        changed = now - datetime.timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
        created = changed - datetime.timedelta(days=rng.randint(0, 60))
        submitted = None if status == "draft" else created.date()
        paid = status in PAID_OR_LATER
        # Monthly boxes per program (DOMAIN.md), about 100 dossiers each, as on the shelf.
        box = f"{program.upper()}-{changed:%Y-%m}-{number % 20 + 1:02d}" if status == "archived" else ""
        yield (
            created.isoformat(), changed.isoformat(), program, status, changed.isoformat(), submitted,
            "age_56" if program == "jht" else "", rng.randint(1, 80) * 1_000_000 if program == "jht" else None,
            (created - datetime.timedelta(days=rng.randint(1, 300))).date() if program in ("jkk", "jkm") else None,
            "Pasar" if program == "jkk" else "", 0, 0, False, "Sakit" if program == "jkm" else "", "[]",
            rng.randint(12, 300) if program == "jp" else 0, MARK, f"{rng.randint(10**9, 10**10 - 1)}",
            f"BTRX{seed:02d}{number:08d}" if paid else "", box, str(number % 200 + 1) if box else "",
            rng.choice(participant_ids), 3_000_000 if program == "jkk" else None,
        )  # fmt: skip


def generate(n: int, seed: int) -> None:
    from django.db import connection, transaction

    from lindung.participants.models import Participant

    started = time.perf_counter()
    # Most claims come from people near or past 56; any participant may claim JKK/JKM.
    participant_ids = list(Participant.objects.order_by("?").values_list("pk", flat=True)[: min(n, 500_000)])
    if not participant_ids:
        sys.exit("No participants: run bench.generate first.")
    with transaction.atomic():
        count = _copy("claims_claim", CLAIM_FIELDS, _claim_rows(n, participant_ids, seed))
        with connection.cursor() as cursor:
            # The claim's copies of its participant's coordinator and district, as drafting
            # writes them (claims/participant_moves.py keeps them current afterwards).
            cursor.execute(
                """UPDATE claims_claim c SET coordinator_id = p.coordinator_id, district_id = p.district_id
                   FROM participants_participant p
                   WHERE p.id = c.participant_id AND c.bank_account_holder = %s""",
                [MARK],
            )
            # Vouchers and archive files as the workflow leaves them, in two set-based inserts.
            cursor.execute(
                """INSERT INTO claims_claimvoucher (claim_id, number, amount, monthly, lines, token, issued_at)
                   SELECT id, 'BV-' || id, coalesce(balance, 42000000), false, '[]'::jsonb,
                          md5(random()::text || id::text), status_changed_at
                   FROM claims_claim WHERE bank_account_holder = %s AND transaction_code <> ''""",
                [MARK],
            )
            cursor.execute(
                """INSERT INTO claims_archivefile (claim_id, number, program, box, position, archived_on, name_key)
                   SELECT c.id, upper(c.program) || '/' || to_char(c.status_changed_at, 'YYYY/MM') || '/B' || c.id,
                          c.program, c.archive_box, c.archive_position, c.status_changed_at::date, p.name_key
                   FROM claims_claim c JOIN participants_participant p ON p.id = c.participant_id
                   WHERE c.bank_account_holder = %s AND c.status = 'archived'""",
                [MARK],
            )
            cursor.execute("ANALYZE claims_claim; ANALYZE claims_claimvoucher; ANALYZE claims_archivefile")
    print(f"{count:,} claims in {time.perf_counter() - started:.1f} s")


def delete() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        marked = "SELECT id FROM claims_claim WHERE bank_account_holder = %s"
        for table in ("claims_claimvoucher", "claims_archivefile", "claims_billline", "claims_claimnotification"):
            cursor.execute(f"DELETE FROM {table} WHERE claim_id IN ({marked})", [MARK])
        cursor.execute("DELETE FROM claims_claim WHERE bank_account_holder = %s", [MARK])
        print(f"deleted {cursor.rowcount:,} generated claims")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only (DATABASE_URL).")
    if args.delete:
        delete()
    else:
        generate(args.claims, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
