"""Where repositories come from: paths on disk, or clone URLs kept in a local cache.

A path is mined where it is. A clone URL (``https://``, ``ssh://``, ``git://``,
``file://``, or scp-like ``git@host:org/repo.git``) is cloned bare into the cache folder
on first use and fetched on every later run, so the miner always reads a local
repository. The cache folder is ``$JEVONS_CACHE``, else ``$XDG_CACHE_HOME/jevons/repos``,
else ``~/.cache/jevons/repos``; each clone lives at ``<cache>/<hash of the URL>/<name>.git``
so that its repository id is the project's own name. A file lock next to each clone
serialises the processes that update it (the mining client and Dask workers on one
machine share the folder).

On a Dask worker, :func:`reachable_path` finds a repository the client named: at the
client's path when the worker sees it (same machine, shared file system), else in the
worker's own clone of the URL.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import functools
import hashlib
import os
import re
import shutil
import socket
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from analyzer.errors import ConfigError, GitCommandError, RepositoryError
from analyzer.git.runner import run_git

_URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
#: ``user@host:path``, git's scp-like syntax (a path has no ``@`` before a ``:``)
_SCP_LIKE = re.compile(r"^[\w.+-]+@[\w.-]+:(?!//)")
_CREDENTIALS = re.compile(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", re.IGNORECASE)


def is_clone_url(text: str) -> bool:
    """Whether ``text`` names a repository to clone rather than a path on disk."""
    return bool(_URL_SCHEME.match(text) or _SCP_LIKE.match(text))


@dataclasses.dataclass(frozen=True)
class RepositorySource:
    """A repository as the user named it: ``spec`` verbatim, and either a ``path`` on
    disk or a clone ``url``."""

    spec: str
    path: Path | None = None
    url: str | None = None

    @classmethod
    def parse(cls, text: str, base: Path | None = None) -> RepositorySource:
        """A URL stays a URL; a relative path is read from ``base`` when given."""
        if is_clone_url(text):
            return cls(spec=text, url=text)
        path = Path(text).expanduser()
        if base is not None and not path.is_absolute():
            path = base / path
        return cls(spec=text, path=path)


def read_sources(
    repos: Iterable[str | Path] | None, repos_file: Path | str | None = None
) -> list[RepositorySource]:
    """The repositories named on the command line, then those in ``repos_file``."""
    sources = [RepositorySource.parse(str(repo)) for repo in repos or ()]
    if repos_file is not None:
        sources += read_repos_file(Path(repos_file))
    if not sources:
        raise RepositoryError("no repository given: name at least one path (or --repos-file)")
    return sources


def read_repos_file(path: Path) -> list[RepositorySource]:
    """One repository (path or clone URL) a line; blank lines and ``#`` comments are
    skipped; relative paths are read from the file's directory."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the repositories file: {exc}") from exc
    lines = (line.strip() for line in text.splitlines())
    return [
        RepositorySource.parse(line, base=path.parent)
        for line in lines
        if line and not line.startswith("#")
    ]


def cache_root(env: Mapping[str, str] | None = None) -> Path:
    """The folder clones are kept in (see the module's documentation)."""
    env = os.environ if env is None else env
    if env.get("JEVONS_CACHE"):
        return Path(env["JEVONS_CACHE"]).expanduser()
    base = Path(env["XDG_CACHE_HOME"]) if env.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "jevons" / "repos"


def clone_name(url: str) -> str:
    """``https://host/org/service.git`` and ``git@host:org/service`` are ``service``."""
    tail = re.split(r"[/:]", url.rstrip("/"))[-1]
    name = tail[: -len(".git")] if tail.endswith(".git") else tail
    return re.sub(r"[^\w.-]", "_", name).lstrip(".") or "repository"


def clone_path(url: str, cache: Path | None = None) -> Path:
    """Where the clone of ``url`` lives in the cache (credentials never name a folder)."""
    plain = _CREDENTIALS.sub(r"\1", url)
    digest = hashlib.sha256(plain.encode("utf-8")).hexdigest()[:16]
    return (cache or cache_root()) / digest / f"{clone_name(plain)}.git"


