"""Real git repositories with fixed dates and identities, for tests.

Every commit gets an author and committer date from a fixed clock that advances one hour
a commit (unless a date is given), so the same calls build the same SHAs on any machine.
Only the git command line is used: no mocks.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

DEFAULT_AUTHOR = ("Ada Example", "ada@example.com")
START = dt.datetime(2024, 1, 1, 9, 0, tzinfo=dt.UTC)


class RepoBuilder:
    """Build a git repository at ``path`` step by step."""

    def __init__(self, path: Path, *, branch: str = "main", bare: bool = False) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.clock = START
        self.branch = branch
        self.git("init", "-q", "-b", branch)
        self.git("config", "user.name", DEFAULT_AUTHOR[0])
        self.git("config", "user.email", DEFAULT_AUTHOR[1])
        self.git("config", "commit.gpgsign", "false")
        self.git("config", "core.autocrlf", "false")

    def git(
        self, *args: str, env: Mapping[str, str] | None = None, input: bytes | None = None
    ) -> str:
        full_env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(self.path), **(env or {})}
        result = subprocess.run(
            ["git", *args],
            cwd=self.path,
            env=full_env,
            input=input,
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"git {' '.join(args)} failed: {result.stderr.decode(errors='replace')}"
            )
        return result.stdout.decode("utf-8", errors="replace").strip()

    def write(self, files: Mapping[str, str | bytes | None]) -> None:
        """Write (or, with ``None``, delete) files in the work tree and stage them."""
        for name, content in files.items():
            target = self.path / name
            if content is None:
                self.git("rm", "-q", "--", name)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content if isinstance(content, bytes) else content.encode())
            self.git("add", "--", name)

    def commit(
        self,
        message: str,
        files: Mapping[str, str | bytes | None] | None = None,
        *,
        author: tuple[str, str] = DEFAULT_AUTHOR,
        committer: tuple[str, str] | None = None,
        date: dt.datetime | None = None,
        allow_empty: bool = False,
    ) -> str:
        """Commit ``files`` with a fixed date; returns the new commit's SHA."""
        if files:
            self.write(files)
        when = self._tick(date)
        args = ["commit", "-q", "-m", message]
        if allow_empty:
            args.append("--allow-empty")
        self.git(*args, env=self._identity_env(author, committer or author, when))
        return self.git("rev-parse", "HEAD")

    def checkout(self, branch: str, *, create: bool = False, start: str | None = None) -> None:
        args = ["checkout", "-q"] + (["-b", branch] if create else [branch])
        if start:
            args.append(start)
        self.git(*args)

    def merge(
        self,
        branch: str,
        message: str | None = None,
        *,
        author: tuple[str, str] = DEFAULT_AUTHOR,
        date: dt.datetime | None = None,
        squash: bool = False,
    ) -> str:
        """Merge ``branch`` into the current branch with a merge commit (or squash it)."""
        when = self._tick(date)
        env = self._identity_env(author, author, when)
        if squash:
            self.git("merge", "-q", "--squash", branch, env=env)
            self.git("commit", "-q", "-m", message or f"Squash {branch}", env=env)
        else:
            self.git(
                "merge",
                "-q",
                "--no-ff",
                "-m",
                message or f"Merge branch '{branch}'",
                branch,
                env=env,
            )
        return self.git("rev-parse", "HEAD")

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def _tick(self, date: dt.datetime | None) -> dt.datetime:
        self.clock = date or (self.clock + dt.timedelta(hours=1))
        return self.clock

    @staticmethod
    def _identity_env(
        author: tuple[str, str], committer: tuple[str, str], when: dt.datetime
    ) -> dict[str, str]:
        stamp = when.isoformat()
        return {
            "GIT_AUTHOR_NAME": author[0],
            "GIT_AUTHOR_EMAIL": author[1],
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": committer[0],
            "GIT_COMMITTER_EMAIL": committer[1],
            "GIT_COMMITTER_DATE": stamp,
        }
