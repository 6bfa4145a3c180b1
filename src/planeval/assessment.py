"""Target attainment: for each target, forecast, probability of attainment, status and warnings.

The rules (thresholds from ``data/config/assessment.yaml``):

* ``achieved`` (已达标): the latest value in the plan period meets the target; for ``maintain_*``
  and ``zero_events`` every observed year of the plan period does.
* otherwise ``insufficient_data`` (数据不足) with fewer than ``min_observations`` values, or none
  in the plan period;
* otherwise by ``p_attain``, the probability that the target is met under the chosen model's
  predictive distribution: ``on_track`` (有望达标) ≥ 0.75 > ``at_risk`` (存在风险) ≥ 0.25 >
  ``off_track`` (难以达标).

Independently: ``change`` (improving / flat / worsening by a t test of the linear trend slope),
``volatile``, ``early_warning`` (预警), the mid-term path position, the agencies' figures and a
sensitivity flag for leaving out one flagged year. Every decision is kept in ``audit``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from . import agency
from .catalogue import Plan, Target
from .config import load_settings
from .models import ModelNotApplicable, fit_model, select_model
from .observations import series_for

STATUSES = ("achieved", "on_track", "at_risk", "off_track", "insufficient_data", "not_assessed")
#: Columns of ``planeval assess`` output, in order.
ASSESS_COLUMNS = [
    "indicator_id",
    "n_obs",
    "latest_year",
    "latest_value",
    "model",
    "forecast_year",
    "forecast",
    "pi_low",
    "pi_high",
    "p_attain",
    "status",
    "change",
    "early_warning",
]
MORTALITY_UNITS = ("‰", "1/10万")


@dataclass
class IndicatorAssessment:
    """Assessment of one target for one geography with data up to ``data_year``.

    Values are in the indicator's ``unit``; ``p_attain`` is a probability in [0, 1];
    ``pi_low``/``pi_high`` bound the 95 % prediction interval of ``forecast`` (the median
    forecast for ``forecast_year``); ``pi80_*`` the 80 % interval.
    """

    indicator_id: str
    name_zh: str
    name_en: str
    domain: str
    item: str
    unit: str
    direction: str
    target_type: str
    target_value: float | None
    target_year: int
    target_level: float | None = None
    target_sense: str | None = None  # ">=", "<=", "band" or None
    band_low: float | None = None
    band_high: float | None = None
    baseline_year: int | None = None
    baseline_value: float | None = None
    baseline_source: str = ""
    n_obs: int = 0
    years: list = field(default_factory=list)
    values: list = field(default_factory=list)
    latest_year: int | None = None
    latest_value: float | None = None
    previous_year: int | None = None
    previous_value: float | None = None
    model: str | None = None
    model_reason: str = ""
    forecast_year: int | None = None
    forecast: float | None = None
    pi_low: float | None = None
    pi_high: float | None = None
    pi80_low: float | None = None
    pi80_high: float | None = None
    p_attain: float | None = None
    status: str = "insufficient_data"
    status_rule: str = ""
    change: str | None = None
    slope: float | None = None
    slope_p: float | None = None
    volatile: bool = False
    volatility_rule: str = ""
    early_warning: bool = False
    warning_reasons: list = field(default_factory=list)
    path_value: float | None = None
    path_position: str | None = None
    eurostat_ratio: float | None = None
    eurostat_category: str | None = None
    escap_forecast: float | None = None
    escap_index: float | None = None
    escap_category: str | None = None
    aarr_observed: float | None = None
    aarr_required: float | None = None
    unicef_category: str | None = None
    sensitivity_year: int | None = None
    status_without_flagged: str | None = None
    sensitivity_changed: bool = False
    candidates: dict = field(default_factory=dict)
    cv_error: dict = field(default_factory=dict)
    account: str = ""
    sex_disaggregated: bool = False

    def meets(self, value: float | None) -> bool | None:
        """Whether ``value`` meets the numeric target (None when the target has no level)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if self.target_sense == ">=":
            return value >= self.target_level - 1e-12
        if self.target_sense == "<=":
            return value <= self.target_level + 1e-12
        if self.target_sense == "band":
            return self.band_low - 1e-12 <= value <= self.band_high + 1e-12
        return None

    def to_row(self) -> dict:
        return {k: getattr(self, k) for k in ASSESS_COLUMNS}