def local_clone(url: str, cache: Path | None = None) -> Path:
    """The bare clone of ``url`` in the cache: cloned on first use, fetched afterwards.

    Raises :class:`RepositoryError` naming the URL when git cannot clone or fetch it.
    """
    target = clone_path(url, cache)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RepositoryError(f"{url}: cannot create the clone cache: {exc}") from exc
    with _locked(target.parent / "lock"):
        try:
            if (target / "HEAD").is_file():
                _fetch(target)
            else:
                _clone(url, target)
        except GitCommandError as exc:
            raise RepositoryError(f"{url}: {_git_complaint(exc)}") from exc
    return target


def local_path(source: RepositorySource, cache: Path | None = None) -> Path:
    """Where the miner reads ``source``: its path, or its up-to-date clone."""
    if source.url is not None:
        return local_clone(source.url, cache)
    assert source.path is not None
    return source.path


@functools.lru_cache(maxsize=64)
def reachable_path(repo_path: str, url: str | None, head_sha: str) -> str:
    """The repository the client opened at ``repo_path`` with HEAD ``head_sha``, as this
    process (a Dask worker) can read it: that path when it holds the commit, else this
    machine's clone of ``url``. Remembered for the process's life."""
    if _holds_commit(Path(repo_path), head_sha):
        return repo_path
    if url is None:
        raise RepositoryError(
            f"{repo_path}: not readable on the Dask worker at {socket.gethostname()} "
            f"(no repository there holding commit {head_sha[:12]}); give every worker the "
            "repository at the same path, or name it by its clone URL"
        )
    clone = local_clone(url)
    if not _holds_commit(clone, head_sha):
        raise RepositoryError(
            f"{url}: the clone on {socket.gethostname()} has no commit {head_sha[:12]} "
            "after fetching; was the branch rewritten during the run?"
        )
    return str(clone)


def _clone(url: str, target: Path) -> None:
    scratch = target.with_name(f"{target.name}.cloning-{os.getpid()}")
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        cloned = run_git(
            target.parent, ["clone", "--bare", "--quiet", "--", url, scratch.name], check=False
        )
        if cloned.returncode != 0:
            raise RepositoryError(f"{url}: cannot clone: {_first_complaint(cloned.stderr)}")
        # a bare clone has no fetch refspec: give it one, so `git fetch` updates branches
        run_git(scratch, ["config", "remote.origin.fetch", "+refs/heads/*:refs/heads/*"])
        scratch.rename(target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _fetch(target: Path) -> None:
    run_git(target, ["fetch", "--prune", "--quiet", "origin"])
    # the remote's default branch may have moved (renamed, or a new default chosen)
    listing = run_git(target, ["ls-remote", "--symref", "origin", "HEAD"]).stdout.decode()
    match = re.search(r"^ref: (refs/heads/\S+)\tHEAD$", listing, re.MULTILINE)
    if match:
        run_git(target, ["symbolic-ref", "HEAD", match.group(1)])


def _first_complaint(stderr: bytes) -> str:
    """git's first ``fatal:`` line (the ones after it are generic advice)."""
    lines = [line for line in stderr.decode("utf-8", "backslashreplace").splitlines() if line]
    fatal = [line for line in lines if line.startswith("fatal: ")]
    return (fatal or lines or ["git failed without a message"])[0]


def _holds_commit(path: Path, sha: str) -> bool:
    if not path.is_dir():
        return False
    probe = run_git(path, ["cat-file", "-e", f"{sha}^{{commit}}"], check=False)
    return probe.returncode == 0


def _git_complaint(exc: GitCommandError) -> str:
    # "<dir>: git clone failed: fatal: ..." -> "git clone failed: fatal: ..."
    _, found, rest = str(exc).partition(": git ")
    return f"git {rest}" if found else str(exc)


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
