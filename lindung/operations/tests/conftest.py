import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, connections

from lindung.core.databases import extra_database


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """An alias for a second, empty database of the same vendor as the test database: a
    new SQLite file, or a PostgreSQL database created for the test and dropped after."""
    if connection.vendor == "sqlite":
        with extra_database(NAME=str(tmp_path / "restored.sqlite3")) as alias:
            yield alias
        return
    name = f"lindung_h13b_restore_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    try:
        with extra_database(NAME=name) as alias:
            yield alias
            connections[alias].close()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
