"""How long `manage.py backup` and `restore` take at scale, by their parts.

    DATABASE_URL=... .venv/bin/python -m bench.backup_speed [--sample 200000] [--tables 8] [--dump]

A backup is pg_dump (custom format) plus a manifest of per-table row counts and checksums;
a restore is pg_restore plus the same checksums again. On PostgreSQL the checksums are
computed by PostgreSQL (lindung/operations/backup/pg_checksums.py); archives made before
that, and SQLite's, hash every row in Python (checksums.py). This times both on the same
largest tables in the same run: the SQL one over each whole table, the Python one over
its first ``--sample`` rows (0: the whole table), extrapolated to the table's rows. Then
the SQL checksums of every table, which is what a backup and a restore each add to
pg_dump / pg_restore. With ``--dump`` it also times a full pg_dump to var/ (deleted
afterwards). The load average is printed beside each figure: the machine is shared.
"""

import argparse
import itertools
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .django_setup import setup


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def _python_sample(table: str, sample: int) -> tuple[int, float]:
    from django.db import connection

    from lindung.operations.backup.checksums import _models_by_table, _raw_rows, table_figures

    model = _models_by_table().get(table)
    started = time.perf_counter()
    if model is None:
        columns, rows = _raw_rows(table, "default")
        figures = table_figures(columns, itertools.islice(rows, sample or None))
    else:
        fields = list(model._meta.concrete_fields)
        query = model._base_manager.order_by().values_list(*(f.attname for f in fields))
        if sample:
            query = query[:sample]
        figures = table_figures([str(f.column) for f in fields], query.iterator(chunk_size=5000))
    connection.close()  # a half-read raw cursor must not hold the table
    return figures["rows"], time.perf_counter() - started


def _time_dump(result: dict[str, Any]) -> None:
    from django.db import connection

    settings = connection.settings_dict
    with tempfile.TemporaryDirectory(dir="var") as folder:
        dest = Path(folder) / "bench.pgdump"
        load = _load()
        started = time.perf_counter()
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-password", f"--file={dest}", "-h", settings["HOST"],
             "-p", str(settings["PORT"] or 5432), "-U", settings["USER"], settings["NAME"]],
            check=True,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        result["pg_dump"] = {"seconds": round(seconds, 1), "bytes": dest.stat().st_size, "load_before": load}
        result["pg_dump"]["load_after"] = _load()
        print(f"pg_dump: {seconds:,.1f} s, {dest.stat().st_size / 1e9:.2f} GB (load {load} -> {_load()})")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.backup_speed", description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=int, default=200_000, help="rows per table for the Python checksum; 0: all")
    parser.add_argument("--tables", type=int, default=8)
    parser.add_argument("--dump", action="store_true", help="also time a full pg_dump --format=custom")
    parser.add_argument("--out", default="var/backup_speed.json")
    args = parser.parse_args(argv)
    setup()
    from django.db import connection

    from lindung.operations.backup import pg_checksums
    from lindung.operations.backup.checksums import database_tables

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE schemaname = 'public' ORDER BY n_live_tup DESC LIMIT %s",
            [args.tables],
        )
        tables = [name for (name,) in cursor.fetchall()]
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    result: dict[str, Any] = {"database_bytes": size, "tables": []}
    totals = {"sql_s": 0.0, "python_estimate_s": 0.0}
    for table in tables:
        load = _load()
        started = time.perf_counter()
        rows = pg_checksums.table_figures(table)["rows"]
        sql_s = time.perf_counter() - started
        sampled, python_s = _python_sample(table, args.sample)
        python_rate = sampled / python_s if python_s else 0
        python_estimate = rows / python_rate if python_rate else 0
        totals["sql_s"] += sql_s
        totals["python_estimate_s"] += python_estimate
        entry = {
            "table": table,
            "rows": rows,
            "load": load,
            "sql_s": round(sql_s, 2),
            "sql_rows_per_s": round(rows / sql_s) if sql_s else 0,
            "python_sampled": sampled,
            "python_rows_per_s": round(python_rate),
            "python_estimate_s": round(python_estimate),
        }
        result["tables"].append(entry)
        print(
            f"{table}: {rows:,} rows; SQL {sql_s:,.1f} s ({entry['sql_rows_per_s']:,} rows/s); Python "
            f"{python_rate:,.0f} rows/s on {sampled:,} -> ~{python_estimate:,.0f} s (load {load})",
            flush=True,
        )
    result.update({k: round(v, 1) for k, v in totals.items()})
    print(f"these tables: SQL {totals['sql_s']:,.1f} s, Python ~{totals['python_estimate_s'] / 60:,.1f} min")
    load = _load()
    started = time.perf_counter()
    every = database_tables()
    result["sql_all_tables"] = {"tables": len(every), "seconds": round(time.perf_counter() - started, 1), "load": load}
    print(f"SQL checksums of all {len(every)} tables: {result['sql_all_tables']['seconds']} s (load {load})")
    if args.dump:
        _time_dump(result)
    Path(args.out).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
