"""Request ids and one log line per request.

The id comes from the X-Request-ID header when it looks like one (nginx sets it, see
deploy/nginx/lindung.conf), else a new one is made; it is put on every log line written
while the request runs (lindung.core.logs), handed to Celery tasks queued by it
(lindung.core.task_context) and returned in the response's X-Request-ID header, so a
user's report, nginx's access log, the app's and the worker's lines can be matched.

The request's own line also says where its time went: the view, the CPU time of the
worker process (Python, templates, and password hashing, which libargon2 does in threads
of its own) and the time spent waiting on the database, so a slow page can be told apart
from a busy machine (bench/load reads them). A gunicorn sync worker serves one request
at a time, so its process time is the request's, give or take a background thread."""

import contextlib
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse

from .logs import request_id_var

HEADER = "X-Request-ID"
# Letters, digits and a few separators, 8 to 64 long: a UUID, nginx's 32 hex digits, a
# load balancer's id. Anything else (too long, spaces, control characters) is replaced.
VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")

log = logging.getLogger("lindung.request")


def new_request_id() -> str:
    """32 random hex digits, as nginx's $request_id."""
    return secrets.token_hex(16)


def request_id_from(value: str | None) -> str:
    return value if value and VALID.fullmatch(value) else new_request_id()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(HEADER))
        token = request_id_var.set(request_id)
        started = time.monotonic()
        cpu_started = time.process_time()
        database = DatabaseTime()
        try:
            with database.measuring():
                response = self.get_response(request)
            response[HEADER] = request_id
            user = getattr(request, "user", None)
            # The path only: query strings carry searches (names, NIKs). The formatter
            # scrubs what is left.
            log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "cpu_ms": round((time.process_time() - cpu_started) * 1000, 1),
                    "db_ms": round(database.seconds * 1000, 1),
                    "queries": database.queries,
                    "view": request.resolver_match.view_name if request.resolver_match else "",
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class DatabaseTime:
    """Queries and the time spent in them, on every configured database, for one request."""

    def __init__(self) -> None:
        self.queries = 0
        self.seconds = 0.0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.monotonic()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries += 1
            self.seconds += time.monotonic() - started

    @contextlib.contextmanager
    def measuring(self) -> Iterator[None]:
        with contextlib.ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(self))
            yield
