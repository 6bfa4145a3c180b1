"""Trend models for short yearly indicator series, with predictive distributions.

Every model is fitted on a *transformed* scale and back-transformed, so that a bounded
indicator stays inside its bounds:

==============  ======================  ==========================================================
model           scale                   use
==============  ======================  ==========================================================
``mean``        y                       no trend: the level is the mean of the observations
``linear``      y                       OLS on year (constant absolute change per year)
``loglinear``   log y                   constant annual rate of change (the CAGR/AARR model);
                                        positive values only (mortality, counts)
``logit``       log(p / (100 − p))      proportions in % strictly inside (0, 100): a 99.33 %
                                        enrolment is never forecast above 100 %
``damped``      y (or the scale above)  damped-trend exponential smoothing (ETS A,Ad,N;
                                        Gardner & McKenzie 1985), at least 6 consecutive years
==============  ======================  ==========================================================

The OLS models give the classical prediction interval for a new observation (Student t with
n − k degrees of freedom) on the model scale; because the transforms are monotone, quantiles and
threshold probabilities carry over to the indicator scale exactly. Joint statements about
several future years (``maintain_at_least`` every year) use draws from the posterior
predictive distribution under the usual non-informative prior, which has the same marginal
t distribution (Gelman et al., *Bayesian Data Analysis*, 3rd ed., §14.2). ETS uses
``ETSResults.simulate``. All draws use a fixed seed.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

MODEL_ORDER = ("mean", "linear", "loglinear", "logit", "damped")
#: Model complexity used by the tie-break (lower is simpler).
COMPLEXITY = {"mean": 0, "linear": 1, "loglinear": 1, "logit": 1, "damped": 2}
DEFAULT_SEED = 20210101
N_DRAWS = 4000
MIN_POINTS = {"mean": 1, "linear": 3, "loglinear": 3, "logit": 3, "damped": 6}


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


def _forward(scale: str, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return TRANSFORMS[scale][0](y)


def _inverse(scale: str, z):
    with np.errstate(over="ignore"):
        return TRANSFORMS[scale][1](z)


def _inside_pct(values) -> bool:
    values = np.asarray(values, float)
    return bool(np.all((values > 0) & (values < 100)))


def scale_of(model: str, unit: str = "", values=None) -> str:
    """Scale a model is fitted on. For % indicators strictly inside (0, 100) the no-trend and
    damped models are fitted on the logit scale too, so their intervals respect the bounds."""
    if model in ("mean", "damped") and unit == "%" and values is not None and _inside_pct(values):
        return "logit"
    return {"loglinear": "log", "logit": "logit"}.get(model, "identity")


def bounded_alternative(model: str, unit: str, values) -> bool:
    """True when ``model`` may cross 0–100 % and the logit model applies instead.

    Such candidates are fitted and recorded, but not selected (they can forecast 100.2 %).
    """
    return unit == "%" and model in ("linear", "loglinear") and _inside_pct(values) and len(values) >= 3


def applicable(model: str, values: np.ndarray, years: np.ndarray | None = None, unit: str = "") -> bool:
    """Whether ``model`` can be fitted to ``values`` (and ``years``)."""
    values = np.asarray(values, float)
    n = len(values)
    if n < MIN_POINTS[model]:
        return False
    if model == "loglinear":
        return bool(np.all(values > 0))
    if model == "logit":
        return unit == "%" and bool(np.all((values > 0) & (values < 100)))
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
    indicator's unit). ``params`` holds the fitted parameters on the model scale.
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

    @property
    def n_obs(self) -> int:
        return len(self.values)

    # -- OLS-family helpers
    def _design(self, years) -> np.ndarray:
        years = np.atleast_1d(np.asarray(years, float))
        if self.model == "mean":
            return np.ones((len(years), 1))
        return np.column_stack([np.ones(len(years)), years - self.params["year0"]])

    def _t_dist(self, year: int):
        """Location, scale and df of the predictive t distribution on the model scale."""
        res = self._ols
        x = self._design([year])
        mean = float((x @ res.params)[0])
        var_mean = float((x @ res.cov_params() @ x.T)[0, 0])
        scale = math.sqrt(max(var_mean + res.scale, 0.0))
        return mean, scale, res.df_resid

    def fitted(self, years=None) -> np.ndarray:
        """Fitted (median) values on the indicator scale for ``years`` (default: observed)."""
        years = self.years if years is None else np.atleast_1d(years)
        if self._ols is not None:
            return _inverse(self.scale, self._design(years) @ self._ols.params)
        # ETS: in-sample fit for observed years, point forecasts beyond
        out = []
        last = int(self.years[-1])
        fitted = dict(zip(self.years.tolist(), _inverse(self.scale, np.asarray(self._ets.fittedvalues))))
        for y in years:
            y = int(y)
            if y in fitted:
                out.append(fitted[y])
            elif y > last:
                out.append(float(_inverse(self.scale, np.asarray(self._ets.forecast(y - last))[-1])))
            else:
                out.append(np.nan)
        return np.asarray(out, float)

    def predict(self, year: int, level: float = 0.95) -> Forecast:
        """Point forecast (median) and central ``level`` prediction interval for ``year``."""
        if self._ols is not None:
            mean, scale, df = self._t_dist(year)
            if scale == 0 or df <= 0:
                lo = hi = mean
            else:
                q = stats.t.ppf(0.5 + level / 2, df)
                lo, hi = mean - q * scale, mean + q * scale
            point = mean
        else:
            draws = self.draws([year])[:, 0]
            point = float(np.median(draws))
            lo, hi = np.quantile(draws, [0.5 - level / 2, 0.5 + level / 2])
            return self._bounded(Forecast(self.model, int(year), point, float(lo), float(hi), level, self.n_obs))
        return self._bounded(Forecast(
            self.model,
            int(year),
            float(_inverse(self.scale, point)),
            float(_inverse(self.scale, lo)),
            float(_inverse(self.scale, hi)),
            level,
            self.n_obs,
        ))

    def _bounded(self, f: Forecast) -> Forecast:
        """Clip to the natural bounds of the unit (% in [0, 100], rates >= 0).

        Only models on the identity scale can cross; this is the last safeguard, used when the
        logit model cannot be fitted (a series containing exactly 100 %)."""
        hi_bound = 100.0 if self.unit == "%" else np.inf
        lo_bound = 0.0 if self.unit in ("%", "‰", "1/10万") else -np.inf

        def c(x):
            return float(min(max(x, lo_bound), hi_bound))

        return Forecast(f.model, f.year, c(f.value), c(f.low), c(f.high), f.level, f.n_obs)

    def prob_at_least(self, year: int, threshold: float) -> float:
        """P(value in ``year`` >= ``threshold``) under the predictive distribution."""
        if self._ols is not None:
            z = float(_forward(self.scale, threshold))
            mean, scale, df = self._t_dist(year)
            if not np.isfinite(z):  # threshold outside the transform's domain
                return 1.0 if z < 0 else 0.0
            if scale == 0 or df <= 0:
                return float(mean >= z)
            return float(stats.t.sf((z - mean) / scale, df))
        return float(np.mean(self.draws([year])[:, 0] >= threshold))

    def prob_at_most(self, year: int, threshold: float) -> float:
        """P(value in ``year`` <= ``threshold``) (continuous: 1 − P(>=))."""
        return 1.0 - self.prob_at_least(year, threshold)

    def draws(self, years, n: int = N_DRAWS) -> np.ndarray:
        """Joint predictive draws, shape ``(n, len(years))``, on the indicator scale."""
        years = np.atleast_1d(np.asarray(years, int))
        rng = np.random.default_rng(self.seed)
        if self._ols is not None:
            res = self._ols
            df = max(int(res.df_resid), 1)
            # sigma^2 | y ~ scaled inverse chi-square; beta | sigma^2 ~ N(beta_hat, sigma^2 (X'X)^-1)
            sigma2 = res.scale * df / rng.chisquare(df, size=n) if res.scale > 0 else np.zeros(n)
            xtx_inv = np.asarray(res.normalized_cov_params)
            chol = np.linalg.cholesky(xtx_inv + 1e-12 * np.eye(len(xtx_inv)))
            z = rng.standard_normal((n, len(res.params)))
            beta = np.asarray(res.params) + (z @ chol.T) * np.sqrt(sigma2)[:, None]
            x = self._design(years)
            eps = rng.standard_normal((n, len(years))) * np.sqrt(sigma2)[:, None]
            return _inverse(self.scale, beta @ x.T + eps)
        last = int(self.years[-1])
        horizon = int(max(years.max() - last, 1))
        sims = self._ets.simulate(horizon, repetitions=n, anchor="end", rng=np.random.default_rng(self.seed))
        sims = np.asarray(sims).reshape(horizon, n).T  # (n, horizon)
        out = np.empty((n, len(years)))
        observed = dict(zip(self.years.tolist(), self.values.tolist()))
        for j, y in enumerate(years):
            out[:, j] = observed.get(int(y), np.nan) if y <= last else sims[:, int(y) - last - 1]
        return _inverse(self.scale, out) if self.scale != "identity" else out

    def slope_test(self) -> tuple[float, float, float]:
        """(slope per year, its standard error, two-sided p-value) of the linear-family model."""
        if self._ols is None or self.model == "mean":
            raise ModelNotApplicable("slope_test needs a linear-family model")
        res = self._ols
        return float(res.params[1]), float(res.bse[1]), float(res.pvalues[1])


def fit_model(years, values, model: str = "linear", unit: str = "", seed: int = DEFAULT_SEED) -> TrendFit:
    """Fit one trend model to a yearly series.

    ``years``: 1-D ints; ``values``: 1-D floats in the indicator's unit. Raises
    :class:`ModelNotApplicable` when the model does not apply (see :func:`applicable`).
    """
    years = np.asarray(years, int)
    values = np.asarray(values, float)
    order = np.argsort(years)
    years, values = years[order], values[order]
    if model not in MODEL_ORDER:
        raise ValueError(f"unknown model {model!r}; choose from {MODEL_ORDER}")
    if not applicable(model, values, years, unit):
        raise ModelNotApplicable(f"{model} does not apply to {len(values)} values {values.tolist()}")
    scale = scale_of(model, unit, values)
    z = _forward(scale, values)
    fit = TrendFit(model=model, scale=scale, years=years, values=values, seed=seed, unit=unit)
    if model == "damped":
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        series = pd.Series(z, index=pd.RangeIndex(int(years[0]), int(years[-1]) + 1))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = ETSModel(series.reset_index(drop=True), error="add", trend="add", damped_trend=True).fit(disp=False)
        fit._ets = res
        fit.params = {k: float(v) for k, v in zip(res.param_names, res.params)}
        return fit
    fit.params["year0"] = float(years[0])
    fit._ols = sm.OLS(z, fit._design(years)).fit()
    names = ["level"] if model == "mean" else ["intercept", "slope"]
    fit.params.update({k: float(v) for k, v in zip(names, fit._ols.params)})
    fit.params["sigma"] = float(math.sqrt(fit._ols.scale))
    return fit


# --------------------------------------------------------------------------- selection
@dataclass(frozen=True)
class Selection:
    """Outcome of model selection: chosen model, every candidate's error and forecast."""

    model: str
    reason: str
    cv_error: dict[str, float]
    candidates: dict[str, Forecast]
    fits: dict[str, TrendFit]


