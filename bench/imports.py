"""Time the participant import (REG-4): preview and commit of an N-row workbook spread
over several sheets, through the same job functions the pages use, with bulk writes
(participants_register_bulk) beside the old per-row path (participant_register) and the
bulk path with COPY off (bulk_create_with_history, as before COPY).

    DATABASE_URL=postgres://.../lindung_bench_imports .venv/bin/python -m bench.imports \
        [--rows 10000] [--runs 2] [--big 100000] [--big-runs 2] [--baseline-rows 10000] [--no-write]

The database needs the regions (`manage.py import_regions lindung/regions/data/bengkalis.csv`);
`python -m bench.generate --participants 500000` fills it beforehand (the NIKs here start
above every stored serial of their prefix, so they never clash with generated ones).
Each run imports new NIKs as the coordinator bench_import_coord; earlier runs' rows stay,
so later runs check against a fuller table, as in real use. Jobs run inline (no thread),
so the times are the work itself. Results replace the imports section of BENCHMARKS.md.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .django_setup import setup

START, END = "<!-- bench:imports:start -->", "<!-- bench:imports:end -->"
SHEET_ROWS = 20_000  # rows per sheet: several sheets, as branch offices send them
HEADER = ["NIK", "Nama Lengkap", "Tempat Lahir", "Tanggal Lahir", "Jenis Kelamin", "Alamat", "Kode Desa", "No HP"]
BORN_FROM = datetime.date(1960, 1, 1)
DAYS = 15_000
COORDINATOR = "bench_import_coord"
NIK_PREFIX = "140301"  # province 14, regency 03 (Bengkalis), district 01


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--big", type=int, default=100_000, help="runs at this size too (0: none)")
    parser.add_argument("--big-runs", type=int, default=2, help="how many runs at --big")
    parser.add_argument("--baseline-rows", type=int, default=10_000, help="per-row path (0: none)")
    parser.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    return parser.parse_args(argv)


def nik(index: int, serial_base: int) -> tuple[str, datetime.date, bool]:
    born = BORN_FROM + datetime.timedelta(days=index % DAYS)
    female = bool((index // DAYS) % 2)
    serial = serial_base + index // (2 * DAYS)
    day = born.day + (40 if female else 0)
    return f"{NIK_PREFIX}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}", born, female


def write_workbook(path: Path, rows: int, serial_base: int, villages: list[str]) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    sheet = None
    for index in range(rows):
        if index % SHEET_ROWS == 0:
            sheet = workbook.add_worksheet(f"Desa {index // SHEET_ROWS + 1}")
            sheet.write_row(0, 0, HEADER)
        assert sheet is not None
        number, born, female = nik(index, serial_base)
        sheet.write_row(
            index % SHEET_ROWS + 1,
            0,
            [
                number,
                f"Peserta Impor {serial_base} {index}",
                "Bengkalis",
                born.strftime("%d/%m/%Y"),
                "P" if female else "L",
                f"Jl. Sudirman No. {index % 500}",
                villages[index % len(villages)],
                f"0812{index % 10**8:08d}",
            ],
        )
    workbook.close()


def run_once(actor: Any, path: Path, rows: int, bulk: bool, copy: bool = True) -> dict[str, float]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lindung.jobs.models import JobStatus
    from lindung.participants import bulk_copy
    from lindung.participants.imports import handlers
    from lindung.participants.imports import jobs as imports
    from lindung.participants.imports.participants import ParticipantImport

    def kind(**kwargs: Any) -> ParticipantImport:
        return ParticipantImport(**kwargs, bulk=bulk)

    handlers.ParticipantImport = kind  # type: ignore[misc,assignment]
    bulk_copy.USE_COPY = copy
    try:
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        t0 = time.perf_counter()
        preview = imports.import_start(actor=actor, upload=upload)  # runs inline at commit (autocommit)
        preview.refresh_from_db()
        t1 = time.perf_counter()
        counts = preview.result["import"]["counts"]
        if preview.status != JobStatus.SUCCEEDED or counts["new"] != rows:
            sys.exit(f"preview failed: {preview.status} {preview.message} {counts}")
        job = imports.import_commit(actor=actor, preview=preview)
        job.refresh_from_db()
        t2 = time.perf_counter()
        if job.status != JobStatus.SUCCEEDED:
            sys.exit(f"commit failed: {job.message}")
    finally:
        handlers.ParticipantImport = ParticipantImport  # type: ignore[misc]
        bulk_copy.USE_COPY = True
    result = {"rows": rows, "preview": t1 - t0, "commit": t2 - t1}
    path_name = ("bulk" if copy else "bulk, COPY off") if bulk else "per-row"
    print(f"{path_name} {rows:,} rows: preview {result['preview']:.1f} s, commit {result['commit']:.1f} s", flush=True)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ["LINDUNG_JOBS_MODE"] = "inline"
    setup()
    import django
    from django.conf import settings
    from django.db import connection
    from django.db.models import Max
    from django.db.models.functions import Substr

    from lindung.accounts.models import Role, User
    from lindung.participants.models import Participant
    from lindung.regions.models import Level, Region

    villages = list(Region.objects.filter(level=Level.VILLAGE).order_by("code").values_list("code", flat=True)[:50])
    if not villages:
        sys.exit("No villages: run `manage.py import_regions lindung/regions/data/bengkalis.csv` first.")
    actor, _created = User.objects.get_or_create(username=COORDINATOR, defaults={"role": Role.COORDINATOR})
    # Serials above every stored one with our prefix (earlier runs, bench.generate's rows),
    # so every run's NIKs are new.
    highest = Participant.objects.filter(nik__startswith=NIK_PREFIX).aggregate(serial=Max(Substr("nik", 13, 4)))[
        "serial"
    ]
    serial_base = 1 + int(highest or 0)

    plan: list[tuple[str, int, bool, bool]] = []
    if args.baseline_rows:
        plan.append(("per-row", args.baseline_rows, False, False))
        plan.append(("bulk-create", args.baseline_rows, True, False))
    plan += [("bulk", args.rows, True, True)] * args.runs
    if args.big:
        plan += [("bulk-big", args.big, True, True)] * args.big_runs
    results: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, rows, bulk, copy in plan:
            path = Path(tmp) / f"peserta-{serial_base}.xlsx"
            write_workbook(path, rows, serial_base, villages)
            serial_base += rows // (2 * DAYS) + 1
            results.setdefault(label, []).append(run_once(actor, path, rows, bulk, copy))

    database = connection.vendor
    if database == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    names = {
        "per-row": "per-row (`participant_register`), baseline",
        "bulk-create": "bulk, COPY off (`bulk_create_with_history`), baseline",
        "bulk": "bulk",
        "bulk-big": "bulk",
    }
    lines = [
        "## Participant import: preview and commit",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores, "
        f"Django {django.get_version()}; {database}; {Participant.objects.count():,} participants at the end. "
        f"An .xlsx of N new participants on sheets of {SHEET_ROWS:,} rows (valid NIKs, phones, Bengkalis villages), "
        "uploaded as a coordinator through `import_start` and `import_commit` with jobs run inline: preview = "
        "read + check every row; commit = read + check again + write, in one transaction. Bulk = "
        "`participants_register_bulk`, 5,000 rows a chunk: on PostgreSQL the participants go in by COPY, "
        "streamed while the rows are checked, and their history rows by one INSERT ... SELECT "
        "(`lindung/participants/bulk_copy.py`; SQLite keeps `bulk_create_with_history`); per-row = "
        "`participant_register` a row. Median where there are several runs. Load average "
        + " / ".join(f"{x:.1f}" for x in os.getloadavg())
        + " at the end.",
        "",
        f"Reproduce: `DATABASE_URL=... .venv/bin/python -m bench.imports --rows {args.rows} --runs {args.runs} "
        f"--big {args.big} --big-runs {args.big_runs}`.",
        "",
        "| write path | rows | runs | preview s | commit s | commit rows/s | preview + commit s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, runs in results.items():
        preview = statistics.median(r["preview"] for r in runs)
        commit = statistics.median(r["commit"] for r in runs)
        rows = int(runs[0]["rows"])
        commits = ", ".join(f"{r['commit']:.1f}" for r in runs)
        lines.append(
            f"| {names[label]} | {rows:,} | {len(runs)} ({commits}) | {preview:.1f} | {commit:.1f} | "
            f"{rows / commit:,.0f} | {preview + commit:.1f} |"
        )
    section = "\n".join(lines) + "\n"
    print(section)
    if not args.no_write:
        write_section(str(settings.BASE_DIR / "BENCHMARKS.md"), section)
    return 0


def write_section(path: str, section: str) -> None:
    """Replace only our marked section; other benchmarks own the rest of the file."""
    block = f"{START}\n{section}{END}\n"
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    sys.exit(main())
