"""Remove what bench.imports added, so the import can be timed on a shared database.

    .venv/bin/python -m bench.imports_cleanup

bench.imports keeps its rows (each run checks against a fuller table); on a database
others measure, run this after it. Every participant of the coordinator bench.imports
acts as (bench_import_coord) is deleted, 2,000 at a time inside the dashboards' tallies
bracket (lindung.tallies.maintain.tracking over every source), so the summary rows lose
exactly what the import added; with them go their history rows, documents, family,
programmes and cards, and the domain events that coordinator's imports wrote (when the
tree has them). Nothing else is touched.
"""

import sys
from collections.abc import Sequence

from .django_setup import setup
from .imports import COORDINATOR

CHILD_TABLES = (
    "participants_identitydocument",
    "participants_historicalfamilymember",
    "participants_familymember",
    "contributions_participantprogram",
    "cards_membershipcard",
    "billing_participantarrears",
    "participants_historicalparticipant",
)


def delete_participants(ids: Sequence[int], chunk_size: int = 2000) -> None:
    """Delete these participants and what hangs on them, inside the tallies' bracket, so
    the dashboards' summary rows lose exactly what they added. Refuses when any has bills."""
    from django.db import connection, transaction

    from lindung.tallies import maintain

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM billing_bill WHERE participant_id = ANY(%s)", [list(ids)])
        if cursor.fetchone()[0]:
            sys.exit("these participants have bills: not deleting (clean up by hand)")
    tables = set(connection.introspection.table_names())
    for start in range(0, len(ids), chunk_size):
        chunk = list(ids[start : start + chunk_size])
        with transaction.atomic(), maintain.tracking(chunk, maintain.ALL), connection.cursor() as cursor:
            for table in CHILD_TABLES:
                if table in tables:
                    column = "id" if table == "participants_historicalparticipant" else "participant_id"
                    cursor.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", [chunk])
            cursor.execute("DELETE FROM participants_participant WHERE id = ANY(%s)", [chunk])


def main(argv: Sequence[str] | None = None) -> int:
    setup()
    from django.db import connection

    from lindung.accounts.models import User
    from lindung.participants.models import Participant

    actor = User.objects.filter(username=COORDINATOR).first()
    if actor is None:
        print("nothing to clean: no import coordinator")
        return 0
    ids = list(Participant.objects.filter(coordinator=actor).order_by("pk").values_list("pk", flat=True))
    delete_participants(ids)
    events = 0
    if "core_domainevent" in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM core_domainevent WHERE actor_id = %s OR participant_id = ANY(%s)", [actor.pk, ids]
            )
            events = cursor.rowcount
    print(f"deleted {len(ids):,} imported participants and {events:,} events")
    return 0


if __name__ == "__main__":
    sys.exit(main())
