"""Run the benchmarks: ``python -m benchmarks [NAME ...]`` (default: all, in order).

``BENCH_REPO=path`` chooses the repository the mining benchmarks use (default: a
generated sample repository); ``BENCH_WORKERS`` the worker count (default 2).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.context import BenchContext


def _modules() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"any of: {', '.join(_modules())}")
    args = parser.parse_args(argv)
    wanted = [name.replace("-", "_") for name in args.names] or _modules()
    unknown = [n for n in wanted if f"bench_{n}" not in _modules() and n not in _modules()]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    with tempfile.TemporaryDirectory(prefix="jevons-bench-") as scratch:
        context = BenchContext(
            scratch=Path(scratch),
            repo=Path(os.environ["BENCH_REPO"]) if os.environ.get("BENCH_REPO") else None,
            workers=int(os.environ.get("BENCH_WORKERS", "2")),
        )
        for name in wanted:
            module_name = name if name.startswith("bench_") else f"bench_{name}"
            module = importlib.import_module(f"benchmarks.{module_name}")
            print(f"\n=== {module_name.removeprefix('bench_')} ===", flush=True)
            started = time.perf_counter()
            module.run(context)
            print(f"({module_name} took {time.perf_counter() - started:.1f}s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
