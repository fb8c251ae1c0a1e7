"""``jevons mine`` and ``jevons export`` as a user runs them: real processes, real exits."""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.support.mining_repos import run_jevons as jevons
from tests.support.repo_builder import RepoBuilder


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    return lines[0]


def test_mine_prints_one_summary_line_per_repository(repo: RepoBuilder, tmp_path: Path) -> None:
    repo.commit("one", {"a.py": "def f(x):\n    return x\n"})
    repo.commit("two", {"b.c": "int g(int x) { return x > 0 ? x : -x; }\n"})
    result = jevons("mine", str(repo.path), "--db", "store.duckdb", "--workers", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # not a terminal: no progress bars
    [line] = result.stdout.splitlines()
    assert line.startswith("repo: 2 commits (first-parent), 2 mined, 2 blobs measured")
    with duckdb.connect(str(tmp_path / "store.duckdb"), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM commits").fetchall() == [(2,)]


def test_mine_reads_repositories_from_a_file_and_the_history_mode(
    repo: RepoBuilder, tmp_path: Path
) -> None:
    repo.commit("one", {"a.py": "a = 1\n"})
    listing = tmp_path / "repos.txt"
    listing.write_text(f"# our repositories\n\n{repo.path}\n")
    result = jevons(
        "mine",
        "--repos-file",
        str(listing),
        "--history",
        "full",
        "--db",
        "s.duckdb",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "1 commits (full)" in result.stdout


def test_path_that_is_not_a_repository_fails_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    line = _one_line_error(jevons("mine", "plain", "--db", "s.duckdb", cwd=tmp_path))
    assert line == "error: plain: not a git repository (no .git found there)"
    assert not (tmp_path / "s.duckdb").exists()


def test_missing_path_fails_with_one_line(tmp_path: Path) -> None:
    line = _one_line_error(jevons("mine", "nowhere", "--db", "s.duckdb", cwd=tmp_path))
    assert line == "error: nowhere: no such directory"


def test_empty_repository_fails_with_one_line(tmp_path: Path) -> None:
    RepoBuilder(tmp_path / "empty")
    line = _one_line_error(jevons("mine", "empty", "--db", "s.duckdb", cwd=tmp_path))
    assert "empty" in line and "has no commits yet" in line


def test_db_in_a_missing_directory_fails_with_one_line(repo: RepoBuilder, tmp_path: Path) -> None:
    repo.commit("one", {"a.py": "a = 1\n"})
    line = _one_line_error(
        jevons("mine", str(repo.path), "--db", "no/such/dir/s.duckdb", cwd=tmp_path)
    )
    assert "the directory no/such/dir does not exist" in line


def test_unknown_history_mode_fails_with_one_line(repo: RepoBuilder, tmp_path: Path) -> None:
    repo.commit("one", {"a.py": "a = 1\n"})
    line = _one_line_error(
        jevons("mine", str(repo.path), "--history", "linear", "--db", "s.duckdb", cwd=tmp_path)
    )
    assert line == "error: --history must be one of first-parent, full, not 'linear'"


def test_no_repository_given_fails_with_one_line(tmp_path: Path) -> None:
    line = _one_line_error(jevons("mine", "--db", "s.duckdb", cwd=tmp_path))
    assert "no repository given" in line


def test_shallow_clone_is_mined_with_a_warning(repo: RepoBuilder, tmp_path: Path) -> None:
    for n in range(4):
        repo.commit(f"c{n}", {"a.py": f"a = {n}\n"})
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{repo.path}", str(tmp_path / "shallow")],
        check=True,
    )
    result = jevons("mine", "shallow", "--db", "s.duckdb", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1 and warnings[0].startswith("warning: ")
    assert "shallow clone" in warnings[0] and "git fetch --unshallow" in warnings[0]
    assert "2 commits (first-parent)" in result.stdout and "shallow clone" in result.stdout
    with duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True) as conn:
        assert conn.execute("SELECT is_shallow, commit_count FROM repos").fetchall() == [(True, 2)]


def test_bare_repository_is_mined(repo: RepoBuilder, tmp_path: Path) -> None:
    repo.commit("one", {"a.py": "a = 1\n"})
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(repo.path), str(tmp_path / "mirror.git")], check=True
    )
    result = jevons("mine", "mirror.git", "--db", "s.duckdb", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True) as conn:
        rows = conn.execute("SELECT repo_id, is_bare, default_branch FROM repos").fetchall()
    assert rows == [("mirror", True, "main")]


def test_config_file_chooses_history_and_exclusions(repo: RepoBuilder, tmp_path: Path) -> None:
    repo.commit("one", {"src/a.py": "a = 1\n", "legacy/b.py": "b = 2\n"})
    (tmp_path / "jevons.toml").write_text(
        '[mining]\nhistory = "full"\nextra_exclude = ["legacy/**"]\n'
    )
    result = jevons("mine", str(repo.path), "--db", "s.duckdb", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "(full)" in result.stdout
    with duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True) as conn:
        rows = conn.execute("SELECT path, excluded FROM file_changes ORDER BY path").fetchall()
    assert rows == [("legacy/b.py", True), ("src/a.py", False)]


@pytest.mark.parametrize("value", ["0", "-2"])
def test_workers_must_be_positive(repo: RepoBuilder, tmp_path: Path, value: str) -> None:
    repo.commit("one", {"a.py": "a = 1\n"})
    line = _one_line_error(
        jevons("mine", str(repo.path), "--workers", value, "--db", "s.duckdb", cwd=tmp_path)
    )
    assert f"--workers must be at least 1, not {value}" in line


def test_a_db_that_is_not_a_store_is_refused_before_the_repository_is_read(
    tmp_path: Path,
) -> None:
    notes = tmp_path / "notes.duckdb"
    notes.write_text("my notes\n", encoding="utf-8")
    line = _one_line_error(jevons("mine", "nowhere", "--db", "notes.duckdb", cwd=tmp_path))
    assert line == "error: notes.duckdb: not a DuckDB file; refusing to open or overwrite it"
    assert notes.read_text(encoding="utf-8") == "my notes\n"
