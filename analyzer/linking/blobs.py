"""File contents at given revisions, many in one ``git cat-file --batch`` process."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from analyzer.git.blame import run_git


def read_texts(repo: Path, specs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str | None]:
    """The text of each ``(rev, path)`` (``None`` where it does not exist), from one process.

    Text is decoded as UTF-8 with replacement: callers compare code, never write it back.
    """
    wanted = list(dict.fromkeys(specs))
    if not wanted:
        return {}
    request = b"".join(f"{rev}:{path}\n".encode() for rev, path in wanted)
    output = run_git(repo, ["cat-file", "--batch"], stdin=request)
    texts: dict[tuple[str, str], str | None] = {}
    pos = 0
    for spec in wanted:
        end = output.index(b"\n", pos)
        line = output[pos:end]
        pos = end + 1
        if line.endswith((b" missing", b" ambiguous")):
            texts[spec] = None
            continue
        _, kind, size = line.split(b" ")
        content = output[pos : pos + int(size)]
        texts[spec] = content.decode("utf-8", errors="replace") if kind == b"blob" else None
        pos += int(size) + 1  # the content is followed by a newline
    return texts
