"""The adoption point: configured, detected as the first sustained rise, or none."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analyzer.analysis.adoption import adoption_summary, detect_adoption


def _changes(weekly_ai: list[int], per_week: int = 10, start: str = "2024-01-01") -> pd.DataFrame:
    """``per_week`` changes a week, the first ``weekly_ai[w]`` of week ``w`` AI-assisted."""
    rows = []
    for week, ai in enumerate(weekly_ai):
        for i in range(per_week):
            when = pd.Timestamp(start) + pd.Timedelta(weeks=week, hours=2 + i * 12)
            rows.append(
                {
                    "committed_at": when,
                    "authorship": "ai_assisted" if i < ai else "human",
                    "lines_added": 10,
                }
            )
    return pd.DataFrame(rows)


def test_first_sustained_rise_is_dated_by_its_first_ai_commit() -> None:
    ai = [0] * 30 + [3] * 30  # 30% AI from week 30
    changes = _changes(ai)
    expected = (pd.Timestamp("2024-01-01") + pd.Timedelta(weeks=30, hours=2)).date()
    assert detect_adoption(changes) == expected


def test_a_slow_ramp_is_dated_where_it_starts_not_where_it_crosses_the_threshold() -> None:
    # one AI change in 20 a week from week 30, two from week 40, then 4 and 8: the trailing
    # share passes baseline + 5 points only around week 40, the rise began at week 30
    ai = [0] * 30 + [1] * 10 + [2] * 10 + [4] * 10 + [8] * 10
    detected = detect_adoption(_changes(ai, per_week=20))
    assert detected == (pd.Timestamp("2024-01-01") + pd.Timedelta(weeks=30, hours=2)).date()


def test_a_short_experiment_before_the_real_rise_is_not_the_adoption_point() -> None:
    ai = [0] * 14 + [4, 4, 3] + [0] * 13 + [3] * 30  # three weeks of trying, then adoption
    assert (
        detect_adoption(_changes(ai))
        == (pd.Timestamp("2024-01-01") + pd.Timedelta(weeks=30, hours=2)).date()
    )


def test_no_ai_or_ai_from_the_start_has_no_adoption_point() -> None:
    assert detect_adoption(_changes([0] * 40)) is None
    assert detect_adoption(_changes([5] * 40)) is None


def test_configured_date_wins_and_shares_are_split_around_it() -> None:
    changes = _changes([0] * 20 + [5] * 20)
    summary = adoption_summary(changes, dt.date(2024, 5, 20), ("human", "ai_assisted"))
    assert (summary.date, summary.method) == (dt.date(2024, 5, 20), "configured")
    assert summary.ai_commit_share_before == 0.0
    assert summary.ai_commit_share_after == 0.5
    shares = summary.share_by_class
    assert shares["ai_assisted"].commits == 100 and np.isclose(shares["human"].line_share, 0.75)
