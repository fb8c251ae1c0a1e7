"""Linkage coverage: the share of incidents with a code cause, and whether it moved.

An incident is code-caused only when the linking found the change that induced it. If the
linking finds more of them later (a team starts writing commit references into incident
tickets at adoption, say), incidents move from "no code cause" to "code-caused" with no
change in how often changes fail, and the rate and mix effects read that as changes
failing more. So the share of incidents with a code cause is reported for each compared
period (Wilson 95% intervals), by severity and by linking method, and a **drift** is
flagged when both hold:

* the share differs between the periods (two-sample test of proportions, statsmodels
  ``test_proportions_2indep``, p < 0.05), and
* incidents with no code cause moved the other way from the code-caused ones, beyond
  noise (two-sample Poisson test of their daily rates, ``test_poisson_2indep``, p < 0.05).

A real change in failures moves code-caused incidents and leaves the others where they
were (or moves both the same way, when some code-caused incidents go unlinked); better or
worse linking moves them against each other. With a drift the rate and mix effects are
not evidence of changes failing more or less, and the verdict says so.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint, test_proportions_2indep
from statsmodels.stats.rates import test_poisson_2indep

from analyzer.analysis.result import LinkageCoverage, LinkageShare, Period

ALPHA = 0.05


def linkage_coverage(
    incidents: pd.DataFrame, inducing: pd.DataFrame, periods: tuple[Period, Period] | None
) -> LinkageCoverage:
    """The share of ``incidents`` (``incident_id``, ``created_at``, ``severity``,
    ``code_caused``) with a code cause, by period, severity and linking method
    (``inducing``: ``incident_id``, ``method``), and whether it drifted between ``periods``."""
    overall = _share("all", incidents)
    severity = incidents["severity"].fillna("unknown").astype(str)
    by_severity = tuple(_share(str(name), group) for name, group in incidents.groupby(severity))
    methods = inducing.drop_duplicates(["incident_id", "method"])["method"].value_counts()
    by_method = {str(k): int(v) for k, v in methods.sort_index().items()}
    if periods is None:
        return LinkageCoverage(overall, (), by_severity, by_method, None, None, False, "")
    a, b = (_in_period(incidents, p) for p in periods)
    by_period = (_share(periods[0].label, a), _share(periods[1].label, b))
    share_p = _share_test(by_period)
    against_p = _opposite_moves(a, b, periods)
    drift = share_p is not None and against_p is not None and max(share_p, against_p) < ALPHA
    return LinkageCoverage(
        overall,
        by_period,
        by_severity,
        by_method,
        share_p,
        against_p,
        drift,
        _drift_caveat(by_period, a, b) if drift else "",
    )


def _in_period(incidents: pd.DataFrame, period: Period) -> pd.DataFrame:
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    created = incidents["created_at"]
    return incidents[(created >= start) & (created < end)]


def _share(label: str, incidents: pd.DataFrame) -> LinkageShare:
    n, linked = len(incidents), int(incidents["code_caused"].sum())
    if n == 0:
        return LinkageShare(label, 0, 0, None, None, None)
    low, high = proportion_confint(linked, n, alpha=ALPHA, method="wilson")
    return LinkageShare(label, n, linked, linked / n, float(low), float(high))


def _share_test(by_period: tuple[LinkageShare, LinkageShare]) -> float | None:
    a, b = by_period
    if a.incidents == 0 or b.incidents == 0:
        return None
    if a.with_code_cause + b.with_code_cause in (0, a.incidents + b.incidents):
        return None  # every incident, or none, has a code cause: nothing moved
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        test = test_proportions_2indep(
            b.with_code_cause, b.incidents, a.with_code_cause, a.incidents, compare="diff"
        )
    return float(test.pvalue) if np.isfinite(test.pvalue) else None


def _opposite_moves(
    a: pd.DataFrame, b: pd.DataFrame, periods: tuple[Period, Period]
) -> float | None:
    """P-value that incidents with no code cause changed their daily rate, when they moved
    against the code-caused ones (``None`` when they moved with them, or not at all)."""
    days = [max((p.end - p.start).days, 1) for p in periods]
    code = [int(f["code_caused"].sum()) / d for f, d in zip((a, b), days, strict=True)]
    other = [int((~f["code_caused"]).sum()) for f in (a, b)]
    moved_other = other[1] / days[1] - other[0] / days[0]
    if sum(other) == 0 or (code[1] - code[0]) * moved_other >= 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        test = test_poisson_2indep(other[1], days[1], other[0], days[0], method="score")
    return float(test.pvalue) if np.isfinite(test.pvalue) else None


def _drift_caveat(
    by_period: tuple[LinkageShare, LinkageShare], a: pd.DataFrame, b: pd.DataFrame
) -> str:
    first, second = by_period
    other = [int((~f["code_caused"]).sum()) for f in (a, b)]
    better = (second.share or 0.0) > (first.share or 0.0)
    return (
        f"Linkage coverage moved: {first.share or 0.0:.0%} of incidents had a code cause "
        f"{first.label} and {second.share or 0.0:.0%} {second.label}, while incidents with no "
        f"code cause went from {other[0]} to {other[1]}. Incidents moving between 'no code "
        "cause' and 'code-caused' look like "
        + ("better" if better else "worse")
        + " linking, not changes failing "
        + ("more" if better else "less")
        + ", so the rate and mix effects are not evidence either way."
    )