@dataclass
class Assessment:
    """All targets of a plan assessed for one geography and data year.

    ``results`` are in the plan's order. ``to_frame()`` gives one row per indicator with the
    :data:`ASSESS_COLUMNS` first and every other field after.
    """

    plan: Plan
    geography: str
    data_year: int
    settings: dict
    results: list[IndicatorAssessment]
    observations: pd.DataFrame | None = None

    def to_frame(self, columns: list[str] | None = None) -> pd.DataFrame:
        rows = [asdict(r) for r in self.results]
        frame = pd.DataFrame(rows)
        if frame.empty:
            return pd.DataFrame(columns=columns or ASSESS_COLUMNS)
        order = ASSESS_COLUMNS + [c for c in frame.columns if c not in ASSESS_COLUMNS]
        return frame[columns or order]

    def __getitem__(self, indicator_id: str) -> IndicatorAssessment:
        for r in self.results:
            if r.indicator_id == indicator_id:
                return r
        raise KeyError(indicator_id)

    def counts(self) -> pd.Series:
        return pd.Series([r.status for r in self.results]).value_counts().reindex(STATUSES, fill_value=0)


# --------------------------------------------------------------------------- helpers
def _desired_sign(target: Target, latest: float | None) -> int:
    if target.direction == "increase":
        return 1
    if target.direction == "decrease":
        return -1
    if target.target_type == "about" and latest is not None and target.target_value is not None:
        return int(np.sign(target.target_value - latest))
    return 0


def _linear_slope(years, values) -> tuple[float, float, float] | None:
    """(slope, se, two-sided p) of OLS value ~ year, or None with fewer than 3 points."""
    if len(values) < 3:
        return None
    res = sm.OLS(np.asarray(values, float), sm.add_constant(np.asarray(years, float) - years[0])).fit()
    se = float(res.bse[1])
    p = float(res.pvalues[1]) if se > 0 else (0.0 if res.params[1] != 0 else 1.0)
    return float(res.params[1]), se, p


def _p_slope_sign(slope: float, se: float, df: int, sign: int) -> float:
    """P(true slope has ``sign``) under the t sampling distribution (flat-prior posterior)."""
    if se == 0:
        return float(np.sign(slope) == sign)
    t = slope / se
    return float(stats.t.cdf(t, df)) if sign > 0 else float(stats.t.sf(t, df))


def _volatility(years, values, cfg) -> tuple[bool, str]:
    """Volatile: swings large against the trend (definition in data/config/assessment.yaml).

    Volatile when n >= min_observations, the year-to-year changes switch sign at least
    ``min_sign_changes`` times, and the residual SD of the linear trend exceeds both
    ``residual_to_slope`` × |slope per year| and ``min_relative_sd`` × |mean level|.
    """
    n = len(values)
    if n < cfg["min_observations"]:
        return False, f"fewer than {cfg['min_observations']} observations"
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
        f"{sign_changes} sign changes of year-to-year change; residual SD {resid_sd:.3g} vs "
        f"|slope| {slope:.3g}/yr and {cfg['min_relative_sd']:.0%} of level {level:.3g}"
    )
    return bool(volatile), rule


def _target_level(target: Target, obs_years, obs_values) -> tuple[float | None, str | None, tuple, str]:
    """Numeric threshold, sense, band and a note on the baseline used for relative targets."""
    tt = target.target_type
    if tt in ("at_least", "maintain_at_least", "count_at_least"):
        return target.target_value, ">=", (None, None), ""
    if tt in ("at_most", "maintain_at_most"):
        return target.target_value, "<=", (None, None), ""
    if tt == "about":
        tol = target.about_tolerance
        return target.target_value, "band", (target.target_value - tol, target.target_value + tol), ""
    if tt == "relative_change":
        base = target.baseline_value
        note = "plan"
        if base is None:
            lookup = dict(zip(obs_years, obs_values))
            base = lookup.get(target.baseline_year)
            note = f"observed {target.baseline_year}"
        if base is None:
            return None, None, (None, None), f"no value for base year {target.baseline_year}"
        level = base * (1 + target.target_value / 100.0)
        return level, ("<=" if target.target_value < 0 else ">="), (None, None), note
    return None, None, (None, None), ""


def _p_for_level(fit, a: IndicatorAssessment, years_ahead: list[int]) -> float:
    """Probability of attainment for numeric targets from a fitted model."""
    T = a.target_year
    tt = a.target_type
    if tt in ("maintain_at_least", "maintain_at_most") and len(years_ahead) > 1:
        draws = fit.draws(years_ahead)
        ok = draws >= a.target_level if a.target_sense == ">=" else draws <= a.target_level
        return float(np.mean(ok.all(axis=1)))
    if a.target_sense == ">=":
        return fit.prob_at_least(T, a.target_level)
    if a.target_sense == "<=":
        return fit.prob_at_most(T, a.target_level)
    if a.target_sense == "band":
        return max(0.0, fit.prob_at_least(T, a.band_low) - fit.prob_at_least(T, a.band_high))
    return float("nan")


