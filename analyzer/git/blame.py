"""Line provenance with ``git blame --porcelain``: which commit last touched each line.

One ``git blame`` process per file and revision, never one per line: the lines wanted are
passed as ``-L`` ranges of the same process. Options map onto git's own flags: ``-w``
(ignore whitespace), ``-M``/``-C`` (follow lines moved within a file / copied from another
file of the same commit), ``--first-parent`` (a merge carries its branch's lines, as in
first-parent mining), ``--ignore-rev``/``--ignore-revs-file`` and ``--since`` (stop early:
older lines are blamed to a ``boundary`` commit). SZZ and churn both build on this module.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from analyzer.errors import GitCommandError
from analyzer.git.runner import describe_failure, git_argv, git_environment

#: Blame settings a user's configuration must not change under us (on top of the runner's):
#: a configured ignore-revs file (callers pass their own), marks on ignored lines.
_BLAME_OVERRIDES = (
    "-c",
    "blame.ignoreRevsFile=",
    "-c",
    "blame.markIgnoredLines=false",
    "-c",
    "blame.markUnblamableLines=false",
)


@dataclasses.dataclass(frozen=True)
class BlameOptions:
    """How ``git blame`` follows history; the defaults are plain blame."""

    ignore_whitespace: bool = False
    detect_moves: bool = False
    detect_copies: bool = False
    first_parent: bool = False
    ignore_revs: tuple[str, ...] = ()
    ignore_revs_file: Path | None = None
    since: dt.datetime | None = None

    def flags(self) -> list[str]:
        """The command-line flags these options stand for."""
        flags = ["--porcelain", "--root"]
        if self.ignore_whitespace:
            flags.append("-w")
        if self.detect_moves:
            flags.append("-M")
        if self.detect_copies:
            flags.append("-C")
        if self.first_parent:
            flags.append("--first-parent")
        for rev in self.ignore_revs:
            flags += ["--ignore-rev", rev]
        if self.ignore_revs_file is not None:
            flags += ["--ignore-revs-file", str(self.ignore_revs_file)]
        if self.since is not None:
            # git's raw "<epoch> <zone>" date format: never misread, unlike ISO variants
            epoch = int(self.since.replace(tzinfo=dt.UTC).timestamp())
            flags.append(f"--since={epoch} +0000")
        return flags


@dataclasses.dataclass(frozen=True)
class BlameCommit:
    """A commit that lines were blamed to; times are naive UTC, like the store's.

    ``boundary`` marks a commit at the edge of what was searched (``--since``, a shallow
    clone): its lines are older than it, not its own. ``previous`` is the commit and path
    the file had just before this commit, or ``None`` when this commit created the file.
    """

    sha: str
    author_time: dt.datetime
    committer_time: dt.datetime
    summary: str
    boundary: bool
    previous: tuple[str, str] | None


@dataclasses.dataclass(frozen=True)
class BlamedLine:
    """Line ``line`` of the blamed file came from line ``orig_line`` of ``orig_path`` in ``sha``."""

    line: int
    sha: str
    orig_path: str
    orig_line: int
    content: str


@dataclasses.dataclass(frozen=True)
class Blame:
    """The blame of some lines of ``path`` at ``rev``: each line, and the commits named."""

    rev: str
    path: str
    lines: dict[int, BlamedLine]
    commits: dict[str, BlameCommit]


@dataclasses.dataclass(frozen=True)
class BlameRequest:
    """Blame these ``lines`` (all lines if ``None``) of ``path`` at ``rev``; ``since``, if
    given, replaces the options' own for this request."""

    rev: str
    path: str
    lines: frozenset[int] | None = None
    since: dt.datetime | None = None


def run_git(repo: Path, args: Sequence[str], *, stdin: bytes | None = None) -> bytes:
    """Run one git command in ``repo`` (with ``stdin`` as its input) and return its output.

    A failure is a :class:`GitCommandError` naming the repository, the command and git's
    own complaint.
    """
    try:
        result = subprocess.run(
            git_argv(repo, [*_BLAME_OVERRIDES, *args]),
            input=stdin if stdin is not None else b"",
            capture_output=True,
            check=False,
            env=git_environment(),
        )
    except FileNotFoundError as exc:
        raise GitCommandError("git is not installed (or not on PATH); install git first") from exc
    if result.returncode != 0:
        raise GitCommandError(describe_failure(repo, args, result.stderr))
    return result.stdout


