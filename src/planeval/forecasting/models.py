"""Trend models for short yearly indicator series, with predictive distributions.

Every model is fitted on a *transformed* scale and back-transformed, so that a bounded
indicator stays inside its bounds:

==============  ======================  ==========================================================
model           scale                   use
==============  ======================  ==========================================================
``mean``        y (logit for %)         no trend: the level is the mean of the observations
``linear``      y                       OLS on year (constant absolute change per year)
``loglinear``   log y                   constant annual rate of change (the CAGR/AARR model);
                                        positive values only (mortality, counts)
``logit``       log(p / (100 − p))      proportions in % within [0, 100]: a 99.33 % enrolment is
                                        never forecast above 100 %
``drift``       logit for %, log for    random walk with drift: the latest value plus the
                ‰ and 1/10万, else y    average change per year; the *reference* model of the
                                        selection (:func:`select_model`)
``damped``      y (logit for %)         damped-trend exponential smoothing (ETS A,Ad,N;
                                        Gardner & McKenzie 1985), at least 6 consecutive years
==============  ======================  ==========================================================

**Intervals.** The OLS-family models (``mean``, ``linear``, ``loglinear``, ``logit``) give the
classical prediction interval for a new observation,
``ŷ0 ± t(1 − α/2; n − k) · s · sqrt(1 + x0' (X'X)⁻¹ x0)`` (for the straight line
``s · sqrt(1 + 1/n + (x0 − x̄)² / Sxx)``), on the model scale; the transforms are monotone, so
quantiles and threshold probabilities carry over to the indicator scale exactly (the point
forecast is the predictive *median*). Joint statements about several future years
(``maintain_at_least`` every year) use draws from the posterior predictive distribution under
the usual non-informative prior, whose marginal is the same t distribution (Gelman et al.,
*Bayesian Data Analysis*, 3rd ed., §14.2). The drift model ``z_t = z_{t−1} + d + ε_t``
(``ε_t ~ N(0, σ²)``; with a gap of g years the increment has variance gσ²) estimates
``d̂ = (z_last − z_first) / span`` and ``s² = Σ (Δz − d̂Δt)² / Δt / (m − 1)`` from its m
increments; ``h`` years ahead the forecast is ``z_last + h d̂`` with predictive variance
``s² (h + h² / span)`` and ``m − 1`` degrees of freedom (ARIMA(0,1,0) with drift; Hyndman &
Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., §5.2 and §9.8). ETS uses
``ETSResults.simulate`` with the innovation variance ``SSE / (n − 5)`` (five estimated
parameters) drawn from its scaled inverse-χ² distribution, so the simulated errors are t-like;
ETS draws do *not* include the uncertainty of the smoothing parameters and initial states (see
docs/method.md). All draws use a fixed seed.

**Rounding floor.** Published figures are rounded (99.9 %, 5.6 ‰); a series that is constant
after rounding would otherwise get a residual variance of 0 and a zero-width interval. The
residual variance is therefore never taken below the variance of the rounding error,
``r² / 12`` for resolution ``r`` (0.1 for one decimal), carried to the model scale by the delta
method; a value at a bound (0, or 100 %) can only have been rounded from one side, so it
counts ``r² / 48``.

**Series at a bound.** A % series with a value of exactly 0 or 100 (:func:`at_pct_bound`) is
fitted on the natural scale and clipped to [0, 100], not on the logit scale: moving such values
inside for the logit ("squeeze") let the arbitrary distance moved decide the interval
(100 % five times gave 68–99.99 %). The ``logit`` model does not apply to such a series.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

MODEL_ORDER = ("mean", "linear", "loglinear", "logit", "drift", "damped")
#: Model complexity used by the tie-break (lower is simpler).
COMPLEXITY = {"mean": 0, "linear": 1, "loglinear": 1, "logit": 1, "drift": 1, "damped": 2}
DEFAULT_SEED = 20210101
N_DRAWS = 4000
#: Fewest observations for a model *with* an interval (one residual degree of freedom at least).
MIN_POINTS = {"mean": 2, "linear": 3, "loglinear": 3, "logit": 3, "drift": 3, "damped": 6}
#: Fewest observations for a point fit (used inside leave-one-out cross-validation).
MIN_POINTS_POINT = {"mean": 1, "linear": 2, "loglinear": 2, "logit": 2, "drift": 2, "damped": 6}
#: Estimated parameters of the damped-trend ETS model (alpha, beta, phi, level0, trend0).
ETS_PARAMS = 5
RATE_UNITS = ("‰", "1/10万")
#: Units of counts (never negative): forecasts and intervals are cut at 0.
COUNT_UNITS = ("人", "个", "所", "家", "次", "万个", "万人", "亿人")


class ModelNotApplicable(ValueError):
    """The model cannot be fitted to this series (too short, values out of its domain)."""


# --------------------------------------------------------------------------- transforms
def _identity(y):
    return np.asarray(y, float)


def _logit_pct(y):
    p = np.asarray(y, float) / 100.0
    return np.log(p / (1.0 - p))


def _inv_logit_pct(z):
    return 100.0 / (1.0 + np.exp(-np.asarray(z, float)))


TRANSFORMS = {
    "identity": (_identity, _identity),
    "log": (np.log, np.exp),
    "logit": (_logit_pct, _inv_logit_pct),
}
#: Derivative of each transform (for the rounding floor, delta method).
_DERIVATIVE = {
    "identity": lambda y: np.ones_like(np.asarray(y, float)),
    "log": lambda y: 1.0 / np.asarray(y, float),
    "logit": lambda y: 100.0 / (np.asarray(y, float) * (100.0 - np.asarray(y, float))),
}


def _forward(scale: str, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return TRANSFORMS[scale][0](y)


def _inverse(scale: str, z):
    with np.errstate(over="ignore"):
        return TRANSFORMS[scale][1](z)


def decimals_of(values) -> int:
    """Typical number of decimals of published values: the median over the values, rounded
    up (max 6).

    ``[8.1, 7.5, 5.0, 4.0]`` → 1 (a value such as 5.0 has lost its trailing zero as a float, so
    the median rather than the minimum is used, and a tie goes to the finer resolution).
    Values of exactly 0 and 100 are left out when other values exist: they are usually exact
    (no drop-out, no case, every birth in hospital), so they say nothing about the rounding of
    the others (``[100, 100, 99.8, 100, 100]`` → 1, not 0).
    """
    values = np.asarray(values, float)
    values = values[np.isfinite(values)]
    if not len(values):
        return 0
    interior = values[(values != 0) & (values != 100)]
    if len(interior):
        values = interior
    counts = []
    for v in values:
        text = f"{abs(float(v)):.6f}".rstrip("0")
        counts.append(len(text.split(".")[1]) if "." in text else 0)
    return int(np.ceil(np.median(counts)))


def resolution_of(values) -> float:
    """Rounding resolution of published values: ``10 ** -decimals_of(values)`` (0.1, 0.01 ...)."""
    return 10.0 ** -decimals_of(values)


def _in_closed_pct(values) -> bool:
    values = np.asarray(values, float)
    return bool(len(values)) and bool(np.all((values >= 0) & (values <= 100)))


def at_pct_bound(values, unit: str) -> bool:
    """True for a % series within [0, 100] with a value at exactly 0 or 100.

    Such series are fitted on the natural scale (forecasts and draws clipped to [0, 100]),
    never on the logit scale: the logit needs the value moved inside ("squeeze"), and the
    arbitrary distance moved then decides the interval — 100, 100, 100 (integers) squeezed to
    99.5 gave a 95 % interval of 68–99.99 % on the logit scale.
    """
    values = np.asarray(values, float)
    return unit == "%" and _in_closed_pct(values) and bool(np.any((values == 0) | (values == 100)))


def _squeeze_pct(values, resolution: float) -> np.ndarray:
    """Move values at exactly 0 or 100 half a resolution inside (never past an interior value)."""
    values = np.asarray(values, float).copy()
    interior = values[(values > 0) & (values < 100)]
    eps = resolution / 2.0
    if len(interior):
        eps = min(eps, interior.min() / 2.0, (100.0 - interior.max()) / 2.0)
    values[values <= 0] = eps
    values[values >= 100] = 100.0 - eps
    return values


def scale_of(model: str, unit: str = "", values=None) -> str:
    """Scale a model is fitted on. For % indicators strictly inside (0, 100) the no-trend,
    drift and damped models are fitted on the logit scale too, so their intervals respect the
    bounds; with a value at exactly 0 or 100 % (:func:`at_pct_bound`) on the natural scale,
    clipped to [0, 100]."""
    bounded = (
        unit == "%"
        and values is not None
        and _in_closed_pct(values)
        and not at_pct_bound(values, unit)
    )
    if model in ("mean", "damped", "drift") and bounded:
        return "logit"
    if model == "drift" and unit in RATE_UNITS and values is not None:
        if np.all(np.asarray(values, float) > 0):
            return "log"
    return {"loglinear": "log", "logit": "logit"}.get(model, "identity")


def bounded_alternative(model: str, unit: str, values) -> bool:
    """True when ``model`` may cross 0–100 % and the logit model applies instead.

    Such candidates are fitted and recorded, but not selected (they can forecast 100.2 %).
    With a value at exactly 0 or 100 % the logit model does not apply (:func:`at_pct_bound`)
    and they compete, clipped to [0, 100].
    """
    return (
        unit == "%"
        and model in ("linear", "loglinear")
        and _in_closed_pct(values)
        and not at_pct_bound(values, unit)
        and len(values) >= MIN_POINTS["logit"]
    )


def applicable(model: str, values, years=None, unit: str = "", point_only: bool = False) -> bool:
    """Whether ``model`` can be fitted to ``values`` (and ``years``).

    ``point_only``: a point fit is enough (no interval), as inside leave-one-out.
    """
    values = np.asarray(values, float)
    n = len(values)
    if n < (MIN_POINTS_POINT if point_only else MIN_POINTS)[model]:
        return False
    if not np.all(np.isfinite(values)):
        return False
    if model == "loglinear":
        return bool(np.all(values > 0))
    if model == "logit":
        return unit == "%" and _in_closed_pct(values) and not at_pct_bound(values, unit)
    if model == "damped":
        if years is None:
            return False
        return bool(np.all(np.diff(np.asarray(years)) == 1))
    return True


# --------------------------------------------------------------------------- results
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

    Create with :func:`fit_model`. ``years``/``values`` are the observations used (floats in the
    indicator's unit). ``params`` holds the fitted parameters on the model scale, the residual
    SD ``sigma`` actually used (after the rounding floor) and the degrees of freedom ``df``.
    """

    model: str
    scale: str
    years: np.ndarray
    values: np.ndarray
    params: dict = field(default_factory=dict)
    _ols: object = None
    _ets: object = None
    seed: int = DEFAULT_SEED
    unit: str = ""
    sigma2: float = float("nan")
    df: float = float("nan")
    n_draws: int = N_DRAWS
    upper_bound: float = np.inf
    lower_bound: float = -np.inf
    _z: np.ndarray | None = None

    @property
    def n_obs(self) -> int:
        return len(self.values)

    # -- OLS-family helpers
    def _design(self, years) -> np.ndarray:
        years = np.atleast_1d(np.asarray(years, float))
        if self.model == "mean":
            return np.ones((len(years), 1))
        return np.column_stack([np.ones(len(years)), years - self.params["year0"]])

    def _t_dist(self, year: int) -> tuple[float, float, float]:
        """Location, scale and df of the predictive t distribution on the model scale.

        OLS family: ``x0'β̂``, ``s · sqrt(1 + x0' (X'X)⁻¹ x0)`` and ``n − k``. Drift, ``h`` years
        after the last observation: ``z_last + h d̂``, ``s · sqrt(h + h² / span)`` and ``m − 1``
        (``m`` increments); at an observed year the observation itself (scale 0); between two
        observations the Brownian bridge."""
        if self.model == "drift":
            return self._drift_dist(year)
        res = self._ols
        x = self._design([year])
        mean = float((x @ res.params)[0])
        leverage = float((x @ np.asarray(res.normalized_cov_params) @ x.T)[0, 0])
        return mean, math.sqrt(self.sigma2 * (1.0 + leverage)), self.df

    def _drift_dist(self, year: int) -> tuple[float, float, float]:
        years, z = self.years, self._z
        d, span = self.params["drift"], self.params["span"]
        if year > years[-1]:
            h = float(year - years[-1])
            return z[-1] + h * d, math.sqrt(self.sigma2 * (h + h * h / span)), self.df
        if year < years[0]:
            h = float(years[0] - year)
            return z[0] - h * d, math.sqrt(self.sigma2 * (h + h * h / span)), self.df
        i = int(np.searchsorted(years, year))
        if years[i] == year:
            return float(z[i]), 0.0, self.df
        a, b = years[i - 1], years[i]
        w = (year - a) / (b - a)
        mean = z[i - 1] + w * (z[i] - z[i - 1])
        return float(mean), math.sqrt(self.sigma2 * (year - a) * (b - year) / (b - a)), self.df

    def _clip(self, x):
        return np.clip(x, self.lower_bound, self.upper_bound)

    def fitted(self, years=None) -> np.ndarray:
        """Fitted (median) values on the indicator scale for ``years`` (default: observed)."""
        years = self.years if years is None else np.atleast_1d(years)
        if self._ols is not None:
            return self._clip(_inverse(self.scale, self._design(years) @ self._ols.params))
        if self.model == "drift":
            means = [self._drift_dist(int(y))[0] for y in years]
            return self._clip(_inverse(self.scale, np.asarray(means, float)))
        # ETS: in-sample one-step fit for observed years, point forecasts beyond
        out = []
        last = int(self.years[-1])
        fitted = dict(
            zip(
                self.years.tolist(),
                _inverse(self.scale, np.asarray(self._ets.fittedvalues)),
                strict=True,
            )
        )
        for y in years:
            y = int(y)
            if y in fitted:
                out.append(fitted[y])
            elif y > last:
                path = np.asarray(self._ets.forecast(y - last))
                out.append(float(_inverse(self.scale, path[-1])))
            else:
                out.append(np.nan)
        return self._clip(np.asarray(out, float))

    def predict(self, year: int, level: float = 0.95) -> Forecast:
        """Point forecast (median) and central ``level`` prediction interval for ``year``."""
        if self._ets is None:
            mean, scale, df = self._t_dist(year)
            q = stats.t.ppf(0.5 + level / 2, df) if scale > 0 else 0.0
            z = np.array([mean, mean - q * scale, mean + q * scale])
            point, lo, hi = self._clip(_inverse(self.scale, z))
        else:
            draws = self.draws([year])[:, 0]
            point = float(np.median(draws))
            lo, hi = np.quantile(draws, [0.5 - level / 2, 0.5 + level / 2])
        return Forecast(
            self.model, int(year), float(point), float(lo), float(hi), level, self.n_obs
        )

    def prob_at_least(self, year: int, threshold: float) -> float:
        """P(value in ``year`` >= ``threshold``) under the predictive distribution."""
        if self._ets is not None:
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
        z = float(_forward(self.scale, threshold))
        mean, scale, df = self._t_dist(year)
        if scale == 0:
            return float(mean >= z)
        return float(stats.t.sf((z - mean) / scale, df))

    def prob_at_most(self, year: int, threshold: float) -> float:
        """P(value in ``year`` <= ``threshold``) (continuous: 1 − P(>=))."""
        if self._ets is not None:
            return float(np.mean(self.draws([year])[:, 0] <= threshold))
        return 1.0 - self.prob_at_least(year, threshold)

    def draws(self, years, n: int | None = None) -> np.ndarray:
        """Joint predictive draws, shape ``(n, len(years))``, on the indicator scale.

        Years at or before the last observation come back as the observed value (ETS) or as a
        draw of a new observation in that year (OLS family).
        """
        n = n or self.n_draws
        years = np.atleast_1d(np.asarray(years, int))
        rng = np.random.default_rng(self.seed)
        df = max(float(self.df), 1.0)
        sigma2 = self.sigma2 * df / rng.chisquare(df, size=n)
        if self._ols is not None:
            res = self._ols
            xtx_inv = np.asarray(res.normalized_cov_params)
            chol = np.linalg.cholesky(xtx_inv + 1e-12 * np.eye(len(xtx_inv)))
            z = rng.standard_normal((n, len(res.params)))
            beta = np.asarray(res.params) + (z @ chol.T) * np.sqrt(sigma2)[:, None]
            x = self._design(years)
            eps = rng.standard_normal((n, len(years))) * np.sqrt(sigma2)[:, None]
            return self._clip(_inverse(self.scale, beta @ x.T + eps))
        if self.model == "drift":
            return self._drift_draws(years, sigma2, rng)
        last = int(self.years[-1])
        horizon = int(max(years.max() - last, 1))
        errors = rng.standard_normal((horizon, n)) * np.sqrt(sigma2)[None, :]
        sims = self._ets.simulate(horizon, anchor="end", repetitions=n, random_errors=errors)
        sims = np.asarray(sims).reshape(horizon, n).T  # (n, horizon)
        sims = self._clip(_inverse(self.scale, sims))
        observed = dict(zip(self.years.tolist(), self.values.tolist(), strict=True))
        out = np.empty((n, len(years)))
        for j, y in enumerate(years):
            out[:, j] = observed.get(int(y), np.nan) if y <= last else sims[:, int(y) - last - 1]
        return out

    def _drift_draws(self, years, sigma2, rng) -> np.ndarray:
        """Joint paths: d ~ N(d̂, σ²/span), z_{t+1} = z_t + d + ε_t, ε_t ~ N(0, σ²)."""
        n = len(sigma2)
        last = int(self.years[-1])
        horizon = int(max(years.max() - last, 1))
        sd = np.sqrt(sigma2)
        d = self.params["drift"] + rng.standard_normal(n) * sd / math.sqrt(self.params["span"])
        steps = d[:, None] + rng.standard_normal((n, horizon)) * sd[:, None]
        paths = self._z[-1] + np.cumsum(steps, axis=1)
        out = np.empty((n, len(years)))
        for j, y in enumerate(years):
            if y > last:
                out[:, j] = paths[:, int(y) - last - 1]
            else:
                mean, scale, _ = self._drift_dist(int(y))
                out[:, j] = mean + scale * rng.standard_normal(n)
        return self._clip(_inverse(self.scale, out))

    def slope_test(self) -> tuple[float, float, float]:
        """(slope per year, its standard error, two-sided p-value) of the linear-family model."""
        if self._ols is None or self.model == "mean":
            raise ModelNotApplicable("slope_test needs a linear-family model")
        res = self._ols
        return float(res.params[1]), float(res.bse[1]), float(res.pvalues[1])

    def describe(self) -> dict:
        """Parameters for the audit trail: model, scale and ``params`` (model scale)."""
        return {"model": self.model, "scale": self.scale, **self.params}


