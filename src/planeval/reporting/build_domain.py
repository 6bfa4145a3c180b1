"""One domain of the plan as a report section: the indicator table (mid-term/final or
annual), one chart per indicator with data, and the qualitative targets with the
department's written account."""

from __future__ import annotations

from planeval.assessment.assess import IndicatorAssessment
from planeval.assessment.reliability import reliability_text
from planeval.core.labels import label
from planeval.reporting import document as doc
from planeval.reporting.build import ReportContext
from planeval.reporting.facts import (
    change_word,
    field_of,
    is_statistical,
    name_of,
    observed,
    path_of,
    row_decimals,
    value_in,
)
from planeval.reporting.formatting import (
    MISSING,
    fmt_interval,
    fmt_num,
    fmt_p,
    fmt_value,
    round_half_up,
    unit_name,
    years_text,
)

Cell, Column = doc.Cell, doc.Column


def domain_section(ctx: ReportContext, domain_zh: str) -> doc.DomainSection:
    """Heading, counts, the indicator table, one chart per indicator with data, and the
    qualitative targets with the department's written account."""
    results = [r for r in ctx.assessment.results if r.domain == domain_zh]
    stat = [r for r in results if is_statistical(r)]
    qual = [r for r in results if not is_statistical(r)]
    n = ctx.domains.index(domain_zh) + 1
    name = ctx.plan.domain_name(domain_zh, ctx.lang)
    section = doc.DomainSection(
        number=n,
        title=ctx.t("domain", n=n, name=name),
        anchor=ctx.domain_anchor(domain_zh),
        intro=ctx.t("domain_intro", n=len(results), stat=len(stat), qual=len(qual)),
    )
    if stat:
        if ctx.annual:
            section.table = annual_table(ctx, stat)
            section.table_note = ctx.t("annual_table_note", year=ctx.year, prev=ctx.year - 1)
        else:
            section.table = indicator_table(ctx, stat)
            first = ctx.table_years[0] if ctx.table_years else ctx.plan.period_start - 1
            section.table_note = ctx.t("table_note", first=first)
            section.table_note_technical = ctx.t("table_note_p")
        section.charts_title = ctx.t("charts")
        with_data = [r for r in stat if r.years]
        if with_data:
            section.legend = legend(ctx)
            section.figures = [f for f in (panel(ctx, r) for r in with_data) if f is not None]
        else:
            section.no_charts = ctx.t("no_charts")
    if qual:
        section.accounts_title = ctx.t("qualitative")
        section.accounts = [account(ctx, r) for r in qual]
    return section


def account(ctx: ReportContext, r: IndicatorAssessment) -> doc.Account:
    """A qualitative target with the department's written account, or a note that none was
    submitted."""
    text = field_of(r, "account") or None
    return doc.Account(
        f"ind-{r.indicator_id}",
        name_of(r, ctx.lang),
        ctx.verdict_badge(r),
        text,
        ctx.t("no_account"),
    )


# --------------------------------------------------------------------------- cells
def status_cell(ctx: ReportContext, r: IndicatorAssessment) -> Cell:
    """Status badge; under it ``⚠ 预警`` for a target of the early-warning list (the verdict's
    problems), the latest year of lagging data; the trust label (低可靠性) with its reason is
    technical (the HTML and the full annex only)."""
    notes = ["⚠ " + ctx.t("early_warning")] if r.indicator_id in ctx.warned else []
    if ctx.is_lagging(r):
        notes.append(ctx.t("lag_status", year=r.latest_year))
    technical, sep = "", "；" if ctx.lang != "en" else "; "
    if field_of(r, "reliability") == "low" and ctx.verdict_of(r).basis == "forecast":
        # the trust label and its reason: the HTML and the full annex only (the brief annex
        # of Word and PDF keeps the status word, 预警 and 数据滞后)
        technical = reliability_text(r, ctx.lang, with_interval=ctx.stage != "annual")
        technical = (sep if notes else "") + technical
    warning = sep.join(notes)
    return Cell(
        badge=ctx.verdict_badge(r),
        warning=warning,
        warning_technical=technical,
        column="status",
        role="status",
    )


