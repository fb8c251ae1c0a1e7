"""Analysis: `analyze` on a store of 20,000 commits and 2,000 incidents (target: under 10 s).

The store is synthetic (``analyzer.analysis.synthetic``): four years of weekly changes with
an adoption point, file changes with blob and function metrics, churn, revert messages,
incidents with inducing links and incidents with no code cause, written in bulk. Each run
is timed whole (open the store, load the frames, every computation, the JSON document) and
the slowest steps of one run are listed, so a regression points at its module.
"""

from __future__ import annotations

import cProfile
import pstats
import time

from analyzer.analysis import analyze
from analyzer.analysis.reverts import detect_reverts
from analyzer.analysis.synthetic import CLASSES, SyntheticSpec, build_store
from benchmarks.context import BenchContext

TARGET_SECONDS = 10.0
RUNS = 3
WEEKS = 208
# 20,000 commits over 208 weeks; rates give about 2,000 incidents in all
SPEC = SyntheticSpec(
    weeks=WEEKS,
    adoption_week=104,
    commits_per_week_before=70.0,
    commits_per_week_after=122.3,
    ai_share_after=0.5,
    rate_before={c: 0.075 for c in CLASSES},
    rate_after={c: 0.075 for c in CLASSES},
    unlinked_per_week_before=2.2,
    unlinked_per_week_after=2.8,
    files=2000,
)


def run(context: BenchContext) -> None:
    path = context.scratch / "analysis-bench.duckdb"
    started = time.perf_counter()
    store = build_store(path, SPEC)
    detect_reverts(store)
    commits, incidents = (
        store.query("SELECT count(*) FROM commits")[0][0],
        store.query("SELECT count(*) FROM incidents")[0][0],
    )
    print(
        f"synthetic store: {commits:,} commits, {incidents:,} incidents "
        f"(built in {time.perf_counter() - started:.1f}s)"
    )
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        document = analyze(path).to_json()
        timings.append(time.perf_counter() - started)
    best, worst = min(timings), max(timings)
    verdict = "ok" if worst < TARGET_SECONDS else "OVER TARGET"
    print(
        f"analyze: best {best:.2f}s, worst {worst:.2f}s over {RUNS} runs "
        f"(target < {TARGET_SECONDS:.0f}s: {verdict}); JSON {len(document) / 1024:.0f} KiB"
    )
    _profile(path)


def _profile(path: object) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    analyze(path)  # type: ignore[arg-type]
    profiler.disable()
    stats = pstats.Stats(profiler)
    rows = [
        (cumulative, f"{func[0].split('analyzer/')[-1]}:{func[2]}")
        for func, (_, _, _, cumulative, _) in stats.stats.items()  # type: ignore[attr-defined]
        if "analyzer/analysis/" in func[0] and not func[2].startswith("<")
    ]
    print("slowest analysis functions (cumulative seconds, one run):")
    for seconds, name in sorted(rows, reverse=True)[:10]:
        print(f"  {seconds:6.2f}  {name}")
