"""The written findings: sentences in the register of published evaluation reports, drafted
from the assessment, with the office's own words placed beside them.

Structure (that of county and city mid-term/final evaluation reports of the women's and
children's plans and of the national monitoring reports): 一、总体情况 (verdict, counts,
达标率), 二、主要进展 (per domain, one numbered sentence per indicator with data), 三、存在的
问题 (off track, at risk, worsening, volatile, no data, each with why), 四、对策建议 (one item
per problem: department, gap, annual change needed, and a marked place for the office).

Every number in a sentence is one the assessment computed (value, year, baseline, forecast,
interval, probability, slope) or a difference or rate of such numbers, formatted with the
decimals of the indicator's row. Sentence patterns are in ``labels.yaml`` (``finding``,
``points``, ``stage_status``); thresholds of the verdict and of 基本实现 in the settings file
(``report``).

Verdict rules (:func:`verdict_key`): final report with target-year data: 达标率 ≥
``verdict_final_met_rate`` → 如期实现, ≥ ``verdict_final_basic_rate`` → 基本实现, else 部分未能
实现; final report before the target year's data: none off track → 预计能够如期实现, else 预计
部分难以实现; other stages: none off track or at risk → 进展顺利; off-track share of the judged
indicators ≥ ``verdict_lagging_off_share`` → 进展滞后; else 较为顺利. No judged indicator: 数据
不足以判断.
"""

from __future__ import annotations

from collections import Counter

from planeval.assessment.assess import IndicatorAssessment
from planeval.core.labels import label
from planeval.reporting import document as doc
from planeval.reporting.build import ReportContext
from planeval.reporting.facts import (
    NUMERIC_SENSES,
    gap_to_target,
    is_statistical,
    name_of,
    row_decimals,
    value_in,
)
from planeval.reporting.formatting import fmt_interval, fmt_num, fmt_p, unit_text

JUDGED = ("achieved", "on_track", "at_risk", "off_track")
YEAR_BOUND = ("at_least", "at_most", "about", "count_at_least", "relative_change")


CN_NUMERALS = "一二三四五六七八九十"


def section_number(n: int, lang: str) -> str:
    """``一``…``十`` in Chinese (the numbering of official documents), ``n`` in English."""
    if lang != "en" and 1 <= n <= 10:
        return CN_NUMERALS[n - 1]
    if lang != "en" and 11 <= n <= 19:
        return "十" + CN_NUMERALS[n - 11]
    return str(n)


def points(unit: str, lang: str) -> str:
    """How a change is written after its number: 个百分点 (%), 个千分点 (‰), /10万, or the unit."""
    word = label("points", unit, lang)
    return word if word != unit else unit_text(unit, lang)


class Writer:
    """Fills the ``finding`` patterns of one report's language."""

    def __init__(self, ctx: ReportContext):
        self.ctx, self.lang = ctx, ctx.lang

    def __call__(self, key: str, **values) -> str:
        return label("finding", key, self.lang).format(**values)

    def department(self, r: IndicatorAssessment) -> str:
        try:
            name = self.ctx.plan.target(r.indicator_id).department_name(self.lang)
        except KeyError:
            name = ""
        return name or self("department_unknown")


# --------------------------------------------------------------------------- rules
def monitorable(r: IndicatorAssessment) -> bool:
    """A numeric target with data to judge it (the denominator of 达标率)."""
    return is_statistical(r) and r.target_sense in NUMERIC_SENSES and r.status in JUDGED


def achievement_rate(results) -> tuple[int, int, float | None]:
    """``(achieved, monitorable, rate in %)``; rate None without a monitorable indicator."""
    judged = [r for r in results if monitorable(r)]
    k = sum(r.status == "achieved" for r in judged)
    return k, len(judged), (100.0 * k / len(judged) if judged else None)


def has_target_year_data(ctx: ReportContext, r: IndicatorAssessment) -> bool:
    return (r.latest_year or 0) >= ctx.target_year


