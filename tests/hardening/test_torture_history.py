"""Torture: history shapes. Octopus, orphan and criss-cross merges, empty commits, dates in
1970 and in the future with committer dates out of order, a default branch not called
``main``: each mines, and every figure equals git's own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.support.repo_builder import RepoBuilder
from tests.support.torture_repos import (
    build_merge_shapes,
    data,
    fast_import,
    git_numstat,
    git_raw,
    mine,
    query,
    rev_list,
    stored_numstat,
)


@pytest.fixture(scope="module")
def merge_shapes(tmp_path_factory: pytest.TempPathFactory) -> tuple[RepoBuilder, dict[str, str]]:
    repo = RepoBuilder(tmp_path_factory.mktemp("shapes") / "repo")
    return repo, build_merge_shapes(repo)


@pytest.mark.parametrize("history", ["first-parent", "full"])
def test_merge_shapes_store_every_commit_with_git_numstat(
    merge_shapes: tuple[RepoBuilder, dict[str, str]], tmp_path: Path, history: str
) -> None:
    repo, _ = merge_shapes
    db = tmp_path / "s.duckdb"
    summary = mine(repo.path, db, history=history)

    walk = ["--first-parent"] if history == "first-parent" else []
    assert summary.commits == len(rev_list(repo.path, *walk))
    assert stored_numstat(db, summary.repo_id) == git_numstat(repo.path, history)


def test_octopus_merge_keeps_all_parents_and_counts_the_merged_work(
    merge_shapes: tuple[RepoBuilder, dict[str, str]], tmp_path: Path
) -> None:
    repo, shas = merge_shapes
    db = tmp_path / "s.duckdb"
    mine(repo.path, db)

    ((parents, is_merge, added, files),) = query(
        db,
        "SELECT parents, is_merge, lines_added, files_changed FROM commits WHERE sha = ?",
        [shas["octopus"]],
    )
    assert len(parents) == 4 and is_merge
    assert (added, files) == (6, 3)  # left.py, middle.py, right.py: two lines each
    changed = query(db, "SELECT path FROM file_changes WHERE sha = ?", [shas["octopus"]])
    paths = {path for (path,) in changed}
    assert paths == {"left.py", "middle.py", "right.py"}


def test_orphan_history_merged_in_is_mined_from_its_own_root(
    merge_shapes: tuple[RepoBuilder, dict[str, str]], tmp_path: Path
) -> None:
    repo, shas = merge_shapes
    db = tmp_path / "s.duckdb"
    mine(repo.path, db, history="full")

    roots = {sha for (sha,) in query(db, "SELECT sha FROM commits WHERE len(parents) = 0")}
    assert roots == set(rev_list(repo.path, "--max-parents=0"))
    assert len(roots) == 2 and shas["orphan_root"] in roots
    ((added,),) = query(db, "SELECT lines_added FROM commits WHERE sha = ?", [shas["orphan_root"]])
    assert added == 3


def test_full_history_orders_parents_before_children_in_criss_cross_merges(
    merge_shapes: tuple[RepoBuilder, dict[str, str]], tmp_path: Path
) -> None:
    repo, shas = merge_shapes
    db = tmp_path / "s.duckdb"
    mine(repo.path, db, history="full")

    seq = dict(query(db, "SELECT sha, history_seq FROM commits"))
    for sha, parents in query(db, "SELECT sha, parents FROM commits"):
        for parent in parents:  # type: ignore[union-attr]
            assert seq[parent] < seq[sha]
    merge_bases = git_raw(
        repo.path, "merge-base", "--all", f"{shas['criss_cross']}^1", f"{shas['criss_cross']}^2"
    ).split()
    assert len(merge_bases) == 2  # the history really is criss-crossed


def test_empty_commits_are_stored_with_nothing_changed(
    merge_shapes: tuple[RepoBuilder, dict[str, str]], tmp_path: Path
) -> None:
    repo, shas = merge_shapes
    db = tmp_path / "s.duckdb"
    mine(repo.path, db, history="full")

    rows = query(
        db,
        "SELECT sha, lines_added, lines_deleted, files_changed, ccn_delta FROM commits "
        "WHERE message IN ('nothing changed', 'empty on a branch')",
    )
    assert len(rows) == 2
    assert all(row[1:] == (0, 0, 0, 0) for row in rows)
    assert query(db, "SELECT count(*) FROM file_changes WHERE sha = ?", [shas["empty"]]) == [(0,)]


def _date_history(path: Path) -> list[str]:
    """Commits dated at the epoch, in 2100 at +14:00, in 9999 at -12:00, then a child whose
    committer date is earlier than its parent's; returns the SHAs oldest first."""
    path.mkdir(parents=True)
    git_raw(path, "init", "-q", "-b", "main")
    stamps = [
        ("0 +0000", "0 +0000"),
        ("4102444800 +1400", "4102444800 +1400"),
        ("253402300799 -1200", "253402300799 -1200"),
        ("1000000000 +0530", "86400 -0100"),  # committed "before" all of the above
    ]
    stream = b""
    for i, (authored, committed) in enumerate(stamps):
        body = f"def f{i}(x):\n    if x:\n        return {i}\n    return 0\n".encode()
        stream += (
            b"commit refs/heads/main\n"
            + f"author Ada <ada@example.com> {authored}\n".encode()
            + f"committer Ada <ada@example.com> {committed}\n".encode()
            + data(f"commit {i}".encode())
            + b"M 644 inline f.py\n"
            + data(body)
        )
    fast_import(path, stream)
    return list(reversed(rev_list(path)))


