"""The gender section (female vs male values and the gap) and the appendix (method and
thresholds, agency figures, observed values, sources, revisions, catalogue audit,
provenance) of an evaluation report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planeval.assessment.assess import IndicatorAssessment
from planeval.core.labels import label
from planeval.reporting import document as doc
from planeval.reporting.build import ReportContext, stage_statuses
from planeval.reporting.facts import asks_sex_rows, field_of, name_of, observed, row_decimals
from planeval.reporting.formatting import (
    MISSING,
    decimals_for,
    fmt_num,
    shortest,
    unit_name,
    years_text,
)
from planeval.reporting.inputs import series_of
from planeval.reporting.wording import target_text

Cell, Column, Row, Part = doc.Cell, doc.Column, doc.Row, doc.AppendixPart


# --------------------------------------------------------------------------- gender
def sex_frame(ctx: ReportContext, indicator_id: str) -> pd.DataFrame:
    """Female and male values of one indicator by year (index year; NaN where missing)."""
    obs = ctx.assessment.observations
    cols = {s: series_of(obs, indicator_id, s) for s in ("female", "male")}
    frame = pd.DataFrame({s: v for s, v in cols.items() if len(v)})
    return frame.sort_index() if len(frame) else frame


def gender_section(ctx: ReportContext) -> doc.GenderSection:
    """Female vs male values and the gap over time for every sex-disaggregated indicator
    with female and male data; says plainly when the data hold no values by sex."""
    t, title = ctx.t, ctx.t("gender")
    wanted = [r for r in ctx.statistical if asks_sex_rows(r)]
    if not wanted:
        return doc.GenderSection(title, doc.Paragraph(t("gender_no_targets")))
    have, missing = [], []
    for r in wanted:
        frame = sex_frame(ctx, r.indicator_id)
        (have if {"female", "male"} <= set(frame.columns) else missing).append((r, frame))
    names = [name_of(r, ctx.lang) for r, _ in missing]
    if not have:
        geo = ctx.geo(ctx.assessment.geography)
        intro = doc.Paragraph(t("gender_none", geo=geo, n=len(missing)), "notice")
        return doc.GenderSection(title, intro, missing=names)
    return doc.GenderSection(
        title,
        doc.Paragraph(t("gender_intro", n=len(wanted))),
        blocks=[sex_block(ctx, r, frame) for r, frame in have],
        missing_note=doc.Paragraph(t("gender_missing", n=len(missing)), "muted")
        if missing
        else None,
        missing=names,
    )


def sex_block(ctx: ReportContext, r: IndicatorAssessment, frame: pd.DataFrame) -> doc.SexBlock:
    """Table of female, male and gap (female − male) by year, and the chart."""
    from planeval.reporting.charts import figure_png, sex_figure

    t = ctx.t
    d = decimals_for(r.unit, list(frame.to_numpy().ravel()))
    rows = []
    for y, row in frame.iterrows():
        f_, m_ = row.get("female"), row.get("male")
        cells = [
            Cell(str(int(y))),
            Cell(fmt_num(f_, d), role="num", column="female"),
            Cell(fmt_num(m_, d), role="num", column="male"),
            Cell(fmt_num(f_ - m_, d, signed=True), role="num", column="gap"),
        ]
        rows.append(Row(cells, year=int(y)))
    columns = [Column(t(k)) for k in ("col_year", "col_female", "col_male", "col_gap_fm")]
    alt = name_of(r, ctx.lang)
    last = frame.dropna().tail(1)
    if len(last):
        f_, m_ = last["female"].iloc[0], last["male"].iloc[0]
        alt += ctx.sep + label("alt", "sex_last", ctx.lang).format(
            year=int(last.index[0]),
            female=fmt_num(f_, d),
            male=fmt_num(m_, d),
            gap=fmt_num(f_ - m_, d, True),
        )
    png = figure_png(sex_figure(frame, r.unit, ctx.lang))
    return doc.SexBlock(
        anchor=f"sex-{r.indicator_id}",
        title=name_of(r, ctx.lang),
        unit=unit_name(r.unit, ctx.lang),
        table=doc.Table(columns, rows, "sex"),
        figure=doc.Figure(png, alt, kind="sex"),
    )


# --------------------------------------------------------------------------- appendix
def appendix(ctx: ReportContext) -> doc.Appendix:
    """Method (models, thresholds), agency figures per indicator, observed values, data
    sources per indicator, revisions, catalogue audit, provenance."""
    parts = [
        method(ctx),
        agency(ctx),
        data(ctx),
        sources(ctx),
        revisions(ctx),
        audit(ctx),
        provenance(ctx),
    ]
    from planeval.reporting.build import TECHNICAL_PARTS

    for part in parts:
        part.technical = part.anchor in TECHNICAL_PARTS
    return doc.Appendix(ctx.t("appendix"), parts)


def method(ctx: ReportContext) -> Part:
    from planeval.forecasting import MODEL_ORDER

    st, t = ctx.assessment.settings, ctx.t
    thr = st["status"]
    flagged = st.get("sensitivity", {}).get("flagged_years", [])
    sep = ", " if ctx.en else "、"
    para = t(
        "method_text",
        models=sep.join(label("model", m, ctx.lang) for m in MODEL_ORDER),
        margin=f"{st['forecast']['tie_margin']:.0%}",
        alpha=st.get("change", {}).get("alpha", ""),
        flagged=", ".join(str(y) for y in flagged) or MISSING,
    )
    report = st.get("report", {})
    values = dict(
        on=thr["on_track_min_p"],
        off=thr["off_track_max_p"],
        n=thr["min_observations"],
        share=f"{report.get('basically_met_share', 0.05):.0%}",
        points=report.get("min_points_trend_test", 5),
    )
    rows = [
        Row(
            [
                Cell(badge=ctx.status_badge(s)),
                Cell(rule.format(**values)),
            ]
        )
        for s in stage_statuses(ctx)
        for rule in [label("verdict_rule", s, ctx.lang)]
    ]
    rows.append(
        Row(
            [
                Cell(t("col_rate")),
                Cell(label("verdict_rule", "achievement_rate", ctx.lang).format(**values)),
            ]
        )
    )
    table = doc.Table([Column(t("col_status")), Column(t("col_value"))], rows, "plain", "narrow")
    return Part("method", t("method"), doc.Paragraph(para), t("thresholds"), table)


def agency_pair(ctx: ReportContext, number, group: str, category) -> str:
    """``0.77 / 适度进展``: an agency's figure and its class (either may be missing)."""
    parts = [fmt_num(number, 2)] if number is not None else []
    if category:
        parts.append(label(group, category, ctx.lang))
    return " / ".join(parts) or MISSING


