"""The monitoring-indicator section (监测指标) of a report: registered indicators without a
target in the plan (:func:`planeval.store.monitoring.monitoring_rows`), so that every value
submitted and validated appears somewhere."""

from __future__ import annotations

from planeval.core.labels import label
from planeval.reporting import document as doc
from planeval.reporting.document import Cell
from planeval.reporting.formatting import decimals_for, fmt_num, fmt_per_year


def monitoring_section(ctx, data_dir) -> doc.MonitoringSection | None:
    """The section, or None when the register has no indicator with data here."""
    from planeval.store.monitoring import monitoring_rows

    obs = ctx.assessment.observations
    rows = monitoring_rows(data_dir, obs, set(ctx.plan.indicator_ids)) if obs is not None else []
    if not rows:
        return None
    t = ctx.t
    columns = [
        doc.Column(t("monitoring_indicator")),
        doc.Column(t("monitoring_unit")),
        doc.Column(t("monitoring_latest"), "num"),
        doc.Column(t("monitoring_change"), "num"),
        doc.Column(t("monitoring_trend"), "num"),
    ]
    body = []
    for r in rows:
        values = [r.latest_value, r.previous_value]
        d = decimals_for(r.unit, [v for v in values if v is not None])
        change = (
            f"{fmt_num(r.change, d, signed=True)} ({t('vs_base', year=r.previous_year)})"
            if r.change is not None
            else "—"
        )
        trend = fmt_per_year(r.slope, d, signed=True)
        body.append(
            doc.Row(
                [
                    Cell(r.name(ctx.lang)),
                    Cell(label("unit", r.unit, ctx.lang) if r.unit else ""),
                    Cell(f"{fmt_num(r.latest_value, d)} ({r.latest_year})", role="num"),
                    Cell(change, role="num"),
                    Cell(trend, role="num"),
                ],
                key=r.indicator_id,
            )
        )
    intro = doc.Paragraph(t("monitoring_intro", n=len(rows)))
    return doc.MonitoringSection(t("monitoring"), intro, doc.Table(columns, body))