def stage_status(ctx: ReportContext, r: IndicatorAssessment) -> str | None:
    """The stage's status word key (``labels.yaml`` ``stage_status``) or None.

    Mid-term/annual: achieved → 提前实现 (a target judged in its target year) or 已实现
    (maintain targets). Final with the target year's value: 已实现, 基本实现 (short by at most
    ``report.basically_met_share`` of the target level), 未实现. Final before that value:
    预计实现 / 预计实现存在风险 / 预计难以实现 from the status.
    """
    if ctx.stage == "final" and has_target_year_data(ctx, r):
        if r.status == "achieved":
            return "met"
        gap, level = gap_to_target(r), r.target_level or r.target_value
        share = ctx.assessment.settings["report"]["basically_met_share"]
        if gap is not None and level and gap <= share * abs(level):
            return "basic_met"
        return "missed" if gap is not None else None
    if ctx.stage == "final":
        falls_back = "forecast_falls_back" in (r.warning_reasons or [])
        return {
            "achieved": "expect_risk" if falls_back else "expect_met",
            "on_track": "expect_met",
            "at_risk": "expect_risk",
            "off_track": "expect_miss",
        }.get(r.status)
    if r.status == "achieved":
        return "early_met" if r.target_type in YEAR_BOUND else "met"
    return None


def verdict_key(ctx: ReportContext) -> str:
    """The overall verdict (rules in the module docstring)."""
    stat = [r for r in ctx.statistical if r.status in JUDGED]
    if not stat:
        return "verdict_no_data"
    report = ctx.assessment.settings["report"]
    count = Counter(r.status for r in stat)
    if ctx.stage == "final" and all(has_target_year_data(ctx, r) for r in stat):
        _, _, rate = achievement_rate(stat)
        if rate >= 100 * report["verdict_final_met_rate"]:
            return "verdict_final_met"
        if rate >= 100 * report["verdict_final_basic_rate"]:
            return "verdict_final_basic"
        return "verdict_final_short"
    if ctx.stage == "final":
        return "verdict_expect_short" if count["off_track"] else "verdict_expect_met"
    if not count["off_track"] and not count["at_risk"]:
        return "verdict_smooth"
    if count["off_track"] >= report["verdict_lagging_off_share"] * len(stat):
        return "verdict_lagging"
    return "verdict_mostly"


# --------------------------------------------------------------------------- one indicator
def required_change(ctx: ReportContext, r: IndicatorAssessment) -> float | None:
    """Change per year needed from the latest value to the target level by the target year
    (in the unit; None when met, without a numeric target or without years left)."""
    gap = gap_to_target(r)
    years_left = ctx.target_year - (r.latest_year or ctx.target_year)
    if not gap or years_left <= 0:
        return None
    goal = r.target_value if r.target_sense == "band" else r.target_level
    return (goal - r.latest_value) / years_left


def _change_part(w: Writer, r: IndicatorAssessment, since: int | None, before, d: int) -> str:
    if since is None or before is None or since >= r.latest_year:
        return ""
    delta = round(r.latest_value, d) - round(before, d)
    if round(delta, d) == 0:
        return w("change_same", year=since)
    key = "change_up" if delta > 0 else "change_down"
    return w(key, year=since, delta=fmt_num(abs(delta), d), points=points(r.unit, w.lang))


def _status_part(w: Writer, ctx: ReportContext, r: IndicatorAssessment, d: int) -> str:
    target = ctx.target_text(r, with_unit=True)
    pts = points(r.unit, w.lang)
    gap = gap_to_target(r)
    word = stage_status(ctx, r)
    forecast = dict(
        year=r.forecast_year or r.target_year,
        forecast=ctx.value_with_unit(r, r.forecast),
        pi=fmt_interval(r.pi_low, r.pi_high, d),
        p=fmt_p(r.p_attain),
    )
    if word in ("early_met", "met"):
        return w(word, target=target)
    if word in ("basic_met", "missed"):
        return w(word, target=target, gap=fmt_num(gap, d), points=pts)
    if word and r.forecast is not None:  # final before the target year's data: 预计
        return w("expect", word=label("stage_status", word, w.lang), **forecast)
    if ctx.annual and gap:
        return w("annual_gap", target=target, gap=fmt_num(gap, d), points=pts)
    if r.forecast is not None and r.status in JUDGED and not ctx.annual:
        return w("forecast", word=label("status", r.status, w.lang), **forecast)
    return ""