def loo_error(years, values, model: str, unit: str = "") -> float:
    """Mean absolute leave-one-out error (indicator scale) of ``model`` on the series.

    Each point is predicted by the model fitted to the other points. ``nan`` when the model
    cannot be fitted on n − 1 points.
    """
    years = np.asarray(years, int)
    values = np.asarray(values, float)
    errors = []
    for i in range(len(values)):
        keep = np.arange(len(values)) != i
        try:
            f = fit_model(years[keep], values[keep], model, unit)
        except ModelNotApplicable:
            return float("nan")
        errors.append(abs(float(f.fitted([years[i]])[0]) - values[i]))
    return float(np.mean(errors)) if errors else float("nan")


def candidate_models(years, values, unit: str = "") -> list[str]:
    """The models that apply to this series, simplest first."""
    return [m for m in MODEL_ORDER if applicable(m, values, years, unit) and len(values) >= max(MIN_POINTS[m], 3)]


def select_model(years, values, target_year: int, unit: str = "", tie_margin: float = 0.10,
                 level: float = 0.95) -> Selection:
    """Choose a trend model by leave-one-out forecast error, favouring simpler models.

    Every applicable candidate is scored by its mean absolute LOO error. A more complex
    candidate replaces a simpler one only when its error is lower by more than ``tie_margin``
    (10 % by default) — short series rarely justify extra parameters. Among models of equal
    complexity the lower error wins. For % indicators strictly inside (0, 100) the linear and
    log-linear candidates are recorded but not chosen: the logit model takes their place so
    that no forecast crosses 100 %. ``damped`` (ETS) is not LOO-scored (it cannot be fitted
    with a hole in the series); it is scored by one-step rolling-origin error from 6 points on
    and compared on that basis with the others' rolling-origin error.
    Raises :class:`ModelNotApplicable` when fewer than 3 values are given.
    """
    years = np.asarray(years, int)
    values = np.asarray(values, float)
    names = candidate_models(years, values, unit)
    if not names:
        raise ModelNotApplicable("at least 3 observations are needed for a trend")
    cv = {}
    for m in names:
        cv[m] = rolling_origin_error(years, values, m, unit) if m == "damped" else loo_error(years, values, m, unit)
    fits = {m: fit_model(years, values, m, unit) for m in names}
    candidates = {m: fits[m].predict(target_year, level) for m in names}
    best = None
    reason = ""
    for m in sorted(names, key=lambda k: (COMPLEXITY[k], MODEL_ORDER.index(k))):
        err = cv[m]
        if not np.isfinite(err) or bounded_alternative(m, unit, values):
            continue
        if best is None:
            best, reason = m, f"{m}: LOO error {err:.4g} (simplest applicable model)"
            continue
        ref = cv[best]
        if m == "damped":
            ref = rolling_origin_error(years, values, best, unit)
        if COMPLEXITY[m] == COMPLEXITY[best]:
            if err < ref:
                reason = f"{m}: error {err:.4g} < {best} {ref:.4g} (same complexity)"
                best = m
        elif err < ref * (1 - tie_margin):
            reason = f"{m}: error {err:.4g} beats simpler {best} {ref:.4g} by more than {tie_margin:.0%}"
            best = m
    if best is None:
        best, reason = names[0], f"{names[0]}: no candidate could be cross-validated"
    return Selection(best, reason, cv, candidates, fits)


def rolling_origin_error(years, values, model: str, unit: str = "", min_train: int = 6) -> float:
    """Mean absolute one-step-ahead error, refitting on years up to each origin (≥ ``min_train`` points)."""
    years = np.asarray(years, int)
    values = np.asarray(values, float)
    errors = []
    for k in range(min_train, len(values)):
        try:
            f = fit_model(years[:k], values[:k], model, unit)
        except ModelNotApplicable:
            continue
        errors.append(abs(float(f.fitted([years[k]])[0]) - values[k]))
    return float(np.mean(errors)) if errors else float("nan")
