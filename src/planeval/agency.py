"""The reference agencies' point rules, reported beside our assessment for comparison.

Notation as in the agencies' notes: ``y0`` value in base year ``t0``, ``yt`` latest value in
year ``t``, ``target`` the target value in target year ``T``. All functions return ``None``
when their inputs do not allow the rule (non-positive values, no distance to go).
"""

from __future__ import annotations

import math

import numpy as np


def cagr(y_a: float, y_b: float, t_a: int, t_b: int) -> float | None:
    """Compound annual growth rate from ``y_a`` (year ``t_a``) to ``y_b`` (year ``t_b``), a fraction.

    ``(y_b / y_a) ** (1 / (t_b - t_a)) - 1``; e.g. 0.02 = +2 % a year.
    """
    if y_a is None or y_b is None or y_a <= 0 or y_b <= 0 or t_b == t_a:
        return None
    return (y_b / y_a) ** (1.0 / (t_b - t_a)) - 1.0


def aarr(y_a: float, y_b: float, t_a: int, t_b: int) -> float | None:
    """Annual average rate of reduction in % a year (UNICEF / UN IGME): ``-100 ln(y_b/y_a)/(t_b-t_a)``."""
    if y_a is None or y_b is None or y_a <= 0 or y_b <= 0 or t_b == t_a:
        return None
    return -100.0 * math.log(y_b / y_a) / (t_b - t_a)


def eurostat_category(ratio: float | None) -> str | None:
    """Eurostat SDG monitoring class of R = observed CAGR / required CAGR (with a numeric target).

    R >= 0.95 significant progress; 0.60–0.95 moderate; 0–0.60 insufficient; < 0 movement away.
    Source: Eurostat, *Sustainable development in the European Union, monitoring report*,
    methodological annex.
    """
    if ratio is None:
        return None
    if ratio >= 0.95:
        return "significant_progress"
    if ratio >= 0.60:
        return "moderate_progress"
    if ratio >= 0:
        return "insufficient_progress"
    return "movement_away"


def eurostat_ratio(y0, t0, yt, t, target, target_year) -> float | None:
    """Eurostat's R: observed CAGR (t0→t) divided by the CAGR required (t0→T) to reach ``target``."""
    observed = cagr(y0, yt, t0, t)
    required = cagr(y0, target, t0, target_year)
    if observed is None or required is None or required == 0:
        return None
    return observed / required


def escap_weighted_forecast(years, values, target_year: int) -> float | None:
    """ESCAP-style forecast: linear regression with weights rising in time (1, 2, ..., n).

    UN ESCAP, *Asia and the Pacific SDG Progress Report*, technical notes: the anticipated value
    comes from a time-weighted regression so recent years weigh more.
    """
    years = np.asarray(years, float)
    values = np.asarray(values, float)
    if len(values) < 2:
        return None
    order = np.argsort(years)
    years, values = years[order], values[order]
    w = np.arange(1, len(values) + 1, dtype=float)
    slope, intercept = np.polyfit(years, values, 1, w=np.sqrt(w))
    return float(intercept + slope * target_year)


def escap_index(y0, target, forecast_value) -> float | None:
    """ESCAP anticipated progress index ``(ŷT - y0) / (target - y0)``; >= 1 maintain progress,
    0–1 accelerate, < 0 reverse trend."""
    if y0 is None or forecast_value is None or target == y0:
        return None
    return (forecast_value - y0) / (target - y0)


def escap_category(index: float | None) -> str | None:
    if index is None:
        return None
    if index >= 1:
        return "maintain_progress"
    if index >= 0:
        return "accelerate"
    return "reverse_trend"


def unicef_required_aarr(yt: float, t: int, target: float, target_year: int) -> float | None:
    """AARR (% a year) needed from the latest value to reach ``target`` (UNICEF/UN IGME)."""
    return aarr(yt, target, t, target_year)


def unicef_category(yt, observed_aarr, required_aarr, target) -> str | None:
    """UNICEF / UN IGME: achieved if ``yt <= target``; on track if observed AARR >= required;
    otherwise acceleration needed."""
    if yt is None:
        return None
    if yt <= target:
        return "achieved"
    if observed_aarr is None or required_aarr is None:
        return None
    return "on_track" if observed_aarr >= required_aarr else "acceleration_needed"
