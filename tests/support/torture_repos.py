"""Hostile repositories for the torture suite, and readings of git made without the miner.

Each builder makes a real repository with fixed dates (through :class:`RepoBuilder`, or
``git fast-import`` where the history is big or needs dates git's porcelain refuses) and
returns the facts a test asserts on. The readers below ask git directly, with no user or
system configuration, so a figure the miner stores is checked against git's own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path

import duckdb

from analyzer.config import Config
from analyzer.mining import RepositorySummary, mine_repositories
from tests.support.repo_builder import DEFAULT_AUTHOR, RepoBuilder

#: Every path a path-handling bug trips on: control characters, quotes, a leading dash
#: (read as an option if a path is ever passed without ``--``), bytes that are not UTF-8
#: (surrogate-escaped here, as the file system hands them to Python), a backslash escape
#: that looks like git's quoting, and non-Latin text.
HOSTILE_PATHS = (
    "src/new\nline.py",
    "src/tab\there.py",
    'src/"quoted".py',
    "src/it's.py",
    "-rf.py",
    "--help.py",
    "src/\udcff\udcfebad.py",
    "src/back\\x41slash.py",
    "src/space here.py",
    "src/日本語.py",
    "src/esc\x1b[31mred.py",
)


def clean_git_env(repo_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment in which git reads no user or system configuration."""
    return {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "HOME": str(repo_dir),
        **(extra or {}),
    }