def agency_row(ctx: ReportContext, r: IndicatorAssessment) -> Row:
    lang = ctx.lang
    euro = agency_pair(
        ctx, field_of(r, "eurostat_ratio"), "eurostat", field_of(r, "eurostat_category")
    )
    escap = agency_pair(ctx, field_of(r, "escap_index"), "escap", field_of(r, "escap_category"))
    ao, ar = field_of(r, "aarr_observed"), field_of(r, "aarr_required")
    uc = field_of(r, "unicef_category")
    aarr = MISSING
    if not (ao is None and ar is None and uc is None):
        aarr = f"{fmt_num(ao, 1)} / {fmt_num(ar, 1)} / {label('unicef', uc, lang) or MISSING}"
    sens, t = MISSING, ctx.verdict_of(r)
    if t.status_without_flagged:  # the verdict's stage word without the flagged year
        sens = ctx.status_badge(t.status_without_flagged).text
        sens += " (≠)" if t.status_without_flagged != t.status else ""
    note = field_of(r, "agency_note") or ""
    if note:  # an agency class contradicting the status is never shown without the note
        mark = " ※ " + label("agency_note", "contradicts_status", lang)
        euro += mark if "eurostat" in note else ""
        escap += mark if "escap" in note else ""
        aarr += mark if "unicef" in note else ""
    model = label("model", r.model, lang) if r.model else MISSING
    values = (r.item, name_of(r, lang), model, r.n_obs, euro, escap, aarr, sens)
    return Row([Cell(str(v)) for v in values], key=r.indicator_id)


def agency(ctx: ReportContext) -> Part:
    t = ctx.t
    flagged = ctx.assessment.settings.get("sensitivity", {}).get("flagged_years", [])
    columns = [
        Column(t("col_item")),
        Column(t("col_indicator"), "name"),
        Column(t("col_model")),
        Column(t("col_n")),
        Column(t("col_eurostat")),
        Column(t("col_escap")),
        Column(t("col_aarr")),
        Column(t("col_sensitivity", year=flagged[0] if flagged else "")),
    ]
    rows = [agency_row(ctx, r) for r in ctx.statistical if r.n_obs]
    table = doc.Table(columns, rows, "plain", "agency")
    return Part("agency", t("agency"), doc.Paragraph(t("agency_text")), table=table)


def data(ctx: ReportContext) -> Part:
    t = ctx.t
    with_data = [r for r in ctx.assessment.results if r.years]
    if not with_data:
        return Part("data", t("data"), doc.Paragraph(t("no_data")))
    years = sorted({int(y) for r in with_data for y in r.years})
    columns = [Column(t("col_item"), technical=True), Column(t("col_indicator"), "name")]
    columns += [Column(t("col_unit"))] + [Column(str(y), "year") for y in years]
    rows = []
    for r in with_data:
        d, obs = row_decimals(r), observed(r)
        cells = [
            Cell(r.item, technical=True),
            Cell(name_of(r, ctx.lang), role="name"),
            Cell(unit_name(r.unit, ctx.lang)),
        ]
        cells += [
            Cell(fmt_num(obs[y], d) if y in obs else "", role="num", column=f"y{y}") for y in years
        ]
        rows.append(Row(cells, key=r.indicator_id))
    note = t("data_note", geo=ctx.geo(ctx.assessment.geography), year=ctx.year)
    table = doc.Table(columns, rows, "plain", "data")
    return Part("data", t("data"), doc.Paragraph(note, "note"), table=table)


