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
from analyzer.errors import StoreError, StoreLockedError, StoreVersionError
from analyzer.store import Store
from analyzer.store.schema import SCHEMA_VERSION

#: How long one read waits for a writer to let go of the file before giving up.
LOCK_WAIT_SECONDS = 2.0
_DUCKDB_MAGIC = b"DUCK"


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
    """A read-only :class:`Store` whose reads give up quickly when a writer holds the file."""
    return Store(path, read_only=True, lock_wait=LOCK_WAIT_SECONDS)


def fingerprint(path: Path) -> tuple[str, int, int]:
    """Changes whenever the store's contents may have: the path and the modification times
    of the file and its write-ahead log (0 when absent)."""
    return (str(path.resolve()), _mtime_ns(path), _mtime_ns(Path(f"{path}.wal")))


def read_store_state(path: Path) -> StoreState:
    """What the store at ``path`` holds; a missing, foreign or newer file gives a state with
    ``problem`` set (never an exception), a writer holding the file raises
    :class:`~analyzer.errors.StoreLockedError`."""
    problem = _location_problem(path)
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
        tables = {r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if "meta" not in tables:
            if tables:
                return StoreState(path, problem=f"{path} is a DuckDB file but not a Jevons store")
            return StoreState(path=path)
        version = _schema_version(
            conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone(), path
        )
        if version != SCHEMA_VERSION:
            return StoreState(path=path, problem=_version_problem(path, version))
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


def _location_problem(path: Path) -> str | None:
    if not path.exists():
        return (
            f"no store at {path} yet: run `jevons mine REPO --db {path}` "
            "(or `jevons demo` for the sample)"
        )
    if path.is_dir():
        return f"{path} is a directory, not a store file; pass a file to --db"
    with path.open("rb") as handle:
        header = handle.read(16)
    if header[8:12] != _DUCKDB_MAGIC:
        return f"{path} is not a DuckDB file; the dashboard leaves it alone"
    return None


def _schema_version(row: tuple[object, ...] | None, path: Path) -> int:
    try:
        return int(str(row[0])) if row else 0
    except ValueError as exc:
        raise StoreVersionError(f"{path}: unreadable schema version {row!r}") from exc


def _version_problem(path: Path, version: int) -> str:
    if version > SCHEMA_VERSION:
        return f"{path} was written by a newer Jevons (schema {version}); upgrade Jevons to read it"
    return (
        f"{path} has schema {version}, older than {SCHEMA_VERSION}: run any writing "
        f"command once to migrate it (e.g. `jevons attribute --db {path}`)"
    )


def _mtime_ns(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return 0
