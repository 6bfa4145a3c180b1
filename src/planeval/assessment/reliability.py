"""Trust labels: a verdict drawn from a forecast is of low reliability (低可靠性) when it rests on
few values or on an interval much wider than the way still to go. Rules in the settings'
``reliability`` section; wording in ``core/labels.yaml`` (``reliability``,
``text.reliability_*``)."""

from __future__ import annotations

from planeval.assessment.results import IndicatorAssessment
from planeval.core.labels import label, text

#: Statuses drawn from a forecast (the others are observed or not assessed).
FORECAST_STATUSES = ("on_track", "at_risk", "off_track")


def distance_to_target(a: IndicatorAssessment) -> float | None:
    """How far the latest value still is from the target (indicator units; 0 inside a band;
    None without a numeric level or a latest value)."""
    if a.latest_value is None or a.target_sense is None or a.target_level is None:
        return None
    if a.target_sense == "band":
        return max(a.band_low - a.latest_value, a.latest_value - a.band_high, 0.0)
    return abs(a.target_level - a.latest_value)


def assess_reliability(a: IndicatorAssessment, cfg: dict) -> None:
    """Set ``a.reliability`` (``low``/``normal``; None for verdicts not drawn from a forecast),
    ``a.reliability_reasons`` (codes) and ``a.reliability_reason`` (English, with figures).

    Low when the verdict comes from ``max_observations_low`` values or fewer, or when the 95 %
    interval is wider than ``interval_to_distance`` × :func:`distance_to_target`."""
    if a.status not in FORECAST_STATUSES:
        a.audit["reliability"] = {"label": None, "note": "verdict not drawn from a forecast"}
        return
    reasons, details = [], []
    if a.n_obs <= cfg["max_observations_low"]:
        reasons.append("few_observations")
        details.append(f"only {a.n_obs} values (at most {cfg['max_observations_low']})")
    distance = distance_to_target(a)
    if a.pi_low is not None and a.pi_high is not None and distance is not None:
        width = a.pi_high - a.pi_low
        if width > cfg["interval_to_distance"] * distance:
            reasons.append("wide_interval")
            details.append(
                f"95 % interval {width:.3g} wide, more than {cfg['interval_to_distance']:g} "
                f"times the distance {distance:.3g} to the target"
            )
    a.reliability = "low" if reasons else "normal"
    a.reliability_reasons = reasons
    a.reliability_reason = "; ".join(details)
    a.audit["reliability"] = {
        "label": a.reliability,
        "reasons": reasons,
        "rule": f"low with <= {cfg['max_observations_low']} values or a 95 % interval wider "
        f"than {cfg['interval_to_distance']:g} × the distance from the latest value to the target",
    }


def reliability_text(a: IndicatorAssessment, lang: str = "zh", with_interval: bool = True) -> str:
    """The trust label with its reasons for a table or a finding, e.g. ``低可靠性：仅有 3 个观测值
    （不超过 4 个）``; empty unless the label is ``low``. ``with_interval=False`` leaves the
    interval's figures out (a report that shows no intervals, such as the annual one)."""
    if a.reliability != "low":
        return ""
    parts = []
    if "few_observations" in a.reliability_reasons:
        parts.append(text("reliability_few_observations", lang, n=a.n_obs, limit=_limit(a)))
    if "wide_interval" in a.reliability_reasons and with_interval:
        width = a.pi_high - a.pi_low
        parts.append(
            text(
                "reliability_wide_interval",
                lang,
                width=f"{width:.3g}",
                distance=f"{distance_to_target(a):.3g}",
                factor=f"{_factor(a):g}",
            )
        )
    sep, colon = ("；", "：") if lang != "en" else ("; ", ": ")
    return label("reliability", "low", lang) + (colon + sep.join(parts) if parts else "")


def _limit(a: IndicatorAssessment):
    return a.audit.get("thresholds", {}).get("reliability", {}).get("max_observations_low", "")


def _factor(a: IndicatorAssessment):
    return a.audit.get("thresholds", {}).get("reliability", {}).get("interval_to_distance", 0)
