"""Weekly and monthly series: volume, complexity alive, AI share and incidents.

Weeks start on Monday, months on the 1st (UTC). Complexity is a level (a stock): the sum
over the files alive at the end of a period of their blob's NLOC, CCN and functions above
CCN 10 and 20, built as a running total of the per-commit deltas over the whole history
(so a range starting mid-history starts at the right level). Everything else is a flow
within the period.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from analyzer.analysis.incident_load import severity_weight
from analyzer.analysis.result import SeriesFrames
from analyzer.models import AI_CLASSES

Frequency = Literal["week", "month"]
_PANDAS_FREQ: dict[Frequency, str] = {"week": "W-SUN", "month": "M"}
STOCKS: tuple[str, ...] = ("nloc", "ccn_total", "functions_over_10", "functions_over_20")
_DELTAS = {
    "nloc": "nloc_d",
    "ccn_total": "ccn_d",
    "functions_over_10": "f10_d",
    "functions_over_20": "f20_d",
}


def period_start(stamps: pd.Series, freq: Frequency) -> pd.Series:
    """The first instant of the week or month each timestamp falls in."""
    return pd.Series(stamps.dt.to_period(_PANDAS_FREQ[freq]).dt.start_time, index=stamps.index)


def period_index(start: pd.Timestamp, end: pd.Timestamp, freq: Frequency) -> pd.DatetimeIndex:
    """Every period start from the one holding ``start`` to the one holding ``end``."""
    periods = pd.period_range(start, end, freq=_PANDAS_FREQ[freq])
    return pd.DatetimeIndex(periods.start_time, name="period")


def complexity_levels(
    history: pd.DataFrame, index: pd.DatetimeIndex, freq: Frequency
) -> pd.DataFrame:
    """NLOC, total CCN, CCN per KLOC and functions above CCN 10/20 at each period's end."""
    levels = pd.DataFrame(index=index, columns=list(STOCKS), dtype=float).fillna(0.0)
    if not history.empty and len(index):
        deltas = (
            history.assign(period=period_start(history["committed_at"], freq))
            .groupby("period")[list(_DELTAS.values())]
            .sum()
            .rename(columns={v: k for k, v in _DELTAS.items()})
        )
        full = deltas.index.union(index)
        running = deltas.reindex(full, fill_value=0).cumsum()
        levels = running.reindex(index).astype(float)
    levels["ccn_per_kloc"] = _ratio(levels["ccn_total"], levels["nloc"] / 1000.0)
    return levels


def change_flows(changes: pd.DataFrame, index: pd.DatetimeIndex, freq: Frequency) -> pd.DataFrame:
    """Commits, lines, net LOC, distinct authors and AI shares of commits and added lines."""
    frame = changes.assign(
        period=period_start(changes["committed_at"], freq),
        ai=changes["authorship"].isin(AI_CLASSES),
        ai_lines=np.where(changes["authorship"].isin(AI_CLASSES), changes["lines_added"], 0),
        counted=changes["authorship"] != "automation",
    )
    grouped = frame.groupby("period")
    flows = pd.DataFrame(
        {
            "commits": grouped.size(),
            "lines_added": grouped["lines_added"].sum(),
            "lines_deleted": grouped["lines_deleted"].sum(),
            "authors": grouped["author"].nunique(),
            "ai_commits": grouped["ai"].sum(),
            "ai_lines_added": grouped["ai_lines"].sum(),
            "human_or_ai_commits": grouped["counted"].sum(),
        }
    ).reindex(index, fill_value=0)
    flows["net_loc"] = flows["lines_added"] - flows["lines_deleted"]
    flows["ai_commit_share"] = _ratio(flows["ai_commits"], flows["human_or_ai_commits"])
    flows["ai_line_share"] = _ratio(flows["ai_lines_added"], flows["lines_added"])
    return flows.drop(columns=["human_or_ai_commits"])


def incident_flows(
    incidents: pd.DataFrame, index: pd.DatetimeIndex, freq: Frequency
) -> pd.DataFrame:
    """Incidents by creation period: all, code-caused, unlinked, severity-weighted, effort."""
    frame = incidents.assign(
        period=period_start(incidents["created_at"], freq),
        weight=severity_weight(incidents["severity_rank"]),
        effort_hours=incidents["effort_minutes"].astype(float) / 60.0,
    )
    grouped = frame.groupby("period")
    flows = pd.DataFrame(
        {
            "incidents": grouped.size(),
            "code_caused_incidents": grouped["code_caused"].sum(),
            "severity_weighted": grouped["weight"].sum(),
            "effort_hours": grouped["effort_hours"].sum(min_count=1),
        }
    ).reindex(index)
    counts = ["incidents", "code_caused_incidents", "severity_weighted"]
    flows[counts] = flows[counts].fillna(0)
    flows["unlinked_incidents"] = flows["incidents"] - flows["code_caused_incidents"]
    return flows


def class_flows(
    changes: pd.DataFrame,
    inducing: pd.DataFrame,
    incidents: pd.DataFrame,
    index: pd.DatetimeIndex,
    freq: Frequency,
    classes: Sequence[str],
) -> pd.DataFrame:
    """One row per period and class: commits, lines, complexity added, and code-caused
    incidents (split equally among each incident's inducing commits, by incident date)."""
    frame = changes.assign(period=period_start(changes["committed_at"], freq))
    grouped = frame.groupby(["period", "authorship"])
    flows = pd.DataFrame(
        {
            "commits": grouped.size(),
            "lines_added": grouped["lines_added"].sum(),
            "lines_deleted": grouped["lines_deleted"].sum(),
            "nloc_added": grouped["nloc_d"].sum(),
            "ccn_added": grouped["ccn_d"].sum(),
            "functions_over_10_added": grouped["f10_d"].sum(),
        }
    )
    dated = inducing.merge(incidents[["incident_id", "created_at"]], on="incident_id")
    induced = (
        dated.assign(period=period_start(dated["created_at"], freq))
        .groupby(["period", "authorship"])["weight"]
        .sum()
        .rename("incidents")
    )
    full = pd.MultiIndex.from_product([index, list(classes)], names=["period", "authorship"])
    flows = flows.join(induced, how="outer").reindex(full).fillna(0)
    flows["net_loc"] = flows["lines_added"] - flows["lines_deleted"]
    return flows.reset_index()


def build_series(
    changes: pd.DataFrame,
    history: pd.DataFrame,
    incidents: pd.DataFrame,
    inducing: pd.DataFrame,
    span: tuple[pd.Timestamp, pd.Timestamp] | None,
    classes: Sequence[str],
) -> SeriesFrames:
    """Weekly and monthly totals and per-class series over ``span`` (empty without one)."""
    frames: dict[str, pd.DataFrame] = {}
    for freq in ("week", "month"):
        if span is None:
            frames[freq] = frames[f"{freq}_class"] = pd.DataFrame()
            continue
        index = period_index(span[0], span[1], freq)
        totals = pd.concat(
            [
                change_flows(changes, index, freq),
                complexity_levels(history, index, freq),
                incident_flows(incidents, index, freq),
            ],
            axis=1,
        )
        frames[freq] = totals.reset_index()
        frames[f"{freq}_class"] = class_flows(changes, inducing, incidents, index, freq, classes)
    return SeriesFrames(
        weekly=frames["week"],
        monthly=frames["month"],
        weekly_by_class=frames["week_class"],
        monthly_by_class=frames["month_class"],
    )


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """``num / den`` with NaN (shown as no value) where ``den`` is zero."""
    return (num.astype(float) / den.astype(float).where(den != 0)).astype(float)
