"""The verdict: which effect explains most of the change in incident load.

From the decomposition, in this order:

1. too little data (no periods, too few incidents, a period without changes): ``inconclusive``;
2. the change is mostly in incidents with no code cause (their change is larger than the
   code-caused change, in the direction of the total, and the bootstrap interval of the
   difference clears zero): ``none``; mostly but not clearly: ``inconclusive``;
3. otherwise the largest of the volume, mix and rate effects in the direction of the
   code-caused change, provided its interval clears zero and the interval of its lead over
   the runner-up clears zero too: that effect; if not: ``inconclusive``.

When the share of incidents with a code cause drifted between the periods (``linkage``:
better or worse linking moves incidents between "no code cause" and "code-caused"), a
rate or mix effect is not evidence of changes failing more or less: ``inconclusive``.

The evidence level is direct attribution for volume, mix and rate (they rest on incidents
linked to commits), raised to controlled when the verdict is mix and the count model shows
an AI class riskier than human changes of like size and place; co-occurrence otherwise.
"""

from __future__ import annotations

from analyzer.analysis.result import (
    EVIDENCE_WORDS,
    Comparison,
    CountModel,
    Decomposition,
    Driver,
    Estimate,
    EvidenceLevel,
    LinkageCoverage,
    Verdict,
)
from analyzer.models import AI_CLASSES
from analyzer.wording import class_words, interval

_DRIVERS: dict[str, Driver] = {"volume": "volume", "mix": "mix", "rate": "rate"}
MIN_INCIDENTS = 10
ALPHA = 0.05
_EFFECT_WORDS = {
    "volume": "volume: more changes shipped, at much the same class mix and failure rates",
    "mix": "mix: a shift of changes toward authorship classes that fail more often",
    "rate": "rate: changes within the classes failed more often",
}


def decide_verdict(
    decomposition: Decomposition,
    failure_comparisons: tuple[Comparison, ...],
    count_model: CountModel,
    linkage: LinkageCoverage | None = None,
) -> Verdict:
    """The primary driver of the change in incidents, with its evidence level."""
    d = decomposition
    if d.period_a is None or d.period_b is None or d.volume_effect.value is None:
        return _inconclusive("too little data to compare two periods", ())
    if d.incidents_a + d.incidents_b < MIN_INCIDENTS:
        return _inconclusive(
            f"only {d.incidents_a + d.incidents_b} incidents in the two periods compared "
            f"(at least {MIN_INCIDENTS} needed)",
            (),
        )
    total = d.incident_change.value or 0.0
    code = d.code_caused_change.value or 0.0
    unlinked = d.unlinked_incidents.change.value or 0.0
    reasons = [
        f"incidents went from {d.incidents_a} to {d.incidents_b} "
        f"({total:+.0f}; code-caused {code:+.1f}, no code cause {unlinked:+.0f})"
    ]
    if total != 0 and abs(unlinked) > abs(code) and unlinked * total > 0:
        return _unlinked_verdict(d, total, unlinked, reasons)
    verdict = _code_verdict(d, code, reasons, failure_comparisons, count_model)
    if linkage is not None and linkage.drift and verdict.primary_driver in ("mix", "rate"):
        return _inconclusive(
            "the share of incidents with a code cause moved between the periods, so the "
            f"{verdict.primary_driver} effect may be a change in linking, not in failures",
            (*verdict.reasons, linkage.caveat),
        )
    return verdict


def _unlinked_verdict(
    d: Decomposition, total: float, unlinked: float, reasons: list[str]
) -> Verdict:
    lead = d.separation.get("unlinked-code", Estimate(None))
    share = unlinked / total
    # a share over 100%: code-caused incidents moved the other way, and a percentage of
    # the net change would read as nonsense
    beyond = share > 1
    reasons.append(
        f"incidents with no code cause changed by {unlinked:+.0f}, more than the whole "
        f"change ({total:+.0f}): code-caused incidents moved the other way"
        if beyond
        else f"{share:.0%} of the change is in incidents with no code cause"
    )
    if not _clears_zero(lead, 1.0 if total > 0 else -1.0):
        reasons.append("but the bootstrap interval does not separate it from the code-caused part")
        return _inconclusive("the change is mostly, but not clearly, without code cause", reasons)
    return Verdict(
        primary_driver="none",
        evidence_level="co_occurrence",
        statement=(
            f"Incidents changed by {total:+.0f} between the periods, and "
            + (
                f"those with no code cause by {unlinked:+.0f} (no commit introduced them; "
                "code-caused ones moved the other way)"
                if beyond
                else f"{share:.0%} of that is incidents with no code cause (no commit introduced "
                "them)"
            )
            + ": the change co-occurs "
            "with AI adoption in time, and nothing in the data ties it to code; evidence: "
            "co-occurrence in time only."
        ),
        explained_share=share,
        reasons=tuple(reasons),
    )


