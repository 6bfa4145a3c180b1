"""Damped-trend exponential smoothing (ETS A,Ad,N; Gardner & McKenzie 1985), at least 6
consecutive years, on the logit scale for % inside (0, 100), else on y.

Intervals and probabilities come from ``ETSResults.simulate`` with the innovation variance
``SSE / (n − 5)`` (five estimated parameters) drawn from its scaled inverse-χ² distribution, so
the simulated errors are t-like; the draws do *not* include the uncertainty of the smoothing
parameters and initial states (see docs/method.md). All draws use a fixed seed.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from planeval.forecasting import transforms as tf
from planeval.forecasting.base import TrendFit, TrendModel

#: Estimated parameters of the damped-trend ETS model (alpha, beta, phi, level0, trend0).
ETS_PARAMS = 5


@dataclass
class DampedFit(TrendFit):
    """A fitted damped-trend ETS model (``_ets``: the statsmodels results)."""

    _ets: object = None
    uses_draws = True

    def fitted(self, years=None) -> np.ndarray:
        """In-sample one-step fit for observed years, point forecasts beyond."""
        years = self.years if years is None else np.atleast_1d(years)
        out = []
        last = int(self.years[-1])
        fitted = dict(
            zip(
                self.years.tolist(),
                tf.inverse(self.scale, np.asarray(self._ets.fittedvalues)),
                strict=True,
            )
        )
        for y in years:
            y = int(y)
            if y in fitted:
                out.append(fitted[y])
            elif y > last:
                path = np.asarray(self._ets.forecast(y - last))
                out.append(float(tf.inverse(self.scale, path[-1])))
            else:
                out.append(np.nan)
        return self._clip(np.asarray(out, float))

    def _draws(self, years, n: int | None = None) -> np.ndarray:
        """Joint simulated paths; years at or before the last observation give the observed
        value."""
        years, rng, sigma2 = self._draw_start(years, n)
        n, last = len(sigma2), int(self.years[-1])
        horizon = int(max(years.max() - last, 1))
        errors = rng.standard_normal((horizon, n)) * np.sqrt(sigma2)[None, :]
        sims = self._ets.simulate(horizon, anchor="end", repetitions=n, random_errors=errors)
        sims = np.asarray(sims).reshape(horizon, n).T  # (n, horizon)
        sims = self._clip(tf.inverse(self.scale, sims))
        observed = dict(zip(self.years.tolist(), self.values.tolist(), strict=True))
        out = np.empty((n, len(years)))
        for j, y in enumerate(years):
            out[:, j] = observed.get(int(y), np.nan) if y <= last else sims[:, int(y) - last - 1]
        return out


class DampedModel(TrendModel):
    """Damped-trend exponential smoothing (see the module docstring)."""

    name = "damped"
    complexity = 2
    min_points = 6
    min_points_point = 6
    min_train = 6
    fit_class = DampedFit

    @classmethod
    def scale_for(cls, unit: str, values) -> str:
        return "logit" if tf.bounded_pct(values, unit) else "identity"

    @classmethod
    def applicable(cls, values, years=None, unit: str = "", point_only: bool = False) -> bool:
        if not super().applicable(values, years, unit, point_only) or years is None:
            return False
        return bool(np.all(np.diff(np.asarray(years)) == 1))

    def _estimate(self, fit: DampedFit, floor: float) -> tuple[float, float]:
        res = _fit_ets(tuple(float(v) for v in fit._z))
        fit._ets = res
        fit.params.update({k: float(v) for k, v in zip(res.param_names, res.params, strict=True)})
        fit.df = float(max(len(fit._z) - ETS_PARAMS, 1))
        return float(res.sse) / fit.df, floor


@lru_cache(maxsize=256)
def _fit_ets(z: tuple[float, ...]):
    """Damped-trend ETS (A,Ad,N) fitted by statsmodels to model-scale values ``z`` (cached:
    the same series is fitted once per process, e.g. an indicator shared by two plans)."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ETSModel(pd.Series(z), error="add", trend="add", damped_trend=True)
        return model.fit(disp=False)
