"""Migration operations that keep a large PostgreSQL table writable while they run.

``AddIndexConcurrently`` (``CREATE INDEX CONCURRENTLY``) takes no lock that blocks
writes, so registrations and payments go on while an index over millions of rows is
built. Django's own operation of that name only runs on PostgreSQL; this one falls back
to a plain ``CREATE INDEX`` on SQLite, where tables are small. It also tolerates an
index that an operator built by hand beforehand (the same name, valid: nothing to do)
and one left INVALID by an interrupted concurrent build (dropped and built again).

A migration using it must say ``atomic = False``: PostgreSQL refuses a concurrent build
inside a transaction.
"""

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently as DjangoAddIndexConcurrently
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


class AddIndexConcurrently(DjangoAddIndexConcurrently):
    """Concurrent on PostgreSQL, plain elsewhere; an index of that name already there
    is kept."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            model = to_state.apps.get_model(app_label, self.model_name)
            with schema_editor.connection.cursor() as cursor:
                table = schema_editor.connection.introspection.get_constraints(cursor, model._meta.db_table)
            if self.index.name not in table:
                migrations.AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)
            return
        state = index_state(schema_editor, self.index.name)
        if state is True:
            return  # built by hand beforehand (docs/operations.md)
        if state is False:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(self.index.name)}")
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            migrations.AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
            return
        super().database_backwards(app_label, schema_editor, from_state, to_state)


class RemoveIndexConcurrently(migrations.RemoveIndex):
    """``DROP INDEX CONCURRENTLY`` on PostgreSQL (no lock that blocks writes), a plain
    drop elsewhere; an index already gone is not an error. Needs ``atomic = False``."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(self.name)}")

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        index = to_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
        schema_editor.add_index(model, index, concurrently=True)
