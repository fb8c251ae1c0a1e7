"""Commits blame should look through (bulk reformatting, renames), as ``git blame`` reads
them from an ignore-revs file: one SHA a line, ``#`` comments.

The file is the one the configuration names (``[linking] ignore_revs_file``; a relative
path is looked for in each repository's root, then in the working directory), else the
repository's own ``.git-blame-ignore-revs`` if it has one (GitHub's convention). SHAs are
resolved against the repository's stored commits, so a file shared by several repositories
(or listing commits not mined) never makes git fail.
"""

from __future__ import annotations

import re
from pathlib import Path

from analyzer.errors import LinkingError
from analyzer.linking.commit_index import CommitIndex

CONVENTIONAL_NAME = ".git-blame-ignore-revs"
_SHA = re.compile(r"^[0-9a-fA-F]{7,40}$")


def ignore_revs_file(repo_path: Path, configured: str | None) -> Path | None:
    """The ignore-revs file that applies to the repository at ``repo_path``, if any."""
    if configured is None:
        own = repo_path / CONVENTIONAL_NAME
        return own if own.is_file() else None
    given = Path(configured)
    for candidate in [given] if given.is_absolute() else [repo_path / given, given]:
        if candidate.is_file():
            return candidate
    return None


def read_ignore_revs(path: Path, repo_id: str, index: CommitIndex) -> tuple[str, ...]:
    """The stored commits of ``repo_id`` listed in ``path``, as full SHAs."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LinkingError(f"{path}: cannot read the ignore-revs file: {exc.strerror}") from exc
    revs: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        token = raw.split("#", 1)[0].strip()
        if not token:
            continue
        if not _SHA.match(token):
            raise LinkingError(f"{path}: line {number}: {token!r} is not a commit SHA")
        resolution = index.resolve_sha(token)
        revs += [c.sha for c in resolution.commits if c.repo_id == repo_id]
    return tuple(dict.fromkeys(revs))
