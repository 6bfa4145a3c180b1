"""Random walk with drift: the latest value plus the average change per year — the statistical
model behind the agencies' two-endpoint growth rates, and the *reference* of the selection.

``z_t = z_{t−1} + d + ε_t`` (``ε_t ~ N(0, σ²)``; with a gap of g years the increment has
variance gσ²) on the logit scale for % inside (0, 100), the log scale for ‰ and 1/10万, else
on y. ``d̂ = (z_last − z_first) / span`` and ``s² = Σ (Δz − d̂Δt)² / Δt / (m − 1)`` from its m
increments; ``h`` years ahead the forecast is ``z_last + h d̂`` with predictive variance
``s² (h + h² / span)`` and ``m − 1`` degrees of freedom (ARIMA(0,1,0) with drift; Hyndman &
Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., §5.2 and §9.8).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from planeval.forecasting import transforms as tf
from planeval.forecasting.base import TrendFit, TrendModel


@dataclass
class DriftFit(TrendFit):
    """A fitted random walk with drift (``params``: ``drift``, ``span``, ``last_year``)."""

    def _t_dist(self, year: int) -> tuple[float, float, float]:
        """``h`` years after the last observation: ``z_last + h d̂``, ``s · sqrt(h + h² / span)``
        and ``m − 1``; at an observed year the observation itself (scale 0); between two
        observations the Brownian bridge."""
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

    def fitted(self, years=None) -> np.ndarray:
        years = self.years if years is None else np.atleast_1d(years)
        means = [self._t_dist(int(y))[0] for y in years]
        return self._clip(tf.inverse(self.scale, np.asarray(means, float)))

    def _draws(self, years, n: int | None = None) -> np.ndarray:
        """Joint paths: d ~ N(d̂, σ²/span), z_{t+1} = z_t + d + ε_t, ε_t ~ N(0, σ²)."""
        years, rng, sigma2 = self._draw_start(years, n)
        n, last = len(sigma2), int(self.years[-1])
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
                mean, scale, _ = self._t_dist(int(y))
                out[:, j] = mean + scale * rng.standard_normal(n)
        return self._clip(tf.inverse(self.scale, out))


class DriftModel(TrendModel):
    """Random walk with drift (see the module docstring)."""

    name = "drift"
    fit_class = DriftFit

    @classmethod
    def scale_for(cls, unit: str, values) -> str:
        if tf.bounded_pct(values, unit):
            return "logit"
        if unit in tf.RATE_UNITS and values is not None:
            if np.all(np.asarray(values, float) > 0):
                return "log"
        return "identity"

    def _estimate(self, fit: DriftFit, floor: float) -> tuple[float, float]:
        years, z = fit.years, fit._z
        dt, dz = np.diff(years).astype(float), np.diff(z)
        span = float(years[-1] - years[0])
        drift = float((z[-1] - z[0]) / span)
        m = len(dz)
        fit.params.update({"drift": drift, "span": span, "last_year": float(years[-1])})
        fit.df = float(m - 1)
        s2 = float(np.sum((dz - drift * dt) ** 2 / dt) / (m - 1)) if m > 1 else float("nan")
        return s2, 2.0 * floor  # an increment is the difference of two rounded values
