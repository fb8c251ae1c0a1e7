"""Running git: one place that builds the command line, the environment and the errors.

Nothing from a mined repository is ever executed: external diff drivers and text
conversion filters (both configurable per repository) are switched off on every command
that diffs, git never prompts, and never takes optional locks in a repository it only
reads. A failing command becomes a :class:`GitCommandError` with git's own last line.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from analyzer.errors import GitCommandError

#: Options no user or repository configuration may change under the miner.
GIT_OVERRIDES: tuple[str, ...] = (
    "-c",
    "core.quotePath=false",
    "-c",
    "log.showSignature=false",
    "-c",
    "core.fsmonitor=false",
    # What the store holds must not depend on the user's or the repository's settings:
    # messages reach the parser as UTF-8; line counts come from git's default diff
    # algorithm, binary threshold and rename limit; submodule updates are never hidden.
    "-c",
    "i18n.logOutputEncoding=UTF-8",
    "-c",
    "core.bigFileThreshold=512m",
    "-c",
    "diff.algorithm=myers",
    "-c",
    "diff.renameLimit=1000",
    "-c",
    "diff.ignoreSubmodules=none",
)


def git_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a git child: no prompts, no optional locks, stable messages,
    and no replace refs: with ``git replace`` a SHA shows another object's content, and
    blob metrics are shared by SHA across every repository of a store."""
    env = dict(os.environ)
    env.update(
        {
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_OPTIONAL_LOCKS": "0",
            "GIT_PAGER": "cat",
            "GIT_NO_REPLACE_OBJECTS": "1",
            "LC_ALL": "C",
        }
    )
    if extra:
        env.update(extra)
    return env


def git_argv(repo_dir: Path, args: Sequence[str]) -> list[str]:
    """``git -C repo_dir <overrides> args``."""
    return ["git", "-C", str(repo_dir), *GIT_OVERRIDES, *args]


def run_git(
    repo_dir: Path,
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """Run one short git command and return its completed process (bytes out)."""
    try:
        result = subprocess.run(
            git_argv(repo_dir, args),
            env=git_environment(env),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError as exc:
        raise GitCommandError("git is not installed (or not on PATH); install git first") from exc
    if check and result.returncode != 0:
        raise GitCommandError(describe_failure(repo_dir, args, result.stderr))
    return result


def git_output(repo_dir: Path, args: Sequence[str], *, env: Mapping[str, str] | None = None) -> str:
    """Run one short git command and return its standard output as text, stripped."""
    return run_git(repo_dir, args, env=env).stdout.decode("utf-8", "backslashreplace").strip()


def describe_failure(repo_dir: Path, args: Sequence[str], stderr: bytes) -> str:
    """One line: where, which command, and git's last complaint."""
    lines = [line for line in stderr.decode("utf-8", "backslashreplace").splitlines() if line]
    complaint = lines[-1] if lines else "failed without a message"
    verb = next((a for a in args if not a.startswith("-")), "command")
    return f"{repo_dir}: git {verb} failed: {complaint}"
