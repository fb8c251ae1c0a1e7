"""What the store knows about the files a pull request touches: whether they rank among
the repository's hotspots (the analysis' own ranking) and which incidents were linked to
commits that changed them. Read-only; a repository the store has not mined gets no
history, and a note saying so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyarrow as pa

from analyzer.analysis.frames import changes, read_frames
from analyzer.analysis.hotspots import rank_hotspots
from analyzer.analysis.result import Hotspot
from analyzer.git.repository import Repository
from analyzer.scope import Scope
from analyzer.store import Store
from analyzer.store.writes import registered

_INCIDENTS_SQL = """
SELECT DISTINCT w.path, i.incident_id, i.reference, i.title, i.severity, i.severity_rank,
       i.created_at, l.role, l.method
FROM {paths} w
JOIN file_changes fc ON fc.repo_id = ? AND fc.path = w.store_path
JOIN incident_links l ON l.repo_id = fc.repo_id AND l.sha = fc.sha
JOIN incidents i ON i.incident_id = l.incident_id
ORDER BY w.path, i.created_at DESC, i.incident_id, l.role
"""


@dataclasses.dataclass(frozen=True)
class LinkedIncident:
    """An incident linked (as ``role``: inducing, fix or related) to a commit that changed
    the file."""

    incident_id: str
    reference: str | None
    title: str | None
    severity: str | None
    severity_rank: int | None
    created_at: dt.datetime
    role: str
    method: str

    @property
    def label(self) -> str:
        """What people cite: the tool's reference (``OPS-42``) or the id."""
        return self.reference or self.incident_id


@dataclasses.dataclass(frozen=True)
class FileHistory:
    """A touched file's place among the hotspots and its incidents, newest first."""

    path: str
    hotspot_rank: int | None
    hotspot: Hotspot | None
    incidents: tuple[LinkedIncident, ...]

    @property
    def incident_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.incident_id for i in self.incidents))


@dataclasses.dataclass(frozen=True)
class StoreHistory:
    """The store's view of the repository: ``repo_id`` (``None`` if never mined), a note on
    anything missing, and the history of each touched file that has one."""

    db: Path | None
    repo_id: str | None
    note: str
    files: Mapping[str, FileHistory]


def read_store_history(
    store: Store | None, repository: Repository, paths: Mapping[str, str], merge_base: str
) -> StoreHistory:
    """History of the touched files; ``paths`` maps each file's path in the pull request
    to the path its history is under (its old path if the pull request renames it)."""
    if store is None:
        return StoreHistory(
            None,
            None,
            "no store: hotspots and incident history need `jevons mine` and `jevons link` first",
            {},
        )
    repo_id = find_repo_id(store, repository)
    if repo_id is None:
        return StoreHistory(
            store.path,
            None,
            f"{repository.name} is not in the store: run "
            f"`jevons mine {repository.path}` for hotspots and incidents",
            {},
        )
    hotspots = rank_hotspots_of(store, repo_id)
    ranks = {h.path: (rank, h) for rank, h in enumerate(hotspots, start=1)}
    incidents = _incidents_by_path(store, repo_id, paths)
    files = {}
    for path, history_path in paths.items():
        rank, hotspot = ranks.get(history_path, (None, None))
        linked = incidents.get(path, ())
        if hotspot is not None or linked:
            files[path] = FileHistory(path, rank, hotspot, linked)
    return StoreHistory(store.path, repo_id, _staleness(store, repo_id, merge_base), files)


def find_repo_id(store: Store, repository: Repository) -> str | None:
    """The store's id for ``repository``: the one mined from the same path, else the only
    one with the same name (a CI checkout mined elsewhere)."""
    rows = store.query("SELECT repo_id, path, name FROM repos ORDER BY repo_id")
    for repo_id, path, _ in rows:
        if path == str(repository.path):
            return str(repo_id)
    named = [repo_id for repo_id, _, name in rows if name == repository.name]
    return str(named[0]) if len(named) == 1 else None


def rank_hotspots_of(store: Store, repo_id: str) -> tuple[Hotspot, ...]:
    """The analysis' hotspot ranking of one repository over its whole history."""
    frames = read_frames(store, Scope(repo=repo_id))
    return rank_hotspots(frames.touches, changes(frames), frames.links)


def _incidents_by_path(
    store: Store, repo_id: str, paths: Mapping[str, str]
) -> dict[str, tuple[LinkedIncident, ...]]:
    if not paths:
        return {}
    table = pa.table({"path": list(paths), "store_path": list(paths.values())})
    with store.connect() as conn, registered(conn, "jevons_report_paths", table) as name:
        rows = conn.execute(_INCIDENTS_SQL.format(paths=name), [repo_id]).fetchall()
    found: dict[str, list[LinkedIncident]] = {}
    for path, *values in rows:
        found.setdefault(path, []).append(LinkedIncident(*values))
    return {path: tuple(linked) for path, linked in found.items()}


def _staleness(store: Store, repo_id: str, merge_base: str) -> str:
    known = store.query(
        "SELECT count(*) FROM commits WHERE repo_id = ? AND sha = ?", [repo_id, merge_base]
    )[0][0]
    if known:
        return ""
    mined = store.query("SELECT head_sha, mined_at FROM repos WHERE repo_id = ?", [repo_id])
    head, when = mined[0] if mined else (None, None)
    at = f" (mined to {str(head)[:10]}" + (f" on {when:%Y-%m-%d})" if when else ")")
    return (
        f"the store has not mined this pull request's merge base {merge_base[:10]} yet"
        f"{at if head else ''}: hotspots and incidents are as of that mining run"
    )


def history_paths(changed: Sequence[tuple[str, str | None]]) -> dict[str, str]:
    """``{path: path its history is under}`` for ``(path, old_path)`` pairs."""
    return {path: old_path or path for path, old_path in changed}
