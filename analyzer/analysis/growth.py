"""Growth of volume and complexity: levels, what each class added, and acceleration.

Growth per month is the monthly amount for a flow (commits, lines added) and the monthly
increment for a stock (NLOC, total CCN, functions above CCN 10). Acceleration is the
change in that monthly growth from before the adoption point to after it (or from the
first half of the range to the second), estimated by OLS of the monthly values on an
after-indicator with HAC (Newey-West) standard errors, because monthly series are
autocorrelated. Only whole months inside the range are used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm

from analyzer.analysis.result import ClassGrowth, Estimate, Growth, GrowthRate

#: (metric, kind, column of the monthly series holding its monthly growth)
RATE_METRICS: tuple[tuple[str, Literal["flow", "stock"], str], ...] = (
    ("commits", "flow", "commits"),
    ("lines_added", "flow", "lines_added"),
    ("net_loc", "stock", "net_loc"),
    ("nloc", "stock", "nloc_growth"),
    ("ccn_total", "stock", "ccn_total_growth"),
    ("functions_over_10", "stock", "functions_over_10_growth"),
)
_DELTA_COLUMNS = {
    "nloc": "nloc_d",
    "ccn_total": "ccn_d",
    "functions_over_10": "f10_d",
    "functions_over_20": "f20_d",
}
MIN_MONTHS_EACH_SIDE = 2
_HAC_LAGS = 2


def class_growth(changes: pd.DataFrame, classes: Sequence[str]) -> dict[str, ClassGrowth]:
    """Volume and complexity each class added, and CCN added per line added."""
    sums = changes.groupby("authorship")[["lines_added", "lines_deleted", "nloc_d", "ccn_d"]].sum()
    counts = changes["authorship"].value_counts()
    records = sums.to_dict(orient="index")
    result: dict[str, ClassGrowth] = {}
    for cls in classes:
        if cls not in records:
            continue
        row = records[cls]
        added = int(row["lines_added"])
        result[cls] = ClassGrowth(
            commits=int(counts.get(cls, 0)),
            lines_added=added,
            lines_deleted=int(row["lines_deleted"]),
            net_loc=added - int(row["lines_deleted"]),
            nloc_added=int(row["nloc_d"]),
            ccn_added=int(row["ccn_d"]),
            ccn_per_line_added=float(row["ccn_d"]) / added if added else None,
        )
    return result


def growth_summary(
    monthly: pd.DataFrame,
    changes: pd.DataFrame,
    history: pd.DataFrame,
    classes: Sequence[str],
    split: dt.date | None,
    span: tuple[pd.Timestamp, pd.Timestamp] | None,
) -> Growth:
    """Levels at the range's start and end, each class's additions, and growth rates."""
    start: dict[str, float | None] = {}
    end: dict[str, float | None] = {}
    if span is not None:
        start = complexity_at(history, span[0])
        end = complexity_at(history, span[1])
    rates = growth_rates(monthly, split, span)
    return Growth(start=start, end=end, by_class=class_growth(changes, classes), rates=rates)


def complexity_at(history: pd.DataFrame, when: pd.Timestamp) -> dict[str, float | None]:
    """NLOC, total CCN, functions above CCN 10/20 and CCN per KLOC alive at ``when``."""
    before = history[history["committed_at"] <= when]
    levels: dict[str, float | None] = {
        stock: float(before[column].sum()) for stock, column in _DELTA_COLUMNS.items()
    }
    nloc = levels["nloc"] or 0.0
    levels["ccn_per_kloc"] = (levels["ccn_total"] or 0.0) / (nloc / 1000.0) if nloc else None
    return levels


def growth_rates(
    monthly: pd.DataFrame, split: dt.date | None, span: tuple[pd.Timestamp, pd.Timestamp] | None
) -> tuple[GrowthRate, ...]:
    """Monthly growth before and after ``split`` (default: the middle month) per metric."""
    months = _whole_months(monthly, span)
    if len(months) < 2 * MIN_MONTHS_EACH_SIDE:
        return ()
    months = months.copy()
    for stock in ("nloc", "ccn_total", "functions_over_10"):
        months[f"{stock}_growth"] = months[stock].diff()
    months = months.iloc[1:]  # the first whole month has no increment
    cut = pd.Timestamp(split) if split else months["period"].iloc[len(months) // 2]
    after = (months["period"] >= cut).astype(float)
    if min(after.sum(), (1 - after).sum()) < MIN_MONTHS_EACH_SIDE:
        return ()
    return tuple(
        _rate(metric, kind, months[column], after) for metric, kind, column in RATE_METRICS
    )


def _rate(
    metric: str, kind: Literal["flow", "stock"], values: pd.Series, after: pd.Series
) -> GrowthRate:
    y = values.astype(float).to_numpy()
    x = sm.add_constant(after.to_numpy())
    before_mean = float(y[after.to_numpy() == 0].mean())
    after_mean = float(y[after.to_numpy() == 1].mean())
    acceleration = Estimate(after_mean - before_mean)
    p_value = None
    if np.ptp(y) > 0:
        fit = sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": _HAC_LAGS})
        low, high = fit.conf_int()[1]
        acceleration = Estimate(float(fit.params[1]), float(low), float(high))
        p_value = float(fit.pvalues[1])
    return GrowthRate(
        metric=metric,
        kind=kind,
        per_month_before=before_mean,
        per_month_after=after_mean,
        acceleration=acceleration,
        ratio=after_mean / before_mean if before_mean else None,
        p_value=p_value,
    )


def _whole_months(
    monthly: pd.DataFrame, span: tuple[pd.Timestamp, pd.Timestamp] | None
) -> pd.DataFrame:
    if monthly.empty or span is None:
        return monthly
    starts = monthly["period"]
    ends = starts + pd.offsets.MonthBegin(1)
    last_day_end = (span[1] + pd.Timedelta(days=1)).normalize()
    return monthly[(starts >= span[0].normalize()) & (ends <= last_day_end)]