def lead_cells(ctx: ReportContext, r: IndicatorAssessment) -> list[Cell]:
    """Item, indicator name (linking to its chart), unit and target."""
    name = Cell(name_of(r, ctx.lang), role="name", anchor=f"ind-{r.indicator_id}")
    if r.years:
        name.link, name.link_title = f"fig-{r.indicator_id}", ctx.t("chart_link")
    return [
        Cell(r.item, role="item", technical=True),
        name,
        Cell(unit_name(r.unit, ctx.lang), role="unit"),
        Cell(ctx.target_text(r), role="target", column="target"),
    ]


def reference_cells(ctx: ReportContext, r: IndicatorAssessment, d: int) -> list[Cell]:
    """The reference geography's latest value (no cell without a reference geography)."""
    if not ctx.reference_series:
        return []
    s = ctx.reference_series.get(r.indicator_id)
    if s is None or not len(s):
        return [Cell(MISSING, role="num", column="reference")]
    y = int(s.index.max())
    return [Cell(fmt_num(s.loc[y], d), str(y), role="num", column="reference")]


def change_cell(ctx: ReportContext, r: IndicatorAssessment) -> Cell:
    """The change in words, as the verdict gives it: the tested trend (改善/无显著变化/恶化)
    with enough values, else the change to the last value from the base year the body uses
    (the plan's baseline year when it has a value: ``2020—2022年上升0.4`` beside the body's
    ``比2020年上升0.4``), or from the first value without one."""
    t = ctx.verdict_of(r)
    text = MISSING
    if t.trend_kind == "tested":
        text = label("change", t.change, ctx.lang) or MISSING
    elif t.trend_kind == "first_last":
        d = row_decimals(r)
        first, delta = t.trend_first, round_half_up(t.trend_delta, d)
        base, base_value = r.baseline_year, r.baseline_value
        if base is not None and base_value is not None and base < t.trend_last:
            first = base
            delta = round_half_up(r.latest_value, d) - round_half_up(base_value, d)
        key = (
            "first_last_same"
            if delta == 0
            else ("first_last_up" if delta > 0 else "first_last_down")
        )
        text = label("change", key, ctx.lang).format(
            first=first, last=t.trend_last, delta=fmt_num(abs(delta), d)
        )
    return Cell(text, role="change", column="change")


def path_cell(ctx: ReportContext, r: IndicatorAssessment, d: int) -> Cell:
    """Mid-term path position; the second line is the value of the straight path from
    baseline to target in the latest data year, which the latest value is ahead of or
    behind."""
    pos, value = path_of(r)
    if not pos:
        return Cell(MISSING, role="path", column="path")
    arrow = "▲" if pos == "ahead" else "▼"
    word = f"{arrow} {label('path', pos, ctx.lang)}"
    sub = f"{ctx.t('path_value')} {fmt_num(value, d)}"
    return Cell(word, sub, role="path", column="path", tone=pos)


def gap_cell(ctx: ReportContext, r: IndicatorAssessment, d: int) -> Cell:
    """Gap of the latest value to the target; only for a value of the plan period (a 2016
    value meeting a 2025 target says nothing about the plan)."""
    t = ctx.verdict_of(r)  # lagging (no value in the period): the gap from the latest one
    if t.gap is None:
        return Cell(MISSING, role="num", column="gap")
    key = {"above": "gap_above", "below": "gap_below"}.get(t.band_side or "", "gap_short")
    text = ctx.t("gap_met") if t.gap == 0 else ctx.t(key, gap=fmt_num(t.gap, d))
    sub = str(r.latest_year) if r.latest_year != ctx.year else ""
    return Cell(text, sub, role="num", column="gap")