@lru_cache(maxsize=256)
def _fit_ets(z: tuple[float, ...]):
    """Damped-trend ETS (A,Ad,N) fitted by statsmodels to model-scale values ``z`` (cached:
    the same series is fitted once per process, e.g. an indicator shared by two plans)."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ETSModel(pd.Series(z), error="add", trend="add", damped_trend=True)
        return model.fit(disp=False)


def _rounding_floor(
    scale: str, values, resolution: float, lower: float = -np.inf, upper: float = np.inf
) -> float:
    """Variance of the rounding error ``r²/12`` carried to the model scale (delta method).

    A value published at a bound (0, or 100 for %) can only have been rounded from one side
    (a true 99.7 % rounds to 100, a true 100.3 % does not exist): its rounding error is
    uniform on a width of ``r/2``, variance ``r²/48``."""
    values = np.asarray(values, float)
    deriv = _DERIVATIVE[scale](values)
    at_bound = (values <= lower) | (values >= upper)
    var = np.where(at_bound, resolution**2 / 48.0, resolution**2 / 12.0)
    return float(np.mean(var * deriv**2))


def fit_model(
    years,
    values,
    model: str = "linear",
    unit: str = "",
    seed: int = DEFAULT_SEED,
    point_only: bool = False,
    resolution: float | None = None,
    n_draws: int = N_DRAWS,
) -> TrendFit:
    """Fit one trend model to a yearly series.

    ``years``: 1-D ints; ``values``: 1-D floats in the indicator's unit (%, ‰, 1/10万 ...).
    ``resolution``: rounding resolution of the published values (default: from the values,
    see :func:`resolution_of`). ``point_only`` allows the shortest series that still give a
    point prediction (used by cross-validation; no interval then). Raises
    :class:`ModelNotApplicable` when the model does not apply (see :func:`applicable`).
    """
    years = np.asarray(years, int)
    values = np.asarray(values, float)
    order = np.argsort(years, kind="stable")
    years, values = years[order], values[order]
    if model not in MODEL_ORDER:
        raise ValueError(f"unknown model {model!r}; choose from {MODEL_ORDER}")
    if len(np.unique(years)) != len(years):
        raise ValueError(f"years must be unique, got {years.tolist()}")
    if not applicable(model, values, years, unit, point_only=point_only):
        raise ModelNotApplicable(
            f"{model} does not apply to {len(values)} values {values.tolist()}"
        )
    resolution = resolution_of(values) if resolution is None else float(resolution)
    scale = scale_of(model, unit, values)
    used = _squeeze_pct(values, resolution) if scale == "logit" else values
    z = _forward(scale, used)
    upper = 100.0 if unit == "%" and np.all(values <= 100) else np.inf
    lower = 0.0 if unit in ("%", *RATE_UNITS, *COUNT_UNITS) or scale == "log" else -np.inf
    fit = TrendFit(
        model=model,
        scale=scale,
        years=years,
        values=values,
        seed=seed,
        unit=unit,
        n_draws=n_draws,
        upper_bound=upper,
        lower_bound=lower,
    )
    if scale == "logit" and np.any(used != values):
        fit.params["squeezed_to"] = [float(v) for v in used[used != values]]
    floor = _rounding_floor(scale, used, resolution, lower, upper)
    fit.params["resolution"] = resolution
    fit._z = np.asarray(z, float)
    if model == "drift":
        dt, dz = np.diff(years).astype(float), np.diff(z)
        span = float(years[-1] - years[0])
        drift = float((z[-1] - z[0]) / span)
        m = len(dz)
        fit.params.update({"drift": drift, "span": span, "last_year": float(years[-1])})
        fit.df = float(m - 1)
        s2 = float(np.sum((dz - drift * dt) ** 2 / dt) / (m - 1)) if m > 1 else float("nan")
        floor = 2.0 * floor  # an increment is the difference of two rounded values
    elif model == "damped":
        res = _fit_ets(tuple(float(v) for v in z))
        fit._ets = res
        fit.params.update({k: float(v) for k, v in zip(res.param_names, res.params, strict=True)})
        fit.df = float(max(len(z) - ETS_PARAMS, 1))
        s2 = float(res.sse) / fit.df
    else:
        fit.params["year0"] = float(years[0])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit._ols = sm.OLS(z, fit._design(years)).fit()
        names = ["level"] if model == "mean" else ["intercept", "slope"]
        fit.params.update({k: float(v) for k, v in zip(names, fit._ols.params, strict=True)})
        fit.df = float(fit._ols.df_resid)
        s2 = float(fit._ols.scale) if fit.df > 0 else float("nan")
    fit.sigma2 = max(s2, floor) if np.isfinite(s2) else floor
    fit.params["sigma"] = math.sqrt(fit.sigma2)
    fit.params["sigma_estimated"] = math.sqrt(s2) if np.isfinite(s2) else float("nan")
    fit.params["sigma_floor"] = math.sqrt(floor)
    fit.params["df"] = fit.df
    return fit


# --------------------------------------------------------------------------- selection
#: The reference model of the selection (see :func:`select_model`).
REFERENCE_MODEL = "drift"
#: Fewest training points of a leave-future-out fit (``damped`` needs its own minimum).
MIN_TRAIN = {"damped": 6}
MIN_TRAIN_DEFAULT = 3


@dataclass(frozen=True)
class Selection:
    """Outcome of model selection: chosen model, every candidate's errors and forecast.

    ``cv_error`` is the error each candidate was judged on: mean absolute leave-future-out error
    (:func:`leave_future_out_error`, indicator units); ``reference_error`` the reference (drift)
    model's error on the same forecast origins (they differ for ``damped``, which needs 6
    training points); ``loo_error`` the leave-one-out error, for information only;
    ``excluded`` names the candidates that were fitted but could not be chosen, and why.
    """

    model: str
    reason: str
    cv_error: dict[str, float]
    candidates: dict[str, Forecast]
    fits: dict[str, TrendFit]
    loo_error: dict[str, float] = field(default_factory=dict)
    reference_error: dict[str, float] = field(default_factory=dict)
    excluded: dict[str, str] = field(default_factory=dict)
    tie_margin: float = 0.10
    reference: str = REFERENCE_MODEL


def loo_error(years, values, model: str, unit: str = "", resolution: float | None = None) -> float:
    """Mean absolute leave-one-out error (indicator scale) of ``model`` on the series.

    Each point is predicted by the model fitted to the other n − 1 points (a point fit: two
    points are enough for a straight line). ``nan`` when the model cannot be fitted on n − 1
    points. Reported for information; the selection uses :func:`leave_future_out_error`.
    """
    years = np.asarray(years, int)
    values = np.asarray(values, float)
    resolution = resolution_of(values) if resolution is None else resolution
    errors = []
    for i in range(len(values)):
        keep = np.arange(len(values)) != i
        try:
            f = fit_model(
                years[keep], values[keep], model, unit, point_only=True, resolution=resolution
            )
        except ModelNotApplicable:
            return float("nan")
        errors.append(abs(float(f.fitted([years[i]])[0]) - values[i]))
    return float(np.mean(errors)) if errors else float("nan")


def leave_future_out_error(
    years,
    values,
    model: str,
    unit: str = "",
    min_train: int | None = None,
    resolution: float | None = None,
    max_horizon: int | None = None,
) -> float:
    """Mean absolute leave-future-out error (indicator scale): for every origin
    k = ``min_train`` … n − 1 the model is fitted to the first k points and forecasts every
    later observed point at most ``max_horizon`` years ahead of the origin's last year (all
    later points when None; the next observation always, even after a gap); the mean is over
    all these forecasts.

    This scores what the assessment does — extrapolate — rather than interpolation. ``nan``
    when no such forecast exists (n ≤ ``min_train``, default 3; 6 for ``damped``).
    """
    years = np.asarray(years, int)
    values = np.asarray(values, float)
    min_train = MIN_TRAIN.get(model, MIN_TRAIN_DEFAULT) if min_train is None else min_train
    resolution = resolution_of(values) if resolution is None else resolution
    errors: list[float] = []
    for k in range(min_train, len(values)):
        try:
            f = fit_model(
                years[:k], values[:k], model, unit, point_only=True, resolution=resolution
            )
        except ModelNotApplicable:
            return float("nan")
        ahead = years[k:] - years[k - 1]
        keep = ahead <= max_horizon if max_horizon is not None else np.ones(len(ahead), bool)
        keep[0] = True  # the next observation always counts, even after a gap
        errors.extend(np.abs(f.fitted(years[k:][keep]) - values[k:][keep]).tolist())
    return float(np.mean(errors)) if errors else float("nan")


def rolling_origin_error(
    years, values, model: str, unit: str = "", min_train: int = 6, resolution: float | None = None
) -> float:
    """Mean absolute one-step-ahead error, refitting on the first k points for each
    k = ``min_train`` … n − 1 (``nan`` with n ≤ ``min_train``)."""
    years = np.asarray(years, int)
    values = np.asarray(values, float)
    resolution = resolution_of(values) if resolution is None else resolution
    errors = []
    for k in range(min_train, len(values)):
        try:
            f = fit_model(
                years[:k], values[:k], model, unit, point_only=True, resolution=resolution
            )
        except ModelNotApplicable:
            continue
        errors.append(abs(float(f.fitted([years[k]])[0]) - values[k]))
    return float(np.mean(errors)) if errors else float("nan")


def candidate_models(years, values, unit: str = "") -> list[str]:
    """The models that apply to this series (3 or more values), simplest first."""
    if len(values) < 3:
        return []
    return [m for m in MODEL_ORDER if applicable(m, values, years, unit)]


def select_model(
    years,
    values,
    target_year: int,
    unit: str = "",
    tie_margin: float = 0.10,
    level: float = 0.95,
    seed: int = DEFAULT_SEED,
    n_draws: int = N_DRAWS,
) -> Selection:
    """Choose a trend model by out-of-sample forecast error, with the drift model as reference.

    Rule (docs/method.md, "Model selection"):

    1. The reference is ``drift``, a random walk with drift on the indicator's natural scale
       (logit for %, log for rates in ‰ and 1/10万): the latest value plus the average change
       per year — the statistical model behind the agencies' two-endpoint growth rates, with
       an interval that widens with the horizon.
    2. Every other applicable candidate (``mean``, ``linear``, ``loglinear``, ``logit``,
       ``damped``) is scored by its mean absolute leave-future-out error
       (:func:`leave_future_out_error`: fit on the first k points, k = 3 … n − 1 (6 … n − 1 for
       ``damped``), forecast the later points up to as many years ahead as the target year is
       from the last observation) and compared with the reference's error on the same
       forecasts.
    3. A candidate replaces the reference only when its error is lower by more than
       ``tie_margin`` (10 %). Otherwise — and always with fewer than 4 values, when no
       out-of-sample forecast exists — the reference stays: the tie-break favours the
       reference. Several such candidates are compared with each other the same way, simplest
       first (on their common forecast origins): a more complex one must be better by more
       than ``tie_margin``, an equally complex one just better.

    For % indicators within [0, 100] the linear and log-linear candidates are recorded but not
    chosen (they can forecast 100.2 %); the logit model takes their place.
    ``years`` ints, ``values`` floats in ``unit``. Returns a :class:`Selection` with every
    candidate's fit, forecast for ``target_year`` (central ``level`` interval) and errors.
    Raises :class:`ModelNotApplicable` when fewer than 3 values are given.
    """
    years = np.asarray(years, int)
    values = np.asarray(values, float)
    order = np.argsort(years, kind="stable")
    years, values = years[order], values[order]
    names = candidate_models(years, values, unit)
    if not names:
        raise ModelNotApplicable("at least 3 observations are needed for a trend")
    resolution = resolution_of(values)
    ref = REFERENCE_MODEL
    horizon = max(1, int(target_year) - int(years[-1]))
    lfo = {
        m: leave_future_out_error(years, values, m, unit, None, resolution, horizon) for m in names
    }
    ref_err = {
        m: leave_future_out_error(
            years, values, ref, unit, MIN_TRAIN.get(m, MIN_TRAIN_DEFAULT), resolution, horizon
        )
        for m in names
    }
    loo = {
        m: (loo_error(years, values, m, unit, resolution) if m != "damped" else float("nan"))
        for m in names
    }
    fits = {
        m: fit_model(years, values, m, unit, seed=seed, resolution=resolution, n_draws=n_draws)
        for m in names
    }
    candidates = {m: fits[m].predict(target_year, level) for m in names}
    excluded = {}
    for m in names:
        if bounded_alternative(m, unit, values):
            excluded[m] = "may cross 0–100 %; the logit model takes its place"
    steps = [f"{ref} is the reference (random walk with drift, {fits[ref].scale} scale)"]
    gains = {}
    for m in names:
        if m == ref or m in excluded:
            continue
        err, base = lfo[m], ref_err[m]
        if not (np.isfinite(err) and np.isfinite(base)):
            steps.append(f"{m}: no out-of-sample forecast to score")
            continue
        if err < base * (1 - tie_margin):
            gains[m] = err / base if base > 0 else 0.0
            steps.append(
                f"{m}: forecast error {err:.4g} beats {ref} {base:.4g} by more than "
                f"{tie_margin:.0%}"
            )
        else:
            steps.append(
                f"{m}: forecast error {err:.4g} not below {ref} {base:.4g} by more than "
                f"{tie_margin:.0%}"
            )
    best = ref
    challengers = sorted(gains, key=lambda k: (COMPLEXITY[k], MODEL_ORDER.index(k)))
    for m in challengers:
        if best == ref:
            best = m
            continue
        # challengers against each other on their common forecast origins
        k0 = max(MIN_TRAIN.get(m, MIN_TRAIN_DEFAULT), MIN_TRAIN.get(best, MIN_TRAIN_DEFAULT))
        err_m, err_b = (
            leave_future_out_error(years, values, x, unit, k0, resolution, horizon)
            for x in (m, best)
        )
        if COMPLEXITY[m] == COMPLEXITY[best]:
            better = err_m < err_b
        else:
            better = err_m < err_b * (1 - tie_margin)
        verdict = "replaces" if better else "does not replace"
        margin_txt = "" if COMPLEXITY[m] == COMPLEXITY[best] else f" by more than {tie_margin:.0%}"
        steps.append(
            f"{m} ({err_m:.4g}) {verdict} {best} ({err_b:.4g}) on common origins{margin_txt}"
        )
        if better:
            best = m
    if len(values) <= MIN_TRAIN_DEFAULT:
        steps.append(f"{len(values)} values: no out-of-sample forecast, the reference stays")
    reason = f"chose {best} — " + "; ".join(steps)
    return Selection(best, reason, lfo, candidates, fits, loo, ref_err, excluded, tie_margin, ref)
