"""The count model compares AI with human changes of like size and place."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats import rates

from analyzer.analysis.count_fit import (
    NEGATIVE_BINOMIAL,
    POISSON_NO_OVERDISPERSION,
    CountFitError,
    fit_counts,
)
from analyzer.analysis.count_model import CONTROLS, fit_count_model, model_frame


def _changes(
    ai_factor: float, n: int = 6000, seed: int = 4, dispersion: float = 0.0
) -> pd.DataFrame:
    """Bigger changes in busier, more complex files fail more; AI changes ``ai_factor``x.
    With a ``dispersion`` each change's mean is scaled by a gamma frailty of that variance
    (negative binomial counts); without, the counts are Poisson."""
    rng = np.random.default_rng(seed)
    authorship = rng.choice(["human", "ai_assisted"], n, p=[0.6, 0.4])
    lines = rng.lognormal(3.5, 1.0, n).astype(int) + 1
    prior_churn = rng.lognormal(4, 1, n)
    prior_ccn = rng.lognormal(3, 1, n)
    # AI changes land in the busier files: a naive comparison would overstate their risk
    prior_churn = np.where(authorship == "ai_assisted", prior_churn * 3, prior_churn)
    mean = (
        0.004
        * lines**0.4
        * (prior_churn / 50) ** 0.3
        * (prior_ccn / 20) ** 0.2
        * np.where(authorship == "ai_assisted", ai_factor, 1.0)
    )
    frailty = rng.gamma(1 / dispersion, dispersion, n) if dispersion > 0 else 1.0
    return pd.DataFrame(
        {
            "authorship": authorship,
            "incidents_induced": rng.poisson(mean * 10 * frailty),
            "lines_changed": lines,
            "files_changed": rng.integers(1, 5, n),
            "prior_churn": prior_churn,
            "prior_ccn": prior_ccn,
            "committed_at": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.uniform(0, 365, n), unit="D"),
        }
    )


def test_ai_rate_ratio_is_recovered_with_an_interval_covering_it() -> None:
    model = fit_count_model(_changes(3.0, dispersion=0.5), ("human", "ai_assisted"))
    assert model.family == NEGATIVE_BINOMIAL
    assert model.alpha is not None and 0.3 < model.alpha < 0.8
    term = next(t for t in model.terms if t.term == "ai_assisted")
    assert term.ci_low is not None and term.ci_high is not None
    assert term.ci_low < 3.0 < term.ci_high
    assert term.ci_low > 1.5


def test_equal_risk_intervals_cover_one_about_95_times_in_100() -> None:
    covered = 0
    for seed in range(10):
        model = fit_count_model(_changes(1.0, seed=seed), ("human", "ai_assisted"))
        term = next(t for t in model.terms if t.term == "ai_assisted")
        assert term.ci_low is not None and term.ci_high is not None
        covered += term.ci_low < 1.0 < term.ci_high
    assert covered >= 8  # P(fewer than 8 of 10 | 95% coverage) < 0.02


def test_no_incidents_means_no_model_and_a_plain_reason() -> None:
    changes = _changes(1.0).assign(incidents_induced=0)
    model = fit_count_model(changes, ("human", "ai_assisted"))
    assert model.family is None and model.terms == ()
    assert model.note.startswith("not fitted: too few incident-inducing changes")


def _ai_term(changes: pd.DataFrame) -> tuple[str | None, float | None, float | None]:
    model = fit_count_model(changes, ("human", "ai_assisted"))
    term = next(t for t in model.terms if t.term == "ai_assisted")
    return model.family, term.ci_low, term.ci_high


@pytest.mark.parametrize("seed", range(8))
def test_overdispersed_counts_get_a_converged_negative_binomial(seed: int) -> None:
    family, low, high = _ai_term(_changes(2.0, n=1500, seed=seed, dispersion=1.0))
    assert family == NEGATIVE_BINOMIAL
    assert low is not None and high is not None and low < 2.0 < high


@pytest.mark.parametrize("seed", [0, 7, 14, 20])  # seeds where BFGS did not converge
def test_counts_without_overdispersion_get_the_poisson_fit_and_say_why(seed: int) -> None:
    # The NB2 optimum is at a dispersion of 0: BFGS, on log(alpha), never reaches it and
    # reported no convergence, and the fallback did not say why.
    family, low, high = _ai_term(_changes(2.0, seed=seed))
    assert family == POISSON_NO_OVERDISPERSION
    assert low is not None and high is not None and low < 2.0 < high


def _no_incidents(changes: pd.DataFrame, cls: str) -> pd.DataFrame:
    return changes.assign(
        incidents_induced=changes["incidents_induced"].where(changes["authorship"] != cls, 0)
    )


def test_human_changes_without_incidents_give_a_lower_bound_not_a_huge_ratio() -> None:
    # The Poisson fallback reported a rate ratio of 1.6e12 with p = 0 here.
    model = fit_count_model(_no_incidents(_changes(1.0, n=3000), "human"), ("human", "ai_assisted"))
    term = next(t for t in model.terms if t.term == "ai_assisted")
    assert term.method == "exact conditional"
    assert term.irr is None and term.ci_high is None  # infinite: no finite estimate
    assert term.ci_low is not None and 1.0 < term.ci_low < 1e3
    assert all(t.irr is None or t.irr < 1e3 for t in model.terms)
    assert "exact conditional" in model.note


def test_a_class_without_incidents_gets_an_upper_bound_from_the_exact_test() -> None:
    changes = _no_incidents(_changes(1.0, n=1500), "ai_assisted")
    model = fit_count_model(changes, ("human", "ai_assisted"))
    term = next(t for t in model.terms if t.term == "ai_assisted")
    assert term.irr == 0.0 and term.ci_low == 0.0
    assert term.ci_high is not None and 0.0 < term.ci_high < 1.0
    # the exact conditional test on the model's expected incidents, as statsmodels runs it
    pair = model_frame(changes, ())
    exog = sm.add_constant(pair[list(CONTROLS)])
    fitted = fit_counts(pair["incidents"], exog, pair["exposure"])
    ai = (changes["authorship"] == "ai_assisted").to_numpy()
    human_incidents = int(pair["incidents"][~ai].sum())
    theirs = rates.test_poisson_2indep(
        0, fitted.fitted[ai].sum(), human_incidents, fitted.fitted[~ai].sum(), method="exact-cond"
    )
    assert term.p_value == pytest.approx(theirs.pvalue, rel=1e-6)


def test_separation_in_a_control_is_refused_not_reported_as_converged() -> None:
    # IRLS says "converged" at a coefficient of 25 with a standard error of 12,000.
    rng = np.random.default_rng(0)
    marker = rng.integers(0, 2, 500).astype(float)
    incidents = pd.Series(np.where(marker == 1, rng.poisson(1.0, 500), 0).astype(float))
    exog = sm.add_constant(pd.DataFrame({"marker": marker, "noise": rng.normal(size=500)}))
    with pytest.raises(CountFitError, match="no finite estimate for const, marker"):
        fit_counts(incidents, exog, pd.Series(np.ones(500)))
