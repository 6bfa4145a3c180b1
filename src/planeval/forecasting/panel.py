"""The panel of out-of-sample forecast errors that calibrates the intervals and ``p_attain``.

For every series with at least ``min_train + 1`` values and every forecast origin
``k = min_train … n − 1`` (rolling origins) the model the assessment would use on the first
``k`` values (the drift model under the default rule) forecasts every later observed year
(every horizon). Each forecast is scored by its
probability integral transform ``u = F(y_observed)`` under the model's own predictive
distribution (clipped to ``[pit_clip, 1 − pit_clip]``) and by the scale-free error
``e = F_t⁻¹(u; df)``: the observed value's position in units of the predictive t
distribution's scale. A well-calibrated model gives ``e ~ t(df)``; ``e`` twice as spread says
the intervals are half as wide as they should be.

Honesty: a forecast made at origin year ``Y`` (its last training year) uses nothing after
``Y``; each error is stamped with the year of the observation it scores, so a calibration
table for cut-off year ``C`` (:mod:`calibration`) uses only errors observed by ``C``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from planeval.forecasting.base import ModelNotApplicable, TrendFit
from planeval.forecasting.selection import select_model

#: Fewest training values of a panel forecast (as the assessment's ``min_observations``).
MIN_TRAIN = 3
#: PIT clipped to [PIT_CLIP, 1 − PIT_CLIP]: one observation far in a tail counts as 3.1
#: standard-normal units at most, not as infinity (a value at a bound has PIT 0 or 1).
PIT_CLIP = 0.001


@dataclass
class PanelForecast:
    """One out-of-sample forecast: series, origin (last training year and the number of
    training values), the year forecast and its horizon, the observed value, its PIT ``u``,
    the scale-free error ``e`` with the fit's ``df``, and the fit itself (not stored)."""

    series_id: str
    unit: str
    origin_year: int
    n_train: int
    year: int
    horizon: int
    actual: float
    pit: float
    error: float
    df: float
    model: str
    fit: TrendFit | None = None


def pit_of(fit: TrendFit, year: int, actual: float, clip: float = PIT_CLIP) -> float:
    """``P(Y_year <= actual)`` under the fit's own (uncalibrated) predictive distribution,
    clipped to ``[clip, 1 − clip]``; for a simulated model the share of draws at or below."""
    if fit.uses_draws:
        u = float(np.mean(fit._draws([year])[:, 0] <= actual))
    else:
        u = fit.prob_at_most(year, actual)
    return float(np.clip(u, clip, 1.0 - clip))


def series_forecasts(
    series_id: str,
    years,
    values,
    unit: str,
    forecast_settings: dict,
    min_train: int = MIN_TRAIN,
    n_draws: int = 1000,
) -> list[PanelForecast]:
    """Rolling-origin forecasts of one series (see the module docstring). ``forecast_settings``:
    the settings' ``forecast`` section (tie margin, seed); ``n_draws`` for simulated models."""
    years = np.asarray(years, int)
    values = np.asarray(values, float)
    order = np.argsort(years, kind="stable")
    years, values = years[order], values[order]
    out = []
    for k in range(min_train, len(values)):
        try:
            sel = select_model(
                years[:k],
                values[:k],
                int(years[-1]),
                unit,
                forecast_settings["tie_margin"],
                forecast_settings["main_level"],
                seed=forecast_settings["seed"],
                n_draws=n_draws,
                rule=forecast_settings.get("rule", "default"),
            )
        except ModelNotApplicable:
            continue
        fit = sel.fits[sel.model]
        df = max(float(fit.df), 1.0)
        for year, actual in zip(years[k:], values[k:], strict=True):
            u = pit_of(fit, int(year), float(actual))
            out.append(
                PanelForecast(
                    series_id,
                    unit,
                    int(years[k - 1]),
                    k,
                    int(year),
                    int(year) - int(years[k - 1]),
                    float(actual),
                    u,
                    float(stats.t.ppf(u, df)),
                    df,
                    sel.model,
                    fit,
                )
            )
    return out


def panel_forecasts(series: dict, forecast_settings: dict, min_train: int = MIN_TRAIN) -> list:
    """Rolling-origin forecasts of every series: ``series`` maps an id to
    ``(years, values, unit)``. Returns the :class:`PanelForecast` list, series in id order."""
    out = []
    for series_id in sorted(series):
        years, values, unit = series[series_id]
        if len(values) > min_train:
            out += series_forecasts(series_id, years, values, unit, forecast_settings, min_train)
    return out


def shipped_series(data_dir) -> dict:
    """Every series of the data folder: ``{"geography/indicator": (years, values, unit)}``,
    sex ``total``, latest vintage (:func:`planeval.intake.observations.load_observations`)."""
    from planeval.intake.observations import list_geographies, load_observations, series_for

    out = {}
    for geography in list_geographies(data_dir):
        obs = load_observations(data_dir, geography)
        if not len(obs):
            continue
        units = obs.groupby("indicator_id")["unit"].first().to_dict()
        for indicator in sorted(obs["indicator_id"].unique()):
            s = series_for(obs, indicator)
            out[f"{geography}/{indicator}"] = (
                s.index.to_numpy(int),
                s.to_numpy(float),
                str(units[indicator]),
            )
    return out
