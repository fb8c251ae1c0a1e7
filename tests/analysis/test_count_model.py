"""The count model compares AI with human changes of like size and place."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.analysis.count_model import fit_count_model


def _changes(ai_factor: float, n: int = 6000, seed: int = 4) -> pd.DataFrame:
    """Bigger changes in busier, more complex files fail more; AI changes ``ai_factor``x."""
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
    return pd.DataFrame(
        {
            "authorship": authorship,
            "incidents_induced": rng.poisson(mean * 10),
            "lines_changed": lines,
            "files_changed": rng.integers(1, 5, n),
            "prior_churn": prior_churn,
            "prior_ccn": prior_ccn,
            "committed_at": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.uniform(0, 365, n), unit="D"),
        }
    )


def test_ai_rate_ratio_is_recovered_with_an_interval_covering_it() -> None:
    model = fit_count_model(_changes(3.0), ("human", "ai_assisted"))
    assert model.family is not None and "negative binomial" in model.family
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
