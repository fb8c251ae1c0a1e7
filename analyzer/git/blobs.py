"""Blob contents from ONE persistent ``git cat-file --batch`` process.

Each request is a SHA on the process's stdin; git answers ``<sha> <type> <size>`` and the
bytes, or ``<sha> missing``. One process serves a whole run (or, in a metric worker, the
worker's whole life), so reading a blob costs a pipe round trip, never a process start.
"""

from __future__ import annotations

import subprocess
import threading
import weakref
from pathlib import Path
from types import TracebackType
from typing import IO, NamedTuple

from analyzer.errors import GitCommandError
from analyzer.git.runner import git_argv, git_environment

_CHUNK_BYTES = 1 << 20


class OversizedBlob(NamedTuple):
    """A blob over the reader's limit: its size in bytes and its physical lines (newlines,
    plus one for a last line without one)."""

    size: int
    lines: int


class BlobReader:
    """Read blobs of the repository at ``repo_dir``; close it (or use ``with``) when done.

    Safe to share between threads (a Dask worker runs tasks in several): one request and
    its answer hold the pipe at a time.
    """

    def __init__(self, repo_dir: Path | str) -> None:
        self.repo_dir = Path(repo_dir)
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._finalizer: weakref.finalize[[subprocess.Popen[bytes]], BlobReader] | None = None

    def read(self, sha: str) -> bytes | None:
        """The content of blob ``sha`` (or of any object name git reads, such as
        ``rev:path``), or ``None`` when the repository has no such blob (a submodule's
        commit, an object missing from a shallow or partial clone, a tree)."""
        content = self.read_within(sha, max_bytes=None)
        assert not isinstance(content, OversizedBlob)
        return content

    def read_within(self, sha: str, max_bytes: int | None) -> bytes | OversizedBlob | None:
        """Like :meth:`read`, but a blob over ``max_bytes`` is read through in chunks and
        dropped: only its size and line count come back, so a 200 MB blob never sits in
        memory whole."""
        with self._lock:
            return self._read(sha, max_bytes)

    def _read(self, sha: str, max_bytes: int | None) -> bytes | OversizedBlob | None:
        proc = self._process()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            # a blob SHA, or any object name (``rev:path``, a path in the bytes it was read as)
            proc.stdin.write(sha.encode("utf-8", "surrogateescape") + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline()
        except (BrokenPipeError, OSError) as exc:
            raise self._died(f"while asking for {sha}") from exc
        fields = header.split()
        if len(fields) == 2 and fields[1] in (b"missing", b"ambiguous"):
            return None
        if len(fields) != 3:
            raise self._died(f"unexpected reply {header[:80]!r} for {sha}")
        size = int(fields[2])
        if max_bytes is not None and size > max_bytes:
            oversized = self._skip(proc.stdout, size, sha)
            return oversized if fields[1] == b"blob" else None
        content = proc.stdout.read(size)
        proc.stdout.read(1)  # the newline after the content
        if len(content) != size:
            raise self._died(f"short read of {sha}")
        return content if fields[1] == b"blob" else None

    def _skip(self, stream: IO[bytes], size: int, sha: str) -> OversizedBlob:
        newlines, last, left = 0, b"", size
        while left:
            chunk = stream.read(min(left, _CHUNK_BYTES))
            if not chunk:
                raise self._died(f"short read of {sha}")
            newlines += chunk.count(b"\n")
            last, left = chunk[-1:], left - len(chunk)
        stream.read(1)  # the newline after the content
        return OversizedBlob(size, newlines + (0 if last in (b"", b"\n") else 1))

    def close(self) -> None:
        """End the cat-file process."""
        if self._finalizer is not None:
            self._finalizer()
        self._proc = None
        self._finalizer = None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _process(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            try:
                self._proc = subprocess.Popen(
                    git_argv(self.repo_dir, ["cat-file", "--batch"]),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env=git_environment(),
                )
            except FileNotFoundError as exc:
                raise GitCommandError("git is not installed (or not on PATH)") from exc
            self._finalizer = weakref.finalize(self, _stop, self._proc)
        return self._proc

    def _died(self, what: str) -> GitCommandError:
        self.close()
        return GitCommandError(f"{self.repo_dir}: git cat-file --batch failed {what}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            stream.close()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
