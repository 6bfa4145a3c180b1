"""Forecast one yearly series with a named trend model or the assessment's choice
(:func:`forecast_series`, behind ``planeval.forecast``), as a :class:`ForecastResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planeval.assessment.assess import IndicatorAssessment
from planeval.core.errors import InputError, Problem
from planeval.core.labels import label
from planeval.core.settings import default_settings
from planeval.explore.display import Heading, _charts, _new_axes, _png, render
from planeval.explore.results import IndicatorResult, _year_frame, year_series
from planeval.explore.text import _interval, _lang, _num, _settings, _t
from planeval.forecasting import (
    MIN_POINTS,
    MODEL_ORDER,
    Forecast,
    ModelNotApplicable,
)

if TYPE_CHECKING:  # comparison imports this module
    from planeval.explore.comparison import ModelComparison


@dataclass(frozen=True, repr=False)
class ForecastResult(Forecast):
    """A :class:`~forecasting.Forecast` (``value`` median, ``low``/``high`` the central
    ``level`` interval, for ``year``) with what the notebook needs around it.

    ``pi80_low``/``pi80_high``: the 80 % interval; ``selected``: the model the assessment
    would choose for this series and ``reason`` why; ``cv_error``: every candidate's
    cross-validated mean absolute error (indicator's unit); ``candidates``: every candidate's
    forecast at ``level``; ``dropped_years``: years of the input that had no value (left out).
    """

    unit: str = ""
    name: str = ""
    pi80_low: float | None = None
    pi80_high: float | None = None
    selected: str = ""
    reason: str = ""
    cv_error: dict = field(default_factory=dict)
    candidates: dict = field(default_factory=dict)
    years: tuple = ()
    values: tuple = ()
    dropped_years: tuple = ()
    settings: dict = field(default_factory=dict, repr=False, compare=False)

    def __repr__(self) -> str:
        return (
            f"ForecastResult(model={self.model!r}, year={self.year}, value={self.value:.6g}, "
            f"low={self.low:.6g}, high={self.high:.6g}, level={self.level}, n_obs={self.n_obs})"
        )

    @property
    def series(self) -> pd.Series:
        """The forecast's data as a float Series indexed by year."""
        return year_series(self.years, self.values, self.name or None)

    def to_frame(self) -> pd.DataFrame:
        """Year-indexed table as :meth:`IndicatorResult.to_frame` (no ``target`` column)."""
        frame = _year_frame(
            self.years,
            self.values,
            self.model,
            self.unit,
            self.year,
            None,
            self.settings or default_settings(),
        )
        return frame.drop(columns="target")

    def compare(self) -> ModelComparison:
        """Every candidate model side by side for the same series and year."""
        from planeval.explore.comparison import compare_models

        return compare_models(self.series, self.year, unit=self.unit)

    def _stub(self) -> IndicatorAssessment:
        name = self.name or "series"
        return IndicatorAssessment(
            indicator_id=name,
            name_zh=name,
            name_en=name,
            domain="",
            item="",
            unit=self.unit,
            direction="none",
            target_type="direction",
            target_value=None,
            target_year=self.year,
            n_obs=self.n_obs,
            years=list(self.years),
            values=list(self.values),
            model=self.model,
        )

    def _repr_html_(self, lang: str | None = None) -> str:
        lang = _lang(lang)
        rows = [
            (
                _t("model", lang),
                str(
                    f"{label('model', self.model, lang)}"
                    + (f" ({_t('auto', lang)})" if self.model == self.selected else "")
                ),
            ),
            (_t("forecast", lang), str(f"{_num(self.value, self.unit)} ({self.year})")),
            (_t("pi80", lang), str(_interval(self.pi80_low, self.pi80_high, self.unit))),
            (
                _t("interval_level", lang, level=f"{self.level:.0%}"),
                str(_interval(self.low, self.high, self.unit)),
            ),
            (_t("n_obs", lang), str(f"{self.n_obs} ({min(self.years)}–{max(self.years)})")),
            (_t("cv", lang), str(_num(self.cv_error.get(self.model)))),
            (
                _t("auto_choice", lang),
                str(f"{self.selected}: {self.reason}"),
            ),
        ]
        if self.dropped_years:
            rows.append(
                (
                    _t("no_value", lang),
                    str(", ".join(map(str, self.dropped_years))),
                )
            )
        stub = IndicatorResult.of(self._stub())
        fig, (ax,) = _new_axes()
        _charts().plot_indicator(stub, ax=ax, lang=lang)
        ax.legend(fontsize=7)
        ax.set_title(f"{self.name or ''} {self.model}", fontsize=9)
        chart = _png(fig, f"forecast {self.model} {self.year}")
        head = Heading(f"{self.name or 'forecast'} → {self.year}")
        return render(heading=head, rows=rows, chart=chart)


def _series_input(series, name: str | None = None) -> tuple[np.ndarray, np.ndarray, tuple, str]:
    """Years (int) and values (float) of a year-indexed Series; raises InputError."""
    where = "planeval.forecast(series)"
    if isinstance(series, IndicatorAssessment):
        return (
            np.asarray(series.years, int),
            np.asarray(series.values, float),
            (),
            name or series.indicator_id,
        )
    if not isinstance(series, pd.Series):
        raise InputError(
            Problem(
                where,
                f"expected a pandas Series indexed by year, got {type(series).__name__}",
                "应为以年份为索引的 pandas Series",
                "pass e.g. pd.Series([95.1, 95.6, 96.0], index=[2021, 2022, 2023])",
                "例如 pd.Series([95.1, 95.6, 96.0], index=[2021, 2022, 2023])",
            )
        )
    index = series.index
    if isinstance(index, pd.DatetimeIndex | pd.PeriodIndex):
        years = np.asarray(index.year, int)
    else:
        try:
            years_f = np.asarray(index, float)
        except (TypeError, ValueError):
            years_f = None
        if (
            years_f is None
            or not np.all(np.isfinite(years_f))
            or not np.all(years_f == np.round(years_f))
        ):
            raise InputError(
                Problem(
                    where,
                    f"the index must be whole years, got {list(index[:5])}",
                    "索引必须是整数年份",
                    "index the Series by year (2021, 2022, ...)",
                    "用年份（2021、2022……）作索引",
                )
            )
        years = years_f.astype(int)
    if len(set(years.tolist())) != len(years):
        dup = sorted({int(y) for y in years if (years == y).sum() > 1})
        raise InputError(
            Problem(
                where,
                f"years {dup} appear more than once",
                f"年份 {dup} 重复",
                "keep one value per year",
                "每年只保留一个值",
            )
        )
    try:
        values = pd.to_numeric(series, errors="raise").to_numpy(float)
    except (TypeError, ValueError) as exc:
        raise InputError(
            Problem(
                where,
                f"values must be numbers ({exc})",
                "数值必须是数字",
                "convert the values to numbers",
                "把数值转换为数字",
            )
        ) from None
    missing = np.isnan(values)
    dropped = tuple(int(y) for y in years[missing])
    return (
        years[~missing],
        values[~missing],
        dropped,
        name or (str(series.name) if series.name else ""),
    )


def _selection(years, values, year: int, unit: str, settings: dict, calibration=None):
    from planeval.assessment.assess import select_for

    try:
        sel = select_for(years, values, year, unit, settings, calibration)
    except ModelNotApplicable as exc:
        raise InputError(
            Problem(
                "planeval.forecast(series)",
                f"{exc} (got {len(values)})",
                f"趋势预测至少需要 3 个观测值（现有 {len(values)} 个）",
                "add observations",
                "补充观测值",
            )
        ) from None
    return sel


def forecast_series(
    series,
    year: int,
    model: str = "auto",
    unit: str = "",
    level: float | None = None,
    settings: dict | None = None,
    data_dir: str | Path | None = None,
    name: str | None = None,
    calibrated: bool = True,
) -> ForecastResult:
    """See :func:`planeval.api.forecast` (this is its implementation)."""
    years, values, dropped, name = _series_input(series, name)
    if isinstance(series, IndicatorAssessment) and not unit:
        unit = series.unit
    settings = _settings(settings, data_dir)
    fc = settings["forecast"]
    level = fc["main_level"] if level is None else float(level)
    if model != "auto" and model not in MODEL_ORDER:
        raise InputError(
            Problem(
                "planeval.forecast(model=...)",
                f"unknown model '{model}'",
                f"未知模型 '{model}'",
                f"use auto or one of {', '.join(MODEL_ORDER)}",
                f"可用 auto 或 {'、'.join(MODEL_ORDER)}",
            )
        )
    calibration = _calibration(series, years, settings, data_dir) if calibrated else None
    sel = _selection(years, values, year, unit, settings, calibration)
    chosen = sel.model if model == "auto" else model
    if chosen not in sel.fits:
        raise InputError(
            Problem(
                "planeval.forecast(model=...)",
                f"model '{chosen}' does not apply to this series: "
                f"{_why_not(chosen, years, values, unit)}",
                f"模型 '{chosen}' 不适用于该序列",
                f"use one of {', '.join(sel.fits)}",
                f"可用 {'、'.join(sel.fits)}",
            )
        )
    fit = sel.fits[chosen]
    main = fit.predict(int(year), level)
    f80 = fit.predict(int(year), min(fc["levels"]))
    candidates = (
        sel.candidates
        if level == fc["main_level"]
        else {m: f.predict(int(year), level) for m, f in sel.fits.items()}
    )
    return ForecastResult(
        model=main.model,
        year=main.year,
        value=main.value,
        low=main.low,
        high=main.high,
        level=main.level,
        n_obs=main.n_obs,
        unit=unit,
        name=name,
        pi80_low=f80.low,
        pi80_high=f80.high,
        selected=sel.model,
        reason=sel.reason,
        cv_error={k: float(v) for k, v in sel.cv_error.items()},
        candidates=dict(candidates),
        years=tuple(int(y) for y in years),
        values=tuple(float(v) for v in values),
        dropped_years=dropped,
        settings=settings,
    )


def _calibration(series, years, settings: dict, data_dir):
    """The calibration the assessment applies: an assessed indicator's own factors, else the
    table of ``data_dir`` (the package's copy when None) for the series' last year."""
    from planeval.assessment.assess import calibration_table
    from planeval.forecasting.calibration import HorizonFactors

    if isinstance(series, IndicatorAssessment):
        return HorizonFactors(dict(series.calibration_factors))
    if not len(years):
        return None
    return calibration_table(data_dir, settings, int(max(years)))


def _why_not(model: str, years, values, unit: str) -> str:
    """Why ``model`` is not a candidate for this series (the rules of ``models.applicable``)."""
    values = np.asarray(values, float)
    n = len(values)
    need = max(MIN_POINTS[model], 3)
    if n < need:
        return f"needs at least {need} observations, has {n}"
    if model == "loglinear":
        return "needs every value > 0"
    if model == "logit":
        return "needs a % indicator with every value strictly between 0 and 100"
    if model == "damped":
        return "needs consecutive years (no gap)"
    return "not applicable"
