"""Take back the payments a load run recorded, so a shared benchmark database is left as
it was.

    DATABASE_URL=... .venv/bin/python -m bench.load.cleanup [--fixture var/load/fixture.json]

Payments after the fixture's last payment id whose reference starts LOAD- (the
locustfile's): each bill they paid loses exactly what their allocations added (and its
settled day when that made it settled), the allocations, payments and their
payment.recorded events go, the receipt counters return to where they were, and the
arrears rows are recounted; all inside the tallies' bracket (lindung.tallies.maintain.
tracking) per participant chunk, so the dashboards' figures lose what the run added.
The load test pays only people who owed one month, whose status a payment does not
change; a status that did change is reported, not guessed back.

Participants it registered or imported (created after the fixture's last participant id,
named with prepare.NAME_PREFIX) are deleted as bench.imports_cleanup deletes imported
ones, with their events and the load users' jobs (imports, exports) of the run.
"""

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from ..django_setup import setup
from ..imports_cleanup import delete_participants
from .prepare import NAME_PREFIX

PREFIX = "LOAD-"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load.cleanup", description=__doc__.split("\n")[0])
    parser.add_argument("--fixture", default="var/load/fixture.json")
    args = parser.parse_args(argv)
    path = Path(args.fixture)
    if not path.exists():
        print(f"cleanup: no {path}, nothing recorded")
        return 0
    fixture = json.loads(path.read_text())
    before = fixture["before"]
    setup()
    from django.db import connection, transaction

    from lindung.billing.arrears.table import arrears_refresh
    from lindung.tallies import maintain

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, participant_id FROM billing_payment WHERE id > %s AND reference LIKE %s ORDER BY id",
            [before["last_payment_id"], PREFIX + "%"],
        )
        rows = cursor.fetchall()
    people = sorted({participant for _id, participant in rows})
    for start in range(0, len(people), 500):
        chunk = people[start : start + 500]
        with transaction.atomic(), maintain.tracking(chunk, maintain.ALL), connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM billing_payment WHERE id > %s AND reference LIKE %s AND participant_id = ANY(%s)",
                [before["last_payment_id"], PREFIX + "%", chunk],
            )
            payments = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                """UPDATE billing_bill b SET paid_amount = b.paid_amount - a.total,
                          settled_on = CASE WHEN b.paid_amount - a.total < b.amount THEN NULL ELSE b.settled_on END
                     FROM (SELECT bill_id, sum(amount) AS total FROM billing_paymentallocation
                            WHERE payment_id = ANY(%s) GROUP BY bill_id) a
                    WHERE b.id = a.bill_id""",
                [payments],
            )
            cursor.execute("DELETE FROM billing_paymentallocation WHERE payment_id = ANY(%s)", [payments])
            cursor.execute("DELETE FROM billing_payment WHERE id = ANY(%s)", [payments])
            cursor.execute(
                "DELETE FROM core_domainevent WHERE subject_type = 'billing.payment' AND subject_id = ANY(%s)",
                [payments],
            )
            arrears_refresh(chunk)
    with connection.cursor() as cursor:
        for year, last in before["receipts"].items():
            cursor.execute("UPDATE billing_receiptsequence SET last_number = %s WHERE year = %s", [last, int(year)])
        cursor.execute(
            "SELECT count(*) FROM participants_participant WHERE id = ANY(%s) AND status <> 'active'", [people]
        )
        moved = cursor.fetchone()[0]
    print(f"cleanup: {len(rows)} load-test payments of {len(people)} participants taken back", end="")
    print(f"; {moved} of them are no longer active (check by hand)" if moved else "")
    if "last_participant_id" in before:
        _delete_new_participants(fixture)
    return 0


def _delete_new_participants(fixture: dict) -> None:
    from django.db import connection

    before = fixture["before"]
    users = [c["username"] for c in fixture["coordinators"]] + [fixture["admin"], fixture["importer"]["username"]]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM participants_participant WHERE id > %s AND full_name LIKE %s ORDER BY id",
            [before["last_participant_id"], NAME_PREFIX + "%"],
        )
        ids = [row[0] for row in cursor.fetchall()]
    delete_participants(ids)
    with connection.cursor() as cursor:
        # Bulk writes (the import's chunks) name their participants in the payload.
        cursor.execute(
            "DELETE FROM core_domainevent WHERE id > %s AND (participant_id = ANY(%s) "
            "OR (payload->'participant_ids'->>0)::bigint = ANY(%s))",
            [before["last_event_id"], ids, ids],
        )
        events = cursor.rowcount
        cursor.execute(
            "DELETE FROM jobs_job WHERE id > %s AND created_by_id IN "
            "(SELECT id FROM accounts_user WHERE username = ANY(%s))",
            [before["last_job_id"], users],
        )
        jobs = cursor.rowcount
    print(f"cleanup: {len(ids)} registered or imported participants, {events} events and {jobs} jobs deleted")


if __name__ == "__main__":
    raise SystemExit(main())
