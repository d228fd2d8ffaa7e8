"""What one sign-in's password check costs: the configured hasher against Django's Argon2.

    .venv/bin/python -m bench.load.argon2_cost [--runs 20] [--out var/load/argon2.json]

Wall time and CPU time (the process's, all threads: libargon2 computes its lanes in
threads) of check_password against an Argon2 hash made by each hasher, medians. The
configured one is settings.PASSWORD_HASHERS[0] (argon2id with OWASP's parameters, see
lindung/accounts/hashers.py); Django's own Argon2PasswordHasher is what it replaced, and
what older hashes in the database were made with until their owner signs in again.
"""

import argparse
import json
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..django_setup import setup

PASSWORD = "bench-password-2025"


def _cost(hasher: Any, runs: int) -> dict[str, Any]:
    encoded = hasher.encode(PASSWORD, hasher.salt())
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        assert hasher.verify(PASSWORD, encoded)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return {
        "hasher": f"{type(hasher).__module__}.{type(hasher).__name__}",
        "parameters": {k: getattr(hasher, k, None) for k in ("time_cost", "memory_cost", "parallelism")},
        "runs": runs,
        "wall_ms_median": round(statistics.median(walls), 1),
        "cpu_ms_median": round(statistics.median(cpus), 1),
        "load": Path("/proc/loadavg").read_text().split()[0],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load.argon2_cost", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--out", default="var/load/argon2.json")
    args = parser.parse_args(argv)
    setup()
    from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher

    result = {"configured": _cost(get_hasher(), args.runs), "django_default": _cost(Argon2PasswordHasher(), args.runs)}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result))
    for name, figures in result.items():
        print(name, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
