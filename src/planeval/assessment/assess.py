"""Target attainment: for each target, forecast, probability of attainment, status and warnings.

``assess_target`` is a pipeline over the modules of this package (thresholds from
``data/config/assessment.yaml``; full text in docs/method.md):

1. the series up to the data year (:func:`_clean_series`) and the result skeleton;
2. baseline (:mod:`baseline`) and numeric level of the target (:mod:`rules`);
3. change and volatility (:mod:`signals`);
4. forecast with the selected trend model (:mod:`planeval.forecasting`);
5. status and ``p_attain`` by the rule of the target type (:mod:`rules`);
6. mid-term path and agency figures (:mod:`path`, :mod:`agency`);
7. early warning (:mod:`signals`) and sensitivity to a flagged year (:mod:`sensitivity`).

Every decision is kept in the result's ``audit``.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pandas as pd

from planeval.assessment.baseline import baseline as _baseline
from planeval.assessment.export import CSV_EXTRA_COLUMNS, assessment_csv, assessment_json
from planeval.assessment.path import path_and_agency
from planeval.assessment.reliability import assess_reliability
from planeval.assessment.results import ASSESS_COLUMNS, STATUSES, Assessment, IndicatorAssessment
from planeval.assessment.rules import Case, decide, rule_for, target_level, target_year_past
from planeval.assessment.sensitivity import sensitivity as _sensitivity
from planeval.assessment.signals import assess_change, desired_sign, early_warning, volatility
from planeval.core.settings import default_settings, load_settings
from planeval.forecasting import ModelNotApplicable, fit_model, select_model
from planeval.forecasting.calibration_file import load_calibration
from planeval.intake.observations import series_for
from planeval.plans.catalogue import Plan, Target

#: Settings sections recorded in every result's ``audit["thresholds"]`` (the agencies'
#: published cut-offs of the ``agency`` section only shape the agency figures, not the status).
_NOT_AUDITED = ("agency", "run")  # run: how notebooks are run (cell timeout), not a number


def _target_level(target: Target, baseline_value: float | None):
    """(level, sense, (band_low, band_high), note) of a numeric target (:func:`rules.target_level`
    as a tuple)."""
    lv = target_level(target, baseline_value)
    return lv.level, lv.sense, lv.band, lv.note


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
    return {k: v for k, v in settings.items() if not k.startswith("_") and k not in _NOT_AUDITED}


def _new_result(target: Target, years, values, data_year, period, settings, account, ignored):
    """The result skeleton with the data and target recorded in its audit."""
    a = IndicatorAssessment(
        indicator_id=target.indicator_id,
        name_zh=target.name_zh,
        name_en=target.name_en,
        domain=target.domain,
        item=target.item,
        unit=target.unit,
        direction=target.direction,
        target_type=target.target_type,
        target_value=target.target_value,
        target_year=target.target_year,
        n_obs=len(values),
        years=years.tolist(),
        values=values.tolist(),
        account=account,
        sex_disaggregated=target.sex_disaggregated,
        data_year=int(data_year),
    )
    a.audit = {
        "data": {
            "years": years.tolist(),
            "values": values.tolist(),
            "data_year": int(data_year),
            "plan_period": list(period),
            "ignored_after_target_year": ignored,
        },
        "target": {
            "type": target.target_type,
            "value": target.target_value,
            "year": target.target_year,
            "unit": target.unit,
            "direction": target.direction,
            "source_text": target.source_text,
        },
        "thresholds": _settings_summary(settings),
    }
    return a


def _set_baseline_and_level(a, target, years, values, period, use_plan_baseline, pinned):
    """Baseline (pinned by the sensitivity re-run) and the target's numeric level; returns
    ``(baseline triple, level note)``."""
    if pinned is not None:
        b_year, b_value, b_source = pinned
    else:
        b_year, b_value, b_source = _baseline(target, years, values, period, use_plan_baseline)
    if b_value is not None:
        a.baseline_year, a.baseline_value, a.baseline_source = b_year, b_value, b_source
    lv = target_level(target, b_value)
    a.target_level, a.target_sense = lv.level, lv.sense
    a.band_low, a.band_high = lv.band
    a.audit["target"].update(
        {"level": lv.level, "sense": lv.sense, "band": list(lv.band), "note": lv.note}
    )
    a.audit["baseline"] = {"year": b_year, "value": b_value, "source": b_source}
    return (b_year, b_value, b_source), lv.note


def _calibration_audit(fit, table, horizon: int) -> dict:
    """What the calibration did to this forecast (for ``audit["model"]["calibration"]``)."""
    if table is None:
        note = "no calibration table for this data year: the model's own predictive distribution"
        return {"applied": False, "note": note}
    cell = table.cell(horizon, fit.n_obs)
    return {
        "applied": cell is not None,
        "table_cutoff": table.cutoff,
        "factor": fit.factor(fit.years[-1] + horizon, "p") if horizon > 0 else 1.0,
        "cell": None if cell is None else [cell.horizon, cell.length, cell.n_errors],
    }


def select_for(
    years,
    values,
    target_year: int,
    unit: str,
    settings: dict,
    calibration=None,
    level: float | None = None,
):
    """:func:`planeval.forecasting.select_model` with the settings' ``forecast`` section (rule,
    tie margin, level, seed, draws) and an optional calibration, as the assessment calls it.
    ``calibration``: a table, or the tables of a data year (:func:`calibration_table`), of
    which the one for the series' last observed year is used.
    Raises :class:`~planeval.forecasting.ModelNotApplicable`."""
    fc = settings["forecast"]
    calibration = _table_for(calibration, years)
    return select_model(
        years,
        values,
        int(target_year),
        unit,
        fc["tie_margin"],
        fc["main_level"] if level is None else level,
        seed=fc["seed"],
        n_draws=int(fc.get("n_draws", 4000)),
        calibration=calibration,
        rule=fc.get("rule", "default"),
    )


def _table_for(calibration, years):
    """The calibration table for a series: ``calibration`` itself when it is a table, else
    (tables of a data year, :class:`~planeval.forecasting.calibration.Calibration`) the one
    of the series' last observed year, so that a series' interval depends on the years since
    its last value, not on the report's cut-off."""
    if calibration is None or not hasattr(calibration, "for_data_year") or not len(years):
        return calibration
    return calibration.for_data_year(int(np.max(years)))


