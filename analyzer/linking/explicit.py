"""Explicit links: the incident itself names the commits (or pull requests) that fixed or
caused it: its ``fix_commits``/``cause_commits`` fields, or lines of its text (description
or body) in the Four Keys convention ``root cause: <sha>``, and likewise
``fixed by: <sha>`` (``fixed in:``, ``fix commit:``). In text, a SHA, a pull request
(``#41``, ``PR 41``, a ``.../pull/41`` URL) or a commit URL counts; other words after the
colon ("root cause: a bad config push") are prose, not references.
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

_TEXT_LINES = (
    (
        "inducing",
        "'root cause:' line",
        re.compile(r"(?im)^[ \t>*_-]*root[ _-]?cause[ \t*_]*:[ \t*_]*(\S+)"),
    ),
    (
        "fix",
        "'fixed by:' line",
        re.compile(r"(?im)^[ \t>*_-]*fix(?:ed[ \t]+(?:by|in)|[ \t]+commit)[ \t*_]*:[ \t*_]*(\S+)"),
    ),
)
_REFERENCE_SHAPE = re.compile(
    r"(?i)^(?:[0-9a-f]{7,40}|(?:pr|mr|pull)?[-#!: ]*[0-9]+|https?://\S+/(?:commits?|pull|pulls|merge_requests)/\S+)$"
)
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
    """The commit references an incident carries, in field order, each once."""
    yield from dict.fromkeys(_references(incident))


def _references(incident: IncidentRecord) -> Iterator[ExplicitReference]:
    for field, role, values in (
        ("fix_commits", "fix", incident.fix_commits),
        ("cause_commits", "inducing", incident.cause_commits),
    ):
        for value in values:
            for token in _SEPARATORS.split(value.strip()):
                if token:
                    yield ExplicitReference(token, field, role)  # type: ignore[arg-type]
    for role, where, pattern in _TEXT_LINES:
        for match in pattern.finditer(incident.text):
            token = match[1].strip(".,;)")
            if _REFERENCE_SHAPE.match(token) and not token.isdigit():
                yield ExplicitReference(token, where, role)  # type: ignore[arg-type]


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
