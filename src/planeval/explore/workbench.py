"""Typed results for exploring an assessment in JupyterLab (the researcher's workbench).

Every object here shows itself in a notebook as HTML (``_repr_html_``: the indicator's name, its
status, a small table and a small chart embedded as a base64 PNG ``<img>``) and gives its
numbers to pandas with ``.to_frame()``. The numbers are the assessment's own: nothing is
re-estimated differently from :func:`planeval.assessment.assess`.

============================  ==================================================================
object                        what it answers
============================  ==================================================================
:class:`AssessmentResult`     how does the plan stand? (status overview, early warnings)
:class:`IndicatorResult`      why does this indicator have this status? (``.explain()``)
:class:`ForecastResult`       what does a model forecast for a series? (``planeval.forecast``)
:class:`ModelComparison`      would another trend model change the verdict? (:func:`compare_models`)
:class:`SensitivityResult`    does the verdict hang on one year, e.g. 2020? (:func:`sensitivity`)
:class:`OverlayResult`        how does another geography compare? (:func:`overlay`)
:class:`Workbench`            ipywidgets dropdowns that re-render the views above in place
============================  ==================================================================

``AssessmentResult`` and ``IndicatorResult`` are subclasses of
:class:`~assessment.assess.Assessment` and :class:`~assessment.assess.IndicatorAssessment`
with the same fields, so the report code accepts them unchanged. Language of tables and
sentences: :func:`set_lang` (``zh``, the default, or ``en``).

Charts are drawn with :func:`planeval.reporting.charts.plot_indicator`, imported lazily so that
``import planeval`` stays light; the chart module leaves the notebook's backend alone.
"""

from __future__ import annotations

import base64
import html
import importlib
import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import numpy as np
import pandas as pd

from planeval.assessment.assess import STATUSES, Assessment, IndicatorAssessment
from planeval.assessment.assess import assess as _assess
from planeval.core.errors import InputError, Problem
from planeval.core.labels import label, status_badge
from planeval.core.settings import default_settings, load_settings
from planeval.forecasting import (
    COMPLEXITY,
    MIN_POINTS,
    MODEL_ORDER,
    Forecast,
    ModelNotApplicable,
    bounded_alternative,
    select_model,
)
from planeval.intake.observations import list_geographies, load_geography, series_for

_OPTIONS = {"lang": "zh"}

TEXT = {
    "indicator": ("指标", "Indicator"),
    "status": ("状态", "Status"),
    "target": ("目标", "Target"),
    "baseline": ("基期值", "Baseline"),
    "latest": ("最新值", "Latest value"),
    "n_obs": ("观测数", "Observations"),
    "model": ("趋势模型", "Trend model"),
    "forecast": ("预测值", "Forecast"),
    "pi80": ("80% 预测区间", "80% prediction interval"),
    "pi95": ("95% 预测区间", "95% prediction interval"),
    "p_attain": ("达标概率", "P(attain)"),
    "rule": ("判定依据", "Rule applied"),
    "change": ("变化趋势", "Change"),
    "warning": ("预警", "Early warning"),
    "cv": ("交叉验证误差", "CV error"),
    "with": ("含 {year} 年", "with {year}"),
    "without": ("剔除 {year} 年", "without {year}"),
    "geography": ("地区", "Geography"),
    "no": ("否", "no"),
}


def set_lang(lang: str) -> None:
    """Language of tables, sentences and charts of this module: ``"zh"`` or ``"en"``.

    Raises :class:`~planeval.core.errors.InputError` for any other value.
    """
    if lang not in ("zh", "en"):
        raise InputError(
            Problem(
                "set_lang",
                f"unknown language '{lang}'",
                f"未知语言 '{lang}'",
                "use zh or en",
                "请用 zh 或 en",
            )
        )
    _OPTIONS["lang"] = lang


def get_lang() -> str:
    return _OPTIONS["lang"]


def _lang(lang: str | None) -> str:
    return lang if lang in ("zh", "en") else _OPTIONS["lang"]


def _t(key: str, lang: str | None = None, **kw) -> str:
    zh, en = TEXT[key]
    return (en if _lang(lang) == "en" else zh).format(**kw)


# --------------------------------------------------------------------------- charts, lazily
def _charts():
    """``planeval.reporting.charts``, imported on first use (it pulls in matplotlib and seaborn)."""
    return importlib.import_module("planeval.reporting.charts")


