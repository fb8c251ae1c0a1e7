"""Complexity alive per period, volume flows and growth, from a real store built by SQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analyzer.analysis.frames import changes, read_frames
from analyzer.analysis.growth import class_growth, complexity_at, growth_rates
from analyzer.analysis.series import build_series, complexity_levels, period_index
from analyzer.scope import Scope
from analyzer.store import Store, open_store

# blob -> (nloc, ccn_total, function CCNs)
BLOBS = {"A1": (10, 3, (12, 1)), "A2": (15, 25, (22, 3)), "V1": (1000, 400, (50,))}


def _store(path: Path) -> Store:
    """a.py is added, grows, is renamed to b.py and deleted; a vendored file never counts."""
    store = open_store(path)
    commits = [
        ("c1", "2024-01-01 10:00", "human", 10, 0),
        ("c2", "2024-01-08 10:00", "ai_authored", 5, 0),
        ("c3", "2024-01-15 10:00", "human", 0, 0),
        ("c4", "2024-01-22 10:00", "human", 0, 15),
    ]
    changes_rows = [
        ("c1", "a.py", None, "A", 10, 0, None, "A1", False),
        ("c1", "vendor/x.js", None, "A", 1000, 0, None, "V1", True),
        ("c2", "a.py", None, "M", 5, 0, "A1", "A2", False),
        ("c3", "b.py", "a.py", "R", 0, 0, "A2", "A2", False),
        ("c4", "b.py", None, "D", 0, 15, "A2", None, False),
    ]
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO repos (repo_id, name, path, history_mode) "
            "VALUES ('r', 'r', '/r', 'first-parent')"
        )
        for seq, (sha, when, cls, added, deleted) in enumerate(commits):
            conn.execute(
                "INSERT INTO commits (repo_id, sha, committed_at, authored_at, author_email, "
                "authorship, lines_added, lines_deleted, files_changed, is_merge, history_seq) "
                "VALUES ('r', ?, ?, ?, 'dev@example.com', ?, ?, ?, 1, false, ?)",
                [sha, when, when, cls, added, deleted, seq],
            )
        for row in changes_rows:
            conn.execute(
                "INSERT INTO file_changes (repo_id, sha, path, old_path, change_type, "
                "lines_added, lines_deleted, old_blob, new_blob, excluded) "
                "VALUES ('r', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                list(row),
            )
        for blob, (nloc, ccn, functions) in BLOBS.items():
            conn.execute(
                "INSERT INTO blob_metrics (blob_sha, nloc, ccn_total) VALUES (?, ?, ?)",
                [blob, nloc, ccn],
            )
            for i, fn_ccn in enumerate(functions):
                conn.execute(
                    "INSERT INTO function_metrics (blob_sha, name, start_line, ccn) "
                    "VALUES (?, ?, ?, ?)",
                    [blob, f"f{i}", i * 10 + 1, fn_ccn],
                )
    return store


def test_complexity_alive_follows_adds_edits_renames_and_deletes(tmp_path: Path) -> None:
    frames = read_frames(_store(tmp_path / "s.duckdb"), Scope())
    index = period_index(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-28"), "week")
    levels = complexity_levels(frames.history, index, "week")
    assert levels["nloc"].tolist() == [10, 15, 15, 0]
    assert levels["ccn_total"].tolist() == [3, 25, 25, 0]
    assert levels["functions_over_10"].tolist() == [1, 1, 1, 0]
    assert levels["functions_over_20"].tolist() == [0, 1, 1, 0]
    assert levels["ccn_per_kloc"].iloc[1] == pytest.approx(25 / 0.015)
    assert np.isnan(levels["ccn_per_kloc"].iloc[3])  # nothing alive: no ratio, not a zero


def test_a_range_starting_mid_history_starts_at_the_level_reached_before_it(
    tmp_path: Path,
) -> None:
    store = _store(tmp_path / "s.duckdb")
    frames = read_frames(store, Scope(date_from=dt.date(2024, 1, 8), date_to=dt.date(2024, 1, 14)))
    assert changes(frames)["sha"].tolist() == ["c2"]
    assert complexity_at(frames.history, pd.Timestamp("2024-01-08"))["nloc"] == 10
    span = (pd.Timestamp("2024-01-08"), pd.Timestamp("2024-01-14 23:59"))
    series = build_series(
        changes(frames),
        frames.history,
        frames.incidents,
        frames.inducing,
        span,
        ("human", "ai_authored"),
    )
    assert series.weekly["nloc"].tolist() == [15]
    assert series.weekly["ai_commit_share"].tolist() == [1.0]


def test_each_class_is_credited_with_the_complexity_its_commits_added(tmp_path: Path) -> None:
    frames = read_frames(_store(tmp_path / "s.duckdb"), Scope())
    growth = class_growth(changes(frames), ("human", "ai_authored"))
    assert growth["ai_authored"].ccn_added == 25 - 3
    assert growth["ai_authored"].nloc_added == 15 - 10
    assert growth["ai_authored"].ccn_per_line_added == pytest.approx(22 / 5)
    assert growth["human"].ccn_added == 3 - 25  # added 3, deleted the file holding 25
    assert growth["human"].net_loc == 10 - 15


def test_acceleration_is_the_after_minus_before_mean_with_hac_interval() -> None:
    periods = pd.date_range("2024-01-01", periods=12, freq="MS")
    commits = np.array([10, 12, 11, 9, 10, 12, 30, 28, 33, 31, 29, 35], dtype=float)
    monthly = pd.DataFrame(
        {
            "period": periods,
            "commits": commits,
            "lines_added": commits * 10,
            "net_loc": commits,
            "nloc": commits.cumsum(),
            "ccn_total": commits.cumsum(),
            "functions_over_10": 0.0,
        }
    )
    span = (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31 23:00"))
    rates = {r.metric: r for r in growth_rates(monthly, dt.date(2024, 7, 1), span)}
    commit_rate = rates["commits"]
    # the first whole month carries no increment for stocks, so flows start in February too
    before, after = commits[1:6].mean(), commits[6:].mean()
    assert commit_rate.per_month_before == pytest.approx(before)
    assert commit_rate.per_month_after == pytest.approx(after)
    after_flag = sm.add_constant((periods[1:] >= "2024-07-01").astype(float))
    fit = sm.OLS(commits[1:], after_flag).fit(cov_type="HAC", cov_kwds={"maxlags": 2})
    assert commit_rate.acceleration.value == pytest.approx(after - before)
    assert (commit_rate.acceleration.ci_low, commit_rate.acceleration.ci_high) == pytest.approx(
        tuple(fit.conf_int()[1])
    )
    assert rates["nloc"].per_month_after == pytest.approx(after)  # increments of a stock