def _rule_text(reference: str, fc: dict) -> str:
    """The model rule in words, for the audit."""
    if fc.get("rule", "default") == "default":
        return (
            f"{reference} (random walk with drift on the indicator's natural scale) always: "
            "the default chosen on the benches (docs/method.md §3)"
        )
    return (
        f"reference {reference} (random walk with drift); another candidate replaces it only "
        f"when its leave-future-out forecast error is lower by more than {fc['tie_margin']:.0%} "
        "(docs/method.md)"
    )


def _forecast_step(a: IndicatorAssessment, years, values, settings: dict, calibration=None):
    """Select a trend model, set the forecast and intervals for the target year on ``a``;
    returns the selected fit (None with too few observations). ``calibration``: the
    :class:`~planeval.forecasting.calibration.CalibrationTable` for the data year, or None."""
    st, fc = settings["status"], settings["forecast"]
    min_obs = st["min_observations"]
    if len(values) < min_obs:
        a.model_reason = f"{len(values)} observations < {min_obs}: no trend model"
        a.audit["model"] = {"chosen": None, "reason": a.model_reason}
        return None
    T = a.target_year
    calibration = _table_for(calibration, years)
    try:
        sel = select_for(years, values, T, a.unit, settings, calibration)
    except ModelNotApplicable as exc:
        a.model_reason = str(exc)
        a.audit["model"] = {"chosen": None, "reason": a.model_reason}
        return None
    fit = sel.fits[sel.model]
    a.model, a.model_reason = sel.model, sel.reason
    if calibration is not None:
        last = int(years[-1])
        a.calibration_factors = {
            h: fit.factor(last + h, "p") for h in range(1, max(T - last, 1) + 1)
        }
    a.cv_error = {k: float(v) for k, v in sel.cv_error.items()}
    a.candidates = {k: asdict(v) for k, v in sel.candidates.items()}
    f_main = sel.candidates[sel.model]
    f80 = fit.predict(T, min(fc["levels"]))
    a.forecast_year, a.forecast = f_main.year, f_main.value
    a.pi_low, a.pi_high = f_main.low, f_main.high
    a.pi80_low, a.pi80_high = f80.low, f80.high
    a.audit["model"] = {
        "chosen": sel.model,
        "reason": sel.reason,
        "rule": _rule_text(sel.reference, fc),
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
        "calibration": _calibration_audit(fit, calibration, T - int(years[-1])),
    }
    return fit


def _no_forecast_reason(a: IndicatorAssessment, in_period, period) -> str:
    """Why no forecast is made ('' when one is): a target year observed, or already past
    without its value, is judged on that value alone; a series without a value in the plan
    period (数据滞后) says nothing of the plan's progress, so no projection from it is made."""
    if target_year_past(a):
        return f"target year {a.target_year} past without its value: no forecast"
    if a.target_year in a.years:
        return f"target year {a.target_year} observed: judged on its value, no forecast"
    if len(in_period) and not in_period.any():
        return f"no value in the plan period {period[0]}–{period[1]}: no forecast"
    return ""


