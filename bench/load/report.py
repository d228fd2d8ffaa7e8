"""Summarise a load run (bench/load/run.sh) and write its BENCHMARKS.md section.

    .venv/bin/python -m bench.load.report [--out var/load] [--no-write]

Per step (users): locust's client-side figures per request type (count, failures, p50,
p95, p99, requests/s) and, from the app's own request lines, where the time of each view
went (median CPU of the worker thread, median database time, queries). The load average
before and after each step sits beside its numbers: the machine is shared.
"""

import argparse
import csv
import json
import re
import statistics
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

START, END = "<!-- bench:load:start -->", "<!-- bench:load:end -->"
BUDGET_MS, CEILING_MS = 500, 1000


def _steps(out: Path) -> list[int]:
    return sorted(int(m.group(1)) for p in out.glob("u*_stats.csv") if (m := re.fullmatch(r"u(\d+)_stats", p.stem)))


def _locust(out: Path, users: int) -> list[dict[str, Any]]:
    with (out / f"u{users}_stats.csv").open() as f:
        return list(csv.DictReader(f))


def _views(out: Path, users: int) -> dict[str, dict[str, float]]:
    by_view: dict[str, list[dict[str, Any]]] = defaultdict(list)
    path = out / f"requests-{users}.jsonl"
    for line in path.read_text().splitlines() if path.exists() else []:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if "cpu_ms" in entry:
            by_view[f"{entry['method']} {entry.get('view') or entry['path']}"].append(entry)
    summary = {}
    for view, entries in by_view.items():
        summary[view] = {
            "n": len(entries),
            "duration": statistics.median(e["duration_ms"] for e in entries),
            "cpu": statistics.median(e["cpu_ms"] for e in entries),
            "db": statistics.median(e["db_ms"] for e in entries),
            "queries": statistics.median(e["queries"] for e in entries),
            "cpu_total": sum(e["cpu_ms"] for e in entries) / 1000,
        }
    return summary


def _load(out: Path, users: int) -> str:
    path = out / f"step-{users}.txt"
    if not path.exists():
        return "?"
    text = path.read_text()
    averages = re.findall(r"load average: ([\d.]+)", text)
    cpu = [list(map(int, line.split()[1:])) for line in text.splitlines() if line.startswith("cpu ")]
    busy = ""
    if len(cpu) == 2:
        delta = [b - a for a, b in zip(cpu[0], cpu[1], strict=False)]
        idle = delta[3] + (delta[4] if len(delta) > 4 else 0)
        busy = f", machine CPU busy {100 * (1 - idle / max(sum(delta), 1)):.0f} %"
    return f"load average {' → '.join(averages)}{busy}"


def _fmt(value: str) -> str:
    try:
        return f"{float(value):,.0f}"
    except ValueError:
        return value


def _argon2(out: Path) -> list[str]:
    """The sign-in hashing cost from bench.load.argon2_cost, when it was run into ``out``."""
    path = out / "argon2.json"
    figures = json.loads(path.read_text()) if path.exists() else {}
    if "configured" not in figures:
        return []
    lines = [
        "Password check per sign-in (`bench.load.argon2_cost`, medians):",
        "",
        "| hasher | parameters | CPU ms per check | wall ms per check | load |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for run in (figures["django_default"], figures["configured"]):
        p = run["parameters"]
        lines.append(
            f"| `{run['hasher'].rsplit('.', 1)[-1]}` | m={p['memory_cost']} KiB, t={p['time_cost']}, "
            f"p={p['parallelism']} | {run['cpu_ms_median']} | {run['wall_ms_median']} | {run['load']} |"
        )
    return [*lines, ""]


def render(out: Path) -> str:
    lines = [START, "", "## Load through the production stack (issue 13)", ""]
    # The run's own notes when written, else the committed ones that describe the last run
    # recorded in BENCHMARKS.md (var/ is not committed, so a rerun kept losing the prose).
    notes = out / "notes.md"
    if not notes.exists():
        notes = Path(__file__).with_name("notes.md")
    if notes.exists():
        lines += [notes.read_text().strip(), ""]
    lines += _argon2(out)
    for users in _steps(out):
        rows = _locust(out, users)
        total = next((r for r in rows if r["Name"] == "Aggregated"), None)
        lines += [f"### {users} users ({_load(out, users)})", ""]
        if total:
            lines += [
                f"{int(total['Request Count']):,} requests, {int(total['Failure Count'])} failures, "
                f"{float(total['Requests/s']):.1f} requests/s; p50 {_fmt(total['50%'])} ms, "
                f"p95 {_fmt(total['95%'])} ms, p99 {_fmt(total['99%'])} ms.",
                "",
            ]
        lines += [
            "| request type | requests | failures | p50 ms | p95 ms | p99 ms | p95 within 500 ms |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for row in sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: -float(r["95%"] or 0)):
            ok = "yes" if float(row["95%"] or 0) <= BUDGET_MS else "**no**"
            lines.append(
                f"| {row['Type']} {row['Name']} | {int(row['Request Count']):,} | {int(row['Failure Count'])} | "
                f"{_fmt(row['50%'])} | {_fmt(row['95%'])} | {_fmt(row['99%'])} | {ok} |"
            )
        views = _views(out, users)
        if views:
            lines += [
                "",
                "Where the time went, per view (the app's request lines: medians; CPU is the gunicorn worker's, "
                "database is the wait on PostgreSQL; CPU s is the view's total over the step):",
                "",
                "| view | requests | duration ms | CPU ms | database ms | queries | CPU s |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            ]
            for view, s in sorted(views.items(), key=lambda item: -item[1]["cpu_total"]):
                lines.append(
                    f"| {view} | {s['n']:,} | {s['duration']:.0f} | {s['cpu']:.0f} | {s['db']:.0f} | "
                    f"{s['queries']:.0f} | {s['cpu_total']:.1f} |"
                )
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def write(section: str, path: str = "BENCHMARKS.md") -> None:
    target = Path(path)
    text = target.read_text()
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    target.write_text(text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load.report", description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="var/load")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    section = render(Path(args.out))
    print(section)
    if not args.no_write:
        write(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
