"""What git says about a pull request: its commits, its merge base and its whole diff.

A pull request is ``--base``..``--head`` as GitHub shows it: the commits reachable from
the head and not from the base, and the diff from their merge base to the head (so work
that landed on the base branch meanwhile is not counted as the pull request's).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from analyzer.errors import GitCommandError, ReportError
from analyzer.git.log import read_commits, read_tree_diff
from analyzer.git.runner import run_git
from analyzer.models import Commit, FileChange


@dataclasses.dataclass(frozen=True)
class PullRequestRange:
    """The resolved ends of a pull request and what lies between them."""

    base: str
    head: str
    merge_base: str
    commits: tuple[Commit, ...]
    changes: tuple[FileChange, ...]


def read_pull_request(repo_dir: Path, base: str, head: str) -> PullRequestRange:
    """Resolve ``base`` and ``head`` (any commit-ish) and read the pull request's commits
    (oldest first, each with its first-parent diff) and its diff."""
    base_sha = resolve_commit(repo_dir, base, "--base")
    head_sha = resolve_commit(repo_dir, head, "--head")
    merge_base = _merge_base(repo_dir, base_sha, head_sha)
    listed = run_git(repo_dir, ["rev-list", "--reverse", head_sha, "--not", base_sha, "--"])
    shas = listed.stdout.decode("ascii").split()
    return PullRequestRange(
        base=base_sha,
        head=head_sha,
        merge_base=merge_base,
        commits=tuple(read_commits(repo_dir, shas, "first-parent")),
        changes=read_tree_diff(repo_dir, merge_base, head_sha),
    )


def resolve_commit(repo_dir: Path, ref: str, option: str) -> str:
    """The full SHA of the commit ``ref`` names, or a :class:`ReportError` saying what to do."""
    if not ref or ref.startswith("-"):
        raise ReportError(f"{option} {ref!r}: not a commit name")
    found = run_git(
        repo_dir, ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], check=False
    )
    if found.returncode != 0:
        raise ReportError(
            f"{option} {ref}: no such commit in {repo_dir} (in CI, check out the whole "
            "history: actions/checkout with fetch-depth: 0)"
        )
    return found.stdout.decode("ascii").strip()


def _merge_base(repo_dir: Path, base: str, head: str) -> str:
    found = run_git(repo_dir, ["merge-base", base, head], check=False)
    if found.returncode == 0:
        return found.stdout.decode("ascii").strip()
    if found.returncode == 1:  # unrelated histories: compare with the base itself
        return base
    raise GitCommandError(f"{repo_dir}: git merge-base failed: {found.stderr.decode()[-200:]}")
