"""The Jevons decomposition: why did code-caused incidents change between two periods?

Code-caused incidents in a period are written as ``I = N * sum_c s_c * r_c``: ``N`` changes
shipped, ``s_c`` the share of them in authorship class ``c``, ``r_c`` the incidents per
change of class ``c``. The change ``I_b - I_a`` is split into a **volume** effect (``N``),
a **mix** effect (``s``) and a **rate** effect (``r``) by the Shapley value of the three
factors: each factor's effect is its marginal contribution averaged over the six orders in
which the factors can be switched from period A to period B. The three effects sum to the
total exactly and treat the factors symmetrically (no base-period choice, unlike Laspeyres
or Paasche splits, which leave an interaction term).

A class with fewer than ``min_changes`` changes in a period (no AI changes before
adoption) has no measurable rate there, so no measurable change of rate either. Its rate
in that period is imputed as its rate in the other period: the class that appears adds to
**volume** and **mix**, never to **rate**, at the rate it shows. One exception: when the
classes measured in both periods share a trend the data clearly show (their pooled rates
differ by a two-sample Poisson test at the 5% level), the imputed rate moves with that
trend, so a rise in every class's rate still reads as **rate** even for a class new in
period B. A trend the data do not show is not carried, because a noisy ratio multiplied
into a new class's many changes would swamp the other effects with noise. Because a small
class's few changes carry its observed incidents, the imputation leaves a small residual
(its observed incidents minus changes x imputed rate); that residual is added to the rate
effect so the sum stays exact.

Incidents are dated by ``created_at`` and split among their inducing commits' classes
(equal shares), so per-period code-caused counts match what on-call saw. Intervals come
from a seeded Poisson bootstrap: each commit and each incident is drawn Poisson(1) times
(Hanley & MacGibbon 2006), which also lets ``N`` vary as it would in another period.
A known limit: a class with no incident in a period keeps a rate of exactly zero in every
replicate, so an effect resting on it looks more certain than it is (on the external
scenario the mix effect's interval is -3.6 to -0.9 with only nine code-caused incidents in
all). The findings therefore claim no attribution for any part of a code-caused change
whose own interval includes zero.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import warnings
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
from statsmodels.stats.rates import test_poisson_2indep

from analyzer.analysis.result import (
    Decomposition,
    DecompositionClass,
    Estimate,
    Period,
    UnlinkedIncidents,
)

FloatArray = npt.NDArray[np.float64]
MIN_CLASS_CHANGES = 30
TREND_ALPHA = 0.05
EFFECTS: tuple[str, ...] = ("volume", "mix", "rate")


@dataclasses.dataclass(frozen=True)
class Effects:
    """Volume, mix and rate effects (any shape: one value, or one per bootstrap replicate)."""

    volume: FloatArray
    mix: FloatArray
    rate: FloatArray


@dataclasses.dataclass(frozen=True)
class PeriodCounts:
    """One period's changes and code-caused incidents per class (last axis: classes)."""

    changes: FloatArray
    incidents: FloatArray


@dataclasses.dataclass(frozen=True)
class Imputation:
    """Which class rates are measured in each period, and whether the common trend of the
    classes measured in both is carried to the others (decided once, from the data)."""

    measured_a: npt.NDArray[np.bool_]
    measured_b: npt.NDArray[np.bool_]
    carry_trend: bool


def plan_imputation(
    a: PeriodCounts, b: PeriodCounts, *, min_changes: int = MIN_CLASS_CHANGES
) -> Imputation:
    """Measured classes have ``min_changes`` changes; the common trend is carried only when
    a two-sample Poisson test (statsmodels) finds one at the 5% level."""
    measured_a, measured_b = a.changes >= min_changes, b.changes >= min_changes
    both = measured_a & measured_b
    counts = (
        b.incidents[both].sum(),
        b.changes[both].sum(),
        a.incidents[both].sum(),
        a.changes[both].sum(),
    )
    carry = False
    if counts[1] > 0 and counts[3] > 0 and counts[0] + counts[2] > 0:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            test = test_poisson_2indep(*counts, method="score", compare="ratio")
        carry = bool(np.isfinite(test.pvalue) and test.pvalue < TREND_ALPHA)
    return Imputation(np.asarray(measured_a), np.asarray(measured_b), carry)


