"""What the benchmark's contenders are asked to cover, read straight from git.

The first-parent commits of HEAD, and the unique blobs Jevons measures over them: both
sides of every change (each merge diffed against its first parent), regular files only,
at a path lizard reads and that is not excluded. Read independently of the miner, so the
floor does not trust the code it is the floor for.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

from analyzer.config import DEFAULT_EXCLUDES
from analyzer.metrics import detect_language, is_excluded

REGULAR_FILE_MODES = {"100644", "100755"}
NULL_SHA = "0" * 40


def first_parent_commits(repo: Path) -> list[str]:
    """SHAs of HEAD's first-parent chain, oldest first."""
    return _rev_list(repo, "--first-parent")


def all_commits(repo: Path) -> list[str]:
    """SHAs of every commit reachable from HEAD, oldest first."""
    return _rev_list(repo)


def _rev_list(repo: Path, *options: str) -> list[str]:
    out = subprocess.run(
        ["git", "-C", str(repo), "rev-list", *options, "--reverse", "HEAD"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return out.split()


def measured_blobs(repo: Path, excludes: Sequence[str] = DEFAULT_EXCLUDES) -> dict[str, str]:
    """Unique blob SHA -> a path it appeared at, for every blob Jevons would measure."""
    blobs: dict[str, str] = {}
    for mode, blob, path in _changed_sides(repo):
        if blob == NULL_SHA or blob in blobs or mode not in REGULAR_FILE_MODES:
            continue
        if detect_language(path) is not None and not is_excluded(path, excludes):
            blobs[blob] = path
    return blobs


def _changed_sides(repo: Path) -> Iterator[tuple[str, str, str]]:
    """(mode, blob, path) for the old and the new side of every first-parent change."""
    proc = subprocess.run(
        ["git", "-C", str(repo), "log", "--first-parent", "-m", "--raw", "--no-renames",
         "--no-abbrev", "--format=", "-z", "HEAD"],
        capture_output=True,
        check=True,
    )  # fmt: skip
    fields = proc.stdout.split(b"\0")
    index = 0
    while index + 1 < len(fields):
        meta = fields[index].strip()
        if not meta.startswith(b":"):
            index += 1
            continue
        old_mode, new_mode, old_blob, new_blob, _ = meta[1:].decode().split(" ")
        path = fields[index + 1].decode("utf-8", "surrogateescape")
        yield old_mode, old_blob, path
        yield new_mode, new_blob, path
        index += 2


def read_blobs(repo: Path, shas: Sequence[str]) -> list[bytes]:
    """The contents of ``shas``, in order, through one ``git cat-file --batch``."""
    request = "".join(f"{sha}\n" for sha in shas).encode()
    out = subprocess.run(
        ["git", "-C", str(repo), "cat-file", "--batch"], input=request,
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    contents: list[bytes] = []
    position = 0
    for _ in shas:
        header_end = out.index(b"\n", position)
        size = int(out[position:header_end].split()[2])
        contents.append(out[header_end + 1 : header_end + 1 + size])
        position = header_end + 1 + size + 1
    return contents
