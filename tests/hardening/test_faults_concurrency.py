"""Two writers at once: a second ``jevons mine`` on a store another mine is writing fails
at once in one line naming the process that holds it, and the store ends as one mine
leaves it; an import started during a mine waits for it, then lands."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support.cli_runs import jevons_process
from tests.support.torture_repos import build_long_python_history, query

COMMITS = 1200  # several seconds of mining: the second mine starts well within them


def _wait_for_writer(db: Path, proc: object, timeout: float = 60) -> None:
    """Until the first mine holds the writer lock (its pid is in the lock file)."""
    lock = Path(f"{db}.lock")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lock.exists() and "jevons pid" in lock.read_text():
            return
        time.sleep(0.02)
    raise AssertionError("the first mine never took the writer lock")


@pytest.mark.slow
def test_a_second_mine_on_a_busy_store_fails_clearly_and_the_store_stays_whole(
    tmp_path: Path,
) -> None:
    first_repo, second_repo = tmp_path / "first", tmp_path / "second"
    build_long_python_history(first_repo, COMMITS)
    build_long_python_history(second_repo, 50)
    config = tmp_path / "jevons.toml"
    config.write_text("[mining]\nbatch_commits = 100\n")
    db = tmp_path / "s.duckdb"
    common = ["--db", str(db), "--config", str(config), "--workers", "1"]
    incidents = tmp_path / "i.csv"
    incidents.write_text("id,title,created_at\nINC-1,Down,2024-01-01T00:00:00+00:00\n")

    first = jevons_process(["mine", str(first_repo), *common], cwd=tmp_path)
    _wait_for_writer(db, first)
    second = jevons_process(["mine", str(second_repo), *common], cwd=tmp_path)
    importer = jevons_process(
        ["incidents", "import", str(incidents), "--db", str(db)], cwd=tmp_path
    )
    _, second_err = second.communicate(timeout=120)
    still_mining = first.poll() is None
    first_out, first_err = first.communicate(timeout=300)
    _, import_err = importer.communicate(timeout=120)

    assert still_mining  # the second failed while the first was writing
    assert second.returncode == 2, second_err
    lines = [line for line in second_err.splitlines() if line.strip()]
    assert len(lines) == 1 and "is writing to this store" in lines[0], second_err
    assert f"jevons pid {first.pid}" in lines[0]
    assert first.returncode == 0, first_err
    assert f"{COMMITS:,} mined" in first_out
    assert importer.returncode == 0, import_err  # it waited for the writer, then landed
    assert query(db, "SELECT repo_id, count(*) FROM commits GROUP BY ALL") == [("first", COMMITS)]
    unmeasured = query(
        db,
        "SELECT count(*) FROM file_changes f LEFT JOIN blob_metrics b "
        "ON b.blob_sha = f.new_blob WHERE f.new_blob IS NOT NULL AND b.blob_sha IS NULL",
    )
    assert unmeasured == [(0,)]
    assert query(db, "SELECT count(*) FROM incidents") == [(1,)]