def class_rates(
    a: PeriodCounts, b: PeriodCounts, plan: Imputation
) -> tuple[FloatArray, FloatArray]:
    """Incidents per change by class in each period, imputing unmeasured classes (see module)."""
    measured_a, measured_b = plan.measured_a, plan.measured_b
    observed_a = _safe_ratio(a.incidents, a.changes)
    observed_b = _safe_ratio(b.incidents, b.changes)
    both = measured_a & measured_b
    pooled_a = _safe_ratio((a.incidents * both).sum(-1), (a.changes * both).sum(-1))
    pooled_b = _safe_ratio((b.incidents * both).sum(-1), (b.changes * both).sum(-1))
    trend_ok = plan.carry_trend & (pooled_a > 0) & (pooled_b > 0)
    trend = np.where(trend_ok, _safe_ratio(pooled_b, pooled_a), 1.0)[..., None]
    neither = _safe_ratio(a.incidents + b.incidents, a.changes + b.changes)
    rate_a = np.where(measured_a, observed_a, np.where(measured_b, observed_b / trend, neither))
    rate_b = np.where(measured_b, observed_b, np.where(measured_a, observed_a * trend, neither))
    return rate_a, rate_b


def shapley_effects(
    a: PeriodCounts,
    b: PeriodCounts,
    *,
    min_changes: int = MIN_CLASS_CHANGES,
    plan: Imputation | None = None,
) -> Effects:
    """Split ``sum(b.incidents) - sum(a.incidents)`` exactly into volume, mix and rate.

    Arrays may carry leading replicate axes; ``plan`` (default: :func:`plan_imputation`
    on ``a`` and ``b``) says where a class's own rate is used.
    """
    plan = plan or plan_imputation(a, b, min_changes=min_changes)
    rate_a, rate_b = class_rates(a, b, plan)
    total_a, total_b = a.changes.sum(-1), b.changes.sum(-1)
    factors = (
        (total_a, total_b),
        (_safe_ratio(a.changes, total_a[..., None]), _safe_ratio(b.changes, total_b[..., None])),
        (rate_a, rate_b),
    )
    values = _shapley(factors)
    # the imputed rates' residual at each end keeps the sum exact (see module docstring)
    fitted_a = (a.changes * rate_a).sum(-1)
    fitted_b = (b.changes * rate_b).sum(-1)
    residual = (b.incidents.sum(-1) - fitted_b) - (a.incidents.sum(-1) - fitted_a)
    return Effects(volume=values[0], mix=values[1], rate=values[2] + residual)


def _shapley(factors: Sequence[tuple[FloatArray, FloatArray]]) -> list[FloatArray]:
    """Shapley value of each factor of ``N * sum(s * r)`` switched from A (0) to B (1)."""

    def value(switched: tuple[int, ...]) -> FloatArray:
        total, share, rate = (pair[i] for pair, i in zip(factors, switched, strict=True))
        return np.asarray(total * (share * rate).sum(-1), dtype=float)

    cache = {bits: value(bits) for bits in itertools.product((0, 1), repeat=len(factors))}
    n = len(factors)
    weights = [1.0 / (n * math.comb(n - 1, k)) for k in range(n)]
    effects = []
    for i in range(n):
        effect = np.zeros_like(cache[(0,) * n])
        for bits in cache:
            if bits[i] == 0:
                with_i = tuple(1 if j == i else bit for j, bit in enumerate(bits))
                effect = effect + weights[sum(bits)] * (cache[with_i] - cache[bits])
        effects.append(effect)
    return effects