def progress_sentence(ctx: ReportContext, r: IndicatorAssessment) -> doc.Sentence | None:
    """``2023年，新生儿死亡率为2.8‰，比2020年下降0.6个千分点，提前实现规划目标（≤ 3.0‰）。``
    None without a value in the plan period."""
    if r.latest_value is None or (r.latest_year or 0) < ctx.plan.period_start:
        return None
    w, d = Writer(ctx), row_decimals(r)
    value = ctx.value_with_unit(r, r.latest_value)
    text = w("value", year=r.latest_year, name=name_of(r, ctx.lang), value=value)
    if ctx.annual:
        text += _change_part(w, r, ctx.year - 1, value_in(r, ctx.year - 1), d)
    else:
        text += _change_part(w, r, r.baseline_year, r.baseline_value, d)
    text += _status_part(w, ctx, r, d) + w("end")
    return doc.Sentence(text, indicator=r.indicator_id, kind="progress")


def need_sentence(ctx: ReportContext, r: IndicatorAssessment) -> doc.Sentence | None:
    """``要在2025年实现目标（≥ 70.0%），2023年起需每年上升9.3个百分点`` (+ the observed trend)."""
    need = required_change(ctx, r)
    if need is None:
        return None
    w, d = Writer(ctx), row_decimals(r)
    pts = points(r.unit, w.lang)
    text = w(
        "need",
        year=ctx.target_year,
        target=ctx.target_text(r, with_unit=True),
        from_year=r.latest_year,
        word=w("up" if need > 0 else "down"),
        required=fmt_num(abs(need), d),
        points=pts,
    )
    return doc.Sentence(text + trend_part(ctx, r) + w("end"), indicator=r.indicator_id, kind="need")


def trend_part(ctx: ReportContext, r: IndicatorAssessment) -> str:
    """``，2015—2023年线性趋势为每年下降0.5个百分点`` ('' without a slope)."""
    if r.slope is None or len(r.years) < 3:
        return ""
    w, d = Writer(ctx), row_decimals(r)
    return w(
        "trend",
        first=min(r.years),
        last=max(r.years),
        word=w("up" if r.slope > 0 else "down"),
        slope=fmt_num(abs(r.slope), d),
        points=points(r.unit, w.lang),
    )


def office(written, placeholder: str, indicator: str = "") -> doc.Sentence:
    """The office's text (marked with its author) or the marked place for it."""
    if written is None:
        return doc.Sentence(placeholder, placeholder=True, indicator=indicator)
    return doc.Sentence(written.text, origin="office", author=written.author, indicator=indicator)


def problem_kinds(ctx: ReportContext, r: IndicatorAssessment) -> list[str]:
    """Why an indicator is a problem: missed, off_track, at_risk, worsening, volatile,
    falls_back (in that order; empty: no problem)."""
    kinds = []
    word = stage_status(ctx, r)
    if word in ("missed", "basic_met"):
        kinds.append("missed")
    elif r.status in ("off_track", "at_risk"):
        kinds.append(r.status)
    if r.change == "worsening":
        kinds.append("worsening")
    if r.volatile:
        kinds.append("volatile")
    if "forecast_falls_back" in (r.warning_reasons or []):
        kinds.append("falls_back")
    return kinds


