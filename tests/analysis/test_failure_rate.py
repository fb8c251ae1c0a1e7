"""Change failure rates and incident rates: counts by hand, intervals from the libraries."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats import rates as sm_rates
from statsmodels.stats.proportion import proportion_confint

from analyzer.analysis.failure_rate import class_proportions, compare_proportions, incident_rates
from analyzer.analysis.result import Comparison


def test_failure_rate_per_class_uses_wilson_intervals() -> None:
    authorship = pd.Series(["human"] * 50 + ["ai_assisted"] * 20)
    failed = pd.Series([True] * 3 + [False] * 47 + [True] * 5 + [False] * 15)
    rates = class_proportions(authorship, failed, ("human", "ai_assisted", "ai_authored"))
    assert set(rates) == {"human", "ai_assisted"}  # no AI-authored changes: no row
    human = rates["human"]
    assert (human.n, human.count, human.rate) == (50, 3, 3 / 50)
    low, high = proportion_confint(3, 50, method="wilson")
    assert (human.ci_low, human.ci_high) == pytest.approx((low, high))
    # Wilson's interval stays inside [0, 1] and is not symmetric around 3/50
    assert 0 < human.ci_low < 3 / 50 < human.ci_high < 1
    assert human.ci_high - 3 / 50 > 3 / 50 - human.ci_low


def test_zero_failures_still_gets_an_interval_and_no_division_by_zero() -> None:
    rates = class_proportions(pd.Series(["human"] * 10), pd.Series([False] * 10), ("human",))
    assert rates["human"].rate == 0.0
    assert rates["human"].ci_low == pytest.approx(0.0)
    assert rates["human"].ci_high is not None and rates["human"].ci_high > 0


def test_comparison_with_human_is_a_ratio_and_skipped_when_both_have_no_failures() -> None:
    authorship = pd.Series(["human"] * 100 + ["ai_assisted"] * 100 + ["ai_authored"] * 10)
    failed = pd.Series([True] * 5 + [False] * 95 + [True] * 20 + [False] * 80 + [False] * 10)
    rates = class_proportions(authorship, failed, ("human", "ai_assisted", "ai_authored"))
    (comparison, zero) = compare_proportions(rates, name="cfr")
    assert comparison.authorship == "ai_assisted"
    assert comparison.ratio == pytest.approx(0.20 / 0.05)
    assert comparison.ci_low is not None and comparison.ci_low > 1
    assert comparison.p_value is not None and comparison.p_value < 0.01
    assert zero.authorship == "ai_authored" and zero.ratio == 0.0
    assert zero.ci_low == 0.0 and zero.ci_high is not None and zero.ci_high > 0
    only_zero = class_proportions(
        pd.Series(["human", "ai_assisted"]), pd.Series([False, False]), ("human", "ai_assisted")
    )
    assert compare_proportions(only_zero, name="cfr") == ()


def _compared(count: int, n: int, base_count: int, base_n: int) -> tuple[Comparison, ...]:
    """The comparison of ``count`` of ``n`` AI-assisted changes with ``base_count`` of
    ``base_n`` human ones."""
    authorship = pd.Series(["human"] * base_n + ["ai_assisted"] * n)
    failed = pd.Series(
        [True] * base_count
        + [False] * (base_n - base_count)
        + [True] * count
        + [False] * (n - count)
    )
    return compare_proportions(
        class_proportions(authorship, failed, ("human", "ai_assisted")), name="cfr"
    )


def test_one_change_with_no_failure_is_no_evidence_against_it() -> None:
    # Seen on a real history: one AI-assisted change, not linked to any of 60 incidents,
    # against 14 of 482 human changes. The log-adjusted interval (1.1 to 113) did not hold
    # the estimate 0 and its test gave p = 0.04: evidence from a single change.
    [comparison] = _compared(0, 1, 14, 482)
    assert comparison.ratio == 0.0
    assert comparison.ci_low == 0.0 and comparison.ci_high is not None
    assert comparison.ci_high > 1  # the interval takes in "no difference"
    assert comparison.p_value == pytest.approx(1.0)
    assert comparison.method.startswith("ratio of proportions, Fisher's exact test")
    fisher = stats.fisher_exact([[0, 1], [14, 468]]).pvalue
    assert comparison.p_value == pytest.approx(fisher)


def test_no_failure_in_the_reference_class_gives_an_interval_up_to_infinity() -> None:
    [comparison] = _compared(3, 40, 0, 482)
    assert comparison.ratio is None  # infinite
    assert comparison.ci_high is None and comparison.ci_low is not None
    assert 1 < comparison.ci_low < 20


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 60), st.integers(1, 600), st.data())
def test_the_interval_always_holds_the_estimate(n: int, base_n: int, data: st.DataObject) -> None:
    count = data.draw(st.integers(0, n))
    base_count = data.draw(st.integers(0 if count else 1, base_n))
    [comparison] = _compared(count, n, base_count, base_n)
    ratio = math.inf if comparison.ratio is None else comparison.ratio
    low = comparison.ci_low
    high = math.inf if comparison.ci_high is None else comparison.ci_high
    assert low is not None and 0 <= low <= ratio * (1 + 1e-9) and ratio <= high * (1 + 1e-9)
    assert comparison.p_value is not None and 0 <= comparison.p_value <= 1


def _changes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "repo_id": "r",
            "sha": ["h1", "h2", "a1", "a2"],
            "authorship": ["human", "human", "ai_assisted", "ai_assisted"],
            "lines_changed": [1500, 500, 400, 100],
        }
    )


def test_incidents_per_kloc_count_distinct_incidents_with_exact_poisson_intervals() -> None:
    inducing = pd.DataFrame(
        {
            # I1 has two human inducing commits: it counts once for human
            "incident_id": ["I1", "I1", "I2", "I3", "I4", "I4"],
            "repo_id": "r",
            "sha": ["h1", "h2", "h2", "a1", "a2", "h1"],
        }
    )
    rates = incident_rates(_changes(), inducing, ("human", "ai_assisted"))
    human, ai = rates.by_class["human"], rates.by_class["ai_assisted"]
    assert (human.incidents, human.kloc_changed) == (3, 2.0)
    assert (ai.incidents, ai.kloc_changed) == (2, 0.5)
    assert ai.per_kloc == pytest.approx(4.0)
    # Garwood's exact interval from the chi-square distribution, via scipy
    low = stats.chi2.ppf(0.025, 2 * 2) / 2 / 0.5
    high = stats.chi2.ppf(0.975, 2 * 2 + 2) / 2 / 0.5
    assert (ai.ci_low, ai.ci_high) == pytest.approx((low, high))
    (comparison,) = rates.comparisons
    expected = sm_rates.test_poisson_2indep(2, 0.5, 3, 2.0, method="score", compare="ratio")
    assert comparison.ratio == pytest.approx(4.0 / 1.5)
    assert comparison.p_value == pytest.approx(expected.pvalue)
    assert comparison.statistic == pytest.approx(expected.statistic)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # statsmodels' own call
def test_rate_comparisons_use_only_concurrent_changes_when_asked() -> None:
    inducing = pd.DataFrame({"incident_id": ["I1", "I2"], "repo_id": "r", "sha": ["h1", "a1"]})
    concurrent = pd.Series([False, True, True, True])
    rates = incident_rates(_changes(), inducing, ("human", "ai_assisted"), concurrent)
    assert rates.by_class["human"].incidents == 1  # the table still covers every change
    (comparison,) = rates.comparisons
    # a zero count: the exact conditional test (the score test degenerates at zero)
    expected = sm_rates.test_poisson_2indep(1, 0.5, 0, 0.5, method="exact-cond")
    assert comparison.p_value == pytest.approx(expected.pvalue)
    assert comparison.ratio is None  # human had no incident among concurrent changes
    assert comparison.ci_high is None or comparison.ci_high > 1
