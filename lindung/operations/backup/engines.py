"""Dump and restore one database, per vendor, and read the manifest's figures from the
very data that was dumped."""

import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections, transaction

from lindung.core.databases import extra_database, pg_environ

from .checksums import applied_migrations, database_tables

DUMP_TIMEOUT = 6 * 60 * 60  # seconds; a stuck pg_dump must not hold a snapshot forever


class EngineError(Exception):
    pass


def _client(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise EngineError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def dump_database(alias: str, folder: Path) -> tuple[Path, dict[str, Any]]:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        return _pg_dump(alias, folder / "database.pgdump")
    if connection.vendor == "sqlite":
        return _sqlite_copy(alias, folder / "database.sqlite3")
    raise EngineError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")


def _pg_dump(alias: str, dest: Path) -> tuple[Path, dict[str, Any]]:
    """pg_dump and the figures share one snapshot: this transaction exports it, pg_dump
    imports it, and the checksums are read in this same transaction meanwhile. Writers
    carry on; neither side sees what they commit after the snapshot."""
    connection = connections[alias]
    if connection.in_atomic_block:
        raise EngineError("A backup cannot run inside another transaction.")
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        command = [_client("pg_dump"), "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={dest}"]
        with subprocess.Popen(command, env=pg_environ(alias), stderr=subprocess.PIPE) as dump:  # noqa: S603
            try:
                figures = {"tables": database_tables(alias), "migrations": applied_migrations(alias)}
            finally:
                _, errors = dump.communicate(timeout=DUMP_TIMEOUT)
    if dump.returncode != 0:
        raise EngineError(f"pg_dump failed: {errors.decode(errors='replace').strip()}")
    return dest, figures


def _sqlite_copy(alias: str, dest: Path) -> tuple[Path, dict[str, Any]]:
    """SQLite's online backup copies a consistent snapshot while the app keeps writing;
    the figures are then read from the copy."""
    connection = connections[alias]
    connection.ensure_connection()
    copy = sqlite3.connect(dest)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    with extra_database(alias, NAME=str(dest), OPTIONS={}) as reader:
        figures = {"tables": database_tables(reader), "migrations": applied_migrations(reader)}
    return dest, figures


def restore_database(alias: str, dump: Path) -> None:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        connection.close()  # pg_restore works on its own connection
        command = [
            _client("pg_restore"),
            "--no-password",
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ]
        done = subprocess.run(command, env=pg_environ(alias), capture_output=True, check=False)  # noqa: S603
        if done.returncode != 0:
            raise EngineError(f"pg_restore failed: {done.stderr.decode(errors='replace').strip()}")
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    raise EngineError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