def with_about_tolerance(target: Target, settings: dict) -> Target:
    """An ``about`` (…左右) target with its band's half-width: the plan file's ``tolerance``,
    else the settings' ``targets.about_tolerance_points`` (% indicators) or
    ``targets.about_tolerance_share`` × the target value (other units). Other targets as
    they are. The band is then read from the target everywhere (verdict, tables, sentences)."""
    if target.target_type != "about" or target.tolerance is not None:
        return target
    rules = settings.get("targets", {})
    if target.unit == "%" and "about_tolerance_points" in rules:
        return replace(target, tolerance=float(rules["about_tolerance_points"]))
    if target.unit != "%" and "about_tolerance_share" in rules and target.target_value:
        share = float(rules["about_tolerance_share"])
        return replace(target, tolerance=abs(float(target.target_value)) * share)
    return target


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
    calibration=None,
) -> IndicatorAssessment:
    """Assess one target from its observed series.

    ``years``: ints; ``values``: floats in the target's unit; only data up to ``data_year`` (and
    not after the target year) is used. ``period``: the plan period ``(start, end)``.
    ``use_plan_baseline``: take the plan's stated baseline value (true only for the plan's own
    geography; another geography's baseline is its own observation in the base year).
    ``calibration``: the calibration table for ``data_year`` (None: uncalibrated).
    Returns an :class:`IndicatorAssessment`; raises ``ValueError`` for two values in one year.
    The rules are in :mod:`planeval.assessment.rules` and docs/method.md.
    """
    target = with_about_tolerance(target, settings)
    years, values, ignored = _clean_series(years, values, data_year, target.target_year)
    a = _new_result(target, years, values, data_year, period, settings, account, ignored)
    rule = rule_for(target.target_type)
    if rule.qualitative:
        decision = rule.decide(None)  # a qualitative rule reads nothing from the data
        a.status, a.status_rule = decision.status, decision.rule
        a.audit["rule"] = a.status_rule
        return a
    if len(values):
        a.latest_year, a.latest_value = int(years[-1]), float(values[-1])
    if len(values) > 1:
        a.previous_year, a.previous_value = int(years[-2]), float(values[-2])
    pinned, level_note = _set_baseline_and_level(
        a, target, years, values, period, use_plan_baseline, _pinned_baseline
    )
    sign = desired_sign(target, a.latest_value)
    slope_df = assess_change(a, years, values, sign, settings["change"]["alpha"])
    a.volatile, a.volatility_rule = volatility(years, values, settings["volatility"])
    a.audit["volatility"] = {"volatile": a.volatile, "rule": a.volatility_rule}
    in_period = (years >= period[0]) & (years <= period[1])
    no_forecast = _no_forecast_reason(a, in_period, period)
    if no_forecast:  # judged without a forecast (the verdict says 数据滞后 / 目标年无数据)
        a.model_reason = no_forecast
        a.audit["model"] = {"chosen": None, "reason": a.model_reason}
        fit = None
    else:
        fit = _forecast_step(a, years, values, settings, calibration)

    remaining = list(range(a.latest_year + 1, a.target_year + 1)) if len(values) else []
    case = Case(
        a, years, values, in_period, fit, remaining, sign, slope_df, level_note, settings, period
    )
    d = decide(case)
    a.status, a.status_rule, a.p_attain, a.p_method = d.status, d.rule, d.p, d.method
    a.audit["p_attain"] = {"value": d.p, "method": d.method, "remaining_years": remaining}
    a.audit["rule"] = d.rule
    a.audit["status"] = d.status

    path_and_agency(a, target, years, values, sign, settings.get("agency"))
    early_warning(a, settings)
    assess_reliability(a, settings["reliability"])
    if sensitivity:

        def reassess(kept_years, kept_values):
            return assess_target(
                target,
                kept_years,
                kept_values,
                data_year,
                period,
                settings,
                account,
                sensitivity=False,
                use_plan_baseline=use_plan_baseline,
                _pinned_baseline=pinned,
                calibration=calibration,
            )

        _sensitivity(a, years, values, settings["sensitivity"]["flagged_years"], reassess)
    return a


#: The package's copy of the shipped calibration file (used without a data folder, as
#: ``assessment_default.yaml`` is for the settings).
PACKAGE_CALIBRATION = Path(__file__).parents[1] / "core" / "calibration_default.yaml"


