"""The ``repos`` table: which repositories the store holds, and how each was last mined.

A repository's ``repo_id`` is its directory name (``requests`` for ``/src/requests`` and
``/mirrors/requests.git``), stable across runs because a known path keeps its id; a
second repository with the same name at another path becomes ``requests-2``, and so on.
The settings its commits were mined with (history mode, exclusions) are kept in ``meta``
so a run with other settings knows to mine the repository afresh.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import duckdb


@dataclasses.dataclass(frozen=True)
class RepoRecord:
    """One ``repos`` row as the miner writes it at the end of a run."""

    repo_id: str
    name: str
    path: str
    origin_url: str | None
    default_branch: str | None
    head_sha: str
    history_mode: str
    is_shallow: bool
    is_bare: bool
    commit_count: int
    mined_at: dt.datetime
    mine_seconds: float


def assign_repo_id(conn: duckdb.DuckDBPyConnection, name: str, path: str) -> str:
    """The id of the repository at ``path``: its old one, else a fresh one from ``name``."""
    rows = conn.execute("SELECT repo_id, path FROM repos").fetchall()
    for repo_id, stored_path in rows:
        if stored_path == path:
            return str(repo_id)
    taken = {str(repo_id) for repo_id, _ in rows}
    candidate, suffix = name, 1
    while candidate in taken:
        suffix += 1
        candidate = f"{name}-{suffix}"
    return candidate


def ensure_repo(conn: duckdb.DuckDBPyConnection, repo_id: str, name: str, path: str) -> None:
    """Create the repository's row if it has none (the rest is filled when a run ends)."""
    conn.execute(
        "INSERT INTO repos (repo_id, name, path) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [repo_id, name, path],
    ).fetchall()


def record_mine(conn: duckdb.DuckDBPyConnection, record: RepoRecord) -> None:
    """Write what a finished run knows of the repository."""
    fields = dataclasses.asdict(record)
    repo_id = fields.pop("repo_id")
    assignments = ", ".join(f"{name} = ?" for name in fields)
    conn.execute(
        f"UPDATE repos SET {assignments} WHERE repo_id = ?", [*fields.values(), repo_id]
    ).fetchall()


def _settings_key(repo_id: str) -> str:
    return f"mining_settings:{repo_id}"


def mined_settings(conn: duckdb.DuckDBPyConnection, repo_id: str) -> str | None:
    """The settings fingerprint the repository's stored commits were mined with."""
    rows = conn.execute("SELECT value FROM meta WHERE key = ?", [_settings_key(repo_id)]).fetchall()
    return str(rows[0][0]) if rows else None


def set_mined_settings(conn: duckdb.DuckDBPyConnection, repo_id: str, fingerprint: str) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
        [_settings_key(repo_id), fingerprint],
    ).fetchall()
