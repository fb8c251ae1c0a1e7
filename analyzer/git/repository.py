"""A repository on disk, as the miner needs to know it before reading any history.

:func:`open_repository` checks the path once and answers the questions the rest of the
miner asks: is it a repository at all (the path itself, never one found by walking up
into a parent directory), bare or not, shallow or not, which commit HEAD is, which branch
is the default. :func:`list_commits` lists a history's commits cheaply with
``git rev-list``, oldest first.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from analyzer.config import HistoryMode
from analyzer.errors import EmptyRepositoryError, NotARepositoryError, RepositoryError
from analyzer.git.runner import run_git

#: ``scheme://user:secret@host/...``: credentials never reach the store.
_URL_CREDENTIALS = re.compile(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Repository:
    """A readable repository with at least one commit on HEAD.

    ``path`` is the work tree, or the git directory of a bare repository; ``name`` is the
    directory name without a ``.git`` suffix; ``head_sha`` is pinned when the repository
    is opened, so a commit made during a run does not change what the run mines.
    """

    path: Path
    git_dir: Path
    name: str
    is_bare: bool
    is_shallow: bool
    head_sha: str
    default_branch: str | None
    origin_url: str | None


def open_repository(path: Path | str) -> Repository:
    """Check ``path`` and describe the repository there.

    Raises :class:`NotARepositoryError` for a missing path or one that is not a
    repository, and :class:`EmptyRepositoryError` for a repository without commits.
    """
    given = Path(path).expanduser()
    if not given.exists():
        raise NotARepositoryError(f"{given}: no such directory")
    if not given.is_dir():
        raise NotARepositoryError(f"{given}: not a directory, so not a git repository")
    root = given.resolve()
    # Only the path itself counts: git must not find a repository in a parent directory.
    ceiling = {"GIT_CEILING_DIRECTORIES": str(root.parent)}
    probe = run_git(
        root,
        ["rev-parse", "--is-bare-repository", "--is-shallow-repository", "--absolute-git-dir"],
        env=ceiling,
        check=False,
    )
    if probe.returncode != 0:
        raise NotARepositoryError(f"{given}: not a git repository (no .git found there)")
    is_bare_text, is_shallow_text, git_dir_text = probe.stdout.decode().splitlines()[:3]
    is_bare = is_bare_text == "true"
    git_dir = Path(git_dir_text)
    work_tree = git_dir if is_bare else _work_tree(root, git_dir)
    return Repository(
        path=work_tree,
        git_dir=git_dir,
        name=repository_name(work_tree),
        is_bare=is_bare,
        is_shallow=is_shallow_text == "true",
        head_sha=_head_sha(work_tree, given),
        default_branch=_default_branch(work_tree),
        origin_url=_origin_url(work_tree),
    )


def repository_name(path: Path) -> str:
    """``/src/requests`` and ``/mirrors/requests.git`` are both ``requests``."""
    name = path.name
    return name[: -len(".git")] if name.endswith(".git") and len(name) > 4 else name


def list_commits(repo: Repository, history: HistoryMode) -> list[str]:
    """The SHAs of ``history`` from the pinned HEAD, oldest first.

    ``first-parent`` is HEAD's first-parent chain; ``full`` is every commit reachable from
    HEAD, parents always before their children, otherwise in commit-date order.
    """
    walk = ["--first-parent"] if history == "first-parent" else ["--date-order"]
    out = run_git(repo.path, ["rev-list", "--reverse", *walk, repo.head_sha, "--"]).stdout
    return out.decode("ascii").split()


def _work_tree(root: Path, git_dir: Path) -> Path:
    # Given the .git directory of a repository with a work tree: mine that work tree.
    if root == git_dir and git_dir.name == ".git":
        return git_dir.parent
    return root


def _head_sha(repo_dir: Path, given: Path) -> str:
    result = run_git(repo_dir, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], check=False)
    if result.returncode != 0:
        branch = _symbolic_head(repo_dir)
        where = f" (branch {branch})" if branch else ""
        raise EmptyRepositoryError(
            f"{given}: the repository is empty: HEAD{where} has no commits yet; "
            "commit something, then mine it"
        )
    sha = result.stdout.decode("ascii").strip()
    if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", sha):
        raise RepositoryError(f"{given}: HEAD resolves to {sha!r}, not a commit")
    return sha


def _symbolic_head(repo_dir: Path) -> str | None:
    result = run_git(repo_dir, ["symbolic-ref", "--quiet", "--short", "HEAD"], check=False)
    return result.stdout.decode("utf-8", "backslashreplace").strip() or None


def _default_branch(repo_dir: Path) -> str | None:
    """The branch HEAD points at; for a detached HEAD, the remote's default branch."""
    branch = _symbolic_head(repo_dir)
    if branch:
        return branch
    result = run_git(
        repo_dir, ["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"], check=False
    )
    remote_head = result.stdout.decode("utf-8", "backslashreplace").strip()
    return remote_head.split("/", 1)[1] if "/" in remote_head else None


def _origin_url(repo_dir: Path) -> str | None:
    result = run_git(repo_dir, ["config", "--get", "remote.origin.url"], check=False)
    url = result.stdout.decode("utf-8", "backslashreplace").strip()
    return _URL_CREDENTIALS.sub(r"\1", url) if url else None
