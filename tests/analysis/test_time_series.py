"""Time-series evidence: pre-whitening, lagged correlation, Granger, ITS, Holm."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import signal
from statsmodels.stats.multitest import multipletests
from statsmodels.tsa.ar_model import AutoReg
from statsmodels.tsa.stattools import grangercausalitytests

from analyzer.analysis.holm import HolmFamily, holm_adjust
from analyzer.analysis.result import Comparison
from analyzer.analysis.time_series import prewhiten, time_series_tests


def _ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    return signal.lfilter([1.0], [1.0, -phi], rng.normal(size=n))


def test_prewhitening_applies_the_drivers_own_ar_filter_to_both_series() -> None:
    rng = np.random.default_rng(3)
    x = _ar1(rng, 300, 0.8)
    y = rng.normal(size=300)
    x_white, y_white, order = prewhiten(x, y)
    assert order >= 1
    fit = AutoReg(x, lags=order, trend="c").fit()
    phi = np.asarray(fit.params[1:])
    filtered = signal.lfilter(np.concatenate([[1.0], -phi]), [1.0], y - y.mean())[order:]
    assert np.allclose(y_white, filtered)
    # the whitened driver has lost its autocorrelation
    assert abs(np.corrcoef(x_white[:-1], x_white[1:])[0, 1]) < 0.15
    assert abs(np.corrcoef(x[:-1], x[1:])[0, 1]) > 0.6


def _weekly(x: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    n = len(x)
    return pd.DataFrame(
        {
            "period": pd.date_range("2023-01-02", periods=n, freq="7D"),
            "commits": np.full(n, 20.0),
            "ai_commit_share": x,
            "incidents": y + 1.0,
            "code_caused_incidents": y,
        }
    )


def test_a_driver_leading_incidents_by_three_weeks_shows_at_lag_three_only() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=160)
    y = np.concatenate([np.zeros(3), x[:-3]]) * 2.0 + rng.normal(size=160) * 0.5
    evidence = time_series_tests(_weekly(x, y), None)
    ccf = {
        t.lag: t
        for t in evidence.tests
        if t.family == "ccf"
        and t.driver == "ai_commit_share"
        and t.outcome == "code_caused_incidents"
    }
    assert set(ccf) == set(range(9))
    strongest = max(ccf.values(), key=lambda t: abs(t.effect or 0))
    assert strongest.lag == 3 and (strongest.effect or 0) > 0.8
    assert all(abs(t.effect or 0) < 0.3 for lag, t in ccf.items() if lag != 3)


def test_granger_figures_are_statsmodels_own() -> None:
    rng = np.random.default_rng(9)
    x = rng.normal(size=120)
    y = np.concatenate([[0.0], x[:-1]]) + rng.normal(size=120)
    evidence = time_series_tests(_weekly(x, y), None)
    ours = {
        t.lag: t
        for t in evidence.tests
        if t.family == "granger"
        and t.driver == "ai_commit_share"
        and t.outcome == "code_caused_incidents"
    }
    theirs = grangercausalitytests(np.column_stack([y, x]), maxlag=4)
    for lag in (1, 2, 3, 4):
        f_stat, p_value = theirs[lag][0]["ssr_ftest"][:2]
        assert ours[lag].statistic == pytest.approx(f_stat)
        assert ours[lag].p_value == pytest.approx(p_value)


def test_interrupted_time_series_finds_a_level_change_at_adoption() -> None:
    rng = np.random.default_rng(1)
    n, cut = 104, 52
    commits = rng.poisson(30, n).astype(float)
    rate = np.where(np.arange(n) >= cut, 0.3, 0.1)
    weekly = pd.DataFrame(
        {
            "period": pd.date_range("2023-01-02", periods=n, freq="7D"),
            "commits": commits,
            "ai_commit_share": np.where(np.arange(n) >= cut, 0.5, 0.0) + rng.uniform(0, 0.05, n),
            "incidents": rng.poisson(commits * rate).astype(float),
        }
    )
    weekly["code_caused_incidents"] = weekly["incidents"]
    evidence = time_series_tests(weekly, weekly["period"].iloc[cut])
    level = next(
        t
        for t in evidence.tests
        if t.family == "its" and t.driver == "level_change" and t.outcome == "incidents"
    )
    assert level.ci_low is not None and level.ci_high is not None
    assert level.ci_low < 3.0 < level.ci_high and level.ci_low > 1.5
    assert "HAC" in level.note


def test_one_week_of_ai_commits_is_not_tested_for_leading_incidents() -> None:
    # Seen on a real history: a single AI-assisted commit three weeks before a burst of
    # incidents "led" them (CCF lag 3, Holm p = 0.007). A spike is not a series.
    rng = np.random.default_rng(11)
    share = np.zeros(60)
    share[20] = 1.0
    incidents = rng.poisson(0.3, 60).astype(float)
    incidents[23] = 6.0
    evidence = time_series_tests(_weekly(share, incidents), None)
    assert not [t for t in evidence.tests if t.driver == "ai_commit_share"]
    assert (
        "ai_commit_share moves from its usual value (0) in 1 week(s) of 60; tests need 8: "
        "no CCF or Granger test of ai_commit_share -> code_caused_incidents" in evidence.skipped
    )
    assert any("no dose-response test" in reason for reason in evidence.skipped)
    # a driver active every week is still tested (here 20 commits a week never vary)
    assert not any(t.driver == "commits" for t in evidence.tests)
    busy = _weekly(share, incidents).assign(commits=rng.poisson(20, 60).astype(float))
    assert any(t.driver == "commits" for t in time_series_tests(busy, None).tests)


def test_an_all_ai_history_with_one_empty_week_is_not_a_driver() -> None:
    # Seen: the share is 1 every week but one, Granger's lagged column is constant, and
    # statsmodels' InfeasibleTestError (a RuntimeError) ended `jevons analyze` with exit 1.
    rng = np.random.default_rng(2)
    share = np.ones(40)
    share[-1] = 0.0
    evidence = time_series_tests(_weekly(share, rng.poisson(1.0, 40).astype(float)), None)
    assert not [t for t in evidence.tests if t.driver == "ai_commit_share"]
    assert any(
        reason.startswith("ai_commit_share moves from its usual value (1) in 1 week(s) of 40")
        for reason in evidence.skipped
    )


def test_too_few_weeks_skips_every_test_and_says_why() -> None:
    evidence = time_series_tests(_weekly(np.arange(10.0), np.arange(10.0)), None)
    assert evidence.tests == ()
    assert "10 weeks" in evidence.skipped[0]


def test_holm_is_statsmodels_holm_over_one_family_across_groups() -> None:
    p_values = [0.001, 0.02, 0.04, 0.3, 0.012]
    assert holm_adjust(p_values) == pytest.approx(list(multipletests(p_values, method="holm")[1]))

    def comparison(p: float | None) -> Comparison:
        return Comparison("t", "ai", "human", 1.0, None, None, None, p, None, "m")

    first, second = [comparison(0.001), comparison(None)], [comparison(0.02), comparison(0.04)]
    family = HolmFamily()
    family.add(first)
    family.add(second)
    assert family.size == 3
    done_first, done_second = family.take(first), family.take(second)
    expected = multipletests([0.001, 0.02, 0.04], method="holm")[1]
    assert [c.p_holm for c in done_first] == [pytest.approx(expected[0]), None]
    assert [c.p_holm for c in done_second] == pytest.approx(list(expected[1:]))
