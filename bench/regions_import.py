"""Time the national region import (REG-5): a synthetic country of 38 provinces, 514
regencies, 7,285 districts and 83,762 villages written as a `kode,nama` CSV, imported with
`regions_import_csv` into an empty table, then again (the idempotent re-run).

    .venv/bin/python -m bench.regions_import [--runs 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lindung_bench_regions .venv/bin/python -m bench.regions_import

Without DATABASE_URL it uses a throwaway SQLite file, never the developer's db.sqlite3.
The baseline, measured in the same run, is the plainest bulk load of the same rows into the
empty table (COPY on PostgreSQL, executemany on SQLite): the cost of the rows themselves,
without parsing, validation or the ORM.
"""

import argparse
import csv
import os
import statistics
import tempfile
import time
from pathlib import Path


def _prepare_database(tmp: Path) -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench_regions.sqlite3'}"
    from bench.django_setup import setup

    setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _write_csv(path: Path) -> list[tuple[str, str, int, str | None]]:
    from bench import regions_synth

    rows = [(n.code, n.name, n.level, n.parent) for n in regions_synth.tree(regions_synth.FULL)]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["kode", "nama"])
        writer.writerows((code, name) for code, name, _, _ in rows)
    return rows


def _clear() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM regions_historicalregion")
        cursor.execute("DELETE FROM regions_region")


def _raw_insert(rows: list[tuple[str, str, int, str | None]]) -> float:
    """The fastest plain load each database offers: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection, transaction

    ordered = sorted(rows, key=lambda r: r[2])
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy("COPY regions_region (code, name, level, parent_id) FROM STDIN") as copy:
                for row in ordered:
                    copy.write_row(row)
        else:
            cursor.executemany(
                "INSERT INTO regions_region (code, name, level, parent_id) VALUES (%s, %s, %s, %s)", ordered
            )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="lindung-bench-regions-") as tmpdir:
        tmp = Path(tmpdir)
        _prepare_database(tmp)
        from django.db import connection

        from lindung.regions.models import Region
        from lindung.regions.services import regions_import_csv

        csv_path = tmp / "regions.csv"
        rows = _write_csv(csv_path)
        counts = [sum(1 for r in rows if r[2] == level) for level in (1, 2, 3, 4)]
        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        print(
            f"rows: {len(rows):,} = {counts[0]} provinces, {counts[1]} regencies, {counts[2]:,} districts, "
            f"{counts[3]:,} villages; file {csv_path.stat().st_size / 1e6:.1f} MB"
        )

        empty, rerun, renamed, raw = [], [], [], []
        renamed_path = tmp / "renamed.csv"
        text = csv_path.read_text(encoding="utf-8").splitlines()
        # Every 100th row renamed: the "official list was amended" case.
        renamed_path.write_text(
            "\n".join(f"{line} Baru" if i % 100 == 0 and i else line for i, line in enumerate(text)) + "\n",
            encoding="utf-8",
        )
        for run in range(1, args.runs + 1):
            _clear()
            raw.append(_raw_insert(rows))
            _clear()
            result = regions_import_csv(path=csv_path)
            assert result.created == len(rows) and Region.objects.count() == len(rows)
            empty.append(result.seconds)
            result = regions_import_csv(path=csv_path)
            assert result.unchanged == len(rows)
            rerun.append(result.seconds)
            result = regions_import_csv(path=renamed_path)
            assert result.updated == len(rows) // 100, result.updated
            renamed.append(result.seconds)
            print(
                f"run {run}: empty {empty[-1]:.2f} s, re-run {rerun[-1]:.2f} s, "
                f"1% renamed {renamed[-1]:.2f} s, baseline {raw[-1]:.2f} s"
            )
        _clear()

        med = statistics.median
        print(f"median of {args.runs}:")
        print(f"  import into empty table   {med(empty):6.2f} s  ({med(empty) / med(raw):.1f}x baseline)")
        print(f"  idempotent re-run         {med(rerun):6.2f} s")
        print(f"  re-run with 1% renamed    {med(renamed):6.2f} s")
        print(f"  baseline (COPY/executemany) {med(raw):5.2f} s")


if __name__ == "__main__":
    main()
