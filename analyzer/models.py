"""The domain's nouns as frozen dataclasses.

A repository yields commits; a commit has file changes; a file version (a blob) has
metrics and functions; incidents are linked to commits. Field names match the store's
columns (``analyzer/store/schema.py``), which are a public contract.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import Literal


class Authorship(enum.StrEnum):
    """Who wrote a change: the one list of authorship classes, in the order tables and
    charts show them (the reference class, human, first).

    Each class has its value (the store's ``authorship`` column), its ``label`` (a table
    row, a chart legend), its ``words`` inside a sentence, whether it ``is_ai``, and its
    ``precedence`` when attribution orders classes (the strongest claim first: an agent's
    own work, then assisted work); ``None`` for ``unattributed``, which no rule gives: it is
    a commit attribution has not labelled.
    """

    label: str
    words: str
    is_ai: bool
    precedence: int | None
    _value_: str

    def __new__(
        cls,
        value: str,
        label: str = "",
        words: str = "",
        is_ai: bool = False,
        precedence: int | None = None,
    ) -> Authorship:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label, member.words, member.is_ai = label, words, is_ai
        member.precedence = precedence
        return member

    HUMAN = "human", "Human", "human", False, 2
    AI_ASSISTED = "ai_assisted", "AI-assisted", "AI-assisted", True, 1
    AI_AUTHORED = "ai_authored", "AI-authored", "AI-authored", True, 0
    AUTOMATION = "automation", "Automation", "automation (bot)", False, 3
    UNATTRIBUTED = "unattributed", "Unattributed", "unattributed", False, None


#: The classes attribution gives, by precedence (``ai_authored``, ``ai_assisted``,
#: ``human``, ``automation``).
AUTHORSHIP_CLASSES: tuple[Authorship, ...] = tuple(
    sorted((c for c in Authorship if c.precedence is not None), key=lambda c: c.precedence or 0)
)
#: The AI classes, in display order.
AI_CLASSES: tuple[Authorship, ...] = tuple(c for c in Authorship if c.is_ai)
ChangeType = Literal["A", "M", "D", "R"]
LinkRole = Literal["fix", "inducing", "related"]
LinkMethod = Literal["explicit", "fix_reference", "szz", "ownership"]


@dataclasses.dataclass(frozen=True)
class FileChange:
    """One path changed by a commit, with ``git diff --numstat`` line counts.

    Binary files have ``lines_added == lines_deleted == 0`` and ``is_binary`` set.
    ``old_blob``/``new_blob`` are ``None`` for an added/deleted file. ``old_mode`` and
    ``new_mode`` are git's file modes (``0o100644``, ``0o100755``, ``0o120000`` for a
    symbolic link, ``0o160000`` for a submodule), ``None`` on the missing side.
    """

    path: str
    old_path: str | None
    change_type: ChangeType
    lines_added: int
    lines_deleted: int
    is_binary: bool
    old_blob: str | None
    new_blob: str | None
    language: str | None = None
    excluded: bool = False
    old_mode: int | None = None
    new_mode: int | None = None


@dataclasses.dataclass(frozen=True)
class Commit:
    """A commit as read from ``git log``; times are UTC, offsets in minutes east of UTC."""

    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    authored_at: dt.datetime
    author_tz_minutes: int
    committer_name: str
    committer_email: str
    committed_at: dt.datetime
    committer_tz_minutes: int
    message: str
    changes: tuple[FileChange, ...] = ()

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]

    @property
    def lines_added(self) -> int:
        return sum(c.lines_added for c in self.changes)

    @property
    def lines_deleted(self) -> int:
        return sum(c.lines_deleted for c in self.changes)


@dataclasses.dataclass(frozen=True)
class FunctionMetrics:
    """One function as lizard sees it."""

    name: str
    long_name: str
    start_line: int
    end_line: int
    nloc: int
    ccn: int
    parameter_count: int
    token_count: int


@dataclasses.dataclass(frozen=True)
class BlobMetrics:
    """Metrics of one file version, keyed by its blob SHA.

    A blob that could not be analysed carries ``error`` (and whatever was measured
    before the failure); it never fails the run.
    """

    blob_sha: str
    language: str | None
    size_bytes: int
    loc: int | None = None
    nloc: int | None = None
    comment_lines: int | None = None
    function_count: int | None = None
    ccn_total: int | None = None
    ccn_max: int | None = None
    token_count: int | None = None
    maintainability_index: float | None = None
    halstead_volume: float | None = None
    error: str | None = None
    metric_set: str = "full"
    #: how the bytes were read: utf-8, utf-8-sig, utf-16, or latin-1 as the fallback
    encoding: str | None = None
    functions: tuple[FunctionMetrics, ...] = ()


@dataclasses.dataclass(frozen=True)
class Attribution:
    """Who (or what) wrote a commit, and why Jevons thinks so."""

    authorship: Authorship
    ai_tool: str | None
    evidence: str
    strength: Literal["strong", "weak"] | None = None
    weak_evidence: str | None = None
    rule_ids: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Incident:
    """An incident normalised from any source; times are UTC.

    ``incident_id`` is ``source:native id`` (``pagerduty:Q1ABC``, ``jira:OPS-42``) so ids
    never collide across tools; ``reference`` is what people and commit messages cite
    (``#1234``, ``INC-123``, ``OPS-42``, ``acme/shop#42``). ``severity`` is ``SEV1``..``SEV5``
    (rank 1 is worst). ``title`` is ``None`` only where a source has none (PagerDuty analytics).
    """

    incident_id: str
    source: str
    title: str | None
    created_at: dt.datetime
    severity: str | None = None
    severity_rank: int | None = None
    service: str | None = None
    status: str | None = None
    acknowledged_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    url: str | None = None
    description: str | None = None
    effort_minutes: float | None = None
    off_hours_minutes: float | None = None
    fix_commits: tuple[str, ...] = ()
    cause_commits: tuple[str, ...] = ()
    raw: str = "{}"
    reference: str | None = None
    interruptions: int | None = None
    off_hours_interruptions: int | None = None
    source_file: str | None = None


@dataclasses.dataclass(frozen=True)
class Link:
    """An incident linked to a commit, with the method, a confidence and readable evidence."""

    incident_id: str
    repo_id: str
    sha: str
    role: LinkRole
    method: LinkMethod
    confidence: float
    evidence: str
