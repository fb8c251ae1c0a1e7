"""Commits and their file changes from ONE streaming ``git log`` per repository.

The miner lists the commits it wants (``git rev-list``), leaves out those the store
already holds, and hands the rest to a single ``git log --no-walk=unsorted --stdin``,
which prints them in the order given. Output is ``-z`` (NUL-terminated fields), raw diff
plus numstat, full SHAs, renames detected (``-M``), root commits diffed against the empty
tree. ``first-parent`` history diffs a merge against its first parent (so the work a merge
brings in is counted); ``full`` history does not diff merges at all, as ``git log`` does.
External diff drivers and text conversion filters are off: nothing from the repository runs.

Text: git stores bytes. Paths, names and messages are decoded as UTF-8 with
``errors="backslashreplace"``, so a byte that is not UTF-8 becomes the four characters
``\\xff``: readable, stable, and distinct from every valid UTF-8 path (unless a path
spells out that very escape sequence, which we accept). Commit messages that declare
another encoding are re-encoded to UTF-8 by git itself.

The parser is structural: a commit starts with a marker token followed by a fixed number
of header fields; raw entries start with ``:`` and say how many path tokens follow;
numstat entries are ``added<TAB>deleted<TAB>path`` (or an empty path and two path tokens
for a rename). A path may hold any byte but NUL, newlines and tabs included.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, NamedTuple

from analyzer.config import HistoryMode
from analyzer.errors import GitCommandError
from analyzer.git.runner import describe_failure, git_argv, git_environment, run_git
from analyzer.models import ChangeType, Commit, FileChange

_MARKER = b"\x01JVN"
#: hash, parents, author name/email/date, committer name/email/date, raw body
LOG_FORMAT = "%x01JVN%x00%H%x00%P%x00%an%x00%ae%x00%ad%x00%cn%x00%ce%x00%cd%x00%B"
_HEADER_FIELDS = 9
_CHUNK_BYTES = 1 << 20
#: How much of git's stderr an error quotes from (it names each object it could not read).
_STDERR_SHOWN = 1 << 16
_CHANGE_TYPES: dict[bytes, ChangeType] = {
    b"A": "A",
    b"M": "M",
    b"D": "D",
    b"R": "R",
    b"T": "M",  # type change (file <-> symlink <-> submodule): a modification of the path
    b"C": "A",  # a copy is a new file (only with -C, which the miner does not ask for)
}


class _RawEntry(NamedTuple):
    old_mode: int
    new_mode: int
    old_sha: bytes
    new_sha: bytes
    status: bytes
    old_path: bytes | None
    path: bytes


class _NumstatEntry(NamedTuple):
    added: int
    deleted: int
    is_binary: bool
    path: bytes


def log_arguments(history: HistoryMode) -> list[str]:
    """The ``git log`` arguments the miner reads history with (SHAs come on stdin)."""
    merges = "--diff-merges=first-parent" if history == "first-parent" else "--diff-merges=off"
    return [
        "log",
        "--no-walk=unsorted",
        "--stdin",
        "-z",
        "--raw",
        "--numstat",
        "--no-abbrev",
        "-M",
        "--root",
        merges,
        "--no-ext-diff",
        "--no-textconv",
        "--no-color",
        "--no-show-signature",
        "--date=raw",
        f"--format={LOG_FORMAT}",
    ]


def graph_arguments() -> list[str]:
    """The ``git log`` arguments of a graph read: every commit reachable from the revisions
    given on stdin, identities, parents and message only (no diff at all, so it is cheap)."""
    return [
        "log",
        "--stdin",
        "-z",
        "--no-color",
        "--no-show-signature",
        "--date=raw",
        f"--format={LOG_FORMAT}",
    ]


def read_commits(repo_dir: Path, shas: Sequence[str], history: HistoryMode) -> Iterator[Commit]:
    """Stream the commits ``shas`` (in that order) with their file changes."""
    return _stream_log(repo_dir, log_arguments(history), shas)


def read_graph(repo_dir: Path, head: str) -> Iterator[Commit]:
    """Stream every commit reachable from ``head`` (all parents, newest first), without
    file changes: the graph that says which commits a merge brought in."""
    return _stream_log(repo_dir, graph_arguments(), [head])


def _stream_log(repo_dir: Path, args: list[str], revisions: Sequence[str]) -> Iterator[Commit]:
    """Run ``git log args`` with ``revisions`` on stdin and parse its commits as they come."""
    if not revisions:
        return
    argv = git_argv(repo_dir, args)
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=git_environment(),
        )
        try:
            assert proc.stdin is not None and proc.stdout is not None
            with contextlib.suppress(BrokenPipeError):  # git died early: its stderr says why
                proc.stdin.write("\n".join(revisions).encode("ascii") + b"\n")
                proc.stdin.close()
            try:
                yield from parse_log(_tokens(proc.stdout))
            except GitCommandError as exc:  # git's stderr usually says why its output was off
                raise GitCommandError(_with_gits_words(str(exc), stderr)) from exc
            if proc.wait() != 0:
                stderr.seek(0)
                raise GitCommandError(describe_failure(repo_dir, ["log"], stderr.read()))
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()


def _with_gits_words(message: str, stderr: IO[bytes]) -> str:
    """``message`` with what git wrote on ``stderr`` so far; objects git could not read
    (a damaged clone, or a partial one that cannot fetch) are named as the cause."""
    stderr.seek(0)
    said = stderr.read(_STDERR_SHOWN).decode("utf-8", "backslashreplace").splitlines()
    lines = [line.strip() for line in said if line.strip()]
    unreadable = next((line for line in lines if "unable to read" in line), None)
    if unreadable:
        return (
            f"{message}: the repository lacks an object git needs ({unreadable}). "
            "`git fsck` lists what is missing; fetch it again or mine a complete clone"
        )
    return f"{message}; git said: {lines[-1]}" if lines else message


def read_tree_diff(repo_dir: Path, old: str, new: str) -> tuple[FileChange, ...]:
    """The file changes from commit ``old``'s tree to commit ``new``'s (a pull request's
    whole diff), parsed as a commit's changes are: same renames, numstat and safety."""
    args = [
        "diff-tree",
        "-r",
        "-z",
        "--raw",
        "--numstat",
        "--no-abbrev",
        "-M",
        "--no-ext-diff",
        "--no-textconv",
        "--no-color",
        old,
        new,
        "--",
    ]
    tokens = iter(run_git(repo_dir, args).stdout.split(b"\0"))
    raws: list[_RawEntry] = []
    stats: list[_NumstatEntry] = []
    for token in tokens:
        _read_entry(token.lstrip(b"\n"), tokens, raws, stats)
    return _commit_changes(f"{old}..{new}", raws, stats)


