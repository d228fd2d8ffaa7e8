"""Keep the tallies exact inside the transactions that write participants, bills and
payments.

Every write path brackets its work with ``tracking(participant_ids, parts)``: on entry the
participants' rows are locked and what they currently contribute to the tallies is read;
on exit it is read again and only the difference is added (an upsert per changed key).
Reading "before" and "after" from the tables themselves, rather than each service working
out its own deltas, means a service cannot get the arithmetic wrong: it only has to say
whose rows it touched. The row lock makes concurrent writers for the same participant
take turns, so no write is counted twice or missed. Nested brackets for the same
participant (a payment that creates a prepaid bill, an activation that issues the first
bill) are counted once, by the outermost.
"""

import contextlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction

from lindung.participants.models import Participant

from .sources import (
    ALLOCATIONS_PAID,
    ARREARS,
    BILLS,
    BILLS_BY_MONTH,
    COLUMNS,
    MONEY,
    PAYMENTS,
    PEOPLE,
    SOURCES,
    Source,
    id_set,
)

ALL = SOURCES
Key = tuple[Any, ...]
Figures = dict[Key, Counter[str]]

_tracked: ContextVar[frozenset[tuple[int, Source]]] = ContextVar("tallies_tracked", default=frozenset())
# Ids per aggregate query, and rows per upsert: a bounded number of parameters on every
# database (SQLite takes 32,766).
READ_CHUNK = 2000
ROWS_CHUNK = 10_000
UPSERT_ROWS = 500


def _read(source: Source, participant_ids: Sequence[int], row_ids: Sequence[int] | None = None) -> Figures:
    out: Figures = {}
    for start in range(0, len(participant_ids), READ_CHUNK):
        _add_rows(out, source, source.aggregate(participant_ids[start : start + READ_CHUNK], row_ids))
    return out


def _read_rows(source: Source, row_ids: Sequence[int]) -> Figures:
    """What these source rows (e.g. bills just created) contribute, by their own ids only."""
    out: Figures = {}
    for start in range(0, len(row_ids), ROWS_CHUNK):
        _add_rows(out, source, source.aggregate(None, row_ids[start : start + ROWS_CHUNK]))
    return out


def _add_rows(out: Figures, source: Source, rows: Iterable[dict[str, Any]]) -> None:
    # One key can come out of several chunks (two chunks' participants share a
    # coordinator and month): their figures add up.
    key_names = list(source.keys)
    for row in rows:
        key = tuple(_normal(row[name]) for name in key_names)
        out.setdefault(key, Counter()).update({m: int(row[m] or 0) for m in source.measures})


def _read_all(source: Source) -> Figures:
    """What the tally should hold for everyone (the recount)."""
    out: Figures = {}
    key_names = list(source.keys)
    for row in source.aggregate().iterator(chunk_size=5000):
        out[tuple(_normal(row[name]) for name in key_names)] = Counter({m: int(row[m] or 0) for m in source.measures})
    return out


def _normal(value: Any) -> Any:
    # TruncMonth gives a datetime on some backends for a DateField; the tally holds dates.
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _difference(before: Figures, after: Figures) -> Figures:
    out: Figures = {}
    for key in before.keys() | after.keys():
        delta = Counter(after.get(key, {}))
        delta.subtract(before.get(key, {}))
        if any(delta.values()):
            out[key] = delta
    return out


def _apply(source: Source, deltas: Figures) -> None:
    if not deltas:
        return
    model = source.tally
    table = connection.ops.quote_name(model._meta.db_table)
    keys = [COLUMNS[name] for name in source.keys]
    measures = list(source.measures)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in [*keys, *measures])
    row = "(" + ", ".join(["%s"] * (len(keys) + len(measures))) + ")"
    updates = ", ".join(f"{quote(m)} = {table}.{quote(m)} + excluded.{quote(m)}" for m in measures)
    conflict = ", ".join(quote(c) for c in _constraint_columns(model))
    params = [(*key, *(delta[m] for m in measures)) for key, delta in sorted(deltas.items(), key=_sort_key)]
    # Many keys per statement: a bill run's chunk touches a thousand keys, and one
    # round trip each cost more than the bills themselves. Each key occurs once (they are
    # the dict's keys), as ON CONFLICT DO UPDATE requires within one statement.
    with connection.cursor() as cursor:
        for start in range(0, len(params), UPSERT_ROWS):
            batch = params[start : start + UPSERT_ROWS]
            values = ", ".join([row] * len(batch))
            # Identifiers come from the models' own metadata; values are parameters.
            sql = f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT ({conflict}) DO UPDATE SET {updates}"  # noqa: S608
            cursor.execute(sql, [value for item in batch for value in item])


