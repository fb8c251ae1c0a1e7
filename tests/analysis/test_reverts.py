"""Reverted commits found from git's own revert messages, stored as commits.reverted_by."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from analyzer.analysis.reverts import detect_reverts, find_reverts, revert_rates
from analyzer.store import Store, open_store
from tests.support.mining_repos import run_jevons
from tests.support.repo_builder import RepoBuilder


def _log(repo: RepoBuilder) -> pd.DataFrame:
    """The repository's commits as the store holds them (sha, date, full message)."""
    raw = repo.git("log", "--format=%H%x1f%cI%x1f%B%x1e")
    rows = []
    for record in raw.split("\x1e"):
        if record.strip():
            sha, date, message = record.strip("\n").split("\x1f")
            rows.append(
                {"repo_id": "r", "sha": sha, "committed_at": pd.Timestamp(date), "message": message}
            )
    return pd.DataFrame(rows)


def _revert(repo: RepoBuilder, sha: str, *, edit_body: bool = False) -> str:
    repo.clock += dt.timedelta(hours=1)
    stamp = repo.clock.isoformat()
    env = {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    repo.git("revert", "--no-edit", sha, env=env)
    if edit_body:  # keep git's title, drop its "This reverts commit" line
        title = repo.git("log", "-1", "--format=%s")
        repo.git("commit", "--amend", "-q", "-m", title, env=env)
    return repo.head()


def test_git_revert_messages_point_at_the_commit_they_revert(repo: RepoBuilder) -> None:
    base = repo.commit("add service", {"a.py": "x = 1\n"})
    risky = repo.commit("make it fast", {"a.py": "x = 2\n"})
    revert = _revert(repo, risky)
    reapply = _revert(repo, revert)  # a revert of the revert
    found = find_reverts(_log(repo)).set_index("sha")["reverted_by"].to_dict()
    assert found == {risky: revert, revert: reapply}
    assert base not in found


def test_a_revert_title_without_its_body_matches_the_latest_commit_with_that_subject(
    repo: RepoBuilder,
) -> None:
    repo.commit("tune cache", {"a.py": "x = 1\n"})
    second = repo.commit("tune cache", {"a.py": "x = 2\n"})
    revert = _revert(repo, second, edit_body=True)
    assert "This reverts commit" not in repo.git("log", "-1", "--format=%B")
    found = find_reverts(_log(repo))
    assert found.to_dict("records") == [{"repo_id": "r", "sha": second, "reverted_by": revert}]


def test_abbreviated_shas_match_by_prefix_and_ambiguous_or_unknown_ones_are_ignored() -> None:
    commits = pd.DataFrame(
        {
            "repo_id": "r",
            "sha": ["abc1234000", "abc1234999", "def5678000", "9990000000", "8880000000"],
            "committed_at": pd.date_range("2024-01-01", periods=5, freq="D"),
            "message": [
                "one",
                "two",
                "three",
                'Revert "three"\n\nThis reverts commit def5678.\n',
                'Revert "x"\n\nThis reverts commit abc1234.\n',  # two commits share it
            ],
        }
    )
    found = find_reverts(commits)
    assert found.to_dict("records") == [
        {"repo_id": "r", "sha": "def5678000", "reverted_by": "9990000000"}
    ]


def _store_with_commits(path: Path) -> Store:
    store = open_store(path)
    with store.transaction() as conn:
        conn.execute(
            """INSERT INTO commits (repo_id, sha, committed_at, message, authorship) VALUES
            ('r', 'aaaaaaaa01', TIMESTAMP '2024-01-01', 'feature', 'human'),
            ('r', 'bbbbbbbb02', TIMESTAMP '2024-01-02', 'Revert "feature"

This reverts commit aaaaaaaa01.', 'human'),
            ('s', 'cccccccc03', TIMESTAMP '2024-01-03', 'feature', 'ai_assisted')"""
        )
    return store


def test_detect_reverts_writes_reverted_by_in_the_store_and_can_run_again(tmp_path: Path) -> None:
    store = _store_with_commits(tmp_path / "s.duckdb")
    assert detect_reverts(store) == 1
    assert detect_reverts(tmp_path / "s.duckdb") == 1  # a path works too, and reruns agree
    rows = store.query("SELECT sha, reverted_by FROM commits ORDER BY sha")
    assert rows == [("aaaaaaaa01", "bbbbbbbb02"), ("bbbbbbbb02", None), ("cccccccc03", None)]


def test_revert_rate_by_class_with_wilson_intervals() -> None:
    changes = pd.DataFrame(
        {
            "authorship": ["human"] * 40 + ["ai_authored"] * 10,
            "reverted_by": [None] * 38 + ["x", "y"] + ["z"] * 3 + [None] * 7,
        }
    )
    reverts = revert_rates(changes, ("human", "ai_authored"))
    assert reverts.reverted_commits == 5
    ai = reverts.by_class["ai_authored"]
    assert (ai.n, ai.count) == (10, 3)
    assert (ai.ci_low, ai.ci_high) == pytest.approx(proportion_confint(3, 10, method="wilson"))
    (comparison,) = reverts.comparisons
    assert comparison.ratio == pytest.approx(0.3 / 0.05)


def test_mining_records_reverts_and_the_summary_shows_them(
    repo: RepoBuilder, tmp_path: Path
) -> None:
    # Until the miner recorded them, `jevons mine` + `jevons analyze` never saw a revert:
    # only a direct call to detect_reverts filled commits.reverted_by.
    when = dt.datetime(2024, 1, 1, 10, tzinfo=dt.UTC)
    bad = repo.commit("Add a flag", {"a.py": "FLAG = 1\n"}, date=when)
    repo.commit("Grow", {"b.py": "x = 1\n"}, date=when + dt.timedelta(days=1))
    undo = repo.commit(
        f'Revert "Add a flag"\n\nThis reverts commit {bad}.',
        {"a.py": None},
        date=when + dt.timedelta(days=2),
    )
    db = tmp_path / "s.duckdb"
    mine = run_jevons("mine", str(repo.path), "--db", str(db), "--workers", "1", cwd=tmp_path)
    assert mine.returncode == 0, mine.stderr
    stored = open_store(db, read_only=True, missing="error").query(
        "SELECT sha FROM commits WHERE reverted_by = ?", [undo]
    )
    assert stored == [(bad,)]
    analysed = run_jevons("analyze", "--db", str(db), "--json", cwd=tmp_path)
    assert json.loads(analysed.stdout)["reverts"]["reverted_commits"] == 1
    summary = run_jevons("analyze", "--db", str(db), cwd=tmp_path).stdout
    assert "Revert rate by class" in summary  # no incidents: reverts are the failure signal
    # and nothing splits an incident count of zero into parts of zero
    assert "Change failure rate" not in summary and "Change in incidents" not in summary
    assert "code-caused incidents between" not in summary
    human = next(line for line in summary.splitlines() if line.startswith("│ human"))
    assert [cell.strip() for cell in human.split("│")[2:4]] == ["3", "1"]  # changes, reverted
