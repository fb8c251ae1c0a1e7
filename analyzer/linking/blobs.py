"""File contents at given revisions, through one ``git cat-file --batch`` process."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from analyzer.git.blobs import BlobReader


def read_texts(repo: Path, specs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str | None]:
    """The text of each ``(rev, path)`` (``None`` where it does not exist or is not a file).

    Text is decoded as UTF-8 with replacement: callers compare code, never write it back.
    """
    texts: dict[tuple[str, str], str | None] = {}
    with BlobReader(repo) as reader:
        for rev, path in dict.fromkeys(specs):
            content = reader.read(f"{rev}:{path}")
            texts[rev, path] = None if content is None else content.decode("utf-8", "replace")
    return texts
