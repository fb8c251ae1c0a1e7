"""SZZ over the store: from every incident's fix links to ``inducing`` links and notes."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from analyzer.errors import GitCommandError
from analyzer.linking.commit_index import CommitIndex
from analyzer.linking.incident_records import IncidentRecord
from analyzer.linking.reverts import revert_link, reverted_commits
from analyzer.linking.summary import LinkNote
from analyzer.linking.szz import (
    Candidate,
    PathRules,
    SzzFix,
    SzzOutcome,
    SzzVariant,
    describe_span,
    find_inducing_commits,
)
from analyzer.models import Link


@dataclasses.dataclass(frozen=True)
class RepoContext:
    """A mined repository as SZZ needs it."""

    repo_id: str
    path: Path
    first_parent: bool
    ignore_revs: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class _Trace:
    incident: IncidentRecord
    fix: Link
    szz: SzzFix


def szz_links(
    fixes: Mapping[str, Sequence[Link]],
    incidents: Mapping[str, IncidentRecord],
    index: CommitIndex,
    repos: Mapping[str, RepoContext],
    variant: SzzVariant,
    *,
    paths: PathRules,
    workers: int | None = None,
) -> tuple[list[Link], list[LinkNote]]:
    """``inducing`` links for each incident's fixes (``fixes`` by incident id)."""
    traces, reverts, notes = _traces(fixes, incidents, index, repos, paths)
    links: dict[tuple[str, str, str], Link] = {}
    for link in reverts:
        key = (link.incident_id, link.repo_id, link.sha)
        links[key] = _stronger(links.get(key), link)
    for trace, outcome in _run_all(traces, variant, workers):
        if isinstance(outcome, str):
            notes.append(_note(trace, "szz_unavailable", outcome))
            continue
        if outcome.note is not None:
            notes.append(_note(trace, "szz_no_candidate", outcome.note))
        for link in _links(trace, outcome, index):
            key = (link.incident_id, link.repo_id, link.sha)
            links[key] = _stronger(links.get(key), link)
    return list(links.values()), notes


def _traces(
    fixes: Mapping[str, Sequence[Link]],
    incidents: Mapping[str, IncidentRecord],
    index: CommitIndex,
    repos: Mapping[str, RepoContext],
    paths: PathRules,
) -> tuple[list[_Trace], list[Link], list[LinkNote]]:
    """What to blame, per fix; the fixes that are reverts give their links directly."""
    traces: list[_Trace] = []
    reverts: list[Link] = []
    notes: list[LinkNote] = []
    for incident_id, fix_links in fixes.items():
        incident = incidents[incident_id]
        others = frozenset(link.sha for link in fix_links)
        for link in fix_links:
            repo = repos.get(link.repo_id)
            commit = index.get(link.repo_id, link.sha)
            if repo is None or commit is None or not repo.path.exists():
                where = repo.path if repo else link.repo_id
                notes.append(
                    LinkNote(
                        incident_id,
                        "szz_unavailable",
                        f"repository {where} is not available here: SZZ skipped",
                        link.repo_id,
                        link.sha,
                    )
                )
                continue
            undone = [c for c in reverted_commits(commit, incident, index) if c.sha not in others]
            if undone:
                reverts += [revert_link(incident, link, c) for c in undone]
                continue
            fix = SzzFix(
                repo=repo.path,
                sha=link.sha,
                parent=commit.parent,
                reported_at=incident.created_at,
                exclude=others,
                first_parent=repo.first_parent,
                ignore_revs=repo.ignore_revs,
                paths=paths,
            )
            traces.append(_Trace(incident, link, fix))
    return traces, reverts, notes


def _run_all(
    traces: Sequence[_Trace], variant: SzzVariant, workers: int | None
) -> Iterable[tuple[_Trace, SzzOutcome | str]]:
    def run(trace: _Trace) -> SzzOutcome | str:
        try:
            return find_inducing_commits(trace.szz, variant, workers=1)
        except GitCommandError as exc:
            return f"git failed while tracing the fix: {exc}"

    size = max(1, min(workers or os.cpu_count() or 2, 16))
    with ThreadPoolExecutor(max_workers=size) as pool:
        yield from zip(traces, pool.map(run, traces), strict=True)


def _links(trace: _Trace, outcome: SzzOutcome, index: CommitIndex) -> list[Link]:
    total = sum(c.line_count for c in outcome.kept) or 1
    links = []
    for candidate in outcome.kept:
        if index.get(trace.fix.repo_id, candidate.sha) is None:
            continue  # outside the mined history (e.g. a branch commit on first-parent mining)
        share = candidate.line_count / total
        weight = 1.0 if outcome.variant.keep == "latest" else 0.5 + 0.5 * share
        confidence = round(outcome.variant.precision * trace.fix.confidence * weight, 3)
        links.append(
            Link(
                incident_id=trace.incident.incident_id,
                repo_id=trace.fix.repo_id,
                sha=candidate.sha,
                role="inducing",
                method="szz",
                confidence=confidence,
                evidence=_evidence(trace, outcome, candidate),
            )
        )
    return links


def _evidence(trace: _Trace, outcome: SzzOutcome, candidate: Candidate) -> str:
    spans = "; ".join(describe_span(span) for span in candidate.spans)
    parts = [
        f"{outcome.variant.title} from fix {trace.fix.sha[:10]} ({trace.fix.method}): "
        f"blamed {spans} in the fix's parent to this commit"
    ]
    if outcome.superseded:
        parts.append(f"latest of {len(outcome.superseded) + 1} candidates")
    elif len(outcome.kept) > 1:
        parts.append(f"{candidate.line_count} of {outcome.blamed_lines} blamed lines")
    if outcome.after_report:
        shas = ", ".join(c.sha[:10] for c in outcome.after_report[:3])
        parts.append(f"dropped {len(outcome.after_report)} made after the incident ({shas})")
    return "; ".join(parts)


def _stronger(held: Link | None, new: Link) -> Link:
    """One link per candidate when several fixes blame it: the stronger, with both reasons."""
    if held is None:
        return new
    best, other = (held, new) if held.confidence >= new.confidence else (new, held)
    return dataclasses.replace(best, evidence=f"{best.evidence} | also: {other.evidence}")


def _note(trace: _Trace, kind: str, detail: str) -> LinkNote:
    return LinkNote(
        trace.incident.incident_id,
        kind,
        f"fix {trace.fix.sha[:10]}: {detail}",
        trace.fix.repo_id,
        trace.fix.sha,
    )
