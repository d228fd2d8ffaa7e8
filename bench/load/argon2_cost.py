"""What one sign-in's password check costs, with the production hasher settings.

    .venv/bin/python -m bench.load.argon2_cost [--runs 20] [--out var/load/argon2.json]

Wall time and CPU time (the process's, all threads: libargon2 computes its lanes in
threads) of check_password against an Argon2 hash made by the same settings, medians.
"""

import argparse
import json
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from ..django_setup import setup


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load.argon2_cost", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--out", default="var/load/argon2.json")
    args = parser.parse_args(argv)
    setup()
    from django.contrib.auth.hashers import check_password, get_hasher, make_password

    hasher = get_hasher()
    encoded = make_password("bench-password-2025")
    walls, cpus = [], []
    for _ in range(args.runs):
        wall, cpu = time.perf_counter(), time.process_time()
        assert check_password("bench-password-2025", encoded)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    result = {
        "hasher": hasher.algorithm,
        "parameters": {k: getattr(hasher, k, None) for k in ("time_cost", "memory_cost", "parallelism")},
        "runs": args.runs,
        "wall_ms_median": round(statistics.median(walls), 1),
        "cpu_ms_median": round(statistics.median(cpus), 1),
        "load": Path("/proc/loadavg").read_text().split()[0],
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result))
    print(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
