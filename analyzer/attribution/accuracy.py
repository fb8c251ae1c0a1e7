"""How well the labels agree with a ground truth: precision and recall per class.

Used by the accuracy test and the benchmark on the sample scenarios, whose generator records
each commit's true class and tool. Pure functions on mappings ``sha -> class``.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from analyzer.attribution.classify import classify_commit
from analyzer.attribution.rules import RuleSet
from analyzer.config import HistoryMode
from analyzer.git.log import read_commits
from analyzer.git.repository import list_commits, open_repository
from analyzer.models import AI_CLASSES, AUTHORSHIP_CLASSES, Attribution, Authorship


@dataclasses.dataclass(frozen=True)
class ClassScore:
    """One class: how many commits truly are, how many were labelled so, how many both."""

    authorship: str
    actual: int
    labelled: int
    correct: int

    @property
    def precision(self) -> float | None:
        return self.correct / self.labelled if self.labelled else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.actual if self.actual else None


@dataclasses.dataclass(frozen=True)
class Mislabel:
    sha: str
    actual: str
    labelled: str
    actual_tool: str | None = None
    labelled_tool: str | None = None


@dataclasses.dataclass(frozen=True)
class AccuracyReport:
    """Per-class scores, the confusion counts, every mislabelled commit, and tool agreement
    among commits whose AI class was right (None without tool truth)."""

    scores: tuple[ClassScore, ...]
    confusion: Mapping[tuple[str, str], int]
    mislabels: tuple[Mislabel, ...]
    automation_labelled_ai: int
    tool_agreement: float | None

    def score(self, authorship: str) -> ClassScore:
        return next(s for s in self.scores if s.authorship == authorship)


def label_repository(
    repo: Path | str, rules: RuleSet, history: HistoryMode = "full"
) -> dict[str, Attribution]:
    """Label every commit of the repository at ``repo`` (read by the miner's ``git log``
    reader, without metrics or store): ``sha -> Attribution``."""
    opened = open_repository(repo)
    shas = list_commits(opened, history)
    return {c.sha: classify_commit(c, rules) for c in read_commits(opened.path, shas, history)}


def score_attribution(
    actual: Mapping[str, str],
    labelled: Mapping[str, str],
    *,
    actual_tools: Mapping[str, str | None] | None = None,
    labelled_tools: Mapping[str, str | None] | None = None,
) -> AccuracyReport:
    """Compare ``labelled`` with ``actual`` on the commits both hold (keyed by SHA)."""
    shared = sorted(set(actual) & set(labelled))
    confusion = Counter((actual[sha], labelled[sha]) for sha in shared)
    scores = tuple(
        ClassScore(
            authorship=name,
            actual=sum(n for (a, _), n in confusion.items() if a == name),
            labelled=sum(n for (_, p), n in confusion.items() if p == name),
            correct=confusion[(name, name)],
        )
        for name in AUTHORSHIP_CLASSES
    )
    tools_a, tools_l = actual_tools or {}, labelled_tools or {}
    mislabels = tuple(
        Mislabel(sha, actual[sha], labelled[sha], tools_a.get(sha), tools_l.get(sha))
        for sha in shared
        if actual[sha] != labelled[sha]
    )
    return AccuracyReport(
        scores=scores,
        confusion=dict(confusion),
        mislabels=mislabels,
        automation_labelled_ai=sum(
            n for (a, p), n in confusion.items() if a == Authorship.AUTOMATION and p in AI_CLASSES
        ),
        tool_agreement=_tool_agreement(shared, actual, labelled, actual_tools, labelled_tools),
    )


def _tool_agreement(
    shared: list[str],
    actual: Mapping[str, str],
    labelled: Mapping[str, str],
    actual_tools: Mapping[str, str | None] | None,
    labelled_tools: Mapping[str, str | None] | None,
) -> float | None:
    if actual_tools is None or labelled_tools is None:
        return None
    right = [sha for sha in shared if actual[sha] in AI_CLASSES and actual[sha] == labelled[sha]]
    if not right:
        return None
    same = sum(1 for sha in right if actual_tools.get(sha) == labelled_tools.get(sha))
    return same / len(right)
