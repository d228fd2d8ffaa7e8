"""One UPDATE for many rows with different values (``UPDATE ... FROM (VALUES ...)``).

Django's ``bulk_update`` writes a ``CASE WHEN id = ... THEN ...`` per field and row and
spends most of its time building those expressions (profiled: two thirds of the
dispatcher's time at 200 rows a batch). A VALUES list is one short statement whose cost
is the database's. PostgreSQL and SQLite (3.33+) both read ``UPDATE ... FROM``; both name
the VALUES columns column1, column2, ...; PostgreSQL needs each value's type."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models


def update_from_values(
    model: type[models.Model],
    values: Mapping[int, Sequence[Any]],
    fields: Sequence[str],
    *,
    where: str = "",
    where_params: Sequence[Any] = (),
) -> int:
    """Set ``fields`` of each row ``pk`` to ``values[pk]`` (in the order of ``fields``);
    ``where`` adds a condition on the table (named ``t``), e.g. a status guard. How many
    rows changed."""
    if not values:
        return 0
    meta = model._meta
    columns = [_concrete(meta.get_field(name)) for name in fields]
    quote = connection.ops.quote_name
    cast = connection.vendor == "postgresql"

    def placeholder(field: Any) -> str:
        return f"CAST(%s AS {field.db_type(connection)})" if cast else "%s"

    pk_field = meta.pk
    assert pk_field is not None
    row_sql = "(" + ", ".join(placeholder(f) for f in [pk_field, *columns]) + ")"
    params: list[Any] = []
    for pk, row in values.items():
        params.append(pk_field.get_db_prep_value(pk, connection))
        params.extend(f.get_db_prep_save(v, connection) for f, v in zip(columns, row, strict=True))
    assignments = ", ".join(f"{quote(f.column)} = v.column{i + 2}" for i, f in enumerate(columns))
    # Names come from the model's metadata, values travel as parameters.
    table, pk_column, rows_sql = quote(meta.db_table), quote(pk_field.column), ", ".join([row_sql] * len(values))
    sql = f"UPDATE {table} AS t SET {assignments} FROM (VALUES {rows_sql}) AS v WHERE t.{pk_column} = v.column1"  # noqa: S608
    if where:
        sql += f" AND ({where})"
        params.extend(where_params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def _concrete(field: Any) -> "models.Field[Any, Any]":
    assert isinstance(field, models.Field), f"{field} is not a concrete field"
    return field