def problem_finding(ctx: ReportContext, r: IndicatorAssessment, kinds: list[str]) -> doc.Finding:
    """One problem: the indicator's numbers, what reaching the target needs, why (trend,
    volatility) and the causes (the office's text or its marked place)."""
    w, name = Writer(ctx), name_of(r, ctx.lang)
    sentences = [s for s in (progress_sentence(ctx, r), need_sentence(ctx, r)) if s]
    if "worsening" in kinds and not any(s.kind == "need" for s in sentences):
        trend = trend_part(ctx, r).lstrip("，;, ")
        if trend:
            text = trend[0].upper() + trend[1:] if ctx.en else trend
            sentences.append(doc.Sentence(text + w("end"), indicator=r.indicator_id, kind="trend"))
    if "volatile" in kinds and r.years:
        text = w("volatile_why", first=min(r.years), last=max(r.years))
        sentences.append(doc.Sentence(text, indicator=r.indicator_id, kind="volatile"))
    written = ctx.narrative.indicator(r.indicator_id, "cause")
    sentences.append(office(written, w("cause_placeholder", department=w.department(r))))
    title = w(f"problem_{kinds[0]}", name=name) + w("end")
    return doc.Finding(title, sentences, r.indicator_id)


def no_data_finding(ctx: ReportContext, missing: list[IndicatorAssessment]) -> doc.Finding:
    w = Writer(ctx)
    names = ("、" if not ctx.en else ", ").join(ctx.label_of(r) for r in missing)
    n_min = ctx.assessment.settings["status"]["min_observations"]
    text = w("no_data_why", min=n_min, names=names)
    return doc.Finding(
        w("problem_no_data", n=len(missing)) + w("end"), [doc.Sentence(text, kind="no_data")]
    )


def advice_finding(ctx: ReportContext, r: IndicatorAssessment) -> doc.Finding | None:
    """A recommendation skeleton: department, gap, annual change needed (or the trend to
    reverse), then the office's measure or the marked place for it."""
    w, d = Writer(ctx), row_decimals(r)
    pts, name, dept = points(r.unit, w.lang), ctx.label_of(r), w.department(r)
    need, gap = required_change(ctx, r), gap_to_target(r)
    if need is not None:
        text = w(
            "advice_item",
            name=name,
            department=dept,
            target=ctx.target_text(r, with_unit=True),
            gap=fmt_num(gap, d),
            points=pts,
            word=w("up" if need > 0 else "down"),
            required=fmt_num(abs(need), d),
        )
        kind = "advice"
    elif r.change == "worsening" and r.slope is not None:
        text = w(
            "advice_trend",
            name=name,
            department=dept,
            first=min(r.years),
            last=max(r.years),
            word=w("up" if r.slope > 0 else "down"),
            slope=fmt_num(abs(r.slope), d),
            points=pts,
        )
        kind = "advice_trend"
    else:
        return None
    written = ctx.narrative.indicator(r.indicator_id, "recommendation")
    sentences = [
        doc.Sentence(text, indicator=r.indicator_id, kind=kind),
        office(written, w("advice_placeholder", department=dept), r.indicator_id),
    ]
    return doc.Finding("", sentences, r.indicator_id)


# --------------------------------------------------------------------------- sections
def rate_sentence(ctx: ReportContext, results, key: str) -> doc.Sentence:
    k, n, rate = achievement_rate(results)
    if rate is None:
        return doc.Sentence(Writer(ctx)("rate_none"), kind="rate")
    return doc.Sentence(Writer(ctx)(key, n=n, k=k, rate=fmt_num(rate, 1)), kind="rate")


def rates_table(ctx: ReportContext) -> doc.Table:
    """达标率 by domain and overall, with the denominator."""
    t = ctx.t
    rows = []
    groups = [(ctx.plan.domain_name(dz, ctx.lang), dz) for dz in ctx.domains]
    for name, dz in [*groups, (label("page", "total", ctx.lang), None)]:
        res = [r for r in ctx.assessment.results if dz is None or r.domain == dz]
        k, n, rate = achievement_rate(res)
        cells = [
            doc.Cell(name),
            doc.Cell(str(n), role="num", column="denominator"),
            doc.Cell(str(k), role="num", column="achieved"),
            doc.Cell(fmt_num(rate, 1), role="num", column="rate"),
        ]
        rows.append(doc.Row(cells, key=dz or "total"))
    keys = ("col_domain", "col_monitorable", "col_achieved_n", "col_rate")
    columns = [doc.Column(t(k), "" if k == "col_domain" else "num") for k in keys]
    return doc.Table(columns, rows, "plain", "narrow rates")