# --------------------------------------------------------------------------- tables
def indicator_columns(ctx: ReportContext) -> list[Column]:
    t = ctx.t
    columns = [
        Column(t("col_item"), "item", technical=True),
        Column(t("col_indicator"), "name"),
        Column(t("col_unit"), "unit"),
        Column(t("col_target"), "target"),
        Column(t("col_baseline"), "num"),
    ]
    columns += [Column(str(y), "year") for y in ctx.table_years]
    columns.append(Column(t("col_latest"), "num"))
    if ctx.reference_series:
        columns.append(Column(t("col_reference", geo=ctx.reference_name), "num"))
    columns += [
        Column(t("col_forecast", year=ctx.target_year), "num", technical_text=t("col_forecast_pi")),
        Column(t("col_p"), "num", technical=True),
    ]
    if ctx.stage == "midterm":
        columns.append(Column(t("col_path"), "path"))
    columns += [Column(t("col_status"), "status"), Column(t("col_change"), "change")]
    return columns


def indicator_row(ctx: ReportContext, r: IndicatorAssessment) -> doc.Row:
    d, obs = row_decimals(r), observed(r)
    num = lambda v, sub="", col="": Cell(fmt_num(v, d), sub, role="num", column=col)  # noqa: E731
    dash = lambda col: Cell(MISSING, role="num", column=col)  # noqa: E731
    cells = lead_cells(ctx, r)
    base = r.baseline_value
    cells.append(
        dash("baseline") if base is None else num(base, str(r.baseline_year or ""), "baseline")
    )
    for y in ctx.table_years:
        cells.append(num(obs[y], col=f"y{y}") if y in obs else Cell(role="num", column=f"y{y}"))
    latest = r.latest_value
    cells.append(dash("latest") if latest is None else num(latest, str(r.latest_year), "latest"))
    cells += reference_cells(ctx, r, d)
    pi = fmt_interval(r.pi_low, r.pi_high, d)
    forecast = dash("forecast") if r.forecast is None else num(r.forecast, pi, "forecast")
    forecast.sub_technical = True  # the 95 % interval: technical annex only
    cells.append(forecast)
    cells.append(Cell(fmt_p(r.p_attain), role="num", column="p_attain", technical=True))
    if ctx.stage == "midterm":
        cells.append(path_cell(ctx, r, d))
    cells += [status_cell(ctx, r), change_cell(ctx, r)]
    return doc.Row(cells, key=r.indicator_id)


def indicator_table(ctx: ReportContext, results: list[IndicatorAssessment]) -> doc.Table:
    """Mid-term / final table: item, indicator, unit, target, baseline, each year's value of
    the plan period, latest, forecast with 95 % interval, probability of attainment,
    (mid-term) path position, status with icon and text, change."""
    rows = [indicator_row(ctx, r) for r in results]
    return doc.Table(indicator_columns(ctx), rows, "indicators", f"stage-{ctx.stage}")


def annual_row(ctx: ReportContext, r: IndicatorAssessment) -> doc.Row:
    y, p = ctx.year, ctx.year - 1
    d = row_decimals(r)
    now, before = value_in(r, y), value_in(r, p)
    now_cell = Cell(fmt_num(now, d), role="num", column=f"y{y}")
    if now is None and r.latest_value is not None:
        now_cell.sub = f"{ctx.t('col_latest')} {fmt_num(r.latest_value, d)} ({r.latest_year})"
    delta = Cell(MISSING, role="num", column="delta")
    if now is not None and before is not None:
        delta.text = fmt_num(now - before, d, signed=True)
        word = change_word(r, before, now, d)
        if word:
            delta.sub, delta.sub_tone = ctx.t("delta_" + word), word
    cells = lead_cells(ctx, r) + [
        Cell(fmt_num(before, d), role="num", column=f"y{p}"),
        now_cell,
        delta,
        *reference_cells(ctx, r, d),
        gap_cell(ctx, r, d),
        status_cell(ctx, r),
        change_cell(ctx, r),
    ]
    return doc.Row(cells, key=r.indicator_id)


