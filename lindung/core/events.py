"""Domain events: what happened, to which record, by whom, written in the same
transaction as the change.

A writer wraps its change in ``change(kind, ...)`` (or calls ``emit`` when the change is
already made). Two kinds of subscriber react:

- **Synchronous** ones (``subscribe``) run inside the writer's transaction, so figures
  they keep (the dashboards' tallies, the arrears table, coverage) are exact at commit.
  Each is a *bracket*: a function of the event that returns a context manager (or None).
  Brackets are entered in ascending ``order`` before the writer's body runs and left in
  the reverse order after it, so an outer bracket (the tallies, order 0) can read the
  figures before the change and again after every inner subscriber (coverage, arrears)
  has done its part. An exception anywhere rolls the whole transaction back.
- **Asynchronous** ones (``subscribe_async``) read the event rows after commit from a
  durable per-subscriber cursor (``SubscriberCursor``), at least once: a handler must be
  idempotent. They run on Celery in production and in a thread of the web process in
  ``make run`` (the same switch as the jobs, ``LINDUNG_JOBS_MODE``); see events_async.py.

Writers never call those side effects themselves; they only say what happened.
"""

import contextlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import BigIntegerField, Func, Model

from .models import DomainEvent

Bracket = Callable[["Event"], AbstractContextManager[Any] | None]
Handler = Callable[["DomainEvent"], None]


@dataclass
class Event:
    """An event while its change is being made. ``participant_ids`` may be filled in by
    the body (a registration has no id before it is saved); ``objects`` carries unsaved
    in-memory facts for synchronous subscribers only (never stored)."""

    kind: str
    actor_id: int | None = None
    participant_ids: list[int] = field(default_factory=list)
    subject_type: str = ""
    subject_id: int | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    # False when the body found nothing to do: the subscribers ran, but no row is kept.
    happened: bool = True

    def about(self, subject: Model) -> None:
        self.subject_type = subject._meta.label_lower
        self.subject_id = subject.pk


@dataclass(frozen=True)
class _Sync:
    name: str
    kinds: frozenset[str]
    bracket: Bracket
    order: int


@dataclass(frozen=True)
class _Async:
    name: str
    kinds: frozenset[str]
    handler: Handler


_sync: list[_Sync] = []
_async: dict[str, _Async] = {}


def subscribe(name: str, kinds: Iterable[str], bracket: Bracket, *, order: int = 50) -> None:
    """Register a synchronous subscriber (from an AppConfig.ready()); idempotent by name."""
    _sync[:] = [s for s in _sync if s.name != name]
    _sync.append(_Sync(name, frozenset(kinds), bracket, order))
    _sync.sort(key=lambda s: (s.order, s.name))


def subscribe_async(name: str, kinds: Iterable[str], handler: Handler) -> None:
    """Register an asynchronous subscriber; its cursor row is made on first delivery."""
    _async[name] = _Async(name, frozenset(kinds), handler)


def unsubscribe(name: str) -> None:
    _sync[:] = [s for s in _sync if s.name != name]
    _async.pop(name, None)


def after(function: Callable[[Event], None]) -> Bracket:
    """A bracket that only acts once the writer's body is done."""

    @contextlib.contextmanager
    def bracket(event: Event) -> Iterator[None]:
        yield
        function(event)

    return bracket


def async_subscribers() -> dict[str, _Async]:
    return dict(_async)


@contextlib.contextmanager
def change(
    kind: str,
    *,
    actor: Model | None = None,
    participant_ids: Iterable[int] = (),
    subject: Model | None = None,
    objects: dict[str, Any] | None = None,
    **facts: Any,
) -> Iterator[Event]:
    """Make a change as one event: subscribers bracket the body; the event row is written
    at the end, in the same transaction."""
    event = Event(
        kind=kind,
        actor_id=actor.pk if actor is not None else None,
        participant_ids=[int(pk) for pk in participant_ids],
        facts=dict(facts),
        objects=dict(objects or {}),
    )
    if subject is not None:
        event.about(subject)
    with transaction.atomic(), contextlib.ExitStack() as stack:
        for subscriber in _sync:
            if kind in subscriber.kinds or "*" in subscriber.kinds:
                manager = subscriber.bracket(event)
                if manager is not None:
                    stack.enter_context(manager)
        yield event
        # Leaving the stack runs the subscribers' "after" parts, innermost first; the
        # row is written last, so it records what the subscribers saw.
        stack.close()
        if event.happened:
            _store(event)


def emit(
    kind: str,
    *,
    actor: Model | None = None,
    participant_ids: Iterable[int] = (),
    subject: Model | None = None,
    objects: dict[str, Any] | None = None,
    **facts: Any,
) -> Event:
    """An event for a change already made (e.g. bills just inserted)."""
    with change(kind, actor=actor, participant_ids=participant_ids, subject=subject, objects=objects, **facts) as event:
        pass
    return event


def _txid() -> Any:
    # PostgreSQL: the writing transaction's id, so the asynchronous reader can tell when
    # every transaction that might still add an earlier event has ended (events_async).
    # SQLite serialises writers, so ids alone are in commit order there.
    if connection.vendor == "postgresql":
        return Func(function="txid_current", output_field=BigIntegerField())
    return 0


def _store(event: Event) -> None:
    ids = event.participant_ids
    DomainEvent.objects.create(
        kind=event.kind,
        actor_id=event.actor_id,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        # One event may name many participants (a bulk import chunk, a reassignment).
        participant_id=ids[0] if len(ids) == 1 else None,
        payload={**event.facts, **({"participant_ids": ids} if len(ids) > 1 else {})},
        txid=_txid(),
    )
    if any(event.kind in s.kinds or "*" in s.kinds for s in _async.values()):
        from .events_async import kick

        transaction.on_commit(kick)
