import io
import logging
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection, connections

from lindung.core.databases import extra_database
from lindung.core.logs import ScrubFilter


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


@pytest.fixture
def log_lines() -> Iterator[Callable[[], list[str]]]:
    """What the handlers configured by settings.LOGGING write, line by line: their stream
    is swapped for a buffer, so the real filter and formatter are under test."""
    handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, ScrubFilter) for f in h.filters)]
    assert handlers, "settings.LOGGING has no scrubbing handler on the root logger"
    buffer = io.StringIO()
    previous = [h.setStream(buffer) for h in handlers if isinstance(h, logging.StreamHandler)]
    try:
        yield lambda: [line for line in buffer.getvalue().splitlines() if line]
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            if isinstance(handler, logging.StreamHandler) and stream is not None:
                handler.setStream(stream)
