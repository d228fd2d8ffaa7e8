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
body or the signature), and Django's request_finished signal, so database connections
live and are closed as for any other request. Everything else,
the GET handshake included, goes to Django unchanged."""

import logging
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from django.core import signals
from django.db import InterfaceError, OperationalError, connection
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
    database = DatabaseTime()
    status = 500  # Meta retries a 500
    # No request_started: its connection check (close_old_connections) is the one
    # request_finished made at the end of this worker's last request, and what can go wrong
    # since (the server dropped the idle connection) the INSERT finds by itself and is
    # retried once on a new connection (_post_retrying_once). It was a tenth of the path's CPU.
    received = _ReadOnce(environ["wsgi.input"].read)
    try:
        with database.measuring():
            status = _post_retrying_once(environ, received)
    except Exception:
        logger.exception("WhatsApp webhook failed")
    finally:
        signals.request_finished.send(sender=__name__)
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


def _post_retrying_once(environ: dict[str, Any], body: _ReadOnce) -> int:
    """``webhook_post`` without the health check Django runs on a kept connection before
    a request's first query (CONN_HEALTH_CHECKS: a SELECT 1, a second round trip per
    callback beside its one INSERT). A connection found broken by the INSERT itself (the
    database restarted) is closed and the callback stored once more on a new one: the
    INSERT ignores what is already stored, so nothing is doubled."""
    if connection.connection is not None:
        connection.health_check_done = True  # type: ignore[attr-defined]  # set by connect() when health checks are on
    try:
        return webhook_post(environ.get("CONTENT_LENGTH"), body.read, environ.get("HTTP_X_HUB_SIGNATURE_256"))
    except (OperationalError, InterfaceError):
        logger.warning("WhatsApp webhook: the kept database connection was broken; storing on a new one")
        connection.close()
        return webhook_post(environ.get("CONTENT_LENGTH"), body.read, environ.get("HTTP_X_HUB_SIGNATURE_256"))