def line_ranges(lines: Iterable[int]) -> list[tuple[int, int]]:
    """Collapse line numbers into inclusive ``(start, end)`` ranges, in order."""
    ranges: list[tuple[int, int]] = []
    for number in sorted(set(lines)):
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], number)
        else:
            ranges.append((number, number))
    return ranges


def blame(
    repo: Path,
    rev: str,
    path: str,
    lines: Iterable[int] | None = None,
    options: BlameOptions | None = None,
) -> Blame:
    """Blame ``lines`` (default: all) of ``path`` as it is at ``rev``, in one git process."""
    # blame runs a repository's text conversion driver unless told not to: never run it
    args = ["--no-textconv", *(options or BlameOptions()).flags()]
    if lines is not None:
        ranges = line_ranges(lines)
        if not ranges:
            return Blame(rev=rev, path=path, lines={}, commits={})
        for start, end in ranges:
            args += ["-L", f"{start},{end}"]
    args += [rev, "--", path]
    return parse_porcelain(run_git(repo, ["blame", *args]), rev=rev, path=path)


def blame_many(
    repo: Path,
    requests: Sequence[BlameRequest],
    options: BlameOptions | None = None,
    *,
    workers: int | None = None,
) -> list[Blame]:
    """Blame several files, one process each, a few at a time; results in request order."""
    if not requests:
        return []

    base = options or BlameOptions()

    def run(request: BlameRequest) -> Blame:
        own = base if request.since is None else dataclasses.replace(base, since=request.since)
        return blame(repo, request.rev, request.path, request.lines, own)

    pool_size = max(1, min(workers or os.cpu_count() or 2, len(requests), 16))
    if pool_size == 1:
        return [run(r) for r in requests]
    with ThreadPoolExecutor(max_workers=pool_size) as pool:
        return list(pool.map(run, requests))


def parse_porcelain(output: bytes, *, rev: str, path: str) -> Blame:
    """Read ``git blame --porcelain`` output.

    Each group starts ``<sha> <orig line> <final line> [<count>]``; the first group of a
    commit carries its headers (author, times, ``previous``, ``filename``); every group
    ends with the line itself after a tab.
    """
    lines: dict[int, BlamedLine] = {}
    commits: dict[str, BlameCommit] = {}
    filenames: dict[str, str] = {}
    records = iter(output.split(b"\n"))
    for header in records:
        if not header:
            continue
        fields = header.decode("ascii").split(" ")
        sha, orig_line, final_line = fields[0], int(fields[1]), int(fields[2])
        headers, content = _read_group(records)
        if sha not in commits:
            commits[sha] = _commit_from_headers(sha, headers)
            filenames[sha] = unquote_path(headers.get("filename", path))
        elif "filename" in headers:
            filenames[sha] = unquote_path(headers["filename"])
        lines[final_line] = BlamedLine(
            line=final_line,
            sha=sha,
            orig_path=filenames[sha],
            orig_line=orig_line,
            content=content,
        )
    return Blame(rev=rev, path=path, lines=lines, commits=commits)


def _read_group(records: Iterator[bytes]) -> tuple[dict[str, str], str]:
    headers: dict[str, str] = {}
    for record in records:
        if record.startswith(b"\t"):
            return headers, record[1:].decode("utf-8", errors="replace")
        key, _, value = record.decode("utf-8", errors="replace").partition(" ")
        headers[key] = value
    raise GitCommandError("unexpected end of `git blame --porcelain` output")


def _commit_from_headers(sha: str, headers: dict[str, str]) -> BlameCommit:
    previous = None
    if "previous" in headers:
        prev_sha, _, prev_path = headers["previous"].partition(" ")
        previous = (prev_sha, unquote_path(prev_path))
    return BlameCommit(
        sha=sha,
        author_time=_utc(headers.get("author-time", "0")),
        committer_time=_utc(headers.get("committer-time", "0")),
        summary=headers.get("summary", ""),
        boundary="boundary" in headers,
        previous=previous,
    )


def _utc(epoch: str) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)


_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def unquote_path(text: str) -> str:
    """Undo git's C-style quoting of a path (``"a\\tb"``); unquoted paths pass through."""
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        return text
    body, out, i = text[1:-1], bytearray(), 0
    while i < len(body):
        char = body[i]
        if char != "\\" or i + 1 == len(body):
            out += char.encode("utf-8")
            i += 1
        elif body[i + 1] in _ESCAPES:
            out.append(_ESCAPES[body[i + 1]])
            i += 2
        else:  # three octal digits: one byte of a UTF-8 sequence
            out.append(int(body[i + 1 : i + 4], 8))
            i += 4
    return out.decode("utf-8", errors="replace")
