"""A full disk during a mine: the run fails in one clear line with a non-zero exit, the
store keeps the batches committed before, and a re-run once there is space finishes the
job with the store an uninterrupted run gives.

The disk is a small tmpfs mounted for the test (the suite runs as root, as CI does). A
file-size limit (RLIMIT_FSIZE) is no stand-in: DuckDB keeps going when a checkpoint cannot
grow the file (the rows stay in its write-ahead log), so the limit is never felt where a
full disk is; without the right to mount, the test is skipped and says why."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli_runs import jevons_env
from tests.support.mining_repos import store_contents
from tests.support.torture_repos import build_long_python_history, mine, query

BATCH = 100
COMMITS = 6 * BATCH
SMALL = 3 * 1024 * 1024  # room for the schema and a batch or two, not for 600 commits


@contextlib.contextmanager
def small_disk(where: Path) -> Iterator[Path]:
    """``where`` as a file system of :data:`SMALL` bytes, unmounted afterwards."""
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SMALL}", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.strip()}); run as root")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _make_room(where: Path) -> None:
    subprocess.run(["mount", "-o", "remount,size=256m", str(where)], check=True)


def _mine(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analyzer.cli", *argv],
        cwd=cwd,
        env=jevons_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_a_full_disk_fails_the_mine_in_one_line_and_keeps_the_committed_batches(
    tmp_path: Path,
) -> None:
    repo = tmp_path / "long"
    build_long_python_history(repo, COMMITS)
    config = tmp_path / "jevons.toml"
    config.write_text(f"[mining]\nbatch_commits = {BATCH}\n")
    with small_disk(tmp_path / "disk") as disk:
        db = disk / "s.duckdb"
        argv = ["mine", str(repo), "--db", str(db), "--config", str(config), "--workers", "1"]

        full = _mine(argv, tmp_path)

        assert full.returncode == 2, full.stderr
        lines = [line for line in full.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), full.stderr
        assert "No space left on device" in lines[0]
        assert "run the command again" in lines[0]
        copy = tmp_path / "after-failure.duckdb"
        shutil.copy(db, copy)
        if Path(f"{db}.wal").exists():
            shutil.copy(f"{db}.wal", f"{copy}.wal")
        ((kept,),) = query(copy, "SELECT count(*) FROM commits")
        assert 0 < kept < COMMITS and kept % BATCH == 0, kept
        unmeasured = query(
            copy,
            "SELECT count(*) FROM file_changes f LEFT JOIN blob_metrics b "
            "ON b.blob_sha = f.new_blob WHERE f.new_blob IS NOT NULL AND b.blob_sha IS NULL",
        )
        assert unmeasured == [(0,)]  # every stored commit has its metrics

        _make_room(disk)
        again = _mine(argv, tmp_path)

        assert again.returncode == 0, again.stderr
        assert f"{COMMITS - kept:,} mined" in again.stdout
        reference = tmp_path / "reference.duckdb"
        mine(repo, reference)
        assert store_contents(db) == store_contents(reference)
