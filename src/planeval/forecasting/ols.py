"""The regression family: no trend (``mean``), straight line (``linear``), constant annual rate
(``loglinear``) and logit-linear for proportions (``logit``), fitted by OLS on their scale.

Interval: the classical prediction interval for a new observation,
``ŷ0 ± t(1 − α/2; n − k) · s · sqrt(1 + x0' (X'X)⁻¹ x0)`` (for the straight line
``s · sqrt(1 + 1/n + (x0 − x̄)² / Sxx)``), on the model scale. Joint statements about several
future years use draws from the posterior predictive distribution under the usual
non-informative prior, whose marginal is the same t distribution (Gelman et al., *Bayesian Data
Analysis*, 3rd ed., §14.2).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm

from planeval.forecasting import transforms as tf
from planeval.forecasting.base import ModelNotApplicable, TrendFit, TrendModel


@dataclass
class OLSFit(TrendFit):
    """A fitted regression-family model (``_ols``: the statsmodels results)."""

    _ols: object = None

    def _design(self, years) -> np.ndarray:
        years = np.atleast_1d(np.asarray(years, float))
        if self.model == "mean":
            return np.ones((len(years), 1))
        return np.column_stack([np.ones(len(years)), years - self.params["year0"]])

    def _t_dist(self, year: int) -> tuple[float, float, float]:
        """``x0'β̂``, ``s · sqrt(1 + x0' (X'X)⁻¹ x0)`` and ``n − k``."""
        res = self._ols
        x = self._design([year])
        mean = float((x @ res.params)[0])
        leverage = float((x @ np.asarray(res.normalized_cov_params) @ x.T)[0, 0])
        return mean, math.sqrt(self.sigma2 * (1.0 + leverage)), self.df

    def fitted(self, years=None) -> np.ndarray:
        years = self.years if years is None else np.atleast_1d(years)
        return self._clip(tf.inverse(self.scale, self._design(years) @ self._ols.params))

    def _draws(self, years, n: int | None = None) -> np.ndarray:
        """Joint draws; years at or before the last observation give a draw of a new
        observation in that year."""
        years, rng, sigma2 = self._draw_start(years, n)
        n = len(sigma2)
        res = self._ols
        xtx_inv = np.asarray(res.normalized_cov_params)
        chol = np.linalg.cholesky(xtx_inv + 1e-12 * np.eye(len(xtx_inv)))
        z = rng.standard_normal((n, len(res.params)))
        beta = np.asarray(res.params) + (z @ chol.T) * np.sqrt(sigma2)[:, None]
        x = self._design(years)
        eps = rng.standard_normal((n, len(years))) * np.sqrt(sigma2)[:, None]
        return self._clip(tf.inverse(self.scale, beta @ x.T + eps))

    def slope_test(self) -> tuple[float, float, float]:
        if self.model == "mean":
            raise ModelNotApplicable("slope_test needs a linear-family model")
        res = self._ols
        return float(res.params[1]), float(res.bse[1]), float(res.pvalues[1])


class _OLSModel(TrendModel):
    fit_class = OLSFit
    param_names: tuple[str, ...] = ("intercept", "slope")

    def _estimate(self, fit: OLSFit, floor: float) -> tuple[float, float]:
        fit.params["year0"] = float(fit.years[0])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit._ols = sm.OLS(fit._z, fit._design(fit.years)).fit()
        fit.params.update(
            {k: float(v) for k, v in zip(self.param_names, fit._ols.params, strict=True)}
        )
        fit.df = float(fit._ols.df_resid)
        s2 = float(fit._ols.scale) if fit.df > 0 else float("nan")
        return s2, floor


class MeanModel(_OLSModel):
    """No trend: the level is the mean of the observations (logit scale for % inside (0, 100))."""

    name = "mean"
    complexity = 0
    min_points = 2
    min_points_point = 1
    param_names = ("level",)

    @classmethod
    def scale_for(cls, unit: str, values) -> str:
        return "logit" if tf.bounded_pct(values, unit) else "identity"


class LinearModel(_OLSModel):
    """Straight line on year: a constant absolute change per year."""

    name = "linear"


class LogLinearModel(_OLSModel):
    """Straight line on log y: a constant annual rate of change (the CAGR/AARR model);
    positive values only (mortality, counts)."""

    name = "loglinear"

    @classmethod
    def scale_for(cls, unit: str, values) -> str:
        return "log"

    @classmethod
    def applicable(cls, values, years=None, unit: str = "", point_only: bool = False) -> bool:
        ok = super().applicable(values, years, unit, point_only)
        return ok and bool(np.all(np.asarray(values, float) > 0))


class LogitModel(_OLSModel):
    """Straight line on ``log(p / (100 − p))``: proportions in % strictly inside (0, 100) — a
    99.33 % enrolment is never forecast above 100 %."""

    name = "logit"

    @classmethod
    def scale_for(cls, unit: str, values) -> str:
        return "logit"

    @classmethod
    def applicable(cls, values, years=None, unit: str = "", point_only: bool = False) -> bool:
        ok = super().applicable(values, years, unit, point_only)
        return ok and tf.bounded_pct(np.asarray(values, float), unit)