def calibration_table(data_dir, settings: dict, data_year: int):
    """The calibration tables usable with data up to ``data_year`` from
    ``<data_dir>/<calibration.file>`` (the package's copy when ``data_dir`` is None): a
    :class:`~planeval.forecasting.calibration.Calibration` holding the tables of cut-offs
    ``<= data_year``, of which each series uses the one of its last observed year
    (:func:`select_for`); None without the file or before its first cut-off year."""
    path = (
        PACKAGE_CALIBRATION
        if data_dir is None
        else Path(data_dir) / settings["calibration"]["file"]
    )
    calibration = load_calibration(path)
    if calibration is None or calibration.for_data_year(data_year) is None:
        return None
    return calibration.up_to(data_year)


def _account_of(obs: pd.DataFrame, indicator_id: str) -> str:
    """The latest written account (``account`` column) given for an indicator, or ''."""
    if not len(obs) or "account" not in obs.columns:
        return ""
    acc = obs[(obs["indicator_id"] == indicator_id) & (obs["account"].fillna("") != "")]
    return str(acc.sort_values("year")["account"].iloc[-1]) if len(acc) else ""


def assess(
    plan: Plan,
    observations: pd.DataFrame,
    year: int,
    geography: str = "",
    settings: dict | None = None,
    data_dir: str = "data",
    calibrated: bool = True,
    stage: str = "midterm",
) -> Assessment:
    """Assess every target of ``plan`` from a tidy observation frame, using data up to ``year``.

    ``observations``: the frame of :func:`planeval.intake.observations.load_observations` (sex
    ``total`` rows are assessed). ``settings``: from :func:`planeval.core.settings.load_settings`
    (default: ``<data_dir>/config/assessment.yaml``). Intervals and probabilities are
    calibrated with the table for ``year`` of ``<data_dir>/<calibration.file>``
    (:mod:`planeval.forecasting.calibration`) when that file exists and ``calibrated`` is
    true (false: the models' own predictive distributions). Returns an
    :class:`Assessment` in the plan's order with the :class:`~planeval.assessment.verdict.Verdict`
    of ``stage`` (``annual``, ``midterm`` or ``final``; another stage's:
    ``Assessment.verdict_for(stage)``). Raises ``InputError`` for a bad settings or
    calibration file, ``ValueError`` for an unknown stage.
    """
    settings = settings or load_settings(data_dir)
    table = calibration_table(data_dir, settings, year) if calibrated else None
    period = (plan.period_start, plan.period_end)
    obs = observations[observations["year"] <= year] if len(observations) else observations
    results = []
    for target in plan.targets:
        s = series_for(obs, target.indicator_id) if len(obs) else pd.Series(dtype=float)
        results.append(
            assess_target(
                target,
                s.index.to_numpy(),
                s.to_numpy(),
                year,
                period,
                settings,
                _account_of(obs, target.indicator_id),
                use_plan_baseline=(geography == plan.geography),
                calibration=table,
            )
        )
    assessment = Assessment(
        plan=plan,
        geography=geography,
        data_year=year,
        settings=settings,
        results=results,
        observations=obs,
        stage=stage,
    )
    assessment.verdict_for(stage)
    return assessment


def forecast(
    years,
    values,
    target_year: int,
    model: str = "auto",
    unit: str = "",
    level: float = 0.95,
    settings: dict | None = None,
    calibration=None,
):
    """Forecast one series to ``target_year`` with a named model or ``auto`` (selection).

    ``years`` ints, ``values`` floats in ``unit``. ``settings`` (default: the package's
    assessment settings, identical to the shipped ``data/config/assessment.yaml``) gives the
    tie margin, seed and number of draws, so the numbers equal those of :func:`assess` for the
    same data when given the same ``calibration`` table (:func:`calibration_table`; None: the
    model's own interval). Returns a :class:`planeval.forecasting.Forecast`; raises
    :class:`planeval.forecasting.ModelNotApplicable` when the series is too short or outside the
    model's domain.
    """
    settings = settings or default_settings()
    fc = settings["forecast"]
    if model == "auto":
        sel = select_for(years, values, target_year, unit, settings, calibration, level)
        return sel.candidates[sel.model]
    fit = fit_model(years, values, model, unit, seed=fc["seed"], n_draws=int(fc["n_draws"]))
    fit.calibration = calibration
    return fit.predict(target_year, level)


__all__ = [
    "ASSESS_COLUMNS",
    "CSV_EXTRA_COLUMNS",
    "STATUSES",
    "Assessment",
    "IndicatorAssessment",
    "assess",
    "assess_target",
    "assessment_csv",
    "assessment_json",
    "forecast",
]
