"""Domain events: written with the change, subscribers bracketing it in order, and
asynchronous delivery from durable cursors, at least once."""

import contextlib
import threading
import time

import pytest
from django.db import connection, transaction

from lindung.core import events, events_async
from lindung.core.models import DomainEvent, SubscriberCursor

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribers():
    names: list[str] = []

    def add(name, kinds, bracket=None, *, order=50, handler=None):
        names.append(name)
        if handler is not None:
            events.subscribe_async(name, kinds, handler)
        else:
            events.subscribe(name, kinds, bracket, order=order)

    yield add
    for name in names:
        events.unsubscribe(name)


def test_subscribers_bracket_the_change_outer_first(subscribers):
    seen: list[str] = []

    def bracket(label):
        @contextlib.contextmanager
        def enter(event):
            seen.append(f"{label} before")
            yield
            seen.append(f"{label} after")

        return enter

    subscribers("test.inner", {"test.thing"}, bracket("inner"), order=60)
    subscribers("test.outer", {"test.thing"}, bracket("outer"), order=0)
    subscribers("test.other", {"test.other_thing"}, bracket("other"))
    with events.change("test.thing", participant_ids=[7], note="x"):
        seen.append("body")
    assert seen == ["outer before", "inner before", "body", "inner after", "outer after"]
    event = DomainEvent.objects.get(kind="test.thing")
    assert (event.participant_id, event.payload) == (7, {"note": "x"})


def test_a_failed_change_leaves_no_event_and_no_side_effect(subscribers):
    effects: list[int] = []
    subscribers("test.effect", {"test.thing"}, events.after(lambda event: effects.append(1)))
    with pytest.raises(RuntimeError), events.change("test.thing"):
        raise RuntimeError("the write failed")
    assert effects == []
    assert not DomainEvent.objects.filter(kind="test.thing").exists()


def test_a_subscriber_failing_rolls_the_change_back(subscribers):
    def refuse(event):
        raise ValueError("figures would be wrong")

    subscribers("test.refuse", {"test.thing"}, events.after(refuse))
    with pytest.raises(ValueError), transaction.atomic(), events.change("test.thing"):
        DomainEvent.objects.create(kind="written by the body")
    assert not DomainEvent.objects.filter(kind__in=["written by the body", "test.thing"]).exists()


def test_bulk_events_list_their_participants():
    events.emit("test.bulk", participant_ids=[1, 2, 3])
    event = DomainEvent.objects.get(kind="test.bulk")
    assert event.participant_id is None and event.payload["participant_ids"] == [1, 2, 3]


def _wait_until_readable(count: int, kind: str) -> None:
    """On PostgreSQL an event is read once every older transaction on the server has
    ended; other test workers' transactions can hold that back for a moment."""
    if connection.vendor != "postgresql":
        return
    from django.db.models.expressions import RawSQL

    deadline = time.monotonic() + 30
    readable = DomainEvent.objects.filter(kind=kind, txid__lt=RawSQL("txid_snapshot_xmin(txid_current_snapshot())", []))
    while readable.count() < count:
        assert time.monotonic() < deadline, "events never became readable"
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_async_delivery_is_in_order_at_least_once_and_resumes_after_a_failure(subscribers, monkeypatch):
    monkeypatch.setattr(events_async, "kick", lambda: None)  # deliver by hand below
    handled: list[int] = []
    broken = {"on": True}

    def handler(event):
        if broken["on"] and event.payload.get("n") == 3:
            raise ConnectionError("the webhook receiver is down")
        handled.append(event.payload["n"])

    subscribers("test.async", {"test.async"}, handler=handler)
    for n in range(1, 6):
        events.emit("test.async", n=n)
    events.emit("test.ignored", n=99)
    _wait_until_readable(5, "test.async")
    assert events_async.deliver("test.async", batch=2) == 2  # 1, 2; then 3 fails
    cursor = SubscriberCursor.objects.get(name="test.async")
    assert "ConnectionError" in cursor.last_error
    broken["on"] = False
    assert events_async.deliver("test.async", batch=2) == 3
    assert handled == [1, 2, 3, 4, 5]  # the failed batch (3, 4) was rolled back, then repeated
    assert events_async.deliver("test.async") == 0
    cursor.refresh_from_db()
    assert cursor.delivered == 5 and cursor.last_error == ""


def test_events_with_no_async_subscriber_send_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        events.emit("test.quiet")
    assert callbacks == []


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_event_from_a_transaction_still_open_is_not_skipped(subscribers, monkeypatch):
    """A long transaction (an import) writes its event first but commits last: the
    reader must not move its cursor past it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: ids are in commit order there")
    monkeypatch.setattr(events_async, "kick", lambda: None)
    handled: list[str] = []
    subscribers("test.order", {"test.order"}, handler=lambda event: handled.append(event.payload["who"]))
    written, release = threading.Event(), threading.Event()

    def long_import():
        try:
            with transaction.atomic():
                events.emit("test.order", who="import")
                written.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=long_import)
    worker.start()
    assert written.wait(10)
    events.emit("test.order", who="payment")  # committed while the import is open
    events_async.deliver("test.order")
    assert handled == []  # the payment waits behind the open import
    release.set()
    worker.join(10)
    _wait_until_readable(2, "test.order")
    events_async.deliver("test.order")
    assert handled == ["import", "payment"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_commit_kicks_delivery(subscribers):
    handled: list[int] = []
    subscribers("test.kick", {"test.kick"}, handler=lambda event: handled.append(event.pk))
    with transaction.atomic():
        events.emit("test.kick")
        assert handled == []  # nothing before the commit
    event = DomainEvent.objects.get(kind="test.kick")
    if connection.vendor == "postgresql":  # older transactions of other sessions may hold it back
        _wait_until_readable(1, "test.kick")
        events_async.deliver("test.kick")
    assert handled == [event.pk]
