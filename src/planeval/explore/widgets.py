"""The workbench: ipywidgets dropdowns (indicator, geography, year to leave out, model) that
re-render the result views in place; :func:`pick_indicator` chooses the indicator to open."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from planeval.assessment.assess import Assessment
from planeval.core.errors import InputError, Problem
from planeval.explore.display import render
from planeval.explore.results import AssessmentResult
from planeval.explore.text import _t, get_lang
from planeval.intake.observations import list_geographies
from planeval.plans.registry import geography_name

#: The value of a dropdown's "—" (no choice). ipywidgets reads a value of None as "nothing
#: selected" and blanks the box, so "—" carries this value and the handlers turn it into None.
NONE = ""


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
            description=_t("indicator", lang),
            layout=w.Layout(width="62%"),
        )
        geos = [("—", NONE)] + [
            (geography_name(g, lang, self.data_dir), g)
            for g in geography_options(self.assessment, self.data_dir)
        ]
        if self.compare_geography not in [v for _, v in geos]:
            geos.append((self.compare_geography, self.compare_geography))
        geo = w.Dropdown(
            options=geos,
            value=self.compare_geography or NONE,
            description=_t("compare", lang),
            layout=w.Layout(width="18%"),
        )
        year = w.Dropdown(
            options=self._year_options(),
            value=self._year_value(),
            description=_t("leave_out", lang),
            layout=w.Layout(width="18%"),
        )

        def on_indicator(change):
            self.indicator = change["new"]
            year.options = self._year_options()
            year.value = self._year_value()
            self.refresh()

        def on_geo(change):
            self.compare_geography = change["new"] or None
            self.refresh()

        def on_year(change):
            new = None if change["new"] == NONE else change["new"]
            if new != self.drop_year:
                self.drop_year = new
                self.refresh()

        ind.observe(on_indicator, names="value")
        geo.observe(on_geo, names="value")
        year.observe(on_year, names="value")
        self._widgets = w.HBox([ind, geo, year])
        return self._widgets

    def _year_options(self):
        years = self.assessment[self.indicator].years
        return [("—", NONE)] + [(str(y), int(y)) for y in years]

    def _year_value(self):
        years = self.assessment[self.indicator].years
        if self.drop_year in years:
            return self.drop_year
        flagged = self.assessment.settings.get("sensitivity", {}).get("flagged_years", [])
        return next((int(y) for y in flagged if y in years), NONE)


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
            return render("error.html.j2", message=str(self._error))
        return obj._repr_html_()

    def __repr__(self) -> str:
        obj = self._get()
        return str(self._error) if obj is None else repr(obj)
