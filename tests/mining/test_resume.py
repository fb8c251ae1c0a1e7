"""A mine killed at any moment (SIGKILL) leaves a consistent store, and the next run ends
exactly where an uninterrupted run would have."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.support.cli_runs import ctrl_c_reaches_child
from tests.support.mining_repos import build_long_history, store_contents
from tests.support.repo_builder import RepoBuilder

ROOT = Path(__file__).resolve().parents[2]
COMMITS = 160

pytestmark = pytest.mark.slow


def _start_mine(repo: Path, db: Path, cwd: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "JEVONS_DB"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "analyzer.cli",
            "mine",
            str(repo),
            "--db",
            str(db),
            "--workers",
            "2",
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the pool and git die with it
        preexec_fn=ctrl_c_reaches_child,
    )


def _stored_commits(db: Path) -> int | None:
    """Commits in the store, or None while the miner has the file open."""
    try:
        with duckdb.connect(str(db), read_only=True) as conn:
            return int(conn.execute("SELECT count(*) FROM commits").fetchall()[0][0])
    except duckdb.Error:
        return None


def _kill_when_stored(proc: subprocess.Popen[bytes], db: Path, at_least: int) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the mine finished before it could be killed"
        stored = _stored_commits(db) if db.exists() else None
        if stored is not None and stored >= at_least:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return
        time.sleep(0.02)
    raise AssertionError("the mine made no progress")


def test_killed_mine_resumes_to_the_same_store_as_an_uninterrupted_one(
    repo: RepoBuilder, tmp_path: Path
) -> None:
    build_long_history(repo, COMMITS)
    (tmp_path / "jevons.toml").write_text("[mining]\nbatch_commits = 4\n")
    killed, clean = tmp_path / "killed.duckdb", tmp_path / "clean.duckdb"

    for at_least in (8, 60):
        proc = _start_mine(repo.path, killed, tmp_path)
        _kill_when_stored(proc, killed, at_least)
        stored = _stored_commits(killed)
        assert stored is not None and at_least <= stored < COMMITS
        with duckdb.connect(str(killed), read_only=True) as conn:
            # consistent at the kill: every stored commit has its file changes and metrics
            assert conn.execute(
                "SELECT count(*) FROM commits c WHERE NOT EXISTS "
                "(SELECT 1 FROM file_changes f WHERE f.sha = c.sha)"
            ).fetchall() == [(0,)]
            assert conn.execute(
                "SELECT count(*) FROM file_changes f WHERE f.language IS NOT NULL "
                "AND NOT f.excluded AND f.new_blob IS NOT NULL AND NOT EXISTS "
                "(SELECT 1 FROM blob_metrics b WHERE b.blob_sha = f.new_blob)"
            ).fetchall() == [(0,)]

    resumed = _start_mine(repo.path, killed, tmp_path)
    assert resumed.wait(timeout=300) == 0, resumed.stderr.read() if resumed.stderr else ""
    uninterrupted = _start_mine(repo.path, clean, tmp_path)
    assert uninterrupted.wait(timeout=300) == 0
    for proc in (resumed, uninterrupted):
        if proc.stderr:
            proc.stderr.close()

    assert _stored_commits(killed) == COMMITS
    assert store_contents(killed) == store_contents(clean)


def _group_ends(pgid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_ctrl_c_stops_the_mine_cleanly_and_the_next_run_finishes_it(
    repo: RepoBuilder, tmp_path: Path
) -> None:
    build_long_history(repo, COMMITS)
    (tmp_path / "jevons.toml").write_text("[mining]\nbatch_commits = 4\n")
    db = tmp_path / "s.duckdb"
    proc = _start_mine(repo.path, db, tmp_path)
    deadline = time.monotonic() + 240
    while (_stored_commits(db) if db.exists() else None) in (None, 0):
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)  # what Ctrl-C sends to the miner
    code = proc.wait(timeout=60)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert code == 130, stderr
    assert "Traceback" not in stderr, stderr
    [line] = stderr.strip().splitlines()
    assert line.startswith("interrupted:") and "again" in line
    assert _group_ends(proc.pid, 30), "workers or git outlived the interrupted miner"
    stored = _stored_commits(db)
    assert stored is not None and 0 < stored < COMMITS
    resumed = _start_mine(repo.path, db, tmp_path)
    assert resumed.wait(timeout=300) == 0
    if resumed.stderr:
        resumed.stderr.close()
    assert _stored_commits(db) == COMMITS
