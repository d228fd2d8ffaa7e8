"""The lean path for WhatsApp's status callbacks: a small WSGI dispatch in front of
Django for ``POST /messaging/webhooks/whatsapp/`` only.

A callback is a machine-to-machine POST: it needs none of the middleware a person's
request goes through (sessions, authentication, CSRF, messages, locale, compression,
history, lockout), and at thousands a second that middleware was most of its cost. This
path keeps what the callback does need, the same code as the Django view
(``webhooks.webhook_post``): the size limit, the X-Hub-Signature-256 check in constant
time, and storage under the unique (message, status, timestamp) key before the 200.
It also keeps what operations need: the request id (from X-Request-ID, else new, and
returned), a ``lindung.request`` line for each refused, failed or slow callback and a
summary line per worker every 10 s for the accepted ones (callback_log.py; never the
body or the signature), and the database connection kept and closed by Django's rules
for any request (CONN_MAX_AGE, and after an error), without sending its signals.
Everything else, the GET handshake included, goes to Django unchanged."""

import logging
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.urls import reverse

from lindung.core.logs import request_id_var
from lindung.core.request_id import HEADER, DatabaseTime, request_id_from

from .callback_log import SLOW_MS, VIEW, accepted
from .webhooks import webhook_post

logger = logging.getLogger(__name__)
request_log = logging.getLogger("lindung.request")
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def with_webhook_path(app: WsgiApp) -> WsgiApp:
    """``app`` with the status webhook's POSTs answered before it (Django set up)."""
    path = reverse("messaging:whatsapp_webhook")

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO") == path:
            return _receive(environ, start_response, path)
        return app(environ, start_response)

    return application


def _receive(environ: dict[str, Any], start_response: Callable[..., Any], path: str) -> Iterable[bytes]:
    request_id = request_id_from(environ.get("HTTP_X_REQUEST_ID"))
    token = request_id_var.set(request_id)
    started, cpu_started = time.monotonic(), time.process_time()
    db = connections[DEFAULT_DB_ALIAS]  # the only database this path uses
    database = DatabaseTime()
    status = 500  # Meta retries a 500
    received = _ReadOnce(environ["wsgi.input"].read)
    try:
        with db.execute_wrapper(database):
            status = _post_retrying_once(db, environ, received)
    except Exception:
        logger.exception("WhatsApp webhook failed")
    finally:
        _finish(db)
        _account(
            path,
            status,
            duration_ms=(time.monotonic() - started) * 1000,
            cpu_ms=(time.process_time() - cpu_started) * 1000,
            database=database,
        )
        request_id_var.reset(token)
    body = b"ok" if status == 200 else b""
    start_response(
        f"{status} {HTTPStatus(status).phrase}",
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("X-Content-Type-Options", "nosniff"),
            (HEADER, request_id),
        ],
    )
    return [body]


def _account(path: str, status: int, *, duration_ms: float, cpu_ms: float, database: DatabaseTime) -> None:
    """A refused, failed or slow callback gets its own line, as any request would; an
    accepted one is counted into this worker's summary line (callback_log.py)."""
    if status == 200 and duration_ms < SLOW_MS:
        accepted.add(duration_ms=duration_ms, cpu_ms=cpu_ms, db_ms=database.seconds * 1000, queries=database.queries)
        return
    request_log.info(
        "%s %s %s",
        "POST",
        path,
        status,
        extra={
            "method": "POST",
            "path": path,
            "status": status,
            "duration_ms": round(duration_ms, 1),
            "cpu_ms": round(cpu_ms, 1),
            "db_ms": round(database.seconds * 1000, 1),
            "queries": database.queries,
            "view": VIEW,
            "user_id": None,
        },
    )


class _ReadOnce:
    """The request body, read from the socket once and handed out again on a retry."""

    def __init__(self, read: Callable[[int], bytes]) -> None:
        self._read = read
        self._body: bytes | None = None

    def read(self, size: int) -> bytes:
        if self._body is None:
            self._body = self._read(size)
        return self._body


def _finish(db: BaseDatabaseWrapper) -> None:
    """What Django's request_started and request_finished signals do, as far as this path
    needs it, without sending them (a tenth of the path's CPU, BENCHMARKS.md): the
    connection is closed if it is past CONN_MAX_AGE or was left unusable by an error
    (close_old_connections), once, at the end. At the start it need not be: what can go
    wrong since the last request's check (the server dropped the idle connection) the
    INSERT finds by itself and is retried once on a new connection
    (_post_retrying_once). The rest of what those signals do is nothing here: this path
    sets no urlconf, and the cache backends' close() does nothing. Not inside a
    transaction (a test's), which a close would break."""
    if not db.in_atomic_block:
        db.close_if_unusable_or_obsolete()


def _post_retrying_once(db: BaseDatabaseWrapper, environ: dict[str, Any], body: _ReadOnce) -> int:
    """``webhook_post`` without the health check Django runs on a kept connection before
    a request's first query (CONN_HEALTH_CHECKS: a SELECT 1, a second round trip per
    callback beside its one INSERT). A connection found broken by the INSERT itself (the
    database restarted) is closed and the callback stored once more on a new one: the
    INSERT ignores what is already stored, so nothing is doubled."""
    if db.connection is not None:
        db.health_check_done = True  # type: ignore[attr-defined]  # set by connect() when health checks are on
    try:
        return webhook_post(environ.get("CONTENT_LENGTH"), body.read, environ.get("HTTP_X_HUB_SIGNATURE_256"))
    except (OperationalError, InterfaceError):
        logger.warning("WhatsApp webhook: the kept database connection was broken; storing on a new one")
        db.close()
        return webhook_post(environ.get("CONTENT_LENGTH"), body.read, environ.get("HTTP_X_HUB_SIGNATURE_256"))
