"""Write a whole repository through one ``git fast-import`` stream.

Every commit carries explicit author and committer identities and dates, so the objects,
and therefore the SHAs, depend on nothing but the stream: not the local git config, time
zone, umask or locale. ``get-mark`` answers let later commit messages quote earlier SHAs
(``This reverts commit <sha>.``) without a second pass.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from sample_repos.people import Identity


def git_env(home: Path) -> dict[str, str]:
    """An environment in which no user or system git setting can change the result."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        HOME=str(home),
        LC_ALL="C",
        TZ="UTC",
        GIT_TERMINAL_PROMPT="0",
    )
    return env


def run_git(repo: Path, *args: str, env: dict[str, str], stdin: bytes | None = None) -> str:
    result = subprocess.run(
        ["git", *args], cwd=repo, env=env, input=stdin, capture_output=True, check=False
    )
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise RuntimeError(f"git {' '.join(args)} failed in {repo}: {message}")
    return result.stdout.decode("utf-8", errors="replace")


@dataclasses.dataclass(frozen=True)
class Signature:
    identity: Identity
    at: dt.datetime  # aware
    tz_minutes: int

    def header(self) -> bytes:
        sign = "+" if self.tz_minutes >= 0 else "-"
        hours, minutes = divmod(abs(self.tz_minutes), 60)
        stamp = int(self.at.timestamp())
        return f"{self.identity} {stamp} {sign}{hours:02d}{minutes:02d}".encode()


class FastImport:
    """One running ``git fast-import`` writing into ``repo``."""

    def __init__(self, repo: Path, env: dict[str, str]) -> None:
        self.repo = repo
        self.marks_file = repo / ".git" / "jevons-marks"
        self.process = subprocess.Popen(
            ["git", "fast-import", "--quiet", "--done", f"--export-marks={self.marks_file}"],
            cwd=repo,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin: IO[bytes] = self.process.stdin
        self.stdout: IO[bytes] = self.process.stdout
        self.stdin.write(b"feature done\nfeature get-mark\n")

    def commit(
        self,
        ref: str,
        mark: int,
        author: Signature,
        committer: Signature,
        message: str,
        parents: Sequence[int],
        written: Sequence[tuple[str, bytes]],
        removed: Sequence[str],
    ) -> None:
        data = (message.rstrip("\n") + "\n").encode()
        out = [
            f"commit {ref}\nmark :{mark}\n".encode(),
            b"author " + author.header() + b"\n",
            b"committer " + committer.header() + b"\n",
            f"data {len(data)}\n".encode(),
            data,
        ]
        if parents:
            out.append(f"from :{parents[0]}\n".encode())
            out += [f"merge :{parent}\n".encode() for parent in parents[1:]]
        out += [f"D {path}\n".encode() for path in removed]
        for path, content in written:
            out.append(f"M 100644 inline {path}\ndata {len(content)}\n".encode())
            out.append(content + b"\n")
        out.append(b"\n")
        self.stdin.write(b"".join(out))

    def sha(self, mark: int) -> str:
        """The SHA of a commit already written (asks fast-import mid-stream)."""
        self.stdin.write(f"get-mark :{mark}\n".encode())
        self.stdin.flush()
        return self.stdout.readline().decode().strip()

    def finish(self) -> dict[int, str]:
        """End the stream; return every mark's SHA."""
        self.stdin.write(b"done\n")
        self.stdin.close()
        error = self.process.stderr.read() if self.process.stderr else b""
        if self.process.wait() != 0:
            raise RuntimeError(f"git fast-import failed: {error.decode(errors='replace')}")
        marks: dict[int, str] = {}
        for line in self.marks_file.read_text().splitlines():
            mark, sha = line.split()
            marks[int(mark.lstrip(":"))] = sha
        self.marks_file.unlink()
        return marks
