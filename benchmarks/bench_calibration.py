"""Calibration: how often the verdict is right, and wrong, on stories built to mislead it.

Every story of ``analyzer.analysis.stories`` (five where AI changes nothing, five where one
effect truly moved incidents, and a steady baseline) is simulated ``BENCH_CALIBRATION_RUNS``
times (default 200) at the demo's scale and at a quarter of its volume: each run builds a
synthetic store (``analyzer.analysis.synthetic``) in one bulk insert and runs ``analyze`` on
it, exactly as ``jevons analyze`` does. Runs are spread over ``BENCH_WORKERS`` processes.

It prints, per story and scale, how often each verdict came out, the **false-blame** rate
(null stories: the verdict named mix or rate, or a finding claimed at a controlled rung
that AI changes fail more) and the **right-driver** rate (true stories); then each
statistical test's rejection rate (raw p < 0.05, or a decomposition interval clear of
zero) on the steady story, where every one of these tests' null hypotheses holds.

Targets: false blame at most 5% on every null story; right driver at least 80% on the true
stories at the demo's scale; each test's null rejection rate between 3% and 7%.

Time: one run costs about 1 s of CPU at the demo's scale (store 0.3 s, analysis 0.7 s),
so the full benchmark (11 stories x 2 scales x 200 runs) takes about 40 minutes on two
free cores; ``BENCH_CALIBRATION_RUNS=20`` gives a rough table in about 4 minutes.
"""

from __future__ import annotations

import collections
import dataclasses
import gc
import math
import multiprocessing
import os
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from benchmarks.context import BenchContext

RUNS = int(os.environ.get("BENCH_CALIBRATION_RUNS", "200"))
SCALES: tuple[tuple[str, float], ...] = (("demo", 1.0), ("quarter", 0.25))
FALSE_BLAME_TARGET = 0.05
RIGHT_DRIVER_TARGET = 0.80
NULL_REJECTION_RANGE = (0.03, 0.07)
DRIVERS = ("volume", "mix", "rate", "none", "inconclusive")
NULL_STORY = "steady"


@dataclasses.dataclass(frozen=True)
class Task:
    story: str
    scale: str
    factor: float
    seed: int


@dataclasses.dataclass(frozen=True)
class Outcome:
    story: str
    scale: str
    driver: str
    false_blame: bool
    right_driver: bool
    #: test group -> (tests rejected, tests run) in this store
    rejections: Mapping[str, tuple[int, int]]
    seconds: float


def run(context: BenchContext) -> None:
    from analyzer.analysis.stories import STORIES

    tasks = [
        Task(s.name, scale, factor, seed)
        for s in STORIES
        for scale, factor in SCALES
        for seed in range(RUNS)
    ]
    print(
        f"{len(STORIES)} stories x {len(SCALES)} scales x {RUNS} runs "
        f"= {len(tasks)} stores, {context.workers} worker(s)",
        flush=True,
    )
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(
        context.workers, initializer=_prepare_worker, initargs=(str(context.scratch),)
    ) as pool:
        outcomes = list(pool.imap_unordered(_simulate, tasks, chunksize=4))
    wall = time.perf_counter() - started
    cpu = sum(o.seconds for o in outcomes)
    print(f"ran in {wall:.0f}s wall, {cpu / len(outcomes):.2f}s per store\n")
    for line in verdict_table(outcomes):
        print(line)
    print()
    for line in null_test_table(outcomes):
        print(line)


_SCRATCH: list[Path] = []


def _prepare_worker(scratch: str) -> None:
    """Import everything once, then freeze the heap: statsmodels' Holm correction calls
    ``gc.collect()``, which otherwise walks every imported module's objects each time."""
    import analyzer.analysis  # noqa: F401

    _SCRATCH.append(Path(tempfile.mkdtemp(prefix="calibration-", dir=scratch)))
    gc.freeze()


def _simulate(task: Task) -> Outcome:
    from analyzer.analysis import analyze
    from analyzer.analysis.stories import judge, story, story_spec
    from analyzer.analysis.synthetic import build_store

    started = time.process_time()
    told = story(task.story)
    path = _SCRATCH[0] / f"{os.getpid()}.duckdb"
    path.unlink(missing_ok=True)
    build_store(path, story_spec(told, scale=task.factor, seed=task.seed))
    document = analyze(path).to_dict()
    path.unlink()
    judged = judge(told, document)
    return Outcome(
        story=task.story,
        scale=task.scale,
        driver=judged.driver,
        false_blame=judged.false_blame,
        right_driver=judged.right_driver,
        rejections=test_rejections(document) if task.story == NULL_STORY else {},
        seconds=time.process_time() - started,
    )


