"""Target attainment: for each target, forecast, probability of attainment, status and warnings.

The rules (thresholds from ``data/config/assessment.yaml``; full text in docs/method.md):

* ``insufficient_data`` (数据不足): no observation in the plan period; or, when the status needs
  a trend, fewer than ``min_observations`` values.
* ``achieved`` (已达标): the latest value meets the target (for ``maintain_*`` and
  ``zero_events`` every observed year of the plan period does; once the target year is
  observed, its value decides).
* otherwise by ``p_attain``, the probability that the target is met under the chosen model's
  predictive distribution: ``on_track`` (有望达标) ≥ 0.75 > ``at_risk`` (存在风险) ≥ 0.25 >
  ``off_track`` (难以达标).

Independently: ``change`` (improving / flat / worsening by a t test of the linear trend slope),
``volatile``, ``early_warning`` (预警), the mid-term path position, the agencies' figures and a
sensitivity flag for leaving out one flagged year. Every decision is kept in ``audit``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from planeval.assessment import agency
from planeval.core.settings import default_settings, load_settings
from planeval.forecasting.models import ModelNotApplicable, fit_model, select_model
from planeval.intake.observations import series_for
from planeval.plans.catalogue import Plan, Target

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
NUMERIC_LEVEL_TYPES = ("at_least", "at_most", "about", "relative_change", "count_at_least")
MAINTAIN_TYPES = ("maintain_at_least", "maintain_at_most")
_TOL = 1e-9


@dataclass
class IndicatorAssessment:
    """Assessment of one target for one geography with data up to ``data_year``.

    Values are in the indicator's ``unit``; ``p_attain`` is a probability in [0, 1];
    ``pi_low``/``pi_high`` bound the 95 % prediction interval of ``forecast`` (the median
    forecast for ``forecast_year``); ``pi80_*`` the 80 % interval. ``audit`` holds every input
    and intermediate result of the decision (data points, candidates, parameters, thresholds,
    the rule that fired).
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
    p_method: str = ""
    status: str = "insufficient_data"
    status_rule: str = ""
    change: str | None = None
    slope: float | None = None
    slope_se: float | None = None
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
    escap_current: float | None = None
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
    data_year: int | None = None
    audit: dict = field(default_factory=dict)

    def meets(self, value: float | None) -> bool | None:
        """Whether ``value`` meets the numeric target (None when the target has no level)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        tol = _TOL * max(1.0, abs(self.target_level or 0.0), abs(self.band_high or 0.0))
        if self.target_sense == ">=":
            return value >= self.target_level - tol
        if self.target_sense == "<=":
            return value <= self.target_level + tol
        if self.target_sense == "band":
            return self.band_low - tol <= value <= self.band_high + tol
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
        return (
            pd.Series([r.status for r in self.results])
            .value_counts()
            .reindex(STATUSES, fill_value=0)
        )


# --------------------------------------------------------------------------- helpers
def _desired_sign(target: Target, latest: float | None) -> int:
    """+1 when a rise is desired, −1 for a fall, 0 when no direction can be read."""
    if target.direction == "increase":
        return 1
    if target.direction == "decrease":
        return -1
    if target.target_type == "about" and latest is not None and target.target_value is not None:
        return int(np.sign(target.target_value - latest))
    if target.target_type == "relative_change" and target.target_value:
        return int(np.sign(target.target_value))
    return 0


def _linear_slope(years, values) -> tuple[float, float, float, int] | None:
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


def _p_slope_sign(slope: float, se: float, df: int, sign: int) -> float:
    """P(true slope has ``sign``) under the t distribution of (β − β̂)/se (flat-prior posterior)."""
    if se == 0:
        return float(np.sign(slope) == sign)
    t = slope / se
    return float(stats.t.cdf(t, df)) if sign > 0 else float(stats.t.sf(t, df))


def _volatility(years, values, cfg) -> tuple[bool, str]:
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


def _status_from_p(p: float | None, st: dict) -> tuple[str, str]:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "insufficient_data", "no probability of attainment"
    if p >= st["on_track_min_p"]:
        return "on_track", f"p_attain {p:.3f} >= {st['on_track_min_p']}"
    if p < st["off_track_max_p"]:
        return "off_track", f"p_attain {p:.3f} < {st['off_track_max_p']}"
    return "at_risk", f"{st['off_track_max_p']} <= p_attain {p:.3f} < {st['on_track_min_p']}"


def _p_trend_slowing(years, values, sign_of_rise: int) -> tuple[float | None, str]:
    """P(the undesired movement slows): quadratic OLS ``y = a + b t + c t²``; a rise slows when
    ``c < 0`` (a fall slows when ``c > 0``). Needs at least 4 observations."""
    if len(values) < 4:
        return None, "trend_slowing needs at least 4 observations"
    t = np.asarray(years, float) - years[0]
    x = np.column_stack([np.ones_like(t), t, t**2])
    res = sm.OLS(np.asarray(values, float), x).fit()
    c, se = float(res.params[2]), float(res.bse[2])
    p = _p_slope_sign(c, se, int(res.df_resid), -1 if sign_of_rise > 0 else 1)
    return p, f"curvature {c:.3g} (se {se:.3g}, df {int(res.df_resid)})"


def _p_zero_events(n_years: int, total_events: float, k_remaining: int) -> float:
    """P(no event in ``k_remaining`` more years): Poisson counts with a Jeffreys prior on the
    yearly rate, posterior Gamma(0.5 + S, n); predictive P(0) = (n / (n + k)) ** (0.5 + S)."""
    if k_remaining <= 0:
        return 1.0
    return float((n_years / (n_years + k_remaining)) ** (0.5 + total_events))


def _baseline(target: Target, years, values, period, use_plan_baseline: bool):
    """(year, value, source) of the baseline used for the path, agency figures and
    ``relative_change`` targets; (None, None, reason) when there is none."""
    if use_plan_baseline and target.baseline_value is not None:
        return target.baseline_year, float(target.baseline_value), "plan"
    obs = dict(zip(years.tolist(), values.tolist(), strict=True))
    if target.target_type == "relative_change":
        by = target.baseline_year
        if by in obs:
            return by, float(obs[by]), f"observed in the plan's base year {by}"
        return None, None, f"no observation in the plan's base year {by}"
    base_year = period[0] - 1
    if base_year in obs:
        return base_year, float(obs[base_year]), f"observed in {base_year} (year before the plan)"
    before = years < period[0]
    if before.any():
        y = int(years[before][-1])
        return y, float(obs[y]), f"observed in {y} (last year before the plan)"
    inside = (years >= period[0]) & (years <= period[1])
    if inside.any():
        y = int(years[inside][0])
        return y, float(obs[y]), f"observed in {y} (first year of data in the plan period)"
    return None, None, "no observation before or in the plan period"


def _target_level(target: Target, baseline_value: float | None):
    """(level, sense, (band_low, band_high), note) of a numeric target."""
    tt = target.target_type
    if tt in ("at_least", "maintain_at_least", "count_at_least"):
        return float(target.target_value), ">=", (None, None), ""
    if tt in ("at_most", "maintain_at_most"):
        return float(target.target_value), "<=", (None, None), ""
    if tt == "about":
        tol = target.about_tolerance
        tv = float(target.target_value)
        return tv, "band", (tv - tol, tv + tol), f"band ± {tol:g}"
    if tt == "relative_change":
        if baseline_value is None:
            return None, None, (None, None), "no baseline value for the relative change"
        level = baseline_value * (1 + target.target_value / 100.0)
        if target.target_value < 0 or (target.target_value == 0 and target.direction == "decrease"):
            sense = "<="
        else:
            sense = ">="
        note = f"{baseline_value:g} × (1 {target.target_value:+g} %) = {level:.6g}"
        return level, sense, (None, None), note
    return None, None, (None, None), ""


def _clean_series(years, values, data_year: int, target_year: int):
    years = np.asarray(years, int)
    values = np.asarray(values, float)
    ok = np.isfinite(values) & (years <= data_year)
    years, values = years[ok], values[ok]
    order = np.argsort(years, kind="stable")
    years, values = years[order], values[order]
    if len(np.unique(years)) != len(years):
        raise ValueError(f"more than one value for a year in {years.tolist()}")
    after = years > target_year
    ignored = {int(y): float(v) for y, v in zip(years[after], values[after], strict=True)}
    return years[~after], values[~after], ignored


def _settings_summary(settings: dict) -> dict:
    return {k: v for k, v in settings.items() if not k.startswith("_")}


def _p_method(fit, joint: bool, n_draws: int, seed: int) -> str:
    if fit is None:
        return ""
    if fit._ets is not None or joint:
        return f"share of {n_draws} predictive draws (seed {seed})"
    return "predictive t distribution on the model scale (closed form)"


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
    _pinned_baseline: tuple | None = None,
) -> IndicatorAssessment:
    """Assess one target from its observed series.

    ``years``: ints; ``values``: floats in the target's unit; only data up to ``data_year`` (and
    not after the target year) is used. ``period``: the plan period ``(start, end)``.
    ``use_plan_baseline``: take the plan's stated baseline value (true only for the plan's own
    geography; another geography's baseline is its own observation in the base year).
    Returns an :class:`IndicatorAssessment`; raises ``ValueError`` for two values in one year.
    The rules are in the module docstring and docs/method.md.
    """
    st, fc = settings["status"], settings["forecast"]
    min_obs = st["min_observations"]
    n_draws = int(fc.get("n_draws", 4000))
    years, values, ignored = _clean_series(years, values, data_year, target.target_year)
    T, tt = target.target_year, target.target_type
    a = IndicatorAssessment(
        indicator_id=target.indicator_id,
        name_zh=target.name_zh,
        name_en=target.name_en,
        domain=target.domain,
        item=target.item,
        unit=target.unit,
        direction=target.direction,
        target_type=tt,
        target_value=target.target_value,
        target_year=T,
        n_obs=len(values),
        years=years.tolist(),
        values=values.tolist(),
        account=account,
        sex_disaggregated=target.sex_disaggregated,
        data_year=int(data_year),
    )
    audit: dict = {
        "data": {
            "years": years.tolist(),
            "values": values.tolist(),
            "data_year": int(data_year),
            "plan_period": list(period),
            "ignored_after_target_year": ignored,
        },
        "target": {
            "type": tt,
            "value": target.target_value,
            "year": T,
            "unit": target.unit,
            "direction": target.direction,
            "source_text": target.source_text,
        },
        "thresholds": _settings_summary(settings),
    }
    a.audit = audit
    if tt == "not_statistical":
        a.status = "not_assessed"
        a.status_rule = "not_statistical: assessed from the department's written account"
        audit["rule"] = a.status_rule
        return a
    if len(values):
        a.latest_year, a.latest_value = int(years[-1]), float(values[-1])
    if len(values) > 1:
        a.previous_year, a.previous_value = int(years[-2]), float(values[-2])

    # ---- baseline and numeric level
    if _pinned_baseline is not None:
        b_year, b_value, b_source = _pinned_baseline
    else:
        b_year, b_value, b_source = _baseline(target, years, values, period, use_plan_baseline)
    if b_value is not None:
        a.baseline_year, a.baseline_value, a.baseline_source = b_year, b_value, b_source
    level, sense, band, level_note = _target_level(target, b_value)
    a.target_level, a.target_sense = level, sense
    a.band_low, a.band_high = band
    audit["target"].update({"level": level, "sense": sense, "band": list(band), "note": level_note})
    audit["baseline"] = {"year": b_year, "value": b_value, "source": b_source}

    in_period = (years >= period[0]) & (years <= period[1])
    sign = _desired_sign(target, a.latest_value)

    # ---- change (t test of the linear slope) and volatility
    slope = _linear_slope(years, values)
    alpha = settings["change"]["alpha"]
    if slope is not None:
        a.slope, a.slope_se, a.slope_p, slope_df = slope
        significant = a.slope_p < alpha
        if not significant or sign == 0:
            a.change = "flat"
        else:
            a.change = "improving" if np.sign(a.slope) == sign else "worsening"
        audit["change"] = {
            "test": "two-sided t test of the OLS slope of value on year (all points used)",
            "slope_per_year": a.slope,
            "se": a.slope_se,
            "df": slope_df,
            "p_value": a.slope_p,
            "alpha": alpha,
            "desired_sign": sign,
            "result": a.change,
        }
    else:
        audit["change"] = {"result": None, "reason": "fewer than 3 observations"}
    a.volatile, a.volatility_rule = _volatility(years, values, settings["volatility"])
    audit["volatility"] = {"volatile": a.volatile, "rule": a.volatility_rule}

    # ---- forecast with the selected model
    fit = None
    if len(values) >= min_obs:
        try:
            sel = select_model(
                years,
                values,
                T,
                target.unit,
                fc["tie_margin"],
                fc["main_level"],
                seed=fc["seed"],
                n_draws=n_draws,
            )
        except ModelNotApplicable as exc:
            a.model_reason = str(exc)
        else:
            fit = sel.fits[sel.model]
            a.model, a.model_reason = sel.model, sel.reason
            a.cv_error = {k: float(v) for k, v in sel.cv_error.items()}
            a.candidates = {k: asdict(v) for k, v in sel.candidates.items()}
            f_main = sel.candidates[sel.model]
            f80 = fit.predict(T, min(fc["levels"]))
            a.forecast_year, a.forecast = f_main.year, f_main.value
            a.pi_low, a.pi_high = f_main.low, f_main.high
            a.pi80_low, a.pi80_high = f80.low, f80.high
            audit["model"] = {
                "chosen": sel.model,
                "reason": sel.reason,
                "rule": f"reference {sel.reference} (random walk with drift); another candidate "
                "replaces it only when its leave-future-out forecast error is lower by more "
                f"than {fc['tie_margin']:.0%} (docs/method.md)",
                "candidates": {
                    m: {
                        "forecast": sel.candidates[m].value,
                        "pi_low": sel.candidates[m].low,
                        "pi_high": sel.candidates[m].high,
                        "forecast_error": sel.cv_error.get(m),
                        "reference_error_same_origins": sel.reference_error.get(m),
                        "loo_error_for_information": sel.loo_error.get(m),
                        "excluded": sel.excluded.get(m, ""),
                        "params": sel.fits[m].describe(),
                    }
                    for m in sel.candidates
                },
                "params": fit.describe(),
                "level": fc["main_level"],
            }
    else:
        a.model_reason = f"{len(values)} observations < {min_obs}: no trend model"
    if "model" not in audit:
        audit["model"] = {"chosen": None, "reason": a.model_reason}

    # ---- status and p_attain by target type
    p, status, rule, method = None, "insufficient_data", "", ""
    latest_ok = a.latest_year is not None
    remaining = list(range(a.latest_year + 1, T + 1)) if latest_ok else []
    if not len(values):
        rule = "no observation"
    elif not in_period.any():
        rule = f"no observation in the plan period {period[0]}–{period[1]}"
    elif tt == "zero_events":
        bad = [int(y) for y, v in zip(years[in_period], values[in_period], strict=True) if v > 0]
        if bad:
            status, p, rule, method = "off_track", 0.0, f"events observed in {bad}", "observed"
        else:
            p = _p_zero_events(len(values), float(values.sum()), len(remaining))
            status = "achieved"
            rule = "no event in any observed year of the plan period"
            method = (
                f"Poisson–gamma predictive (Jeffreys prior): P(no event in {len(remaining)} "
                f"remaining years | {values.sum():g} events in {len(values)} years)"
            )
    elif tt in MAINTAIN_TYPES:
        failing = [
            int(y)
            for y, v in zip(years[in_period], values[in_period], strict=True)
            if not a.meets(float(v))
        ]
        if failing:
            status, p, method = "off_track", 0.0, "observed"
            rule = f"maintain target missed in observed year(s) {failing}"
        else:
            status = "achieved"
            rule = "every observed year of the plan period meets the target"
            if not remaining:
                p, method = 1.0, "observed (target year reached)"
            elif fit is not None:
                if len(remaining) > 1:
                    draws = fit.draws(remaining)
                    ok = draws >= level if sense == ">=" else draws <= level
                    p = float(np.mean(ok.all(axis=1)))
                else:
                    p = fit.prob_at_least(T, level) if sense == ">=" else fit.prob_at_most(T, level)
                method = (
                    _p_method(fit, len(remaining) > 1, n_draws, fc["seed"])
                    + f"; every remaining year {remaining[0]}–{remaining[-1]} jointly"
                )
    elif tt in NUMERIC_LEVEL_TYPES:
        if level is None:
            rule = f"{tt}: {level_note}"
        elif T in a.years:
            value_T = a.values[a.years.index(T)]
            met = bool(a.meets(value_T))
            status, p, method = ("achieved" if met else "off_track"), float(met), "observed"
            rule = (
                f"target year {T} observed: {value_T:g} {'meets' if met else 'misses'} the target"
            )
        else:
            if fit is not None:
                if sense == ">=":
                    p = fit.prob_at_least(T, level)
                elif sense == "<=":
                    p = fit.prob_at_most(T, level)
                else:
                    p = max(0.0, fit.prob_at_least(T, band[0]) - fit.prob_at_least(T, band[1]))
                method = _p_method(fit, False, n_draws, fc["seed"])
            if a.meets(a.latest_value):
                status = "achieved"
                target_txt = f"{band[0]:g}–{band[1]:g}" if sense == "band" else f"{sense} {level:g}"
                rule = f"latest value {a.latest_value:g} ({a.latest_year}) meets {target_txt}"
            elif fit is None:
                rule = f"{len(values)} observations < {min_obs} needed for a trend"
            else:
                status, rule = _status_from_p(p, st)
    elif len(values) < min_obs or slope is None:
        rule = f"{len(values)} observations < {min_obs} needed for a trend"
    elif tt == "direction":
        if sign == 0:
            status, rule = "not_assessed", "direction target without a direction"
        else:
            p = _p_slope_sign(a.slope, a.slope_se, slope_df, sign)
            method = "P(slope has the desired sign): t distribution of the OLS slope"
            if a.change == "improving":
                status = "achieved"
                rule = f"significant trend in the desired direction (p = {a.slope_p:.3g} < {alpha})"
            else:
                status, rule = _status_from_p(p, st)
                rule = "P(trend in the desired direction): " + rule
    elif tt == "trend_slowing":
        sign_of_rise = -sign if sign else 1
        if a.change == "improving":
            status = "achieved"
            rule = (
                "the undesired movement has reversed (significant trend in the desired direction)"
            )
            p, method = _p_slope_sign(a.slope, a.slope_se, slope_df, sign), "slope t distribution"
        else:
            p, curv = _p_trend_slowing(years, values, sign_of_rise)
            method = "P(curvature of a quadratic trend has the slowing sign): t distribution"
            if p is None:
                rule = curv
            elif p >= 1 - alpha / 2:
                status = "achieved"
                rule = f"significant slowing: P(slowing) {p:.3f} >= {1 - alpha / 2:g}; {curv}"
            else:
                status, rule = _status_from_p(p, st)
                rule += f"; {curv}"
    elif tt == "maintain":
        if sign:
            p = 1.0 - _p_slope_sign(a.slope, a.slope_se, slope_df, -sign)
            method = "P(slope not in the worsening direction): t distribution of the OLS slope"
            if a.change == "worsening":
                status, rule = "off_track", f"significant worsening trend (p = {a.slope_p:.3g})"
            else:
                status, rule = "achieved", "no significant worsening trend"
        elif a.slope_p < alpha:
            status, rule = (
                "at_risk",
                f"significant change away from the level (p = {a.slope_p:.3g})",
            )
        else:
            status, rule = "achieved", "no significant change of the level"
    else:
        rule = f"unknown target type {tt}"
    if status == "insufficient_data":
        p, method = None, ""
    a.status, a.status_rule, a.p_attain, a.p_method = status, rule, p, method
    audit["p_attain"] = {"value": p, "method": method, "remaining_years": remaining}
    audit["rule"] = rule
    audit["status"] = status

    # ---- mid-term path and agency figures
    _path_and_agency(a, target, years, values, sign)

    # ---- early warning
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
    audit["early_warning"] = {
        "reasons": reasons,
        "rule": "at_risk or off_track, or worsening, or volatile, or achieved with p_attain < "
        f"{fall_back} (forecast falls back)",
    }

    # ---- sensitivity to leaving out one flagged year of the trend
    if sensitivity:
        by_year = {}
        for flagged in settings["sensitivity"]["flagged_years"]:
            if flagged in a.years:
                keep = years != flagged
                alt = assess_target(
                    target,
                    years[keep],
                    values[keep],
                    data_year,
                    period,
                    settings,
                    account,
                    sensitivity=False,
                    use_plan_baseline=use_plan_baseline,
                    _pinned_baseline=(b_year, b_value, b_source),
                )
                by_year[int(flagged)] = alt.status
        if by_year:
            changed = [y for y, s in by_year.items() if s != a.status]
            a.sensitivity_year = changed[0] if changed else next(iter(by_year))
            a.status_without_flagged = by_year[a.sensitivity_year]
            a.sensitivity_changed = bool(changed)
        audit["sensitivity"] = {
            "status_without_year": by_year,
            "rule": "flagged year left out of the data; baseline kept",
        }
    return a


def _path_and_agency(a: IndicatorAssessment, target: Target, years, values, sign: int) -> None:
    """Mid-term path position and the agencies' figures (Eurostat, ESCAP, UNICEF)."""
    notes = {}
    if a.baseline_value is None or a.latest_year is None:
        a.audit["path"] = {"note": "no baseline"}
        a.audit["agency"] = {"note": "no baseline"}
        return
    t0, y0, T = a.baseline_year, a.baseline_value, a.target_year
    yt, t = a.latest_value, a.latest_year
    if a.target_sense is None:  # qualitative: Eurostat's no-target rule for direction targets
        if a.target_type == "direction" and t > t0:
            a.eurostat_category = agency.eurostat_no_target_category(y0, t0, yt, t, sign)
            notes["eurostat"] = "no numeric target: direction-adjusted CAGR rule"
        a.audit["path"] = {"note": "no numeric target"}
        a.audit["agency"] = {
            "eurostat_category": a.eurostat_category,
            **notes,
            "sources": agency.SOURCES,
        }
        return
    goal = target.target_value if a.target_sense == "band" else a.target_level
    # A path only makes sense with a distance to cover: not for maintain targets (their bar is
    # the target line itself every year) nor when the baseline already meets the target.
    no_path = a.target_type.startswith("maintain") or (a.meets(y0) and a.target_sense != "band")
    if no_path:
        a.audit["path"] = {"note": "no path: maintain target or baseline already meets the target"}
    elif T > t0 and t > t0:
        a.path_value = y0 + (goal - y0) * (t - t0) / (T - t0)
        if a.target_sense == ">=":
            a.path_position = "ahead" if yt >= a.path_value else "behind"
        elif a.target_sense == "<=":
            a.path_position = "ahead" if yt <= a.path_value else "behind"
        else:
            a.path_position = "ahead" if abs(yt - goal) <= abs(a.path_value - goal) else "behind"
    if not no_path:
        a.audit["path"] = {
            "rule": "straight line from the baseline to the target; ahead when the latest value is "
            "on the target side of the line",
            "baseline": [t0, y0],
            "goal": [T, goal],
            "path_value": a.path_value,
            "position": a.path_position,
        }
    baseline_meets = a.meets(y0) and a.target_sense != "band"
    if baseline_meets:
        notes["eurostat"] = notes["escap"] = "baseline already meets the target: index undefined"
    if t > t0 and not baseline_meets:
        a.eurostat_ratio = agency.eurostat_ratio(y0, t0, yt, t, goal, T)
        a.eurostat_category = agency.eurostat_category(a.eurostat_ratio)
    a.escap_forecast = agency.escap_weighted_forecast(years, values, T)
    if not baseline_meets:
        a.escap_index = agency.escap_index(y0, goal, a.escap_forecast)
        a.escap_current = agency.escap_current_status(y0, yt, goal)
        a.escap_category = agency.escap_category(a.escap_index)
    if target.unit in MORTALITY_UNITS and target.direction == "decrease" and a.target_sense == "<=":
        a.aarr_observed = agency.aarr(y0, yt, t0, t) if t > t0 else None
        if t < T:
            a.aarr_required = agency.unicef_required_aarr(yt, t, goal, T)
        if yt is not None and yt <= goal:
            notes["unicef"] = "latest value already meets the target: no required AARR"
        a.unicef_category = agency.unicef_category(yt, a.aarr_observed, a.aarr_required, goal)
    a.audit["agency"] = {
        "baseline": [t0, y0],
        "latest": [t, yt],
        "goal": [T, goal],
        "eurostat_ratio": a.eurostat_ratio,
        "eurostat_category": a.eurostat_category,
        "escap_forecast": a.escap_forecast,
        "escap_index": a.escap_index,
        "escap_current_status": a.escap_current,
        "escap_category": a.escap_category,
        "aarr_observed": a.aarr_observed,
        "aarr_required": a.aarr_required,
        "unicef_category": a.unicef_category,
        **notes,
        "sources": agency.SOURCES,
    }


