"""Whether the worker running a job is still alive, without guessing from the clock.

On PostgreSQL the worker holds a session advisory lock named after the job for as long
as it runs it, on a connection of its own. The lock goes when that connection goes: when
the job ends, or when the process dies (SIGKILL, OOM, a lost machine), because the
server ends the session. So a job marked running whose lock anyone can take has no
worker, and the reaper may requeue it at once; a job whose lock is held is being worked
on, however long it takes, and is left alone. Other databases fall back to the age rule
in services.jobs_requeue_stale.
"""

import contextlib
from collections.abc import Iterator

from django.db import connection, connections

from lindung.core.databases import extra_database

NAMESPACE = 0x4A4F4253  # "JOBS": the first key of pg_advisory_lock(int, int)


def supported() -> bool:
    return connection.vendor == "postgresql"


@contextlib.contextmanager
def running(job_id: int) -> Iterator[bool]:
    """Hold the job's lock while the block runs; yields False if another worker holds it."""
    if not supported():
        yield True
        return
    with extra_database() as alias, connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [NAMESPACE, job_id])
        (held,) = cursor.fetchone()
        try:
            yield bool(held)
        finally:
            if held:
                # Closing the connection would release it too; saying so is clearer.
                with contextlib.suppress(Exception):
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [NAMESPACE, job_id])


@contextlib.contextmanager
def orphaned(job_id: int) -> Iterator[bool]:
    """Yields whether no worker holds this job; if so, holds its lock for the block, so no
    worker can start on it while the reaper puts it back in the queue."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [NAMESPACE, job_id])
        (free,) = cursor.fetchone()
        try:
            yield bool(free)
        finally:
            if free:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [NAMESPACE, job_id])
