"""Where the CPU goes per request type through the production stack: each of the load
test's tasks replayed N times in a row by one client (no pauses, so nothing queues),
with the CPU time of every component read from /proc before and after.

    LOAD_MODE=cpu bash bench/load/run.sh               # starts the stack, runs `measure`
    .venv/bin/python -m bench.load.cpu_per_request report var/load/cpu-*.json

Components: the gunicorn master and workers (workers recycled meanwhile are in the
master's children's time), nginx, the Celery worker (imports, big exports), PostgreSQL
and the client itself (locust's own HTTP client and task code, from this process's
rusage). PostgreSQL: the live backends of this stack (application_name lindung-load, in
pg_stat_activity) plus the connections that ended meanwhile, which the postmaster has
reaped (its children's time): with a connection per request, that is where our backends
go. Other databases' ended connections land there too, so an idle stretch before each
task measures their rate, which is taken off. utime + stime in clock ticks (10 ms each), summed over
N runs, so a type's figure is good to a few tenths of a millisecond per request.

`report` writes the BENCHMARKS.md subsection from one or more measurements: per label
(a tree, e.g. before/after), the median over that label's rounds of CPU ms per task and
per request, and a weighted mix: each task weighted by how often the load test runs it
(its user class's share times its task weight), and what two cores can serve of that mix.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")
START, END = "<!-- bench:load-cpu:start -->", "<!-- bench:load-cpu:end -->"
APP_NAME = "lindung-load"
IDLE_SECONDS = 4
COMPONENTS = ("gunicorn", "postgres", "nginx", "celery", "client")


def _stat(pid: int) -> tuple[int, list[int]] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), [int(x) for x in fields[11:15]]  # ppid; utime stime cutime cstime


def _on_cpu_ms(pid: int) -> float | None:
    """A single-threaded process's time on a CPU so far, to the nanosecond (schedstat)."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e6
    except OSError:
        return None


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))):
            tree.setdefault(stat[0], []).append(int(entry))
    return tree


def tree_ticks(pid: int, tree: dict[int, list[int]]) -> int:
    """CPU of a process, its live descendants and every descendant already reaped."""
    stat = _stat(pid)
    own = sum(stat[1]) if stat else 0
    return own + sum(tree_ticks(child, tree) for child in tree.get(pid, []))


def postgres_ticks(postmaster: int, cursor: Any) -> tuple[float, int]:
    """(this stack's live backends, the postmaster with the connections it forked that
    ended and were reaped)."""
    cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APP_NAME])
    live = sum(_on_cpu_ms(pid) or 0.0 for (pid,) in cursor.fetchall()) / TICK_MS
    stat = _stat(postmaster)
    return live, sum(stat[1]) if stat else 0


class Meter:
    def __init__(self, pids: dict[str, int], postmaster: int, cursor: Any, first_job: int) -> None:
        self.pids, self.postmaster, self.cursor, self.first_job = pids, postmaster, cursor, first_job

    def settle(self, limit_seconds: float = 300.0) -> None:
        """Wait until the jobs this stack's users queued (big exports, imports) are done:
        their CPU, mostly PostgreSQL's, belongs to the task that queued them."""
        deadline = time.monotonic() + limit_seconds
        while time.monotonic() < deadline:
            self.cursor.execute(
                "SELECT count(*) FROM jobs_job WHERE id > %s AND status IN ('queued', 'running')", [self.first_job]
            )
            if not self.cursor.fetchone()[0]:
                return
            time.sleep(0.5)

    def read(self) -> dict[str, float]:
        tree = _children()
        ticks = {name: float(tree_ticks(pid, tree)) for name, pid in self.pids.items()}
        ticks["postgres_live"], ticks["postgres_ended"] = map(float, postgres_ticks(self.postmaster, self.cursor))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        ticks["client"] = (usage.ru_utime + usage.ru_stime) * 1000 / TICK_MS
        ticks["wall"] = time.monotonic() * 1000 / TICK_MS
        return ticks


# What a page's first queries touch: the session, the user, a participant with the
# tables the detail page joins, their bills.
PROBE = (
    "SELECT session_data FROM django_session WHERE session_key = 'x' AND expire_date > now()",
    "SELECT * FROM accounts_user WHERE id = 1",
    "SELECT p.*, v.name, g.name FROM participants_participant p LEFT JOIN regions_region v ON v.code = p.village_id "
    "LEFT JOIN communities_communitygroup g ON g.id = p.community_group_id WHERE p.id = 1",
    "SELECT count(*), sum(amount - paid_amount) FROM billing_bill WHERE participant_id = 1 AND settled_on IS NULL",
)


