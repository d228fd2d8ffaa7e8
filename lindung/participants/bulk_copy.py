"""The database side of the bulk registration (imports): new participants and their "+"
history rows, and the likely-duplicate lookup.

On PostgreSQL the participants go in with one COPY a chunk, streamed while the service
still checks the rows: bulk_create spends most of its time in Python turning every value
into an SQL parameter, which COPY leaves to psycopg's C code, and PostgreSQL inserts (and
indexes) the rows already sent while Python checks the next ones. The ids are taken from
the table's sequence first, so every row is known by id, as with bulk_create. The
history rows are then copied from the stored rows by one INSERT ... SELECT, so they hold
exactly what was stored. Other databases (SQLite) keep bulk_create_with_history.

Columns come from the models' own fields and the history row is what simple_history's
bulk_history_create writes for a new instance (history_type "+", the actor as user, no
change reason), so both paths write the same thing (the tests compare them field by
field); a history field this module does not know fails loudly instead of staying empty.
"""

import datetime
import operator
import re
from collections.abc import Collection, Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field
from django.utils import timezone
from psycopg import sql
from simple_history.utils import bulk_create_with_history

from lindung.accounts.models import User

from .models import Participant

HISTORY_TYPE_CREATED = "+"
# Set on an instance, these give bulk_history_create a per-row user, reason or date; the
# service builds its instances itself and never sets them.
_PER_ROW_HISTORY = ("_history_user", "_change_reason", "_history_date")
# "Key (nik)=(1403...) already exists." (the words follow the server's lc_messages).
_KEY_DETAIL = re.compile(r"\((?P<column>[^()]*)\)=\((?P<value>.*)\)")


# Off: bulk_create_with_history on PostgreSQL too (the tests compare both paths).
USE_COPY = True


def _connection() -> BaseDatabaseWrapper:
    return connections[router.db_for_write(Participant)]


def streams() -> bool:
    """Whether participants_insert_with_history writes rows as the iterable yields them
    (COPY, on PostgreSQL). If so, the unique constraints are the check for NIK and KPJ:
    a violation is an IntegrityError that violated_key() reads."""
    return USE_COPY and _connection().vendor == "postgresql"


def _no_query_during_copy(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    raise RuntimeError(f"a query while participants stream into COPY would deadlock: {sql[:120]}")


def participants_insert_with_history(
    participants: Iterable[Participant], *, count: int, actor: User
) -> list[Participant]:
    """Insert new (unsaved) ``participants``, at most ``count`` of them, and a history row
    each recording ``actor``; returns them with their ids. An exception raised by the
    iterable (a refused row) stops the write; the caller's transaction undoes it. While
    the COPY runs the connection is busy: the iterable must not query the database."""
    connection = _connection()
    if not streams():
        rows = list(participants)
        if not rows:
            return rows
        return list(bulk_create_with_history(rows, Participant, batch_size=len(rows), default_user=actor))
    if count <= 0:
        return []
    now = timezone.now()
    written: list[Participant] = []
    fields = list(Participant._meta.concrete_fields)
    values_of = operator.attrgetter(*(f.attname for f in fields))
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(Participant._meta.db_table), sql.SQL(", ").join(sql.Identifier(f.column) for f in fields)
    )
    with connection.wrap_database_errors, connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [Participant._meta.db_table, Participant._meta.pk.column, count],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        # The rows are checked while they stream: a check that queried the database now
        # would wait forever on the connection the COPY holds, so it is refused at once.
        with cursor.cursor.copy(statement) as copy, connection.execute_wrapper(_no_query_during_copy):
            for participant in participants:
                if any(hasattr(participant, name) for name in _PER_ROW_HISTORY):
                    raise ValueError("per-row history attributes are not supported here")
                if len(written) == count:
                    raise ValueError(f"more than the {count} participants announced")
                participant.pk = ids[len(written)]
                for attname in stamped:  # what auto_now(_add) does on an insert
                    setattr(participant, attname, now)
                participant._state.adding = False
                participant._state.db = connection.alias
                copy.write_row(values_of(participant))
                written.append(participant)
        if written and getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            cursor.execute(_history_statement(), [now, actor.pk, [p.pk for p in written]])
    return written


