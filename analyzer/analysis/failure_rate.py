"""Change failure rate by authorship class, and incidents per 1,000 changed lines.

Proportions (a change linked to an incident, a change later reverted) get Wilson 95%
intervals and are compared with the reference class (human) as a ratio of proportions
(statsmodels ``test_proportions_2indep``/``confint_proportions_2indep``, log-adjusted).
When either class has no such change, the log-adjusted interval (which adds half a change
to each count) no longer holds the estimate, 0 or infinity, and when every change of both
classes has it, the interval shrinks to a point; Fisher's exact test (scipy) and Donner
and Zou's MOVER-R interval from the two Wilson intervals are used instead.
Incident rates per changed line get exact (Garwood) Poisson intervals and the two-sample
score test of the rate ratio (``test_poisson_2indep``); when either class has no incident
the score test and interval degenerate, so the exact conditional test and the MOVER
interval are used instead. P-values are raw here; the
analysis Holm-corrects them as one family with the count model's class terms.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import pandas as pd
from scipy.stats import fisher_exact
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    test_proportions_2indep,
)
from statsmodels.stats.rates import confint_poisson, confint_poisson_2indep, test_poisson_2indep

from analyzer.analysis.frames import REFERENCE_CLASS
from analyzer.analysis.result import (
    ClassIncidentRate,
    ClassProportion,
    Comparison,
    IncidentRates,
)


def class_proportions(
    authorship: pd.Series, flag: pd.Series, classes: Sequence[str]
) -> dict[str, ClassProportion]:
    """``flag``'s share within each class present, with Wilson 95% intervals."""
    frame = pd.DataFrame({"authorship": authorship, "flag": flag.astype(bool)})
    grouped = frame.groupby("authorship")["flag"].agg(["size", "sum"]).to_dict(orient="index")
    result: dict[str, ClassProportion] = {}
    for cls in classes:
        if cls not in grouped or grouped[cls]["size"] == 0:
            continue
        n, count = int(grouped[cls]["size"]), int(grouped[cls]["sum"])
        low, high = _wilson(count, n)
        result[cls] = ClassProportion(n, count, count / n, low, high)
    return result


def compare_proportions(
    proportions: dict[str, ClassProportion], *, name: str, reference: str = REFERENCE_CLASS
) -> tuple[Comparison, ...]:
    """Each class's proportion against ``reference``'s, as a ratio with its interval."""
    base = proportions.get(reference)
    if base is None or base.n == 0:
        return ()
    comparisons = []
    for cls, prop in proportions.items():
        if cls == reference or prop.n == 0 or (prop.count == 0 and base.count == 0):
            continue
        if prop.count == 0 or base.count == 0 or (prop.count == prop.n and base.count == base.n):
            table = [[prop.count, prop.n - prop.count], [base.count, base.n - base.count]]
            low, high = _mover_ratio(prop, base)
            statistic: float | None = None
            p_value = _finite(fisher_exact(table).pvalue)
            method = "ratio of proportions, Fisher's exact test, MOVER-R Wilson interval"
        else:
            args = (prop.count, prop.n, base.count, base.n)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # a class at 100% divides by 0
                test = test_proportions_2indep(*args, compare="ratio", method="log-adjusted")
                low, high = confint_proportions_2indep(
                    *args, compare="ratio", method="log-adjusted"
                )
            statistic, p_value = _finite(test.statistic), _finite(test.pvalue)
            method = "ratio of proportions, log-adjusted score test (statsmodels)"
        comparisons.append(
            Comparison(
                name=f"{name}: {cls} vs {reference}",
                authorship=cls,
                reference=reference,
                ratio=_ratio(prop.count / prop.n, base.count / base.n),
                ci_low=_finite(low),
                ci_high=_finite(high),
                statistic=statistic,
                p_value=p_value,
                p_holm=None,
                method=method,
            )
        )
    return tuple(comparisons)


def _wilson(count: int, n: int) -> tuple[float, float]:
    low, high = proportion_confint(count, n, alpha=0.05, method="wilson")
    return float(low), float(high)


