"""Migration operations that keep a large PostgreSQL table writable while they run.

``AddIndexConcurrently`` (``CREATE INDEX CONCURRENTLY``) and ``RemoveIndexConcurrently``
(``DROP INDEX CONCURRENTLY``) take no lock that blocks writes, so registrations and
payments go on while an index over millions of rows is built or dropped. Django's own
operations of those names only run on PostgreSQL; these fall back to a plain ``CREATE
INDEX`` or ``DROP INDEX`` on SQLite, where tables are small. The first also tolerates an
index that an operator built by hand beforehand (the same name, valid: nothing to do)
and one left INVALID by an interrupted concurrent build (dropped and built again); the
second, an index already dropped by hand.

A migration using it must say ``atomic = False``: PostgreSQL refuses a concurrent build
inside a transaction.
"""

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently as DjangoAddIndexConcurrently
from django.contrib.postgres.operations import RemoveIndexConcurrently as DjangoRemoveIndexConcurrently
from django.db import migrations


def index_state(schema_editor: Any, name: str) -> bool | None:
    """True: a valid index of that name exists; False: an invalid one; None: none."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = %s AND pg_catalog.pg_table_is_visible(c.oid)",
            [name],
        )
        row = cursor.fetchone()
    return None if row is None else bool(row[0])


def _has_index(schema_editor: Any, model: Any, name: str) -> bool:
    """Whether the model's table has an index of that name (any database)."""
    with schema_editor.connection.cursor() as cursor:
        return name in schema_editor.connection.introspection.get_constraints(cursor, model._meta.db_table)


class _PlainBackwardsOffPostgres:
    """Undone by the plain operation (``plain``) on databases other than PostgreSQL."""

    plain: Any

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            self.plain.database_backwards(self, app_label, schema_editor, from_state, to_state)
            return
        super().database_backwards(app_label, schema_editor, from_state, to_state)  # type: ignore[misc]


class AddIndexConcurrently(_PlainBackwardsOffPostgres, DjangoAddIndexConcurrently):
    """Concurrent on PostgreSQL, plain elsewhere; an index of that name already there
    is kept."""

    plain = migrations.AddIndex

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            if not _has_index(schema_editor, to_state.apps.get_model(app_label, self.model_name), self.index.name):
                migrations.AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)
            return
        state = index_state(schema_editor, self.index.name)
        if state is True:
            return  # built by hand beforehand (docs/operations.md)
        if state is False:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(self.index.name)}")
        super().database_forwards(app_label, schema_editor, from_state, to_state)


class RemoveIndexConcurrently(_PlainBackwardsOffPostgres, DjangoRemoveIndexConcurrently):
    """Concurrent on PostgreSQL, plain elsewhere; an index already gone is no error."""

    plain = migrations.RemoveIndex

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            if _has_index(schema_editor, from_state.apps.get_model(app_label, self.model_name), self.name):
                migrations.RemoveIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)
            return
        if index_state(schema_editor, self.name) is None:
            return  # dropped by hand beforehand
        super().database_forwards(app_label, schema_editor, from_state, to_state)
