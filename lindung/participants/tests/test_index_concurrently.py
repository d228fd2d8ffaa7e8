"""The phone index migration's operation (core/migration_ops.py): concurrent on
PostgreSQL, plain on SQLite, idempotent by name, and an invalid leftover rebuilt; and
its counterpart that drops an index (claims migration 0014).
Transactional (a concurrent build refuses a transaction) with serialized rollback, as
every transactional test here: a plain flush re-creates content types under new ids and
breaks the next serialized test's reload."""

import pytest
from django.apps import apps
from django.db import NotSupportedError, connection, models, transaction
from django.db.migrations.state import ProjectState

from lindung.core.migration_ops import AddIndexConcurrently, RemoveIndexConcurrently

NAME = "participant_phone_probe"


def _operation() -> AddIndexConcurrently:
    return AddIndexConcurrently(model_name="participant", index=models.Index(fields=["phone"], name=NAME))


def _states(operation: AddIndexConcurrently) -> tuple[ProjectState, ProjectState]:
    before = ProjectState.from_apps(apps)
    after = before.clone()
    operation.state_forwards("participants", after)
    return before, after


def _forwards(operation: AddIndexConcurrently) -> None:
    before, after = _states(operation)
    with connection.schema_editor(atomic=False) as editor:
        operation.database_forwards("participants", editor, before, after)


def _backwards(operation: AddIndexConcurrently) -> None:
    before, after = _states(operation)
    with connection.schema_editor(atomic=False) as editor:
        operation.database_backwards("participants", editor, after, before)


def _indexes() -> dict[str, dict]:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, "participants_participant")


def _valid() -> bool | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = %s",
            [NAME],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_index_is_built_on_the_phone_column_and_removed_again():
    operation = _operation()
    _forwards(operation)
    try:
        assert _indexes()[NAME]["columns"] == ["phone"]
        _forwards(operation)  # a second run (or an index built by hand first): nothing to do
        assert _indexes()[NAME]["columns"] == ["phone"]
    finally:
        _backwards(operation)
    assert NAME not in _indexes()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_it_refuses_to_run_inside_a_transaction():
    if connection.vendor != "postgresql":
        pytest.skip("CREATE INDEX CONCURRENTLY is PostgreSQL's")
    operation = _operation()
    before, after = _states(operation)
    with transaction.atomic(), connection.schema_editor(atomic=False) as editor, pytest.raises(NotSupportedError):
        operation.database_forwards("participants", editor, before, after)
    assert NAME not in _indexes()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_an_invalid_index_left_by_an_interrupted_build_is_rebuilt():
    if connection.vendor != "postgresql":
        pytest.skip("invalid indexes are PostgreSQL's")
    operation = _operation()
    _forwards(operation)
    try:
        with connection.cursor() as cursor:
            # What a cancelled CREATE INDEX CONCURRENTLY leaves behind.
            cursor.execute(
                "UPDATE pg_index SET indisvalid = false WHERE indexrelid = %s::regclass",
                [NAME],
            )
        assert _valid() is False
        _forwards(operation)
        assert _valid() is True
    finally:
        _backwards(operation)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_remove_concurrently_drops_the_index_and_backwards_builds_it_again():
    add = _operation()
    _forwards(add)
    _before, with_index = _states(add)
    remove = RemoveIndexConcurrently(model_name="participant", name=NAME)
    without = with_index.clone()
    remove.state_forwards("participants", without)
    try:
        with connection.schema_editor(atomic=False) as editor:
            remove.database_forwards("participants", editor, with_index, without)
        assert NAME not in _indexes()
        if connection.vendor == "postgresql":
            with connection.schema_editor(atomic=False) as editor:  # already gone: nothing to do
                remove.database_forwards("participants", editor, with_index, without)
        with connection.schema_editor(atomic=False) as editor:
            remove.database_backwards("participants", editor, without, with_index)
        assert _indexes()[NAME]["columns"] == ["phone"]
    finally:
        if NAME in _indexes():
            _backwards(add)
    assert NAME not in _indexes()
