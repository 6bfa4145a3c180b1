"""Signals reported beside the status: the direction wanted, the change of the trend (t test of
the linear slope), volatility and the early warning (预警). Thresholds from the settings'
``change``, ``volatility`` and ``early_warning`` sections."""

from __future__ import annotations

import numpy as np
import statsmodels.api as sm
from scipy import stats

from planeval.assessment.results import IndicatorAssessment
from planeval.plans.catalogue import Target


def desired_sign(target: Target, latest: float | None) -> int:
    """+1 when a rise is desired, −1 for a fall, 0 when no direction can be read.

    An "about" target wants a move toward its value only from outside its band: inside the
    band (value ± tolerance) any small move keeps the target met, so no direction is desired
    (a share of 41.7 % rising toward 42 under "about 40 % ± 2" is not a worsening trend)."""
    if target.direction == "increase":
        return 1
    if target.direction == "decrease":
        return -1
    if target.target_type == "about" and latest is not None and target.target_value is not None:
        if abs(latest - target.target_value) <= target.about_tolerance:
            return 0
        return int(np.sign(target.target_value - latest))
    if target.target_type == "relative_change" and target.target_value:
        return int(np.sign(target.target_value))
    return 0


def linear_slope(years, values) -> tuple[float, float, float, int] | None:
    """(slope per year, its SE, two-sided p, df) of OLS value ~ year; None with < 3 points."""
    if len(values) < 3:
        return None
    x = sm.add_constant(np.asarray(years, float) - years[0])
    res = sm.OLS(np.asarray(values, float), x).fit()
    slope, se = float(res.params[1]), float(res.bse[1])
    if se > 0:
        p = float(res.pvalues[1])
    else:  # exact straight line: the slope is known without error
        p = 0.0 if slope != 0 else 1.0
    return slope, se, p, int(res.df_resid)


def p_slope_sign(slope: float, se: float, df: int, sign: int) -> float:
    """P(true slope has ``sign``) under the t distribution of (β − β̂)/se (flat-prior posterior)."""
    if se == 0:
        return float(np.sign(slope) == sign)
    t = slope / se
    return float(stats.t.cdf(t, df)) if sign > 0 else float(stats.t.sf(t, df))


def assess_change(a: IndicatorAssessment, years, values, sign: int, alpha: float) -> int | None:
    """Set ``a.change`` (improving / flat / worsening) and the slope fields from a two-sided t
    test of the OLS slope at level ``alpha``; record it in ``a.audit["change"]``. Returns the
    slope's degrees of freedom (None with fewer than 3 observations)."""
    slope = linear_slope(years, values)
    if slope is None:
        a.audit["change"] = {"result": None, "reason": "fewer than 3 observations"}
        return None
    a.slope, a.slope_se, a.slope_p, slope_df = slope
    if not a.slope_p < alpha or sign == 0:  # a NaN p-value is not significant
        a.change = "flat"
    else:
        a.change = "improving" if np.sign(a.slope) == sign else "worsening"
    a.audit["change"] = {
        "test": "two-sided t test of the OLS slope of value on year (all points used)",
        "slope_per_year": a.slope,
        "se": a.slope_se,
        "df": slope_df,
        "p_value": a.slope_p,
        "alpha": alpha,
        "desired_sign": sign,
        "result": a.change,
    }
    return slope_df


def volatility(years, values, cfg: dict) -> tuple[bool, str]:
    """Volatile: year-to-year swings large against the trend.

    Volatile when n >= ``min_observations``, the year-to-year changes switch sign at least
    ``min_sign_changes`` times, and the residual SD of the linear trend exceeds both
    ``residual_to_slope`` × |slope per year| and ``min_relative_sd`` × |mean level|.
    """
    n = len(values)
    if n < cfg["min_observations"]:
        return False, f"{n} observations < {cfg['min_observations']}: no volatility verdict"
    values = np.asarray(values, float)
    diffs = np.diff(values)
    signs = np.sign(diffs[diffs != 0])
    sign_changes = int(np.sum(signs[1:] != signs[:-1]))
    res = sm.OLS(values, sm.add_constant(np.asarray(years, float) - years[0])).fit()
    resid_sd = float(np.sqrt(res.scale))
    slope = abs(float(res.params[1]))
    level = abs(float(values.mean()))
    volatile = (
        sign_changes >= cfg["min_sign_changes"]
        and resid_sd > cfg["residual_to_slope"] * slope
        and resid_sd > cfg["min_relative_sd"] * level
    )
    rule = (
        f"{sign_changes} sign changes of the year-to-year change (need >= "
        f"{cfg['min_sign_changes']}); residual SD {resid_sd:.3g} vs {cfg['residual_to_slope']:g} × "
        f"|slope| {slope:.3g}/yr and {cfg['min_relative_sd']:.0%} of level {level:.3g}"
    )
    return bool(volatile), rule


def early_warning(a: IndicatorAssessment, settings: dict) -> None:
    """Set ``a.warning_reasons`` and ``a.early_warning`` (预警): at risk or off track, a
    significantly worsening trend, volatile, or achieved with a forecast that falls back
    (``p_attain`` below ``early_warning.fall_back_max_p``)."""
    reasons = []
    if a.status in ("at_risk", "off_track"):
        reasons.append(a.status)
    if a.change == "worsening":
        reasons.append("worsening")
    if a.volatile:
        reasons.append("volatile")
    fall_back = settings.get("early_warning", {}).get("fall_back_max_p", 0.5)
    if a.status == "achieved" and a.p_attain is not None and a.p_attain < fall_back:
        reasons.append("forecast_falls_back")
    a.warning_reasons = reasons
    a.early_warning = bool(reasons)
    a.audit["early_warning"] = {
        "reasons": reasons,
        "rule": "at_risk or off_track, or worsening, or volatile, or achieved with p_attain < "
        f"{fall_back} (forecast falls back)",
    }
