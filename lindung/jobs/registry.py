"""Job kinds and the functions that do them. An app registers its handlers in its
AppConfig.ready() by importing a module that uses @job_handler."""

from collections.abc import Callable
from typing import Protocol

from .models import Job


class Reporter(Protocol):
    def __call__(self, done: int, total: int | None = None, message: str = "") -> None: ...


Handler = Callable[[Job, Reporter], None]
_HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        if kind in _HANDLERS and _HANDLERS[kind] is not func:
            raise ValueError(f"job kind {kind!r} registered twice")
        _HANDLERS[kind] = func
        return func

    return register


def handler_for(kind: str) -> Handler:
    try:
        return _HANDLERS[kind]
    except KeyError as exc:
        raise LookupError(f"no handler for job kind {kind!r}") from exc