def test_dates_at_the_epoch_far_future_and_out_of_order_are_stored_exactly(
    tmp_path: Path,
) -> None:
    path = tmp_path / "dates"
    shas = _date_history(path)
    db = tmp_path / "s.duckdb"
    mine(path, db)

    rows = {
        sha: (authored, author_tz, committed, committer_tz, seq)
        for sha, authored, author_tz, committed, committer_tz, seq in query(
            db,
            "SELECT sha, authored_at, author_tz_minutes, committed_at, committer_tz_minutes, "
            "history_seq FROM commits",
        )
    }
    assert rows[shas[0]][:4] == (dt.datetime(1970, 1, 1), 0, dt.datetime(1970, 1, 1), 0)
    assert rows[shas[1]][:2] == (dt.datetime(2100, 1, 1), 14 * 60)
    assert rows[shas[2]][:2] == (dt.datetime(9999, 12, 31, 23, 59, 59), -12 * 60)
    assert rows[shas[3]][:4] == (
        dt.datetime(2001, 9, 9, 1, 46, 40),
        330,
        dt.datetime(1970, 1, 2),
        -60,
    )
    # history order is the graph's, never the dates'
    assert [rows[sha][4] for sha in shas] == sorted(rows[sha][4] for sha in shas)
    assert stored_numstat(db, "dates") == git_numstat(path, "first-parent")


def test_a_commit_whose_dates_git_cannot_read_does_not_stop_the_repository(
    tmp_path: Path,
) -> None:
    path = tmp_path / "baddates"
    shas = _date_history(path)
    tree = git_raw(path, "rev-parse", "HEAD^{tree}").decode().strip()
    broken = (
        f"tree {tree}\nparent {shas[-1]}\n"
        "author Ada <ada@example.com> 999999999999 +0000\n"  # the year 33658
        "committer Ada <ada@example.com> notadate +0000\n\nclock gone wrong\n"
    ).encode()
    sha = git_raw(path, "hash-object", "-t", "commit", "-w", "--literally", "--stdin", stdin=broken)
    git_raw(path, "update-ref", "refs/heads/main", sha.decode().strip())
    db = tmp_path / "s.duckdb"

    summary = mine(path, db)

    assert summary.commits == 5
    ((authored, committed),) = query(
        db, "SELECT authored_at, committed_at FROM commits WHERE message = 'clock gone wrong'"
    )
    # as git itself shows a date it cannot read: at the epoch
    assert (authored, committed) == (dt.datetime(1970, 1, 1), dt.datetime(1970, 1, 1))


def test_default_branch_not_called_main_is_the_history_mined(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "trunky", branch="trunk")
    repo.commit("one", {"a.py": "def a():\n    return 1\n"})
    repo.checkout("main", create=True)
    repo.commit("elsewhere", {"b.py": "def b():\n    return 2\n"})
    repo.checkout("trunk")
    tip = repo.commit("two", {"a.py": "def a():\n    return 2\n"})
    db = tmp_path / "s.duckdb"

    summary = mine(repo.path, db)

    assert summary.commits == 2
    assert query(db, "SELECT default_branch, head_sha FROM repos") == [("trunk", tip)]
    assert {m for (m,) in query(db, "SELECT message FROM commits")} == {"one", "two"}