def _tokens(stream: IO[bytes]) -> Iterator[bytes]:
    """NUL-separated tokens, as soon as each is complete in the pipe."""
    pending = b""
    read = getattr(stream, "read1", stream.read)
    while chunk := read(_CHUNK_BYTES):
        parts = (pending + chunk).split(b"\0")
        pending = parts.pop()
        yield from parts
    if pending:
        yield pending


def parse_log(tokens: Iterable[bytes]) -> Iterator[Commit]:
    """Commits from the NUL-separated tokens of ``git log`` in :func:`log_arguments` form."""
    stream = iter(tokens)
    token = next(stream, None)
    while token is not None:
        if token != _MARKER:
            raise GitCommandError(f"unexpected git log output: {token[:80]!r}")
        header = [next(stream, b"") for _ in range(_HEADER_FIELDS)]
        raws: list[_RawEntry] = []
        stats: list[_NumstatEntry] = []
        token = next(stream, None)
        while token is not None and token != _MARKER:
            _read_entry(token.lstrip(b"\n"), stream, raws, stats)
            token = next(stream, None)
        yield _commit(header, raws, stats)


def _read_entry(
    entry: bytes, stream: Iterator[bytes], raws: list[_RawEntry], stats: list[_NumstatEntry]
) -> None:
    if not entry:
        return
    if entry.startswith(b":"):
        modes_and_shas = entry[1:].split(b" ")
        if len(modes_and_shas) != 5:
            raise GitCommandError(f"unexpected git log raw line: {entry[:120]!r}")
        old_mode, new_mode, old_sha, new_sha, status = modes_and_shas
        two_paths = status[:1] in (b"R", b"C")
        old_path = next(stream, b"") if two_paths else None
        raws.append(
            _RawEntry(
                int(old_mode, 8),
                int(new_mode, 8),
                old_sha,
                new_sha,
                status,
                old_path,
                next(stream, b""),
            )
        )
        return
    fields = entry.split(b"\t", 2)
    if len(fields) != 3:
        raise GitCommandError(f"unexpected git log numstat line: {entry[:120]!r}")
    added, deleted, path = fields
    if not path:  # a rename: old and new path follow as tokens of their own
        next(stream, b"")
        path = next(stream, b"")
    is_binary = added == b"-"
    stats.append(
        _NumstatEntry(
            0 if is_binary else int(added), 0 if is_binary else int(deleted), is_binary, path
        )
    )


