"""Data generator and benchmarks (not part of `make test`); results go to BENCHMARKS.md."""
