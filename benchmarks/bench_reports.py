"""Reports: the quarterly review's generation on a store of 100,000 commits and 5,000
incidents (target: under 30 s), and the PR report on the default sample scenario.

The large store is the dashboard benchmark's (``analyzer.analysis.synthetic`` with its
spec), built once per run whichever of the two runs first, or named by
``BENCH_DASHBOARD_STORE``. The review covers the store's last whole quarter; its time is
split into the analysis (reading the store, every computation) and the rendering. The PR
report is timed on the demo's pull request against the demo's store (blob metrics from the
cache), without a store (every blob measured on the spot), and on a wider range: the last
200 commits of the main line.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from analyzer.reports.pr import write_pr_report
from analyzer.reports.review import build_review, render_review_html
from analyzer.scope import Scope
from benchmarks import bench_dashboard
from benchmarks.context import BenchContext
from benchmarks.timing import Timing, timed
from sample_repos import DEFAULT_SCENARIO, generate_scenario

TARGET_SECONDS = 30.0
WIDE_RANGE = 200


def run(context: BenchContext) -> None:
    time_review(bench_dashboard.large_store(context.scratch), context.scratch / "review-bench.html")
    time_pr_report(bench_dashboard._demo_store(context.scratch), context.scratch)


def time_review(db: Path, out: Path) -> Timing:
    """Build and render the review of the store's last whole quarter."""
    first, last = _last_whole_quarter(db)
    total, analysis, render = Timing("review"), Timing("analysis"), Timing("render")
    with timed(total):
        with timed(analysis):
            review = build_review(Scope(date_from=first, date_to=last), db)
        with timed(render):
            html = render_review_html(review)
        out.write_text(html, encoding="utf-8")
    verdict = "ok" if total.wall < TARGET_SECONDS else "OVER TARGET"
    print(
        f"review {review.periods.current.label}: {total.wall:.1f}s wall, {total.cpu:.1f}s CPU "
        f"(target < {TARGET_SECONDS:.0f}s: {verdict}); analysis {analysis.wall:.1f}s, "
        f"rendering {render.wall:.2f}s; {len(html) / 1024:.0f} KiB, "
        f"{html.count('<svg ')} charts, {len(review.repos)} repositor"
        f"{'y' if len(review.repos) == 1 else 'ies'}"
    )
    return total


def time_pr_report(db: Path, scratch: Path) -> None:
    """The demo's pull request with and without the store, and a wide range."""
    paths = generate_scenario(DEFAULT_SCENARIO)
    pull = paths.load_truth()["demo"]["pull_request"]
    main_line = subprocess.run(
        [
            "git",
            "-C",
            str(paths.repo),
            "rev-list",
            "--first-parent",
            f"--max-count={WIDE_RANGE}",
            "HEAD",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    cases = (
        ("demo PR, store", pull["base"], pull["head"], db),
        ("demo PR, no store", pull["base"], pull["head"], scratch / "no-store.duckdb"),
        (f"last {WIDE_RANGE} commits, store", main_line[-1], main_line[0], db),
    )
    print(
        f"{'PR report':<30} {'wall s':>7} {'cpu s':>7} {'files':>6} {'commits':>8} "
        f"{'cached':>7} {'measured':>8} {'chars':>7}  risk"
    )
    for name, base, head, store in cases:
        timing = Timing(name)
        with timed(timing):
            report, markdown = write_pr_report(base, head, paths.repo, db=store)
        print(
            f"{name:<30} {timing.wall:7.2f} {timing.cpu:7.2f} {len(report.files):6} "
            f"{len(report.commits):8} {report.blobs_from_store:7} "
            f"{report.blobs_measured_now:8} {len(markdown):7,}  {report.risk.level}"
        )


def _last_whole_quarter(db: Path) -> tuple[dt.date, dt.date]:
    from analyzer.store import open_store

    latest = open_store(db, read_only=True, missing="error").query(
        "SELECT max(committed_at) FROM commits"
    )[0][0]
    quarter_start = dt.date(latest.year, (latest.month - 1) // 3 * 3 + 1, 1)
    last = quarter_start - dt.timedelta(days=1)
    return dt.date(last.year, (last.month - 1) // 3 * 3 + 1, 1), last