def _code_verdict(
    d: Decomposition,
    code: float,
    reasons: list[str],
    failure_comparisons: tuple[Comparison, ...],
    count_model: CountModel,
) -> Verdict:
    if code == 0:
        return _inconclusive("code-caused incidents did not change", reasons)
    direction = 1.0 if code > 0 else -1.0
    effects = {"volume": d.volume_effect, "mix": d.mix_effect, "rate": d.rate_effect}
    ranked = sorted(effects, key=lambda k: direction * (effects[k].value or 0.0), reverse=True)
    top, runner = ranked[0], ranked[1]
    best = effects[top]
    share = (best.value or 0.0) / code
    ci = interval(best.ci_low, best.ci_high, digits=1, sign=True)
    reasons.append(
        f"{top} explains {best.value or 0.0:+.1f} ({ci}) of the code-caused change, "
        + (
            f"{share:.0%}"
            if share <= 1
            else "more than all of it: other effects pull the other way"
        )
    )
    if not _clears_zero(best, direction):
        return _inconclusive(f"the {top} effect's interval includes zero", reasons)
    key = f"{top}-{runner}" if f"{top}-{runner}" in d.separation else f"{runner}-{top}"
    sign = 1.0 if key.startswith(top) else -1.0
    if not _clears_zero(d.separation[key], direction * sign):
        reasons.append(f"its lead over {runner} is not clear of zero")
        return _inconclusive(f"the {top} and {runner} effects' intervals do not separate", reasons)
    level, detail = _level_and_detail(top, failure_comparisons, count_model)
    labels = [p.label if p else "" for p in (d.period_a, d.period_b)]
    return Verdict(
        primary_driver=_DRIVERS[top],
        evidence_level=level,
        statement=(
            f"Code-caused incidents changed by {code:+.1f} from {labels[0]} to {labels[1]}; "
            + ("most of it" if share <= 1 else "the largest part, which other effects offset")
            + f" ({best.value or 0.0:+.1f}, {ci}) is"
            f" {_EFFECT_WORDS[top]}{detail}; evidence: {EVIDENCE_WORDS[level]}."
        ),
        explained_share=share,
        reasons=tuple(reasons),
    )


def _level_and_detail(
    top: str, comparisons: tuple[Comparison, ...], model: CountModel
) -> tuple[EvidenceLevel, str]:
    if top != "mix":
        return "direct_attribution", ""
    terms = {t.term: t for t in model.terms if t.term in AI_CLASSES}
    controlled = [
        t
        for t in terms.values()
        if t.p_holm is not None and t.p_holm < ALPHA and t.irr is not None and t.irr > 1
    ]
    if controlled:
        parts = ", ".join(
            f"{class_words(t.term)} {t.irr:.1f}x ({interval(t.ci_low, t.ci_high, digits=1)})"
            for t in controlled
        )
        return (
            "controlled_attribution",
            f" (AI changes fail more often than human changes of like size and place: {parts})",
        )
    riskier = [
        c for c in comparisons if c.authorship in AI_CLASSES and c.ratio is not None and c.ratio > 1
    ]
    if riskier:
        parts = ", ".join(
            f"{class_words(c.authorship)} {c.ratio:.1f}x "
            f"({interval(c.ci_low, c.ci_high, digits=1)})"
            for c in riskier
        )
        return "direct_attribution", f" (AI changes' failure rate against human: {parts})"
    return "direct_attribution", ""


def _clears_zero(estimate: Estimate, direction: float) -> bool:
    if estimate.ci_low is None or estimate.ci_high is None:
        return False
    return estimate.ci_low > 0 if direction > 0 else estimate.ci_high < 0


def _inconclusive(why: str, reasons: tuple[str, ...] | list[str]) -> Verdict:
    return Verdict(
        primary_driver="inconclusive",
        evidence_level="co_occurrence",
        statement=f"Inconclusive: {why}; evidence: co-occurrence in time only.",
        explained_share=None,
        reasons=tuple(reasons) or (why,),
    )
