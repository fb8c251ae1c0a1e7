"""A count model of incidents per change: AI against human changes of like size and place.

Each change is one row; the outcome is the number of distinct incidents it induced. The
model is a negative binomial (NB2, statsmodels ``NegativeBinomial``) with the lines it
changed as exposure and ``log(lines changed)`` also as a covariate, so the model does not
force incidents to grow in proportion to size (defects grow more slowly than lines; a
forced elasticity of one wrecks the fit). It controls for where the change landed: how
many files it touched, the lines changed in those files over the previous 90 days (prior
churn) and their CCN before the change (prior complexity), all as ``log1p``; and for when
(a linear trend in years), so a class that exists only late is not credited with a rise
every class shared. The authorship classes enter as indicators against human. How the
model is fitted, and what stands in when the negative binomial does not converge, is
:mod:`analyzer.analysis.count_fit`.

A class with no incident, or compared with human changes that have none, is *separated*:
its maximum likelihood rate ratio is 0 or infinite, and a fit reports nonsense (ratios of
1e8 with p = 1e-36). Such a class gets no model term; it is compared with human changes by
the exact conditional test on the model's expected incidents (:func:`separated_term`), which
gives a bound where the data give one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from analyzer.analysis.count_fit import CountFitError, fit_counts
from analyzer.analysis.frames import REFERENCE_CLASS
from analyzer.analysis.result import CountModel, ModelTerm

MIN_CLASS_CHANGES = 30
MIN_EVENTS = 5
CONTROLS: tuple[str, ...] = ("log_lines", "log_files", "log_prior_churn", "log_prior_ccn", "years")
FORMULA = (
    "incidents ~ class + log(lines changed) + log1p(files changed) + log1p(prior churn 90d) "
    "+ log1p(prior CCN) + years since first change, exposure = lines changed"
)


def model_frame(changes: pd.DataFrame, classes: Sequence[str]) -> pd.DataFrame:
    """Outcome, exposure, controls and class indicators, one row per change."""
    frame = pd.DataFrame(
        {
            "incidents": changes["incidents_induced"].astype(float),
            "exposure": changes["lines_changed"].clip(lower=1).astype(float),
            "log_lines": np.log(changes["lines_changed"].clip(lower=1).astype(float)),
            "log_files": np.log1p(changes["files_changed"].astype(float)),
            "log_prior_churn": np.log1p(changes["prior_churn"].astype(float)),
            "log_prior_ccn": np.log1p(changes["prior_ccn"].astype(float)),
            "years": (changes["committed_at"] - changes["committed_at"].min()).dt.days / 365.25,
        },
        index=changes.index,
    )
    for cls in classes:
        frame[cls] = (changes["authorship"] == cls).astype(float)
    return frame


def fit_count_model(changes: pd.DataFrame, classes: Sequence[str]) -> CountModel:
    """Fit the model (see module docstring). Classes with fewer than ``MIN_CLASS_CHANGES``
    changes are left out; a class whose comparison with human changes is separated (one
    side has no incident) gets the exact conditional test instead of a model term."""
    counts = changes["authorship"].value_counts()
    events = changes.groupby("authorship")["incidents_induced"].sum()
    usable = [c for c in classes if counts.get(c, 0) >= MIN_CLASS_CHANGES]
    if REFERENCE_CLASS not in usable:
        return _skipped(changes, "too few human changes to compare with")
    compared = [c for c in usable if c != REFERENCE_CLASS]
    rows = changes[changes["authorship"].isin([REFERENCE_CLASS, *compared])]
    total_events = int(rows["incidents_induced"].sum())
    if total_events < MIN_EVENTS or not compared:
        return _skipped(changes, f"too few incident-inducing changes ({total_events}) to model")
    separated = [
        c for c in compared if events.get(c, 0) == 0 or events.get(REFERENCE_CLASS, 0) == 0
    ]
    modelled = [c for c in compared if c not in separated]
    # human changes with no incident leave nothing to fit the controls on but every row
    human_failed = events.get(REFERENCE_CLASS, 0) > 0
    fitted_rows = (
        rows[rows["authorship"].isin([REFERENCE_CLASS, *modelled])] if human_failed else rows
    )
    frame = model_frame(fitted_rows, modelled)
    columns = [*modelled, *[c for c in CONTROLS if frame[c].std() > 0]]
    exog = sm.add_constant(frame[columns], has_constant="add")
    try:
        fitted = fit_counts(frame["incidents"], exog, frame["exposure"])
    except CountFitError as exc:
        return _skipped(changes, str(exc))
    terms = [
        ModelTerm(
            term=name,
            irr=float(np.exp(fitted.params[i])),
            ci_low=float(np.exp(fitted.conf[i, 0])),
            ci_high=float(np.exp(fitted.conf[i, 1])),
            p_value=float(fitted.pvalues[i]),
            p_holm=None,
        )
        for i, name in enumerate(exog.columns)
        if name != "const"
    ]
    terms[len(modelled) : len(modelled)] = [separated_term(rows, c) for c in separated]
    note = f"{fitted.family} fit on {len(fitted_rows)} changes"
    if separated:
        note += (
            f"; {', '.join(separated)} against human by the exact conditional test "
            "(one side has no incident, so a model term would have no finite estimate)"
        )
    return CountModel(
        fitted.family, FORMULA, len(rows), total_events, fitted.alpha, tuple(terms), note
    )


def separated_term(rows: pd.DataFrame, cls: str) -> ModelTerm:
    """``cls`` against human when one of them has no incident: the exact conditional test.

    The model without a class term, fitted to the two classes' changes, gives each change
    its expected incidents given size, place and time; summed by class they are the
    exposures ``E``. Given the total, the class's incidents are binomial with probability
    ``RR E_c / (RR E_c + E_h)``: the rate ratio's exact (Clopper-Pearson) interval and
    two-sided p-value follow. With no incident in the class the estimate is 0 and the upper
    limit a bound; with none among human changes the estimate and upper limit are infinite
    (``None``) and the lower limit a bound.
    """
    pair = rows[rows["authorship"].isin([REFERENCE_CLASS, cls])]
    frame = model_frame(pair, ())
    exog = sm.add_constant(frame[[c for c in CONTROLS if frame[c].std() > 0]])
    try:
        fitted = fit_counts(frame["incidents"], exog, frame["exposure"])
    except CountFitError:
        return ModelTerm(cls, None, None, None, None, None, "exact conditional: no fit")
    mine = (pair["authorship"] == cls).to_numpy()
    expected_c, expected_h = fitted.fitted[mine].sum(), fitted.fitted[~mine].sum()
    count_c = int(frame["incidents"][mine].sum())
    total = int(frame["incidents"].sum())
    test = stats.binomtest(count_c, total, expected_c / (expected_c + expected_h))
    low, high = test.proportion_ci(method="exact")
    odds = expected_h / expected_c

    def ratio(p: float) -> float | None:
        return None if p >= 1 else float(p / (1 - p) * odds)

    return ModelTerm(
        term=cls,
        irr=ratio(count_c / total),
        ci_low=ratio(low),
        ci_high=ratio(high),
        p_value=float(test.pvalue),
        p_holm=None,
        method="exact conditional",
    )


def _skipped(changes: pd.DataFrame, reason: str) -> CountModel:
    return CountModel(
        family=None,
        formula=FORMULA,
        n=len(changes),
        events=int(changes["incidents_induced"].sum()) if len(changes) else 0,
        alpha=None,
        terms=(),
        note=f"not fitted: {reason}",
    )