def annual_table(ctx: ReportContext, results: list[IndicatorAssessment]) -> doc.Table:
    """Annual monitoring table: target, previous year's value, this year's value, change
    against last year (better/worse by the indicator's direction), gap to target, status."""
    y, p, t = ctx.year, ctx.year - 1, ctx.t
    columns = [
        Column(t("col_item"), "item", technical=True),
        Column(t("col_indicator"), "name"),
        Column(t("col_unit"), "unit"),
        Column(t("col_target"), "target"),
        Column(t("col_prev", year=p), "num"),
        Column(t("col_this", year=y), "num"),
        Column(t("col_delta"), "num"),
    ]
    if ctx.reference_series:
        columns.append(Column(t("col_reference", geo=ctx.reference_name), "num"))
    columns += [
        Column(t("col_gap"), "num"),
        Column(t("col_status"), "status"),
        Column(t("col_change"), "change"),
    ]
    return doc.Table(columns, [annual_row(ctx, r) for r in results], "indicators", "stage-annual")


# --------------------------------------------------------------------------- charts
def legend(ctx: ReportContext) -> list[doc.LegendEntry]:
    from planeval.reporting.charts import legend_kinds, legend_text

    out = [doc.LegendEntry(k, legend_text(k, ctx.lang)) for k in legend_kinds(not ctx.annual)]
    if ctx.reference_name:
        out.append(doc.LegendEntry("reference", ctx.reference_name))
    return out


def chart_alt(ctx: ReportContext, r: IndicatorAssessment) -> str:
    """Alt text of an indicator's chart: what it shows, in words and numbers."""
    d, lang = row_decimals(r), ctx.lang
    alt = lambda key, **v: label("alt", key, lang).format(**v)  # noqa: E731
    parts = [name_of(r, ctx.lang), alt("observed", years=years_text(r.years))]
    if r.latest_value is not None:
        value = fmt_value(r.latest_value, r.unit, d, lang)
        parts.append(alt("latest", value=value, year=r.latest_year))
    if r.forecast is not None and not ctx.annual:
        value = fmt_value(r.forecast, r.unit, d, lang)
        pi = fmt_interval(r.pi_low, r.pi_high, d)
        parts.append(alt("forecast", year=r.target_year, value=value, pi=pi))
    parts.append(f"{ctx.t('col_target')}: {ctx.target_text(r, with_unit=True)}")
    parts.append(f"{ctx.t('col_status')}: {ctx.verdict_of(r).status_text(lang)}")
    return ctx.sep.join(parts)


def panel(ctx: ReportContext, r: IndicatorAssessment) -> doc.Figure | None:
    """One indicator's chart (observations, trend, fan, target, path, reference)."""
    from planeval.reporting.charts import figure_png, indicator_figure

    fig = indicator_figure(
        r,
        lang=ctx.lang,
        reference=ctx.reference_series.get(r.indicator_id),
        reference_label=ctx.reference_name,
        trend=not ctx.annual,
        seed=ctx.seed,
    )
    if fig is None:
        return None
    return doc.Figure(
        figure_png(fig),
        chart_alt(ctx, r),
        caption=name_of(r, ctx.lang),
        badge=ctx.verdict_badge(r),
        anchor=f"fig-{r.indicator_id}",
        kind="panel",
        brief=in_brief_annex(r, ctx.assessment.settings),
    )


def in_brief_annex(r: IndicatorAssessment, settings: dict) -> bool:
    """Whether an indicator's chart goes in the brief annex (Word and PDF): at least
    ``report.brief_chart_min_points`` observed values and, for a % indicator, a 95 % band
    covering less than ``report.brief_chart_max_band_share`` of the 0–100 scale (a band from
    0.0 to 96.8 % tells a reader nothing)."""
    rules = settings["report"]
    if len(r.years) < rules["brief_chart_min_points"]:
        return False
    if r.unit == "%" and r.pi_low is not None and r.pi_high is not None:
        return (r.pi_high - r.pi_low) / 100 < rules["brief_chart_max_band_share"]
    return True
