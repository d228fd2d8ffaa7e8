"""How long `manage.py backup` and `restore` take at scale, by their parts.

    DATABASE_URL=... .venv/bin/python -m bench.backup_speed [--sample 200000] [--dump] [--tables 8]

The backup is pg_dump (custom format) plus a manifest whose per-table checksums hash every
row in Python (lindung/operations/backup/checksums.py); a restore is pg_restore plus the
same checksums again. This times the checksum of the first ``--sample`` rows of the
largest tables (extrapolated to their row counts), and with ``--dump`` a full pg_dump of
the database to var/ (deleted afterwards), so the parts can be measured one at a time on
a shared machine. The load average is printed beside each figure.
"""

import argparse
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from .django_setup import setup


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.backup_speed", description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=int, default=200_000)
    parser.add_argument("--tables", type=int, default=8)
    parser.add_argument("--dump", action="store_true", help="also time a full pg_dump --format=custom")
    parser.add_argument("--out", default="var/backup_speed.json")
    args = parser.parse_args(argv)
    setup()
    from django.db import connection

    from lindung.operations.backup.checksums import _models_by_table, table_figures

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' AND relnamespace = "
            "'public'::regnamespace ORDER BY reltuples DESC LIMIT %s",
            [args.tables],
        )
        tables = cursor.fetchall()
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    models = _models_by_table()
    result: dict[str, object] = {"database_bytes": size, "tables": []}
    total_estimate = 0.0
    for table, rows in tables:
        model = models[table]
        fields = list(model._meta.concrete_fields)
        load = _load()
        started = time.perf_counter()
        query = model._base_manager.order_by().values_list(*(f.attname for f in fields))[: args.sample]
        figures = table_figures([str(f.column) for f in fields], query.iterator(chunk_size=5000))
        seconds = time.perf_counter() - started
        rate = figures["rows"] / seconds if seconds else 0
        estimate = rows / rate if rate else 0
        total_estimate += estimate
        entry = {"table": table, "rows": rows, "sampled": figures["rows"], "rows_per_s": round(rate), "load": load}
        entry["estimated_s"] = round(estimate)
        result["tables"].append(entry)  # type: ignore[attr-defined]
        print(f"{table}: {rows:,} rows, checksum {rate:,.0f} rows/s on {figures['rows']:,} -> ~{estimate:,.0f} s "
              f"(load {load})", flush=True)  # fmt: skip
    result["checksum_estimate_s"] = round(total_estimate)
    print(f"checksums of these tables: ~{total_estimate / 60:,.1f} min per backup, and again per restore")
    if args.dump:
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
            result["pg_dump"] = {"seconds": round(seconds), "bytes": dest.stat().st_size, "load_before": load}
            result["pg_dump"]["load_after"] = _load()  # type: ignore[index]
            print(f"pg_dump: {seconds:,.0f} s, {dest.stat().st_size / 1e9:.2f} GB (load {load} -> {_load()})")
    Path(args.out).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
