"""A store holding a test repository's commits and some incidents, for linking tests."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from analyzer.store import Store
from tests.repo_builder import RepoBuilder


def record_repo(
    store: Store, repo: RepoBuilder, repo_id: str = "shop", *, history_mode: str = "first-parent"
) -> str:
    """Store ``repo``'s commits and file changes as the miner does (first-parent history)."""
    flag = ["--first-parent"] if history_mode == "first-parent" else []
    log = repo.git("log", *flag, "--format=%H%x00%P%x00%ct%x00%B%x01")
    with store.transaction() as conn:
        conn.execute(
            """INSERT INTO repos (repo_id, name, path, head_sha, history_mode)
               VALUES (?, ?, ?, ?, ?)""",
            [repo_id, repo_id, str(repo.path), repo.head(), history_mode],
        )
        for entry in filter(None, (e.strip("\n") for e in log.split("\x01"))):
            sha, parents, stamp, message = entry.split("\x00")
            when = dt.datetime.fromtimestamp(int(stamp), dt.UTC).replace(tzinfo=None)
            conn.execute(
                """INSERT INTO commits (repo_id, sha, parents, is_merge, committed_at,
                                        authored_at, message)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                [repo_id, sha, parents.split(), len(parents.split()) > 1, when, when, message],
            )
            for change_type, old_path, path in _changes(repo, sha, parents.split()):
                conn.execute(
                    """INSERT INTO file_changes (repo_id, sha, path, old_path, change_type,
                                                 excluded)
                       VALUES (?, ?, ?, ?, ?, false)""",
                    [repo_id, sha, path, old_path, change_type],
                )
    return repo_id


def _changes(repo: RepoBuilder, sha: str, parents: Sequence[str]) -> list[tuple[str, str, str]]:
    args = [parents[0], sha] if parents else ["--root", sha]
    out = repo.git("diff-tree", "-r", "-M", "--name-status", "-z", "--no-commit-id", *args)
    fields = [f for f in out.split("\x00") if f]
    changes = []
    while fields:
        status = fields.pop(0)
        if status.startswith("R"):
            old, new = fields.pop(0), fields.pop(0)
            changes.append(("R", old, new))
        else:
            path = fields.pop(0)
            changes.append((status[0], path, path))
    return changes


def add_incident(
    store: Store,
    incident_id: str,
    created_at: dt.datetime,
    *,
    source: str = "csv",
    service: str | None = None,
    fix_commits: Sequence[str] = (),
    cause_commits: Sequence[str] = (),
    description: str | None = None,
    reference: str | None = None,
    raw: dict[str, Any] | None = None,
) -> None:
    """Store one incident as the importer would (times naive UTC)."""
    with store.transaction() as conn:
        conn.execute(
            """INSERT INTO incidents (incident_id, source, title, description, service,
                                      created_at, fix_commits, cause_commits, raw, reference)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                incident_id,
                source,
                f"Incident {incident_id}",
                description,
                service,
                created_at.replace(tzinfo=None),
                list(fix_commits),
                list(cause_commits),
                json.dumps(raw or {}),
                reference,
            ],
        )


def links(store: Store) -> set[tuple[str, str, str, str]]:
    """Every link as (incident, sha, role, method)."""
    rows = store.query("SELECT incident_id, sha, role, method FROM incident_links")
    return {(r[0], r[1], r[2], r[3]) for r in rows}


def link_row(store: Store, incident_id: str, sha: str, role: str) -> tuple[Any, ...]:
    """(method, confidence, evidence) of one link."""
    rows = store.query(
        """SELECT method, confidence, evidence FROM incident_links
           WHERE incident_id = ? AND sha = ? AND role = ?""",
        [incident_id, sha, role],
    )
    assert len(rows) == 1, rows
    return rows[0]


def notes(store: Store, kind: str | None = None) -> list[tuple[str, str | None, str]]:
    """(incident, sha, detail) of the link notes, of one kind if given."""
    rows = store.query(
        "SELECT incident_id, sha, kind, detail FROM link_notes ORDER BY incident_id, detail"
    )
    return [(r[0], r[1], r[3]) for r in rows if kind is None or r[2] == kind]
