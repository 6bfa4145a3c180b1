"""Sensitivity: the status of one target with and without one year (e.g. 2020), reassessed
with the same plan and settings (:func:`sensitivity`)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from planeval.assessment.assess import Assessment
from planeval.assessment.assess import assess as _assess
from planeval.core.errors import InputError, Problem
from planeval.core.labels import status_badge
from planeval.explore.display import (
    Strong,
    _badge,
    _heading,
    _new_axes,
    _png,
    render,
)
from planeval.explore.results import IndicatorResult, _period
from planeval.explore.text import _interval, _lang, _num, _p, _t


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
                _t("no_obs_year", lang, year=y, status=status_badge(r.status, lang))
                if y is not None
                else _t("no_year", lang)
            )
            return render(heading=head, paragraphs=[[msg]])
        w, wo = _t("with", lang, year=y), _t("without", lang, year=y)
        rows = [
            ("", Strong(w), Strong(wo)),
            (_t("status", lang), _badge(r.status, lang), _badge(a.status, lang)),
            (_t("n_obs", lang), str(r.n_obs), str(a.n_obs)),
            (_t("model", lang), r.model or "—", a.model or "—"),
            (_t("forecast", lang), _num(r.forecast, r.unit), _num(a.forecast, a.unit)),
            (
                _t("pi95", lang),
                _interval(r.pi_low, r.pi_high, r.unit),
                _interval(a.pi_low, a.pi_high, a.unit),
            ),
            (_t("p_attain", lang), _p(r.p_attain), _p(a.p_attain)),
            (_t("rule", lang), r.status_rule, a.status_rule),
        ]
        verdict = _t(
            "verdict_changes" if self.changed else "verdict_same",
            lang,
            year=y,
            before=status_badge(r.status, lang),
            after=status_badge(a.status, lang),
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
            label=_t("left_out", lang, year=y),
        )
        axes[1].legend(fontsize=7)
        chart = _png(fig, verdict)
        return render(heading=head, paragraphs=[[Strong(verdict)]], rows=rows, chart=chart)


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
