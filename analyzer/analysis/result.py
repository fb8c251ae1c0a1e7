"""The analysis result: frozen dataclasses, and one JSON-safe document.

Every figure a reader sees is here, with its interval where it has one. ``to_dict()``
turns the whole result into plain JSON types: dates become ISO strings, DataFrames become
lists of records, and NaN or infinity become ``None`` (a number we could not compute is
absent, never a fake value).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from analyzer.scope import Scope

EvidenceLevel = Literal[
    "co_occurrence",
    "temporal_precedence",
    "dose_response",
    "direct_attribution",
    "controlled_attribution",
]
#: The evidence ladder, weakest first. A finding never claims more than its rung.
EVIDENCE_LADDER: tuple[EvidenceLevel, ...] = (
    "co_occurrence",
    "temporal_precedence",
    "dose_response",
    "direct_attribution",
    "controlled_attribution",
)
#: Each rung in plain words, as statements and reports print it.
EVIDENCE_WORDS: Mapping[EvidenceLevel, str] = {
    "co_occurrence": "co-occurrence in time only",
    "temporal_precedence": "temporal precedence",
    "dose_response": "dose-response",
    "direct_attribution": "direct attribution of incidents to commits",
    "controlled_attribution": (
        "direct attribution of incidents to commits, controlled for change size and location"
    ),
}
#: The same levels in a word or two, for a narrow column.
EVIDENCE_TAGS: Mapping[EvidenceLevel, str] = {
    "co_occurrence": "co-occurrence",
    "temporal_precedence": "temporal precedence",
    "dose_response": "dose-response",
    "direct_attribution": "direct attribution",
    "controlled_attribution": "controlled attribution",
}

Driver = Literal["volume", "mix", "rate", "none", "inconclusive"]


def evidence_rank(level: EvidenceLevel) -> int:
    """1 for co-occurrence up to 5 for controlled attribution."""
    return EVIDENCE_LADDER.index(level) + 1


@dataclasses.dataclass(frozen=True)
class Estimate:
    """A point estimate with its 95% interval; any part may be unknown (``None``)."""

    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None

    @property
    def excludes_zero(self) -> bool:
        """True when the whole interval lies on one side of zero."""
        if self.ci_low is None or self.ci_high is None:
            return False
        return self.ci_low > 0 or self.ci_high < 0


@dataclasses.dataclass(frozen=True)
class AnalysedScope(Scope):
    """What was analysed: the scope asked for, and the data actually found in it."""

    repos: tuple[str, ...]
    first_commit_at: dt.datetime | None
    last_commit_at: dt.datetime | None
    first_incident_at: dt.datetime | None
    last_incident_at: dt.datetime | None


@dataclasses.dataclass(frozen=True)
class Coverage:
    """How much data there is, and what it is enough for."""

    commits: int
    changes: int
    authors: int
    weeks: int
    incidents: int
    incidents_with_code_cause: int
    incidents_with_fix: int
    commits_by_class: dict[str, int]
    unattributed_commits: int
    metrics_coverage: float | None
    churn_available: bool
    enough_for: dict[str, bool]
    caveats: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class ClassShare:
    """One authorship class's share of commits and of added lines."""

    commits: int
    commit_share: float | None
    lines_added: int
    line_share: float | None


@dataclasses.dataclass(frozen=True)
class Adoption:
    """When AI adoption began, and how that date was found (``configured``, ``detected``,
    ``none``)."""

    date: dt.date | None
    method: str
    description: str
    ai_commit_share_before: float | None
    ai_commit_share_after: float | None
    ai_line_share_before: float | None
    ai_line_share_after: float | None
    share_by_class: dict[str, ClassShare]


@dataclasses.dataclass(frozen=True)
class ClassGrowth:
    """Volume and complexity added by one authorship class over the range."""

    commits: int
    lines_added: int
    lines_deleted: int
    net_loc: int
    nloc_added: int
    ccn_added: int
    ccn_per_line_added: float | None


@dataclasses.dataclass(frozen=True)
class GrowthRate:
    """A metric's monthly growth before and after adoption, and the change (acceleration).

    ``kind`` is ``flow`` (a per-month amount such as commits: growth is its level) or
    ``stock`` (a running total such as NLOC: growth is its monthly increment).
    """

    metric: str
    kind: Literal["flow", "stock"]
    per_month_before: float | None
    per_month_after: float | None
    acceleration: Estimate
    ratio: float | None
    p_value: float | None


@dataclasses.dataclass(frozen=True)
class Growth:
    """Complexity and volume: levels at the start and end, what each class added, rates."""

    start: dict[str, float | None]
    end: dict[str, float | None]
    by_class: dict[str, ClassGrowth]
    rates: tuple[GrowthRate, ...]


