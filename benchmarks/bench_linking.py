"""Linking accuracy and speed on the sample scenarios (issue 5, points 3 and 4).

For every scenario: generate it, mine it (lizard-only metrics: linking does not read
them), import its three incident exports, then link with each SZZ variant and score the
``inducing`` links against ``truth.json``: precision, recall, F1, and how many incidents
with no code cause got an inducing link (must be 0). Then, on the default scenario, the
time of a linking run per variant and of a full churn computation (with its blame
process count).

``BENCH_SCENARIOS`` (comma list, default all) picks scenarios; ``BENCH_WORKERS`` the
mining workers.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from analyzer.config import Config
from analyzer.incidents import import_incidents
from analyzer.linking import SZZ_VARIANTS, compute_churn, link_incidents
from analyzer.linking.accuracy import LinkingAccuracy, score_inducing_links
from analyzer.mining import mine_repositories
from analyzer.store import Store, open_store
from benchmarks.context import BenchContext
from sample_repos import DEFAULT_SCENARIO, generate_scenario, list_scenarios

F1_TARGET = 0.75


def _prepare(name: str, scratch: Path, workers: int) -> tuple[Store, Path, list[dict[str, object]]]:
    # a private copy: the shared sample_repos/generated may be rebuilt under a long run
    paths = generate_scenario(name, scratch / "scenarios")
    db = scratch / f"link-{name}.duckdb"
    config = Config()
    started = time.perf_counter()
    mine_repositories([paths.repo], db=db, workers=workers, metric_set="lizard", config=config)
    import_incidents(paths.incident_files, db=db, config=config)
    print(f"  {name}: mined and imported in {time.perf_counter() - started:.1f}s", flush=True)
    return open_store(db), paths.ownership, paths.load_truth()["incidents"]


def _link(store: Store, ownership: Path, variant: str) -> float:
    started = time.perf_counter()
    link_incidents(store, ownership=ownership, szz_variant=variant, config=Config())
    return time.perf_counter() - started


def _row(name: str, variant: str, accuracy: LinkingAccuracy, seconds: float) -> str:
    wrongly = len(accuracy.without_code_cause())
    return (
        f"{name:<14} {SZZ_VARIANTS[variant].title:<7} {accuracy.precision:6.3f} "
        f"{accuracy.recall:6.3f} {accuracy.f1:6.3f} {accuracy.true_positives:4d} "
        f"{accuracy.false_positives:4d} {accuracy.false_negatives:4d} {wrongly:8d} {seconds:7.2f}"
    )


def run(context: BenchContext) -> None:
    wanted = os.environ.get("BENCH_SCENARIOS")
    names = wanted.split(",") if wanted else list(list_scenarios())
    print("preparing scenarios (generate, mine with lizard-only metrics, import) ...", flush=True)
    prepared = {n: _prepare(n, context.scratch, context.workers) for n in names}
    header = f"{'scenario':<14} {'variant':<7} {'P':>6} {'R':>6} {'F1':>6} {'TP':>4} {'FP':>4} "
    print(f"\n{header}{'FN':>4} {'no-cause':>8} {'link s':>7}")
    misses = []
    for name, (store, ownership, truth) in prepared.items():
        for variant in SZZ_VARIANTS:
            seconds = _link(store, ownership, variant)
            accuracy = score_inducing_links(store, truth)
            print(_row(name, variant, accuracy, seconds), flush=True)
            if variant == "r" and accuracy.f1 < F1_TARGET:
                misses.append(name)
    target = "met" if not misses else f"MISSED on {', '.join(misses)}"
    print(f"\ndefault variant R-SZZ, target F1 >= {F1_TARGET}: {target}")
    if DEFAULT_SCENARIO in prepared:
        _time_default(prepared[DEFAULT_SCENARIO][0], prepared[DEFAULT_SCENARIO][1])


def _time_default(store: Store, ownership: Path) -> None:
    print(f"\nlinking time on {DEFAULT_SCENARIO} (warm, best of 3):")
    for variant in SZZ_VARIANTS:
        best = min(_link(store, ownership, variant) for _ in range(3))
        print(f"  {SZZ_VARIANTS[variant].title:<7} {best:6.2f}s")
    churn = compute_churn(store, force=True, config=Config())
    print(
        f"churn on {DEFAULT_SCENARIO}: {churn.commits:,} commits, "
        f"{churn.blame_processes:,} blame processes, {churn.seconds:.1f}s"
    )