def _png(fig, alt: str, dpi: int = 90) -> str:
    """The figure as an ``<img>`` with a base64 PNG and escaped alt text; closes the figure."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(alt, quote=True)}" src="data:image/png;base64,{data}"/>'


def _new_axes(ncols: int = 1, size=(4.6, 3.0)):
    charts = _charts()
    charts.setup_style()
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        1, ncols, figsize=(size[0] * ncols, size[1]), squeeze=False, sharey=ncols > 1
    )
    return fig, list(axes.flat)


# --------------------------------------------------------------------------- formatting
def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _num(x, unit: str = "", digits: int = 4) -> str:
    if _missing(x):
        return "—"
    text = f"{x:.{digits}g}"
    if unit in ("%", "‰"):
        return text + unit
    if unit == "1/10万":
        return text + "/10万"
    return f"{text} {unit}".strip()


def _interval(lo, hi, unit: str = "") -> str:
    if _missing(lo) or _missing(hi):
        return "—"
    return f"{_num(lo)} – {_num(hi, unit)}"


def _p(p) -> str:
    return "—" if _missing(p) else f"{p:.2f}"


def _esc(x) -> str:
    return html.escape("" if x is None else str(x))


def _name(r: IndicatorAssessment, lang: str | None = None) -> str:
    return r.name_en if _lang(lang) == "en" else r.name_zh


def _heading(r: IndicatorAssessment, lang: str | None = None) -> str:
    other = r.name_zh if _lang(lang) == "en" else r.name_en
    return (
        f"<h4 style='margin:0.2em 0'>{_esc(_name(r, lang))} <small>{_esc(other)} · "
        f"<code>{_esc(r.indicator_id)}</code></small></h4>"
    )


def _badge(status: str, lang: str | None = None) -> str:
    return f"<strong class='planeval-status'>{_esc(status_badge(status, _lang(lang)))}</strong>"


def _kv_table(rows: list[tuple[str, str]]) -> str:
    body = "".join(
        f"<tr><th style='text-align:left'>{_esc(k)}</th><td style='text-align:left'>{v}</td></tr>"
        for k, v in rows
    )
    return f"<table class='planeval-kv'>{body}</table>"


def _frame_html(frame: pd.DataFrame, index: bool = False) -> str:
    return frame.to_html(
        index=index, escape=True, na_rep="—", border=0, float_format=lambda x: f"{x:.4g}"
    )


def _box(*parts: str) -> str:
    inner = "".join(parts)
    return f"<div class='planeval-explore' style='max-width:1100px'>{inner}</div>"


def _side_by_side(left: str, right: str) -> str:
    return (
        "<div style='display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start'>"
        f"<div>{left}</div><div>{right}</div></div>"
    )


def target_text(r: IndicatorAssessment, lang: str | None = None) -> str:
    """The target in words (``≥ 99%``, ``每年 ≥ 95%``, ``约 45% ± 2``, ``−20% vs 2020``...)."""
    lang = _lang(lang)
    tt = r.target_type
    v = _num(r.target_value, r.unit)
    every = "每年 " if lang == "zh" else "every year "
    texts = {
        "at_least": f"≥ {v}",
        "count_at_least": f"≥ {v}",
        "at_most": f"≤ {v}",
        "maintain_at_least": f"{every}≥ {v}",
        "maintain_at_most": f"{every}≤ {v}",
    }
    if tt in texts:
        return texts[tt]
    if tt == "about" and r.band_low is not None:
        band = _interval(r.band_low, r.band_high, r.unit)
        return f"{'约' if lang == 'zh' else 'about'} {v} ({band})"
    if tt == "relative_change":
        level = f" → {_num(r.target_level, r.unit)}" if r.target_level is not None else ""
        return f"{r.target_value:+g}% vs {r.baseline_year or '?'}{level}"
    return label("target_type", tt, lang)


# --------------------------------------------------------------------------- indicator
class IndicatorResult(IndicatorAssessment):
    """One target assessed, as the notebook shows it.

    Same fields as :class:`~planeval.assessment.assess.IndicatorAssessment` (values in ``unit``,
    ``p_attain`` in [0, 1], ``pi_low``/``pi_high`` the 95 % prediction interval of ``forecast``
    for ``forecast_year``), plus:

    * :attr:`series` — observations as a float Series indexed by year;
    * :meth:`to_frame` — one row per year from the first observation to the target year;
    * :meth:`explain` — the status in sentences: target, data, rule, forecast, trend, path;
    * :meth:`plot` — the report's chart of this indicator.
    """

    @classmethod
    def of(cls, result: IndicatorAssessment) -> IndicatorResult:
        """The same result as an ``IndicatorResult`` (fields shared, not copied deeply)."""
        if isinstance(result, cls):
            return result
        new = object.__new__(cls)
        new.__dict__.update(vars(result))
        return new

    def _with_settings(self, settings: dict | None, period: tuple | None = None) -> IndicatorResult:
        """Remember the assessment's settings (thresholds quoted by :meth:`explain`) and the
        plan period; not dataclass fields, so ``asdict``/``to_frame`` do not see them."""
        self.__dict__["_settings"] = settings
        self.__dict__["_period"] = period
        return self

    def __repr__(self) -> str:
        return (
            f"IndicatorResult({self.indicator_id!r}, status={self.status!r}, n_obs={self.n_obs}, "
            f"model={self.model!r}, forecast={self.forecast!r}, p_attain={self.p_attain!r})"
        )

    @property
    def series(self) -> pd.Series:
        """Observed values (float, in ``unit``) indexed by year, named by ``indicator_id``."""
        return pd.Series(
            np.asarray(self.values, float),
            index=pd.Index(self.years, dtype=int, name="year"),
            name=self.indicator_id,
        )

    def to_frame(self) -> pd.DataFrame:
        """Year-indexed table from the first observation to the target year.

        Columns: ``value`` (observed), ``fitted`` (chosen model's median), ``pi80_low``,
        ``pi80_high``, ``pi95_low``, ``pi95_high`` (prediction intervals, years after the last
        observation only), ``target`` (the numeric threshold, when the target has one). In the
        target year ``fitted``/``pi95_*`` equal ``forecast``/``pi_low``/``pi_high``.
        """
        return _year_frame(
            self.years,
            self.values,
            self.model,
            self.unit,
            self.target_year,
            self.target_level,
            getattr(self, "_settings", None) or default_settings(),
        )

    def explain(self, lang: str | None = None) -> str:
        """Why the indicator has its status, in plain sentences (``lang``: ``zh`` or ``en``)."""
        return "\n".join(_explain(self, _lang(lang)))

    def plot(
        self,
        ax=None,
        lang: str | None = None,
        reference: pd.Series | None = None,
        reference_label: str = "",
    ):
        """The report's panel (:func:`reporting.charts.plot_indicator`, with the assessment's
        simulation seed so the fan matches the table); returns the Axes."""
        settings = getattr(self, "_settings", None) or default_settings()
        return _charts().plot_indicator(
            self,
            ax=ax,
            lang=_lang(lang),
            reference=reference,
            reference_label=reference_label,
            seed=settings["forecast"]["seed"],
        )

    def chart_html(
        self, lang: str | None = None, reference: pd.Series | None = None, reference_label: str = ""
    ) -> str:
        if not self.years:
            return ""
        fig, (ax,) = _new_axes()
        self.plot(ax=ax, lang=lang, reference=reference, reference_label=reference_label)
        ax.legend(fontsize=7, loc="best")
        ax.set_title(_name(self, lang), fontsize=9)
        return _png(fig, f"{_name(self, lang)}: {status_badge(self.status, _lang(lang))}")

    def table_html(self, lang: str | None = None) -> str:
        lang = _lang(lang)
        years = f"{min(self.years)}–{max(self.years)}" if self.years else "—"
        rows = [
            (_t("status", lang), _badge(self.status, lang)),
            (_t("target", lang), _esc(f"{target_text(self, lang)} ({self.target_year})")),
            (
                _t("baseline", lang),
                _esc(
                    f"{_num(self.baseline_value, self.unit)} "
                    f"({self.baseline_year or '—'}, {self.baseline_source or '—'})"
                ),
            ),
            (
                _t("latest", lang),
                _esc(f"{_num(self.latest_value, self.unit)} ({self.latest_year or '—'})"),
            ),
            (_t("n_obs", lang), _esc(f"{self.n_obs} ({years})")),
            (_t("model", lang), _esc(label("model", self.model, lang) or "—")),
            (
                _t("forecast", lang),
                _esc(f"{_num(self.forecast, self.unit)} ({self.forecast_year or '—'})"),
            ),
            (_t("pi80", lang), _esc(_interval(self.pi80_low, self.pi80_high, self.unit))),
            (_t("pi95", lang), _esc(_interval(self.pi_low, self.pi_high, self.unit))),
            (_t("p_attain", lang), _esc(_p(self.p_attain))),
            (_t("change", lang), _esc(label("change", self.change, lang) or "—")),
            (
                _t("warning", lang),
                _esc(
                    ", ".join(label("warning", w, lang) for w in self.warning_reasons)
                    or _t("no", lang)
                ),
            ),
            (_t("rule", lang), _esc(self.status_rule)),
        ]
        return _kv_table(rows)

    def _repr_html_(self, lang: str | None = None) -> str:
        lang = _lang(lang)
        why = "".join(f"<li>{_esc(s)}</li>" for s in _explain(self, lang))
        return _box(
            _heading(self, lang),
            _side_by_side(self.table_html(lang), self.chart_html(lang)),
            f"<ul style='max-width:1000px'>{why}</ul>",
        )


def _year_frame(years, values, model, unit, target_year, target_level, settings) -> pd.DataFrame:
    """Observed, fitted and interval columns by year (see :meth:`IndicatorResult.to_frame`)."""
    from planeval.forecasting import fit_model

    fc = settings["forecast"]
    years = [int(y) for y in years]
    start = min(years) if years else int(target_year)
    index = pd.Index(range(start, int(target_year) + 1), name="year")
    frame = pd.DataFrame(
        index=index,
        columns=["value", "fitted", "pi80_low", "pi80_high", "pi95_low", "pi95_high", "target"],
        dtype=float,
    )
    for y, v in zip(years, values, strict=True):
        frame.loc[y, "value"] = float(v)
    frame["target"] = np.nan if target_level is None else float(target_level)
    if model and years:
        try:
            fit = fit_model(
                years, values, model, unit, seed=fc["seed"], n_draws=int(fc.get("n_draws", 4000))
            )
        except ModelNotApplicable:
            return frame
        levels = fc["levels"]
        for y in index:
            if y <= max(years):
                frame.loc[y, "fitted"] = float(fit.fitted([y])[0])
                continue
            f95 = fit.predict(int(y), max(levels))
            f80 = fit.predict(int(y), min(levels))
            frame.loc[y, ["fitted", "pi95_low", "pi95_high", "pi80_low", "pi80_high"]] = [
                f95.value,
                f95.low,
                f95.high,
                f80.low,
                f80.high,
            ]
    return frame


def _period(assessment: Assessment) -> tuple[int, int]:
    return (assessment.plan.period_start, assessment.plan.period_end)


def _explain(r: IndicatorAssessment, lang: str) -> list[str]:
    """Sentences that account for ``r.status``; every number is a field of ``r``."""
    zh = lang == "zh"
    u = r.unit
    out = []
    badge = status_badge(r.status, lang)
    target = target_text(r, lang)
    out.append(
        f"状态：{badge}。目标：{target}（{r.target_year}年）。"
        if zh
        else f"Status: {badge}. Target: {target} by {r.target_year}."
    )
    if r.status == "not_assessed":
        out.append(
            "非统计目标：依据部门的文字说明评估。"
            if zh
            else "Not a statistical target: assessed from the department's written account."
        )
        if r.account:
            out.append(r.account)
        return out
    if not r.n_obs:
        out.append(
            "该地区没有这个指标的观测值，无法评估。先补充数据（data/observations/<地区>/<年份>.csv）。"
            if zh
            else "No observation of this indicator for this geography, so it cannot be "
            "assessed: add data (data/observations/<geography>/<year>.csv) first."
        )
        return out
    years = ", ".join(str(y) for y in r.years)
    out.append(
        f"数据：{r.n_obs} 个观测值（{years}），"
        f"最新值 {_num(r.latest_value, u)}（{r.latest_year}年）。"
        if zh
        else f"Data: {r.n_obs} observations ({years}); latest {_num(r.latest_value, u)} "
        f"in {r.latest_year}."
    )
    if r.target_level is not None and r.latest_value is not None and r.target_sense in (">=", "<="):
        gap = r.latest_value - r.target_level
        ok = r.meets(r.latest_value)
        out.append(
            (
                f"最新值与目标值 {_num(r.target_level, u)} 相差 {gap:+.3g}，"
                f"{'已满足' if ok else '尚未满足'}目标。"
            )
            if zh
            else (
                f"The latest value is {gap:+.3g} from the threshold {_num(r.target_level, u)}: "
                f"{'meets' if ok else 'does not meet'} the target."
            )
        )
    out.append(f"判定依据：{r.status_rule}" if zh else f"Rule applied: {r.status_rule}")
    failing = [y for y, v in zip(r.years, r.values, strict=True) if r.meets(float(v)) is False]
    period = getattr(r, "_period", None)
    if period:
        failing = [y for y in failing if period[0] <= y <= period[1]]
    if r.target_type.startswith("maintain") and failing:
        listed = ", ".join(str(y) for y in failing)
        where = f"（规划期 {period[0]}–{period[1]}）" if period else ""
        where_en = f" (plan period {period[0]}–{period[1]})" if period else ""
        out.append(
            (
                f"“保持”类目标要求规划期内每个观测年份都达标；规划期内未达标的观测年份{where}：{listed}。"
                "只要有一年未达标即判为难以达标，与趋势预测无关。"
            )
            if zh
            else (
                f"A 'maintain' target must be met in every observed year of the plan period; "
                f"observed years below it{where_en}: {listed}. One such year makes the target off "
                "track, whatever the forecast."
            )
        )
    if r.model and r.forecast is not None:
        model = label("model", r.model, lang)
        out.append(
            (
                f"趋势模型：{model}（{r.model_reason}）。"
                f"{r.forecast_year}年预测值 {_num(r.forecast, u)}，"
                f"95% 预测区间 {_interval(r.pi_low, r.pi_high, u)}。"
            )
            if zh
            else (
                f"Trend model: {model} ({r.model_reason}). Forecast for {r.forecast_year}: "
                f"{_num(r.forecast, u)}, "
                f"95% prediction interval {_interval(r.pi_low, r.pi_high, u)}."
            )
        )
    elif r.n_obs:
        out.append(
            f"没有趋势预测：{r.model_reason or '观测值不足'}。"
            if zh
            else f"No trend forecast: {r.model_reason or 'too few observations'}."
        )
    if r.p_attain is not None and not _missing(r.p_attain):
        st = (getattr(r, "_settings", None) or _settings(None, None))["status"]
        on, off = st["on_track_min_p"], st["off_track_max_p"]
        out.append(
            (
                f"达标概率 p_attain = {r.p_attain:.2f}（≥ {on:g} 有望达标；< {off:g} 难以达标；"
                "之间为存在风险；阈值见 data/config/assessment.yaml）。"
            )
            if zh
            else (
                f"Probability of attainment p_attain = {r.p_attain:.2f} (≥ {on:g} on track, "
                f"< {off:g} off track, in between at risk; thresholds in "
                "data/config/assessment.yaml)."
            )
        )
    if r.change is not None and r.slope is not None:
        ch = label("change", r.change, lang)
        out.append(
            (f"线性趋势斜率 {r.slope:+.3g} {u}/年（p = {r.slope_p:.3g}）：{ch}。")
            if zh
            else (f"Linear trend slope {r.slope:+.3g} {u}/year (p = {r.slope_p:.3g}): {ch}.")
        )
    if r.path_position and r.path_value is not None:
        pos = label("path", r.path_position, lang)
        out.append(
            (
                f"按基期（{r.baseline_year}年 {_num(r.baseline_value, u)}）到目标的匀速进度，"
                f"{r.latest_year}年应为 {_num(r.path_value, u)}，"
                f"实际 {_num(r.latest_value, u)}：{pos}。"
            )
            if zh
            else (
                f"On the straight path from the baseline ({_num(r.baseline_value, u)} in "
                f"{r.baseline_year}) to the target, {r.latest_year} should be "
                f"{_num(r.path_value, u)}; observed {_num(r.latest_value, u)}: {pos}."
            )
        )
    if r.volatile:
        out.append(f"波动较大：{r.volatility_rule}。" if zh else f"Volatile: {r.volatility_rule}.")
    if r.sensitivity_year is not None and r.status_without_flagged:
        other = status_badge(r.status_without_flagged, lang)
        out.append(
            (
                f"剔除 {r.sensitivity_year} 年后状态为 {other}"
                f"（{'结论改变' if r.sensitivity_changed else '结论不变'}）。"
            )
            if zh
            else (
                f"Without {r.sensitivity_year} the status would be {other} "
                f"({'changes' if r.sensitivity_changed else 'unchanged'})."
            )
        )
    return out


# --------------------------------------------------------------------------- assessment
@dataclass(repr=False)
class AssessmentResult(Assessment):
    """All targets of a plan for one geography, as the notebook shows it.

    Same fields as :class:`~planeval.assessment.assess.Assessment` plus ``data_dir`` (where the
    data came from, used to load another geography for :meth:`overlay`); ``results`` are
    :class:`IndicatorResult`. ``to_frame()`` is the assessment's table (one row per target).
    """

    data_dir: str | None = None

    @classmethod
    def of(cls, assessment: Assessment, data_dir: str | Path | None = None) -> AssessmentResult:
        if isinstance(assessment, cls) and data_dir is None:
            return assessment
        values = {f.name: getattr(assessment, f.name) for f in fields(Assessment)}
        values["results"] = [
            IndicatorResult.of(r)._with_settings(assessment.settings, _period(assessment))
            for r in assessment.results
        ]
        dd = data_dir if data_dir is not None else getattr(assessment, "data_dir", None)
        return cls(**values, data_dir=None if dd is None else str(dd))

    def __repr__(self) -> str:
        counts = {k: int(v) for k, v in self.counts().items() if v}
        return (
            f"AssessmentResult(plan={self.plan.plan!r}, geography={self.geography!r}, "
            f"data_year={self.data_year}, targets={len(self.results)}, {counts})"
        )

    def __getitem__(self, indicator_id: str) -> IndicatorResult:
        for r in self.results:
            if r.indicator_id == indicator_id:
                return IndicatorResult.of(r)
        raise KeyError(
            f"{indicator_id!r} is not a target of plan {self.plan.plan!r}; "
            f"see .indicator_ids (e.g. {', '.join(self.indicator_ids[:3])})"
        )

    @property
    def indicator_ids(self) -> list[str]:
        return [r.indicator_id for r in self.results]

    def overview(self, lang: str | None = None) -> pd.DataFrame:
        """Counts of targets by domain (rows, plan order) and status (columns)."""
        lang = _lang(lang)
        domains = [d["zh"] for d in self.plan.domains]
        data = {
            label("status", s, lang): [
                sum(1 for r in self.results if r.domain == d and r.status == s) for d in domains
            ]
            for s in STATUSES
        }
        frame = pd.DataFrame(data, index=[self.plan.domain_name(d, lang) for d in domains])
        frame.loc["合计" if lang == "zh" else "Total"] = frame.sum()
        return frame

    def table(self, statistical_only: bool = True, lang: str | None = None) -> pd.DataFrame:
        """One readable row per target: name, latest, forecast, 95 % PI, p_attain, status."""
        lang = _lang(lang)
        rows = []
        for r in self.results:
            if statistical_only and r.status == "not_assessed":
                continue
            rows.append(
                {
                    "indicator_id": r.indicator_id,
                    _t("indicator", lang): _name(r, lang),
                    _t("target", lang): target_text(r, lang),
                    _t("latest", lang): _num(r.latest_value, r.unit),
                    _t("n_obs", lang): r.n_obs,
                    _t("model", lang): r.model or "—",
                    _t("forecast", lang): _num(r.forecast, r.unit),
                    _t("pi95", lang): _interval(r.pi_low, r.pi_high, r.unit),
                    _t("p_attain", lang): _p(r.p_attain),
                    _t("status", lang): status_badge(r.status, lang),
                }
            )
        return pd.DataFrame(rows)

    def warnings(self) -> pd.DataFrame:
        """Targets with an early warning (预警): id, status, reasons, p_attain."""
        rows = [
            {
                "indicator_id": r.indicator_id,
                "name_zh": r.name_zh,
                "status": r.status,
                "warning_reasons": ", ".join(r.warning_reasons),
                "p_attain": r.p_attain,
            }
            for r in self.results
            if r.early_warning
        ]
        return pd.DataFrame(
            rows, columns=["indicator_id", "name_zh", "status", "warning_reasons", "p_attain"]
        )

    def indicator_options(self, lang: str | None = None) -> list[tuple[str, str]]:
        """``(label, indicator_id)`` for a dropdown: targets with data first, then the rest."""
        lang = _lang(lang)
        with_data = [r for r in self.results if r.n_obs]
        rest = [r for r in self.results if not r.n_obs and r.status != "not_assessed"]
        return [
            (
                f"{status_badge(r.status, lang)} · {_name(r, lang)} "
                f"({r.indicator_id}, n={r.n_obs})",
                r.indicator_id,
            )
            for r in with_data + rest
        ]

    def compare_models(self, indicator_id: str) -> ModelComparison:
        return compare_models(self[indicator_id], settings=self.settings)

    def sensitivity(self, indicator_id: str, drop_year: int | None) -> SensitivityResult:
        return sensitivity(self, indicator_id, drop_year)

    def overlay(
        self, indicator_id: str, geographies: str | list[str], data_dir: str | Path | None = None
    ) -> OverlayResult:
        return overlay(self, indicator_id, geographies, data_dir=data_dir)

    def chart_html(self, lang: str | None = None) -> str:
        lang = _lang(lang)
        counts = self.counts()
        counts = counts[counts > 0]
        if counts.empty:
            return ""
        fig, (ax,) = _new_axes(size=(4.2, 0.35 * len(counts) + 0.9))
        labels_ = [label("status", s, lang) for s in counts.index]
        colours = {
            "achieved": "#009E73",
            "on_track": "#56B4E9",
            "at_risk": "#E69F00",
            "off_track": "#D55E00",
            "insufficient_data": "#999999",
            "not_assessed": "#CCCCCC",
        }
        ax.barh(
            labels_[::-1], counts.to_numpy()[::-1], color=[colours[s] for s in counts.index][::-1]
        )
        for i, v in enumerate(counts.to_numpy()[::-1]):
            ax.text(v, i, f" {v}", va="center", fontsize=8)
        ax.set_xlabel("指标数" if lang == "zh" else "targets", fontsize=8)
        ax.tick_params(labelsize=8)
        return _png(fig, "status counts")

    def _repr_html_(self, lang: str | None = None) -> str:
        lang = _lang(lang)
        title = (
            f"<h3 style='margin:0.2em 0'>{_esc(self.plan.title(lang))} · {_esc(self.geography)} · "
            f"{'数据截至' if lang == 'zh' else 'data up to'} {self.data_year}</h3>"
        )
        overview = _frame_html(self.overview(lang), index=True)
        table = _frame_html(self.table(lang=lang))
        note = (
            "仅列出统计目标；定性目标（定性评估）见 .to_frame()。"
            if lang == "zh"
            else "Statistical targets only; qualitative targets are in .to_frame()."
        )
        return _box(
            title,
            _side_by_side(overview, self.chart_html(lang)),
            f"<details open><summary>{_esc(note)}</summary>{table}</details>",
        )


# --------------------------------------------------------------------------- forecast
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
        return pd.Series(
            np.asarray(self.values, float),
            index=pd.Index(self.years, dtype=int, name="year"),
            name=self.name or None,
        )

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
                _esc(
                    f"{label('model', self.model, lang)}"
                    + (
                        f" ({'自动选择' if lang == 'zh' else 'auto'})"
                        if self.model == self.selected
                        else ""
                    )
                ),
            ),
            (_t("forecast", lang), _esc(f"{_num(self.value, self.unit)} ({self.year})")),
            (_t("pi80", lang), _esc(_interval(self.pi80_low, self.pi80_high, self.unit))),
            (
                f"{self.level:.0%} {'预测区间' if lang == 'zh' else 'prediction interval'}",
                _esc(_interval(self.low, self.high, self.unit)),
            ),
            (_t("n_obs", lang), _esc(f"{self.n_obs} ({min(self.years)}–{max(self.years)})")),
            (_t("cv", lang), _esc(_num(self.cv_error.get(self.model)))),
            (
                ("自动选择" if lang == "zh" else "Auto choice"),
                _esc(f"{self.selected}: {self.reason}"),
            ),
        ]
        if self.dropped_years:
            rows.append(
                (
                    "缺失值（未使用）" if lang == "zh" else "No value (left out)",
                    _esc(", ".join(map(str, self.dropped_years))),
                )
            )
        stub = IndicatorResult.of(self._stub())
        fig, (ax,) = _new_axes()
        _charts().plot_indicator(stub, ax=ax, lang=lang)
        ax.legend(fontsize=7)
        ax.set_title(f"{self.name or ''} {self.model}", fontsize=9)
        chart = _png(fig, f"forecast {self.model} {self.year}")
        head = f"<h4 style='margin:0.2em 0'>{_esc(self.name or 'forecast')} → {self.year}</h4>"
        return _box(head, _side_by_side(_kv_table(rows), chart))


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


def _settings(settings: dict | None, data_dir: str | Path | None) -> dict:
    """``settings`` if given, else ``data_dir``'s ``config/assessment.yaml``, else the package's
    copy (``assessment_default.yaml``: the same thresholds as the shipped data)."""
    if settings is not None:
        return settings
    if data_dir is None:
        return default_settings()
    return load_settings(data_dir)


def _selection(years, values, year: int, unit: str, settings: dict):
    fc = settings["forecast"]
    try:
        sel = select_model(
            years,
            values,
            int(year),
            unit,
            fc["tie_margin"],
            fc["main_level"],
            seed=fc["seed"],
            n_draws=int(fc.get("n_draws", 4000)),
        )
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
    sel = _selection(years, values, year, unit, settings)
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


# --------------------------------------------------------------------------- model comparison
#: Columns of :attr:`ModelComparison.frame`, in order.
COMPARISON_COLUMNS = [
    "model",
    "applicable",
    "cv_method",
    "cv_error",
    "forecast",
    "pi80_low",
    "pi80_high",
    "pi95_low",
    "pi95_high",
    "p_target",
    "chosen",
    "note",
]


@dataclass
class ModelComparison:
    """Every candidate trend model of one series side by side.

    ``frame``: one row per model of :data:`forecasting.MODEL_ORDER` with ``applicable``,
    ``cv_method`` (leave-future-out: fit on the first k points, forecast the later ones, as in
    :func:`forecasting.select_model`), ``cv_error`` (mean absolute error, indicator's
    unit), ``forecast`` (median for ``target_year``), ``pi80_low``, ``pi80_high``,
    ``pi95_low``, ``pi95_high``, ``p_target`` (P(the target-year value meets a
    ``>=``/``<=``/band target) under that model; for ``maintain_*`` targets the assessment's
    ``p_attain`` is instead joint over every remaining year), ``chosen`` and ``note`` (why the
    model is or is not chosen). The chosen row's numbers are the assessment's.
    """

    name: str
    unit: str
    target_year: int
    years: list
    values: list
    chosen: str | None
    reason: str
    frame: pd.DataFrame
    result: IndicatorAssessment | None = None
    fits: dict = field(default_factory=dict, repr=False)

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def chart_html(self, lang: str | None = None) -> str:
        lang = _lang(lang)
        if not self.fits:
            return ""
        charts = _charts()
        fig, (ax,) = _new_axes(size=(5.4, 3.4))
        colours = ["#999999", "#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#D55E00"]
        styles = [":", "-", "--", "-.", (0, (1, 1)), (0, (3, 1, 1, 1)), (0, (5, 1))]
        years = np.asarray(self.years, int)
        grid = np.arange(int(years.min()), int(self.target_year) + 1)
        for i, m in enumerate(MODEL_ORDER):
            if m not in self.fits:
                continue
            row = self.frame.set_index("model").loc[m]
            bold = m == self.chosen
            ax.plot(
                grid,
                self.fits[m].fitted(grid),
                color=colours[i % len(colours)],
                ls=styles[i % len(styles)],
                lw=2.4 if bold else 1.2,
                label=f"{m}{(' (选中)' if lang == 'zh' else ' (chosen)') if bold else ''}",
            )
            x = self.target_year + (i - len(MODEL_ORDER) / 2) * 0.1
            ax.errorbar(
                [x],
                [row["forecast"]],
                yerr=[[row["forecast"] - row["pi95_low"]], [row["pi95_high"] - row["forecast"]]],
                color=colours[i % len(colours)],
                capsize=2,
                lw=1,
                marker="o",
                ms=3,
            )
        ax.scatter(
            years,
            self.values,
            color="#000000",
            s=20,
            zorder=5,
            label="观测值" if lang == "zh" else "observed",
        )
        r = self.result
        if r is not None and r.target_sense in (">=", "<=") and r.target_level is not None:
            ax.axhline(
                r.target_level,
                color=charts.OKABE_ITO["target"],
                ls=(0, (5, 3)),
                lw=1.2,
                label=("目标" if lang == "zh" else "target"),
            )
        ax.set_ylabel(self.unit, fontsize=8)
        ax.tick_params(labelsize=8)
        ax.legend(fontsize=7, loc="best")
        ax.set_title(
            (
                "各模型的趋势与 95% 预测区间"
                if lang == "zh"
                else "each model's trend and 95% interval"
            ),
            fontsize=9,
        )
        return _png(fig, f"model comparison for {self.name}")

    def _repr_html_(self, lang: str | None = None) -> str:
        lang = _lang(lang)
        head = (
            _heading(self.result, lang)
            if self.result is not None
            else f"<h4 style='margin:0.2em 0'>{_esc(self.name)}</h4>"
        )
        status = ""
        if self.result is not None:
            status = f"<p>{_t('status', lang)}: {_badge(self.result.status, lang)}</p>"
        if self.chosen is None:
            msg = (
                f"观测值不足（{len(self.values)} 个，至少需要 3 个），没有可比较的趋势模型。"
                if lang == "zh"
                else f"Too few observations ({len(self.values)}; a trend needs 3): "
                "no model to compare."
            )
            return _box(head, status, f"<p>{_esc(msg)}</p>")
        chose = (
            "选中模型" if lang == "zh" else "Chosen model"
        ) + f": <b>{_esc(self.chosen)}</b> — {_esc(self.reason)}"
        cols = COMPARISON_COLUMNS
        return _box(
            head,
            status,
            f"<p>{chose}</p>",
            _side_by_side(_frame_html(self.frame[cols]), self.chart_html(lang)),
        )


def compare_models(
    obj,
    target_year: int | None = None,
    unit: str | None = None,
    settings: dict | None = None,
    data_dir: str | Path | None = None,
) -> ModelComparison:
    """All candidate models of an indicator (``IndicatorAssessment``) or a year-indexed Series.

    For an ``IndicatorAssessment`` the target year, unit and target come from it; for a
    Series give ``target_year`` (and ``unit``: ``%`` admits the logit model). ``settings``:
    the assessment settings (``Assessment.settings``; default ``data_dir``'s or the package's
    copy of ``assessment.yaml``). Never raises for a short series: with fewer than 3 values
    the comparison is empty and says so.
    """
    result = obj if isinstance(obj, IndicatorAssessment) else None
    years, values, _, name = _series_input(obj)
    if result is not None:
        target_year = result.target_year
        unit = result.unit
    if target_year is None:
        raise InputError(
            Problem(
                "compare_models(target_year=...)",
                "target_year is required for a Series",
                "序列需要给出目标年",
                "pass target_year=2025",
                "传入 target_year=2025",
            )
        )
    unit = unit or ""
    settings = _settings(settings, data_dir)
    fc = settings["forecast"]
    cols = COMPARISON_COLUMNS
    try:
        sel = _selection(years, values, target_year, unit, settings)
    except InputError:
        frame = pd.DataFrame(
            [
                {
                    "model": m,
                    "applicable": False,
                    "chosen": False,
                    "note": _why_not(m, years, values, unit),
                }
                for m in MODEL_ORDER
            ],
            columns=cols,
        )
        return ModelComparison(
            name,
            unit,
            int(target_year),
            years.tolist(),
            values.tolist(),
            None,
            "fewer than 3 observations",
            frame,
            result,
        )
    rows = []
    best_err = sel.cv_error.get(sel.model, float("nan"))
    for m in MODEL_ORDER:
        row = {"model": m, "applicable": m in sel.fits, "chosen": m == sel.model}
        if m not in sel.fits:
            row["note"] = "not applicable: " + _why_not(m, years, values, unit)
            rows.append(row)
            continue
        fit = sel.fits[m]
        f95 = fit.predict(int(target_year), fc["main_level"])
        f80 = fit.predict(int(target_year), min(fc["levels"]))
        err = sel.cv_error.get(m, float("nan"))
        row.update(
            cv_method="leave-future-out",
            cv_error=err,
            forecast=f95.value,
            pi80_low=f80.low,
            pi80_high=f80.high,
            pi95_low=f95.low,
            pi95_high=f95.high,
            p_target=_p_target(fit, result, int(target_year)),
        )
        if m == sel.model:
            row["note"] = sel.reason
        elif m in getattr(sel, "excluded", {}):
            row["note"] = "not eligible: " + sel.excluded[m]
        elif bounded_alternative(m, unit, values):
            row["note"] = "not eligible: can cross 0–100 %; the logit model stands in for it"
        elif not np.isfinite(err):
            row["note"] = "could not be cross-validated"
        elif COMPLEXITY[m] > COMPLEXITY[sel.model]:
            row["note"] = (
                f"more complex than {sel.model}: must cut the error by more than "
                f"{fc['tie_margin']:.0%} ({err:.4g} vs {best_err:.4g})"
            )
        elif COMPLEXITY[m] == COMPLEXITY[sel.model]:
            row["note"] = f"same complexity, error {err:.4g} not below {sel.model}'s {best_err:.4g}"
        else:
            row["note"] = (
                f"simpler, but the chosen {sel.model} cuts the error by more than "
                f"{fc['tie_margin']:.0%}"
            )
        rows.append(row)
    frame = pd.DataFrame(rows, columns=cols)
    return ModelComparison(
        name,
        unit,
        int(target_year),
        years.tolist(),
        values.tolist(),
        sel.model,
        sel.reason,
        frame,
        result,
        dict(sel.fits),
    )


def _p_target(fit, result: IndicatorAssessment | None, year: int) -> float:
    if result is None or result.target_sense is None:
        return float("nan")
    if result.target_sense == ">=":
        return fit.prob_at_least(year, result.target_level)
    if result.target_sense == "<=":
        return fit.prob_at_most(year, result.target_level)
    return max(
        0.0, fit.prob_at_least(year, result.band_low) - fit.prob_at_least(year, result.band_high)
    )


# --------------------------------------------------------------------------- sensitivity
@dataclass
class SensitivityResult:
    """The same target assessed with and without one year's observation.

    ``before``/``after``: :class:`IndicatorResult` with and without ``drop_year``; ``dropped``
    is False when the indicator has no observation in that year (then both are the same).
    ``to_frame()``: rows ``n_obs, years, model, forecast, pi_low, pi_high, p_attain, status,
    change``; columns ``with`` and ``without``.
    """

    before: IndicatorResult
    after: IndicatorResult
    drop_year: int | None
    dropped: bool

    @property
    def changed(self) -> bool:
        """True when leaving the year out changes the status."""
        return self.before.status != self.after.status

    def to_frame(self) -> pd.DataFrame:
        keys = [
            "n_obs",
            "years",
            "model",
            "forecast",
            "pi_low",
            "pi_high",
            "p_attain",
            "status",
            "change",
        ]
        return pd.DataFrame(
            {
                "with": [getattr(self.before, k) for k in keys],
                "without": [getattr(self.after, k) for k in keys],
            },
            index=keys,
        )

    def _repr_html_(self, lang: str | None = None) -> str:
        lang = _lang(lang)
        r, a, y = self.before, self.after, self.drop_year
        head = _heading(r, lang)
        if not self.dropped:
            msg = (
                (
                    f"{y} 年没有该指标的观测值，无需剔除；状态仍为 {status_badge(r.status, lang)}。"
                    if lang == "zh"
                    else f"No observation in {y}: nothing to leave out; status stays "
                    f"{status_badge(r.status, lang)}."
                )
                if y is not None
                else ("未选择要剔除的年份。" if lang == "zh" else "No year chosen to leave out.")
            )
            return _box(head, f"<p>{_esc(msg)}</p>")
        w, wo = _t("with", lang, year=y), _t("without", lang, year=y)
        rows = [
            ("", f"<b>{_esc(w)}</b></td><td><b>{_esc(wo)}</b>"),
            (_t("status", lang), f"{_badge(r.status, lang)}</td><td>{_badge(a.status, lang)}"),
            (_t("n_obs", lang), f"{r.n_obs}</td><td>{a.n_obs}"),
            (_t("model", lang), f"{_esc(r.model or '—')}</td><td>{_esc(a.model or '—')}"),
            (
                _t("forecast", lang),
                f"{_esc(_num(r.forecast, r.unit))}</td><td>{_esc(_num(a.forecast, a.unit))}",
            ),
            (
                _t("pi95", lang),
                f"{_esc(_interval(r.pi_low, r.pi_high, r.unit))}</td><td>"
                f"{_esc(_interval(a.pi_low, a.pi_high, a.unit))}",
            ),
            (_t("p_attain", lang), f"{_p(r.p_attain)}</td><td>{_p(a.p_attain)}"),
            (_t("rule", lang), f"{_esc(r.status_rule)}</td><td>{_esc(a.status_rule)}"),
        ]
        verdict = (
            (
                f"剔除 {y} 年后结论{'改变' if self.changed else '不变'}："
                f"{status_badge(r.status, lang)} → "
                f"{status_badge(a.status, lang)}。"
            )
            if lang == "zh"
            else (
                f"Leaving out {y} {'changes' if self.changed else 'does not change'} the status: "
                f"{status_badge(r.status, lang)} → {status_badge(a.status, lang)}."
            )
        )
        fig, axes = _new_axes(ncols=2, size=(3.8, 2.8))
        for ax, res, title in ((axes[0], r, w), (axes[1], a, wo)):
            res.plot(ax=ax, lang=lang)
            ax.set_title(title, fontsize=9)
        axes[1].scatter(
            [y],
            [dict(zip(r.years, r.values, strict=True))[y]],
            s=40,
            facecolors="none",
            edgecolors="#D55E00",
            zorder=6,
            label=f"{y} ({'剔除' if lang == 'zh' else 'left out'})",
        )
        axes[1].legend(fontsize=7)
        chart = _png(fig, verdict)
        return _box(head, f"<p><b>{_esc(verdict)}</b></p>", _side_by_side(_kv_table(rows), chart))


def _reassess(
    assessment: Assessment,
    indicator_id: str,
    observations: pd.DataFrame,
    geography: str | None = None,
) -> IndicatorResult:
    """Assess one target of ``assessment`` again on ``observations``: same plan, data year and
    settings; ``geography`` (default the assessment's) decides whether the plan's baseline
    applies (only for the plan's own geography)."""
    plan = assessment.plan
    one = replace(plan, targets=[plan.target(indicator_id)])
    again = _assess(
        one,
        observations,
        assessment.data_year,
        geography=assessment.geography if geography is None else geography,
        settings=assessment.settings,
    )
    return IndicatorResult.of(again.results[0])._with_settings(
        assessment.settings, _period(assessment)
    )


def sensitivity(
    assessment: Assessment, indicator_id: str, drop_year: int | None
) -> SensitivityResult:
    """Assess ``indicator_id`` again without its ``drop_year`` observation (other years and
    every setting unchanged). Raises ``KeyError`` for an indicator not in the plan and
    :class:`InputError` when the assessment carries no observations."""
    before = IndicatorResult.of(assessment[indicator_id])
    obs = assessment.observations
    if obs is None:
        raise InputError(
            Problem(
                "sensitivity(assessment)",
                "the assessment carries no observations",
                "评估结果中没有观测数据",
                "use planeval.assess(...)",
                "请用 planeval.assess(...)",
            )
        )
    if drop_year is None or int(drop_year) not in before.years:
        return SensitivityResult(
            before, before, None if drop_year is None else int(drop_year), False
        )
    keep = ~((obs["indicator_id"] == indicator_id) & (obs["year"] == int(drop_year)))
    after = _reassess(assessment, indicator_id, obs[keep])
    return SensitivityResult(before, after, int(drop_year), True)


# --------------------------------------------------------------------------- overlay
@dataclass
class OverlayResult:
    """One target in the assessed geography and in others, on one chart.

    ``main``: the assessment's result; ``others``: ``{geography: IndicatorResult}`` assessed
    with the same plan, data year and settings. ``to_frame()``: values by year (rows) and
    geography (columns).
    """

    main: IndicatorResult
    geography: str
    others: dict

    def to_frame(self) -> pd.DataFrame:
        cols = {self.geography: self.main.series}
        cols.update({g: r.series for g, r in self.others.items()})
        frame = pd.DataFrame(cols)
        frame.index.name = "year"
        return frame.sort_index()

    def _repr_html_(self, lang: str | None = None) -> str:
        lang = _lang(lang)
        results = {self.geography: self.main, **self.others}
        rows = pd.DataFrame(
            [
                {
                    _t("geography", lang): label("geography", g, lang),
                    _t("n_obs", lang): r.n_obs,
                    _t("latest", lang): f"{_num(r.latest_value, r.unit)} ({r.latest_year or '—'})",
                    _t("forecast", lang): _num(r.forecast, r.unit),
                    _t("pi95", lang): _interval(r.pi_low, r.pi_high, r.unit),
                    _t("p_attain", lang): _p(r.p_attain),
                    _t("status", lang): status_badge(r.status, lang),
                }
                for g, r in results.items()
            ]
        )
        chart = ""
        if any(r.years for r in results.values()):
            fig, (ax,) = _new_axes()
            base = (
                self.main if self.main.years else next(r for r in self.others.values() if r.years)
            )
            base_geo = next(g for g, r in results.items() if r is base)
            refs = [(g, r) for g, r in results.items() if r is not base and r.years]
            first = refs[0] if refs else None
            base.plot(
                ax=ax,
                lang=lang,
                reference=first[1].series if first else None,
                reference_label=label("geography", first[0], lang) if first else "",
            )
            for g, r in refs[1:]:
                ax.plot(
                    r.series.index,
                    r.series.to_numpy(float),
                    ls="-.",
                    marker="+",
                    lw=1,
                    label=label("geography", g, lang),
                )
            first_year = min(min(r.years) for r in results.values() if r.years)
            left, right = ax.get_xlim()
            ax.set_xlim(min(left, first_year - 0.5), right)
            ax.set_title(f"{_name(base, lang)} · {label('geography', base_geo, lang)}", fontsize=9)
            ax.legend(fontsize=7)
            chart = _png(fig, f"{self.main.indicator_id}: {', '.join(results)}")
        return _box(_heading(self.main, lang), _side_by_side(_frame_html(rows), chart))


def overlay(
    assessment: AssessmentResult | Assessment,
    indicator_id: str,
    geographies: str | list[str],
    data_dir: str | Path | None = None,
) -> OverlayResult:
    """``indicator_id`` of ``assessment`` beside the same target in ``geographies``.

    The other geographies are read from ``data_dir`` (default: the assessment's) up to the
    same data year and assessed with the same plan and settings (their baseline is their own
    observation, not the plan's). Raises :class:`InputError` for a geography without data.
    """
    main = IndicatorResult.of(assessment[indicator_id])
    if isinstance(geographies, str):
        geographies = [geographies]
    data_dir = data_dir or getattr(assessment, "data_dir", None) or "data"
    others = {}
    for geo in geographies:
        if not geo or geo == assessment.geography:
            continue
        obs = load_geography(data_dir, geo, up_to_year=assessment.data_year)
        others[geo] = _reassess(assessment, indicator_id, obs, geography=geo)
    return OverlayResult(main, assessment.geography, others)


def reference_series(
    indicator_id: str, geography: str, data_dir: str | Path = "data", up_to_year: int | None = None
) -> pd.Series:
    """Observed values of ``indicator_id`` in ``geography`` (float Series indexed by year)."""
    return series_for(load_geography(data_dir, geography, up_to_year=up_to_year), indicator_id)


# --------------------------------------------------------------------------- picking
def pick_indicator(assessment: Assessment, indicator_id: str | None = None) -> str:
    """``indicator_id`` when it is a target of the plan; when empty, the first off-track
    target with the most observations (else at risk, else any with data).

    Raises :class:`InputError` naming a few valid ids for an unknown one.
    """
    ids = [r.indicator_id for r in assessment.results]
    if indicator_id:
        if indicator_id in ids:
            return indicator_id
        raise InputError(
            Problem(
                "indicator",
                f"'{indicator_id}' is not a target of plan '{assessment.plan.plan}'",
                f"'{indicator_id}' 不是该规划的指标",
                f"use one of {', '.join(ids[:6])}, ... (assessment.indicator_ids)",
                "从 assessment.indicator_ids 中选择",
            )
        )
    for status in ("off_track", "at_risk", "on_track", "achieved", "insufficient_data"):
        pool = [r for r in assessment.results if r.status == status and r.n_obs]
        if pool:
            return max(pool, key=lambda r: r.n_obs).indicator_id
    return ids[0]


def geography_options(assessment: Assessment, data_dir: str | Path | None = None) -> list[str]:
    """Geographies with data under ``data_dir``, the assessed one excluded."""
    data_dir = data_dir or getattr(assessment, "data_dir", None) or "data"
    return [g for g in list_geographies(data_dir) if g != assessment.geography]


# --------------------------------------------------------------------------- workbench
class Workbench:
    """Dropdowns (indicator, other geography, year to leave out) that re-render views in place.

    ``show(view)`` displays one view (``"indicator"``, ``"models"``, ``"sensitivity"``,
    ``"overlay"``) for the current choice as ordinary cell output, so a notebook run top to
    bottom without a browser (papermill) shows the default analysis; ``controls()`` returns the
    ipywidgets row. Changing a dropdown re-renders every shown view where it stands (IPython
    display handles); nothing is re-rendered until a dropdown changes.
    """

    VIEWS = ("indicator", "models", "sensitivity", "overlay")

    def __init__(
        self,
        assessment: Assessment,
        indicator: str | None = None,
        compare_geography: str | None = None,
        drop_year: int | None = None,
        data_dir: str | Path | None = None,
    ):
        self.assessment = AssessmentResult.of(assessment, data_dir)
        self.data_dir = data_dir or self.assessment.data_dir or "data"
        self.indicator = pick_indicator(self.assessment, indicator)
        # papermill may pass "None" or "" for "no choice"
        none = (None, "", "None", "none")
        self.compare_geography = None if compare_geography in none else str(compare_geography)
        try:
            self.drop_year = None if drop_year in none else int(drop_year)
        except (TypeError, ValueError):
            raise InputError(
                Problem(
                    "drop_year",
                    f"drop_year '{drop_year}' is not a year",
                    f"剔除年份 '{drop_year}' 不是年份",
                    "give a year such as 2020, or None",
                    "填写年份（如 2020）或 None",
                )
            ) from None
        self._handles: dict[str, list] = {}
        self._widgets = None

    def view(self, name: str):
        """The object of one view for the current choice."""
        a, i = self.assessment, self.indicator
        if name == "indicator":
            return a[i]
        if name == "models":
            return a.compare_models(i)
        if name == "sensitivity":
            return a.sensitivity(i, self.drop_year)
        if name == "overlay":
            geos = [self.compare_geography] if self.compare_geography else []
            return a.overlay(i, geos, data_dir=self.data_dir)
        raise ValueError(f"unknown view {name!r}; choose from {self.VIEWS}")

    def show(self, name: str) -> None:
        """Display one view as cell output and remember where, for re-rendering."""
        from IPython.display import display

        handle = display(_Safe(lambda: self.view(name)), display_id=True)
        self._handles.setdefault(name, []).append(handle)

    def refresh(self) -> None:
        for name, handles in self._handles.items():
            for h in handles:
                if h is not None:
                    h.update(_Safe(lambda n=name: self.view(n)))

    def controls(self):
        """The ipywidgets row: indicator, other geography and year-to-leave-out dropdowns."""
        import ipywidgets as w

        lang = get_lang()
        ind = w.Dropdown(
            options=self.assessment.indicator_options(lang),
            value=self.indicator,
            description="指标" if lang == "zh" else "Indicator",
            layout=w.Layout(width="62%"),
        )
        geos = [("—", None)] + [
            (label("geography", g, lang), g)
            for g in geography_options(self.assessment, self.data_dir)
        ]
        if self.compare_geography not in [v for _, v in geos]:
            geos.append((self.compare_geography, self.compare_geography))
        geo = w.Dropdown(
            options=geos,
            value=self.compare_geography,
            description="对比地区" if lang == "zh" else "Compare",
            layout=w.Layout(width="18%"),
        )
        year = w.Dropdown(
            options=self._year_options(),
            value=self._year_value(),
            description="剔除年份" if lang == "zh" else "Leave out",
            layout=w.Layout(width="18%"),
        )

        def on_indicator(change):
            self.indicator = change["new"]
            year.options = self._year_options()
            year.value = self._year_value()
            self.refresh()

        def on_geo(change):
            self.compare_geography = change["new"]
            self.refresh()

        def on_year(change):
            if change["new"] != self.drop_year:
                self.drop_year = change["new"]
                self.refresh()

        ind.observe(on_indicator, names="value")
        geo.observe(on_geo, names="value")
        year.observe(on_year, names="value")
        self._widgets = w.HBox([ind, geo, year])
        return self._widgets

    def _year_options(self):
        years = self.assessment[self.indicator].years
        return [("—", None)] + [(str(y), int(y)) for y in years]

    def _year_value(self):
        years = self.assessment[self.indicator].years
        if self.drop_year in years:
            return self.drop_year
        flagged = self.assessment.settings.get("sensitivity", {}).get("flagged_years", [])
        return next((int(y) for y in flagged if y in years), None)


class _Safe:
    """Render ``make()``'s object once; an input error is shown as a message in place."""

    def __init__(self, make: Callable):
        self.make = make
        self._made = None
        self._error = None

    def _get(self):
        if self._made is None and self._error is None:
            try:
                self._made = self.make()
            except (InputError, KeyError) as exc:
                self._error = exc
        return self._made

    def _repr_html_(self) -> str:
        obj = self._get()
        if obj is None:
            return f"<pre class='planeval-error'>{_esc(self._error)}</pre>"
        return obj._repr_html_()

    def __repr__(self) -> str:
        obj = self._get()
        return str(self._error) if obj is None else repr(obj)
