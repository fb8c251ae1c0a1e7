"""Mining speed, side by side, from one run on one repository (issue 2, point 4).

Contenders: Jevons cold (full metrics), Jevons warm re-run, Jevons cold with lizard-only
metrics, PyDriller over the same first-parent commits computing ``complexity`` and line
counts, ``wily build`` (a bounded number of revisions, extrapolated and labelled so), and
the floor: lizard and radon alone on the unique blobs Jevons measures, divided by the
workers. Targets: lizard-only cold >= 3x faster than PyDriller; full cold within 1.25x of
the floor; warm >= 50x faster than cold.

The lizard-only comparison is made twice. Over the first-parent chain the two do different
work: Jevons diffs each merge against its first parent (the work a merge brings in), while
PyDriller reports no files for a merge, so on a repository that merges pull requests
PyDriller measures far fewer file versions. Over the full history (every commit reachable
from HEAD, ``--history full``) both read the same commits and skip the same merges: that
pair is like for like.

``BENCH_REPO`` picks the repository (default: the bundled sample scenario's repository,
generated under ``sample_repos/generated`` once and reused; with ``BENCH_COMMITS=N`` a
synthetic repository of N first-parent commits instead); ``BENCH_WORKERS`` the workers (2);
``BENCH_WILY_REVISIONS`` how many revisions wily builds (40); ``BENCH_SKIP`` a comma list
of contenders to leave out (``pydriller``, ``wily``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from analyzer.config import MiningConfig
from benchmarks.contenders import run_jevons, run_pydriller, run_wily
from benchmarks.context import BenchContext
from benchmarks.floor import time_floor
from benchmarks.generated_repo import generate_repository
from benchmarks.history import all_commits, first_parent_commits, measured_blobs, read_blobs
from benchmarks.report import print_report
from benchmarks.timing import Timing, load_average
from sample_repos.generate import generate_scenario
from sample_repos.scenario import DEFAULT_SCENARIO

RESULTS_DIR = Path(__file__).parent / "results"


def _repository(context: BenchContext) -> Path:
    if context.repo is not None:
        return context.repo.resolve()
    if os.environ.get("BENCH_COMMITS"):
        commits = int(os.environ["BENCH_COMMITS"])
        print(f"generating a repository of {commits:,} first-parent commits ...", flush=True)
        return generate_repository(context.scratch / "generated-repo", commits)
    print(f"sample repository '{DEFAULT_SCENARIO}' (generated once, then reused) ...", flush=True)
    return generate_scenario(DEFAULT_SCENARIO).repo


def _floor(repo: Path, workers: int) -> tuple[Timing, Timing]:
    blobs = measured_blobs(repo)
    contents = read_blobs(repo, list(blobs))
    floor = time_floor(list(blobs.values()), contents, MiningConfig().max_blob_bytes)
    note = (
        f"{floor.blobs:,} unique blobs ({floor.python_blobs:,} Python) in memory, "
        f"one process, CPU time divided by {workers} workers"
    )
    full = Timing("floor: lizard + radon alone / workers", floor.full_seconds / workers,
                  floor.full_seconds, note)  # fmt: skip
    lizard_only = Timing("floor: lizard alone / workers", floor.lizard_seconds / workers,
                         floor.lizard_seconds, note)  # fmt: skip
    return full, lizard_only


def run(context: BenchContext) -> None:
    repo = _repository(context)
    skip = set(filter(None, os.environ.get("BENCH_SKIP", "").split(",")))
    workers = context.workers
    commits = first_parent_commits(repo)
    print(f"repository: {repo} ({len(commits):,} first-parent commits), workers: {workers}")
    print(f"load average at start: {load_average()}", flush=True)
    timings: dict[str, Timing] = {}
    db = context.scratch / "bench-full.duckdb"
    timings["cold"] = run_jevons("Jevons cold mine (full metrics)", repo, db, workers, "full")
    timings["warm"] = run_jevons("Jevons warm re-run", repo, db, workers, "full")
    timings["lizard"] = run_jevons(
        "Jevons cold mine (lizard only)", repo, context.scratch / "bench-lizard.duckdb",
        workers, "lizard",
    )  # fmt: skip
    timings["floor"], timings["floor_lizard"] = _floor(repo, workers)
    if "pydriller" not in skip:
        timings["pydriller"] = run_pydriller(
            repo, commits, workers, context.scratch, "PyDriller (complexity + lines)"
        )
    timings["lizard_all"] = run_jevons(
        "Jevons cold mine (lizard only), full history",
        repo, context.scratch / "bench-lizard-all.duckdb", workers, "lizard", "full",
    )  # fmt: skip
    if "pydriller" not in skip:
        timings["pydriller_all"] = run_pydriller(
            repo, all_commits(repo), workers, context.scratch, "PyDriller, full history"
        )
    if "wily" not in skip:
        revisions = int(os.environ.get("BENCH_WILY_REVISIONS", "40"))
        timings["wily"] = run_wily(repo, len(commits), revisions, context.scratch)
    print(f"load average at end: {load_average()}")
    print_report(timings)
    _save(repo, len(commits), workers, timings)


def _save(repo: Path, commits: int, workers: int, timings: dict[str, Timing]) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    record = {
        "repository": str(repo),
        "commits": commits,
        "workers": workers,
        "timings": {key: vars(t) for key, t in timings.items()},
    }
    target = RESULTS_DIR / f"mining-{repo.name}.json"
    target.write_text(json.dumps(record, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"(figures saved to {target})")
