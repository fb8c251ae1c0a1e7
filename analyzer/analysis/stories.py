"""Stories with a known truth, built to mislead a verdict, and how to score a verdict on them.

Each :class:`Story` is a synthetic store (``synthetic.SyntheticSpec``) at the demo's scale
(96 weeks, adoption at week 48, 20 changes a week, 6% of changes causing an incident, a
quarter of an incident a week with no code cause), or at a fraction of its volume. In the
**null** stories AI changes nothing: a verdict that names mix or rate, or a finding that
claims AI changes fail more than human changes of like size and place, is *false blame*.
In the **true** stories one effect moved incidents, and the verdict should name it.

The calibration benchmark (``benchmarks/bench_calibration.py``) runs each story hundreds
of times; the test suite runs a few seeds of the key ones. Nothing here is used by the
analysis itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Literal

from analyzer.analysis.synthetic import CLASSES, SyntheticSpec

Kind = Literal["null", "true"]
AI = ("ai_assisted", "ai_authored")
BASE_RATE = 0.06
WEEKS = 96
ADOPTION_WEEK = 48
CHANGES_PER_WEEK = 20.0
UNLINKED_PER_WEEK = 0.25


@dataclasses.dataclass(frozen=True)
class Story:
    """A way the data can look, what it truly is, and the verdict that tells it."""

    name: str
    kind: Kind
    text: str
    #: The driver a right verdict names (true stories only).
    driver: str | None
    #: The spec's changes from the steady base (volume is multiplied by the scale).
    changes: Mapping[str, Any]


def rates(**by_class: float) -> dict[str, float]:
    """Incidents per change for every class: ``BASE_RATE`` unless given."""
    return {c: by_class.get(c, BASE_RATE) for c in CLASSES}


def _ai_rate(rate: float) -> dict[str, float]:
    return rates(**{c: rate for c in AI})


STORIES: tuple[Story, ...] = (
    Story("steady", "null", "nothing changes but the AI share", None, {}),
    Story(
        "team growth",
        "null",
        "the team doubles at adoption; newcomers use AI more (80% vs 30%) and fail twice as "
        "often, AI or not",
        None,
        {
            "authors_after": 16,
            "commits_per_week_after": 2 * CHANGES_PER_WEEK,
            "ai_share_after": 0.3,
            "newcomer_ai_share": 0.8,
            "newcomer_rate_factor": 2.0,
        },
    ),
    Story(
        "censored follow-up",
        "null",
        "incidents arrive a mean 60 days after the change that caused them",
        None,
        {"lag_mean_days": 60.0},
    ),
    Story(
        "linkage drift",
        "null",
        "40% of code-caused incidents are linked before adoption, all after",
        None,
        {"linked_share_before": 0.4, "linked_share_after": 1.0},
    ),
    Story(
        "late records",
        "null",
        "incident records begin at week 30, with one stray incident recorded before",
        None,
        {"records_start_week": 30, "stray_incidents": 1},
    ),
    Story(
        "seasonality",
        "null",
        "volume and failure rates swing 50% over the year, rising through adoption",
        None,
        {"seasonal_amplitude": 0.5},
    ),
    Story(
        "volume",
        "true",
        "twice the changes after adoption, at the same rates",
        "volume",
        {"commits_per_week_after": 2 * CHANGES_PER_WEEK},
    ),
    Story(
        "AI fails 3x",
        "true",
        "AI changes fail three times as often as human ones",
        "mix",
        {"rate_after": _ai_rate(3 * BASE_RATE)},
    ),
    Story(
        "everyone fails more",
        "true",
        "every class fails twice as often after adoption",
        "rate",
        {"rate_after": rates(**{c: 2 * BASE_RATE for c in CLASSES})},
    ),
    Story(
        "AI fails less",
        "true",
        "AI changes fail a third as often as human ones",
        "mix",
        {"rate_after": _ai_rate(BASE_RATE / 3)},
    ),
    Story(
        "falling volume",
        "true",
        "half the changes after adoption, at the same rates",
        "volume",
        {"commits_per_week_after": CHANGES_PER_WEEK / 2},
    ),
)


def story(name: str) -> Story:
    """The story called ``name``."""
    for candidate in STORIES:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def story_spec(told: Story, *, scale: float = 1.0, seed: int = 0) -> SyntheticSpec:
    """The synthetic store of ``told`` at ``scale`` times the demo's volume."""
    changes = dict(told.changes)
    volume_after = changes.pop("commits_per_week_after", CHANGES_PER_WEEK)
    return SyntheticSpec(
        weeks=WEEKS,
        adoption_week=ADOPTION_WEEK,
        commits_per_week_before=CHANGES_PER_WEEK * scale,
        commits_per_week_after=volume_after * scale,
        ai_share_after=changes.pop("ai_share_after", 0.5),
        rate_before=rates(),
        rate_after=changes.pop("rate_after", rates()),
        unlinked_per_week_before=UNLINKED_PER_WEEK * scale,
        unlinked_per_week_after=UNLINKED_PER_WEEK * scale,
        seed=seed,
        **changes,
    )


@dataclasses.dataclass(frozen=True)
class Judgement:
    """How one verdict fared on one store of a story."""

    driver: str
    false_blame: bool
    right_driver: bool
    #: A finding claimed AI changes fail more than comparable human ones (controlled).
    controlled_ai_claim: bool


def judge(told: Story, document: Mapping[str, Any]) -> Judgement:
    """Score ``document`` (``AnalysisResult.to_dict()``) against the truth of ``told``."""
    driver = str(document["verdict"]["primary_driver"])
    claim = any(_controlled_ai_claim(f) for f in document["findings"])
    blamed = driver in ("mix", "rate") or claim
    return Judgement(
        driver=driver,
        false_blame=told.kind == "null" and blamed,
        right_driver=told.kind == "true" and driver == told.driver,
        controlled_ai_claim=claim,
    )


def _controlled_ai_claim(finding: Mapping[str, Any]) -> bool:
    """A finding, at a controlled rung, that an AI class fails more than human changes."""
    effect = finding.get("effect")
    return (
        "controlled" in str(finding.get("evidence_level"))
        and str(finding.get("topic")) == "change_failure_rate"
        and effect is not None
        and effect > 1
    )
