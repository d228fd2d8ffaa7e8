"""Carries the request id from the web request that queued a Celery task to the worker
that runs it: the publisher puts it in the task message's headers, the worker sets it
for the task's duration, so the task's log lines carry the id of the request that
started it. Tasks queued outside a request (beat) get an id of their own.

Connected by config/celery.py (connect()), once per process."""

from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun

from .logs import request_id_var
from .request_id import new_request_id, request_id_from

HEADER = "lindung_request_id"
_tokens: dict[str, Any] = {}


def add_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    if headers is not None and HEADER not in headers:
        headers[HEADER] = request_id_var.get() or new_request_id()


def _from_task(task: Any) -> str | None:
    request = getattr(task, "request", None)
    # Message protocol 2 puts custom headers on the request itself; older paths keep them
    # in request.headers.
    value = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(HEADER)
    return value if isinstance(value, str) else None


def enter_task(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    _tokens[task_id or ""] = request_id_var.set(request_id_from(_from_task(task)))


def leave_task(task_id: str | None = None, **_: Any) -> None:
    token = _tokens.pop(task_id or "", None)
    if token is not None:
        request_id_var.reset(token)


def connect() -> None:
    before_task_publish.connect(add_request_id, weak=False, dispatch_uid="lindung-request-id-publish")
    task_prerun.connect(enter_task, weak=False, dispatch_uid="lindung-request-id-prerun")
    task_postrun.connect(leave_task, weak=False, dispatch_uid="lindung-request-id-postrun")
