"""``link_incidents``: every linking method over the store, written back in one transaction.

Order matters and is fixed: explicit references and fix references first (they name the
fixes), SZZ from those fixes (unless the incident names its cause itself), ownership last
and only for incidents with no fix and no cause. Re-running replaces every link and note
the previous run wrote, so linking is idempotent.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

from analyzer.config import Config
from analyzer.errors import LinkingError
from analyzer.linking.commit_index import CommitIndex, StoredCommit
from analyzer.linking.explicit import explicit_links
from analyzer.linking.fix_references import fix_reference_links
from analyzer.linking.ignore_revs import ignore_revs_file, read_ignore_revs
from analyzer.linking.incident_records import IncidentRecord, read_incidents
from analyzer.linking.ownership import (
    OWNERSHIP_WINDOW,
    Ownership,
    Touch,
    load_ownership,
    ownership_links,
)
from analyzer.linking.rules import LinkingRules, load_rules
from analyzer.linking.summary import LinkNote, LinkSummary
from analyzer.linking.szz import PathRules, SzzVariant
from analyzer.linking.szz import szz_variant as choose_variant
from analyzer.linking.szz_links import RepoContext, szz_links
from analyzer.models import Link
from analyzer.store import Store, open_store, writer_lock

_METHOD_RANK = {"explicit": 0, "fix_reference": 1, "szz": 2, "ownership": 3}


@dataclasses.dataclass(frozen=True)
class _StoreView:
    incidents: list[IncidentRecord]
    index: CommitIndex
    repos: dict[str, RepoContext]


def link_incidents(
    db: Store | Path | str | None = None,
    *,
    fix_patterns: Sequence[str] | None = None,
    ownership: Path | str | None = None,
    szz_variant: str | None = None,
    config: Config | None = None,
) -> LinkSummary:
    """Link the stored incidents to the commits that fixed, caused or preceded them.

    ``fix_patterns`` (regexes with a ``ref`` group) add to the built-in commit-message
    patterns; ``ownership`` names a service -> path-globs file; ``szz_variant`` is ``b``,
    ``ag`` or ``r`` (default: the configuration's, else ``r``).
    """
    config = config or Config()
    variant = choose_variant(szz_variant or config.linking.szz_variant)
    rules = load_rules([*config.linking.fix_patterns, *(fix_patterns or ())])
    ownership_file = ownership or config.linking.ownership_file
    owners = load_ownership(Path(ownership_file)) if ownership_file else None
    store = open_store(db, read_only=False, missing="error")
    started = time.perf_counter()
    with writer_lock(store.path, wait=30.0):
        with store.connect() as conn:
            view = _read_store(conn, rules, config)
        links, notes = _compute(view, rules, variant, owners, config, store)
        _write(store, links, notes)
    return _summary(view, links, notes, variant, time.perf_counter() - started)


def _read_store(conn: duckdb.DuckDBPyConnection, rules: LinkingRules, config: Config) -> _StoreView:
    repo_rows = conn.execute("SELECT repo_id, name, path, history_mode FROM repos").fetchall()
    commit_rows = conn.execute(
        "SELECT repo_id, sha, parents, committed_at, message, is_merge FROM commits"
    ).fetchall()
    commits = [
        StoredCommit(repo, sha, (parents or [None])[0], when, message or "", bool(merge))
        for repo, sha, parents, when, message, merge in commit_rows
    ]
    index = CommitIndex(
        commits,
        repo_names={row[0]: row[1] for row in repo_rows},
        pull_request_patterns=rules.pull_request_patterns,
    )
    repos = {
        repo_id: _repo_context(repo_id, Path(path), mode, index, config)
        for repo_id, _, path, mode in repo_rows
    }
    configured = config.linking.ignore_revs_file
    if (
        configured
        and repos
        and not any(ignore_revs_file(repo.path, configured) for repo in repos.values())
    ):
        raise LinkingError(
            f"ignore-revs file {configured!r} not found in any repository's root "
            "nor in the working directory"
        )
    return _StoreView(read_incidents(conn), index, repos)


def _repo_context(
    repo_id: str, path: Path, mode: str | None, index: CommitIndex, config: Config
) -> RepoContext:
    revs_file = ignore_revs_file(path, config.linking.ignore_revs_file)
    return RepoContext(
        repo_id=repo_id,
        path=path,
        first_parent=(mode or config.mining.history) == "first-parent",
        ignore_revs=read_ignore_revs(revs_file, repo_id, index) if revs_file else (),
    )


def _compute(
    view: _StoreView,
    rules: LinkingRules,
    variant: SzzVariant,
    owners: Ownership | None,
    config: Config,
    store: Store,
) -> tuple[list[Link], list[LinkNote]]:
    links: list[Link] = []
    notes: list[LinkNote] = []
    for incident in view.incidents:
        found, unresolved = explicit_links(incident, view.index)
        links += found
        notes += [
            LinkNote(
                incident.incident_id,
                "unresolved_reference",
                f"{u.reference.where} names {u.reference.text!r}: {u.problem}",
            )
            for u in unresolved
        ]
    links += fix_reference_links(view.index, view.incidents, rules.fix_patterns)
    links = _deduplicated(links)
    inducing, szz_notes = _szz(view, links, rules, variant, config)
    unfixed = _without_links(view.incidents, links + inducing)
    related, ownership_notes = _ownership(store, unfixed, owners)
    return _deduplicated(links + inducing + related), notes + szz_notes + ownership_notes


def _szz(
    view: _StoreView,
    links: list[Link],
    rules: LinkingRules,
    variant: SzzVariant,
    config: Config,
) -> tuple[list[Link], list[LinkNote]]:
    named_cause = {link.incident_id for link in links if link.role == "inducing"}
    fixes: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        if link.role == "fix" and link.incident_id not in named_cause:
            fixes[link.incident_id].append(link)
    by_id = {incident.incident_id: incident for incident in view.incidents}
    return szz_links(
        fixes,
        by_id,
        view.index,
        view.repos,
        variant,
        paths=PathRules(
            skip=rules.szz_skip_paths + config.excluded_globs, config=rules.szz_config_paths
        ),
        workers=config.mining.workers,
    )


def _without_links(
    incidents: Sequence[IncidentRecord], links: Sequence[Link]
) -> list[IncidentRecord]:
    linked = {link.incident_id for link in links if link.role in ("fix", "inducing")}
    return [incident for incident in incidents if incident.incident_id not in linked]


def _ownership(
    store: Store, unfixed: list[IncidentRecord], owners: Ownership | None
) -> tuple[list[Link], list[LinkNote]]:
    if owners is None or not unfixed:
        reasons = dict.fromkeys((i.incident_id for i in unfixed), "no ownership file given")
        return [], _no_fix_notes(unfixed, reasons)
    links, reasons = ownership_links(unfixed, _touches(store, unfixed), owners)
    return links, _no_fix_notes(unfixed, reasons)


def _no_fix_notes(unfixed: Sequence[IncidentRecord], reasons: dict[str, str]) -> list[LinkNote]:
    base = "no fix commit found: the incident names none and no commit message names it"
    linked = "its service's recent changes are linked as related"
    return [
        LinkNote(i.incident_id, "no_fix", f"{base}; {reasons.get(i.incident_id, linked)}")
        for i in unfixed
    ]


def _touches(store: Store, incidents: Sequence[IncidentRecord]) -> list[Touch]:
    start = min(i.created_at for i in incidents) - OWNERSHIP_WINDOW
    end = max(i.created_at for i in incidents)
    rows = store.query(
        """SELECT c.repo_id, c.sha, c.committed_at, f.path
           FROM commits c JOIN file_changes f USING (repo_id, sha)
           WHERE c.committed_at BETWEEN ? AND ? AND NOT coalesce(f.excluded, false)""",
        [start, end],
    )
    return [Touch(*row) for row in rows]


def _deduplicated(links: Sequence[Link]) -> list[Link]:
    """One link per (incident, repository, commit, role): the strongest method's."""
    best: dict[tuple[str, str, str, str], Link] = {}
    for link in links:
        key = (link.incident_id, link.repo_id, link.sha, link.role)
        held = best.get(key)
        if held is None or (_METHOD_RANK[link.method], -link.confidence) < (
            _METHOD_RANK[held.method],
            -held.confidence,
        ):
            best[key] = link
    return list(best.values())


def _write(store: Store, links: Sequence[Link], notes: Sequence[LinkNote]) -> None:
    link_frame = pd.DataFrame(
        [dataclasses.astuple(link) for link in links],
        columns=[f.name for f in dataclasses.fields(Link)],
    )
    note_frame = pd.DataFrame(
        [(n.incident_id, n.repo_id, n.sha, n.kind, n.detail) for n in notes],
        columns=["incident_id", "repo_id", "sha", "kind", "detail"],
    )
    with store.transaction() as conn:
        conn.execute("DELETE FROM incident_links")
        conn.execute("DELETE FROM link_notes")
        conn.register("new_links", link_frame)
        conn.register("new_notes", note_frame)
        conn.execute(
            """INSERT INTO incident_links
                 (incident_id, repo_id, sha, role, method, confidence, evidence)
               SELECT incident_id, repo_id, sha, role, method, confidence, evidence
               FROM new_links"""
        )
        conn.execute(
            """INSERT INTO link_notes (incident_id, repo_id, sha, kind, detail)
               SELECT incident_id, repo_id, sha, kind, detail FROM new_notes"""
        )


def _summary(
    view: _StoreView,
    links: Sequence[Link],
    notes: Sequence[LinkNote],
    variant: SzzVariant,
    seconds: float,
) -> LinkSummary:
    by_role: dict[str, set[str]] = defaultdict(set)
    for link in links:
        by_role[link.role].add(link.incident_id)
    linked = set().union(*by_role.values()) if by_role else set()
    return LinkSummary(
        szz_variant=variant.title,
        incidents=len(view.incidents),
        links=dict(Counter(f"{link.method}/{link.role}" for link in links)),
        incidents_by_role={role: len(ids) for role, ids in by_role.items()},
        unlinked_incidents=len(view.incidents) - len(linked),
        notes=tuple(notes),
        seconds=seconds,
    )
