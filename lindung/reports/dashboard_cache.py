"""Dashboard snapshots: the figures of dashboard.py cached per (scope, filters, period,
day), each tagged with the write watermark it was computed at.

The figures themselves are read from summary tables kept exact by every write
(lindung.tallies), which takes 50-150 ms at a million participants; the snapshot spares
even that while nothing changed. Every write that can move a figure leaves a new row
behind (a participant's registration, update, import, reassignment, lapse or deletion
writes a history row; a payment or reversal a payment row; billing a bill row), so the
highest ids of those three tables, read in one indexed query, tell whether anything
changed. A snapshot whose watermark differs is never shown as current: it is recomputed
at once when that is quick, or, when computing took longer than SYNC_BUDGET_SECONDS (a
live count, e.g. the ageing before the night's arrears recount on a national ledger),
shown with its "as of" time and a notice while a refresh runs in the background. A snapshot is also never trusted beyond
MAX_AGE_SECONDS: ids are taken before commit, so a slow transaction could commit a lower
id after a snapshot was made; this bounds how long such a write can go uncounted.
"""

import datetime
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from lindung.billing.models import Bill, Payment
from lindung.participants.models import Participant

log = logging.getLogger(__name__)

# A coordinator's figures take 20-35 ms at 1,000,000 participants and are recounted while
# they wait, so their own last payment is in them; the national figures take 110-170 ms
# and, with payments arriving every second, were recounted on nearly every view of an
# administrator (the slowest page at 50 users, p95 600 ms): they are shown as of their
# time, with the notice, while one refresh at a time runs beside the request.
SYNC_BUDGET_SECONDS = 0.1
# ... and are recounted at most this often. With registrations and payments arriving every
# second, each administrator's view started a recount (110-170 ms of PostgreSQL on a
# connection of its own): at 50 users about a tenth of a core, for figures a few seconds
# newer.
REFRESH_MIN_SECONDS = 30
MAX_AGE_SECONDS = 10 * 60
# An older snapshot is recomputed while the user waits rather than shown.
STALE_LIMIT_SECONDS = 60 * 60
KEEP_SECONDS = 24 * 60 * 60
LOCK_SECONDS = 120
VERSION = "dash1"


@dataclass(frozen=True)
class Snapshot:
    data: dict[str, Any]
    computed_at: datetime.datetime
    took: float
    current: bool  # False: newer writes exist and a refresh is under way or due

    @property
    def refresh_seconds(self) -> int:
        return REFRESH_MIN_SECONDS


def watermark() -> list[int]:
    history = Participant.history.model._meta.db_table
    tables = [history, Payment._meta.db_table, Bill._meta.db_table]
    columns = ["history_id", "id", "id"]
    quote = connection.ops.quote_name
    # Names come from the models' own metadata, never from a request.
    maxima = [f"(SELECT MAX({quote(col)}) FROM {quote(table)})" for table, col in zip(tables, columns, strict=True)]  # noqa: S608
    sql = "SELECT " + ", ".join(maxima)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return [int(v or 0) for v in row]


def snapshot_key(parts: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f"{VERSION}:{digest}"


def _store(key: str, mark: list[int], compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    started = time.perf_counter()
    data = compute()
    entry = {"mark": mark, "at": timezone.now(), "took": time.perf_counter() - started, "data": data}
    cache.set(key, entry, KEEP_SECONDS)
    return entry


def refresh_in_background(key: str, compute: Callable[[], dict[str, Any]]) -> None:
    """One refresh per key at a time (cache.add is the lock)."""
    if not cache.add(f"{key}:refreshing", 1, LOCK_SECONDS):
        return

    def run() -> None:
        try:
            _store(key, watermark(), compute)
        except Exception:  # a failed refresh leaves the old snapshot, still labelled with its time
            log.exception("dashboard refresh failed")
        finally:
            cache.delete(f"{key}:refreshing")

    def in_thread() -> None:
        try:
            run()
        finally:
            connection.close()  # this thread's own connection

    if settings.LINDUNG_DASHBOARD_REFRESH == "inline":
        run()
        return
    threading.Thread(target=in_thread, name="dashboard-refresh", daemon=True).start()


def snapshot(parts: dict[str, Any], compute: Callable[[], dict[str, Any]]) -> Snapshot:
    key = snapshot_key(parts)
    mark = watermark()
    entry = cache.get(key)
    now = timezone.now()
    if entry is not None:
        age = (now - entry["at"]).total_seconds()
        if entry["mark"] == mark and age < MAX_AGE_SECONDS:
            return Snapshot(entry["data"], entry["at"], entry["took"], current=True)
        if entry["took"] > SYNC_BUDGET_SECONDS and age < STALE_LIMIT_SECONDS:
            if age >= REFRESH_MIN_SECONDS:
                refresh_in_background(key, compute)
            return Snapshot(entry["data"], entry["at"], entry["took"], current=False)
    entry = _store(key, mark, compute)
    return Snapshot(entry["data"], entry["at"], entry["took"], current=True)
