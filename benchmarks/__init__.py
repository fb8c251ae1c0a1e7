"""Benchmarks: `make bench` runs every `bench_*.py` module here in one process.

Each module defines ``run(context: BenchContext) -> None`` and prints its own section,
measured in the same run on the same repository as whatever it compares against.
"""
