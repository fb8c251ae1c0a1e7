"""``git blame --porcelain`` and ``git diff -U0`` read from real repositories."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analyzer.errors import GitCommandError
from analyzer.git.blame import BlameOptions, blame, line_ranges, unquote_path
from analyzer.linking.patches import commit_patch, history_patches
from tests.support.repo_builder import RepoBuilder


def test_blame_names_each_lines_commit_original_line_and_content(repo: RepoBuilder) -> None:
    first = repo.commit("One", {"app.py": "a = 1\nb = 2\nc = 3\n"})
    second = repo.commit("Two", {"app.py": "a = 1\nb = 20\nc = 3\nd = 4\n"})
    result = blame(repo.path, "HEAD", "app.py")
    assert {n: (line.sha, line.orig_line, line.content) for n, line in result.lines.items()} == {
        1: (first, 1, "a = 1"),
        2: (second, 2, "b = 20"),
        3: (first, 3, "c = 3"),
        4: (second, 4, "d = 4"),
    }
    assert result.commits[first].previous is None
    assert result.commits[second].previous == (first, "app.py")
    assert result.commits[second].committer_time == dt.datetime(2024, 1, 1, 11, 0)
    assert not result.commits[first].boundary


def test_blame_of_some_lines_reads_only_those(repo: RepoBuilder) -> None:
    repo.commit("One", {"app.py": "".join(f"x{n} = {n}\n" for n in range(1, 11))})
    result = blame(repo.path, "HEAD", "app.py", [2, 3, 4, 9])
    assert sorted(result.lines) == [2, 3, 4, 9]
    assert line_ranges([9, 2, 3, 4, 4]) == [(2, 4), (9, 9)]


def test_blame_follows_a_renamed_file_to_its_old_path(repo: RepoBuilder) -> None:
    first = repo.commit("One", {"old name.py": "a = 1\n"})
    repo.git("mv", "old name.py", "new\tname ü.py")
    repo.commit("Rename", {"other.py": "b = 2\n"})
    result = blame(repo.path, "HEAD", "new\tname ü.py")
    assert (result.lines[1].sha, result.lines[1].orig_path) == (first, "old name.py")


def test_since_blames_older_lines_to_a_boundary_commit(repo: RepoBuilder) -> None:
    repo.commit("Old", {"app.py": "a = 1\nb = 2\n"}, date=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    recent = repo.commit(
        "New", {"app.py": "a = 1\nb = 3\n"}, date=dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    )
    result = blame(repo.path, "HEAD", "app.py", options=BlameOptions(since=dt.datetime(2024, 2, 1)))
    assert result.lines[2].sha == recent and not result.commits[recent].boundary
    assert result.commits[result.lines[1].sha].boundary


def test_first_parent_blames_a_branchs_lines_to_the_merge(repo: RepoBuilder) -> None:
    repo.commit("Base", {"app.py": "a = 1\n"})
    repo.checkout("feature", create=True)
    feature = repo.commit("Feature", {"app.py": "a = 1\nb = 2\n"})
    repo.checkout("main")
    repo.commit("Main work", {"other.py": "c = 3\n"})
    merge = repo.merge("feature")
    assert blame(repo.path, "HEAD", "app.py", [2]).lines[2].sha == feature
    options = BlameOptions(first_parent=True)
    assert blame(repo.path, "HEAD", "app.py", [2], options).lines[2].sha == merge


def test_whitespace_option_looks_through_reindentation(repo: RepoBuilder) -> None:
    first = repo.commit("One", {"app.py": "if x:\n  y()\n"})
    second = repo.commit("Indent", {"app.py": "if x:\n    y()\n"})
    assert blame(repo.path, "HEAD", "app.py", [2]).lines[2].sha == second
    options = BlameOptions(ignore_whitespace=True)
    assert blame(repo.path, "HEAD", "app.py", [2], options).lines[2].sha == first


def test_blame_of_a_missing_file_is_a_git_error_naming_the_repository(repo: RepoBuilder) -> None:
    repo.commit("One", {"app.py": "a = 1\n"})
    with pytest.raises(GitCommandError, match=r"git blame failed: .*nope\.py"):
        blame(repo.path, "HEAD", "nope.py")


@pytest.mark.parametrize(
    ("quoted", "plain"),
    [
        ("plain.py", "plain.py"),
        ('"tab\\there.py"', "tab\there.py"),
        ('"quote\\"d.py"', 'quote"d.py'),
        ('"\\303\\274ber.py"', "über.py"),
    ],
)
def test_git_quoted_paths_are_unquoted(quoted: str, plain: str) -> None:
    assert unquote_path(quoted) == plain


def test_patch_hunks_give_deleted_lines_in_the_parent_and_added_in_the_child(
    repo: RepoBuilder,
) -> None:
    repo.commit("One", {"app.py": "a\nb\nc\nd\n"})
    sha = repo.commit("Two", {"app.py": "a\nB\nc\nd\ne\n"})
    (patch,) = commit_patch(repo.path, f"{sha}^", sha)
    assert (patch.old_path, patch.new_path) == ("app.py", "app.py")
    assert [
        (list(h.deleted_lines), h.deleted, list(h.added_lines), h.added) for h in patch.hunks
    ] == [
        ([2], ("b",), [2], ("B",)),
        ([], (), [5], ("e",)),
    ]


def test_patch_parser_trusts_hunk_counts_not_how_lines_look(repo: RepoBuilder) -> None:
    tricky = "-- a/x\n++ b/y\n@@ -1 +1 @@\ndiff --git a/q b/q\n"
    repo.commit("One", {"weird.txt": tricky, "second file.txt": "one\n"})
    sha = repo.commit("Two", {"weird.txt": "plain\n", "second file.txt": "two\n"})
    patches = {p.new_path: p for p in commit_patch(repo.path, f"{sha}^", sha)}
    assert set(patches) == {"weird.txt", "second file.txt"}
    assert patches["weird.txt"].hunks[0].deleted == tuple(tricky.splitlines())
    assert patches["second file.txt"].lines_deleted == 1


def test_whitespace_only_changes_vanish_from_an_ignore_whitespace_patch(repo: RepoBuilder) -> None:
    repo.commit("One", {"app.py": "x = 1\ny = 2\n"})
    sha = repo.commit("Two", {"app.py": "x  =  1\ny = 3\n"})
    (patch,) = commit_patch(repo.path, f"{sha}^", sha, ignore_whitespace=True)
    assert [list(h.deleted_lines) for h in patch.hunks] == [[2]]


def test_history_patches_stream_every_commit_oldest_first(repo: RepoBuilder) -> None:
    first = repo.commit("One", {"a.py": "a\n", "img.bin": b"\x00\x01"})
    repo.git("mv", "a.py", "b.py")
    second = repo.commit("Move and edit", {"b.py": "a\nb\n"})
    third = repo.commit("Delete", {"b.py": None})
    stream = list(history_patches(repo.path, first_parent=True))
    assert [(c.sha, c.parent) for c in stream] == [(first, None), (second, first), (third, second)]
    assert [(f.old_path, f.new_path, f.lines_added) for f in stream[0].files] == [(None, "a.py", 1)]
    assert [(f.old_path, f.new_path) for f in stream[1].files] == [("a.py", "b.py")]
    assert [(f.old_path, f.new_path, f.lines_deleted) for f in stream[2].files] == [
        ("b.py", None, 2)
    ]
    assert stream[0].committed_at == dt.datetime(2024, 1, 1, 10, 0)


def test_an_ignore_revs_file_makes_blame_look_through_its_commits(
    repo: RepoBuilder, tmp_path: Path
) -> None:
    first = repo.commit("One", {"app.py": "total = 1\n"})
    rename = repo.commit("Rename", {"app.py": "grand_total = 1\n"})
    assert blame(repo.path, "HEAD", "app.py").lines[1].sha == rename
    revs = tmp_path / "ignore-revs"
    revs.write_text(f"# bulk renames\n{rename}\n")
    options = BlameOptions(ignore_revs_file=revs)
    assert blame(repo.path, "HEAD", "app.py", options=options).lines[1].sha == first
    assert (
        blame(repo.path, "HEAD", "app.py", options=BlameOptions(ignore_revs=(rename,))).lines[1].sha
        == first
    )
