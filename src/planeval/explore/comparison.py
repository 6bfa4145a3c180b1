"""Model comparison: every trend model's forecast, interval, error and probability of attainment
side by side (:func:`compare_models`), to see whether another model would change the verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from planeval.assessment.assess import IndicatorAssessment
from planeval.core.errors import InputError, Problem
from planeval.core.labels import label
from planeval.explore.display import (
    Heading,
    Image,
    Strong,
    _charts,
    _frame_html,
    _heading,
    _new_axes,
    _png,
    _verdict_badge,
    render,
)
from planeval.explore.forecast import _selection, _series_input, _why_not
from planeval.explore.text import _lang, _num, _p, _settings, _t
from planeval.forecasting import COMPLEXITY, MODEL_ORDER, bounded_alternative
from planeval.forecasting.calibration import HorizonFactors
from planeval.reporting.formatting import fmt_num

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
        return render("part.html.j2", chart=self._chart(lang))

    def _chart(self, lang: str | None = None) -> Image | None:
        lang = _lang(lang)
        if not self.fits:
            return None
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
                label=f"{m}{_t('chosen_suffix', lang) if bold else ''}",
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
            label=_t("observed", lang),
        )
        r = self.result
        if r is not None and r.target_sense in (">=", "<=") and r.target_level is not None:
            ax.axhline(
                r.target_level,
                color=charts.OKABE_ITO["target"],
                ls=(0, (5, 3)),
                lw=1.2,
                label=_t("target_line", lang),
            )
        ax.set_ylabel(self.unit, fontsize=8)
        ax.tick_params(labelsize=8)
        ax.legend(fontsize=7, loc="best")
        ax.set_title(
            _t("models_title", lang),
            fontsize=9,
        )
        return _png(fig, f"model comparison for {self.name}")

    def readable_frame(self, lang: str | None = None) -> pd.DataFrame:
        """:attr:`frame` for readers: headings, model names and method in words (labels.yaml
        groups ``comparison`` and ``model``), ✔ for the chosen model."""
        lang = _lang(lang)
        frame = self.frame[COMPARISON_COLUMNS].copy()
        notes = [str(n) if isinstance(n, str) else "" for n in frame["note"]]
        eligible = [
            bool(a) and not n.startswith("not eligible")
            for a, n in zip(frame["applicable"], notes, strict=True)
        ]
        frame["model"] = [label("model", m, lang) for m in frame["model"]]
        frame["cv_method"] = [
            label("comparison", m, lang) if isinstance(m, str) else "—" for m in frame["cv_method"]
        ]
        frame["applicable"] = [_t("yes" if e else "no", lang) for e in eligible]
        frame["cv_error"] = [fmt_num(x, 3) for x in frame["cv_error"]]
        for col in ("forecast", "pi80_low", "pi80_high", "pi95_low", "pi95_high"):
            frame[col] = [_num(x, self.unit, lang) for x in frame[col]]
        frame["p_target"] = [_p(x) for x in frame["p_target"]]
        frame["chosen"] = ["✔" if c else "" for c in frame["chosen"]]
        frame["note"] = [
            _note(n, bool(c), lang) for n, c in zip(notes, self.frame["chosen"], strict=True)
        ]
        return frame.rename(columns=lambda c: label("comparison", c, lang))

    def _repr_html_(self, lang: str | None = None) -> str:
        lang = _lang(lang)
        head = _heading(self.result, lang) if self.result is not None else Heading(self.name)
        paragraphs = []
        if self.result is not None:
            paragraphs.append([f"{_t('status', lang)}: ", _verdict_badge(self.result, lang)])
        if self.chosen is None:
            msg = _t("too_few_models", lang, n=len(self.values))
            return render(heading=head, paragraphs=[*paragraphs, [msg]])
        chosen = _t("chosen_model", lang)
        reason = self.reason if lang == "en" else _t("model_chosen_cv", lang)
        paragraphs.append([chosen, Strong(label("model", self.chosen, lang)), f" — {reason}"])
        return render(
            heading=head,
            paragraphs=paragraphs,
            frame=_frame_html(self.readable_frame(lang)),
            chart=self._chart(lang),
        )


def _note(note: str, chosen: bool, lang: str) -> str:
    """A model's note in the session's language: the English rule text in ``en``; in ``zh``
    its kind (选用 / 不适用 / 不参与选择), the figures being in the columns beside it."""
    if lang == "en":
        return note
    if chosen:
        return _t("chosen_note", lang)
    if note.startswith("not applicable"):
        return _t("not_applicable", lang)
    if note.startswith("not eligible"):
        return _t("not_eligible", lang)
    return _t("not_chosen", lang) if note else ""


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
        sel = _selection(years, values, target_year, unit, settings, _factors_of(result))
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
        elif m in sel.verdicts:  # the selection's own comparison, both bases named
            row["note"] = sel.verdicts[m]
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


def _factors_of(result: IndicatorAssessment | None):
    """The assessment's calibration of ``result`` (None: uncalibrated)."""
    if result is None or not result.calibration_factors:
        return None
    return HorizonFactors(dict(result.calibration_factors))


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
