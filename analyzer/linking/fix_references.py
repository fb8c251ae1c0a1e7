"""Fix references: commit messages that name an incident (``Fix INC-123``, ``PD #1234``).

Every pattern match is only a candidate reference: it links a commit to an incident only
if an incident goes by that reference, the pattern applies to the incident's source, and
the commit was made after the incident was reported (a commit cannot name an incident
that did not exist yet). Text quoted from a reverted commit's subject is not read: the
revert of a fix does not fix the incident again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from analyzer.linking.commit_index import StoredCommit
from analyzer.linking.incident_records import IncidentRecord, normalize_reference
from analyzer.linking.rules import FixPattern
from analyzer.models import Link

#: Clock skew allowed between the incident tool and the committer's machine.
REPORT_SLACK = dt.timedelta(hours=1)


@dataclasses.dataclass(frozen=True)
class Mention:
    """A pattern matched ``text`` (naming ``ref``) in the commit message line ``snippet``."""

    pattern: FixPattern
    ref: str
    text: str
    snippet: str


def mentions(message: str, patterns: Sequence[FixPattern]) -> Iterator[Mention]:
    """Every reference the patterns find in a commit message (a reverted subject aside)."""
    subject, _, body = message.partition("\n")
    text = body if subject.startswith('Revert "') else message
    for pattern in patterns:
        for match in pattern.regex.finditer(text):
            ref = match["ref"]
            if not ref:
                continue
            line_start = text.rfind("\n", 0, match.start()) + 1
            line_end = text.find("\n", match.end())
            snippet = text[line_start : line_end if line_end >= 0 else len(text)].strip()
            yield Mention(pattern, ref, match[0].strip(), snippet[:100])


def fix_reference_links(
    commits: Iterable[StoredCommit],
    incidents: Sequence[IncidentRecord],
    patterns: Sequence[FixPattern],
) -> list[Link]:
    """A ``fix`` link for every commit whose message names an incident it could have fixed."""
    by_reference: dict[str, list[IncidentRecord]] = defaultdict(list)
    for incident in incidents:
        for reference in incident.references:
            by_reference[reference].append(incident)
    links: dict[tuple[str, str, str], Link] = {}
    for commit in commits:
        for mention in mentions(commit.message, patterns):
            for incident in by_reference.get(normalize_reference(mention.ref), ()):
                if not _applies(mention.pattern, incident, commit):
                    continue
                key = (incident.incident_id, commit.repo_id, commit.sha)
                if key in links and links[key].confidence >= mention.pattern.confidence:
                    continue
                links[key] = _link(incident, commit, mention)
    return list(links.values())


def _applies(pattern: FixPattern, incident: IncidentRecord, commit: StoredCommit) -> bool:
    if pattern.sources and incident.source not in pattern.sources:
        return False
    return commit.committed_at >= incident.created_at - REPORT_SLACK


def _link(incident: IncidentRecord, commit: StoredCommit, mention: Mention) -> Link:
    return Link(
        incident_id=incident.incident_id,
        repo_id=commit.repo_id,
        sha=commit.sha,
        role="fix",
        method="fix_reference",
        confidence=mention.pattern.confidence,
        evidence=(
            f"commit {commit.short}'s message names the incident as {mention.text!r} "
            f"(pattern {mention.pattern.name}): {mention.snippet!r}"
        ),
    )