def _mover_ratio(prop: ClassProportion, base: ClassProportion) -> tuple[float, float]:
    """The 95% interval of ``prop.rate / base.rate`` by MOVER-R (Donner and Zou, 2012),
    from each proportion's Wilson limits: 0 to a finite bound when ``prop`` has no count,
    a positive bound to infinity when ``base`` has none."""
    (l1, u1), (l2, u2) = (_wilson(c.count, c.n) for c in (prop, base))
    p1, p2 = prop.count / prop.n, base.count / base.n
    both = p1 * p2
    low = (both - math.sqrt(max(both**2 - l1 * u2 * (2 * p1 - l1) * (2 * p2 - u2), 0.0))) / (
        u2 * (2 * p2 - u2)
    )
    high_denominator = l2 * (2 * p2 - l2)
    high = (
        (both + math.sqrt(max(both**2 - u1 * l2 * (2 * p1 - u1) * (2 * p2 - l2), 0.0)))
        / high_denominator
        if high_denominator > 0
        else math.inf
    )
    return max(low, 0.0), high


def incident_rates(
    changes: pd.DataFrame,
    inducing_all: pd.DataFrame,
    classes: Sequence[str],
    concurrent: pd.Series | None = None,
) -> IncidentRates:
    """Distinct incidents induced by each class's changes per 1,000 lines they changed.

    ``changes`` needs ``repo_id``, ``sha``, ``authorship``, ``lines_changed``;
    ``inducing_all`` ``incident_id``, ``repo_id``, ``sha``. An incident with inducing
    commits in two classes counts once in each. The comparisons with the reference class
    use only the ``concurrent`` changes (a boolean mask; default all), so a class that
    exists only late is compared with reference changes of the same time.
    """
    by_class = _rates_by_class(changes, inducing_all, classes)
    compared = (
        by_class
        if concurrent is None
        else _rates_by_class(changes[concurrent], inducing_all, classes)
    )
    return IncidentRates(by_class, _compare_rates(compared))


def _rates_by_class(
    changes: pd.DataFrame, inducing_all: pd.DataFrame, classes: Sequence[str]
) -> dict[str, ClassIncidentRate]:
    kloc = changes.groupby("authorship")["lines_changed"].sum() / 1000.0
    linked = inducing_all.merge(
        changes[["repo_id", "sha", "authorship"]],
        on=["repo_id", "sha"],
        how="inner",
        suffixes=("_link", ""),
    )
    counts = linked.groupby("authorship")["incident_id"].nunique()
    by_class: dict[str, ClassIncidentRate] = {}
    for cls in classes:
        exposure = float(kloc.get(cls, 0.0))
        if exposure <= 0:
            continue
        count = int(counts.get(cls, 0))
        low, high = confint_poisson(count, exposure, method="exact-c")
        by_class[cls] = ClassIncidentRate(
            count, exposure, count / exposure, float(low), float(high)
        )
    return by_class


def _compare_rates(by_class: dict[str, ClassIncidentRate]) -> tuple[Comparison, ...]:
    base = by_class.get(REFERENCE_CLASS)
    if base is None:
        return ()
    comparisons = []
    for cls, rate in by_class.items():
        if cls == REFERENCE_CLASS or (rate.incidents == 0 and base.incidents == 0):
            continue
        args = (rate.incidents, rate.kloc_changed, base.incidents, base.kloc_changed)
        zero = rate.incidents == 0 or base.incidents == 0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an infinite ratio is expected
            test = test_poisson_2indep(
                *args, method="exact-cond" if zero else "score", compare="ratio"
            )
            low, high = confint_poisson_2indep(
                *args, method="mover" if zero else "score", compare="ratio"
            )
        comparisons.append(
            Comparison(
                name=f"incidents per KLOC changed: {cls} vs {REFERENCE_CLASS}",
                authorship=cls,
                reference=REFERENCE_CLASS,
                ratio=_ratio(rate.per_kloc, base.per_kloc),
                ci_low=_finite(low),
                ci_high=_finite(high),
                statistic=_finite(test.statistic),
                p_value=_finite(test.pvalue),
                p_holm=None,
                method=(
                    "rate ratio, two-sample Poisson "
                    + ("exact conditional test" if zero else "score test")
                    + " (statsmodels)"
                ),
            )
        )
    return tuple(comparisons)


def _finite(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _ratio(num: float | None, den: float | None) -> float | None:
    if num is None or den is None or den == 0:
        return None
    return num / den
