"""The notebook-facing API: the same functions the reports use, with friendly arguments.

=================================  ===========================================================
function                           returns
=================================  ===========================================================
:func:`load_plan`                  :class:`~planeval.plans.catalogue.Plan` (targets of one plan)
:func:`load_observations`          tidy observation frame of one geography
:func:`assess`                     :class:`~explore.AssessmentResult` (every target)
:func:`forecast`                   :class:`~planeval.explore.ForecastResult` (one series)
:func:`plot_indicator`             matplotlib Axes with the report's chart of one indicator
=================================  ===========================================================

Results show themselves as HTML in JupyterLab and give pandas frames with ``.to_frame()``;
see :mod:`planeval.explore` and ``docs/explore.md``. Every function raises
:class:`~planeval.core.errors.InputError` (naming file, row, column and the fix) on bad input.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planeval.assessment.assess import Assessment, IndicatorAssessment
from planeval.assessment.assess import assess as _assess
from planeval.core.arguments import PYTHON, Caller
from planeval.core.settings import default_settings
from planeval.explore import AssessmentResult, ForecastResult, forecast_series
from planeval.plans.catalogue import Plan
from planeval.plans.catalogue import load_plan as _load_plan
from planeval.store.database import load_geography


def default_data_dir(data_dir: str | Path | None = None) -> Path:
    """``data_dir`` when given; else the data folder seen from where Python runs: ``data``
    (the repository root) or ``../data`` (a notebook in ``notebooks/`` or ``lab/``), the
    first that holds ``plans/``; ``data`` when neither does (the error then names it)."""
    if data_dir is not None:
        return Path(data_dir)
    for candidate in (Path("data"), Path("..") / "data"):
        if (candidate / "plans").is_dir():
            return candidate
    return Path("data")


def load_plan(
    plan: str | Path, data_dir: str | Path | None = None, caller: Caller = PYTHON
) -> Plan:
    """Load a plan by name (``women``/``children``) or YAML path. Raises ``InputError``
    (a title word such as ``儿童`` names the plans it matches)."""
    return _load_plan(plan, default_data_dir(data_dir), caller)


def load_observations(
    geography: str,
    data_dir: str | Path | None = None,
    plan: Plan | None = None,
    up_to_year: int | None = None,
) -> pd.DataFrame:
    """Tidy observations of a geography (every year up to ``up_to_year``), read from the
    monitoring database ``<data_dir>/processed`` (rebuilt first when a submission changed).

    One row per indicator, sex and year (columns ``planeval.intake.observations.FRAME_COLUMNS``:
    value in the indicator's unit, source, note, file, row, sha256). Indicators and units are
    checked against all plans of ``data_dir`` and its indicator register (``indicators.yaml``).
    Raises ``InputError`` listing every problem (a geography's display name, ``新疆维吾尔自治区``,
    names its code; ``up_to_year`` as the command line's ``--year``: a whole number in the
    data years, ``"2024"`` read as 2024). ``plan`` is accepted for symmetry and unused.
    ``data_dir``: see :func:`default_data_dir`.
    """
    from planeval.plans.requests import check_data_year, check_geography_code

    data_dir = default_data_dir(data_dir)
    geography = check_geography_code(geography, data_dir, PYTHON)
    if up_to_year is not None:
        up_to_year = check_data_year(up_to_year, data_dir, PYTHON, "up_to_year")
    return load_geography(data_dir, geography, up_to_year=up_to_year)


def assess(
    plan: str | Plan,
    geography: str,
    year: int | str,
    data_dir: str | Path | None = None,
    observations: pd.DataFrame | None = None,
    stage: str = "midterm",
    caller: Caller = PYTHON,
) -> AssessmentResult:
    """Assess every target of ``plan`` for ``geography`` with data up to ``year``, with the
    verdict of ``stage`` (``annual``, ``midterm``, ``final``; ``.verdict``, another stage's by
    ``.verdict_for(stage)``).

    ``observations``: a tidy frame to assess instead of the files of ``data_dir`` (e.g. an
    edited copy of :func:`load_observations`' frame, to ask "what if"); rows after ``year`` are
    ignored. Returns an :class:`~planeval.explore.AssessmentResult`, an
    :class:`~assessment.assess.Assessment` that renders as HTML in a notebook. Thresholds come
    from ``<data_dir>/config/assessment.yaml``; ``data_dir`` default: ``data`` from the
    repository root, ``../data`` from a notebook (:func:`default_data_dir`).

    The request is checked as the command line checks it (:mod:`planeval.plans.requests`):
    ``year`` a whole number (``"2024"`` is read as 2024) from the plan's base year to its
    target year and not after the current year, ``geography`` a code (a display name names
    its code) unless ``observations`` are given. Raises ``InputError``; the fix names this
    function's arguments (``year=2024``), the command line's options with ``caller=CLI``.
    """
    from planeval.plans.requests import check_geography_code, check_report_year

    data_dir = default_data_dir(data_dir)
    p = plan if isinstance(plan, Plan) else load_plan(plan, data_dir, caller)
    year = check_report_year(p, year, None, caller, data_dir=data_dir)
    if observations is None:  # (a frame given is assessed under whatever name it carries)
        geography = check_geography_code(geography, data_dir, caller)
        observations = load_geography(data_dir, geography, up_to_year=year)
    result = _assess(
        p, observations, year, geography=geography, data_dir=str(data_dir), stage=stage
    )
    return AssessmentResult.of(result, data_dir=data_dir)


def forecast(
    series: pd.Series | IndicatorAssessment,
    year: int,
    model: str = "auto",
    unit: str = "",
    level: float | None = None,
    data_dir: str | Path | None = None,
    settings: dict | None = None,
    calibrated: bool = True,
) -> ForecastResult:
    """Forecast a yearly series to ``year`` with a named trend model, or the one the
    assessment would choose (``model="auto"``).

    ``series``: floats indexed by year (an int index, or a DatetimeIndex/PeriodIndex), in the
    indicator's ``unit`` (``"%"`` admits the logit model and keeps forecasts inside 0–100 %;
    ``"‰"`` and ``"1/10万"`` (per 100,000) keep them ≥ 0); an ``IndicatorAssessment`` gives its
    own observations. Years without a value are left out and listed in ``dropped_years``.
    ``model``: ``auto``, ``mean``, ``linear``, ``loglinear``, ``logit`` or ``damped``
    (:mod:`planeval.forecasting`). ``level``: the interval's coverage (default the settings'
    ``main_level``, 0.95); the 80 % interval is always given too. Settings: ``settings``, else
    ``<data_dir>/config/assessment.yaml``, else the package's copy of the shipped thresholds.
    ``calibrated``: widen the interval as the assessment does, with the calibration table of
    ``data_dir`` (else the package's copy) for the series' last year (false: the model's own
    interval).

    Returns a :class:`~explore.ForecastResult` (a :class:`~forecasting.Forecast`):
    for the same data its ``value``/``low``/``high`` equal the assessment's ``forecast``/
    ``pi_low``/``pi_high`` (auto) or its ``candidates[model]``. Raises ``InputError`` for a
    Series not indexed by whole years, repeated years, fewer than 3 values, an unknown model or
    one that does not apply (e.g. ``damped`` needs 6 consecutive years).
    """
    return forecast_series(
        series,
        year,
        model=model,
        unit=unit,
        level=level,
        settings=settings,
        data_dir=data_dir,
        calibrated=calibrated,
    )


def plot_indicator(
    result: IndicatorAssessment | str,
    assessment: Assessment | None = None,
    ax=None,
    lang: str = "zh",
    reference: pd.Series | str | None = None,
    reference_label: str = "",
    **kwargs,
):
    """Draw the report's chart of one indicator; returns the matplotlib Axes.

    ``result``: an ``IndicatorAssessment`` (``assessment["under5_mortality"]``), or an
    indicator id together with ``assessment``. ``reference``: another geography's values as a
    Series indexed by year, or a geography code (read from the assessment's data folder up to
    its data year; a display name is refused naming its code, as everywhere), drawn dashed.
    Other keyword arguments go to :func:`reporting.charts.plot_indicator`. Raises ``KeyError``
    for an id not in the plan and ``InputError`` for an id without ``assessment`` or a
    geography without data.
    """
    from planeval.core.errors import InputError, Problem
    from planeval.explore import reference_series
    from planeval.explore.display import _charts
    from planeval.plans.requests import check_geography_code

    if isinstance(result, str):
        if assessment is None:
            raise InputError(
                Problem(
                    "plot_indicator",
                    f"indicator id '{result}' given without an assessment",
                    f"只给了指标 '{result}'，缺少评估结果",
                    "pass assessment=planeval.assess(...) or the result itself",
                    "传入 assessment=planeval.assess(...)",
                )
            )
        result = assessment[result]
    if isinstance(reference, str):
        if assessment is None:
            raise InputError(
                Problem(
                    "plot_indicator",
                    "reference geography given without an assessment",
                    "对比地区需要评估结果",
                    "pass assessment=...",
                    "传入 assessment=...",
                )
            )
        data_dir = getattr(assessment, "data_dir", None) or "data"
        geo = check_geography_code(reference, data_dir, PYTHON, "reference")
        reference = reference_series(result.indicator_id, geo, data_dir, assessment.data_year)
        reference_label = reference_label or geo
    settings = getattr(result, "_settings", None) or default_settings()
    kwargs.setdefault("seed", settings["forecast"]["seed"])  # the fan matches the table
    return _charts().plot_indicator(
        result, ax=ax, lang=lang, reference=reference, reference_label=reference_label, **kwargs
    )
