"""Fitting a count regression that converges, or saying plainly that it did not.

The negative binomial (NB2) is fitted by Newton's method from the Poisson estimates, with
the dispersion started at its moment estimate (Cameron and Trivedi, 2013, 3.2): BFGS on the
log of the dispersion, statsmodels' default, never converges when the data show no
overdispersion, since the optimum then lies at a dispersion of zero, at minus infinity on
that scale. That case is recognised first: when the Poisson residuals show no excess
variance (the Dean and Lawless score for overdispersion is not positive), the NB2 maximum
likelihood estimate is the Poisson one, and the Poisson fit is returned as such. A fit
counts only when it converged, its coefficients, errors and dispersion are finite, and no
error is so large that the data fix no value for the term (separation, which IRLS reports
as converged); if
the negative binomial does not, a Poisson GLM with robust (HC1) errors is used, and if the
Poisson GLM itself does not converge, :class:`CountFitError` says so.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import numpy.typing as npt
import pandas as pd
import statsmodels.api as sm

FloatArray = npt.NDArray[np.float64]
NEGATIVE_BINOMIAL = "negative binomial (NB2)"
POISSON_NO_OVERDISPERSION = "Poisson GLM (no overdispersion: the NB2 dispersion estimate is 0)"
POISSON_ROBUST = "Poisson GLM, robust (HC1) errors"
MAX_ITERATIONS = 100
#: A standard error above this on the log scale (an interval of e^±20) means the data fix
#: no finite value for the term: separation. IRLS still reports "converged" there, at a
#: coefficient of 25 or so, since the deviance stops moving long before the estimate does.
MAX_LOG_ERROR = 10.0


class CountFitError(ValueError):
    """No count model converged to finite estimates on these data."""


@dataclasses.dataclass(frozen=True)
class FittedCounts:
    """Coefficients, 95% intervals, p-values and fitted means (log scale, ``exog`` order)."""

    family: str
    params: FloatArray
    conf: FloatArray
    pvalues: FloatArray
    alpha: float | None
    fitted: FloatArray


def fit_counts(endog: pd.Series, exog: pd.DataFrame, exposure: pd.Series) -> FittedCounts:
    """Fit ``endog ~ exog`` with ``exposure`` (see the module docstring)."""
    with warnings.catch_warnings():
        # statsmodels warns (Hessian, overflow, separation) where the fit is checked here
        warnings.simplefilter("ignore")
        poisson = sm.GLM(endog, exog, family=sm.families.Poisson(), exposure=exposure)
        plain = _checked_glm(poisson, cov_type="nonrobust")
        mean = np.asarray(plain.mu, dtype=float)
        y = endog.to_numpy(float)
        excess = float(np.sum((y - mean) ** 2 - y))
        if excess <= 0:
            return _from_glm(POISSON_NO_OVERDISPERSION, plain)
        start = np.append(np.asarray(plain.params, dtype=float), excess / float(np.sum(mean**2)))
        negative_binomial = _negative_binomial(endog, exog, exposure, start)
        if negative_binomial is not None:
            return negative_binomial
        return _from_glm(POISSON_ROBUST, _checked_glm(poisson, cov_type="HC1"))


def _checked_glm(model: sm.GLM, *, cov_type: str) -> sm.GLM:
    try:
        fit = model.fit(cov_type=cov_type, maxiter=MAX_ITERATIONS)
    except (np.linalg.LinAlgError, ValueError) as exc:
        raise CountFitError(f"the Poisson GLM could not be fitted ({exc})") from exc
    if not fit.converged:
        raise CountFitError(f"the Poisson GLM did not converge in {MAX_ITERATIONS} iterations")
    errors = np.asarray(fit.bse, dtype=float)
    if not (np.isfinite(fit.params).all() and np.isfinite(errors).all()):
        raise CountFitError("the Poisson GLM gave non-finite estimates")
    if (errors > MAX_LOG_ERROR).any():
        unfixed = ", ".join(
            str(n) for n, e in zip(model.exog_names, errors, strict=True) if e > MAX_LOG_ERROR
        )
        raise CountFitError(f"the data give no finite estimate for {unfixed} (separation)")
    return fit


def _negative_binomial(
    endog: pd.Series, exog: pd.DataFrame, exposure: pd.Series, start: FloatArray
) -> FittedCounts | None:
    k = exog.shape[1]
    model = sm.NegativeBinomial(endog, exog, exposure=exposure, loglike_method="nb2")
    try:
        fit = model.fit(start_params=start, method="newton", maxiter=MAX_ITERATIONS, disp=0)
    except (np.linalg.LinAlgError, ValueError):
        return None
    params = np.asarray(fit.params, dtype=float)
    errors = np.asarray(fit.bse, dtype=float)
    conf = np.asarray(fit.conf_int(), dtype=float)
    converged = bool(fit.mle_retvals.get("converged", False))
    finite = np.isfinite(params).all() and np.isfinite(errors).all() and np.isfinite(conf).all()
    identified = (errors > 0).all() and (errors < MAX_LOG_ERROR).all()
    if not (converged and finite and identified and params[k] > 0):
        return None
    return FittedCounts(
        NEGATIVE_BINOMIAL,
        params[:k],  # the last parameter is the dispersion alpha, not a coefficient
        conf[:k],
        np.asarray(fit.pvalues, dtype=float)[:k],
        float(params[k]),
        np.asarray(fit.predict(), dtype=float),
    )


def _from_glm(family: str, fit: sm.GLM) -> FittedCounts:
    return FittedCounts(
        family,
        np.asarray(fit.params, dtype=float),
        np.asarray(fit.conf_int(), dtype=float),
        np.asarray(fit.pvalues, dtype=float),
        None,
        np.asarray(fit.mu, dtype=float),
    )