# --------------------------------------------------------------------------- main rule
def assess_target(
    target: Target,
    years,
    values,
    data_year: int,
    period: tuple[int, int],
    settings: dict,
    account: str = "",
    sensitivity: bool = True,
    use_plan_baseline: bool = True,
) -> IndicatorAssessment:
    """Assess one target from its observed series (``years`` ints, ``values`` floats, unit of
    the target), using only data up to ``data_year``. ``period`` is the plan period
    ``(start, end)``. ``use_plan_baseline``: take the plan's stated baseline value (true only
    for the plan's own geography; another geography's baseline is its own observation in the
    base year). See the module docstring for the rules.
    """
    if not use_plan_baseline and target.baseline_value is not None:
        target = replace(target, baseline_value=None)
    years = np.asarray(years, int)
    values = np.asarray(values, float)
    keep = years <= data_year
    years, values = years[keep], values[keep]
    order = np.argsort(years)
    years, values = years[order], values[order]
    st = settings["status"]
    fc = settings["forecast"]
    a = IndicatorAssessment(
        indicator_id=target.indicator_id, name_zh=target.name_zh, name_en=target.name_en,
        domain=target.domain, item=target.item, unit=target.unit, direction=target.direction,
        target_type=target.target_type, target_value=target.target_value,
        target_year=target.target_year, n_obs=len(values), years=years.tolist(),
        values=values.tolist(), account=account, sex_disaggregated=target.sex_disaggregated,
    )
    if target.target_type == "not_statistical":
        a.status, a.status_rule = "not_assessed", "not_statistical: assessed from the department's written account"
        return a
    if len(values):
        a.latest_year, a.latest_value = int(years[-1]), float(values[-1])
    if len(values) > 1:
        a.previous_year, a.previous_value = int(years[-2]), float(values[-2])
    level, sense, band, base_note = _target_level(target, years.tolist(), values.tolist())
    a.target_level, a.target_sense = level, sense
    a.band_low, a.band_high = band
    # baseline for path and agency figures: the plan's, else the last value before the period
    if target.baseline_value is not None:
        a.baseline_year, a.baseline_value, a.baseline_source = target.baseline_year, target.baseline_value, "plan"
    else:
        before = years < period[0]
        if before.any():
            a.baseline_year, a.baseline_value = int(years[before][-1]), float(values[before][-1])
            a.baseline_source = "observed"
        if target.target_type == "relative_change" and base_note.startswith("observed"):
            a.baseline_source = "observed (plan base year)"
    in_period = (years >= period[0]) & (years <= period[1])
    min_obs = st["min_observations"]
    # change, volatility
    sign = _desired_sign(target, a.latest_value)
    slope = _linear_slope(years, values)
    if slope is not None:
        a.slope, _, a.slope_p = slope
        significant = a.slope_p < settings["change"]["alpha"]
        if not significant or sign == 0:
            a.change = "flat"
        else:
            a.change = "improving" if np.sign(a.slope) == sign else "worsening"
    a.volatile, a.volatility_rule = _volatility(years, values, settings["volatility"])

    # forecast with the selected model (numeric and direction targets alike)
    fit = None
    if len(values) >= min_obs:
        try:
            sel = select_model(years, values, target.target_year, target.unit, fc["tie_margin"], fc["main_level"])
            fit = sel.fits[sel.model]
            fit.seed = fc["seed"]
            a.model, a.model_reason = sel.model, sel.reason
            a.cv_error = {k: float(v) for k, v in sel.cv_error.items()}
            a.candidates = {k: asdict(v) for k, v in sel.candidates.items()}
            f95 = fit.predict(target.target_year, fc["main_level"])
            f80 = fit.predict(target.target_year, min(fc["levels"]))
            a.forecast_year, a.forecast, a.pi_low, a.pi_high = f95.year, f95.value, f95.low, f95.high
            a.pi80_low, a.pi80_high = f80.low, f80.high
        except ModelNotApplicable as exc:
            a.model_reason = str(exc)

    tt = target.target_type
    observed_in_period = values[in_period]
    # ---- status
    if not in_period.any():
        a.status, a.status_rule = "insufficient_data", f"no observation in the plan period {period[0]}–{period[1]}"
    elif tt == "zero_events":
        bad = [int(y) for y, v in zip(years[in_period], observed_in_period) if v > 0]
        a.status = "off_track" if bad else "achieved"
        a.status_rule = f"events in {bad}" if bad else "no event in any observed year of the plan period"
    elif sense is None and tt in ("relative_change",):
        a.status, a.status_rule = "insufficient_data", f"relative_change: {base_note}"
    elif sense is not None:
        if tt.startswith("maintain"):
            failing = [int(y) for y, v in zip(years[in_period], observed_in_period) if not a.meets(float(v))]
            achieved = not failing
            rule_ach = "every observed year of the plan period meets the target"
        else:
            achieved = bool(a.meets(a.latest_value))
            failing = []
            rule_ach = f"latest value {a.latest_value:g} ({a.latest_year}) meets {sense} {level:g}" if sense != "band" \
                else f"latest value {a.latest_value:g} within {band[0]:g}–{band[1]:g}"
        remaining = [y for y in range(int(a.latest_year) + 1, target.target_year + 1)]
        if fit is not None:
            a.p_attain = _p_for_level(fit, a, remaining or [target.target_year])
        if tt.startswith("maintain") and failing:
            a.status, a.p_attain = "off_track", 0.0
            a.status_rule = f"maintain target missed in {failing}"
        elif achieved:
            a.status, a.status_rule = "achieved", rule_ach
        elif a.latest_year >= target.target_year:
            a.status, a.p_attain = "off_track", 0.0
            a.status_rule = f"target year {target.target_year} observed and not met"
        elif len(values) < min_obs or fit is None:
            a.status = "insufficient_data"
            a.status_rule = f"{len(values)} observations < {min_obs} needed for a trend"
        else:
            a.status, a.status_rule = _status_from_p(a.p_attain, st)
    else:  # direction, maintain (no number), trend_slowing
        if len(values) < min_obs or slope is None:
            a.status = "insufficient_data"
            a.status_rule = f"{len(values)} observations < {min_obs} needed for a trend"
        elif tt == "trend_slowing":
            a.p_attain, rule = _p_trend_slowing(years, values, sign_of_rise=1 if target.direction != "increase" else -1)
            a.status, a.status_rule = _status_from_p(a.p_attain, st) if a.p_attain is not None else (
                "insufficient_data", rule)
            if a.p_attain is not None:
                a.status_rule += f"; {rule}"
        elif tt == "maintain":
            worse = a.change == "worsening"
            a.p_attain = 1.0 - _p_slope_sign(a.slope, slope[1], len(values) - 2, -sign) if sign else None
            a.status = "off_track" if worse else "achieved"
            a.status_rule = "significant worsening trend" if worse else "no significant worsening trend"
        else:  # direction
            if sign == 0:
                a.status, a.status_rule = "insufficient_data", "no direction given"
            else:
                a.p_attain = _p_slope_sign(a.slope, slope[1], len(values) - 2, sign)
                if a.change == "improving":
                    a.status = "achieved"
                    a.status_rule = f"significant trend in the desired direction (p={a.slope_p:.3g})"
                else:
                    a.status, a.status_rule = _status_from_p(a.p_attain, st)
                    a.status_rule = "P(trend in desired direction): " + a.status_rule

    # ---- mid-term path and agency figures (numeric targets with a level)
    if level is not None and a.baseline_value is not None and a.latest_year is not None:
        t0, y0, T = a.baseline_year, a.baseline_value, target.target_year
        goal = level if sense != "band" else target.target_value
        if T > t0 and a.latest_year >= t0:
            a.path_value = y0 + (goal - y0) * (a.latest_year - t0) / (T - t0)
            if sense == ">=":
                a.path_position = "ahead" if a.latest_value >= a.path_value else "behind"
            elif sense == "<=":
                a.path_position = "ahead" if a.latest_value <= a.path_value else "behind"
            else:
                a.path_position = "ahead" if abs(a.latest_value - goal) <= abs(a.path_value - goal) else "behind"
        if a.latest_year > t0:
            a.eurostat_ratio = agency.eurostat_ratio(y0, t0, a.latest_value, a.latest_year, goal, T)
            a.eurostat_category = agency.eurostat_category(a.eurostat_ratio)
        window = years >= t0
        a.escap_forecast = agency.escap_weighted_forecast(years[window], values[window], T)
        a.escap_index = agency.escap_index(y0, goal, a.escap_forecast)
        a.escap_category = agency.escap_category(a.escap_index)
        if target.unit in MORTALITY_UNITS and target.direction == "decrease":
            a.aarr_observed = agency.aarr(y0, a.latest_value, t0, a.latest_year) if a.latest_year > t0 else None
            if a.latest_year < T:
                a.aarr_required = agency.unicef_required_aarr(a.latest_value, a.latest_year, goal, T)
            a.unicef_category = agency.unicef_category(a.latest_value, a.aarr_observed, a.aarr_required, goal)

    # ---- early warning
    reasons = []
    if a.status in ("at_risk", "off_track"):
        reasons.append(a.status)
    if a.change == "worsening":
        reasons.append("worsening")
    if a.volatile:
        reasons.append("volatile")
    if a.status == "achieved" and a.forecast is not None and a.target_sense and a.meets(a.forecast) is False:
        reasons.append("forecast_falls_back")
    a.warning_reasons = reasons
    a.early_warning = bool(reasons)

    # ---- sensitivity to one flagged year
    if sensitivity:
        for flagged in settings["sensitivity"]["flagged_years"]:
            if flagged in years.tolist():
                keep = years != flagged
                alt = assess_target(target, years[keep], values[keep], data_year, period, settings,
                                    account, sensitivity=False, use_plan_baseline=use_plan_baseline)
                a.sensitivity_year = int(flagged)
                a.status_without_flagged = alt.status
                a.sensitivity_changed = alt.status != a.status
                break
    return a