def assess(
    plan: Plan,
    observations: pd.DataFrame,
    year: int,
    geography: str = "",
    settings: dict | None = None,
    data_dir: str = "data",
) -> Assessment:
    """Assess every target of ``plan`` from a tidy observation frame, using data up to ``year``.

    ``observations``: the frame of :func:`planeval.intake.observations.load_observations` (sex
    ``total`` rows are assessed). ``settings``: from :func:`planeval.core.settings.load_settings`
    (default: ``<data_dir>/config/assessment.yaml``). Returns an :class:`Assessment` in the
    plan's order. Raises ``InputError`` for a bad settings file.
    """
    settings = settings or load_settings(data_dir)
    period = (plan.period_start, plan.period_end)
    obs = observations[observations["year"] <= year] if len(observations) else observations
    results = []
    for target in plan.targets:
        s = series_for(obs, target.indicator_id) if len(obs) else pd.Series(dtype=float)
        account = ""
        if len(obs) and "account" in obs.columns:
            acc = obs[
                (obs["indicator_id"] == target.indicator_id) & (obs["account"].fillna("") != "")
            ]
            if len(acc):
                account = str(acc.sort_values("year")["account"].iloc[-1])
        results.append(
            assess_target(
                target,
                s.index.to_numpy(),
                s.to_numpy(),
                year,
                period,
                settings,
                account,
                use_plan_baseline=(geography == plan.geography),
            )
        )
    return Assessment(
        plan=plan,
        geography=geography,
        data_year=year,
        settings=settings,
        results=results,
        observations=obs,
    )


