"""Pick what the load test's users work on, from the database it runs against.

    DATABASE_URL=... .venv/bin/python -m bench.load.prepare [--out var/load/fixture.json]

Coordinators busiest first (the hard cases), each with some of their own participants to
open and some who owe exactly one month (a payment settles them without changing their
status, so bench.load.cleanup can take it back exactly); the most common given names from
a 2 % sample, as bench.search picks them; who imports, and the villages of their
district; the receipt counters and the last participant and job ids, for the cleanup.
"""

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from ..django_setup import setup
from ..generate import ADMIN_USERNAME, PASSWORD

PER_COORDINATOR = 40
PAYERS_PER_COORDINATOR = 40
# Participants the load test registers or imports are named so; bench.load.cleanup
# deletes those created after the fixture's last participant id.
NAME_PREFIX = "Uji Beban"
IMPORT_ROWS = 300


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load.prepare", description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="var/load/fixture.json")
    parser.add_argument("--coordinators", type=int, default=200)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT u.username, u.id, count(*) FROM participants_participant p "
            "JOIN accounts_user u ON u.id = p.coordinator_id WHERE u.username LIKE 'bench_coord_%%' "
            "GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT %s",
            [args.coordinators],
        )
        coordinators = []
        for username, user_id, count in cursor.fetchall():
            cursor.execute(
                "SELECT id FROM participants_participant WHERE coordinator_id = %s ORDER BY md5(id::text) LIMIT %s",
                [user_id, PER_COORDINATOR],
            )
            participants = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT a.participant_id FROM billing_participantarrears a "
                "JOIN participants_participant p ON p.id = a.participant_id "
                "WHERE p.coordinator_id = %s AND a.months_owed = 1 AND p.status = 'active' "
                "ORDER BY md5(a.participant_id::text) LIMIT %s",
                [user_id, PAYERS_PER_COORDINATOR],
            )
            payers = [row[0] for row in cursor.fetchall()]
            coordinators.append({"username": username, "participants": count, "open": participants, "payers": payers})
        cursor.execute(
            "SELECT split_part(name_key, ' ', 1), count(*) FROM participants_participant TABLESAMPLE BERNOULLI (2) "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 10"
        )
        names = [row[0] for row in cursor.fetchall() if row[0]]
        cursor.execute("SELECT coalesce(max(id), 0) FROM billing_payment")
        last_payment = cursor.fetchone()[0]
        cursor.execute("SELECT year, last_number FROM billing_receiptsequence ORDER BY year")
        receipts = dict(cursor.fetchall())
        cursor.execute("SELECT coalesce(max(id), 0) FROM participants_participant")
        last_participant = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) FROM jobs_job")
        last_job = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) FROM core_domainevent")
        last_event = cursor.fetchone()[0]
        # The importer: the last of the chosen coordinators (the others' work stays apart).
        importer = coordinators[-1]["username"]
        cursor.execute(
            "SELECT r.code FROM regions_region r JOIN accounts_user u ON u.district_id = r.parent_id "
            "WHERE u.username = %s ORDER BY r.code LIMIT 50",
            [importer],
        )
        villages = [row[0] for row in cursor.fetchall()]
    fixture = {
        "admin": ADMIN_USERNAME,
        "password": PASSWORD,
        "coordinators": coordinators,
        "common_names": names,
        "importer": {"username": importer, "villages": villages},
        "before": {
            "last_payment_id": last_payment,
            "receipts": receipts,
            "last_participant_id": last_participant,
            "last_job_id": last_job,
            "last_event_id": last_event,
        },
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(fixture, indent=1))
    busiest = coordinators[0]
    print(
        f"{out}: {len(coordinators)} coordinators (busiest {busiest['username']}, {busiest['participants']:,} "
        f"participants), names {', '.join(names[:5])}…, payments after id {last_payment}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
