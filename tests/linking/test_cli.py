"""``jevons link``: a thin wrapper that reports in plain words and fails with one line."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.store import Store
from tests.support.linking import add_incident, links, record_repo
from tests.support.repo_builder import RepoBuilder

T0 = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)


def test_link_reports_links_notes_and_churn(store: Store, repo: RepoBuilder) -> None:
    repo.commit("Base", {"app.py": "a = 1\n"}, date=T0)
    bug = repo.commit("Break", {"app.py": "a = 0\n"}, date=T0 + dt.timedelta(days=1))
    repo.commit("Fix OPS-1", {"app.py": "a = 1\n"}, date=T0 + dt.timedelta(days=3))
    record_repo(store, repo)
    add_incident(store, "jira:OPS-1", T0 + dt.timedelta(days=2))
    add_incident(store, "jira:OPS-2", T0 + dt.timedelta(days=2))
    result = CliRunner().invoke(app, ["link", "--db", str(store.path), "--szz-variant", "ag"])
    assert result.exit_code == 0, result.output
    assert "Linked 2 incident(s)" in result.output and "(SZZ variant AG-SZZ)" in result.output
    assert "inducing: 1 incident(s); links by method: szz 1" in result.output
    assert "unlinked: 1 incident(s)" in result.output
    assert "note: 1 x no_fix" in result.output
    assert "Churn: 3 commit(s) in 1 repositor(ies)" in result.output
    assert ("jira:OPS-1", bug, "inducing", "szz") in links(store)
    assert store.query("SELECT count(*) FROM commit_churn") == [(3,)]


def jevons(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command line, in its own process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "analyzer.cli", *args], capture_output=True, text=True, check=False
    )


def test_link_turns_a_bad_option_into_one_line_and_exit_code_2(
    store: Store, tmp_path: Path
) -> None:
    result = jevons("link", "--db", str(store.path), "--fix-pattern", "INC-[0-9]+")
    assert result.returncode == 2
    assert result.stderr.startswith("error: --fix-pattern 'INC-[0-9]+' has no named group 'ref'")
    missing = tmp_path / "nope.yaml"
    result = jevons("link", "--db", str(store.path), "--ownership", str(missing))
    assert result.returncode == 2
    assert "nope.yaml: cannot read the ownership file" in result.stderr
    result = jevons("link", "--db", str(store.path), "--szz-variant", "q")
    assert (result.returncode, result.stderr.count("\n")) == (2, 1)
    assert "unknown SZZ variant 'q'; choose one of: b, ag, r" in result.stderr


def test_link_refuses_a_store_that_does_not_exist_and_creates_none(tmp_path: Path) -> None:
    missing = tmp_path / "never-mined.duckdb"
    result = jevons("link", "--db", str(missing))
    assert (result.returncode, result.stderr.count("\n")) == (2, 1), result.stderr
    assert f"{missing}: no store here yet; run `jevons mine REPO --db {missing}`" in result.stderr
    assert list(tmp_path.iterdir()) == []
