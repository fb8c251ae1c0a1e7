"""Time-series evidence on weekly series: does AI adoption move with incidents, and first?

Every test run is returned (significant or not); the analysis Holm-corrects them as one
family.

* **Cross-correlation, pre-whitened** (Box & Jenkins): an AR model chosen by AIC (up to 4
  lags) is fitted to the driver and the same filter is applied to the outcome, so shared
  autocorrelation cannot masquerade as correlation; then the correlation of driver at week
  ``t`` with outcome at ``t + k`` for ``k = 0..8`` (Pearson, scipy), lag 0 being
  co-occurrence and positive lags precedence.
* **Granger** (statsmodels ``grangercausalitytests``, SSR F test) at lags 1 to 4.
* Both on first differences when an ADF test cannot reject a unit root in either series.
* **Interrupted time series** around the adoption point: a Poisson GLM of weekly
  incidents with the week's changes as exposure, a trend, a level change and a slope change
  after adoption, with HAC (Newey-West, 4 lags) errors.
* **Dose-response**: the same GLM with the weekly AI share of commits as the dose (and the
  trend), asking whether weeks with more AI changes have more incidents per change.

Drivers are the weekly commit count and AI share of commits; outcomes are all incidents
and code-caused incidents. A series that moves from its most common value in fewer than 8
weeks is not tested: one week of AI commits that happens to precede an incident would
otherwise "lead" it, since a correlation over a single spike is that spike; and an all-AI
history with one empty week is a constant with a dip, not a driver. Only the code-caused
outcome can carry precedence or dose-response evidence about code: an incident with no code
cause was not caused by a commit, whatever the timing says.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import pandas as pd
import statsmodels.api as sm
from scipy import signal, stats
from statsmodels.tools.sm_exceptions import ConvergenceWarning, InfeasibleTestError
from statsmodels.tsa.ar_model import AutoReg, ar_select_order
from statsmodels.tsa.stattools import adfuller, grangercausalitytests

from analyzer.analysis.result import TestResult, TimeSeriesEvidence

FloatArray = npt.NDArray[np.float64]
DRIVERS: tuple[str, ...] = ("ai_commit_share", "commits")
OUTCOMES: tuple[str, ...] = ("code_caused_incidents", "incidents")
MAX_CCF_LAG = 8
GRANGER_LAGS: tuple[int, ...] = (1, 2, 3, 4)
AR_MAX_LAG = 4
HAC_LAGS = 4
MIN_WEEKS = 26
#: The fewest weeks a driver or outcome must move from its most common value in to be tested.
MIN_ACTIVE_WEEKS = 8
METHOD = (
    "weekly series; pre-whitened cross-correlation (AR by AIC, lags 0-8), Granger SSR F "
    "tests (lags 1-4), first differences where an ADF test finds a unit root; interrupted "
    "time series and dose-response as Poisson GLMs with the week's changes as exposure and "
    "HAC errors; every test Holm-corrected as one family"
)


def time_series_tests(weekly: pd.DataFrame, adoption: pd.Timestamp | None) -> TimeSeriesEvidence:
    """Run every test the data allows (see module docstring) and say what was skipped."""
    skipped: list[str] = []
    if len(weekly) < MIN_WEEKS:
        return TimeSeriesEvidence(
            (), METHOD, (f"only {len(weekly)} weeks of data; time-series tests need {MIN_WEEKS}",)
        )
    series = weekly.assign(ai_commit_share=weekly["ai_commit_share"].fillna(0.0))
    tests: list[TestResult] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for driver in DRIVERS:
            for outcome in OUTCOMES:
                x, y = series[driver].to_numpy(float), series[outcome].to_numpy(float)
                if np.ptp(x) == 0 or np.ptp(y) == 0:
                    skipped.append(f"{driver} or {outcome} never varies: no CCF or Granger test")
                    continue
                if sparse := _too_sparse({driver: x, outcome: y}):
                    skipped.append(f"{sparse}: no CCF or Granger test of {driver} -> {outcome}")
                    continue
                x, y, differenced = _stationary(x, y)
                tests.extend(_ccf_tests(x, y, driver, outcome, differenced))
                tests.extend(_granger_tests(x, y, driver, outcome, differenced))
        for outcome in OUTCOMES:
            tests.extend(_glm_tests(series, outcome, adoption, skipped))
    return TimeSeriesEvidence(tuple(tests), METHOD, tuple(skipped))


def _too_sparse(named: dict[str, FloatArray]) -> str:
    """Why the series cannot be tested ("" when they can): one moves from its most common
    value (zero for a spike, one for an all-AI history) in fewer than
    :data:`MIN_ACTIVE_WEEKS` weeks."""
    for name, values in named.items():
        levels, counts = np.unique(values, return_counts=True)
        usual = float(levels[np.argmax(counts)])
        active = len(values) - int(counts.max())
        if active < MIN_ACTIVE_WEEKS:
            return (
                f"{name} moves from its usual value ({usual:g}) in {active} week(s) of "
                f"{len(values)}; tests need {MIN_ACTIVE_WEEKS}"
            )
    return ""


def _stationary(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray, bool]:
    if _unit_root(x) or _unit_root(y):
        return np.diff(x), np.diff(y), True
    return x, y, False


def _unit_root(values: FloatArray) -> bool:
    try:
        return bool(adfuller(values, autolag="AIC")[1] > 0.05)
    except (ValueError, np.linalg.LinAlgError):
        return False


def prewhiten(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray, int]:
    """Residuals of an AR(p) fit to ``x`` (p by AIC) and ``y`` passed through the same
    filter; both trimmed to the weeks the filter covers. Returns the residuals and p."""
    selection = ar_select_order(x, maxlag=AR_MAX_LAG, ic="aic", trend="c")
    lags = selection.ar_lags or []
    order = max(lags) if lags else 0
    if order == 0:
        return x - x.mean(), y - y.mean(), 0
    fit = AutoReg(x, lags=order, trend="c").fit()
    phi = np.asarray(fit.params[1:], dtype=float)
    coefficients = np.concatenate([[1.0], -phi])
    x_white = signal.lfilter(coefficients, [1.0], x - x.mean())[order:]
    y_white = signal.lfilter(coefficients, [1.0], y - y.mean())[order:]
    return x_white, y_white, order


def _ccf_tests(
    x: FloatArray, y: FloatArray, driver: str, outcome: str, differenced: bool
) -> Iterator[TestResult]:
    x_white, y_white, order = prewhiten(x, y)
    for lag in range(MAX_CCF_LAG + 1):
        left, right = x_white[: len(x_white) - lag], y_white[lag:]
        if len(left) < 10 or np.ptp(left) == 0 or np.ptp(right) == 0:
            continue
        result = stats.pearsonr(left, right)
        yield TestResult(
            family="ccf",
            name=f"pre-whitened CCF {driver} -> {outcome}, lag {lag}w",
            driver=driver,
            outcome=outcome,
            lag=lag,
            statistic=float(result.statistic),
            effect=float(result.statistic),
            ci_low=None,
            ci_high=None,
            p_value=float(result.pvalue),
            p_holm=None,
            n=len(left),
            note=f"AR({order}) pre-whitening" + ("; first differences" if differenced else ""),
        )


def _granger_tests(
    x: FloatArray, y: FloatArray, driver: str, outcome: str, differenced: bool
) -> Iterator[TestResult]:
    data = np.column_stack([y, x])
    try:
        results = grangercausalitytests(data, maxlag=max(GRANGER_LAGS))
    except (ValueError, np.linalg.LinAlgError, InfeasibleTestError):
        # InfeasibleTestError (a RuntimeError): a lagged column is constant
        return
    for lag in GRANGER_LAGS:
        f_stat, p_value, _, _ = results[lag][0]["ssr_ftest"]
        yield TestResult(
            family="granger",
            name=f"Granger {driver} -> {outcome}, {lag} lag(s)",
            driver=driver,
            outcome=outcome,
            lag=lag,
            statistic=float(f_stat),
            effect=None,
            ci_low=None,
            ci_high=None,
            p_value=float(p_value),
            p_holm=None,
            n=len(y),
            note="SSR F test" + ("; first differences" if differenced else ""),
        )


def _glm_tests(
    series: pd.DataFrame, outcome: str, adoption: pd.Timestamp | None, skipped: list[str]
) -> Iterator[TestResult]:
    weeks = series[series["commits"] > 0].reset_index(drop=True)
    if weeks[outcome].sum() == 0:
        skipped.append(f"no {outcome.replace('_', ' ')}: no interrupted time series")
        return
    trend = np.arange(len(weeks), dtype=float)
    if (
        adoption is not None
        and (weeks["period"] < adoption).sum() >= 8
        and (weeks["period"] >= adoption).sum() >= 8
    ):
        post = (weeks["period"] >= adoption).to_numpy(float)
        since = np.where(post > 0, trend - trend[post > 0][0], 0.0)
        exog = pd.DataFrame({"trend": trend, "level_change": post, "slope_change": since})
        yield from _poisson_terms(
            weeks,
            outcome,
            exog,
            ("level_change", "slope_change"),
            "its",
            "interrupted time series at the adoption point",
        )
    else:
        skipped.append(f"no adoption point with 8 weeks each side: no ITS for {outcome}")
    if sparse := _too_sparse({"ai_commit_share": weeks["ai_commit_share"].to_numpy(float)}):
        skipped.append(f"{sparse}: no dose-response test for {outcome}")
    elif weeks["ai_commit_share"].std() > 0:
        exog = pd.DataFrame({"trend": trend, "ai_commit_share": weeks["ai_commit_share"]})
        yield from _poisson_terms(
            weeks,
            outcome,
            exog,
            ("ai_commit_share",),
            "dose_response",
            "incidents per change against the week's AI share, trend-adjusted",
        )


def _poisson_terms(
    weeks: pd.DataFrame,
    outcome: str,
    exog: pd.DataFrame,
    terms: tuple[str, ...],
    family: str,
    description: str,
) -> Iterator[TestResult]:
    model = sm.GLM(
        weeks[outcome].to_numpy(float),
        sm.add_constant(exog, has_constant="add"),
        family=sm.families.Poisson(),
        exposure=weeks["commits"].to_numpy(float),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            fit = model.fit(cov_type="HAC", cov_kwds={"maxlags": HAC_LAGS})
        except (ValueError, np.linalg.LinAlgError):
            return
    conf = fit.conf_int()
    for term in terms:
        yield TestResult(
            family=family,
            name=f"{family.replace('_', '-')}: {term} -> {outcome}",
            driver=term,
            outcome=outcome,
            lag=None,
            statistic=float(fit.tvalues[term]),
            effect=float(np.exp(fit.params[term])),
            ci_low=float(np.exp(conf.loc[term, 0])),
            ci_high=float(np.exp(conf.loc[term, 1])),
            p_value=float(fit.pvalues[term]),
            p_holm=None,
            n=len(weeks),
            note=f"{description}; rate ratio; HAC errors ({HAC_LAGS} lags)",
        )