def overall_sentences(ctx: ReportContext) -> list[doc.Sentence]:
    w = Writer(ctx)
    stat, res = ctx.statistical, ctx.assessment.results
    count = Counter(r.status for r in stat)
    sentences = [
        doc.Sentence(w(verdict_key(ctx)), kind="verdict"),
        doc.Sentence(
            w(
                "counts",
                total=len(res),
                stat=len(stat),
                qual=len(res) - len(stat),
                achieved=count["achieved"],
                on_track=count["on_track"],
                at_risk=count["at_risk"],
                off_track=count["off_track"],
                insufficient=count["insufficient_data"],
            ),
            kind="counts",
        ),
        rate_sentence(ctx, res, "rate"),
    ]
    if ctx.narrative.overall is not None:
        sentences.append(office(ctx.narrative.overall, ""))
    return sentences


def progress_group(ctx: ReportContext, n: int, domain_zh: str) -> doc.FindingGroup:
    w = Writer(ctx)
    results = [r for r in ctx.statistical if r.domain == domain_zh]
    findings = []
    for r in results:
        s = progress_sentence(ctx, r)
        if s is not None:
            findings.append(doc.Finding("", [s], r.indicator_id))
    written = ctx.narrative.domain(domain_zh, "progress")
    if written is not None:
        findings.append(doc.Finding("", [office(written, "")]))
    note = None if findings else doc.Sentence(w("domain_no_data"), kind="no_data")
    name = ctx.plan.domain_name(domain_zh, ctx.lang)
    title = w("domain", n=section_number(n, ctx.lang), name=name)
    has_rate = achievement_rate(results)[1] > 0
    rate = rate_sentence(ctx, results, "rate_domain") if has_rate else None
    return doc.FindingGroup(title, rate, findings, note)


def build_findings(ctx: ReportContext) -> doc.Findings:
    """The written part of the report (see the module docstring)."""
    w = Writer(ctx)
    problems, advice = [], []
    for r in ctx.statistical:
        kinds = problem_kinds(ctx, r)
        if kinds:
            problems.append(problem_finding(ctx, r, kinds))
            item = advice_finding(ctx, r)
            if item is not None:
                advice.append(item)
    for dz in ctx.domains:
        causes = ctx.narrative.domain(dz, "causes")
        if causes is not None:
            title = ctx.plan.domain_name(dz, ctx.lang) + w("end")
            problems.append(doc.Finding(title, [office(causes, "")]))
    missing = [r for r in ctx.statistical if r.status == "insufficient_data"]
    if missing:
        problems.append(no_data_finding(ctx, missing))
        names = ("、" if not ctx.en else ", ").join(name_of(r, ctx.lang) for r in missing[:5])
        names += "……" if len(missing) > 5 and not ctx.en else (", ..." if len(missing) > 5 else "")
        text = w("advice_data", n=len(missing), names=names)
        advice.append(doc.Finding("", [doc.Sentence(text, kind="advice_data")]))
    return doc.Findings(
        title=w("title"),
        origin_note=w("origin_note"),
        overall_title=w("overall"),
        overall=overall_sentences(ctx),
        rates=rates_table(ctx),
        progress_title=w("progress"),
        progress=[progress_group(ctx, i, dz) for i, dz in enumerate(ctx.domains, start=1)],
        problems_title=w("problems"),
        problems=problems,
        advice_title=w("advice"),
        advice=advice,
        joiner=" " if ctx.en else "",
    )
