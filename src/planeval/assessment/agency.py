"""The reference agencies' point rules, reported beside our assessment for comparison.

Notation as in the agencies' notes (``../shared/methods.md``): ``y0`` value in base year ``t0``,
``yt`` latest value in year ``t``, ``target`` the target value in target year ``T``. All
functions return ``None`` when their inputs do not allow the rule (non-positive values for a
growth rate, no distance to go, too few points). Rates are fractions (``cagr``) or % a year
(``aarr``) as stated per function.

Sources (:data:`SOURCES` holds the labels printed next to each figure):

* Eurostat, *Sustainable development in the European Union — monitoring report on progress
  towards the SDGs in an EU context*, methodological annex ("Assessing progress").
* UN ESCAP, *Asia and the Pacific SDG Progress Report*, technical notes (current status index,
  anticipated progress index); ESCAP Statistics Division working paper SD/WP/04 (2017) on
  time-weighted extrapolation.
* UNICEF / UN IGME, *Levels and trends in child mortality* (annual report): AARR and the
  "on track" rule for SDG 3.2.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import statsmodels.api as sm

from planeval.core.settings import default_settings

SOURCES = {
    "eurostat": "Eurostat, EU SDG monitoring report, methodological annex (CAGR ratio rule)",
    "escap": "UN ESCAP, Asia and the Pacific SDG Progress Report, technical notes "
    "(anticipated progress index; time-weighted linear regression)",
    "unicef": "UNICEF / UN IGME, Levels and trends in child mortality (observed vs required AARR)",
}


def cagr(y_a: float, y_b: float, t_a: int, t_b: int) -> float | None:
    """Compound annual growth rate from ``y_a`` (year ``t_a``) to ``y_b`` (year ``t_b``).

    A fraction:
    ``(y_b / y_a) ** (1 / (t_b - t_a)) - 1``; e.g. 0.02 = +2 % a year.
    """
    if y_a is None or y_b is None or y_a <= 0 or y_b <= 0 or t_b == t_a:
        return None
    return (y_b / y_a) ** (1.0 / (t_b - t_a)) - 1.0


def aarr(y_a: float, y_b: float, t_a: int, t_b: int) -> float | None:
    """Annual average rate of reduction in % a year (UNICEF / UN IGME):
    ``-100 ln(y_b / y_a) / (t_b - t_a)``; positive when the rate falls."""
    if y_a is None or y_b is None or y_a <= 0 or y_b <= 0 or t_b == t_a:
        return None
    return -100.0 * math.log(y_b / y_a) / (t_b - t_a)


@cache
def _default_cuts() -> dict:
    return default_settings()["agency"]


def eurostat_category(ratio: float | None, cuts: dict | None = None) -> str | None:
    """Eurostat SDG monitoring class of R = observed CAGR / required CAGR (with a numeric target).

    With the published cut-offs (settings ``agency``: ``eurostat_significant_min`` 0.95,
    ``eurostat_moderate_min`` 0.60, ``eurostat_insufficient_min`` 0): R >= 0.95 significant
    progress; 0.60–0.95 moderate; 0–0.60 insufficient; < 0 movement away. ``cuts``: the
    settings' ``agency`` section (default: the package's settings).
    """
    if ratio is None:
        return None
    cuts = cuts or _default_cuts()
    if ratio >= cuts["eurostat_significant_min"]:
        return "significant_progress"
    if ratio >= cuts["eurostat_moderate_min"]:
        return "moderate_progress"
    if ratio >= cuts["eurostat_insufficient_min"]:
        return "insufficient_progress"
    return "movement_away"


#: Stand-in for a value of exactly 0 in a growth rate (Open SDG sdg-build's progress measure
#: replaces a zero target or base value by 0.001 so that the CAGR exists).
ZERO_STAND_IN = 0.001


def eurostat_ratio(y0, t0, yt, t, target, target_year, direction: int = 0) -> float | None:
    """Eurostat's R: observed CAGR (t0→t) divided by the CAGR required (t0→T) to reach
    ``target``.

    With ``direction`` (+1 a rise is desired, −1 a fall) the direction-aware ratio of Open SDG's
    sdg-build progress measure (``sdg/ProgressMeasure.py``, ``methodology_2``):
    ``R = direction · CAGR_observed / |CAGR_required|``, with a zero target or base value
    replaced by 0.001 — defined also when the base value is already past the target, and
    negative whenever the indicator moved the wrong way."""
    if direction:
        y0 = ZERO_STAND_IN if y0 == 0 else y0
        target = ZERO_STAND_IN if target == 0 else target
    observed = cagr(y0, yt, t0, t)
    required = cagr(y0, target, t0, target_year)
    if observed is None or required is None or required == 0:
        return None
    if direction:
        return direction * observed / abs(required)
    return observed / required


def eurostat_no_target_category(y0, t0, yt, t, sign: int, cuts: dict | None = None) -> str | None:
    """Eurostat class for an indicator without a numeric target, from the direction-adjusted CAGR
    (``sign`` = +1 when an increase is desired, −1 for a decrease), in % a year, with the
    published ±1 % (settings ``agency.eurostat_no_target_pct``):
    ≥ 1 significant progress; 0..1 moderate progress; −1..0 moderate movement away;
    < −1 significant movement away."""
    rate = cagr(y0, yt, t0, t)
    if rate is None or sign == 0:
        return None
    limit = (cuts or _default_cuts())["eurostat_no_target_pct"]
    adjusted = 100.0 * rate * sign
    if adjusted >= limit:
        return "significant_progress"
    if adjusted >= 0:
        return "moderate_progress"
    if adjusted > -limit:
        return "moderate_movement_away"
    return "significant_movement_away"


def escap_weights(n: int) -> np.ndarray:
    """Time weights of the ESCAP-style regression: 1, 2, …, n (oldest to latest)."""
    return np.arange(1, n + 1, dtype=float)


def escap_weighted_forecast(
    years, values, target_year: int, bounds: tuple[float, float] = (-math.inf, math.inf)
) -> float | None:
    """ESCAP-style forecast: weighted least squares of value on year with weights rising in time
    (:func:`escap_weights`), extrapolated to ``target_year``. Needs 2 points.

    ESCAP's technical notes say only that recent years weigh more; the linear 1…n weights are
    our choice (documented in docs/method.md), not ESCAP's published weights. The straight line
    is cut at the indicator's natural ``bounds`` (no negative rate, no share above 100 %).
    """
    years = np.asarray(years, float)
    values = np.asarray(values, float)
    if len(values) < 2:
        return None
    order = np.argsort(years)
    years, values = years[order], values[order]
    x = sm.add_constant(years - years[-1])
    res = sm.WLS(values, x, weights=escap_weights(len(values))).fit()
    value = float(res.params[0] + res.params[1] * (target_year - years[-1]))
    return float(min(max(value, bounds[0]), bounds[1]))


def escap_index(y0, target, forecast_value) -> float | None:
    """ESCAP anticipated progress index ``(ŷT - y0) / (target - y0)``; >= 1 maintain progress,
    0–1 accelerate, < 0 reverse trend."""
    if y0 is None or forecast_value is None or target is None or target == y0:
        return None
    return (forecast_value - y0) / (target - y0)


def escap_current_status(y0, yt, target) -> float | None:
    """ESCAP current status index ``(yt - y0) / (target - y0)``: share of the way covered."""
    if y0 is None or yt is None or target is None or target == y0:
        return None
    return (yt - y0) / (target - y0)


def escap_category(index: float | None, cuts: dict | None = None) -> str | None:
    """ESCAP class of the anticipated progress index (settings ``agency``:
    ``escap_maintain_min`` 1, ``escap_accelerate_min`` 0): >= 1 maintain progress, 0–1
    accelerate, < 0 reverse trend."""
    if index is None:
        return None
    cuts = cuts or _default_cuts()
    if index >= cuts["escap_maintain_min"]:
        return "maintain_progress"
    if index >= cuts["escap_accelerate_min"]:
        return "accelerate"
    return "reverse_trend"


def unicef_required_aarr(yt: float, t: int, target: float, target_year: int) -> float | None:
    """AARR (% a year) needed from the latest value to reach ``target`` (UNICEF/UN IGME):
    ``-100 ln(target / yt) / (T - t)``.

    ``None`` when the latest value already meets the target (``yt <= target``): no reduction
    is needed, and the formula would give a negative "required" rate (e.g. −3.4 %/yr for
    5.6 ‰ against a 6.0 ‰ target), which reads as a permitted rise, not a requirement; the
    UNICEF category is then ``achieved``. Also ``None`` when a value is not positive or
    ``T == t`` (see :func:`aarr`)."""
    if yt is not None and target is not None and yt <= target:
        return None
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