def _history_statement() -> str:
    history = Participant.history.model
    by_attname: dict[str, Field[Any, Any]] = {f.attname: f for f in history._meta.concrete_fields}
    source = {f.attname: f.column for f in Participant._meta.concrete_fields}
    targets: list[str] = []
    values: list[sql.Composable] = []
    for field in history.tracked_fields:
        targets.append(by_attname.pop(field.attname).column)
        values.append(sql.Identifier(source[field.attname]))
    for attname, value in (
        ("history_date", sql.Placeholder()),
        ("history_user_id", sql.Placeholder()),
        ("history_change_reason", sql.NULL),
        ("history_type", sql.Literal(HISTORY_TYPE_CREATED)),
    ):
        targets.append(by_attname.pop(attname).column)
        values.append(value)
    by_attname.pop(history._meta.pk.attname)
    if by_attname:
        raise RuntimeError(f"history fields the bulk registration does not fill: {sorted(by_attname)}")
    statement = sql.SQL(
        "INSERT INTO {history} ({targets}) SELECT {values} FROM {table} WHERE {pk} = ANY(%s) ORDER BY {pk}"
    )
    return statement.format(
        history=sql.Identifier(history._meta.db_table),
        targets=sql.SQL(", ").join(sql.Identifier(column) for column in targets),
        values=sql.SQL(", ").join(values),
        table=sql.Identifier(Participant._meta.db_table),
        pk=sql.Identifier(Participant._meta.pk.column),
    ).as_string()


def violated_key(exc: IntegrityError) -> tuple[str, str] | None:
    """(column, value) of the unique key a PostgreSQL IntegrityError names, if any."""
    detail = getattr(getattr(exc.__cause__, "diag", None), "message_detail", None) or ""
    match = _KEY_DETAIL.search(detail)
    return (match["column"], match["value"]) if match else None


def participants_with_keys(keys: Collection[tuple[str, datetime.date]]) -> list[tuple[int, str, datetime.date, bool]]:
    """(id, name_key, birth_date, possible_duplicate) of everyone whose folded name and
    birth date is one of ``keys``. PostgreSQL joins the pairs to the (name_key,
    birth_date) index; two IN lists would also match every name with every date and,
    with thousands of keys, PostgreSQL reads the whole table for them."""
    if not keys:
        return []
    connection = connections[router.db_for_read(Participant)]
    if connection.vendor == "postgresql":
        names, dates = zip(*keys, strict=True)
        statement = sql.SQL(
            "SELECT p.{id}, p.{key}, p.{born}, p.{flag} FROM {table} p"
            " JOIN unnest(%s::text[], %s::date[]) AS k(name_key, birth_date)"
            " ON p.{key} = k.name_key AND p.{born} = k.birth_date"
        ).format(
            table=sql.Identifier(Participant._meta.db_table),
            id=sql.Identifier(Participant._meta.pk.column),
            key=sql.Identifier(Participant._meta.get_field("name_key").column),
            born=sql.Identifier(Participant._meta.get_field("birth_date").column),
            flag=sql.Identifier(Participant._meta.get_field("possible_duplicate").column),
        )
        with connection.cursor() as cursor:
            cursor.execute(statement.as_string(), [list(names), list(dates)])
            return list(cursor.fetchall())
    wanted = set(keys)
    candidates = Participant.objects.filter(
        name_key__in={name for name, _born in wanted}, birth_date__in={born for _name, born in wanted}
    ).order_by()
    return [
        row
        for row in candidates.values_list("pk", "name_key", "birth_date", "possible_duplicate")
        if (row[1], row[2]) in wanted
    ]
