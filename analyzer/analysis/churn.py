"""Churn: the share of each class's added lines rewritten within 14 and 28 days.

The share is a ratio estimate, ``sum(rewritten) / sum(lines added)`` over the class's
commits. Lines of one commit are rewritten together, so they are not independent trials:
the interval comes from the same estimate written as a weighted least-squares fit through
the origin (weights ``1 / lines added``, which reproduces the ratio exactly) with
heteroskedasticity-robust (HC1) errors, i.e. the commit is the unit of sampling.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm

from analyzer.analysis.result import ClassChurn, Estimate

WINDOW_COLUMNS: dict[int, str] = {14: "rewritten_14d", 28: "rewritten_28d"}


def churn_by_class(
    churn: pd.DataFrame,
    changes: pd.DataFrame,
    classes: Sequence[str],
    windows: Sequence[int] = (14, 28),
) -> dict[str, ClassChurn]:
    """Per class, lines added, lines rewritten within each window, and the share with CI."""
    frame = churn.merge(changes[["repo_id", "sha", "authorship"]], on=["repo_id", "sha"])
    frame = frame[frame["lines_added"] > 0]
    columns = {f"{w}d": WINDOW_COLUMNS[w] for w in windows if w in WINDOW_COLUMNS}
    result: dict[str, ClassChurn] = {}
    for cls in classes:
        rows = frame[frame["authorship"] == cls]
        if rows.empty:
            continue
        rewritten = {name: int(rows[col].fillna(0).sum()) for name, col in columns.items()}
        share = {
            name: ratio_estimate(rows[col].fillna(0), rows["lines_added"])
            for name, col in columns.items()
        }
        result[cls] = ClassChurn(
            commits=len(rows),
            lines_added=int(rows["lines_added"].sum()),
            rewritten=rewritten,
            share=share,
        )
    return result


def ratio_estimate(numerator: pd.Series, denominator: pd.Series) -> Estimate:
    """``sum(numerator) / sum(denominator)`` with a commit-level robust 95% interval."""
    y = numerator.to_numpy(float)
    x = denominator.to_numpy(float)
    value = float(y.sum() / x.sum())
    if len(x) < 3:
        return Estimate(value)
    fit = sm.WLS(y, x, weights=1.0 / x).fit(cov_type="HC1")
    low, high = np.asarray(fit.conf_int())[0]
    return Estimate(value, max(float(low), 0.0), min(float(high), 1.0))
