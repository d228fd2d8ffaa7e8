"""Keeping ParticipantArrears equal to the live grouping of open past-due bills.

A bill becomes late by the calendar, not by a write, so the table is valid for one day:
the day of the latest ArrearsRebuild. ``arrears_rebuild`` recounts everyone for a day with
one set-based INSERT ... SELECT (the daily job at 00:05, ``manage.py rebuild_arrears``);
``arrears_refresh`` recounts a few participants for that same day inside the transaction
of the write that changed their bills (payment, reversal, a bill issued already past
due), so a payment shows at once and the table stays one consistent day.

Recounting synchronously when the day has turned is too slow at a national scale (seconds
for a million participants), so until the job has run the page shows the figures of the
table's day and says so; readers asking for another day get the live grouping.
"""

import datetime
import time
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from lindung.billing.models import ArrearsRebuild, Bill, ParticipantArrears
from lindung.core import events

REFRESH_CHUNK = 1000


def arrears_table_day() -> datetime.date | None:
    """The day the table's figures are valid for, or None if it was never built."""
    return ArrearsRebuild.objects.order_by("-id").values_list("day", flat=True).first()


def _lock(mode: str) -> None:
    # A rebuild (EXCLUSIVE) and a refresh (ROW EXCLUSIVE) wait for each other, so a
    # refresh never writes a row for the day a rebuild has just replaced. Readers are
    # never blocked. SQLite serialises writers on its own.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {ParticipantArrears._meta.db_table} IN {mode} MODE")


def _delete(participant_ids: list[int] | None = None) -> None:
    # Only quoted table names and %s placeholders go into the text; values are parameters.
    sql = f"DELETE FROM {connection.ops.quote_name(ParticipantArrears._meta.db_table)}"  # noqa: S608
    if participant_ids is not None:
        sql += f" WHERE participant_id IN ({', '.join(['%s'] * len(participant_ids))})"
    with connection.cursor() as cursor:
        cursor.execute(sql, participant_ids or [])


def _insert_grouped(on: datetime.date, participant_ids: list[int] | None = None) -> int:
    table = connection.ops.quote_name(ParticipantArrears._meta.db_table)
    bills = connection.ops.quote_name(Bill._meta.db_table)
    day = connection.ops.adapt_datefield_value(on)
    params: list[Any] = [day, day]
    only = ""
    if participant_ids is not None:
        only = f" AND participant_id IN ({', '.join(['%s'] * len(participant_ids))})"
        params.extend(participant_ids)
    # The same condition as arrears.open_past_due; the covering partial index
    # bill_open_by_participant answers it without reading the bills themselves.
    # Quoted table names and placeholders only; the values are parameters.
    sql = (
        f"INSERT INTO {table} (participant_id, months_owed, amount_owed, oldest_month, as_of, updated_at) "  # noqa: S608
        f"SELECT participant_id, COUNT(*), SUM(amount - paid_amount), MIN(month), %s, CURRENT_TIMESTAMP "
        f"FROM {bills} WHERE settled_on IS NULL AND due_date < %s{only} GROUP BY participant_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


@transaction.atomic
def arrears_rebuild(on: datetime.date | None = None) -> ArrearsRebuild:
    """Recount every late payer for ``on`` (default today): delete all, insert grouped."""
    today = timezone.localdate()
    on = on or today
    if on > today:
        # Bills not yet late would count as late, and payments until then would miss.
        raise ValueError("arrears cannot be counted for a day to come")
    started = time.monotonic()
    _lock("EXCLUSIVE")
    _delete()
    rows = _insert_grouped(on)
    rebuild = ArrearsRebuild.objects.create(day=on, rows=rows, seconds=round(time.monotonic() - started, 3))
    # The dashboards' ageing figures are summed from this table: they recount with it.
    events.emit("arrears.rebuilt", subject=rebuild, day=on, rows=rows)
    return rebuild


@transaction.atomic
def arrears_refresh(participant_ids: Iterable[int], on: datetime.date | None = None) -> None:
    """Recount these participants' rows from their bills (rows of those who no longer
    owe go). ``on`` defaults to the table's day; before the first rebuild there is no
    table to keep and nothing is written."""
    ids = sorted(set(participant_ids))
    if not ids:
        return
    _lock("ROW EXCLUSIVE")
    on = on or arrears_table_day()
    if on is None:
        return
    for start in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[start : start + REFRESH_CHUNK]
        _delete(chunk)
        _insert_grouped(on, chunk)


def arrears_refresh_if_late(bills: Iterable[Bill]) -> None:
    """After issuing bills: only one already past due (a month billed late) changes the
    arrears; the usual run bills ahead of the due date and costs no query here."""
    today = timezone.localdate()
    late = {bill.participant_id for bill in bills if bill.due_date < today}
    if late:
        arrears_refresh(late)