def git_raw(repo_dir: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run git in ``repo_dir`` with no user or system configuration; stdout as bytes."""
    return subprocess.run(
        ["git", *args],
        cwd=repo_dir,
        env=clean_git_env(repo_dir),
        input=stdin,
        capture_output=True,
        check=True,
    ).stdout


def fast_import(repo_dir: Path, stream: bytes | Iterator[bytes]) -> None:
    """Feed ``git fast-import`` a stream (bytes, or chunks written as they come)."""
    proc = subprocess.Popen(
        ["git", "fast-import", "--quiet", "--done"],
        cwd=repo_dir,
        env=clean_git_env(repo_dir),
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stderr is not None
    chunks = [stream] if isinstance(stream, bytes) else stream
    with contextlib.suppress(BrokenPipeError):  # fast-import stopped: its stderr says why
        for chunk in chunks:
            proc.stdin.write(chunk)
        proc.stdin.write(b"done\n")
        proc.stdin.close()
    error = proc.stderr.read()
    if proc.wait() != 0:
        raise RuntimeError(f"git fast-import failed: {error.decode(errors='replace')}")


def data(content: bytes) -> bytes:
    """A fast-import ``data`` command carrying ``content``."""
    return b"data %d\n%s\n" % (len(content), content)


def merge_all(repo: RepoBuilder, message: str, *refs: str, unrelated: bool = False) -> str:
    """Merge ``refs`` into the current branch in one merge commit (an octopus for several);
    ``unrelated`` lets in a history with no common ancestor."""
    repo.clock += dt.timedelta(hours=1)
    env = RepoBuilder._identity_env(DEFAULT_AUTHOR, DEFAULT_AUTHOR, repo.clock)
    flags = ["--allow-unrelated-histories"] if unrelated else []
    repo.git("merge", "-q", "--no-ff", *flags, "-m", message, *refs, env=env)
    return repo.head()


def mine(path: Path, db: Path, *, history: str = "first-parent") -> RepositorySummary:
    """Mine one repository with default settings and one worker; its summary."""
    (summary,) = mine_repositories([path], db=db, history=history, workers=1, config=Config())
    return summary


def git_numstat(repo_dir: Path, history: str) -> dict[str, tuple[int, int, int]]:
    """``{sha: (added, deleted, files)}`` from git's own ``log --numstat`` over the same
    history the miner reads (first parent with merges diffed against it, or every commit
    with merges not diffed), parsed without the miner's code."""
    walk = ["--first-parent", "-m"] if history == "first-parent" else []
    out = git_raw(repo_dir, "log", "-z", "--numstat", "-M", "--format=%x01%H", *walk, "HEAD")
    totals: dict[str, list[int]] = {}
    current = ""
    for token in out.split(b"\0"):
        if token.startswith(b"\x01"):
            current = token[1:].decode()
            totals[current] = [0, 0, 0]
            continue
        match = re.match(rb"^\n?(\d+|-)\t(\d+|-)\t", token)
        if match:
            added, deleted = match.groups()
            totals[current][0] += 0 if added == b"-" else int(added)
            totals[current][1] += 0 if deleted == b"-" else int(deleted)
            totals[current][2] += 1
    return {sha: (a, d, f) for sha, (a, d, f) in totals.items()}


def stored_numstat(db: Path, repo_id: str) -> dict[str, tuple[int, int, int]]:
    rows = query(
        db,
        "SELECT sha, lines_added, lines_deleted, files_changed FROM commits WHERE repo_id = ?",
        [repo_id],
    )
    return {sha: (a, d, f) for sha, a, d, f in rows}


def query(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    """Rows of one query on the store file, read with DuckDB directly."""
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def rev_list(repo_dir: Path, *args: str) -> list[str]:
    return git_raw(repo_dir, "rev-list", *args, "HEAD").decode().split()


def build_merge_shapes(repo: RepoBuilder) -> dict[str, str]:
    """An octopus merge of three branches, an orphan branch merged in, criss-cross merges
    and empty commits (one on main, one merged in). Returns the interesting SHAs."""
    shas = {"root": repo.commit("root", {"app.py": "def main():\n    return 0\n"})}
    for name in ("left", "middle", "right"):
        repo.checkout(name, create=True, start=shas["root"])
        repo.commit(f"{name} work", {f"{name}.py": f"def {name}(x):\n    return x\n"})
    repo.checkout("main")
    shas["octopus"] = merge_all(repo, "Octopus", "left", "middle", "right")
    shas["empty"] = repo.commit("nothing changed", allow_empty=True)
    repo.git("checkout", "-q", "--orphan", "docs")
    repo.git("rm", "-rq", "--cached", ".")
    for stray in ("app.py", "left.py", "middle.py", "right.py"):
        (repo.path / stray).unlink()
    shas["orphan_root"] = repo.commit("docs root", {"docs/index.md": "# Docs\n\nHello.\n"})
    repo.commit("docs more", {"docs/index.md": "# Docs\n\nHello.\nMore.\n"})
    repo.checkout("main")
    shas["orphan_merge"] = merge_all(repo, "Adopt docs", "docs", unrelated=True)
    repo.checkout("x", create=True)
    repo.commit("x one", {"x.py": "def x():\n    return 1\n"})
    repo.checkout("main")
    m1 = repo.commit("m one", {"m.py": "def m():\n    return 1\n"})
    repo.merge("x", "main takes x")
    repo.checkout("x")
    merge_all(repo, "x takes main", m1)
    repo.commit("x two", {"x.py": "def x():\n    if True:\n        return 2\n    return 1\n"})
    repo.checkout("main")
    repo.commit("m two", {"m.py": "def m():\n    return 2\n"})
    shas["criss_cross"] = repo.merge("x", "main takes x again")
    repo.checkout("e", create=True)
    repo.commit("empty on a branch", allow_empty=True)
    repo.checkout("main")
    shas["empty_merge"] = repo.merge("e", "merge an empty branch")
    repo.git("branch", "-D", "left", "middle", "right", "docs", "x", "e")
    return shas


def build_long_python_history(path: Path, commits: int) -> None:
    """``commits`` commits, each rewriting one of twenty Python files with new content
    (so every commit brings a blob to measure), built in one fast-import stream."""
    path.mkdir(parents=True)
    git_raw(path, "init", "-q", "-b", "main")

    def stream() -> Iterator[bytes]:
        for n in range(commits):
            body = "".join(
                f"def f{n}_{k}(x):\n    if x > {k}:\n        return x - {n}\n    return {k}\n"
                for k in range(n % 7 + 1)
            )
            yield (
                b"commit refs/heads/main\n"
                + f"committer Ada <ada@example.com> {1_700_000_000 + n * 600} +0000\n".encode()
                + data(f"change {n}".encode())
                + f"M 644 inline pkg/m{n % 20}.py\n".encode()
                + data(body.encode())
            )

    fast_import(path, stream())
