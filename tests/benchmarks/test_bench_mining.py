"""The mining benchmark's own parts: the generated repository, the blob census, the verdicts.

Timings are not tested here (that is what ``make bench`` is for); what is tested is that
the benchmark compares like with like.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from benchmarks.floor import time_floor
from benchmarks.generated_repo import generate_repository
from benchmarks.history import first_parent_commits, measured_blobs, read_blobs
from benchmarks.report import print_report
from benchmarks.timing import Timing


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, check=True, text=True
    ).stdout.strip()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_repository(tmp_path_factory.mktemp("bench") / "repo", commits=80)


def test_generated_repository_is_the_same_on_every_run(generated: Path, tmp_path: Path) -> None:
    again = generate_repository(tmp_path / "again", commits=80)
    assert _git(again, "rev-parse", "HEAD") == _git(generated, "rev-parse", "HEAD")


def test_generated_repository_has_the_asked_first_parent_length_and_merges(
    generated: Path,
) -> None:
    assert len(first_parent_commits(generated)) == 80
    merges = _git(generated, "rev-list", "--first-parent", "--merges", "HEAD").split()
    assert merges, "topic branches merged with --no-ff carry work in merge commits"
    assert _git(generated, "status", "--porcelain") == ""


def test_blob_census_keeps_source_blobs_and_leaves_out_excluded_ones(generated: Path) -> None:
    blobs = measured_blobs(generated)
    paths = set(blobs.values())
    assert any(p.endswith(".py") for p in paths) and any(p.endswith(".go") for p in paths)
    assert not any(p.startswith("vendor/") or p.endswith(".lock") for p in paths)
    all_blobs = set(_git(generated, "rev-list", "--objects", "--all").split())
    assert set(blobs) <= all_blobs


def test_read_blobs_returns_exact_contents_in_order(generated: Path) -> None:
    blobs = list(measured_blobs(generated))[:5]
    contents = read_blobs(generated, blobs)
    for sha, content in zip(blobs, contents, strict=True):
        assert hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest() == sha


def test_floor_measures_every_blob_within_the_size_limit(generated: Path) -> None:
    blobs = measured_blobs(generated)
    contents = read_blobs(generated, list(blobs))
    floor = time_floor(list(blobs.values()), contents, max_bytes=1 << 20)
    assert floor.blobs == len(blobs)
    assert floor.python_blobs == sum(1 for p in blobs.values() if p.endswith(".py"))
    assert floor.radon_failures == 0
    smaller = time_floor(list(blobs.values()), contents, max_bytes=min(map(len, contents)))
    assert smaller.blobs < floor.blobs


def test_report_states_each_target_and_its_verdict() -> None:
    lines: list[str] = []
    timings = {
        "cold": Timing("cold", wall=10.0, cpu=18.0),
        "warm": Timing("warm", wall=0.1, cpu=0.1),
        "lizard": Timing("lizard", wall=4.0, cpu=7.0),
        "floor": Timing("floor", wall=9.0, cpu=18.0),
        "pydriller": Timing("pydriller", wall=10.0, cpu=10.0),
        "lizard_all": Timing("lizard_all", wall=5.0, cpu=9.0),
        "pydriller_all": Timing("pydriller_all", wall=20.0, cpu=20.0),
        "wily": Timing("wily", wall=100.0, cpu=float("nan"), extrapolated=True),
    }
    print_report(timings, write=lines.append)
    text = "\n".join(" ".join(line.split()) for line in lines)
    assert "PyDriller / Jevons lizard-only cold 2.50x (target >= 3x) MISSED" in text
    assert "the same over the full history 4.00x (target >= 3x) MET" in text
    assert "Jevons full cold / floor 1.11x (target <= 1.25x) MET" in text
    assert "Jevons cold / Jevons warm 100.00x (target >= 50x) MET" in text
    assert "wily 100.00s~" in text  # an extrapolated figure is marked


def test_report_says_skipped_when_a_contender_was_left_out() -> None:
    lines: list[str] = []
    print_report({"cold": Timing("cold", 1.0), "warm": Timing("warm", 0.01)}, write=lines.append)
    assert any(
        "PyDriller / Jevons lizard-only cold" in line and "skipped" in line for line in lines
    )
