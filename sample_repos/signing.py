"""Who signs each commit, when, and in what words: the identities and markers a tool or
a person leaves, GitHub's squash and merge conventions, and the truth record of each.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import posixpath
import random

from sample_repos.edits import Edit
from sample_repos.fastimport import Signature
from sample_repos.history import TRAILERS_OFF, Change
from sample_repos.messages import (
    MessageWriter,
    compose,
    identity_variant,
    reference,
    revert_message,
    squash_message,
)
from sample_repos.people import GITHUB_WEB, Identity, Marking


@dataclasses.dataclass
class CommitRecord:
    """What the generator knows about one commit (becomes the ground truth)."""

    mark: int
    parents: list[int]
    klass: str
    tool: str | None
    kind: str
    service: str
    delivery: str
    mainline: bool
    author: Signature
    committer: Signature
    subject: str
    markers: list[str] = dataclasses.field(default_factory=list)
    weak_markers: list[str] = dataclasses.field(default_factory=list)
    awkward: str | None = None
    branch: str | None = None
    change: Change | None = None
    reverts: int | None = None
    merged: list[int] = dataclasses.field(default_factory=list)


_CAUGHT_REASONS = (
    "Canary error rate doubled after this shipped; reverting while we investigate.",
    "Rolling back: elevated 5xx in the canary.",
    "Breaks the nightly contract tests against staging.",
)


@dataclasses.dataclass(frozen=True)
class Reverted:
    """The commit a revert undoes, as ``git revert`` quotes it."""

    subject: str
    sha: str


class CommitSigner:
    """Signs changes as commits; numbers pull requests as GitHub would."""

    def __init__(self, rng: random.Random, writer: MessageWriter) -> None:
        self.rng = rng
        self.writer = writer
        self.pr = 0

    def next_pr(self) -> int:
        self.pr += 1
        return self.pr

    def sign(
        self, change: Change, edit: Edit, reverts: Reverted | None = None
    ) -> tuple[Signature, Signature, str, CommitRecord]:
        """Identities, dates and message of ``change``, and its truth record."""
        human = identity_variant(change, self.rng)
        marking = (
            change.tool.mark(self.rng, change.at.date(), human)
            if change.tool and not change.unmarked
            else Marking()
        )
        subject, paragraphs = self._text(change, edit, reverts)
        trailers = self.writer.human_trailers(change) + list(marking.trailers)
        if marking.web_edit and edit.module:
            subject = f"Update {posixpath.basename(self._path_of(edit))}"
        author_id = marking.author or human
        committer_id = marking.committer or (marking.author or human)
        if change.awkward == "aider-committer-only":
            committer_id = Identity(f"{human.name} (aider)", human.email)
        tz = change.person.tz_minutes if author_id.email == human.email else 0
        committed = change.at
        if change.delivery == "squash":
            pr = self.next_pr()
            authored = self._authored_before(change)
            message = squash_message(
                subject,
                pr,
                self._squash_subjects(subject),
                paragraphs,
                trailers,
                marking.footer,
            )
            author = Signature(author_id, authored, tz)
            committer = Signature(GITHUB_WEB, committed, 0)
            subject = f"{subject} (#{pr})"
        else:
            message = compose(subject, paragraphs, trailers, marking.footer)
            author = Signature(author_id, committed, tz)
            late = dt.timedelta(seconds=self.rng.choice((0, 0, 0, self.rng.randint(20, 900))))
            committer = Signature(
                committer_id, committed + late, tz if committer_id.email == author_id.email else 0
            )
        record = CommitRecord(
            0,
            [],
            change.klass,
            self._tool_name(change),
            change.kind,
            change.service,
            change.delivery,
            True,
            author,
            committer,
            subject,
        )
        record.markers = self._markers(change, marking, author_id)
        record.weak_markers = self._weak_markers(change, trailers, committer_id)
        record.awkward = TRAILERS_OFF if change.trailers_off else change.awkward
        return author, committer, message, record

    def _path_of(self, edit: Edit) -> str:
        for file, _, _ in edit.added or []:
            return file.path
        for file, _, _, _ in edit.modified:
            return file.path
        return edit.module

    def _text(self, change: Change, edit: Edit, reverts: Reverted | None) -> tuple[str, list[str]]:
        if change.kind == "revert" and reverts is not None:
            assert change.fixes is not None
            reason = self.rng.choice(_CAUGHT_REASONS)
            incident = change.fixes.incident
            if incident is not None:
                reason = "Rolling back after the incident; a proper fix will follow."
                if incident.link == "fix_reference":
                    reason += " " + reference(incident, self.rng)[1]
            text = revert_message(reverts.subject, reverts.sha, reason)
            subject, _, rest = text.partition("\n\n")
            return subject, [rest]
        if change.kind == "config_fix" and change.fixes_incident is not None:
            incident = change.fixes_incident
            subject, paragraphs = self.writer.config_fix_subject(incident), []
        else:
            subject, paragraphs = self.writer.subject(change, edit), self.writer.body(change, edit)
            incident = change.fixes.incident if change.fixes is not None else None
        if incident is not None and incident.link == "fix_reference":
            short, long = reference(incident, self.rng)
            if self.rng.random() < 0.5:
                subject = f"{subject} {short}"
            else:
                paragraphs.append(long)
        return subject, paragraphs

    def _authored_before(self, change: Change) -> dt.datetime:
        """A squash commit keeps the pull request author's earlier date."""
        delta = dt.timedelta(hours=self.rng.uniform(0.3, 30))
        incident = change.fixes.incident if change.fixes is not None else change.fixes_incident
        if incident is not None:
            delta = min(delta, (change.at - incident.created_at) / 2)
        return change.at - delta

    def _squash_subjects(self, subject: str) -> list[str]:
        extra = self.rng.choice(((), ("Address review comments",), ("Fix lint", "Update tests")))
        return [subject, *extra]

    @staticmethod
    def _tool_name(change: Change) -> str | None:
        if change.tool is not None:
            return change.tool.tool
        return "codex" if change.unmarked else None

    @staticmethod
    def _markers(change: Change, marking: Marking, author: Identity) -> list[str]:
        markers = []
        if marking.author is not None:
            markers.append(f"author: {author}")
        markers += list(marking.trailers)
        if marking.footer:
            markers.append(marking.footer)
        return markers

    @staticmethod
    def _weak_markers(change: Change, trailers: list[str], committer: Identity) -> list[str]:
        if change.awkward == "inherited-coauthors":
            ai = ("anthropic.com", "cursor.com", "198982749+Copilot")
            return [t for t in trailers if any(a in t for a in ai)]
        if change.awkward == "aider-committer-only":
            return [f"committer: {committer}"]
        return []
