"""Connections made at run time: a second database (a restore target, a backup copy to
read) under a temporary alias, and the environment for PostgreSQL's command-line clients."""

import contextlib
import copy
import os
import uuid
from collections.abc import Iterator
from typing import Any

from django.db import connections
from django.db.utils import load_backend


@contextlib.contextmanager
def extra_database(like: str = "default", alias: str = "", **overrides: Any) -> Iterator[str]:
    """A temporary alias configured as ``like`` with ``overrides`` (e.g. NAME=...). The
    connection is registered for this thread only and is not added to the settings, so
    nothing else (routers, checks, other threads) ever sees it."""
    alias = alias or f"tmp_{uuid.uuid4().hex[:12]}"
    config = {**copy.deepcopy(connections[like].settings_dict), **overrides}
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias)
    connections[alias] = wrapper
    try:
        yield alias
    finally:
        wrapper.close()
        del connections[alias]


def pg_environ(alias: str) -> dict[str, str]:
    """Environment for pg_dump / pg_restore / psql reaching this alias's database (the
    password travels in the environment, never on a command line others can read)."""
    db = connections[alias].settings_dict
    env = dict(os.environ)
    values = {
        "PGDATABASE": db.get("NAME"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGHOST": db.get("HOST"),
        "PGPORT": str(db.get("PORT") or ""),
    }
    env.update({key: str(value) for key, value in values.items() if value})
    return env
