"""Sensitivity of the status to one flagged year (settings ``sensitivity.flagged_years``, e.g.
the COVID-19 break of 2020): the status recomputed without that year, baseline kept."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from planeval.assessment.results import IndicatorAssessment


def sensitivity(
    a: IndicatorAssessment,
    years: np.ndarray,
    values: np.ndarray,
    flagged_years: list[int],
    reassess: Callable[[np.ndarray, np.ndarray], IndicatorAssessment],
) -> None:
    """Set ``a.sensitivity_year``, ``a.status_without_flagged`` and ``a.sensitivity_changed``.

    ``reassess(years, values)`` assesses the same target on the shortened series (with the
    baseline pinned and no sensitivity of its own). The year reported is the first flagged year
    whose omission changes the status, else the first flagged year observed. The assessment
    without that year is kept as ``a.without_flagged`` (an attribute, not a field: exports do
    not carry it), so the verdict can word the status without it in the stage's words."""
    by_year, kept = {}, {}
    for flagged in flagged_years:
        if flagged in a.years:
            keep = years != flagged
            kept[int(flagged)] = reassess(years[keep], values[keep])
            by_year[int(flagged)] = kept[int(flagged)].status
    if by_year:
        changed = [y for y, s in by_year.items() if s != a.status]
        a.sensitivity_year = changed[0] if changed else next(iter(by_year))
        a.status_without_flagged = by_year[a.sensitivity_year]
        a.sensitivity_changed = bool(changed)
        a.without_flagged = kept[a.sensitivity_year]
    a.audit["sensitivity"] = {
        "status_without_year": by_year,
        "rule": "flagged year left out of the data; baseline kept",
    }
