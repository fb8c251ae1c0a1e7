"""Findings: each measured effect with its interval, method, evidence level and caveats.

A finding is placed on the evidence ladder at the highest rung its own test supports, with
Holm-corrected p-values below 0.05 as "supports":

* co-occurrence in time: anything measured over time (growth, adoption, incident load,
  churn), and any comparison whose test did not hold up;
* temporal precedence: the AI share or volume leads code-caused incidents (pre-whitened
  CCF at a positive lag, or Granger);
* dose-response: weeks with a higher AI share have more code-caused incidents per change;
* direct attribution: incidents (or reverts) attributed to commits differ by class, or the
  decomposition's effect is clear of zero;
* controlled: the difference holds in the count model, against human changes of like size
  in like places.

Each statement ends with its rung in plain words, so the wording never claims more.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence

from analyzer.analysis.result import (
    EVIDENCE_WORDS,
    Adoption,
    ClassChurn,
    Comparison,
    CountModel,
    Decomposition,
    Estimate,
    EvidenceLevel,
    Finding,
    Growth,
    IncidentLoad,
    Period,
    Reverts,
    TimeSeriesEvidence,
    evidence_rank,
)
from analyzer.models import AI_CLASSES
from analyzer.wording import (
    NOT_KNOWN,
    class_words,
    figures,
    interval,
    number,
    percent,
    percent_interval,
    signed,
)

ALPHA = 0.05

MARKER_CAVEAT = (
    "AI use that leaves no marker is counted as human, so the comparison may understate "
    "the difference."
)
TIME_CAVEAT = "Two things rising together in time need not be cause and effect."


@dataclasses.dataclass(frozen=True)
class Evidence:
    """Everything the findings are drawn from."""

    adoption: Adoption
    growth: Growth
    churn: dict[str, ClassChurn]
    reverts: Reverts
    failure_comparisons: tuple[Comparison, ...]
    count_model: CountModel
    decomposition: Decomposition
    time_series: TimeSeriesEvidence
    incident_load: IncidentLoad
    global_caveats: tuple[str, ...]


def collect_findings(evidence: Evidence) -> tuple[Finding, ...]:
    """Every finding, strongest evidence first (stable within a rung)."""
    found = [
        *_adoption_findings(evidence.adoption),
        *_growth_findings(evidence.growth, evidence.adoption),
        *_incident_load_findings(evidence.incident_load, evidence.adoption, evidence.time_series),
        *_failure_findings(evidence.failure_comparisons, evidence.count_model),
        *_revert_findings(evidence.reverts),
        *_churn_findings(evidence.churn),
        *_decomposition_findings(evidence.decomposition),
        *_time_series_findings(evidence.time_series),
    ]
    return tuple(sorted(found, key=lambda f: -f.evidence_rank))


def make_finding(
    key: str,
    topic: str,
    claim: str,
    level: EvidenceLevel,
    method: str,
    *,
    effect: Estimate,
    unit: str,
    caveats: Sequence[str] = (),
    p_value: float | None = None,
    p_holm: float | None = None,
) -> Finding:
    """A finding whose statement ends with its evidence level in plain words."""
    return Finding(
        key=key,
        topic=topic,
        statement=f"{claim}; evidence: {EVIDENCE_WORDS[level]}.",
        effect=effect.value,
        effect_unit=unit,
        ci_low=effect.ci_low,
        ci_high=effect.ci_high,
        method=method,
        evidence_level=level,
        evidence_rank=evidence_rank(level),
        caveats=tuple(caveats),
        p_value=p_value,
        p_holm=p_holm,
    )


def period_text(period: Period, joiner: str = " to ") -> str:
    """``2024-01-01 to 2024-03-31`` (the end shown inclusive)."""
    return f"{period.start}{joiner}{period.end - dt.timedelta(days=1)}"


def _significant(p_holm: float | None) -> bool:
    return p_holm is not None and p_holm < ALPHA


def _adoption_findings(adoption: Adoption) -> Iterator[Finding]:
    if adoption.date is None:
        return
    before, after = adoption.ai_commit_share_before, adoption.ai_commit_share_after
    change = after - before if before is not None and after is not None else None
    yield make_finding(
        "ai_adoption",
        "adoption",
        f"The AI share of commits was {percent(before, missing=NOT_KNOWN)} before "
        f"{adoption.date} and {percent(after, missing=NOT_KNOWN)} after ({adoption.method} "
        "adoption point)",
        "co_occurrence",
        adoption.description,
        effect=Estimate(change),
        unit="share of commits (after - before)",
    )


#: How a finding names the growth metrics it reports.
_METRIC_WORDS = {"commits": "Commits", "ccn_total": "Total CCN", "nloc": "NLOC"}


def _growth_findings(growth: Growth, adoption: Adoption) -> Iterator[Finding]:
    when = f"after {adoption.date}" if adoption.date else "in the second half"
    for rate in growth.rates:
        if rate.metric not in _METRIC_WORDS:
            continue
        acc = rate.acceleration
        verb = "grew" if rate.kind == "stock" else "ran at"
        after, before, change = (
            number(v, missing=NOT_KNOWN)
            for v in (rate.per_month_after, rate.per_month_before, acc.value)
        )
        yield make_finding(
            f"growth_{rate.metric}",
            "growth",
            f"{_METRIC_WORDS[rate.metric]} {verb} {after} a month {when} against {before} "
            f"before (change {change}, {interval(acc.ci_low, acc.ci_high, digits=1)})",
            "co_occurrence",
            "monthly growth before/after, OLS with HAC errors",
            effect=acc,
            unit=f"{rate.metric} per month (after - before)",
            caveats=(TIME_CAVEAT,),
            p_value=rate.p_value,
        )
    per_line = {c: g.ccn_per_line_added for c, g in growth.by_class.items() if g.ccn_per_line_added}
    if "human" in per_line and any(c in per_line for c in AI_CLASSES):
        parts = ", ".join(f"{class_words(c)} {100 * v:.1f}" for c, v in per_line.items())
        yield make_finding(
            "ccn_per_line_added",
            "growth",
            f"CCN added per 100 lines added, by class: {parts}",
            "co_occurrence",
            "sum of CCN deltas over sum of lines added, per class",
            effect=Estimate(None),
            unit="CCN per 100 added lines",
            caveats=("Describes the code added, not its consequences.",),
        )


def _incident_load_findings(
    load: IncidentLoad, adoption: Adoption, series: TimeSeriesEvidence
) -> Iterator[Finding]:
    if load.incidents == 0:
        return
    its = next(
        (
            t
            for t in series.tests
            if t.family == "its" and t.driver == "level_change" and t.outcome == "incidents"
        ),
        None,
    )
    unlinked = load.unlinked / load.incidents
    claim = f"{load.incidents} incidents in range, {unlinked:.0%} with no code cause"
    if load.per_week_before is not None and load.per_week_after is not None:
        claim += (
            f"; {load.per_week_before:.2f} a week before {adoption.date} and "
            f"{load.per_week_after:.2f} after"
        )
    effect = Estimate(None)
    if its is not None:
        effect = Estimate(its.effect, its.ci_low, its.ci_high)
        claim += (
            f" (incidents per change at adoption x{its.effect:.2f}, "
            f"{interval(its.ci_low, its.ci_high)})"
        )
    yield make_finding(
        "incident_load",
        "incidents",
        claim,
        "co_occurrence",
        "counts by incident creation date; interrupted time series (Poisson GLM, HAC)",
        effect=effect,
        unit="rate ratio at adoption",
        caveats=(TIME_CAVEAT,),
        p_value=its.p_value if its else None,
        p_holm=its.p_holm if its else None,
    )


def _failure_findings(comparisons: Sequence[Comparison], model: CountModel) -> Iterator[Finding]:
    terms = {t.term: t for t in model.terms}
    for comparison in comparisons:
        cls = comparison.authorship
        if cls not in AI_CLASSES:
            continue
        term = terms.get(cls)
        words = class_words(cls)
        if term is not None and _significant(term.p_holm) and term.irr is not None:
            yield make_finding(
                f"failure_rate_{cls}",
                "change_failure_rate",
                f"{words} changes were linked to incidents {term.irr:.1f}x as often as human "
                f"changes of similar size in similar places "
                f"({interval(term.ci_low, term.ci_high, digits=1)})",
                "controlled_attribution",
                f"{model.family}: {model.formula}",
                effect=Estimate(term.irr, term.ci_low, term.ci_high),
                unit="incidence rate ratio vs human",
                caveats=(MARKER_CAVEAT,),
                p_value=term.p_value,
                p_holm=term.p_holm,
            )
            continue
        yield _comparison_finding(
            comparison,
            f"failure_rate_{cls}",
            "change_failure_rate",
            f"{words} changes were linked to incidents {{ratio}} as often as concurrent human "
            "changes",
        )


def _comparison_finding(comparison: Comparison, key: str, topic: str, template: str) -> Finding:
    ratio = comparison.ratio
    shown = "n/a" if ratio is None else f"{ratio:.1f}x"
    claim = template.format(ratio=shown)
    ci = interval(comparison.ci_low, comparison.ci_high, digits=1)
    if _significant(comparison.p_holm):
        level: EvidenceLevel = "direct_attribution"
        claim = f"{claim} ({ci})"
    else:
        level = "co_occurrence"
        p_holm = figures(comparison.p_holm, missing=NOT_KNOWN)
        claim = f"{claim} ({ci}, Holm p={p_holm}): no difference shown"
    return make_finding(
        key,
        topic,
        claim,
        level,
        comparison.method,
        effect=Estimate(ratio, comparison.ci_low, comparison.ci_high),
        unit="ratio vs human",
        caveats=(MARKER_CAVEAT,),
        p_value=comparison.p_value,
        p_holm=comparison.p_holm,
    )


def _revert_findings(reverts: Reverts) -> Iterator[Finding]:
    for comparison in reverts.comparisons:
        if comparison.authorship in AI_CLASSES:
            yield _comparison_finding(
                comparison,
                f"revert_rate_{comparison.authorship}",
                "reverts",
                f"{class_words(comparison.authorship)} changes were reverted {{ratio}} as "
                "often as concurrent human changes",
            )


def _churn_findings(churn: dict[str, ClassChurn]) -> Iterator[Finding]:
    human = churn.get("human")
    if human is None:
        return
    for cls in AI_CLASSES:
        mine = churn.get(cls)
        if mine is None:
            continue
        for window, share in mine.share.items():
            base = human.share.get(window)
            if base is None or share.value is None:
                continue
            yield make_finding(
                f"churn_{window}_{cls}",
                "churn",
                f"{percent(share.value, missing=NOT_KNOWN)} of {class_words(cls)} added lines "
                f"were rewritten within {window} "
                f"({percent_interval(share.ci_low, share.ci_high)}) against "
                f"{percent(base.value, missing=NOT_KNOWN)} of human lines",
                "co_occurrence",
                "ratio of rewritten to added lines, commit-level robust interval",
                effect=Estimate(share.value, share.ci_low, share.ci_high),
                unit=f"share of added lines rewritten within {window}",
                caveats=("Describes the code's stability, not incidents.", MARKER_CAVEAT),
            )


def _decomposition_findings(decomposition: Decomposition) -> Iterator[Finding]:
    a, b = decomposition.period_a, decomposition.period_b
    if a is None or b is None or not decomposition.splits_anything:
        return
    # "between 2024-01-01 to 2024-03-31 and ..." would not parse: the periods take a dash
    between = f"between the periods {period_text(a, ' – ')} and {period_text(b, ' – ')}"
    texts = {
        "volume": "more (or fewer) changes shipped at the same class mix and rates",
        "mix": "the shift of changes between authorship classes with different rates",
        "rate": "the change in each class's incidents per change",
    }
    # splitting a change that may be zero attributes nothing, however tight a part looks
    real_change = decomposition.code_caused_change.excludes_zero
    for name, effect in (
        ("volume", decomposition.volume_effect),
        ("mix", decomposition.mix_effect),
        ("rate", decomposition.rate_effect),
    ):
        shown = real_change and effect.excludes_zero
        level: EvidenceLevel = "direct_attribution" if shown else "co_occurrence"
        tail = (
            ""
            if shown
            else ": not distinguishable from zero"
            if real_change
            else ": the code-caused change itself is not distinguishable from zero"
        )
        yield make_finding(
            f"decomposition_{name}",
            "decomposition",
            f"{signed(effect.value, missing=NOT_KNOWN)} code-caused incidents {between} come "
            f"from {texts[name]} "
            f"({interval(effect.ci_low, effect.ci_high, digits=1, sign=True)}){tail}",
            level,
            decomposition.method,
            effect=effect,
            unit="incidents (period B - period A)",
            caveats=(MARKER_CAVEAT,) if name != "volume" else (),
        )
    unlinked = decomposition.unlinked_incidents
    yield make_finding(
        "unlinked_incidents",
        "decomposition",
        f"Incidents with no code cause went from {unlinked.period_a} to {unlinked.period_b} "
        f"{between} "
        f"({interval(unlinked.change.ci_low, unlinked.change.ci_high, digits=0, sign=True)}); "
        "no commit is linked to them",
        "co_occurrence",
        "incidents without an inducing link, by creation date",
        effect=unlinked.change,
        unit="incidents (period B - period A)",
        caveats=(TIME_CAVEAT,),
    )


def _time_series_findings(evidence: TimeSeriesEvidence) -> Iterator[Finding]:
    for driver, words in (("ai_commit_share", "the AI share of commits"), ("commits", "volume")):
        leads = [
            t
            for t in evidence.tests
            if t.driver == driver
            and t.outcome == "code_caused_incidents"
            and t.family in ("ccf", "granger")
            and (t.lag or 0) > 0
            and (t.family == "granger" or (t.effect or 0) > 0)
        ]
        if not leads:
            continue
        best = min(leads, key=lambda t: t.p_holm if t.p_holm is not None else 1.0)
        level: EvidenceLevel = (
            "temporal_precedence" if _significant(best.p_holm) else ("co_occurrence")
        )
        claim = (
            f"Changes in {words} lead code-caused incidents ({best.name}, Holm "
            f"p={figures(best.p_holm, missing=NOT_KNOWN)})"
            if level == "temporal_precedence"
            else f"No lead of {words} over code-caused incidents survives correction "
            f"({len(leads)} tests, smallest Holm p={figures(best.p_holm, missing=NOT_KNOWN)})"
        )
        yield make_finding(
            f"precedence_{driver}",
            "time_series",
            claim,
            level,
            evidence.method,
            effect=Estimate(best.effect),
            unit="correlation or F statistic",
            caveats=(TIME_CAVEAT,),
            p_value=best.p_value,
            p_holm=best.p_holm,
        )
    dose = next(
        (
            t
            for t in evidence.tests
            if t.family == "dose_response" and t.outcome == "code_caused_incidents"
        ),
        None,
    )
    if dose is not None and dose.effect is not None:
        supported = _significant(dose.p_holm) and dose.effect > 1
        yield make_finding(
            "dose_response",
            "time_series",
            f"Code-caused incidents per change scale x{dose.effect:.2f} from a week with no "
            f"AI commits to one with only AI commits ({interval(dose.ci_low, dose.ci_high)})"
            + ("" if supported else ": no dose-response shown"),
            "dose_response" if supported else "co_occurrence",
            dose.note,
            effect=Estimate(dose.effect, dose.ci_low, dose.ci_high),
            unit="rate ratio per unit AI share",
            caveats=(TIME_CAVEAT,),
            p_value=dose.p_value,
            p_holm=dose.p_holm,
        )
