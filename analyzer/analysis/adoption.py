"""AI adoption: the AI share of commits and lines, and when adoption began.

The adoption point is the configured date when there is one. Otherwise it is detected as
the **first sustained rise** of the weekly AI share of (non-automation) commits:

1. the baseline is the AI share over the first ``BASELINE_WEEKS`` weeks with commits;
2. the threshold is the baseline plus ``RISE`` (5 percentage points);
3. a rise is sustained once the trailing ``WINDOW_WEEKS``-week share is above the
   threshold and stays above it for ``SUSTAIN_WEEKS`` weeks running;
4. a rise becomes visible some weeks after it starts (a gradual ramp crosses a threshold
   late), so its start is located as the single change point of the weekly share over the
   history up to the end of that first sustained run: the week that splits it into two
   segments of constant share (before lower than after) with the highest binomial
   likelihood (Hinkley 1970; scipy's binomial log-pmf);
5. the adoption date is the first AI commit on or after that week.

A short-lived experiment (a few AI commits that stop) does not count; a share already
high at the start of history has no adoption point inside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from analyzer.analysis.result import Adoption, ClassShare
from analyzer.models import AI_CLASSES

BASELINE_WEEKS = 12
WINDOW_WEEKS = 4
SUSTAIN_WEEKS = 8
RISE = 0.05
MIN_AI_COMMITS = 5


def detect_adoption(changes: pd.DataFrame) -> dt.date | None:
    """The first sustained rise of the AI share of commits (see module), or ``None``."""
    counted = changes[changes["authorship"] != "automation"]
    ai = counted["authorship"].isin(AI_CLASSES)
    if int(ai.sum()) < MIN_AI_COMMITS:
        return None
    week = counted["committed_at"].dt.to_period("W-SUN").dt.start_time
    weekly = pd.DataFrame({"ai": ai, "n": 1, "week": week}).groupby("week")[["ai", "n"]].sum()
    weekly = weekly.asfreq("7D", fill_value=0)
    if len(weekly) < BASELINE_WEEKS + SUSTAIN_WEEKS:
        return None
    baseline = weekly.iloc[:BASELINE_WEEKS]
    threshold = baseline["ai"].sum() / max(baseline["n"].sum(), 1) + RISE
    rolling = weekly.rolling(WINDOW_WEEKS, min_periods=WINDOW_WEEKS).sum()
    share = rolling["ai"] / rolling["n"].where(rolling["n"] > 0)
    above = (share > threshold).to_numpy()
    for i in range(BASELINE_WEEKS, len(above) - SUSTAIN_WEEKS + 1):
        if above[i : i + SUSTAIN_WEEKS].all():
            start = weekly.index[rise_start(weekly.iloc[: i + SUSTAIN_WEEKS])]
            firsts = counted.loc[ai & (counted["committed_at"] >= start), "committed_at"]
            return pd.Timestamp(firsts.min()).date()
    return None


def rise_start(weekly: pd.DataFrame) -> int:
    """Index of the week where a step up in the share ``ai / n`` most likely begins."""
    ai, n = weekly["ai"].to_numpy(float), weekly["n"].to_numpy(float)
    best, best_ll = len(ai) - 1, -np.inf
    for t in range(1, len(ai)):
        p_before = ai[:t].sum() / max(n[:t].sum(), 1.0)
        p_after = ai[t:].sum() / max(n[t:].sum(), 1.0)
        if p_after <= p_before:
            continue
        ll = (
            stats.binom.logpmf(ai[:t], n[:t], p_before).sum()
            + stats.binom.logpmf(ai[t:], n[t:], p_after).sum()
        )
        if ll > best_ll:
            best, best_ll = t, ll
    return best


def adoption_summary(
    changes: pd.DataFrame,
    configured: dt.date | None,
    classes: Sequence[str],
) -> Adoption:
    """The adoption point (configured or detected) with AI shares before and after it."""
    date: dt.date | None = configured
    if configured is not None:
        method = "configured"
        description = "set by the user (analysis.adoption_date or --adoption-date)"
    else:
        date = detect_adoption(changes)
        method = "detected" if date else "none"
        description = (
            "first sustained rise of the weekly AI share of commits: the trailing "
            f"{WINDOW_WEEKS}-week share above the first {BASELINE_WEEKS} weeks' share plus "
            f"{RISE:.0%} for {SUSTAIN_WEEKS} weeks running"
            if date
            else "no sustained rise of the AI share of commits was found"
        )
    before = changes[changes["committed_at"] < pd.Timestamp(date)] if date else changes.iloc[:0]
    after = changes[changes["committed_at"] >= pd.Timestamp(date)] if date else changes.iloc[:0]
    return Adoption(
        date=date,
        method=method,
        description=description,
        ai_commit_share_before=_commit_share(before),
        ai_commit_share_after=_commit_share(after),
        ai_line_share_before=_line_share(before),
        ai_line_share_after=_line_share(after),
        share_by_class=class_shares(changes, classes),
    )


def class_shares(changes: pd.DataFrame, classes: Sequence[str]) -> dict[str, ClassShare]:
    """Each class's share of all commits and of all added lines."""
    commits = changes["authorship"].value_counts()
    lines = changes.groupby("authorship")["lines_added"].sum()
    total_commits, total_lines = int(commits.sum()), int(lines.sum())
    return {
        cls: ClassShare(
            commits=int(commits.get(cls, 0)),
            commit_share=int(commits.get(cls, 0)) / total_commits if total_commits else None,
            lines_added=int(lines.get(cls, 0)),
            line_share=int(lines.get(cls, 0)) / total_lines if total_lines else None,
        )
        for cls in classes
        if cls in commits.index
    }


def _commit_share(changes: pd.DataFrame) -> float | None:
    counted = changes[changes["authorship"] != "automation"]
    return float(counted["authorship"].isin(AI_CLASSES).mean()) if len(counted) else None


def _line_share(changes: pd.DataFrame) -> float | None:
    total = changes["lines_added"].sum()
    ai = changes.loc[changes["authorship"].isin(AI_CLASSES), "lines_added"].sum()
    return float(ai / total) if total else None
