"""One region's verdicts as the overview reads them: a plain, JSON-able record per report.

The overview of a parent geography (:mod:`planeval.reporting.overview`) never decides a status:
it gathers, for every region, the record :func:`region_record` makes from that region's own
assessment (the same one its report shows) and groups the statuses into the overview's five
columns (:data:`CATEGORIES`). Each report of a batch stores its record beside itself
(``<report>.verdict.json``, written by :mod:`planeval.publish.runner`), so an overview of 100
regions reads 100 small files instead of running 100 assessments.

:func:`target_verdicts` is the one place that reads an assessment's verdicts: the verdict
object of the assessment (``Assessment.verdict_for(stage)``, :mod:`planeval.assessment.verdict`),
so a region's cell in the overview is the status its own report shows.
"""

from __future__ import annotations

import math

from planeval.core.labels import group

#: Schema version of a stored record (a record of another version is not read back).
SCHEMA = 1
#: The overview's columns of statuses, in reading order: met, on track, off track (at risk or
#: not expected to be met), lagging data (latest value before the plan period), no data.
CATEGORIES = ("met", "on_track", "off_track", "lagging", "no_data")
#: Category of each status family (the assessment's status vocabulary; a verdict status is
#: mapped to its family by the verdict object's ``tone``). Qualitative targets: no category.
CATEGORY_OF_TONE = {
    "achieved": "met",
    "on_track": "on_track",
    "at_risk": "off_track",
    "off_track": "off_track",
    "insufficient_data": "no_data",
}
#: Category (and status code) of a target whose latest value predates the plan period.
LAGGING = "lagging"


def _finite(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def position(value: float | None, level: float | None, sense: str | None) -> float | None:
    """Signed position of ``value`` against the target level, as a share of the level:
    positive on the wrong side, negative on the right side (more negative: further inside).
    Orders regions from the one that lags most; None without value, level or a one-sided
    sense. E.g. infant mortality ≤ 5 ‰: 4.73 → −0.054, 2.27 → −0.546."""
    if value is None or level is None or sense not in ("<=", ">="):
        return None
    gap = (value - level) if sense == "<=" else (level - value)
    return gap / max(abs(level), 1e-12)


def target_verdicts(assessment, stage: str) -> list[dict]:
    """Each target's verdict for ``stage`` as a plain dict (the adapter: the one place that
    reads an assessment's verdicts, from its verdict object ``verdict_for(stage)``). Keys:
    ``indicator_id``, ``status`` (the verdict's code), ``status_zh``, ``status_en``, ``icon``,
    ``category`` (one of :data:`CATEGORIES`, None for a qualitative target), ``counted`` /
    ``achieved`` (in the 达标率's denominator / numerator), ``lagging``."""
    verdict = assessment.verdict_for(stage)
    icons = group("verdict_status")
    out = []
    for r in assessment.results:
        t = verdict[r.indicator_id]
        category = LAGGING if t.lagging else CATEGORY_OF_TONE.get(t.tone)
        icon = icons[t.status]["icon"]  # the report's symbol (◷ 数据滞后 too)
        out.append(
            {
                "indicator_id": r.indicator_id,
                "status": t.status,
                "status_zh": t.status_text("zh"),
                "status_en": t.status_text("en"),
                "icon": icon,
                "category": category,
                "counted": bool(t.counted),
                "achieved": bool(t.achieved),
                "lagging": bool(t.lagging),
                "gap_share": _finite(t.gap_share),
            }
        )
    return out


def region_record(assessment, stage: str, plan_name: str | None = None) -> dict:
    """The record of one region's report for the overview (JSON-able): plan, geography, stage,
    data year, the 达标率 (``achieved`` of ``counted``), the latest data year, and per target
    its verdict (:func:`target_verdicts`), target level and the observed series (for the small
    multiples). Values are in each target's unit."""
    plan = assessment.plan
    targets = []
    for r, v in zip(assessment.results, target_verdicts(assessment, stage), strict=True):
        level = _finite(r.target_level)
        latest = _finite(r.latest_value)
        targets.append(
            {
                **v,
                "item": r.item,
                "domain": r.domain,
                "name_zh": r.name_zh,
                "name_en": r.name_en,
                "unit": r.unit,
                "target_type": r.target_type,
                "target_year": r.target_year,
                "target_level": level,
                "target_sense": r.target_sense,
                "band": [_finite(r.band_low), _finite(r.band_high)],
                "latest_year": r.latest_year,
                "latest_value": latest,
                "position": position(latest, level, r.target_sense),
                "years": [int(y) for y in r.years],
                "values": [float(x) for x in r.values],
            }
        )
    years = [t["latest_year"] for t in targets if t["latest_year"] is not None]
    return {
        "schema": SCHEMA,
        "geography": assessment.geography,
        "plan": plan_name or plan.plan,
        "plan_id": plan.plan,
        "stage": stage,
        "data_year": int(assessment.data_year),
        "period": [plan.period_start, plan.period_end],
        "latest_data_year": max(years) if years else None,
        "achieved": sum(t["achieved"] and t["counted"] for t in targets),  # numerator ⊂ denominator
        "counted": sum(t["counted"] for t in targets),
        "targets": targets,
    }
