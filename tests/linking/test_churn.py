"""Churn on hand-built histories where every rewritten and surviving line is counted by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analyzer.config import Config, MiningConfig
from analyzer.errors import LinkingError
from analyzer.linking.churn import ChurnMethod, CommitChurn, compute_churn, repo_churn
from analyzer.store import Store
from tests.support.linking import record_repo
from tests.support.repo_builder import RepoBuilder

T0 = dt.datetime(2024, 1, 1, 9, 0, tzinfo=dt.UTC)
EXCLUDED = ("vendor/",)


def day(n: float) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def text(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def build_history(repo: RepoBuilder) -> dict[str, str]:
    """Day 0 adds ten lines; later commits rewrite some of them at known ages."""
    c1 = [f"base_{n} = {n}" for n in range(1, 11)]
    shas = {"c1": repo.commit("Ten lines", {"app.py": text(c1)}, date=day(0))}
    # day 5: rewrite base_1, base_2 (age 5 days) and add three lines
    v2 = ["base_1 = 100", "base_2 = 200", *c1[2:], "new_1 = 1", "new_2 = 2", "new_3 = 3"]
    shas["c2"] = repo.commit("Rewrite two, add three", {"app.py": text(v2)}, date=day(5))
    # day 20: delete base_3 (age 20 days) and new_1 (age 15 days)
    v3 = [line for line in v2 if line not in ("base_3 = 3", "new_1 = 1")]
    shas["c3"] = repo.commit("Delete two", {"app.py": text(v3)}, date=day(20))
    # day 21: rename the file; nothing deleted
    repo.git("mv", "app.py", "main.py")
    shas["c4"] = repo.commit("Rename", {"logo.png": b"\x89PNG\x00\x01"}, date=day(21))
    # day 25: rewrite new_2 (age 20 days) across the rename; reindent base_5 (age 25 days)
    v5 = [
        "new_2 = 22" if line == "new_2 = 2" else "  base_5 = 5" if line == "base_5 = 5" else line
        for line in v3
    ]
    shas["c5"] = repo.commit("Rewrite after rename", {"main.py": text(v5)}, date=day(25))
    # day 60: delete base_4 (age 60 days: too old to count); vendored code is not counted
    v6 = [line for line in v5 if line != "base_4 = 4"]
    shas["c6"] = repo.commit(
        "Old delete, vendor", {"main.py": text(v6), "vendor/lib.js": text(["v"] * 50)}, date=day(60)
    )
    return shas


@pytest.mark.parametrize("method", ["tracking", "blame"])
def test_rewritten_and_surviving_lines_are_counted_exactly(
    repo: RepoBuilder, method: ChurnMethod
) -> None:
    shas = build_history(repo)
    rows, _ = repo_churn(repo.path, excluded=EXCLUDED, method=method)
    by_sha = {row.sha: row for row in rows}
    assert by_sha[shas["c1"]] == CommitChurn(shas["c1"], 10, 2, 4, 5)
    assert by_sha[shas["c2"]] == CommitChurn(shas["c2"], 5, 0, 2, 3)
    assert by_sha[shas["c3"]] == CommitChurn(shas["c3"], 0, 0, 0, 0)
    assert by_sha[shas["c4"]] == CommitChurn(shas["c4"], 0, 0, 0, 0)  # binary: no lines
    assert by_sha[shas["c5"]] == CommitChurn(shas["c5"], 2, 0, 0, 2)
    assert by_sha[shas["c6"]] == CommitChurn(shas["c6"], 0, 0, 0, 0)  # vendored lines excluded


@pytest.mark.parametrize("method", ["tracking", "blame"])
def test_a_sparse_history_is_counted_exactly(repo: RepoBuilder, method: ChurnMethod) -> None:
    # Nothing happens between day 0 and day 100, so blame's search edge (day 100 - 56)
    # has no commit to stop at: the count must still be exact.
    first = repo.commit("One", {"a.py": text(["a = 1", "b = 2"])}, date=day(0))
    second = repo.commit("Two", {"a.py": text(["a = 1", "b = 3"])}, date=day(100))
    third = repo.commit("Three", {"a.py": text(["a = 1", "b = 4"])}, date=day(110))
    rows = {row.sha: row for row in repo_churn(repo.path, method=method)[0]}
    assert rows[first] == CommitChurn(first, 2, 0, 0, 1)
    assert rows[second] == CommitChurn(second, 1, 1, 1, 0)
    assert rows[third] == CommitChurn(third, 1, 0, 0, 1)


@pytest.mark.parametrize("method", ["tracking", "blame"])
def test_on_first_parent_history_a_merges_lines_belong_to_the_merge(
    repo: RepoBuilder, method: ChurnMethod
) -> None:
    repo.commit("Base", {"a.py": "a = 1\n"}, date=day(0))
    repo.checkout("feature", create=True)
    feature = repo.commit("Feature", {"a.py": text(["a = 1", "f1", "f2", "f3"])}, date=day(1))
    repo.checkout("main")
    merge = repo.merge("feature", date=day(2))
    later = repo.commit("Drop f2", {"a.py": text(["a = 1", "f1", "f3"])}, date=day(3))
    first_parent = {
        row.sha: row for row in repo_churn(repo.path, first_parent=True, method=method)[0]
    }
    assert feature not in first_parent
    assert first_parent[merge] == CommitChurn(merge, 3, 1, 1, 2)
    full = {row.sha: row for row in repo_churn(repo.path, first_parent=False)[0]}
    assert full[feature] == CommitChurn(feature, 3, 1, 1, 2)
    assert full[merge] == CommitChurn(merge, 0, 0, 0, 0)
    assert later in full


def test_both_methods_agree_when_names_are_swapped_or_reused(repo: RepoBuilder) -> None:
    repo.commit("Files", {"a.py": text(["a1", "a2", "a3"]), "b.py": text(["b1"])}, date=day(0))
    repo.git("mv", "a.py", "tmp.py")
    repo.git("mv", "b.py", "a.py")
    repo.git("mv", "tmp.py", "b.py")
    repo.commit("Swap", {"c.py": "c\n"}, date=day(1))
    repo.git("mv", "c.py", "d.py")
    repo.commit(
        "Reuse a name", {"c.py": text(["new"]), "b.py": text(["a1", "A2", "a3"])}, date=day(2)
    )
    tracked = sorted(repo_churn(repo.path, method="tracking")[0], key=str)
    assert tracked == sorted(repo_churn(repo.path, method="blame")[0], key=str)
    assert sum(row.surviving_at_head for row in tracked) == 3 + 1 + 1 + 1  # every line at HEAD


def test_line_tracking_needs_no_blame_and_agrees_with_it(repo: RepoBuilder) -> None:
    build_history(repo)
    tracked, processes = repo_churn(repo.path, excluded=EXCLUDED)
    assert processes == 0
    blamed, _ = repo_churn(repo.path, excluded=EXCLUDED, method="blame")
    assert sorted(tracked, key=str) == sorted(blamed, key=str)


def test_one_blame_per_changed_file_per_commit_and_per_file_at_head(
    repo: RepoBuilder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_history(repo)
    trace = tmp_path / "trace.log"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    _, processes = repo_churn(repo.path, excluded=EXCLUDED, method="blame")
    blames = [line for line in trace.read_text().splitlines() if "built-in: git blame" in line]
    # deletions: c2, c3, c5, c6 each delete from one file; at HEAD: main.py only
    assert processes == len(blames) == 5


def test_compute_churn_fills_the_store_and_skips_repositories_already_done(
    store: Store, repo: RepoBuilder
) -> None:
    shas = build_history(repo)
    repo_id = record_repo(store, repo)
    summary = compute_churn(store, config=_config_excluding_vendor())
    assert (summary.repos, summary.commits) == (1, 6)
    row = store.query(
        "SELECT lines_added, rewritten_14d, rewritten_28d, surviving_at_head FROM commit_churn"
        " WHERE sha = ?",
        [shas["c1"]],
    )
    assert row == [(10, 2, 4, 5)]
    again = compute_churn(store, config=_config_excluding_vendor())
    assert (again.repos, again.up_to_date) == (0, (repo_id,))
    forced = compute_churn(store, force=True, config=_config_excluding_vendor())
    assert forced.repos == 1
    assert store.query("SELECT count(*) FROM commit_churn") == [(6,)]


def _config_excluding_vendor() -> Config:
    return Config(mining=MiningConfig(exclude=EXCLUDED))


def test_a_repository_rewritten_since_mining_is_a_clear_error(
    store: Store, repo: RepoBuilder
) -> None:
    repo.commit("One", {"a.py": "a = 1\n"}, date=day(0))
    repo.commit("Two", {"a.py": "a = 2\n"}, date=day(1))
    record_repo(store, repo)
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.git("reflog", "expire", "--expire=now", "--all")
    repo.git("gc", "-q", "--prune=now")
    with pytest.raises(
        LinkingError, match=r"cannot measure churn at the mined HEAD .* run `jevons mine"
    ):
        compute_churn(store, config=Config())