def _commit(header: list[bytes], raws: list[_RawEntry], stats: list[_NumstatEntry]) -> Commit:
    sha = header[0].decode("ascii")
    changes = _commit_changes(sha, raws, stats)
    authored_at, author_tz = _parse_raw_date(header[4])
    committed_at, committer_tz = _parse_raw_date(header[7])
    return Commit(
        sha=sha,
        parents=tuple(header[1].decode("ascii").split()),
        author_name=decode_git_text(header[2]),
        author_email=decode_git_text(header[3]),
        authored_at=authored_at,
        author_tz_minutes=author_tz,
        committer_name=decode_git_text(header[5]),
        committer_email=decode_git_text(header[6]),
        committed_at=committed_at,
        committer_tz_minutes=committer_tz,
        message=decode_git_text(header[8]).rstrip("\n"),
        changes=changes,
    )


def _commit_changes(
    sha: str, raws: list[_RawEntry], stats: list[_NumstatEntry]
) -> tuple[FileChange, ...]:
    if len(raws) != len(stats):
        raise GitCommandError(
            f"commit {sha}: git log gave {len(raws)} raw entries but {len(stats)} numstat lines"
        )
    changes = [_file_change(sha, raw, stat) for raw, stat in zip(raws, stats, strict=True)]
    return merge_repeated_paths(changes)


def _file_change(sha: str, raw: _RawEntry, stat: _NumstatEntry) -> FileChange:
    if stat.path != raw.path:
        raise GitCommandError(
            f"commit {sha}: git log raw and numstat entries disagree "
            f"({raw.path[:80]!r} vs {stat.path[:80]!r})"
        )
    change_type = _CHANGE_TYPES.get(raw.status[:1])
    if change_type is None:
        raise GitCommandError(f"commit {sha}: unexpected change status {raw.status!r}")
    return FileChange(
        path=decode_git_text(raw.path),
        old_path=decode_git_text(raw.old_path) if raw.old_path is not None else None,
        change_type=change_type,
        lines_added=stat.added,
        lines_deleted=stat.deleted,
        is_binary=stat.is_binary,
        old_blob=_object_id(raw.old_sha),
        new_blob=_object_id(raw.new_sha),
        old_mode=raw.old_mode or None,
        new_mode=raw.new_mode or None,
    )


def merge_repeated_paths(changes: list[FileChange]) -> tuple[FileChange, ...]:
    """One change per path: git can report a path twice (deleted, then added as another
    kind of object); the store keys file changes by path, so the two become one
    modification carrying both sides and both line counts."""
    if len({c.path for c in changes}) == len(changes):
        return tuple(changes)
    merged: dict[str, FileChange] = {}
    for change in changes:
        earlier = merged.get(change.path)
        merged[change.path] = change if earlier is None else _combine(earlier, change)
    return tuple(merged.values())


def _combine(first: FileChange, second: FileChange) -> FileChange:
    return FileChange(
        path=first.path,
        old_path=first.old_path or second.old_path,
        change_type="M",
        lines_added=first.lines_added + second.lines_added,
        lines_deleted=first.lines_deleted + second.lines_deleted,
        is_binary=first.is_binary or second.is_binary,
        old_blob=first.old_blob or second.old_blob,
        new_blob=second.new_blob or first.new_blob,
        old_mode=first.old_mode or second.old_mode,
        new_mode=second.new_mode or first.new_mode,
    )


def decode_git_text(raw: bytes) -> str:
    """Bytes from git as text: UTF-8, any other byte kept as a visible ``\\xNN`` escape."""
    return raw.decode("utf-8", "backslashreplace")


def _object_id(raw: bytes) -> str | None:
    text = raw.decode("ascii")
    return None if not text.strip("0") else text


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _parse_raw_date(raw: bytes) -> tuple[dt.datetime, int]:
    """``--date=raw`` is ``<seconds since epoch> <+hhmm>``: a UTC time and the offset.

    A commit object can hold any bytes where its dates belong (a broken clock, a bad
    import). Git shows a date it cannot read, or one past its range, as the epoch; so
    does the miner, for those and for dates past Python's year 9999, rather than fail
    the whole repository on one commit."""
    try:
        seconds_text, zone = raw.decode("ascii").split()
        seconds = int(seconds_text)
        sign = -1 if zone.startswith("-") else 1
        minutes = sign * (int(zone[1:3]) * 60 + int(zone[3:5]))
        return dt.datetime.fromtimestamp(seconds, dt.UTC), minutes
    except (ValueError, IndexError, OverflowError, OSError):
        return _EPOCH, 0
