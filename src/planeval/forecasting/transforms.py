"""Scales a trend model is fitted on (identity, log, logit for %) and the way back.

Every model is fitted on a *transformed* scale and back-transformed, so that a bounded
indicator stays inside its bounds: ``log`` keeps rates and counts positive, the logit of a
percentage ``log(p / (100 − p))`` keeps it inside (0, 100). The transforms are monotone, so
quantiles and threshold probabilities carry over to the indicator scale exactly.

Also here: the rounding resolution of published values and the rounding floor of the residual
variance (published figures are rounded; a series constant after rounding must not get a
zero-width interval), and the treatment of % series with a value at exactly 0 or 100.
"""

from __future__ import annotations

import numpy as np

#: Units of rates per 1,000 and per 100,000 (the drift model works on their log scale).
RATE_UNITS = ("‰", "1/10万")
#: Units of counts (never negative): forecasts and intervals are cut at 0.
COUNT_UNITS = ("人", "个", "所", "家", "次", "万个", "万人", "亿人")


def _identity(y):
    return np.asarray(y, float)


def _logit_pct(y):
    p = np.asarray(y, float) / 100.0
    return np.log(p / (1.0 - p))


def _inv_logit_pct(z):
    return 100.0 / (1.0 + np.exp(-np.asarray(z, float)))


#: ``scale → (forward, inverse)``.
TRANSFORMS = {
    "identity": (_identity, _identity),
    "log": (np.log, np.exp),
    "logit": (_logit_pct, _inv_logit_pct),
}
#: Derivative of each transform (for the rounding floor, delta method).
DERIVATIVE = {
    "identity": lambda y: np.ones_like(np.asarray(y, float)),
    "log": lambda y: 1.0 / np.asarray(y, float),
    "logit": lambda y: 100.0 / (np.asarray(y, float) * (100.0 - np.asarray(y, float))),
}


def forward(scale: str, y):
    """Indicator values ``y`` on the model ``scale`` (no warning at the domain's edge)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return TRANSFORMS[scale][0](y)


def inverse(scale: str, z):
    """Model-scale values ``z`` back on the indicator's scale."""
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


def in_closed_pct(values) -> bool:
    """True for a non-empty series with every value within [0, 100]."""
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
    return unit == "%" and in_closed_pct(values) and bool(np.any((values == 0) | (values == 100)))


def bounded_pct(values, unit: str) -> bool:
    """A % series strictly usable on the logit scale: within [0, 100], no value at a bound."""
    return (
        unit == "%"
        and values is not None
        and in_closed_pct(values)
        and not at_pct_bound(values, unit)
    )


def squeeze_pct(values, resolution: float) -> np.ndarray:
    """Move values at exactly 0 or 100 half a resolution inside (never past an interior value)."""
    values = np.asarray(values, float).copy()
    interior = values[(values > 0) & (values < 100)]
    eps = resolution / 2.0
    if len(interior):
        eps = min(eps, interior.min() / 2.0, (100.0 - interior.max()) / 2.0)
    values[values <= 0] = eps
    values[values >= 100] = 100.0 - eps
    return values


#: Plausible range of a rate in ‰ or 1/10万: a forecast, interval bound or draw is never above
#: this multiple of the largest observed value, nor (all values positive) below the smallest
#: observed value divided by it (docs/method.md §2, "Plausible range"). A plan period is 5–10
#: years; a rate halving below its lowest value or doubling above its highest in that time is
#: at the edge of what official series show (the fastest national AARRs, 7 %/yr, halve a rate
#: in ten years), while a t(1) interval from three values on the log scale reached 545 ‰ for
#: an under-5 mortality of 5–8 ‰ and a four-value log drift forecast 0.001 per 100,000. Mass
#: beyond a bound sits at the bound, so the probability of meeting a target inside the range
#: is unchanged.
PLAUSIBLE_RATE_RATIO = 2.0


def bounds_of(unit: str, values, scale: str) -> tuple[float, float]:
    """(lower, upper) bound of forecasts on the indicator scale: 0–100 for %, ≥ 0 for rates,
    counts and anything fitted on the log scale, else unbounded; a rate in ‰ or 1/10万 at most
    :data:`PLAUSIBLE_RATE_RATIO` × its largest observed value (and never above 1000 ‰ or
    100,000 per 100,000, the intake's limits) and, when every value is positive, at least its
    smallest value ÷ :data:`PLAUSIBLE_RATE_RATIO` (a falling rate is never forecast at 0)."""
    from planeval.intake.schema import RATE_MAXIMUM

    values = np.asarray(values, float)
    upper = 100.0 if unit == "%" and np.all(values <= 100) else np.inf
    if unit in RATE_MAXIMUM:
        largest = float(np.max(values)) if len(values) else 0.0
        cap = PLAUSIBLE_RATE_RATIO * largest if largest > 0 else np.inf
        upper = min(RATE_MAXIMUM[unit], cap)
    lower = 0.0 if unit in ("%", *RATE_UNITS, *COUNT_UNITS) or scale == "log" else -np.inf
    if unit in RATE_MAXIMUM and len(values) and np.all(values > 0):
        lower = float(np.min(values)) / PLAUSIBLE_RATE_RATIO
    return lower, upper


def rounding_floor(
    scale: str, values, resolution: float, lower: float = -np.inf, upper: float = np.inf
) -> float:
    """Variance of the rounding error ``r²/12`` carried to the model scale (delta method).

    A value published at a bound (0, or 100 for %) can only have been rounded from one side
    (a true 99.7 % rounds to 100, a true 100.3 % does not exist): its rounding error is
    uniform on a width of ``r/2``, variance ``r²/48``."""
    values = np.asarray(values, float)
    deriv = DERIVATIVE[scale](values)
    at_bound = (values <= lower) | (values >= upper)
    var = np.where(at_bound, resolution**2 / 48.0, resolution**2 / 12.0)
    return float(np.mean(var * deriv**2))
