"""What the lean webhook path (webhook_wsgi.py) logs about the callbacks it accepted:
one summary line per worker process every ``SUMMARY_SECONDS`` instead of a line each.

WhatsApp sends a status callback for every message sent, delivered and read, thousands a
second in a campaign. A JSON line for each cost an eighth of the callback's CPU in the
gunicorn worker (BENCHMARKS.md) and would put hundreds of millions of identical lines a
day into the journal, while nginx's access log already has a line per request with its
id, status and times (deploy/nginx/lindung.conf). So an accepted callback is counted
here; a refused, failed or slow one still gets its own ``lindung.request`` line, as any
other request does."""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger("lindung.webhooks")
# How often a busy worker writes its summary; a quiet one writes it with its next
# callback, or when it exits.
SUMMARY_SECONDS = 10.0
# A callback slower than this gets its own line, as a page slower than this is worth a
# look (the pages' budget is 500 ms p95; a callback is one INSERT).
SLOW_MS = 1000.0
VIEW = "messaging:whatsapp_webhook"


@dataclass
class CallbackSummary:
    """Accepted callbacks since the last summary line: how many, and their times."""

    clock: Callable[[], float] = time.monotonic
    since: float = 0.0
    requests: int = 0
    duration_ms: float = 0.0
    duration_ms_max: float = 0.0
    cpu_ms: float = 0.0
    db_ms: float = 0.0
    queries: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.since = self.clock()

    def add(self, *, duration_ms: float, cpu_ms: float, db_ms: float, queries: int) -> None:
        with self._lock:
            self.requests += 1
            self.duration_ms += duration_ms
            self.duration_ms_max = max(self.duration_ms_max, duration_ms)
            self.cpu_ms += cpu_ms
            self.db_ms += db_ms
            self.queries += queries
            due = self.clock() - self.since >= SUMMARY_SECONDS
        if due:
            self.flush()

    def flush(self) -> None:
        """Write the summary line of what was counted (nothing if nothing was) and start
        counting afresh."""
        with self._lock:
            now = self.clock()
            n, window = self.requests, now - self.since
            line = {
                "method": "POST",
                "view": VIEW,
                "status": 200,
                "requests": n,
                "window_s": round(window, 1),
                "duration_ms_mean": round(self.duration_ms / n, 2) if n else 0.0,
                "duration_ms_max": round(self.duration_ms_max, 1),
                "cpu_ms_mean": round(self.cpu_ms / n, 2) if n else 0.0,
                "db_ms_mean": round(self.db_ms / n, 2) if n else 0.0,
                "queries": self.queries,
            }
            self.since, self.requests, self.queries = now, 0, 0
            self.duration_ms = self.duration_ms_max = self.cpu_ms = self.db_ms = 0.0
        if n:
            log.info("WhatsApp status callbacks accepted: %s in %.1f s", n, window, extra=line)


# This worker process's count; what is left is written when the worker exits
# (deploy/gunicorn.conf.py's worker_exit).
accepted = CallbackSummary()
