"""A store holding a test repository's commits and some incidents, for linking tests: built
by the real miner and the real importer."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from analyzer.config import Config
from analyzer.incidents import import_incidents
from analyzer.mining import mine_repositories
from analyzer.store import Store
from tests.support.repo_builder import RepoBuilder


def record_repo(
    store: Store,
    repo: RepoBuilder,
    *,
    history_mode: str = "first-parent",
    config: Config | None = None,
) -> str:
    """Mine ``repo`` into the store with the real miner; returns its repository id."""
    (summary,) = mine_repositories(
        [repo.path], db=store.path, history=history_mode, workers=1, config=config or Config()
    )
    return summary.repo_id


def add_incident(
    store: Store,
    incident_id: str,
    created_at: dt.datetime,
    *,
    service: str | None = None,
    fix_commits: Sequence[str] = (),
    cause_commits: Sequence[str] = (),
    description: str | None = None,
    reference: str | None = None,
) -> None:
    """Import one incident ``<source>:<id>`` with the real importer, from Jevons' own JSON."""
    source, native = incident_id.split(":", 1)
    record: dict[str, Any] = {
        "id": native,
        "source": source,
        "title": f"Incident {incident_id}",
        "created_at": created_at.astimezone(dt.UTC).isoformat(),
        "service": service,
        "fix_commits": list(fix_commits),
        "cause_commits": list(cause_commits),
        "description": description,
        "reference": reference,
    }
    import_file(store, f"{source}-{native}.json".replace("/", "_"), json.dumps([record]))


def import_file(store: Store, name: str, text: str) -> None:
    """Write an incident export next to the store and import it."""
    path = store.path.parent / name
    path.write_text(text, encoding="utf-8")
    import_incidents([path], db=store.path, config=Config())


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