def connection_cost(dsn: str, postmaster: int, count: int = 50) -> dict[str, float]:
    """PostgreSQL CPU ms of a page's first queries on a new connection (with the backend's
    start and the postmaster's fork) and of the same queries on a connection kept from
    before, read from each backend while it is alive: exact, whatever else runs."""
    import psycopg

    master = _stat(postmaster)
    cold = warm = 0.0
    for _ in range(count):
        with psycopg.connect(dsn, application_name=APP_NAME + "-probe") as probe:
            pid = probe.execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[index]
            for sql in PROBE:
                probe.execute(sql).fetchall()
            first = _on_cpu_ms(pid)
            for sql in PROBE:
                probe.execute(sql).fetchall()
            again = _on_cpu_ms(pid)
            if first is not None and again is not None:
                cold += first
                warm += again - first
    after = _stat(postmaster)
    forks = (sum(after[1][:2]) - sum(master[1][:2])) * TICK_MS if master and after else 0
    return {"new": (cold + forks) / count, "kept": warm / count}


def tasks_of(users: dict[str, Any]) -> list[tuple[str, Callable[[], None], int, float]]:
    """(name, callable, runs, share of the mix) for every task of the load test."""
    import locustfile as lf

    classes = {"coordinator": lf.Coordinator, "admin": lf.Administrator}
    total_weight = sum(cls.weight for cls in classes.values())
    plan = []
    for who, cls in classes.items():
        weights: dict[str, int] = {}
        for function in cls.tasks:
            weights[function.__name__] = weights.get(function.__name__, 0) + 1
        for name, weight in weights.items():
            share = cls.weight / total_weight * weight / len(cls.tasks)
            plan.append((f"{who}: {name.replace('_', ' ')}", getattr(users[who], name), 1, share))
    plan.append(("importer: import workbook (300 rows)", users["importer"].import_workbook, 0, 0.0))
    return plan


def measure(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(Path(__file__).parent))
    import locustfile as lf
    import psycopg
    from locust.env import Environment

    environment = Environment(user_classes=[lf.Coordinator, lf.Administrator, lf.Importer], host=args.host)
    environment.parsed_options = argparse.Namespace(payments="save")
    environment.create_local_runner()  # its listeners keep the request statistics
    lf.Staff.host = args.host
    users = {"coordinator": lf.Coordinator(environment), "admin": lf.Administrator(environment)}
    users["importer"] = lf.Importer(environment)
    for user in users.values():
        user.on_start()
    cursor = psycopg.connect(args.dsn, autocommit=True).cursor()
    cursor.execute("SELECT pg_backend_pid()")
    backend = _stat(cursor.fetchone()[0])
    if backend is None:
        sys.exit("PostgreSQL is not on this machine: its CPU cannot be read from /proc")
    pids = {"gunicorn": args.gunicorn, "nginx": args.nginx, "celery": args.celery}
    meter = Meter(pids, backend[0], cursor, lf.FIXTURE["before"]["last_job_id"])
    per_connection = connection_cost(args.dsn, backend[0])
    print(
        f"a page's first queries: {per_connection['new']:.1f} ms CPU on a new connection, "
        f"{per_connection['kept']:.1f} on a kept one",
        flush=True,
    )
    idle = {"ended": 0.0, "wall": 0.0}
    measured = []
    for name, run, runs, share in tasks_of(users):
        runs = args.import_runs if runs == 0 else args.runs
        # An idle stretch before each task: the rate at which other databases' connections
        # end, taken off over the whole measurement (it comes in bursts).
        quiet = meter.read()
        time.sleep(IDLE_SECONDS)
        before = meter.read()
        idle["ended"] += before["postgres_ended"] - quiet["postgres_ended"]
        idle["wall"] += before["wall"] - quiet["wall"]
        requests_before = environment.stats.total.num_requests
        failures_before = environment.stats.total.num_failures
        for _ in range(runs):
            run()
        meter.settle()  # what the task queued (a big export) is its CPU too
        after = meter.read()
        measured.append((name, runs, share, {key: after[key] - before[key] for key in after}))
        measured[-1][3]["requests"] = environment.stats.total.num_requests - requests_before
        measured[-1][3]["failures"] = environment.stats.total.num_failures - failures_before
        print(f"{name}: {runs} runs", flush=True)
    idle_rate = idle["ended"] / idle["wall"]
    results = []
    for name, runs, share, delta in measured:
        noise = idle_rate * delta["wall"]
        postgres = delta["postgres_live"] + max(0.0, delta["postgres_ended"] - noise)
        requests = int(delta["requests"])
        row = {
            "task": name,
            "runs": runs,
            "requests": requests,
            "failures": int(delta["failures"]),
            "postgres_live": delta["postgres_live"] * TICK_MS / runs,
            "postgres_ended": delta["postgres_ended"] * TICK_MS / runs,
            "postgres_noise": noise * TICK_MS / runs,
            "share": share,
            "wall_ms": delta["wall"] * TICK_MS / runs,
            "gunicorn": delta["gunicorn"] * TICK_MS / runs,
            "postgres": postgres * TICK_MS / runs,
            "nginx": delta["nginx"] * TICK_MS / runs,
            "celery": delta["celery"] * TICK_MS / runs,
            "client": delta["client"] * TICK_MS / runs,
        }
        results.append(row)
        print(
            f"{name}: {runs} runs, {requests} requests, "
            + ", ".join(f"{c} {row[c]:.1f}" for c in COMPONENTS)
            + " ms CPU a run",
            flush=True,
        )
    Path(args.out).write_text(
        json.dumps(
            {
                "label": args.label,
                "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "load": os.getloadavg(),
                "idle_postgres_ms_per_s": idle_rate * 1000,
                "connection_ms": per_connection,
                "tasks": results,
            },
            indent=1,
        )
    )
    return 0


