"""One streaming ``git log`` gives commits and file changes exactly as git counts them."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest

from analyzer.errors import RepositoryError
from analyzer.git.log import parse_log, read_commits
from analyzer.git.repository import list_commits, open_repository
from analyzer.mining import mine_repositories
from analyzer.models import Commit
from tests.support.mining_repos import build_polyglot_history, git_bytes, numstat_by_commit
from tests.support.repo_builder import RepoBuilder


def _read(repo: RepoBuilder, history: str = "first-parent") -> dict[str, Commit]:
    opened = open_repository(repo.path)
    shas = list_commits(opened, history)  # type: ignore[arg-type]
    return {c.sha: c for c in read_commits(opened.path, shas, history)}  # type: ignore[arg-type]


def test_line_counts_equal_git_log_first_parent_numstat_for_every_commit(
    repo: RepoBuilder,
) -> None:
    build_polyglot_history(repo)
    expected = numstat_by_commit(repo.path, "--first-parent", "-m")
    commits = _read(repo)
    assert set(commits) == set(expected)
    for sha, (added, deleted, files) in expected.items():
        commit = commits[sha]
        assert (commit.lines_added, commit.lines_deleted, len(commit.changes)) == (
            added,
            deleted,
            files,
        ), commit.message


def test_merge_commit_counts_lines_brought_in_by_merge(repo: RepoBuilder) -> None:
    repo.commit("base", {"a.py": "x = 1\n"})
    repo.checkout("topic", create=True)
    repo.commit("topic work", {"b.py": "y = 1\nz = 2\n"})
    repo.checkout("main")
    repo.commit("main work", {"a.py": "x = 2\n"})
    merge = repo.merge("topic")
    commit = _read(repo)[merge]
    assert commit.is_merge
    assert [(c.path, c.change_type, c.lines_added) for c in commit.changes] == [("b.py", "A", 2)]


def test_full_history_lists_branch_commits_and_does_not_diff_merges(repo: RepoBuilder) -> None:
    build_polyglot_history(repo)
    commits = _read(repo, "full")
    assert set(commits) == set(git_bytes(repo.path, "rev-list", "HEAD").decode().split())
    expected = numstat_by_commit(repo.path)  # plain git log: merges are not diffed
    for sha, commit in commits.items():
        added, deleted, files = expected.get(sha, (0, 0, 0))
        assert (commit.lines_added, commit.lines_deleted, len(commit.changes)) == (
            added,
            deleted,
            files,
        )
        if commit.is_merge:
            assert commit.changes == ()


def test_first_parent_history_skips_branch_commits(repo: RepoBuilder) -> None:
    build_polyglot_history(repo)
    first_parent = _read(repo)
    full = _read(repo, "full")
    assert set(first_parent) < set(full)
    assert {c.message for c in full.values()} - {c.message for c in first_parent.values()} == {
        "Add the C helper",
        "Label counts",
        "Handle a missing stop",
    }


def test_renames_binary_files_modes_and_links_are_recorded(repo: RepoBuilder) -> None:
    build_polyglot_history(repo)
    by_message = {c.message: c for c in _read(repo).values()}
    rename = by_message["Rename app to core, with a curve"].changes
    assert [(c.path, c.old_path, c.change_type) for c in rename] == [
        ("src/core.py", "src/app.py", "R")
    ]
    assert rename[0].old_blob and rename[0].new_blob and rename[0].old_blob != rename[0].new_blob
    logo = next(
        c for c in by_message["An odd file name and a new logo"].changes if "logo" in c.path
    )
    assert (logo.is_binary, logo.lines_added, logo.lines_deleted) == (True, 0, 0)
    link, chmod = sorted(
        by_message["Executable core and a link to it"].changes, key=lambda c: c.path
    )
    assert (link.path, link.change_type, link.new_mode) == ("link.py", "A", stat.S_IFLNK | 0o000)
    assert (chmod.path, chmod.old_mode, chmod.new_mode) == ("src/core.py", 0o100644, 0o100755)
    assert chmod.old_blob == chmod.new_blob
    added = by_message["Start: Python and JavaScript"].changes
    assert all(c.change_type == "A" and c.old_blob is None for c in added)
    dropped = by_message["Drop the web client"].changes
    assert [(c.path, c.change_type, c.new_blob) for c in dropped] == [("web/app.js", "D", None)]


def test_path_with_newline_and_non_utf8_byte_survives_readably(repo: RepoBuilder) -> None:
    build_polyglot_history(repo)
    paths = {c.path for commit in _read(repo).values() for c in commit.changes}
    assert "docs/we\nird\\xff.py" in paths
    raw = git_bytes(repo.path, "ls-tree", "-r", "-z", "--name-only", "HEAD").split(b"\0")
    assert b"docs/we\nird\xff.py" in raw


def test_identities_dates_and_offsets_are_read_as_committed(repo: RepoBuilder) -> None:
    when = dt.datetime(2024, 3, 5, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))
    sha = repo.commit(
        "Subject line\n\nBody with ünïcode\n\nCo-authored-by: Bot <bot@example.com>",
        {"a.txt": "a\n"},
        author=("Zoë Example", "zoe@example.com"),
        committer=("Cy Example", "cy@example.com"),
        date=when,
    )
    commit = _read(repo)[sha]
    assert (commit.author_name, commit.author_email) == ("Zoë Example", "zoe@example.com")
    assert (commit.committer_name, commit.committer_email) == ("Cy Example", "cy@example.com")
    assert commit.authored_at == when.astimezone(dt.UTC)
    assert commit.authored_at.tzinfo is not None
    assert commit.author_tz_minutes == 330
    assert commit.message.endswith("Co-authored-by: Bot <bot@example.com>")
    assert commit.subject == "Subject line"
    assert commit.parents == ()


def test_non_utf8_author_and_message_bytes_are_kept_readable(repo: RepoBuilder) -> None:
    repo.commit("first", {"a.txt": "a\n"})
    tree = repo.git("write-tree")
    message = b"caf\xe9 latin-1 message\n"
    sha = repo.git(
        "commit-tree",
        tree,
        "-p",
        "HEAD",
        input=message,
        env={"GIT_AUTHOR_NAME": "Jos\xe9".encode("latin-1").decode("utf-8", "surrogateescape")},
    )
    repo.git("update-ref", "refs/heads/main", sha)
    commit = _read(repo)[sha]
    # git itself may re-encode a message that is not UTF-8 (as Latin-1); either way the
    # text is readable and nothing is replaced by U+FFFD
    assert commit.message in ("caf\\xe9 latin-1 message", "café latin-1 message")
    assert commit.author_name in ("Jos\\xe9", "José")
    assert "\ufffd" not in commit.message + commit.author_name


def test_commits_come_in_the_order_asked_for(repo: RepoBuilder) -> None:
    shas = [repo.commit(f"c{i}", {"f.txt": f"{i}\n"}) for i in range(4)]
    order = [shas[2], shas[0], shas[3]]
    assert [c.sha for c in read_commits(repo.path, order, "first-parent")] == order


def test_parser_rejects_output_it_does_not_understand() -> None:
    from analyzer.errors import GitCommandError

    with pytest.raises(GitCommandError, match="unexpected git log output"):
        list(parse_log(iter([b"not a commit"])))


def test_a_missing_blob_is_named_as_the_cause(repo: RepoBuilder, tmp_path: Path) -> None:
    # A mirror without its large files, or a damaged clone: git cannot count the lines
    # of a blob it does not have, and stops. The error says so and what to do.
    repo.commit("one", {"a.py": "a = 1\n"})
    repo.commit("two", {"a.py": "a = 2\n", "big.bin": b"\0" * 100})
    blob = git_bytes(repo.path, "rev-parse", "HEAD:big.bin").decode().strip()
    (repo.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    with pytest.raises(RepositoryError) as caught:
        mine_repositories([repo.path], db=tmp_path / "s.duckdb", workers=1)
    message = str(caught.value)
    assert f"the repository lacks an object git needs (fatal: unable to read {blob})" in message
    assert "`git fsck` lists what is missing" in message
