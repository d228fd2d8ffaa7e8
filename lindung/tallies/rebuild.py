"""Recount every tally from the registry's tables (nightly, and after bulk loads that
bypass the services, e.g. the benchmark's COPY). Also the reference the tests compare the
in-transaction upkeep against: ``differences()`` lists every key whose stored figures are
not what a recount gives."""

import contextlib
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from .maintain import Figures, _apply, _difference, _normal, _read_all, _sort_key
from .models import TallyRebuild
from .sources import COLUMNS, SOURCES, TALLIES, Source

BATCH = 500  # keys per short write transaction
KeyColumns = tuple[tuple[str, Any], ...]  # ((column, value), ...)


def stored(source: Source) -> Figures:
    """What the table holds in this source's columns (keys where they are all zero left out)."""
    keys = [COLUMNS[name] for name in source.keys]
    measures = list(source.measures)
    out: Figures = {}
    for row in source.tally.objects.values_list(*keys, *measures):  # type: ignore[attr-defined]
        figures = dict(zip(measures, row[len(keys) :], strict=True))
        if any(figures.values()):
            out[tuple(_normal(v) for v in row[: len(keys)])] = Counter(figures)
    return out


def _disagree(have: Figures, want: Figures) -> list[Any]:
    zero: Counter[str] = Counter()
    return [key for key in have.keys() | want.keys() if +have.get(key, zero) != +want.get(key, zero)]


def differences(sources: Sequence[Source] = SOURCES) -> dict[str, dict[Any, tuple[Any, Any]]]:
    """{source name: {key: (stored, recounted)}} for every key that disagrees."""
    out: dict[str, dict[Any, tuple[Any, Any]]] = {}
    for source in sources:
        have, want = stored(source), _read_all(source)
        wrong = {key: (dict(have.get(key, {})), dict(want.get(key, {}))) for key in _disagree(have, want)}
        if wrong:
            out[source.name] = wrong
    return out


@contextlib.contextmanager
def _snapshot_reads(tallies: Sequence[type[Any]]) -> Iterator[None]:
    """One consistent view for reading the sources and the tallies together.

    Outside a transaction (the nightly task, the command): a read-only REPEATABLE READ
    transaction on PostgreSQL, one snapshot for every statement and no lock that makes a
    writer wait; SQLite's read transaction is such a snapshot already. Inside a caller's
    transaction (``arrears_rebuild``, whose own table lock already holds the writers of
    arrears) its statements see different moments, so on PostgreSQL the tallies are
    locked against writers (readers go on) until that transaction ends."""
    if connection.in_atomic_block:
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in tallies)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def corrections(tallies: Sequence[type[Any]] = TALLIES) -> dict[Source, Figures]:
    """{source: {key: recount minus stored}} for the keys that are wrong, all read in one
    snapshot (see rebuild_tallies)."""
    out: dict[Source, Figures] = {}
    with _snapshot_reads(tallies):
        for source in (s for s in SOURCES if s.tally in tallies):
            deltas = _difference(stored(source), _read_all(source))
            if deltas:
                out[source] = deltas
    return out


def apply_corrections(found: dict[Source, Figures]) -> int:
    """Add each correction to its key, the way the services' upkeep adds theirs (an upsert
    per key, in key order, a short transaction per batch), then drop rows the corrections
    left at zero. Returns how many tally rows were written (each key counted once)."""
    written: dict[type[Any], set[KeyColumns]] = {}
    for source, deltas in found.items():
        items = sorted(deltas.items(), key=_sort_key)
        for start in range(0, len(items), BATCH):
            with transaction.atomic():
                _apply(source, dict(items[start : start + BATCH]))
        names = [COLUMNS[name] for name in source.keys]
        written.setdefault(source.tally, set()).update(tuple(zip(names, key, strict=True)) for key in deltas)
    for model, keys in written.items():
        _delete_zero_rows(model, sorted(keys, key=str))
    return sum(len(keys) for keys in written.values())


def _delete_zero_rows(model: type[Any], keys: list[KeyColumns]) -> int:
    """Delete the rows of these keys whose every figure is now zero: the recount keeps
    none, and the services' upsert makes a new row when one is needed. The rows are
    locked and re-read first, so a row a writer has just raised is left alone."""
    measures = {m for source in SOURCES if source.tally is model for m in source.measures}
    deleted = 0
    for start in range(0, len(keys), BATCH):
        match = Q()
        for key in keys[start : start + BATCH]:
            match |= Q(**dict(key))
        with transaction.atomic():
            zero = model.objects.filter(match, **dict.fromkeys(measures, 0))
            ids = list(zero.select_for_update().values_list("pk", flat=True))
            deleted += model.objects.filter(pk__in=ids, **dict.fromkeys(measures, 0)).delete()[0]
    return deleted


@transaction.atomic
def _record(seconds: float, corrected: int) -> None:
    TallyRebuild.objects.create(seconds=seconds, corrected=corrected)


def rebuild_tallies(tallies: Sequence[type[Any]] = TALLIES) -> dict[str, Any]:
    """Bring these tallies (default all) back to a recount, writing only the keys that
    are wrong; returns how many keys were wrong, how many rows were written, and the time.

    Writers are never held for more than a moment. The recount reads every source and
    every tally in ONE snapshot and keeps, per wrong key, the correction ``recount -
    stored`` as of that snapshot. It then ADDS each correction to the live row with the
    same upsert the services use (``tally = tally + delta``), a batch of keys per short
    transaction. That stays exact while payments arrive during the recount: a write that
    committed before the snapshot is in both the recount and the stored figure, so it is
    not in the correction; a write that commits after the snapshot adds its own delta to
    the row, and the correction added on top leaves ``stored(snapshot) + correction +
    later deltas = recount(snapshot) + later changes`` = the truth now. Additions commute,
    so it does not matter which of the two lands first; the row lock of the upsert makes
    each addition whole. A recount interrupted half-way leaves every key it did not reach
    as it was, and the next one corrects it.
    """
    started = time.perf_counter()
    found = corrections(tallies)
    written = apply_corrections(found)
    corrected = sum(len(deltas) for deltas in found.values())
    seconds = round(time.perf_counter() - started, 2)
    _record(seconds, corrected)
    return {"corrected": corrected, "written": written, "seconds": seconds}
