"""Overlay: one target of an assessment beside the same target in other geographies
(:func:`overlay`), each assessed with the same plan and settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from planeval.assessment.assess import Assessment
from planeval.core.labels import status_badge
from planeval.explore.display import (
    _frame_html,
    _heading,
    _new_axes,
    _png,
    render,
)
from planeval.explore.results import AssessmentResult, IndicatorResult
from planeval.explore.sensitivity import _reassess
from planeval.explore.text import _interval, _lang, _name, _num, _p, _t
from planeval.intake.observations import series_for
from planeval.plans.registry import geography_name
from planeval.store.database import load_geography


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
                    _t("geography", lang): geography_name(g, lang),
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
        chart = None
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
                reference_label=geography_name(first[0], lang) if first else "",
            )
            for g, r in refs[1:]:
                ax.plot(
                    r.series.index,
                    r.series.to_numpy(float),
                    ls="-.",
                    marker="+",
                    lw=1,
                    label=geography_name(g, lang),
                )
            first_year = min(min(r.years) for r in results.values() if r.years)
            left, right = ax.get_xlim()
            ax.set_xlim(min(left, first_year - 0.5), right)
            ax.set_title(f"{_name(base, lang)} · {geography_name(base_geo, lang)}", fontsize=9)
            ax.legend(fontsize=7)
            chart = _png(fig, f"{self.main.indicator_id}: {', '.join(results)}")
        return render(heading=_heading(self.main, lang), frame=_frame_html(rows), chart=chart)


def overlay(
    assessment: AssessmentResult | Assessment,
    indicator_id: str,
    geographies: str | list[str],
    data_dir: str | Path | None = None,
) -> OverlayResult:
    """``indicator_id`` of ``assessment`` beside the same target in ``geographies``.

    The other geographies are read from ``data_dir`` (default: the assessment's) up to the
    same data year and assessed with the same plan and settings (their baseline is their own
    observation, not the plan's). Raises :class:`InputError` for a geography without data, or
    one given by its display name (``新疆``: the message names its code, as every command's).
    """
    from planeval.core.arguments import PYTHON
    from planeval.plans.requests import check_geography_code

    main = IndicatorResult.of(assessment[indicator_id])
    if isinstance(geographies, str):
        geographies = [geographies]
    data_dir = data_dir or getattr(assessment, "data_dir", None) or "data"
    others = {}
    for geo in geographies:
        if not geo or geo == assessment.geography:
            continue
        geo = check_geography_code(geo, data_dir, PYTHON, "geographies")
        obs = load_geography(data_dir, geo, up_to_year=assessment.data_year)
        others[geo] = _reassess(assessment, indicator_id, obs, geography=geo)
    return OverlayResult(main, assessment.geography, others)


def reference_series(
    indicator_id: str, geography: str, data_dir: str | Path = "data", up_to_year: int | None = None
) -> pd.Series:
    """Observed values of ``indicator_id`` in ``geography`` (float Series indexed by year)."""
    return series_for(load_geography(data_dir, geography, up_to_year=up_to_year), indicator_id)
