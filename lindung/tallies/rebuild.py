"""Recount every tally from the registry's tables (nightly, and after bulk loads that
bypass the services, e.g. the benchmark's COPY). Also the reference the tests compare the
in-transaction upkeep against: ``differences()`` lists every key whose stored figures are
not what a recount gives."""

import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

from .maintain import Figures, _normal, _read_all
from .models import TallyRebuild
from .sources import COLUMNS, SOURCES, TALLIES, Source


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


@transaction.atomic
def rebuild_tallies(tallies: Sequence[type[Any]] = TALLIES) -> dict[str, Any]:
    """Replace these tallies (default all) with a recount; returns how many keys were
    wrong and the time."""
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        # Writers wait for the recount (their upserts queue on this lock); readers do not.
        tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in tallies)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
    corrected = 0
    model: type[Any]
    for model in tallies:
        rows: dict[Any, dict[str, Any]] = {}
        for source in (s for s in SOURCES if s.tally is model):
            want = _read_all(source)
            corrected += len(_disagree(stored(source), want))
            keys = [COLUMNS[name] for name in source.keys]
            for key, figures in want.items():
                rows.setdefault(key, dict(zip(keys, key, strict=True))).update(figures)
        manager: Any = model.objects
        manager.all().delete()
        manager.bulk_create([model(**values) for values in rows.values()], batch_size=2000)
    seconds = round(time.perf_counter() - started, 2)
    TallyRebuild.objects.create(seconds=seconds, corrected=corrected)
    return {"corrected": corrected, "seconds": seconds}