def _safe_ratio(num: npt.ArrayLike, den: npt.ArrayLike) -> FloatArray:
    num_a, den_a = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    out = np.zeros(np.broadcast(num_a, den_a).shape)
    np.divide(num_a, den_a, out=out, where=den_a > 0)
    return out


def default_periods(
    first: dt.date, last: dt.date, adoption: dt.date | None
) -> tuple[Period, Period] | None:
    """Equal windows either side of ``adoption`` (as long as the shorter side allows), or
    the two halves of ``[first, last]`` when there is no adoption point."""
    end = last + dt.timedelta(days=1)
    if adoption is None or not first < adoption < end:
        span = (end - first).days
        if span < 2:
            return None
        middle = first + dt.timedelta(days=span // 2)
        return (
            Period(first, middle, "first half"),
            Period(middle, end, "second half"),
        )
    length = min(adoption - first, end - adoption)
    return (
        Period(adoption - length, adoption, "before adoption"),
        Period(adoption, adoption + length, "after adoption"),
    )


@dataclasses.dataclass(frozen=True)
class DecompositionInput:
    """What the decomposition needs from the frames, for one pair of periods."""

    classes: tuple[str, ...]
    changes_a: FloatArray
    changes_b: FloatArray
    incident_classes_a: FloatArray  # one row per code-caused incident: its class shares
    incident_classes_b: FloatArray
    unlinked_a: int
    unlinked_b: int


def decomposition_input(
    changes: pd.DataFrame,
    incidents: pd.DataFrame,
    inducing: pd.DataFrame,
    periods: tuple[Period, Period],
    classes: Sequence[str],
) -> DecompositionInput:
    """Count changes per class and split code-caused incidents among classes, per period.

    ``changes`` needs ``committed_at`` and ``authorship``; ``incidents`` ``incident_id``,
    ``created_at`` and ``code_caused``; ``inducing`` ``incident_id``, ``authorship`` and
    ``weight``.
    """
    index = {c: i for i, c in enumerate(classes)}
    shares = (
        inducing.assign(col=inducing["authorship"].map(index))
        .groupby(["incident_id", "col"])["weight"]
        .sum()
        .unstack(fill_value=0)
        .reindex(columns=range(len(classes)), fill_value=0.0)
    )

    def one(period: Period) -> tuple[FloatArray, FloatArray, int]:
        start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
        in_changes = changes[(changes["committed_at"] >= start) & (changes["committed_at"] < end)]
        counts = in_changes["authorship"].value_counts().reindex(list(classes), fill_value=0)
        in_inc = incidents[(incidents["created_at"] >= start) & (incidents["created_at"] < end)]
        caused = in_inc[in_inc["code_caused"]]["incident_id"]
        rows = shares.reindex(caused.to_numpy()).dropna(how="all").to_numpy(dtype=float)
        unlinked = int((~in_inc["code_caused"]).sum())
        rows = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(classes))
        return np.asarray(counts, dtype=np.float64), rows, unlinked

    changes_a, rows_a, unlinked_a = one(periods[0])
    changes_b, rows_b, unlinked_b = one(periods[1])
    return DecompositionInput(
        tuple(classes), changes_a, changes_b, rows_a, rows_b, unlinked_a, unlinked_b
    )