def _sort_key(item: tuple[Key, Any]) -> tuple[str, ...]:
    # A fixed order of upserts, so two transactions touching the same keys cannot deadlock.
    return tuple(str(part) for part in item[0])


def _constraint_columns(model: type) -> list[str]:
    (unique,) = model._meta.constraints  # type: ignore[attr-defined]
    return list(unique.fields)


def _lock(participant_ids: Sequence[int]) -> None:
    if connection.features.has_select_for_update:
        # In id order, so two writers locking overlapping sets cannot deadlock; the ids as
        # one bound value (a bill run locks 10,000 a chunk).
        locked = Participant.objects.select_for_update().filter(pk__in=id_set(participant_ids))
        list(locked.order_by("pk").values_list("pk"))


@contextlib.contextmanager
def tracking(participant_ids: Iterable[int], parts: Sequence[Source] = ALL) -> Iterator[None]:
    """Bracket a write to these participants (or their bills and payments)."""
    ids = sorted({int(pk) for pk in participant_ids if pk is not None})
    outer = _tracked.get()
    mine = {source: [pk for pk in ids if (pk, source) not in outer] for source in parts}
    mine = {source: pks for source, pks in mine.items() if pks}
    if not mine:
        yield
        return
    with transaction.atomic():
        _lock(ids)
        before = {source: _read(source, pks) for source, pks in mine.items()}
        token = _tracked.set(outer | {(pk, source) for source, pks in mine.items() for pk in pks})
        try:
            yield
        finally:
            _tracked.reset(token)
        for source, pks in mine.items():
            _apply(source, _difference(before[source], _read(source, pks)))


def bills_added(participant_ids: Iterable[int], bill_ids: Sequence[int]) -> None:
    """Count bills just created (the monthly run), without re-reading the participants'
    other bills: a new bill adds its own amount and nothing else changes. The participants
    are locked first, as tracking() does, so a payment for one of them waits for this
    transaction instead of reading the new bills halfway through its own bracket."""
    ids = sorted({int(pk) for pk in participant_ids})
    outer = _tracked.get()
    for source in (BILLS_BY_MONTH,):
        pks = [pk for pk in ids if (pk, source) not in outer]  # an outer bracket counts the rest
        if pks and bill_ids:
            _lock(pks)
            # The monthly run: nobody is counted by an outer bracket, so the new bills are
            # read by their ids alone (a chunk of 10,000 bills in a few small queries).
            figures = _read_rows(source, list(bill_ids)) if len(pks) == len(ids) else _read(source, pks, bill_ids)
            _apply(source, figures)


def payment_added(participant_id: int, payment_id: int) -> None:
    """Count a payment just recorded from its own rows, without reading the participant's
    other payments and bills before and after: the payment adds itself to the payment
    tallies, and each of its allocations adds its share to the month of the bill it paid
    (what that bill's paid_amount grew by). Bills the payment issued (a prepayment) are
    counted by their own bracket (``bill.issued``). Call it inside the transaction, with
    the participant's row locked (a ``tracking`` bracket around the payment does that)."""
    outer = _tracked.get()
    for source in PAYMENTS:
        if (participant_id, source) not in outer:
            _apply(source, _read(source, [participant_id], [payment_id]))
    if (participant_id, BILLS_BY_MONTH) not in outer:
        out: Figures = {}
        key_names = list(ALLOCATIONS_PAID.keys)
        for row in ALLOCATIONS_PAID.aggregate([participant_id]).filter(payment_id=payment_id):
            key = tuple(_normal(row[name]) for name in key_names)
            out[key] = Counter({"paid": int(row["paid"] or 0)})
        _apply(BILLS_BY_MONTH, out)


def added(participant_ids: Iterable[int], parts: Sequence[Source] = PEOPLE) -> None:
    """Count newly created participants (nothing of theirs was counted before)."""
    ids = sorted({int(pk) for pk in participant_ids})
    outer = _tracked.get()
    for source in parts:
        pks = [pk for pk in ids if (pk, source) not in outer]
        if pks:
            _apply(source, _read(source, pks))


__all__ = [
    "ALL",
    "ARREARS",
    "BILLS",
    "MONEY",
    "PAYMENTS",
    "PEOPLE",
    "added",
    "bills_added",
    "payment_added",
    "tracking",
]