def source_rows(ctx: ReportContext, r: IndicatorAssessment, group: pd.DataFrame) -> list[Row]:
    """One row per source of an indicator; the first carries the item and name."""
    by_source = group.groupby("source", sort=False)
    n, rows = by_source.ngroups, []
    for i, (source, sg) in enumerate(by_source):
        pairs = zip(sg["year"], sg["note"].fillna(""), strict=True)
        notes = "; ".join(f"{int(y)}: {nt}" for y, nt in pairs if nt)
        sexes = sorted(set(sg["sex"]) - {"total"})
        sex_note = ", ".join(label("sex", s, ctx.lang) for s in sexes)
        when = years_text(sg["year"]) + (f" ({sex_note})" if sex_note else "")
        lead = []
        if i == 0:
            name = Cell(name_of(r, ctx.lang), role="name", rowspan=n)
            lead = [Cell(r.item, rowspan=n, technical=True), name]
        rows.append(Row([*lead, Cell(when), Cell(str(source), notes)]))
    return rows


def sources(ctx: ReportContext) -> Part:
    t = ctx.t
    obs = ctx.assessment.observations
    if obs is None or not len(obs):
        return Part("sources", t("sources"), doc.Paragraph(t("no_data")))
    groups = dict(tuple(obs.groupby("indicator_id", sort=False)))
    rows = []
    for r in ctx.assessment.results:
        if r.indicator_id in groups:
            rows += source_rows(ctx, r, groups[r.indicator_id])
    columns = [
        Column(t("col_item"), "item", technical=True),
        Column(t("col_indicator"), "name"),
        Column(t("col_years")),
        Column(t("col_source"), "plan_text"),
    ]
    return Part("sources", t("sources"), table=doc.Table(columns, rows, "plain", "sources"))


def revisions(ctx: ReportContext) -> Part:
    """Every vintage of each revised value: reports use the latest, the rest stay visible."""
    t = ctx.t
    rev = ctx.revisions
    if rev is None or not len(rev):
        return Part("revisions", t("revisions"), doc.Paragraph(t("no_revisions")))
    names = {r.indicator_id: name_of(r, ctx.lang) for r in ctx.assessment.results}
    rows = []
    for rec in rev.itertuples(index=False):
        d = decimals_for(rec.unit, [rec.value, rec.previous_value])
        sheet = f" [{rec.sheet}]" if rec.sheet else ""
        where = f"{Path(rec.file).name}{sheet}, {rec.row}"
        vintage = str(rec.vintage) + (f" ({t('in_use')})" if rec.current else "")
        name = names.get(rec.indicator_id, rec.indicator_id)
        cells = [
            Cell(name, role="name"),
            Cell(str(rec.year)),
            Cell(label("sex", rec.sex, ctx.lang)),
            Cell(vintage),
            Cell(fmt_num(rec.previous_value, d), role="num"),
            Cell(fmt_num(rec.value, d), role="num"),
            Cell(where, str(rec.sha256)[:12]),
        ]
        rows.append(Row(cells))
    keys = ("col_year", "col_sex", "col_vintage", "col_previous", "col_value", "col_file")
    columns = [Column(t("col_indicator"), "name")] + [Column(t(k)) for k in keys]
    table = doc.Table(columns, rows, "plain")
    return Part(
        "revisions", t("revisions"), doc.Paragraph(t("revisions_note"), "note"), table=table
    )


def encoding(ctx: ReportContext, tg) -> str:
    """How the catalogue reads a target, in words: the target with unit and target year, the
    good direction, the baseline (``≥ 70% (2025)；提高；基期 2020 = 36.8``)."""
    enc = [target_text(tg, ctx.lang, with_unit=True, with_year=True)]
    if tg.direction and tg.direction != "none" and tg.target_type != "direction":
        enc.append(label("direction", tg.direction, ctx.lang))
    if tg.baseline_year is not None:
        bv = "" if tg.baseline_value is None else f" = {shortest(tg.baseline_value)}"
        enc.append(f"{ctx.t('col_baseline')} {tg.baseline_year}{bv}")
    return ctx.sep.join(enc)


def audit(ctx: ReportContext) -> Part:
    t = ctx.t
    rows = [
        Row(
            [
                Cell(tg.item),
                Cell(tg.name(ctx.lang), role="name"),
                Cell(tg.source_text, role="plan_text"),
                Cell(encoding(ctx, tg)),
            ]
        )
        for tg in ctx.plan.targets
    ]
    columns = [
        Column(t("col_item")),
        Column(t("col_indicator"), "name"),
        Column(t("col_plan_text"), "plan_text"),
        Column(t("col_encoding")),
    ]
    table = doc.Table(columns, rows, "plain", "audit")
    return Part("audit", t("audit"), doc.Paragraph(t("audit_text")), table=table)


def provenance(ctx: ReportContext) -> Part:
    rows = [Row([Cell(k), Cell(v, role="code")]) for k, v in ctx.provenance]
    columns = [Column(ctx.t("col_key")), Column(ctx.t("col_value"), "code")]
    table = doc.Table(columns, rows, "plain", "provenance")
    return Part("provenance", ctx.t("provenance"), table=table)
