"""The mid-term path position (ahead of / behind the straight line from the baseline to the
target) and the reference agencies' figures (Eurostat, ESCAP, UNICEF; :mod:`agency`) set on a
result. Cut-offs from the settings' ``agency`` section."""

from __future__ import annotations

import math

from planeval.assessment import agency
from planeval.assessment.results import IndicatorAssessment
from planeval.forecasting import transforms as tf
from planeval.plans.catalogue import Target

MORTALITY_UNITS = ("‰", "1/10万")


def path_and_agency(
    a: IndicatorAssessment, target: Target, years, values, sign: int, cuts: dict | None = None
) -> None:
    """Mid-term path position and the agencies' figures; ``cuts``: the settings' ``agency``
    section (default: the package's)."""
    if a.baseline_value is None or a.latest_year is None:
        a.audit["path"] = {"note": "no baseline"}
        a.audit["agency"] = {"note": "no baseline"}
        return
    if a.target_sense is None:  # qualitative: Eurostat's no-target rule for direction targets
        _no_target(a, sign, cuts)
        return
    goal = target.target_value if a.target_sense == "band" else a.target_level
    _path(a, goal)
    _agency_figures(a, target, years, values, goal, cuts)


def _no_target(a: IndicatorAssessment, sign: int, cuts: dict | None) -> None:
    notes = {}
    t0, y0, yt, t = a.baseline_year, a.baseline_value, a.latest_value, a.latest_year
    if a.target_type == "direction" and t > t0:
        a.eurostat_category = agency.eurostat_no_target_category(y0, t0, yt, t, sign, cuts)
        notes["eurostat"] = "no numeric target: direction-adjusted CAGR rule"
    a.audit["path"] = {"note": "no numeric target"}
    a.audit["agency"] = {
        "eurostat_category": a.eurostat_category,
        **notes,
        "sources": agency.SOURCES,
    }


def has_path(a) -> bool:
    """Whether a straight baseline-to-target path exists for ``a`` (an assessed target): a
    distance to cover in the direction the plan asks. None for maintain targets (their bar is
    the target line itself every year), when the baseline already meets the target, or from a
    baseline above (below) an about-band whose plan does not ask for a fall (rise): "保持在50%
    左右" seen at 64.7 % is no plan to bring the share down (a baseline below the band rises
    into it)."""
    y0 = a.baseline_value
    if y0 is None or a.target_level is None or a.target_type.startswith("maintain"):
        return False
    if a.meets(y0):
        return False
    if a.target_sense == "band" and y0 > a.band_high:
        return a.direction == "decrease"
    if a.target_sense == "band":
        return a.direction != "decrease"
    return True


def _path(a: IndicatorAssessment, goal: float) -> None:
    """Straight line from the baseline to the target; ahead when the latest value is on the
    target side of the line. None for maintain targets and a baseline already meeting it."""
    t0, y0, T = a.baseline_year, a.baseline_value, a.target_year
    yt, t = a.latest_value, a.latest_year
    if not has_path(a):
        a.audit["path"] = {
            "note": "no path: maintain target, baseline already meets the target, or a "
            "baseline above an about-band whose plan does not ask for a fall"
        }
        return
    if T > t0 and t > t0:
        a.path_value = y0 + (goal - y0) * (t - t0) / (T - t0)
        if a.target_sense == ">=":
            a.path_position = "ahead" if yt >= a.path_value else "behind"
        elif a.target_sense == "<=":
            a.path_position = "ahead" if yt <= a.path_value else "behind"
        else:
            a.path_position = "ahead" if abs(yt - goal) <= abs(a.path_value - goal) else "behind"
    a.audit["path"] = {
        "rule": "straight line from the baseline to the target; ahead when the latest value is "
        "on the target side of the line",
        "baseline": [t0, y0],
        "goal": [T, goal],
        "path_value": a.path_value,
        "position": a.path_position,
    }


