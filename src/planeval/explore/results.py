"""Results objects of an assessment as a notebook shows them: :class:`AssessmentResult` (every
target of a plan) and :class:`IndicatorResult` (one target: table, chart, ``explain()``)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planeval.assessment.assess import Assessment, IndicatorAssessment
from planeval.assessment.verdict import COMMON, STAGE_STATUSES
from planeval.core.labels import label, status_badge, verdict_badge
from planeval.core.settings import default_settings
from planeval.explore.display import (
    Heading,
    Image,
    _charts,
    _frame_html,
    _heading,
    _new_axes,
    _png,
    _verdict_badge,
    render,
)
from planeval.explore.text import (
    _gap,
    _interval,
    _lang,
    _missing,
    _name,
    _num,
    _p,
    _reason,
    _settings,
    _t,
    target_text,
)
from planeval.forecasting import ModelNotApplicable
from planeval.plans.registry import geography_name
from planeval.reporting.formatting import decimals_for, fmt_per_year

if TYPE_CHECKING:  # the views import this module; they are imported where used
    from planeval.explore.comparison import ModelComparison
    from planeval.explore.overlay import OverlayResult
    from planeval.explore.sensitivity import SensitivityResult


def year_series(years, values, name: str | None = None) -> pd.Series:
    """Values as a float Series indexed by year (``int``, index name ``year``)."""
    return pd.Series(
        np.asarray(values, float), index=pd.Index(years, dtype=int, name="year"), name=name
    )


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

    def _with_settings(
        self, settings: dict | None, period: tuple | None = None, verdict=None
    ) -> IndicatorResult:
        """Remember the assessment's settings (thresholds quoted by :meth:`explain`), the
        plan period and the target's verdict (:class:`~planeval.assessment.verdict.
        TargetVerdict`); not dataclass fields, so ``asdict``/``to_frame`` do not see them."""
        self.__dict__["_settings"] = settings
        self.__dict__["_period"] = period
        if verdict is not None:
            self.__dict__["_verdict"] = verdict
        return self

    @property
    def verdict(self):
        """The target's verdict for the assessment's stage (None outside an assessment)."""
        return self.__dict__.get("_verdict")

    def __repr__(self) -> str:
        return (
            f"IndicatorResult({self.indicator_id!r}, status={self.status!r}, n_obs={self.n_obs}, "
            f"model={self.model!r}, forecast={self.forecast!r}, p_attain={self.p_attain!r})"
        )

    @property
    def series(self) -> pd.Series:
        """Observed values (float, in ``unit``) indexed by year, named by ``indicator_id``."""
        return year_series(self.years, self.values, self.indicator_id)

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
            self.calibration_factors,
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
        return render("part.html.j2", chart=self._chart(lang, reference, reference_label))

    def _chart(
        self, lang: str | None = None, reference: pd.Series | None = None, reference_label: str = ""
    ) -> Image | None:
        if not self.years:
            return None
        fig, (ax,) = _new_axes()
        self.plot(ax=ax, lang=lang, reference=reference, reference_label=reference_label)
        ax.legend(fontsize=7, loc="best")
        ax.set_title(_name(self, lang), fontsize=9)
        return _png(fig, f"{_name(self, lang)}: {_verdict_badge(self, _lang(lang)).text}")

    def table_html(self, lang: str | None = None) -> str:
        return render("part.html.j2", rows=self._rows(lang))

    def _rows(self, lang: str | None = None) -> list[tuple]:
        lang = _lang(lang)
        years = f"{min(self.years)}–{max(self.years)}" if self.years else "—"
        t = self.verdict
        rows = [
            (_t("status", lang), _verdict_badge(self, lang)),
            (_t("target", lang), str(f"{target_text(self, lang)} ({self.target_year})")),
            (
                _t("baseline", lang),
                str(
                    f"{_num(self.baseline_value, self.unit)} "
                    f"({self.baseline_year or '—'}, {self.baseline_source or '—'})"
                ),
            ),
            (
                _t("latest", lang),
                str(f"{_num(self.latest_value, self.unit)} ({self.latest_year or '—'})"),
            ),
            (_t("n_obs", lang), str(f"{self.n_obs} ({years})")),
            (_t("model", lang), str(label("model", self.model, lang) or "—")),
            (
                _t("forecast", lang),
                str(f"{_num(self.forecast, self.unit)} ({self.forecast_year or '—'})"),
            ),
            (_t("pi80", lang), str(_interval(self.pi80_low, self.pi80_high, self.unit))),
            (_t("pi95", lang), str(_interval(self.pi_low, self.pi_high, self.unit))),
            (_t("p_attain", lang), str(_p(self.p_attain))),
            (_t("change", lang), _change_words(self, lang)),
            (
                _t("warning", lang),
                str(
                    ", ".join(label("warning", w, lang) for w in self.warning_reasons)
                    or _t("no", lang)
                ),
            ),
            (_t("rule", lang), _reason(t, self.unit, lang) if t else str(self.status_rule)),
        ]
        return rows

    def _repr_html_(self, lang: str | None = None) -> str:
        lang = _lang(lang)
        return render(
            heading=_heading(self, lang),
            rows=self._rows(lang),
            chart=self._chart(lang),
            items=_explain(self, lang),
        )


def _year_frame(
    years, values, model, unit, target_year, target_level, settings, factors=None
) -> pd.DataFrame:
    """Observed, fitted and interval columns by year (see :meth:`IndicatorResult.to_frame`);
    ``factors``: the assessment's calibration factors by horizon (None: uncalibrated)."""
    from planeval.forecasting import fit_model
    from planeval.forecasting.calibration import HorizonFactors

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
        if factors:
            fit.calibration = HorizonFactors(dict(factors))
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


def _say(key: str, lang: str, **values) -> str:
    """One sentence of :meth:`IndicatorResult.explain` (group ``explain`` of ``labels.yaml``)."""
    return label("explain", key, lang).format(**values)


def _explain(r: IndicatorAssessment, lang: str) -> list[str]:
    """Sentences that account for ``r.status``; every number is a field of ``r``."""
    u = r.unit
    t = getattr(r, "verdict", None)
    out = [
        _say(
            "status",
            lang,
            badge=_verdict_badge(r, lang).text,
            target=target_text(r, lang),
            year=r.target_year,
        )
    ]
    if r.status == "not_assessed":
        return out + [_say("qualitative", lang)] + ([r.account] if r.account else [])
    if not r.n_obs:
        return out + [_say("no_data", lang)]
    years = ", ".join(str(y) for y in r.years)
    latest = _num(r.latest_value, u, lang)
    out.append(_say("data", lang, n=r.n_obs, years=years, latest=latest, latest_year=r.latest_year))
    if t is not None and t.gap is not None:
        key = "gap_met" if t.gap == 0 else f"gap_not_met{'_' + t.band_side if t.band_side else ''}"
        goal = _num(t.goal, u, lang) if t.band_side else _num(r.target_level, u, lang)
        out.append(_say(key, lang, level=goal, gap=_gap(t.gap, u, lang)))
    rule = _reason(t, u, lang) if t is not None and lang == "zh" else r.status_rule
    out.append(_say("rule", lang, rule=rule))
    return out + _explain_maintain(r, lang) + _explain_forecast(r, lang) + _explain_signals(r, lang)


def _change_words(r, lang: str) -> str:
    """The change in words: the tested trend with enough values, else first → last."""
    t = getattr(r, "verdict", None)
    if t is None or t.trend_kind is None:
        return label("change", r.change, lang) or "—"
    if t.trend_kind == "tested":
        return label("change", t.change, lang) or "—"
    delta = _gap(abs(t.trend_delta), r.unit, lang)
    key = (
        "first_last_same"
        if _num(t.trend_delta, r.unit) == _num(0.0, r.unit)
        else ("first_last_up" if t.trend_delta > 0 else "first_last_down")
    )
    return label("change", key, lang).format(first=t.trend_first, last=t.trend_last, delta=delta)


def _explain_maintain(r: IndicatorAssessment, lang: str) -> list[str]:
    """A 'maintain' target: the observed years of the plan period that fail it."""
    failing = [y for y, v in zip(r.years, r.values, strict=True) if r.meets(float(v)) is False]
    period = getattr(r, "_period", None)
    if period:
        failing = [y for y in failing if period[0] <= y <= period[1]]
    if not (r.target_type.startswith("maintain") and failing):
        return []
    where = _say("plan_period", lang, start=period[0], end=period[1]) if period else ""
    return [_say("maintain_failed", lang, where=where, years=", ".join(map(str, failing)))]


def _model_rule(r: IndicatorAssessment) -> str:
    """The label of the rule that chose the model: the default forecast (settings
    ``forecast.rule: default``, what the reports use) or per-series selection."""
    st = getattr(r, "_settings", None) or _settings(None, None)
    return "model_default" if st["forecast"].get("rule", "default") == "default" else "model_chosen"


def _explain_forecast(r: IndicatorAssessment, lang: str) -> list[str]:
    """The trend model, its forecast and interval, and the probability of attainment."""
    u = r.unit
    out = []
    if r.model and r.forecast is not None:
        out.append(
            _say(
                "model",
                lang,
                model=label("model", r.model, lang),
                reason=r.model_reason if lang == "en" else _say(_model_rule(r), lang),
                year=r.forecast_year,
                forecast=_num(r.forecast, u),
                interval=_interval(r.pi_low, r.pi_high, u),
            )
        )
    elif r.n_obs:
        reason = r.model_reason if lang == "en" and r.model_reason else _say("too_few", lang)
        out.append(_say("no_model", lang, reason=reason))
    if r.p_attain is not None and not _missing(r.p_attain):
        st = (getattr(r, "_settings", None) or _settings(None, None))["status"]
        on, off = f"{st['on_track_min_p']:g}", f"{st['off_track_max_p']:g}"
        out.append(_say("p_attain", lang, p=_p(r.p_attain), on=on, off=off))
    return out


def _explain_signals(r: IndicatorAssessment, lang: str) -> list[str]:
    """The trend's direction, the mid-term path position, volatility and the sensitivity year."""
    u = r.unit
    out = []
    t = getattr(r, "verdict", None)
    tested = t is None or t.trend_kind == "tested"
    if tested and r.change is not None and r.slope is not None:
        change = label("change", r.change, lang)
        d = decimals_for(r.unit, list(r.values))  # a change per year: the reports' one rule
        slope, p = fmt_per_year(r.slope, d, signed=True), _p(r.slope_p)
        out.append(_say("slope", lang, slope=slope, unit=u, p=p, change=change))
    elif t is not None and t.trend_kind == "first_last":
        out.append(_say("first_last", lang, change=_change_words(r, lang), n=r.n_obs))
    if r.path_position and r.path_value is not None:
        out.append(
            _say(
                "path",
                lang,
                base_year=r.baseline_year,
                base=_num(r.baseline_value, u),
                year=r.latest_year,
                path=_num(r.path_value, u),
                latest=_num(r.latest_value, u),
                position=label("path", r.path_position, lang),
            )
        )
    if r.volatile:
        out.append(_say("volatile", lang, rule=r.volatility_rule if lang == "en" else ""))
    if t is not None and t.status_without_flagged:  # in the verdict's words, as the reports
        key = "without_changes" if t.status_without_flagged != t.status else "without_same"
        other = verdict_badge(t.status_without_flagged, lang)
        out.append(_say(key, lang, year=t.sensitivity_year, other=other))
    elif r.sensitivity_year is not None and r.status_without_flagged:
        key = "without_changes" if r.sensitivity_changed else "without_same"
        other = status_badge(r.status_without_flagged, lang)
        out.append(_say(key, lang, year=r.sensitivity_year, other=other))
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
        verdict = assessment.verdict_for()
        values["results"] = [
            IndicatorResult.of(r)._with_settings(
                assessment.settings, _period(assessment), verdict[r.indicator_id]
            )
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
        """Counts of targets by domain (rows, plan order) and the verdict's stage status
        (columns: the stage's statuses, then 数据滞后/无数据/… where they occur)."""
        lang = _lang(lang)
        domains = [d["zh"] for d in self.plan.domains]
        verdict = self.verdict_for()
        seen = {t.status for t in verdict.targets}
        statuses = [*STAGE_STATUSES[verdict.stage], *(s for s in COMMON if s in seen)]
        data = {
            label("verdict_status", s, lang): [
                sum(1 for t in verdict.targets if t.domain == d and t.status == s) for d in domains
            ]
            for s in statuses
        }
        frame = pd.DataFrame(data, index=[self.plan.domain_name(d, lang) for d in domains])
        frame.loc[_t("total", lang)] = frame.sum()
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
                    _t("indicator_id", lang): r.indicator_id,
                    _t("indicator", lang): _name(r, lang),
                    _t("target", lang): target_text(r, lang),
                    _t("latest", lang): _num(r.latest_value, r.unit),
                    _t("n_obs", lang): r.n_obs,
                    _t("model", lang): label("model", r.model, lang) or "—",
                    _t("forecast", lang): _num(r.forecast, r.unit),
                    _t("pi95", lang): _interval(r.pi_low, r.pi_high, r.unit),
                    _t("p_attain", lang): _p(r.p_attain),
                    _t("status", lang): _verdict_badge(r, lang).text,
                    _t("rule", lang): _reason(r.verdict, r.unit, lang)
                    if r.verdict
                    else r.status_rule,
                }
            )
        return pd.DataFrame(rows)

    def warnings(self, lang: str | None = None) -> pd.DataFrame:
        """Targets with an early warning (预警), in the session's language: id, name, stage
        status, the reasons in words and the probability of attainment (2 decimals)."""
        lang = _lang(lang)
        keys = ("indicator_id", "indicator", "status", "warning", "p_attain")
        columns = [_t(k, lang) for k in keys]
        sep = ", " if lang == "en" else "、"
        rows = [
            (
                r.indicator_id,
                _name(r, lang),
                _verdict_badge(r, lang).text,
                sep.join(label("warning", w, lang) for w in r.warning_reasons),
                _p(r.p_attain),
            )
            for r in self.results
            if r.early_warning
        ]
        return pd.DataFrame(rows, columns=columns)

    def indicator_options(self, lang: str | None = None) -> list[tuple[str, str]]:
        """``(label, indicator_id)`` for a dropdown: targets with data first, then the rest."""
        lang = _lang(lang)
        with_data = [r for r in self.results if r.n_obs]
        rest = [r for r in self.results if not r.n_obs and r.status != "not_assessed"]
        return [
            (
                f"{_verdict_badge(r, lang).text} · {_name(r, lang)} "
                f"({r.indicator_id}, n={r.n_obs})",
                r.indicator_id,
            )
            for r in with_data + rest
        ]

    def compare_models(self, indicator_id: str) -> ModelComparison:
        from planeval.explore.comparison import compare_models

        return compare_models(self[indicator_id], settings=self.settings)

    def sensitivity(self, indicator_id: str, drop_year: int | None) -> SensitivityResult:
        from planeval.explore.sensitivity import sensitivity

        return sensitivity(self, indicator_id, drop_year)

    def overlay(
        self, indicator_id: str, geographies: str | list[str], data_dir: str | Path | None = None
    ) -> OverlayResult:
        from planeval.explore.overlay import overlay

        return overlay(self, indicator_id, geographies, data_dir=data_dir)

    def chart_html(self, lang: str | None = None) -> str:
        return render("part.html.j2", chart=self._chart(lang))

    def _chart(self, lang: str | None = None) -> Image | None:
        from planeval.assessment.verdict import TONE

        lang = _lang(lang)
        verdict = self.verdict_for()
        counts = pd.Series([t.status for t in verdict.targets]).value_counts()
        order = [s for s in TONE if s in counts.index]
        counts = counts.reindex(order)
        if counts.empty:
            return None
        fig, (ax,) = _new_axes(size=(4.2, 0.35 * len(counts) + 0.9))
        labels_ = [label("verdict_status", s, lang) for s in counts.index]
        colours = {
            "achieved": "#009E73",
            "on_track": "#56B4E9",
            "at_risk": "#E69F00",
            "off_track": "#D55E00",
            "insufficient_data": "#999999",
            "not_assessed": "#CCCCCC",
        }
        ax.barh(
            labels_[::-1],
            counts.to_numpy()[::-1],
            color=[colours[TONE[s]] for s in counts.index][::-1],
        )
        for i, v in enumerate(counts.to_numpy()[::-1]):
            ax.text(v, i, f" {v}", va="center", fontsize=8)
        ax.set_xlabel(_t("targets_axis", lang), fontsize=8)
        ax.tick_params(labelsize=8)
        return _png(fig, "status counts")

    def _repr_html_(self, lang: str | None = None) -> str:
        lang = _lang(lang)
        title = Heading(
            f"{self.plan.title(lang)} · {geography_name(self.geography, lang)} · "
            f"{_t('data_up_to', lang)} {self.data_year}",
            level=3,
        )
        overview = _frame_html(self.overview(lang), index=True)
        table = _frame_html(self.table(lang=lang))
        note = _t("statistical_only", lang)
        return render(
            heading=title,
            frame=overview,
            chart=self._chart(lang),
            details={"summary": note, "frame": table},
        )
