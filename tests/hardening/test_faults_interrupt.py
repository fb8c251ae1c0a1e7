"""Ctrl-C during any command: one line saying what was kept and how to carry on, exit
status 130, no traceback; a mine interrupted mid-run keeps whole batches only, and
running it again gives the store an uninterrupted run gives."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from analyzer.interruption import noting_interrupts, was_interrupted
from analyzer.store.schema import SCHEMA_VERSION, TABLES
from tests.support.cli_runs import ctrl_c_reaches_child, jevons_env, jevons_process
from tests.support.mining_repos import store_contents
from tests.support.torture_repos import build_long_python_history, mine

BATCH = 100


def _interrupt(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def _inside_command(proc: subprocess.Popen[str], timeout: float = 120) -> None:
    """Wait until ``proc`` runs its command: it has loaded DuckDB, which the command line
    itself never imports (a Ctrl-C before that lands in Python's start-up, not in Jevons)."""
    maps = Path(f"/proc/{proc.pid}/maps")
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if "duckdb" in maps.read_text():
            return
        time.sleep(0.02)
    raise AssertionError(f"the command never loaded DuckDB: {proc.communicate()}")


def _assert_clean_stop(code: int, err: str, resume: str) -> None:
    # 130, or killed by SIGINT after printing: CPython ends a process that way when Ctrl-C
    # interrupted a Cython module's import, even once the interrupt was handled; either
    # way the shell reports 130
    assert code in (130, -signal.SIGINT), err
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("interrupted: "), err
    assert resume in lines[0], err


def _empty_store(path: Path) -> None:
    with duckdb.connect(str(path)) as conn:
        for ddl in TABLES.values():
            conn.execute(ddl)
        conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])


COMMANDS = {
    "mine": (["mine", "{repo}"], "run `jevons mine"),
    "incidents import": (["incidents", "import", "{incidents}"], "re-importing changes nothing"),
    "link": (["link"], "run `jevons link"),
    "attribute": (["attribute"], "run `jevons attribute"),
    "analyze": (["analyze"], "nothing was changed"),
    "export": (["export", "--parquet", "{out}"], "run `jevons export"),
    "report pr": (
        ["report", "pr", "--base", "HEAD~1", "--head", "HEAD", "--repo", "{repo}"],
        "no report was written",
    ),
    "report review": (
        ["report", "review", "--from", "2023-01-01", "--to", "2023-12-31", "--out", "{out}/r.html"],
        "no review was written",
    ),
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_ctrl_c_while_a_command_waits_for_the_store_stops_cleanly(
    command: str, tmp_path: Path
) -> None:
    """Another process holds the store (as a long mine does between its batches); the
    command waits for it, and Ctrl-C stops the wait."""
    repo = tmp_path / "repo"
    build_long_python_history(repo, 3)
    incidents = tmp_path / "i.csv"
    incidents.write_text("id,title,created_at\nINC-1,Down,2024-01-01T00:00:00+00:00\n")
    db = tmp_path / "s.duckdb"
    _empty_store(db)
    args, resume = COMMANDS[command]
    argv = [a.format(repo=repo, incidents=incidents, out=tmp_path) for a in args]
    with duckdb.connect(str(db)):  # holds the file: every other connection waits
        proc = jevons_process([*argv, "--db", str(db)], cwd=tmp_path)
        _inside_command(proc)
        time.sleep(0.5)  # into the wait (which lasts up to 30 s)
        assert proc.poll() is None, proc.communicate()
        code, _, err = _interrupt(proc)
    _assert_clean_stop(code, err, resume)


def _stored_commits(db: Path) -> int:
    """Commits in the store, read between the miner's batches."""
    try:
        with duckdb.connect(str(db), read_only=True) as conn:
            row = conn.execute("SELECT count(*) FROM commits").fetchone()
            return int(row[0]) if row else 0
    except duckdb.Error:  # the miner has the file just now, or no table yet
        return 0


@pytest.mark.slow
def test_ctrl_c_mid_mine_keeps_whole_batches_and_a_rerun_finishes_the_job(tmp_path: Path) -> None:
    repo = tmp_path / "long"
    build_long_python_history(repo, 6 * BATCH)
    config = tmp_path / "jevons.toml"
    config.write_text(f"[mining]\nbatch_commits = {BATCH}\n")
    db, reference = tmp_path / "s.duckdb", tmp_path / "reference.duckdb"
    argv = ["mine", str(repo), "--db", str(db), "--config", str(config), "--workers", "1"]

    proc = jevons_process(argv, cwd=tmp_path)
    deadline = time.monotonic() + 120
    while _stored_commits(db) < BATCH and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the mine finished before it could be interrupted"
    code, _, err = _interrupt(proc)

    _assert_clean_stop(code, err, f"run `jevons mine {repo} --db {db}")
    kept = _stored_commits(db)
    assert 0 < kept < 6 * BATCH and kept % BATCH == 0  # whole batches, nothing half-written
    rerun = jevons_process(argv, cwd=tmp_path)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert f"{6 * BATCH - kept:,} mined" in out
    mine(repo, reference)
    assert store_contents(db) == store_contents(reference)


# Sends the process a real SIGINT while ``analyzer.cli`` is still importing Typer: the
# moment before the command line's own error boundary exists.
_CTRL_C_WHILE_LOADING = """
import os, signal, sys

class CtrlCOnTyper:
    def find_spec(self, name, path=None, target=None):
        if name == "typer":
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, CtrlCOnTyper())
sys.argv = ["jevons", "incidents", "import", "export.json"]
from analyzer.entry import main
main()
"""


def test_ctrl_c_while_the_command_line_loads_stops_cleanly(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _CTRL_C_WHILE_LOADING],
        cwd=tmp_path, env=jevons_env(), capture_output=True, text=True, timeout=120,
        preexec_fn=ctrl_c_reaches_child,
    )  # fmt: skip
    _assert_clean_stop(proc.returncode, proc.stderr, "re-importing changes nothing")


def test_ctrl_c_that_duckdb_turns_into_its_own_error_is_still_an_interruption() -> None:
    # DuckDB stops the query Ctrl-C lands in and raises RuntimeError("Query interrupted"),
    # with no KeyboardInterrupt behind it: the command line ended in a traceback, exit 1.
    conn = duckdb.connect()
    with noting_interrupts():
        threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
        with pytest.raises(RuntimeError, match="interrupted") as caught:
            conn.execute("SELECT count(*) FROM range(10000000000) t(i) WHERE i % 7 = 3").fetchall()
        assert caught.value.__context__ is None and caught.value.__cause__ is None
        assert was_interrupted(caught.value)
    assert not was_interrupted(RuntimeError("Query interrupted"))  # only a noted Ctrl-C