def report(args: argparse.Namespace) -> int:
    runs = [json.loads(Path(p).read_text()) for p in args.files]
    labels = list(dict.fromkeys(r["label"] for r in runs))
    by_label: dict[str, dict[str, list[dict[str, Any]]]] = {label: {} for label in labels}
    for run in runs:
        for row in run["tasks"]:
            by_label[run["label"]].setdefault(row["task"], []).append(row)

    def median(label: str, task: str, key: str) -> float:
        # A backend that closed meanwhile (a Celery job's own connection) leaves a negative
        # difference of the live ones: its CPU is then not in the figure, which reads as 0.
        return max(0.0, statistics.median(r[key] for r in by_label[label][task]))

    def kept(label: str) -> bool:
        """Whether this label's stack kept its connections: then its backends were measured."""
        rows = [r for rows in by_label[label].values() for r in rows]
        return sum(r["postgres_live"] > 0 for r in rows) > len(rows) / 2

    probes = [r for r in runs if "connection_ms" in r]
    new = statistics.median(r["connection_ms"]["new"] for r in probes) if probes else 0.0
    reuse = statistics.median(r["connection_ms"]["kept"] for r in probes) if probes else 0.0
    tasks = list(by_label[labels[0]])
    lines = [
        "### CPU per request, by component",
        "",
        f"Measured {min(r['at'] for r in runs)} to {max(r['at'] for r in runs)}: each task of the load test "
        f"replayed {'-'.join(str(n) for n in sorted({r['tasks'][0]['runs'] for r in runs}))} times "
        "in a row by one client through nginx (TLS, keep-alive), "
        f"gunicorn, PostgreSQL and Celery on `{args.database}`, CPU read from /proc "
        "(`bench/load/cpu_per_request.py`, started by `LOAD_MODE=cpu bash bench/load/run.sh`; each tree's "
        "stack by `LOAD_TREE`). Trees measured in turns, round by round ("
        + ", ".join(f"**{label}** ×{sum(r['label'] == label for r in runs)}" for label in labels)
        + "), medians; load average at the end of each measurement: "
        + ", ".join(f"{r['label']} {r['load'][0]:.1f}" for r in sorted(runs, key=lambda r: r["at"]))
        + ". CPU ms per task run; a task is one or more requests (a form and its save; signing out: "
        "the page, sign-out, the sign-in page and sign-in). The big exports and the import run as "
        "Celery jobs, waited for before the task's CPU is read.",
        "",
        "PostgreSQL: the CPU of this stack's own backends, read per backend (schedstat), so other "
        "databases' work on this shared machine is not in it. A tree that opens a connection per request "
        "has no backend that lives long enough to read: its column is empty. What a connection per "
        f"request costs PostgreSQL was measured apart, on live backends: a page's first queries take {new:.1f} ms "
        f"on a new connection (the fork, the backend's start, cold catalogue caches) and {reuse:.1f} ms on a kept "
        f"one (median of {len(probes)} probes of 50 connections).",
        "",
    ]
    for label in labels:
        measured = kept(label)
        lines += [
            f"**{label}**",
            "",
            "| task | requests a run | gunicorn | PostgreSQL | nginx | Celery | client | total |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for task in tasks:
            cells = {c: median(label, task, c) for c in ("gunicorn", "nginx", "celery", "client")}
            cells["postgres"] = median(label, task, "postgres_live") if measured else float("nan")
            first = by_label[label][task][0]
            total = sum(v for v in cells.values() if v == v)
            pg = f"{cells['postgres']:.1f}" if measured else "–"
            lines.append(
                f"| {task} | {first['requests'] / first['runs']:.1f} | {cells['gunicorn']:.1f} | {pg} | "
                f"{cells['nginx']:.1f} | {cells['celery']:.1f} | {cells['client']:.1f} | {total:.1f} |"
            )
        lines.append("")
    lines += [
        "Weighted by the mix (each task as often as the load test runs it: its user class's share times its "
        "task weight; the import aside). PostgreSQL for a tree with a connection per request: the kept-"
        f"connection tree's figure plus {new - reuse:.1f} ms a request (the probe's difference), marked ≈.",
        "",
        "| tree | CPU ms per request | gunicorn | PostgreSQL | nginx | Celery | client | requests/s two cores serve |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    measured_labels = [label for label in labels if kept(label)]
    for label in labels:
        mixed = [t for t in tasks if by_label[label][t][0]["share"] > 0]
        share = {t: by_label[label][t][0]["share"] for t in mixed}
        requests = sum(share[t] * by_label[label][t][0]["requests"] / by_label[label][t][0]["runs"] for t in mixed)
        per = {c: sum(share[t] * median(label, t, c) for t in mixed) / requests for c in COMPONENTS}
        if kept(label):
            per["postgres"] = sum(share[t] * median(label, t, "postgres_live") for t in mixed) / requests
            pg = f"{per['postgres']:.1f}"
        elif measured_labels:
            other = measured_labels[0]
            per["postgres"] = sum(share[t] * median(other, t, "postgres_live") for t in mixed) / requests + new - reuse
            pg = f"≈ {per['postgres']:.1f}"
        else:
            per["postgres"], pg = 0.0, "–"
        total = sum(per.values())
        lines.append(
            f"| {label} | {total:.1f} | {per['gunicorn']:.1f} | {pg} | {per['nginx']:.1f} | {per['celery']:.1f} | "
            f"{per['client']:.1f} | {2000 / total:.0f} |"
        )
    section = "\n".join(lines) + "\n"
    if args.no_write:
        print(section)
        return 0
    path = Path(args.benchmarks)
    text = path.read_text()
    block = f"{START}\n{section}{END}"
    if START in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        anchor = "<!-- bench:load:end -->"
        text = text.replace(anchor, anchor + "\n\n" + block, 1) if anchor in text else text + "\n" + block + "\n"
    path.write_text(text)
    print(section)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load.cpu_per_request", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    m = commands.add_parser("measure")
    m.add_argument("--host", required=True)
    m.add_argument("--dsn", required=True, help="libpq address of the database, to find this stack's backends")
    m.add_argument("--gunicorn", type=int, required=True)
    m.add_argument("--nginx", type=int, required=True)
    m.add_argument("--celery", type=int, required=True)
    m.add_argument("--runs", type=int, default=30)
    m.add_argument("--import-runs", type=int, default=2)
    m.add_argument("--label", default="this tree")
    m.add_argument("--out", required=True)
    r = commands.add_parser("report")
    r.add_argument("files", nargs="+")
    r.add_argument("--database", default="lindung_bench (1,000,000 participants)")
    r.add_argument("--benchmarks", default="BENCHMARKS.md")
    r.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    return measure(args) if args.command == "measure" else report(args)


if __name__ == "__main__":
    raise SystemExit(main())
