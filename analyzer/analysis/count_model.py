"""A count model of incidents per change: AI against human changes of like size and place.

Each change is one row; the outcome is the number of distinct incidents it induced. The
model is a negative binomial (NB2, statsmodels ``NegativeBinomial``) with the lines it
changed as exposure and ``log(lines changed)`` also as a covariate, so the model does not
force incidents to grow in proportion to size (defects grow more slowly than lines; a
forced elasticity of one wrecks the fit). It controls for where the change landed: how
many files it touched, the lines changed in those files over the previous 90 days (prior
churn) and their CCN before the change (prior complexity), all as ``log1p``; and for when
(a linear trend in years), so a class that exists only late is not credited with a rise
every class shared. The authorship classes enter as indicators against human. When the
negative binomial cannot be fitted (too few incidents, no convergence) a Poisson GLM with
robust (HC1) errors is used instead, and the note says so.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
import statsmodels.api as sm

from analyzer.analysis.frames import REFERENCE_CLASS
from analyzer.analysis.result import CountModel, ModelTerm

FloatArray = npt.NDArray[np.float64]
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
    changes are left out; a class with no incident-inducing change has no finite rate
    ratio and is left out and named in the note."""
    counts = changes["authorship"].value_counts()
    events = changes.groupby("authorship")["incidents_induced"].sum()
    usable = [c for c in classes if counts.get(c, 0) >= MIN_CLASS_CHANGES]
    if REFERENCE_CLASS not in usable:
        return _skipped(changes, "too few human changes to compare with")
    compared = [c for c in usable if c != REFERENCE_CLASS and events.get(c, 0) > 0]
    dropped = [c for c in usable if c != REFERENCE_CLASS and c not in compared]
    rows = changes[changes["authorship"].isin([REFERENCE_CLASS, *compared])]
    total_events = int(rows["incidents_induced"].sum())
    if total_events < MIN_EVENTS or not compared:
        return _skipped(changes, f"too few incident-inducing changes ({total_events}) to model")
    frame = model_frame(rows, compared)
    columns = [*compared, *[c for c in CONTROLS if frame[c].std() > 0]]
    exog = sm.add_constant(frame[columns], has_constant="add")
    fitted = _fit(frame["incidents"], exog, frame["exposure"])
    terms = tuple(
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
    )
    note = f"{fitted.family} fit on {len(rows)} changes"
    if dropped:
        note += f"; {', '.join(dropped)} left out (no incident-inducing changes)"
    return CountModel(fitted.family, FORMULA, len(rows), total_events, fitted.alpha, terms, note)


@dataclasses.dataclass(frozen=True)
class _Fitted:
    """Coefficients, 95% intervals and p-values in ``exog`` column order (log scale)."""

    family: str
    params: FloatArray
    conf: FloatArray
    pvalues: FloatArray
    alpha: float | None


def _fit(endog: pd.Series, exog: pd.DataFrame, exposure: pd.Series) -> _Fitted:
    k = exog.shape[1]
    with warnings.catch_warnings():
        # statsmodels warns (Hessian, overflow, separation) where we check the fit ourselves
        warnings.simplefilter("ignore")
        try:
            model = sm.NegativeBinomial(endog, exog, exposure=exposure, loglike_method="nb2")
            fit = model.fit(disp=0, maxiter=200, method="bfgs")
            params = np.asarray(fit.params, dtype=float)
            conf = np.asarray(fit.conf_int(), dtype=float)
            if fit.mle_retvals.get("converged", False) and np.isfinite(conf).all():
                # the last parameter is the dispersion alpha, not a coefficient
                return _Fitted(
                    "negative binomial (NB2)",
                    params[:k],
                    conf[:k],
                    np.asarray(fit.pvalues, dtype=float)[:k],
                    float(params[k]),
                )
        except (np.linalg.LinAlgError, ValueError):
            pass
        poisson = sm.GLM(endog, exog, family=sm.families.Poisson(), exposure=exposure)
        fit = poisson.fit(cov_type="HC1")
    return _Fitted(
        "Poisson GLM, robust (HC1) errors",
        np.asarray(fit.params, dtype=float),
        np.asarray(fit.conf_int(), dtype=float),
        np.asarray(fit.pvalues, dtype=float),
        None,
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
