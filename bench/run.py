"""`make bench`: every benchmark against the database in DATABASE_URL, each refreshing its
own section of BENCHMARKS.md. Generate the data first (python -m bench.generate)."""

import importlib
import sys

# Module names with a main(argv) -> int; other benchmarks add themselves here.
BENCHMARKS = ("bench.pages", "bench.exports")


def main() -> int:
    failed = 0
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        failed |= importlib.import_module(name).main([])
    return failed


if __name__ == "__main__":
    sys.exit(main())
