"""The one interface every trend model follows: ``Model(...).fit(years, values)`` gives a fitted
model that predicts any year (a typed :class:`Forecast`), threshold probabilities and joint
predictive draws.

A model class (``ols.py``, ``drift.py``, ``damped.py``) declares its name, complexity, fewest
points and the scale it is fitted on, and estimates its parameters in ``_estimate``; the
preparation shared by all (sorting, checks, transform, rounding floor) is :meth:`TrendModel.fit`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from planeval.forecasting import transforms as tf

DEFAULT_SEED = 20210101
N_DRAWS = 4000


class ModelNotApplicable(ValueError):
    """The model cannot be fitted to this series (too short, values out of its domain)."""


@dataclass(frozen=True)
class Forecast:
    """Forecast of one indicator for one year, on the indicator's scale.

    ``value`` is the median of the predictive distribution (the point forecast); ``low`` and
    ``high`` bound the central ``level`` prediction interval (0.95 = 95 %).
    """

    model: str
    year: int
    value: float
    low: float
    high: float
    level: float
    n_obs: int


@dataclass
class TrendFit:
    """A fitted trend model: predict any year, give intervals, probabilities and draws.

    Made by :meth:`TrendModel.fit` (or :func:`planeval.forecasting.fit_model`).
    ``years``/``values`` are the observations used (floats in the indicator's unit).
    ``params`` holds the fitted parameters on the model scale, the residual SD ``sigma``
    actually used (after the rounding floor) and the degrees of freedom ``df``.
    Subclasses give the predictive distribution: a t distribution on the model scale
    (:meth:`_t_dist`) or, when ``uses_draws``, simulation (:meth:`draws`).
    """

    model: str
    scale: str
    years: np.ndarray
    values: np.ndarray
    params: dict = field(default_factory=dict)
    seed: int = DEFAULT_SEED
    unit: str = ""
    sigma2: float = float("nan")
    df: float = float("nan")
    n_draws: int = N_DRAWS
    upper_bound: float = np.inf
    lower_bound: float = -np.inf
    _z: np.ndarray | None = None
    #: Spread factors from the panel of out-of-sample errors (:mod:`calibration`); None: the
    #: model's own predictive distribution. Anything with ``factor(horizon, n_obs, key)``.
    calibration: object = None

    #: True when intervals and probabilities come from simulated draws, not a closed form.
    uses_draws: ClassVar[bool] = False

    @property
    def n_obs(self) -> int:
        return len(self.values)

    def _clip(self, x):
        return np.clip(x, self.lower_bound, self.upper_bound)

    def _t_dist(self, year: int) -> tuple[float, float, float]:
        """Location, scale and df of the predictive t distribution on the model scale."""
        raise NotImplementedError

    def fitted(self, years=None) -> np.ndarray:
        """Fitted (median) values on the indicator scale for ``years`` (default: observed)."""
        raise NotImplementedError

    def _draws(self, years, n: int | None = None) -> np.ndarray:
        """The model's own joint predictive draws, shape ``(n, len(years))``."""
        raise NotImplementedError

    def draws(self, years, n: int | None = None) -> np.ndarray:
        """Joint predictive draws, shape ``(n, len(years))``, on the indicator scale (spread
        by the calibration's ``p`` factor of each year's horizon, around each year's median
        on the model scale)."""
        return self._spread_draws(self._draws(years, n), years, "p")

    def factor(self, year: int, key) -> float:
        """Calibration factor of the predictive spread for ``year``: 1 without a calibration
        and for years up to the last observation; ``key`` a level (0.8, 0.95) for intervals
        or ``"p"`` for probabilities and draws."""
        horizon = int(year) - int(self.years[-1])
        if self.calibration is None or horizon <= 0:
            return 1.0
        return float(self.calibration.factor(horizon, self.n_obs, key))

    def _spread_draws(self, draws: np.ndarray, years, key) -> np.ndarray:
        factors = np.array([self.factor(int(y), key) for y in np.atleast_1d(years)])
        if np.all(factors == 1.0):
            return draws
        z = tf.forward(self.scale, draws)
        with np.errstate(invalid="ignore"):
            median = np.nanmedian(np.where(np.isfinite(z), z, np.nan), axis=0)
            spread = median + factors * (z - median)
        spread = np.where(np.isfinite(spread), spread, z)
        return self._clip(tf.inverse(self.scale, spread))

    def _draw_start(self, years, n: int | None):
        """Years as ints, the seeded generator and ``n`` (default ``n_draws``) innovation
        variances drawn from their scaled inverse-χ² posterior (``df``, ``s²``)."""
        n = n or self.n_draws
        rng = np.random.default_rng(self.seed)
        df = max(float(self.df), 1.0)
        sigma2 = self.sigma2 * df / rng.chisquare(df, size=n)
        return np.atleast_1d(np.asarray(years, int)), rng, sigma2

    def predict(self, year: int, level: float = 0.95) -> Forecast:
        """Point forecast (median) and central ``level`` prediction interval for ``year``."""
        if self.uses_draws:
            draws = self._spread_draws(self._draws([year]), [year], level)[:, 0]
            point = float(np.median(draws))
            lo, hi = np.quantile(draws, [0.5 - level / 2, 0.5 + level / 2])
        else:
            mean, scale, df = self._t_dist(year)
            scale = scale * self.factor(year, level)
            q = stats.t.ppf(0.5 + level / 2, df) if scale > 0 else 0.0
            z = np.array([mean, mean - q * scale, mean + q * scale])
            point, lo, hi = self._clip(tf.inverse(self.scale, z))
        return Forecast(
            self.model, int(year), float(point), float(lo), float(hi), level, self.n_obs
        )

    def prob_at_least(self, year: int, threshold: float) -> float:
        """P(value in ``year`` >= ``threshold``) under the predictive distribution."""
        if self.uses_draws:
            return float(np.mean(self.draws([year])[:, 0] >= threshold))
        if threshold <= self.lower_bound:
            return 1.0
        if threshold > self.upper_bound:
            return 0.0
        # thresholds outside the transform's open domain
        if self.scale == "log" and threshold <= 0:
            return 1.0
        if self.scale == "logit":
            if threshold <= 0:
                return 1.0
            if threshold >= 100:
                return 0.0
        z = float(tf.forward(self.scale, threshold))
        mean, scale, df = self._t_dist(year)
        scale = scale * self.factor(year, "p")
        if scale == 0:
            return float(mean >= z)
        return float(stats.t.sf((z - mean) / scale, df))

    def prob_at_most(self, year: int, threshold: float) -> float:
        """P(value in ``year`` <= ``threshold``) (continuous: 1 − P(>=))."""
        if self.uses_draws:
            return float(np.mean(self.draws([year])[:, 0] <= threshold))
        return 1.0 - self.prob_at_least(year, threshold)

    def slope_test(self) -> tuple[float, float, float]:
        """(slope per year, its standard error, two-sided p-value) of the linear-family model."""
        raise ModelNotApplicable("slope_test needs a linear-family model")

    def describe(self) -> dict:
        """Parameters for the audit trail: model, scale and ``params`` (model scale)."""
        return {"model": self.model, "scale": self.scale, **self.params}


class TrendModel:
    """A trend model: class attributes describe it, :meth:`fit` fits it to a yearly series.

    ``unit``: the indicator's unit (%, ‰, 1/10万 ...); ``resolution``: rounding resolution of
    the published values (default: from the values, :func:`transforms.resolution_of`);
    ``point_only`` allows the shortest series that still give a point prediction (used by
    cross-validation; no interval then).
    """

    name: ClassVar[str]
    #: Used by the tie-break of the selection (lower is simpler).
    complexity: ClassVar[int] = 1
    #: Fewest observations for a fit *with* an interval (one residual degree of freedom).
    min_points: ClassVar[int] = 3
    #: Fewest observations for a point fit (used inside cross-validation).
    min_points_point: ClassVar[int] = 2
    #: Fewest training points of a leave-future-out fit.
    min_train: ClassVar[int] = 3
    fit_class: ClassVar[type[TrendFit]] = TrendFit

    def __init__(
        self,
        unit: str = "",
        seed: int = DEFAULT_SEED,
        resolution: float | None = None,
        point_only: bool = False,
        n_draws: int = N_DRAWS,
    ):
        self.unit, self.seed, self.resolution = unit, seed, resolution
        self.point_only, self.n_draws = point_only, n_draws

    @classmethod
    def scale_for(cls, unit: str, values) -> str:
        """Scale the model is fitted on for a series in ``unit``."""
        return "identity"

    @classmethod
    def applicable(cls, values, years=None, unit: str = "", point_only: bool = False) -> bool:
        """Whether the model can be fitted to ``values`` (and ``years``)."""
        values = np.asarray(values, float)
        if len(values) < (cls.min_points_point if point_only else cls.min_points):
            return False
        return bool(np.all(np.isfinite(values)))

    def fit(self, years, values=None) -> TrendFit:
        """Fit to ``years`` (ints) and ``values`` (floats in ``unit``), or to one
        ``pandas.Series`` indexed by year. Raises :class:`ModelNotApplicable`."""
        if values is None and isinstance(years, pd.Series):
            years, values = years.index.to_numpy(), years.to_numpy()
        years = np.asarray(years, int)
        values = np.asarray(values, float)
        order = np.argsort(years, kind="stable")
        years, values = years[order], values[order]
        if len(np.unique(years)) != len(years):
            raise ValueError(f"years must be unique, got {years.tolist()}")
        if not self.applicable(values, years, self.unit, point_only=self.point_only):
            raise ModelNotApplicable(
                f"{self.name} does not apply to {len(values)} values {values.tolist()}"
            )
        resolution = tf.resolution_of(values) if self.resolution is None else self.resolution
        scale = self.scale_for(self.unit, values)
        used = tf.squeeze_pct(values, resolution) if scale == "logit" else values
        lower, upper = tf.bounds_of(self.unit, values, scale)
        fit = self.fit_class(
            model=self.name,
            scale=scale,
            years=years,
            values=values,
            seed=self.seed,
            unit=self.unit,
            n_draws=self.n_draws,
            upper_bound=upper,
            lower_bound=lower,
        )
        if scale == "logit" and np.any(used != values):
            fit.params["squeezed_to"] = [float(v) for v in used[used != values]]
        floor = tf.rounding_floor(scale, used, float(resolution), lower, upper)
        fit.params["resolution"] = float(resolution)
        fit._z = np.asarray(tf.forward(scale, used), float)
        s2, floor = self._estimate(fit, floor)
        fit.sigma2 = max(s2, floor) if np.isfinite(s2) else floor
        fit.params["sigma"] = math.sqrt(fit.sigma2)
        fit.params["sigma_estimated"] = math.sqrt(s2) if np.isfinite(s2) else float("nan")
        fit.params["sigma_floor"] = math.sqrt(floor)
        fit.params["df"] = fit.df
        return fit

    def _estimate(self, fit: TrendFit, floor: float) -> tuple[float, float]:
        """Estimate the parameters into ``fit`` (``params``, ``df``); return the residual
        variance estimate and the rounding floor that applies to it (model scale)."""
        raise NotImplementedError
