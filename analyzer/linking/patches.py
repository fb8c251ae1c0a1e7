"""Zero-context patches (``git diff -U0``): which lines a commit deleted and added, per file.

SZZ needs the lines a fix deleted or changed (as line numbers in the fix's parent, which is
where they are blamed); churn needs every commit's deletions in one streaming pass over
history. Both read git's unified diff with no context lines, which states each hunk's line
counts exactly: the parser trusts those counts, never the look of a line, so a deleted line
reading ``-- a/x`` is never mistaken for a file header.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from analyzer.errors import GitCommandError
from analyzer.git.blame import run_git, unquote_path
from analyzer.git.runner import describe_failure, git_argv, git_environment

_PATCH_FLAGS = (
    "-U0",
    "-M",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--src-prefix=a/",
    "--dst-prefix=b/",
)
_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_COMMIT_MARK = b"\x00commit "


@dataclasses.dataclass(frozen=True)
class Hunk:
    """Lines ``old_start..`` (``old_count`` of them) became lines ``new_start..``.

    With ``old_count == 0`` nothing was deleted and ``old_start`` is the line after which
    the new lines were inserted (git's convention).
    """

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    deleted: tuple[str, ...]
    added: tuple[str, ...]

    @property
    def deleted_lines(self) -> range:
        return range(self.old_start, self.old_start + self.old_count)

    @property
    def added_lines(self) -> range:
        return range(self.new_start, self.new_start + self.new_count)


@dataclasses.dataclass(frozen=True)
class FilePatch:
    """One file's hunks; ``old_path`` is ``None`` for a new file, ``new_path`` for a deleted one."""

    old_path: str | None
    new_path: str | None
    hunks: tuple[Hunk, ...]

    @property
    def lines_deleted(self) -> int:
        return sum(h.old_count for h in self.hunks)

    @property
    def lines_added(self) -> int:
        return sum(h.new_count for h in self.hunks)


@dataclasses.dataclass(frozen=True)
class CommitPatch:
    """A commit's patch against its first parent (none for a root commit)."""

    sha: str
    parent: str | None
    committed_at: dt.datetime
    files: tuple[FilePatch, ...]


def commit_patch(
    repo: Path, parent: str | None, sha: str, *, ignore_whitespace: bool = False
) -> list[FilePatch]:
    """The patch from ``parent`` (the empty tree for a root commit) to ``sha``."""
    args = ["diff", *_PATCH_FLAGS]
    if ignore_whitespace:
        args.append("-w")
    args += [parent or _empty_tree(repo), sha]
    return list(parse_patch(iter(run_git(repo, args).split(b"\n"))))


def _empty_tree(repo: Path) -> str:
    return run_git(repo, ["hash-object", "-t", "tree", "--stdin"], stdin=b"").decode().strip()


def history_patches(repo: Path, *, rev: str = "HEAD", first_parent: bool) -> Iterator[CommitPatch]:
    """Every commit reachable from ``rev``, oldest first, with its patch, from one git process.

    On first-parent history a merge's patch against its first parent carries the merged work;
    on full history merges have no patch of their own (their branches' commits carry it).
    """
    args = ["log", "--reverse", "--format=%x00commit %H %P%x00%ct", *_PATCH_FLAGS, rev]
    if first_parent:
        args[1:1] = ["--first-parent", "--diff-merges=first-parent"]
    else:
        args[1:1] = ["--diff-merges=off"]
    with tempfile.TemporaryFile() as errors:  # a file, so a chatty git can never block
        process = subprocess.Popen(
            git_argv(repo, args),
            env=git_environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        assert process.stdout is not None
        try:
            yield from _split_commits(line.rstrip(b"\n") for line in process.stdout)
        finally:
            process.stdout.close()
            code = process.wait()
        errors.seek(0)
        stderr = errors.read()
    if code != 0:
        raise GitCommandError(describe_failure(repo, args, stderr))


def _split_commits(lines: Iterable[bytes]) -> Iterator[CommitPatch]:
    header: bytes | None = None
    body: list[bytes] = []
    for line in lines:
        # a content line starts with '-', '+' or '\\', so a NUL-led line is always a mark
        if line.startswith(_COMMIT_MARK):
            if header is not None:
                yield _commit_from(header, body)
            header, body = line, []
        else:
            body.append(line)
    if header is not None:
        yield _commit_from(header, body)


def _commit_from(header: bytes, body: list[bytes]) -> CommitPatch:
    ident, _, stamp = header[len(_COMMIT_MARK) :].partition(b"\x00")
    shas = ident.decode("ascii").split()
    return CommitPatch(
        sha=shas[0],
        parent=shas[1] if len(shas) > 1 else None,
        committed_at=dt.datetime.fromtimestamp(int(stamp), dt.UTC).replace(tzinfo=None),
        files=tuple(parse_patch(iter(body))),
    )


def parse_patch(lines: Iterator[bytes]) -> Iterator[FilePatch]:
    """Read a ``-U0`` patch, yielding each file that has hunks or was renamed (a binary
    file's change has no hunks and is left out)."""
    paths: dict[str, str | None] = {}
    hunks: list[Hunk] = []
    started = False
    for line in lines:
        if line.startswith(b"diff --git "):
            if started and (hunks or _renamed(paths)):
                yield FilePatch(paths.get("old"), paths.get("new"), tuple(hunks))
            started, paths, hunks = True, {}, []
        elif line.startswith(b"rename from "):
            paths["old"] = _patch_path(line[len(b"rename from ") :], b"")
        elif line.startswith(b"rename to "):
            paths["new"] = _patch_path(line[len(b"rename to ") :], b"")
        elif line.startswith(b"--- "):
            paths["old"] = _patch_path(line[4:], b"a/")
        elif line.startswith(b"+++ "):
            paths["new"] = _patch_path(line[4:], b"b/")
        elif line.startswith(b"@@ "):
            hunks.append(_read_hunk(line, lines))
    if started and (hunks or _renamed(paths)):
        yield FilePatch(paths.get("old"), paths.get("new"), tuple(hunks))


def _renamed(paths: dict[str, str | None]) -> bool:
    return paths.get("old") is not None and paths.get("new") not in (None, paths.get("old"))


def _patch_path(raw: bytes, prefix: bytes) -> str | None:
    # git appends a tab to a name containing a space, so that patch(1) can parse it
    text = raw.rstrip(b"\t")
    if text == b"/dev/null":
        return None
    name = unquote_path(text.decode("utf-8", errors="surrogateescape"))
    return name[len(prefix) :] if prefix and name.startswith(prefix.decode()) else name


def _read_hunk(header: bytes, lines: Iterator[bytes]) -> Hunk:
    match = _HUNK.match(header)
    if match is None:
        raise GitCommandError(f"unreadable hunk header in git diff output: {header!r}")
    old_start, new_start = int(match[1]), int(match[3])
    old_count = 1 if match[2] is None else int(match[2])
    new_count = 1 if match[4] is None else int(match[4])
    deleted: list[str] = []
    added: list[str] = []
    while len(deleted) < old_count or len(added) < new_count:
        line = next(lines)
        if line.startswith(b"-"):
            deleted.append(line[1:].decode("utf-8", errors="replace"))
        elif line.startswith(b"+"):
            added.append(line[1:].decode("utf-8", errors="replace"))
    return Hunk(old_start, old_count, new_start, new_count, tuple(deleted), tuple(added))