def test_rejections(document: Mapping[str, Any]) -> dict[str, tuple[int, int]]:
    """Each group of tests whose null the steady story satisfies: (rejected, run)."""
    groups: dict[str, list[bool]] = collections.defaultdict(list)
    ai = ("ai_assisted", "ai_authored")
    for comparison in document["change_failure_comparisons"]:
        _add(groups, "change failure rate ratio, AI vs human", comparison["p_value"])
    for comparison in document["incident_rates"]["comparisons"]:
        _add(groups, "incidents per KLOC ratio, AI vs human", comparison["p_value"])
    for comparison in document["reverts"]["comparisons"]:
        _add(groups, "revert rate ratio, AI vs human", comparison["p_value"])
    for term in document["count_model"]["terms"]:
        if term["term"] in ai:
            _add(groups, "count model AI class terms", term["p_value"])
    decomposition = document["decomposition"]
    for effect in ("volume", "mix", "rate"):
        estimate = decomposition[f"{effect}_effect"]
        low, high = estimate["ci_low"], estimate["ci_high"]
        if low is not None and high is not None:
            groups[f"decomposition {effect} effect CI excludes 0"].append(low > 0 or high < 0)
    for test in document["time_series"]["tests"]:
        if test["driver"] == "commits":
            continue  # the week's volume does drive its incidents: not a null here
        outcome = test["outcome"].replace("_", " ")
        label = {
            "ccf": f"pre-whitened CCF, AI share -> {outcome} (9 lags)",
            "granger": f"Granger, AI share -> {outcome} (4 lags)",
            "its": f"interrupted time series {test['driver'].replace('_', ' ')}, {outcome}",
            "dose_response": f"dose-response, {outcome}",
        }.get(test["family"], f"{test['family']}, {outcome}")
        _add(groups, label, test["p_value"])
    return {name: (sum(flags), len(flags)) for name, flags in groups.items()}


def _add(groups: dict[str, list[bool]], name: str, p_value: float | None) -> None:
    if p_value is not None and math.isfinite(p_value):
        groups[name].append(p_value < 0.05)


def verdict_table(outcomes: Sequence[Outcome]) -> list[str]:
    """Per story and scale: the share of each verdict, false blame and right driver."""
    from analyzer.analysis.stories import STORIES

    header = (
        f"{'story':<21}{'kind':<5}{'scale':<8}{'runs':>5}"
        + "".join(f"{d[:6]:>7}" for d in DRIVERS)
        + f"{'false blame':>13}{'right driver':>14}"
    )
    lines = ["verdicts (share of runs)", header, "-" * len(header)]
    misses = []
    for told in STORIES:
        for scale, _ in SCALES:
            runs = [o for o in outcomes if o.story == told.name and o.scale == scale]
            if not runs:
                continue
            shares = collections.Counter(o.driver for o in runs)
            blame = _share(o.false_blame for o in runs)
            right = _share(o.right_driver for o in runs)
            lines.append(
                f"{told.name:<21}{told.kind:<5}{scale:<8}{len(runs):>5}"
                + "".join(f"{shares[d] / len(runs):>7.0%}" for d in DRIVERS)
                + (f"{blame:>13.1%}" if told.kind == "null" else f"{'':>13}")
                + (f"{right:>14.1%}" if told.kind == "true" else f"{'':>14}")
            )
            if told.kind == "null" and blame > FALSE_BLAME_TARGET:
                misses.append(f"false blame {blame:.1%} on {told.name} ({scale})")
            if told.kind == "true" and scale == "demo" and right < RIGHT_DRIVER_TARGET:
                misses.append(f"right driver {right:.1%} on {told.name} (demo)")
    lines.append(
        f"targets: false blame <= {FALSE_BLAME_TARGET:.0%} on every null story; right driver "
        f">= {RIGHT_DRIVER_TARGET:.0%} on the true stories at the demo's scale: "
        + ("MET" if not misses else f"MISSED ({len(misses)})")
    )
    return lines + [f"  missed: {miss}" for miss in misses]


def null_test_table(outcomes: Sequence[Outcome]) -> list[str]:
    """Each test group's rejection rate on the steady story, per scale."""
    low, high = NULL_REJECTION_RANGE
    totals: dict[tuple[str, str], list[int]] = collections.defaultdict(lambda: [0, 0])
    for outcome in outcomes:
        for name, (rejected, tested) in outcome.rejections.items():
            totals[(name, outcome.scale)][0] += rejected
            totals[(name, outcome.scale)][1] += tested
    names = sorted({name for name, _ in totals})
    header = f"{'test (steady story: AI changes nothing)':<58}" + "".join(
        f"{scale:>16}" for scale, _ in SCALES
    )
    lines = [
        f"null rejection rates (raw p < 0.05; target {low:.0%}-{high:.0%}; tests run in brackets)",
        header,
        "-" * len(header),
    ]
    misses = []
    for name in names:
        cells = []
        for scale, _ in SCALES:
            rejected, tested = totals.get((name, scale), [0, 0])
            if not tested:
                cells.append(f"{'-':>16}")
                continue
            rate = rejected / tested
            cells.append(f"{rate:>8.1%} ({tested:>5})")
            if not low <= rate <= high:
                misses.append(f"{name} ({scale}) {rate:.1%}")
        lines.append(f"{name:<58}" + "".join(cells))
    lines.append(
        "target: every test within the range: "
        + ("MET" if not misses else f"MISSED ({len(misses)} outside it)")
    )
    return lines


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0
