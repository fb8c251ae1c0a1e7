"""Mining on Dask (issue 8, point 3): scaling from 1 to 2 workers, and the Dask path's
overhead against the local process pool on one repository.

Scaling: the same ``BENCH_DASK_REPOS`` (3) generated repositories (``BENCH_DASK_COMMITS``
first-parent commits each, default 1200 like the mining benchmark's generated repository,
a different seed each so their blobs differ) mined into a
fresh store through ``mine_repositories(..., dask=True)`` on a local cluster of 1 worker
process, then of 2 (one thread each). Target: 2 workers at least 1.7x faster.

Overhead: one repository (``BENCH_REPO``, else a generated one of twice
``BENCH_DASK_COMMITS`` commits) mined with 2 workers on the local process pool (what
``jevons mine REPO`` does) and on a local Dask cluster (``jevons mine REPO --dask``).
Target: Dask less than 15% slower.

Every run is timed whole, as a user waits for it: starting the pool or the cluster, the
history read, the metrics, the store writes. ``import distributed`` is done once before
(and its time printed). The machine may be shared: each configuration runs
``BENCH_DASK_REPEATS`` times (default 4: on a shared 2-core VM, consecutive runs of one
configuration differ by up to 10-15%), in alternating order, and its fastest run counts.
The overhead of each round (Dask / pool, two runs next to each other in time) and their
median are printed too, being less at the mercy of a slow spell than the fastest runs. The
load average is printed at the start and the end.
"""

from __future__ import annotations

import importlib
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from analyzer.config import Config
from analyzer.mining import mine_repositories
from analyzer.mining.distributed import DaskWorkers
from benchmarks.context import BenchContext
from benchmarks.generated_repo import generate_repository
from benchmarks.report import Target, print_report
from benchmarks.timing import Timing, load_average, timed

RESULTS_DIR = Path(__file__).parent / "results"
TARGETS = (
    Target("scaling: Dask 1 worker / Dask 2 workers", "dask_1", "dask_2", 1.7, True),
    Target("overhead: Dask / process pool, one repo", "dask_one", "pool_one", 1.15, False),
)
#: CPU is this process and the children it reaps: Dask's worker processes are counted,
#: the process pool's are not (they are children of its fork server), so no CPU ratio
#: between the two paths is printed.
CONTEXT = (("CPU: Dask 2 workers / Dask 1 worker", "dask_2", "dask_1", "cpu"),)


def _setting(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _mine(name: str, repos: list[Path], db: Path, workers: int, *, dask: bool) -> Timing:
    db.unlink(missing_ok=True)
    timing = Timing(name)
    with timed(timing):
        summaries = mine_repositories(repos, db=db, workers=workers, dask=dask, config=Config())
    commits = sum(s.commits_mined for s in summaries)
    blobs = sum(s.blobs_measured for s in summaries)
    timing.note = f"{len(repos)} repo(s): {commits:,} commits read, {blobs:,} blobs measured"
    return timing


def _cluster_start_and_stop(workers: int) -> Timing:
    """The fixed cost of the Dask path: a local cluster started (up to its workers having
    imported the metric code) and stopped, with nothing mined."""
    timing = Timing(f"local cluster of {workers}: start + stop")
    with timed(timing):
        dask = DaskWorkers(None, workers)
        dask.client.run(importlib.import_module, "analyzer.mining.distributed")
        dask.close()
    timing.note = "no work: the part of every Dask run that does not depend on its size"
    return timing


def _fastest(runs: dict[str, list[Timing]]) -> dict[str, Timing]:
    best = {}
    for key, timings in runs.items():
        fastest = min(timings, key=lambda t: t.wall)
        walls = ", ".join(f"{t.wall:.1f}s" for t in timings)
        fastest.note += f"; runs: {walls}"
        best[key] = fastest
    return best


def _print_rounds(dask: list[Timing], pool: list[Timing]) -> None:
    ratios = [d.wall / p.wall for d, p in zip(dask, pool, strict=True)]
    listed = ", ".join(f"{r:.2f}x" for r in ratios)
    print(f"overhead per round (Dask / pool): {listed}; median {statistics.median(ratios):.2f}x")


def _repeat(
    configurations: dict[str, Callable[[], Timing]], repeats: int
) -> dict[str, list[Timing]]:
    runs: dict[str, list[Timing]] = {key: [] for key in configurations}
    for round_ in range(repeats):
        order = list(configurations) if round_ % 2 == 0 else list(reversed(configurations))
        for key in order:
            runs[key].append(configurations[key]())
            print(f"  {runs[key][-1].name}: {runs[key][-1].wall:.1f}s", flush=True)
    return runs


def run(context: BenchContext) -> None:
    count = _setting("BENCH_DASK_REPOS", 3)
    commits = _setting("BENCH_DASK_COMMITS", 1200)
    repeats = _setting("BENCH_DASK_REPEATS", 4)
    scratch = context.scratch / "dask"
    print(f"generating {count} repositories of {commits:,} commits ...", flush=True)
    repos = [
        generate_repository(scratch / f"service-{n}", commits, seed=11 + n) for n in range(count)
    ]
    one = (
        context.repo.resolve()
        if context.repo is not None
        else generate_repository(scratch / "single", 2 * commits, seed=7)
    )
    started = time.perf_counter()
    import distributed  # noqa: F401 - paid once, like any import, before the timed runs

    print(f"import distributed: {time.perf_counter() - started:.2f}s")
    print(f"load average at start: {load_average()}", flush=True)
    configurations = {
        "dask_1": lambda: _mine("Dask, 1 worker", repos, scratch / "d1.duckdb", 1, dask=True),
        "dask_2": lambda: _mine("Dask, 2 workers", repos, scratch / "d2.duckdb", 2, dask=True),
        "pool_one": lambda: _mine("process pool, 2 workers", [one], scratch / "p.duckdb", 2,
                                  dask=False),
        "dask_one": lambda: _mine("Dask, 2 workers, one repo", [one], scratch / "d.duckdb", 2,
                                  dask=True),
        "cluster": lambda: _cluster_start_and_stop(2),
    }  # fmt: skip
    runs = _repeat(configurations, repeats)
    _print_rounds(runs["dask_one"], runs["pool_one"])
    timings = _fastest(runs)
    print(f"load average at end: {load_average()}")
    print_report(timings, targets=TARGETS, context=CONTEXT)
    _save(timings, count, commits, one, load_average())


def _save(timings: dict[str, Timing], count: int, commits: int, one: Path, load: str) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    record = {
        "repositories": count,
        "commits_each": commits,
        "one_repository": str(one),
        "load_average_at_end": load,
        "timings": {key: vars(t) for key, t in timings.items()},
    }
    target = RESULTS_DIR / "dask.json"
    target.write_text(json.dumps(record, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"(figures saved to {target})")
