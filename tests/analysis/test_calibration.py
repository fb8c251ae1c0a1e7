"""A few seeds of the calibration benchmark's key stories, so the verdict cannot silently
regress: no false blame where AI changes nothing, the right driver where one effect is real.
The full table (200 stores per story and scale) is ``make bench BENCH_FLAGS=calibration``."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.analysis import analyze
from analyzer.analysis.stories import Judgement, judge, story, story_spec
from analyzer.analysis.synthetic import build_store

pytestmark = pytest.mark.slow

SEEDS = (101, 102, 103)


def _pending(name: str, why: str) -> object:
    """A story the verdict still gets wrong, until the named part of issue #14 lands."""
    return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=why))


def _judged(tmp_path: Path, name: str, seed: int) -> Judgement:
    told = story(name)
    path = tmp_path / f"seed-{seed}.duckdb"
    build_store(path, story_spec(told, seed=seed))
    return judge(told, analyze(path, replicates=400).to_dict())


@pytest.mark.parametrize(
    "name",
    [
        "steady",
        _pending("team growth", "#14 item 4: author controls"),
        _pending("censored follow-up", "#14 item 3: cohorts"),
        "linkage drift",
        "late records",
    ],
)
def test_no_false_blame_where_ai_changes_nothing(name: str, tmp_path: Path) -> None:
    blamed = {
        seed: judged.driver
        for seed in SEEDS
        if (judged := _judged(tmp_path, name, seed)).false_blame
    }
    assert not blamed, f"{name}: AI or its changes blamed in seeds {blamed}"


@pytest.mark.parametrize(
    "name",
    [
        "volume",
        "AI fails 3x",
        "everyone fails more",
        _pending("AI fails less", "#14 items 1-2: sign-aware verdict"),
        "falling volume",
    ],
)
def test_true_story_gets_its_driver_and_never_another(name: str, tmp_path: Path) -> None:
    drivers = [_judged(tmp_path, name, seed).driver for seed in SEEDS]
    right = story(name).driver
    assert drivers.count(right) >= 2, drivers
    assert set(drivers) <= {right, "inconclusive"}, drivers
