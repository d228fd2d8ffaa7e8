"""Row counts and checksums of every table, comparable across databases.

Rows are read through the Django models, so a value has the same Python type whatever the
database (SQLite's 0/1 is a bool, its text dates are dates), then written in one canonical
text form and hashed one by one. A table's checksum is the sum of its rows' hashes modulo
2**256: it does not depend on the order rows come back in, and a row duplicated or lost
changes it (unlike XOR, where two equal rows cancel out).

This is slow (every row crosses into Python), so PostgreSQL computes its own figures
(pg_checksums.py). Each table's figures name the algorithm that made them, and a restore
recomputes them with that same algorithm: an archive made with one is never checked with
the other. Archives from before the name was recorded were made with this one."""

import datetime
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model

from . import pg_checksums

MODULUS = 2**256
CHUNK = 5000
ALGORITHM = "python-sha256-row-sum-v1"
ALGORITHMS = {ALGORITHM: {"sqlite", "postgresql"}, pg_checksums.ALGORITHM: {"postgresql"}}


class UnknownAlgorithm(Exception):
    pass


def canonical(value: Any) -> Any:
    """A JSON-ready form of one column value that does not depend on the database."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return f"td:{value // datetime.timedelta(microseconds=1)}"
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return "hex:" + bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def row_digest(row: Iterable[Any]) -> int:
    text = json.dumps([canonical(v) for v in row], ensure_ascii=False, separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")


def table_figures(columns: list[str], rows: Iterable[Iterable[Any]]) -> dict[str, Any]:
    count, total = 0, 0
    for row in rows:
        count += 1
        total = (total + row_digest(row)) % MODULUS
    # The column names are part of the checksum: a column dropped or renamed shows too.
    head = hashlib.sha256(json.dumps(columns).encode()).hexdigest()
    checksum = hashlib.sha256(f"{head}:{total:064x}".encode()).hexdigest()
    return {"rows": count, "checksum": checksum, "algorithm": ALGORITHM}


def _models_by_table() -> dict[str, type[Model]]:
    out: dict[str, type[Model]] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        out.setdefault(meta.db_table, model)
    out.setdefault(MigrationRecorder.Migration._meta.db_table, MigrationRecorder.Migration)
    return out


def _model_rows(model: type[Model], alias: str) -> tuple[list[str], Iterator[Any]]:
    fields = list(model._meta.concrete_fields)
    rows = model._base_manager.using(alias).order_by().values_list(*(f.attname for f in fields))
    return [str(f.column) for f in fields], rows.iterator(chunk_size=CHUNK)


def _raw_rows(table: str, alias: str) -> tuple[list[str], Iterator[Any]]:
    # A table no model describes (none today): read it as the driver gives it.
    connection = connections[alias]
    cursor = connection.cursor()
    cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - a name from introspection
    columns = [col[0] for col in cursor.description]

    def rows() -> Iterator[Any]:
        try:
            while batch := cursor.fetchmany(CHUNK):
                yield from batch
        finally:
            cursor.close()

    return columns, rows()


def default_algorithm(alias: str = "default") -> str:
    return pg_checksums.ALGORITHM if connections[alias].vendor == "postgresql" else ALGORITHM


def check_algorithm(algorithm: str, alias: str | None = "default") -> None:
    """Refuse (UnknownAlgorithm, saying why) a checksum this code cannot compute on the
    database ``alias`` (None: on any database)."""
    if algorithm not in ALGORITHMS:
        raise UnknownAlgorithm(
            f"checksums made with {algorithm!r}, which this version of Lindung does not know "
            f"(it knows {', '.join(sorted(ALGORITHMS))}); restore with the version that made the backup or a newer one"
        )
    if alias is None:
        return
    vendor = connections[alias].vendor
    if vendor not in ALGORITHMS[algorithm]:
        raise UnknownAlgorithm(f"checksums made with {algorithm!r}, which cannot be computed on {vendor}")


def _python_figures(table: str, alias: str, models: dict[str, type[Model]]) -> dict[str, Any]:
    model = models.get(table)
    columns, rows = _model_rows(model, alias) if model is not None else _raw_rows(table, alias)
    return table_figures(columns, rows)


def database_tables(
    alias: str = "default", algorithm: str | None = None, only: set[str] | None = None
) -> dict[str, dict[str, Any]]:
    """{table: {"rows": n, "checksum": hex, "algorithm": name}} for every table in the
    database (or those in ``only``), by ``algorithm`` (default: the fastest for the vendor)."""
    algorithm = algorithm or default_algorithm(alias)
    check_algorithm(algorithm, alias)
    models = _models_by_table()
    out: dict[str, dict[str, Any]] = {}
    for table in sorted(connections[alias].introspection.table_names()):
        if only is not None and table not in only:
            continue
        if algorithm == pg_checksums.ALGORITHM:
            out[table] = pg_checksums.table_figures(table, alias)
        else:
            out[table] = _python_figures(table, alias, models)
    return out


def applied_migrations(alias: str = "default") -> dict[str, list[str]]:
    recorder = MigrationRecorder(connections[alias])
    if not recorder.has_table():
        return {}
    out: dict[str, list[str]] = {}
    for app, name in sorted(recorder.applied_migrations()):
        out.setdefault(app, []).append(name)
    return out