#: Columns the CSV of ``planeval assess`` prints after :data:`ASSESS_COLUMNS`.
CSV_EXTRA_COLUMNS = [
    "unit",
    "target_type",
    "target_sense",
    "target_level",
    "band_low",
    "band_high",
    "pi80_low",
    "pi80_high",
    "warning_reasons",
    "volatile",
    "baseline_year",
    "baseline_value",
    "path_position",
    "eurostat_category",
    "escap_category",
    "unicef_category",
    "sensitivity_year",
    "status_without_flagged",
    "sensitivity_changed",
    "status_rule",
]
_INT_COLUMNS = ("n_obs", "latest_year", "forecast_year", "baseline_year", "sensitivity_year")


def assessment_csv(assessment: Assessment, decimals: int = 4) -> str:
    """CSV text: one row per target, :data:`ASSESS_COLUMNS` first then
    :data:`CSV_EXTRA_COLUMNS`; floats rounded to ``decimals``, years as integers."""
    rows = []
    for r in assessment.results:
        row = {}
        for col in ASSESS_COLUMNS + CSV_EXTRA_COLUMNS:
            v = getattr(r, col)
            if col == "warning_reasons":
                v = ";".join(v)
            elif col in _INT_COLUMNS:
                v = None if v is None else int(v)
            elif isinstance(v, float | np.floating):
                v = None if not math.isfinite(v) else round(float(v), decimals)
            row[col] = v
        rows.append(row)
    frame = pd.DataFrame(rows, columns=ASSESS_COLUMNS + CSV_EXTRA_COLUMNS)
    for col in _INT_COLUMNS:
        frame[col] = frame[col].astype("Int64")
    return frame.to_csv(index=False)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def assessment_json(assessment: Assessment) -> str:
    """JSON text: a list with one object per target, every field of
    :class:`IndicatorAssessment` at full precision (``audit`` included); NaN and ±inf as null."""
    import json

    records = []
    for r in assessment.results:
        rec = asdict(r)
        order = ASSESS_COLUMNS + [k for k in rec if k not in ASSESS_COLUMNS]
        records.append(_jsonable({k: rec[k] for k in order}))
    return json.dumps(records, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def forecast(
    years,
    values,
    target_year: int,
    model: str = "auto",
    unit: str = "",
    level: float = 0.95,
    settings: dict | None = None,
):
    """Forecast one series to ``target_year`` with a named model or ``auto`` (selection).

    ``years`` ints, ``values`` floats in ``unit``. ``settings`` (default: the package's
    assessment settings, identical to the shipped ``data/config/assessment.yaml``) gives the
    tie margin, seed and number of draws, so the numbers equal those of :func:`assess` for the
    same data. Returns a :class:`planeval.forecasting.models.Forecast`; raises
    :class:`forecasting.models.ModelNotApplicable` when the series is too short or outside the
    model's domain.
    """
    settings = settings or default_settings()
    fc = settings["forecast"]
    if model == "auto":
        sel = select_model(
            years,
            values,
            target_year,
            unit,
            fc["tie_margin"],
            level,
            seed=fc["seed"],
            n_draws=int(fc["n_draws"]),
        )
        return sel.candidates[sel.model]
    return fit_model(
        years, values, model, unit, seed=fc["seed"], n_draws=int(fc["n_draws"])
    ).predict(target_year, level)


__all__ = [
    "ASSESS_COLUMNS",
    "STATUSES",
    "Assessment",
    "IndicatorAssessment",
    "assess",
    "assess_target",
    "assessment_csv",
    "assessment_json",
    "forecast",
]