def _agency_figures(
    a: IndicatorAssessment, target: Target, years, values, goal: float, cuts: dict | None
) -> None:
    """Eurostat ratio and class, ESCAP forecast and indices, UNICEF AARR (mortality only)."""
    notes = {}
    t0, y0, T = a.baseline_year, a.baseline_value, a.target_year
    yt, t = a.latest_value, a.latest_year
    baseline_meets = a.meets(y0) and a.target_sense != "band"
    if baseline_meets:
        notes["escap"] = "baseline already meets the target: index undefined"
    _eurostat(a, y0, t0, yt, t, goal, T, cuts, notes)
    bounds = tf.bounds_of(target.unit, values, "identity")
    a.escap_forecast = agency.escap_weighted_forecast(years, values, T, bounds)
    if not baseline_meets:
        a.escap_index = agency.escap_index(y0, goal, a.escap_forecast)
        a.escap_current = agency.escap_current_status(y0, yt, goal)
        a.escap_category = agency.escap_category(a.escap_index, cuts)
    if target.unit in MORTALITY_UNITS and target.direction == "decrease" and a.target_sense == "<=":
        a.aarr_observed = agency.aarr(y0, yt, t0, t) if t > t0 else None
        if t < T:
            a.aarr_required = agency.unicef_required_aarr(yt, t, goal, T)
        if yt is not None and yt <= goal:
            notes["unicef"] = "latest value already meets the target: no required AARR"
        a.unicef_category = agency.unicef_category(yt, a.aarr_observed, a.aarr_required, goal)
    _contradiction_note(a, notes)
    a.audit["agency"] = {
        "baseline": [t0, y0],
        "latest": [t, yt],
        "goal": [T, goal],
        "eurostat_ratio": a.eurostat_ratio,
        "eurostat_category": a.eurostat_category,
        "escap_forecast": a.escap_forecast,
        "escap_index": a.escap_index,
        "escap_current_status": a.escap_current,
        "escap_category": a.escap_category,
        "aarr_observed": a.aarr_observed,
        "aarr_required": a.aarr_required,
        "unicef_category": a.unicef_category,
        **notes,
        "sources": agency.SOURCES,
    }


def _eurostat(a: IndicatorAssessment, y0, t0, yt, t, goal, T, cuts, notes: dict) -> None:
    """Eurostat's class as Open SDG's sdg-build progress measure computes it: ``target_achieved``
    when the latest value meets the target; else the direction-aware ratio
    (:func:`agency.eurostat_ratio` with the desired direction) against the cut-offs."""
    if a.meets(yt):
        a.eurostat_category = "target_achieved"
        notes["eurostat"] = "latest value meets the target (sdg-build: target achieved)"
        return
    direction = {">=": 1, "<=": -1}.get(a.target_sense, int(math.copysign(1, goal - y0)))
    if t > t0:
        a.eurostat_ratio = agency.eurostat_ratio(y0, t0, yt, t, goal, T, direction)
        a.eurostat_category = agency.eurostat_category(a.eurostat_ratio, cuts)


#: Agency classes that say "on course" and "off course".
_POSITIVE = {"target_achieved", "significant_progress", "maintain_progress", "achieved", "on_track"}
_NEGATIVE = {"movement_away", "reverse_trend", "acceleration_needed", "insufficient_progress"}


def _contradiction_note(a: IndicatorAssessment, notes: dict) -> None:
    """``a.agency_note`` when an agency class says the opposite of the status: the agencies'
    rules extrapolate one point without uncertainty, the status weighs the probability of
    attainment; a reader must not see the two side by side without this note."""
    classes = {
        "eurostat": a.eurostat_category,
        "escap": a.escap_category,
        "unicef": a.unicef_category,
    }
    if a.status in ("at_risk", "off_track"):
        against = {k: v for k, v in classes.items() if v in _POSITIVE}
    elif a.status in ("achieved", "on_track"):
        against = {k: v for k, v in classes.items() if v in _NEGATIVE}
    else:
        against = {}
    if against:
        listed = ", ".join(f"{k} {v}" for k, v in against.items())
        a.agency_note = (
            f"{listed} beside status {a.status}: the agency rule extrapolates the trend without "
            "uncertainty; the status weighs the probability of attainment"
        )
        notes["contradiction"] = a.agency_note
