"""What a store holds, read without Streamlit: enough to say which pages can show what,
and which command to run next when a part is missing.

The dashboard only reads. Each unit of work opens its own read-only connection and closes
it, so a ``jevons mine`` can take the file between our reads; when the writer holds it, a
read waits at most :data:`LOCK_WAIT_SECONDS` and then raises :class:`StoreLockedError`,
which the data layer answers by showing the last data it loaded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import duckdb

from analyzer.analysis.frames import SERVICES_SQL
from analyzer.errors import StoreError, StoreLockedError
from analyzer.store import Store, open_store, store_problem

#: How long one read waits for a writer to let go of the file before giving up.
LOCK_WAIT_SECONDS = 2.0


@dataclasses.dataclass(frozen=True)
class RepoInfo:
    """One mined repository."""

    repo_id: str
    name: str
    commits: int


@dataclasses.dataclass(frozen=True)
class NextStep:
    """What is missing, and the command that fills it in."""

    missing: str
    command: str


@dataclasses.dataclass(frozen=True)
class StoreState:
    """Counts of what each pipeline step has written; all zero for an empty store."""

    path: Path
    problem: str | None = None
    repos: tuple[RepoInfo, ...] = ()
    commits: int = 0
    attributed: int = 0
    incidents: int = 0
    links: int = 0
    services: tuple[str, ...] = ()
    first_day: dt.date | None = None
    last_day: dt.date | None = None

    @property
    def has_commits(self) -> bool:
        return self.problem is None and self.commits > 0

    @property
    def has_incidents(self) -> bool:
        return self.has_commits and self.incidents > 0

    @property
    def has_links(self) -> bool:
        return self.has_incidents and self.links > 0

    def next_steps(self) -> tuple[NextStep, ...]:
        """The commands that would fill in what is missing, first things first."""
        db = f" --db {self.path}"
        if self.problem is not None:
            return ()
        if not self.has_commits:
            return (NextStep("No repositories mined yet", f"jevons mine REPO{db}"),)
        steps = []
        if self.attributed == 0:
            steps.append(NextStep("No commit has an authorship label yet", f"jevons attribute{db}"))
        if self.incidents == 0:
            steps.append(NextStep("No incidents yet", f"jevons incidents import FILE{db}"))
        elif self.links == 0:
            steps.append(NextStep("Incidents are not linked to commits yet", f"jevons link{db}"))
        return tuple(steps)


def reader(path: Path) -> Store:
    """The store at ``path``, checked and read-only, whose reads give up quickly when a
    writer holds the file."""
    return open_store(path, read_only=True, missing="error", lock_wait=LOCK_WAIT_SECONDS)


def fingerprint(path: Path) -> tuple[str, int, int]:
    """Changes whenever the store's contents may have: the path and the modification times
    of the file and its write-ahead log (0 when absent)."""
    return (str(path.resolve()), _mtime_ns(path), _mtime_ns(Path(f"{path}.wal")))


def read_store_state(path: Path) -> StoreState:
    """What the store at ``path`` holds; a store that cannot be read (missing, foreign,
    newer, damaged) gives a state whose ``problem`` is the reason
    :func:`~analyzer.store.store_problem` gives (never an exception); a writer holding the
    file raises :class:`~analyzer.errors.StoreLockedError`."""
    problem = store_problem(path, lock_wait=LOCK_WAIT_SECONDS)
    if problem is not None:
        return StoreState(path=path, problem=problem)
    try:
        return _read_contents(path)
    except StoreLockedError:
        raise
    except (StoreError, duckdb.Error) as exc:  # a damaged file fails on open or first read
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return StoreState(path=path, problem=f"{path} cannot be read, it may be damaged: {reason}")


def _read_contents(path: Path) -> StoreState:
    with reader(path).connect() as conn:
        repos = tuple(
            RepoInfo(str(r[0]), str(r[1]), int(r[2]))
            for r in conn.execute(
                "SELECT r.repo_id, r.name, count(c.sha) FROM repos r "
                "LEFT JOIN commits c USING (repo_id) GROUP BY ALL ORDER BY r.repo_id"
            ).fetchall()
        )
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM commits), "
            "(SELECT count(*) FROM commits WHERE authorship IS NOT NULL), "
            "(SELECT count(*) FROM incidents), (SELECT count(*) FROM incident_links), "
            "(SELECT min(committed_at)::DATE FROM commits), "
            "(SELECT max(committed_at)::DATE FROM commits)"
        ).fetchone()
        services = tuple(str(r[0]) for r in conn.execute(SERVICES_SQL).fetchall())
    assert counts is not None
    return StoreState(
        path=path,
        repos=repos,
        commits=int(counts[0]),
        attributed=int(counts[1]),
        incidents=int(counts[2]),
        links=int(counts[3]),
        services=services,
        first_day=counts[4],
        last_day=counts[5],
    )


def _mtime_ns(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return 0