@dataclasses.dataclass(frozen=True)
class ClassProportion:
    """``count`` of ``n`` with a Wilson 95% interval on ``rate``."""

    n: int
    count: int
    rate: float | None
    ci_low: float | None
    ci_high: float | None


@dataclasses.dataclass(frozen=True)
class ClassChurn:
    """Share of a class's added lines rewritten within each window (14 and 28 days)."""

    commits: int
    lines_added: int
    rewritten: dict[str, int]
    share: dict[str, Estimate]


@dataclasses.dataclass(frozen=True)
class Comparison:
    """One class compared with the reference class by a named test."""

    name: str
    authorship: str
    reference: str
    ratio: float | None
    ci_low: float | None
    ci_high: float | None
    statistic: float | None
    p_value: float | None
    p_holm: float | None
    method: str


@dataclasses.dataclass(frozen=True)
class Reverts:
    """Commits later reverted, by class: a failure signal needing no incident records."""

    reverted_commits: int
    by_class: dict[str, ClassProportion]
    comparisons: tuple[Comparison, ...]


@dataclasses.dataclass(frozen=True)
class ClassIncidentRate:
    """Incidents induced by a class's changes per 1,000 changed lines (exact Poisson CI)."""

    incidents: int
    kloc_changed: float
    per_kloc: float | None
    ci_low: float | None
    ci_high: float | None


@dataclasses.dataclass(frozen=True)
class IncidentRates:
    """Incidents per 1,000 changed lines by class, and each class against the reference."""

    by_class: dict[str, ClassIncidentRate]
    comparisons: tuple[Comparison, ...]


@dataclasses.dataclass(frozen=True)
class ModelTerm:
    """One coefficient of the count model as an incidence rate ratio.

    ``method`` is ``wald`` for a model coefficient, ``exact conditional`` for a class
    separated from the reference (no incident on one side): then ``irr`` is 0 or unknown
    (infinite) and the finite limit is a bound.
    """

    term: str
    irr: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    p_holm: float | None
    method: str = "wald"


@dataclasses.dataclass(frozen=True)
class CountModel:
    """Incidents per change, by class, controlling for size and the touched files' history."""

    family: str | None
    formula: str
    n: int
    events: int
    alpha: float | None
    terms: tuple[ModelTerm, ...]
    note: str


@dataclasses.dataclass(frozen=True)
class IncidentLoad:
    """On-call load over the range, and before/after adoption where there is one."""

    incidents: int
    code_caused: int
    unlinked: int
    severity_weighted: float
    hours_to_resolve_median: float | None
    hours_to_resolve_total: float | None
    effort_hours: float | None
    off_hours_share: float | None
    per_week_before: float | None
    per_week_after: float | None
    by_severity: dict[str, int]


@dataclasses.dataclass(frozen=True)
class Period:
    """A half-open date range ``[start, end)``."""

    start: dt.date
    end: dt.date
    label: str


@dataclasses.dataclass(frozen=True)
class DecompositionClass:
    """One class's changes, code-caused incidents and rate in each period.

    ``*_imputed`` marks a rate the class could not show in that period (absent or fewer
    changes than the minimum) and that was carried over from the other period.
    """

    authorship: str
    changes_a: int
    changes_b: int
    incidents_a: float
    incidents_b: float
    rate_a: float | None
    rate_b: float | None
    rate_a_imputed: bool
    rate_b_imputed: bool


@dataclasses.dataclass(frozen=True)
class UnlinkedIncidents:
    """Incidents with no code cause (no inducing commit), reported apart."""

    period_a: int
    period_b: int
    change: Estimate


@dataclasses.dataclass(frozen=True)
class Decomposition:
    """The change in incidents between two periods, split exactly into volume, mix and rate.

    ``volume_effect + mix_effect + rate_effect == code_caused_change`` exactly, and
    ``code_caused_change + unlinked_incidents.change == incident_change``.
    """

    period_a: Period | None
    period_b: Period | None
    incidents_a: int
    incidents_b: int
    incident_change: Estimate
    code_caused_change: Estimate
    volume_effect: Estimate
    mix_effect: Estimate
    rate_effect: Estimate
    unlinked_incidents: UnlinkedIncidents
    classes: tuple[DecompositionClass, ...]
    separation: dict[str, Estimate]
    method: str
    replicates: int
    seed: int | None

    @property
    def is_computed(self) -> bool:
        """Both periods are known and the parts were estimated."""
        return (
            self.period_a is not None
            and self.period_b is not None
            and self.volume_effect.value is not None
        )

    @property
    def splits_anything(self) -> bool:
        """Computed, and a period holds an incident: with none, every part is zero."""
        return self.is_computed and self.incidents_a + self.incidents_b > 0


