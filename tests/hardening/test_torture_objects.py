"""Torture: repositories that make git show other objects than the ones named. ``git
replace`` refs and a grafts file: the store stays true to each SHA, so the blob metrics
every repository shares by SHA cannot be poisoned by one repository's replacements."""

from __future__ import annotations

from pathlib import Path

from analyzer.metrics import analyze_blob
from tests.support.repo_builder import RepoBuilder
from tests.support.torture_repos import git_numstat, git_raw, mine, query, stored_numstat

HONEST = "def honest(x):\n    return x\n"
SWAPPED = "def swapped(x):\n" + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(9))


def test_a_replaced_blob_is_measured_as_its_own_content(tmp_path: Path) -> None:
    """Repository A replaces a blob with other content; repository B has the same blob
    for real. Both in one store: the blob's metrics are its own, whichever came first."""
    first = RepoBuilder(tmp_path / "a")
    first.commit("honest", {"m.py": HONEST})
    blob = git_raw(first.path, "rev-parse", "HEAD:m.py").decode().strip()
    other = git_raw(first.path, "hash-object", "-w", "--stdin", stdin=SWAPPED.encode())
    git_raw(first.path, "replace", blob, other.decode().strip())
    assert git_raw(first.path, "cat-file", "-p", blob).decode() == SWAPPED  # git shows the swap
    second = RepoBuilder(tmp_path / "b")
    second.commit("honest too", {"m.py": HONEST})
    db = tmp_path / "s.duckdb"

    mine(first.path, db)
    mine(second.path, db)

    expected = analyze_blob(blob, "m.py", HONEST.encode())
    assert query(db, "SELECT ccn_total, nloc, function_count FROM blob_metrics") == [
        (expected.ccn_total, expected.nloc, expected.function_count)
    ]
    assert query(db, "SELECT repo_id, ccn_delta FROM commits ORDER BY repo_id") == [
        ("a", 1),
        ("b", 1),
    ]


def test_a_replaced_commit_is_mined_as_the_commit_itself(repo: RepoBuilder, tmp_path: Path) -> None:
    root = repo.commit("root", {"a.py": HONEST})
    middle = repo.commit("middle", {"b.py": HONEST})
    tip = repo.commit("tip", {"c.py": HONEST})
    git_raw(repo.path, "replace", "--graft", tip, root)  # git log now skips 'middle'
    assert git_raw(repo.path, "rev-list", "HEAD").decode().split() == [tip, root]
    db = tmp_path / "s.duckdb"

    summary = mine(repo.path, db)

    assert summary.commits == 3
    assert dict(query(db, "SELECT sha, parents FROM commits")) == {
        root: [],
        middle: [root],
        tip: [middle],
    }
    assert query(db, "SELECT lines_added FROM commits WHERE sha = ?", [tip]) == [(2,)]


def test_a_grafts_file_is_followed_as_git_follows_it(repo: RepoBuilder, tmp_path: Path) -> None:
    """The deprecated ``info/grafts`` (git prints hints about it on stderr): the miner's
    history and figures are git's own."""
    root = repo.commit("root", {"a.py": HONEST})
    repo.commit("middle", {"b.py": HONEST})
    tip = repo.commit("tip", {"c.py": HONEST})
    (repo.path / ".git" / "info" / "grafts").write_text(f"{tip} {root}\n")
    db = tmp_path / "s.duckdb"

    summary = mine(repo.path, db)

    shown = git_raw(repo.path, "rev-list", "--first-parent", "HEAD").decode().split()
    assert summary.commits == len(shown) == 2
    assert stored_numstat(db, summary.repo_id) == git_numstat(repo.path, "first-parent")
    assert query(db, "SELECT parents FROM commits WHERE sha = ?", [tip]) == [([root],)]
