"""Reading from a PostgreSQL streaming replica (DATABASE_REPLICA_URL), view by view.

Only the heavy read-only pages and exports opt in, with ``reading_from_replica()`` (a
context manager and a decorator): dashboards, reports, exports, the arrears page. Every
other read stays on the primary, so a page never misses what its user just saved, and
sessions, sign-in and writes never touch the replica.

Inside that context the router sends reads to the replica while it is healthy: reachable,
in recovery (a real standby) and no more than LINDUNG_REPLICA_MAX_LAG_SECONDS behind. The
check is one cheap query, cached per process for LINDUNG_REPLICA_CHECK_SECONDS, not run on
every query. When the replica is down or lagging, reads fall back to the primary.
"""

import contextlib
import logging
import threading
import time
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils.connection import ConnectionDoesNotExist

logger = logging.getLogger(__name__)
ALIAS = "replica"
_wanted: ContextVar[bool] = ContextVar("lindung_read_replica", default=False)
_lock = threading.Lock()
_state: dict[str, Any] = {"checked": float("-inf"), "healthy": False}

# Caught up when everything received is replayed; otherwise the lag is the age of the last
# replayed commit. (On an idle primary the replay timestamp grows old without any lag.)
LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END
"""


class reading_from_replica(contextlib.ContextDecorator):
    """Reads inside go to the replica when it is healthy (see module docstring)."""

    def _recreate_cm(self) -> "reading_from_replica":
        # A decorated view runs in many threads at once: each call gets its own token.
        return type(self)()

    def __enter__(self) -> None:
        self._token = _wanted.set(True)

    def __exit__(self, *exc: object) -> None:
        _wanted.reset(self._token)


def configured() -> bool:
    try:
        connections[ALIAS]
    except ConnectionDoesNotExist:
        return False
    return True


def replica_lag() -> float | None:
    """Seconds behind the primary, or None when the replica is unusable."""
    connection = connections[ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            in_recovery, lag = cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("read replica unreachable, reading from the primary: %s", exc.__class__.__name__)
        connection.close()
        return None
    return float(lag) if in_recovery else None


def replica_healthy() -> bool:
    interval = getattr(settings, "LINDUNG_REPLICA_CHECK_SECONDS", 5)
    now = time.monotonic()
    with _lock:
        if now - _state["checked"] < interval:
            return bool(_state["healthy"])
        lag = replica_lag()
        healthy = lag is not None and lag <= settings.LINDUNG_REPLICA_MAX_LAG_SECONDS
        if not healthy and _state["healthy"]:
            logger.warning(
                "read replica %s, reading from the primary", "down" if lag is None else f"{lag:.0f} s behind"
            )
        _state.update(checked=time.monotonic(), healthy=healthy)
        return healthy


def forget_health() -> None:
    """Check again at the next read (tests, and after reconfiguring)."""
    with _lock:
        _state.update(checked=float("-inf"), healthy=False)


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _wanted.get() and configured() and replica_healthy():
            return ALIAS
        return None  # the primary

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: objects read from either are one database.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != ALIAS