@dataclasses.dataclass(frozen=True)
class LinkageShare:
    """Incidents in a group, how many have a code cause, and that share (Wilson 95%)."""

    label: str
    incidents: int
    with_code_cause: int
    share: float | None
    ci_low: float | None
    ci_high: float | None


@dataclasses.dataclass(frozen=True)
class LinkageCoverage:
    """The share of incidents with a code cause, and whether it drifted (see ``linkage``).

    ``by_period`` holds the decomposition's two periods; ``by_method`` counts code-caused
    incidents by linking method. ``drift``: the share moved between the periods, with the
    incidents with no code cause moving against the code-caused ones, beyond noise; the
    rate and mix effects are then no evidence, and ``caveat`` says why.
    """

    overall: LinkageShare
    by_period: tuple[LinkageShare, ...]
    by_severity: tuple[LinkageShare, ...]
    by_method: dict[str, int]
    share_p_value: float | None
    opposite_move_p_value: float | None
    drift: bool
    caveat: str


@dataclasses.dataclass(frozen=True)
class TestResult:
    """One statistical test as run; ``p_holm`` is Holm-corrected across every test run."""

    family: str
    name: str
    driver: str
    outcome: str
    lag: int | None
    statistic: float | None
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    p_holm: float | None
    n: int
    note: str


@dataclasses.dataclass(frozen=True)
class TimeSeriesEvidence:
    """Every time-series test run (never only the significant ones), and what was skipped."""

    tests: tuple[TestResult, ...]
    method: str
    skipped: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Hotspot:
    """A file ranked by change frequency x complexity."""

    repo_id: str
    path: str
    changes: int
    lines_changed: int
    ccn_total: int | None
    nloc: int | None
    score: float
    ai_share: float | None
    authors: int
    inducing_incidents: int
    fix_incidents: int


@dataclasses.dataclass(frozen=True)
class Finding:
    """What was measured, the effect with its interval, the method, the evidence level."""

    key: str
    topic: str
    statement: str
    effect: float | None
    effect_unit: str
    ci_low: float | None
    ci_high: float | None
    method: str
    evidence_level: EvidenceLevel
    evidence_rank: int
    caveats: tuple[str, ...]
    p_value: float | None = None
    p_holm: float | None = None


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The effect that explains most of the change in incident load, and how sure we are."""

    primary_driver: Driver
    evidence_level: EvidenceLevel
    statement: str
    explained_share: float | None
    reasons: tuple[str, ...]


@dataclasses.dataclass(frozen=True, eq=False)
class SeriesFrames:
    """The time series the dashboard and the reports chart.

    ``weekly``/``monthly``: one row per period (``period`` is the period's first day) with
    commits, lines, net LOC, the complexity alive at the period's end (``nloc``,
    ``ccn_total``, ``ccn_per_kloc``, ``functions_over_10``, ``functions_over_20``), AI
    shares, authors and incidents. ``weekly_by_class``/``monthly_by_class``: one row per
    period and ``authorship`` with the flows and the complexity each class added.
    """

    weekly: pd.DataFrame
    monthly: pd.DataFrame
    weekly_by_class: pd.DataFrame
    monthly_by_class: pd.DataFrame


@dataclasses.dataclass(frozen=True, eq=False)
class AnalysisResult:
    """Everything ``jevons analyze`` reports; ``to_dict()`` is its JSON document."""

    scope: AnalysedScope
    coverage: Coverage
    adoption: Adoption
    growth: Growth
    churn: dict[str, ClassChurn]
    reverts: Reverts
    incident_load: IncidentLoad
    change_failure_rate: dict[str, ClassProportion]
    change_failure_comparisons: tuple[Comparison, ...]
    incident_rates: IncidentRates
    count_model: CountModel
    decomposition: Decomposition
    linkage: LinkageCoverage
    time_series: TimeSeriesEvidence
    hotspots: tuple[Hotspot, ...]
    findings: tuple[Finding, ...]
    verdict: Verdict
    caveats: tuple[str, ...]
    method_notes: dict[str, str]
    series: SeriesFrames

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON types, with ``None`` wherever a number is unknown."""
        document = to_jsonable(self)
        assert isinstance(document, dict)
        return document

    def to_json(self, *, indent: int | None = 2) -> str:
        """The JSON document; strict (``allow_nan=False``), so a NaN can never slip out."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False, ensure_ascii=False)


def to_jsonable(value: Any) -> Any:
    """Convert dataclasses, mappings, sequences, dates, numpy and pandas values to JSON types."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, pd.DataFrame):
        return [to_jsonable(row) for row in value.to_dict(orient="records")]
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return _scalar(value)


def _scalar(value: Any) -> Any:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if value is pd.NaT or (not isinstance(value, list | tuple) and pd.isna(value)):
        return None
    return str(value)
