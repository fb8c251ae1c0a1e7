"""A fix that reverts a commit names its own inducing commit: the one it undoes.

``git revert`` writes ``This reverts commit <sha>.`` into the message; when that commit is
stored and was made before the incident was reported, it is the inducing commit, with no
blame needed (and configuration changes, which SZZ does not blame, are found this way).
"""

from __future__ import annotations

import re

from analyzer.linking.commit_index import CommitIndex, StoredCommit
from analyzer.linking.incident_records import IncidentRecord
from analyzer.models import Link

#: A revert names the change it undoes: as strong as SZZ's best evidence gets.
REVERT_CONFIDENCE = 0.9
_REVERTS = re.compile(r"This reverts commit ([0-9a-fA-F]{7,40})")


def reverted_commits(
    fix: StoredCommit, incident: IncidentRecord, index: CommitIndex
) -> list[StoredCommit]:
    """The stored commits ``fix`` reverts that were made before ``incident`` was reported."""
    found = []
    for sha in _REVERTS.findall(fix.message):
        for commit in index.resolve_sha(sha).commits:
            if commit.repo_id == fix.repo_id and commit.committed_at <= incident.created_at:
                found.append(commit)
    return found


def revert_link(incident: IncidentRecord, fix: Link, reverted: StoredCommit) -> Link:
    """The ``inducing`` link from an incident to the commit its fix reverted."""
    return Link(
        incident_id=incident.incident_id,
        repo_id=reverted.repo_id,
        sha=reverted.sha,
        role="inducing",
        method="szz",
        confidence=round(REVERT_CONFIDENCE * fix.confidence, 3),
        evidence=(
            f"fix {fix.sha[:10]} ({fix.method}) reverts this commit "
            f"('This reverts commit {reverted.sha[:10]}'): {reverted.subject[:80]}"
        ),
    )
