"""Request ids and one log line per request.

The id comes from the X-Request-ID header when it looks like one (nginx sets it, see
deploy/nginx/lindung.conf), else a new one is made; it is put on every log line written
while the request runs (lindung.core.logs), handed to Celery tasks queued by it
(lindung.core.task_context) and returned in the response's X-Request-ID header, so a
user's report, nginx's access log, the app's and the worker's lines can be matched."""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .logs import request_id_var

HEADER = "X-Request-ID"
# Letters, digits and a few separators, 8 to 64 long: a UUID, nginx's 32 hex digits, a
# load balancer's id. Anything else (too long, spaces, control characters) is replaced.
VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")

log = logging.getLogger("lindung.request")


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id_from(value: str | None) -> str:
    return value if value and VALID.fullmatch(value) else new_request_id()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(HEADER))
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
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
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            request_id_var.reset(token)
