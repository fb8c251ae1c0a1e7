"""Explicit links: the incident itself names the commits (or pull requests) that fixed or
caused it, in its ``fix_commits``/``cause_commits`` fields or a Four Keys ``root cause:`` line.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from analyzer.linking.commit_index import CommitIndex, Resolution
from analyzer.linking.incident_records import IncidentRecord
from analyzer.models import Link, LinkRole

#: An incident's own word that a commit fixed or caused it.
EXPLICIT_CONFIDENCE = 1.0
#: A pull request resolved to the commit that landed it through a message convention.
PULL_REQUEST_CONFIDENCE = 0.95

_ROOT_CAUSE = re.compile(r"(?im)^[ \t>*_-]*root[ _-]?cause[ \t*_]*:[ \t*_]*(\S+)")
_SEPARATORS = re.compile(r"[\s,;]+")
_HEX = re.compile(r"[0-9a-fA-F]+")
_COMMIT_URL = re.compile(r"/commits?/([0-9a-fA-F]{4,40})\b")
_PULL_URL = re.compile(r"(?:^|/)([^/\s]+)/([^/\s]+)/(?:pull|pulls|merge_requests)/([0-9]+)")
_PULL_TOKEN = re.compile(r"(?i)^(?:pr|mr|pull|pull-request)?[-#!:]*([0-9]+)$")


@dataclasses.dataclass(frozen=True)
class ExplicitReference:
    """One commit reference in an incident: its text, where it was, and the role it names."""

    text: str
    where: str
    role: LinkRole


@dataclasses.dataclass(frozen=True)
class Unresolved:
    """A reference that names no single commit, and why."""

    reference: ExplicitReference
    problem: str


def explicit_references(incident: IncidentRecord) -> Iterator[ExplicitReference]:
    """The commit references an incident carries, in field order."""
    for field, role, values in (
        ("fix_commits", "fix", incident.fix_commits),
        ("cause_commits", "inducing", incident.cause_commits),
    ):
        for value in values:
            for token in _SEPARATORS.split(value.strip()):
                if token:
                    yield ExplicitReference(token, field, role)  # type: ignore[arg-type]
    for match in _ROOT_CAUSE.finditer(incident.text):
        yield ExplicitReference(match[1].strip(".,;)"), "'root cause:' line", "inducing")


def resolve_reference(text: str, index: CommitIndex) -> tuple[Resolution, str]:
    """The commits a reference names and how it was read (``"SHA"``, ``"pull request #7"``)."""
    if url := _COMMIT_URL.search(text):
        return index.resolve_sha(url[1]), "commit URL"
    if url := _PULL_URL.search(text):
        number = int(url[3])
        return index.resolve_pull_request(number, url[2].lower()), f"pull request #{number}"
    if _HEX.fullmatch(text) and not (text.isdigit() and len(text) < 7):
        return index.resolve_sha(text), "SHA"
    if token := _PULL_TOKEN.match(text):
        number = int(token[1])
        return index.resolve_pull_request(number), f"pull request #{number}"
    return Resolution((), f"{text!r} is neither a commit SHA nor a pull request"), "text"


def explicit_links(
    incident: IncidentRecord, index: CommitIndex
) -> tuple[list[Link], list[Unresolved]]:
    """Links for every reference that resolves; the others, with the reason."""
    links: list[Link] = []
    unresolved: list[Unresolved] = []
    for reference in explicit_references(incident):
        resolution, how = resolve_reference(reference.text, index)
        if resolution.problem is not None:
            unresolved.append(Unresolved(reference, resolution.problem))
            continue
        confidence = (
            EXPLICIT_CONFIDENCE if how in ("SHA", "commit URL") else PULL_REQUEST_CONFIDENCE
        )
        for commit in resolution.commits:
            verb = "fixed by" if reference.role == "fix" else "caused by"
            landed = "" if how in ("SHA", "commit URL") else f", landed by {commit.short}"
            links.append(
                Link(
                    incident_id=incident.incident_id,
                    repo_id=commit.repo_id,
                    sha=commit.sha,
                    role=reference.role,
                    method="explicit",
                    confidence=confidence,
                    evidence=(
                        f"the incident's {reference.where} says {verb} "
                        f"{reference.text!r} ({how}{landed}): {commit.subject[:80]}"
                    ),
                )
            )
    return links, unresolved
