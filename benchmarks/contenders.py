"""Each contender run once on the same repository: Jevons (three ways), PyDriller, wily.

Jevons is called through its library function, as a notebook would. PyDriller and wily run
as subprocesses in ``.venv-bench``; wily works on its own temporary clone (it checks out
revisions), never on the repository given.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from analyzer.config import Config
from analyzer.mining import mine_repositories
from benchmarks.timing import Timing, timed
from benchmarks.toolchain import bench_python, bench_tool

PYDRILLER_WALK = Path(__file__).parent / "external" / "pydriller_walk.py"


def run_jevons(
    name: str, repo: Path, db: Path, workers: int, metric_set: str, history: str = "first-parent"
) -> Timing:
    """``mine_repositories`` into ``db``: cold when ``db`` is new, warm when it is not."""
    timing = Timing(name)
    with timed(timing):
        (summary,) = mine_repositories(
            [repo], db=db, history=history, workers=workers, config=Config(),
            metric_set=metric_set,
        )  # fmt: skip
    timing.note = (
        f"{summary.commits_mined:,} commits read, {summary.blobs_measured:,} blobs measured"
        + (f" ({summary.blob_errors:,} with errors)" if summary.blob_errors else "")
        + f"; miner process {timing.cpu_main:.1f}s CPU, the rest in its workers and git"
    )
    return timing


def run_pydriller(
    repo: Path, commits: Sequence[str], workers: int, scratch: Path, name: str
) -> Timing:
    """PyDriller over ``commits`` with ``complexity``, ``nloc`` and line counts per file."""
    python = bench_python()
    shas = scratch / "pydriller-shas.txt"
    shas.write_text("\n".join(commits) + "\n", encoding="ascii")
    timing = Timing(name)
    with timed(timing):
        out = subprocess.run(
            [str(python), str(PYDRILLER_WALK), str(repo), str(shas), str(workers)],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    report = json.loads(out.strip().splitlines()[-1])
    timing.wall = float(report["seconds"])  # its own clock: interpreter start-up left out
    timing.note = (
        f"{report['commits']:,} commits, {report['files']:,} modified files, "
        f"{report['measured_files']:,} through lizard; merges have no files in PyDriller; "
        f"num_workers={workers}"
    )
    return timing


def run_wily(repo: Path, total_revisions: int, revisions: int, scratch: Path) -> Timing:
    """``wily build`` of ``revisions`` and of a quarter of that, each on a fresh clone and
    cache; the per-revision slope extrapolates to ``total_revisions``."""
    small = max(revisions // 4, 2)
    measured = {n: _wily_build(repo, n, scratch / f"wily-{n}") for n in (small, revisions)}
    per_revision = (measured[revisions] - measured[small]) / (revisions - small)
    estimate = measured[revisions] + per_revision * max(total_revisions - revisions, 0)
    return Timing(
        "wily build",
        wall=estimate,
        cpu=float("nan"),
        note=(
            f"EXTRAPOLATED to {total_revisions:,} revisions from builds of {small} "
            f"({measured[small]:.1f}s) and {revisions} ({measured[revisions]:.1f}s) revisions; "
            "Python files only (radon operators)"
        ),
        extrapolated=True,
    )


def _wily_build(repo: Path, revisions: int, workdir: Path) -> float:
    clone, cache = workdir / "clone", workdir / "cache"
    workdir.mkdir(parents=True)
    subprocess.run(
        ["git", "clone", "--quiet", "--no-local", str(repo), str(clone)],
        check=True,
    )
    wily = bench_tool("wily")
    timing = Timing("wily")
    with timed(timing):
        subprocess.run(
            [str(wily), "-p", str(clone), "-c", str(cache), "build", "-n", str(revisions), "."],
            cwd=clone,
            capture_output=True,
            check=True,
        )
    shutil.rmtree(workdir, ignore_errors=True)
    return timing.wall