def _status_from_p(p: float | None, st: dict) -> tuple[str, str]:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "insufficient_data", "no probability of attainment"
    if p >= st["on_track_min_p"]:
        return "on_track", f"p_attain {p:.2f} >= {st['on_track_min_p']}"
    if p < st["off_track_max_p"]:
        return "off_track", f"p_attain {p:.2f} < {st['off_track_max_p']}"
    return "at_risk", f"{st['off_track_max_p']} <= p_attain {p:.2f} < {st['on_track_min_p']}"


def _p_trend_slowing(years, values, sign_of_rise: int) -> tuple[float | None, str]:
    """P(the rise slows): quadratic OLS ``y = a + b t + c t²``; a rising indicator slows when
    ``c < 0``. Needs at least 4 observations."""
    if len(values) < 4:
        return None, "trend_slowing needs at least 4 observations"
    t = np.asarray(years, float) - years[0]
    res = sm.OLS(np.asarray(values, float), np.column_stack([np.ones_like(t), t, t**2])).fit()
    c, se = float(res.params[2]), float(res.bse[2])
    p = _p_slope_sign(c, se, int(res.df_resid), -1 if sign_of_rise > 0 else 1)
    return p, f"curvature {c:.3g} (se {se:.3g})"


def assess(
    plan: Plan,
    observations: pd.DataFrame,
    year: int,
    geography: str = "",
    settings: dict | None = None,
    data_dir: str = "data",
) -> Assessment:
    """Assess every target of ``plan`` from a tidy observation frame, using data up to ``year``.

    ``observations``: the frame of :func:`planeval.observations.load_observations` (sex
    ``total`` rows are assessed). Returns an :class:`Assessment` in the plan's order.
    """
    settings = settings or load_settings(data_dir)
    period = (plan.period_start, plan.period_end)
    obs = observations[observations["year"] <= year] if len(observations) else observations
    results = []
    for target in plan.targets:
        s = series_for(obs, target.indicator_id) if len(obs) else pd.Series(dtype=float)
        account = ""
        if len(obs) and "account" in obs.columns:
            acc = obs[(obs["indicator_id"] == target.indicator_id) & (obs["account"].fillna("") != "")]
            if len(acc):
                account = str(acc.sort_values("year")["account"].iloc[-1])
        results.append(assess_target(target, s.index.to_numpy(), s.to_numpy(), year, period, settings, account,
                                     use_plan_baseline=(geography == plan.geography)))
    return Assessment(plan=plan, geography=geography, data_year=year, settings=settings, results=results,
                      observations=obs)


def forecast(years, values, target_year: int, model: str = "auto", unit: str = "", level: float = 0.95):
    """Forecast one series to ``target_year`` with a named model or ``auto`` (selection).

    Returns a :class:`planeval.models.Forecast`. The same functions back :func:`assess`.
    """
    if model == "auto":
        sel = select_model(years, values, target_year, unit, level=level)
        return sel.candidates[sel.model]
    return fit_model(years, values, model, unit).predict(target_year, level)
