"""The pull-request report as data: per-file deltas, complex functions, commits, history.

Figures are measured on the pull request's own diff (merge base to head); nothing here
reads the store or git. ``complexity_deltas`` and ``complex_functions`` compare the two
sides of each changed file with the miner's blob metrics.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from analyzer.mining.contributions import BlobRequest, PathClassifier, counted_sides
from analyzer.models import AI_CLASSES, Attribution, BlobMetrics, Commit, FileChange
from analyzer.reports.pr_history import StoreHistory
from analyzer.reports.risk import RiskAssessment

#: A function above this CCN is "complex" (the analysis' functions-over-10 series).
COMPLEX_CCN = 10


@dataclasses.dataclass(frozen=True)
class FileDelta:
    """One changed file: lines from the diff; NLOC and CCN of both sides where it counts
    towards complexity (source code, not vendored or generated)."""

    path: str
    old_path: str | None
    change_type: str
    lines_added: int
    lines_deleted: int
    language: str | None
    counted: bool
    nloc_before: int | None = None
    nloc_after: int | None = None
    ccn_before: int | None = None
    ccn_after: int | None = None
    error: str | None = None

    @property
    def lines_changed(self) -> int:
        return self.lines_added + self.lines_deleted

    @property
    def nloc_delta(self) -> int:
        return (self.nloc_after or 0) - (self.nloc_before or 0)

    @property
    def ccn_delta(self) -> int:
        return (self.ccn_after or 0) - (self.ccn_before or 0)


@dataclasses.dataclass(frozen=True)
class FunctionChange:
    """A function above CCN 10 at the head that is new, or more complex than before."""

    path: str
    name: str
    start_line: int
    ccn: int
    ccn_before: int | None
    nloc: int

    @property
    def kind(self) -> str:
        return "new" if self.ccn_before is None else "worsened"


@dataclasses.dataclass(frozen=True)
class PrCommit:
    """A commit of the pull request with its authorship as the attribution rules see it."""

    sha: str
    subject: str
    author_name: str
    committed_at: dt.datetime
    authorship: str
    ai_tool: str | None
    evidence: str
    lines_added: int
    lines_deleted: int
    is_merge: bool

    @property
    def is_ai(self) -> bool:
        return self.authorship in AI_CLASSES


@dataclasses.dataclass(frozen=True)
class PrReport:
    """Everything the Markdown shows."""

    repo: Path
    repo_name: str
    base: str
    head: str
    merge_base: str
    files: tuple[FileDelta, ...]
    functions: tuple[FunctionChange, ...]
    commits: tuple[PrCommit, ...]
    history: StoreHistory
    risk: RiskAssessment
    blobs_from_store: int
    blobs_measured_now: int

    @property
    def authored(self) -> tuple[PrCommit, ...]:
        return authored_commits(self.commits)

    @property
    def ai_commits(self) -> int:
        return sum(c.is_ai for c in self.authored)

    @property
    def ai_commit_share(self) -> float | None:
        return ai_commit_share(self.commits)

    @property
    def ai_line_share(self) -> float | None:
        added = sum(c.lines_added for c in self.authored)
        return sum(c.lines_added for c in self.authored if c.is_ai) / added if added else None

    @property
    def lines_added(self) -> int:
        return sum(f.lines_added for f in self.files)

    @property
    def lines_deleted(self) -> int:
        return sum(f.lines_deleted for f in self.files)

    @property
    def ccn_delta(self) -> int:
        return ccn_delta(self.files)

    @property
    def nloc_delta(self) -> int:
        return sum(f.nloc_delta for f in self.files if f.counted)

    def class_counts(self) -> dict[str, int]:
        """Commits per authorship class, merges left out."""
        counts: dict[str, int] = {}
        for commit in self.commits:
            if not commit.is_merge:
                counts[commit.authorship] = counts.get(commit.authorship, 0) + 1
        return counts


def authored_commits(commits: Sequence[PrCommit]) -> tuple[PrCommit, ...]:
    """The commits that count for the AI share: not merges, not automation bots."""
    return tuple(c for c in commits if not c.is_merge and c.authorship != "automation")


def ai_commit_share(commits: Sequence[PrCommit]) -> float | None:
    """AI-authored and AI-assisted commits over the authored commits (``None`` if none)."""
    authored = authored_commits(commits)
    return sum(c.is_ai for c in authored) / len(authored) if authored else None


def ccn_delta(files: Sequence[FileDelta]) -> int:
    """Net change of total CCN over the files that count towards complexity."""
    return sum(f.ccn_delta for f in files if f.counted)


def blob_requests(changes: tuple[FileChange, ...], classifier: PathClassifier) -> list[BlobRequest]:
    """Both counted sides of every change (the blobs whose metrics the report needs)."""
    return [request for change in changes for request in counted_sides(change, classifier)]


def file_delta(
    change: FileChange, classifier: PathClassifier, metrics: Mapping[str, BlobMetrics]
) -> FileDelta:
    """``change`` with the NLOC and CCN of each side that counts."""
    language, _ = classifier.classify(change.path)
    sides = {request.blob_sha: request for request in counted_sides(change, classifier)}
    before = metrics.get(change.old_blob or "") if change.old_blob in sides else None
    after = metrics.get(change.new_blob or "") if change.new_blob in sides else None
    errors = [m.error for m in (before, after) if m is not None and m.error]
    return FileDelta(
        path=change.path,
        old_path=change.old_path,
        change_type=change.change_type,
        lines_added=change.lines_added,
        lines_deleted=change.lines_deleted,
        language=language,
        counted=bool(sides),
        nloc_before=before.nloc if before else None,
        nloc_after=after.nloc if after else None,
        ccn_before=before.ccn_total if before else None,
        ccn_after=after.ccn_total if after else None,
        error="; ".join(errors) or None,
    )


def complex_functions(
    change: FileChange, classifier: PathClassifier, metrics: Mapping[str, BlobMetrics]
) -> list[FunctionChange]:
    """Functions of the new side above CCN 10 that did not exist before or got more
    complex. Functions are matched by name; a name defined twice is matched in order."""
    sides = {request.blob_sha for request in counted_sides(change, classifier)}
    after = metrics.get(change.new_blob or "") if change.new_blob in sides else None
    if after is None:
        return []
    before = metrics.get(change.old_blob or "") if change.old_blob in sides else None
    earlier: dict[str, list[int]] = {}
    for function in before.functions if before else ():
        earlier.setdefault(function.name, []).append(function.ccn)
    found = []
    for function in after.functions:
        previous = earlier.get(function.name)
        was = previous.pop(0) if previous else None
        if function.ccn > COMPLEX_CCN and (was is None or function.ccn > was):
            found.append(
                FunctionChange(
                    change.path,
                    function.name,
                    function.start_line,
                    function.ccn,
                    was,
                    function.nloc,
                )
            )
    return found


def pr_commit(commit: Commit, attribution: Attribution) -> PrCommit:
    return PrCommit(
        sha=commit.sha,
        subject=commit.subject,
        author_name=commit.author_name,
        committed_at=commit.committed_at,
        authorship=attribution.authorship,
        ai_tool=attribution.ai_tool,
        evidence=attribution.evidence,
        lines_added=commit.lines_added,
        lines_deleted=commit.lines_deleted,
        is_merge=commit.is_merge,
    )