def decompose_incident_change(
    data: DecompositionInput,
    periods: tuple[Period, Period],
    *,
    replicates: int = 1000,
    seed: int = 0,
    min_changes: int = MIN_CLASS_CHANGES,
) -> Decomposition:
    """The exact volume/mix/rate split with Poisson-bootstrap percentile intervals."""
    a = PeriodCounts(data.changes_a, data.incident_classes_a.sum(0))
    b = PeriodCounts(data.changes_b, data.incident_classes_b.sum(0))
    plan = plan_imputation(a, b, min_changes=min_changes)
    point = shapley_effects(a, b, plan=plan)
    boot = _bootstrap(data, plan, max(replicates, 1), seed)
    rate_a, rate_b = class_rates(a, b, plan)
    code_change = float(b.incidents.sum() - a.incidents.sum())
    unlinked_change = float(data.unlinked_b - data.unlinked_a)
    estimates = {
        "volume": _estimate(float(point.volume), boot["volume"]),
        "mix": _estimate(float(point.mix), boot["mix"]),
        "rate": _estimate(float(point.rate), boot["rate"]),
        "code": _estimate(code_change, boot["code"]),
        "unlinked": _estimate(unlinked_change, boot["unlinked"]),
        "total": _estimate(code_change + unlinked_change, boot["code"] + boot["unlinked"]),
    }
    separation = {
        f"{x}-{y}": _estimate(float(getattr(point, x) - getattr(point, y)), boot[x] - boot[y])
        for x, y in (("volume", "mix"), ("volume", "rate"), ("mix", "rate"))
    }
    separation["unlinked-code"] = _estimate(
        unlinked_change - code_change, boot["unlinked"] - boot["code"]
    )
    rows = tuple(
        DecompositionClass(
            authorship=cls,
            changes_a=int(a.changes[i]),
            changes_b=int(b.changes[i]),
            incidents_a=float(a.incidents[i]),
            incidents_b=float(b.incidents[i]),
            rate_a=float(rate_a[i]) if a.changes[i] or b.changes[i] else None,
            rate_b=float(rate_b[i]) if a.changes[i] or b.changes[i] else None,
            rate_a_imputed=not bool(plan.measured_a[i]),
            rate_b_imputed=not bool(plan.measured_b[i]),
        )
        for i, cls in enumerate(data.classes)
    )
    return Decomposition(
        period_a=periods[0],
        period_b=periods[1],
        incidents_a=round(a.incidents.sum()) + data.unlinked_a,
        incidents_b=round(b.incidents.sum()) + data.unlinked_b,
        incident_change=estimates["total"],
        code_caused_change=estimates["code"],
        volume_effect=estimates["volume"],
        mix_effect=estimates["mix"],
        rate_effect=estimates["rate"],
        unlinked_incidents=UnlinkedIncidents(
            data.unlinked_a, data.unlinked_b, estimates["unlinked"]
        ),
        classes=rows,
        separation=separation,
        method=(
            "Shapley split of N x sum(share x rate) between the periods (exact); classes "
            f"with fewer than {min_changes} changes in a period get an imputed rate; "
            f"95% percentile intervals from {replicates} Poisson-bootstrap replicates "
            f"(seed {seed}) resampling commits and incidents"
        ),
        replicates=replicates,
        seed=seed,
    )


def _bootstrap(
    data: DecompositionInput, plan: Imputation, replicates: int, seed: int
) -> dict[str, FloatArray]:
    rng = np.random.default_rng(seed)
    changes_a = rng.poisson(data.changes_a, size=(replicates, data.changes_a.size))
    changes_b = rng.poisson(data.changes_b, size=(replicates, data.changes_b.size))
    weights_a = rng.poisson(1.0, size=(replicates, data.incident_classes_a.shape[0]))
    weights_b = rng.poisson(1.0, size=(replicates, data.incident_classes_b.shape[0]))
    a = PeriodCounts(changes_a.astype(float), weights_a @ data.incident_classes_a)
    b = PeriodCounts(changes_b.astype(float), weights_b @ data.incident_classes_b)
    effects = shapley_effects(a, b, plan=plan)
    unlinked = rng.poisson(data.unlinked_b, replicates) - rng.poisson(data.unlinked_a, replicates)
    return {
        "volume": effects.volume,
        "mix": effects.mix,
        "rate": effects.rate,
        "code": b.incidents.sum(-1) - a.incidents.sum(-1),
        "unlinked": unlinked.astype(float),
    }


def _estimate(value: float, replicates: FloatArray | None) -> Estimate:
    if replicates is None or len(replicates) == 0:
        return Estimate(value)
    low, high = np.percentile(replicates, [2.5, 97.5])
    return Estimate(value, float(low), float(high))
