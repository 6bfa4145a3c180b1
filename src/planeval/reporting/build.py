"""Assessment → report document: the cover, contents and summary, and the whole document.

:class:`ReportContext` holds what one report is built from (the assessment, stage, language,
parameters, reference geography, revisions) and the small lookups every section needs;
:func:`build_document` returns a :class:`~planeval.reporting.document.ReportDocument`.
The domain sections are built in :mod:`planeval.reporting.build_domain`, the gender section
and appendix in :mod:`planeval.reporting.build_appendix`. Stages: ``annual`` (年度监测报告:
the data year's values against the previous year and the target), ``midterm`` (中期评估报告,
with the mid-term path position) and ``final`` (终期评估报告; a forecast from data through
year N while the target year's data are missing).

Wording comes from ``labels.yaml``; numbers are formatted by
:mod:`planeval.reporting.formatting` with the decimals the indicator's data carry.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from planeval.assessment.assess import Assessment, IndicatorAssessment
from planeval.assessment.verdict import COMMON, STAGE_STATUSES, TONE
from planeval.core.labels import label, text, verdict_badge
from planeval.plans.registry import geography_name, within
from planeval.reporting import document as doc
from planeval.reporting.facts import (
    change_word,
    is_statistical,
    name_of,
    path_of,
    row_decimals,
    value_in,
)
from planeval.reporting.formatting import fmt_num, fmt_value
from planeval.reporting.inputs import series_of
from planeval.reporting.narrative import Narrative, load_narrative
from planeval.reporting.wording import target_text


@dataclass
class ReportContext:
    """One evaluation report's inputs: the assessment, the stage and the presentation
    parameters.

    ``reference``: observations of another geography
    (:func:`planeval.reporting.inputs.load_reference`) drawn beside the report's own values,
    named ``reference_geography``. ``params``: the notebook's parameters, printed in the
    provenance table. ``revisions``: every vintage of revised values
    (:func:`planeval.reporting.inputs.load_revisions`), listed in the appendix.
    ``narrative``: the office's own words for the findings
    (:func:`planeval.reporting.narrative.load_narrative`).
    ``provenance``: ``(key, value)`` rows for the appendix (see
    :func:`planeval.reporting.provenance.provenance_rows`; empty: the table is left empty).
    """

    assessment: Assessment
    stage: str = "midterm"
    lang: str = "zh"
    produced: str = ""
    params: dict = field(default_factory=dict)
    reference: pd.DataFrame | None = None
    reference_geography: str = ""
    revisions: pd.DataFrame | None = None
    provenance: list[tuple[str, str]] = field(default_factory=list)
    data_dir: str | None = None
    narrative: Narrative = field(default_factory=Narrative)
    monitoring: object = None  # doc.MonitoringSection | None, built with the context
    spec: object = None  # the report's ReportSpec (planeval.reporting.spec), when known

    @property
    def annex(self) -> str:
        """How much the appendix holds: ``brief`` (default) or ``full`` (the spec's annex)."""
        return getattr(self.spec, "annex", "brief")

    @property
    def plan(self):
        return self.assessment.plan

    @property
    def en(self) -> bool:
        return self.lang == "en"

    @property
    def year(self) -> int:
        return int(self.assessment.data_year)

    @property
    def target_year(self) -> int:
        return int(self.plan.period_end)

    @property
    def annual(self) -> bool:
        return self.stage == "annual"

    @property
    def seed(self) -> int | None:
        return self.assessment.settings.get("forecast", {}).get("seed")

    @property
    def sep(self) -> str:
        """Separator of clauses in one line (``；`` or ``; ``)."""
        return "; " if self.en else "；"

    def t(self, key: str, **values) -> str:
        return text(key, self.lang, **values)

    def geo(self, geography: str) -> str:
        return geography_name(geography, self.lang, self.data_dir)

    def status_badge(self, status: str) -> doc.Badge:
        """A verdict stage status (``met_early``, ``not_met`` …) as a badge: icon and word,
        the word alone, coloured by its tone. Every status a table, list, chart caption or
        legend of the report shows is made here, so they all say the body's word."""
        return verdict_status_badge(status, self.lang)

    @cached_property
    def verdict(self):
        """The :class:`~planeval.assessment.verdict.Verdict` of this report's stage (decided in
        the assessment; the report only words it)."""
        return self.assessment.verdict_for(self.stage)

    @cached_property
    def other_targets(self) -> dict[str, list[tuple]]:
        """Targets other plans of the plan's geography set differently for its indicators
        (:func:`planeval.reporting.inputs.other_plan_targets`)."""
        from planeval.reporting.inputs import other_plan_targets

        return other_plan_targets(self.plan, self.data_dir)

    def verdict_of(self, r: IndicatorAssessment):
        """The :class:`~planeval.assessment.verdict.TargetVerdict` of one target."""
        return self.verdict[r.indicator_id]

    def verdict_badge(self, r: IndicatorAssessment) -> doc.Badge:
        """The stage status (已实现, 提前实现, 数据滞后, ...) as a badge: icon and word, coloured
        by its tone (the assessment status family)."""
        return self.status_badge(self.verdict_of(r).status)

    @cached_property
    def warned(self) -> set[str]:
        """Indicators of the early-warning list (预警指标): the verdict's problems."""
        return {p.indicator_id for p in self.verdict.problems}

    def is_lagging(self, r: IndicatorAssessment) -> bool:
        """No value in the plan period but an earlier one (数据滞后, the verdict's): said with
        the latest year, and the gap is shown from it."""
        return self.verdict_of(r).status == "lagging"

    @property
    def lagging(self) -> list[IndicatorAssessment]:
        return [r for r in self.assessment.results if self.is_lagging(r)]

    @property
    def statistical(self) -> list[IndicatorAssessment]:
        return [r for r in self.assessment.results if is_statistical(r)]

    @property
    def domains(self) -> list[str]:
        """Chinese names of the plan's domains, in plan order (the keys of the sections)."""
        return [d["zh"] for d in self.plan.domains]

    def domain_anchor(self, domain_zh: str) -> str:
        return f"domain-{self.domains.index(domain_zh) + 1}"

    def base_year(self, r: IndicatorAssessment) -> int | None:
        """The plan's base year of a target (for relative targets), else the baseline's."""
        try:
            year = self.plan.target(r.indicator_id).baseline_year
        except KeyError:
            year = None
        return year or r.baseline_year

    def target_text(self, r: IndicatorAssessment, with_unit: bool = False) -> str:
        return target_text(
            r,
            self.lang,
            decimals=row_decimals(r),
            with_unit=with_unit,
            base_year=self.base_year(r),
        )

    def value_with_unit(self, r: IndicatorAssessment, value) -> str:
        return fmt_value(value, r.unit, row_decimals(r), self.lang)

    @cached_property
    def reference_series(self) -> dict[str, pd.Series]:
        if self.reference is None:
            return {}
        out = {}
        for r in self.assessment.results:
            s = series_of(self.reference, r.indicator_id)
            if len(s):
                out[r.indicator_id] = s
        return out

    @property
    def reference_name(self) -> str:
        return self.geo(self.reference_geography) if self.reference_series else ""

    @property
    def table_years(self) -> list[int]:
        """Year columns of the domain tables: the year before the plan period to the data year."""
        return list(range(self.plan.period_start - 1, self.year + 1))

    def title(self) -> str:
        """Page title: plan, stage, data geography and year (``… · 中期评估报告 · 全国 2023``)."""
        stage = label("stage", self.stage, self.lang)
        geo = self.geo(self.assessment.geography)
        return f"{self.plan.title(self.lang)} · {stage} · {geo} {self.year}"


def verdict_status_badge(status: str, lang: str) -> doc.Badge:
    """A verdict stage status as a :class:`~planeval.reporting.document.Badge` (tone, icon and
    word, word alone)."""
    word = label("verdict_status", status, lang)
    return doc.Badge(TONE.get(status, "insufficient_data"), verdict_badge(status, lang), word)


# --------------------------------------------------------------------------- cover
def final_notices(ctx: ReportContext) -> list[str]:
    """The final stage's notices: which results are forecasts, which have too little data.

    Only indicators the verdict judges on a forecast are called forecasts; those it cannot
    judge (数据滞后, 无数据, 数据不足) are counted apart, so the note never promises a
    projection that is not there.
    """
    stat = ctx.statistical
    latest = [r.latest_year for r in stat if r.latest_year]
    observed = [r for r in stat if ctx.verdict_of(r).basis == "target_year"]
    forecast = [r for r in stat if ctx.verdict_of(r).basis == "forecast"]
    unjudged = ("lagging", "no_data", "insufficient")
    short = sum(ctx.verdict_of(r).status in unjudged for r in stat)
    out = []
    if forecast and observed:
        n = len(forecast)
        out.append(ctx.t("forecast_notice_partial", year=ctx.year, target=ctx.target_year, n=n))
    elif forecast:
        through = min(ctx.year, max(latest)) if latest else ctx.year
        out.append(ctx.t("forecast_notice", year=through, target=ctx.target_year))
    if short:
        out.append(ctx.t("insufficient_notice", n=short, target=ctx.target_year))
    return out


def notices(ctx: ReportContext) -> list[str]:
    """Sentences a reader must see first: forecast (final stage before the target year's
    data), scope of an annual report, data of another geography than the plan's."""
    out = final_notices(ctx) if ctx.stage == "final" else []
    if ctx.annual:
        out.append(ctx.t("annual_notice", year=ctx.year, prev=ctx.year - 1))
    if ctx.lagging:
        out.append(ctx.t("lag_notice", n=len(ctx.lagging), start=ctx.plan.period_start))
    if ctx.assessment.geography != ctx.plan.geography:
        geo = ctx.geo(ctx.assessment.geography)
        out.append(ctx.t("other_geo_notice", geo=geo, region=ctx.plan.region(ctx.lang)))
    return out


def caveat(ctx: ReportContext) -> str:
    """The boxed cover line of a report whose data describe an area outside the plan's own
    (a district's plan judged on national data: the figures are not the district's), decided
    from ``geographies.yaml``; "" when the data are the plan's area or lie inside it (a
    province against the national outline)."""
    geo = ctx.assessment.geography
    if within(geo, ctx.plan.geography, ctx.data_dir):
        return ""
    return ctx.t("stand_in_caveat", geo=ctx.geo(geo), region=ctx.plan.region(ctx.lang))


def cover(ctx: ReportContext) -> doc.Cover:
    """Title block: plan, region, data geography, stage, period, data cut-off, date
    produced, and the notices."""
    plan, geo, lang = ctx.plan, ctx.assessment.geography, ctx.lang
    facts = [
        (ctx.t("cover_plan"), plan.title(lang)),
        (ctx.t("cover_region"), plan.region(lang)),
        (ctx.t("cover_geo"), ctx.geo(geo)),
        (ctx.t("cover_stage"), label("stage", ctx.stage, lang)),
        (ctx.t("cover_period"), f"{plan.period_start}—{plan.period_end}"),
        (ctx.t("cover_cutoff"), ctx.t("cover_cutoff_v", year=ctx.year)),
        (ctx.t("cover_produced"), ctx.produced),
    ]
    if ctx.reference_series:
        facts.insert(3, (ctx.t("cover_reference"), ctx.geo(ctx.reference_geography)))
    return doc.Cover(
        region=plan.region(lang),
        title=plan.title(lang),
        stage=label("stage", ctx.stage, lang),
        facts=facts,
        notices=notices(ctx),
        caveat=caveat(ctx),
    )


# --------------------------------------------------------------------------- contents
APPENDIX_PARTS = ("method", "agency", "data", "sources", "revisions", "audit", "provenance")
#: Parts of the technical annex: in the HTML always, in Word and PDF with ``annex: full``.
TECHNICAL_PARTS = ("method", "agency", "revisions", "audit", "provenance")


def contents(ctx: ReportContext) -> doc.Contents:
    """Table of contents; every entry names an anchor of this report."""
    t, entry = ctx.t, doc.ContentsEntry
    written = [
        entry(k, label("finding", k, ctx.lang))
        for k in ("overall", "progress", "problems", "advice")
    ]
    summary_parts = [entry(k, t(k)) for k in ("counts", "warnings", "achieved")]
    entries = [
        entry("findings", label("finding", "title", ctx.lang), written),
        entry("summary", t("summary"), summary_parts),
    ]
    for i, d in enumerate(ctx.domains, start=1):
        name = ctx.plan.domain_name(d, ctx.lang)
        entries.append(entry(ctx.domain_anchor(d), t("domain", n=i, name=name)))
    if ctx.monitoring is not None:
        entries.append(entry("monitoring", t("monitoring")))
    entries.append(entry("gender", t("gender")))
    appendix = [entry(k, t(k), technical=k in TECHNICAL_PARTS) for k in APPENDIX_PARTS]
    entries.append(entry("appendix", t("appendix"), appendix))
    return doc.Contents(t("toc"), entries)


# --------------------------------------------------------------------------- summary
def stage_statuses(ctx: ReportContext) -> list[str]:
    """The verdict statuses shown for this stage: the stage's own, then the common ones
    (数据滞后, 无数据, 数据不足, 定性评估) that occur."""
    seen = {t.status for t in ctx.verdict.targets}
    common = [s for s in COMMON if s in seen]
    return [*STAGE_STATUSES[ctx.stage], *common]


def status_counts(ctx: ReportContext) -> pd.DataFrame:
    """Counts of targets by domain (rows, plan order) and the verdict's stage status
    (columns, :func:`stage_statuses`)."""
    counts = Counter((t.domain, t.status) for t in ctx.verdict.targets)
    data = {
        label("verdict_status", s, ctx.lang): [counts.get((d, s), 0) for d in ctx.domains]
        for s in stage_statuses(ctx)
    }
    index = [ctx.plan.domain_name(d, ctx.lang) for d in ctx.domains]
    return pd.DataFrame(data, index=index)


def warning_reason(ctx: ReportContext, r: IndicatorAssessment, kinds: list[str]) -> str:
    """One line: the verdict's figures behind the warning, in words (the latest value, the
    gap to the target in words or that it is met, the point forecast when the status rests on
    it, and why: falls back, worsening, volatile). No item codes, no ≤/≥, no probability or
    interval: those stay in the tables of the technical annex."""
    from planeval.reporting.findings import points
    from planeval.reporting.wording import target_words

    t, d = ctx.verdict_of(r), row_decimals(r)
    parts = []
    if t.latest_value is not None:
        value = ctx.value_with_unit(r, t.latest_value)
        key = "warn_lagging" if t.status == "lagging" else "warn_value"
        parts.append(ctx.t(key, year=t.latest_year, value=value))
    target = target_words(r, ctx.lang)
    if t.gap:
        side = {"above": "gap_above", "below": "gap_below"}.get(t.band_side or "", "gap")
        gap = label("finding", side, ctx.lang).format(
            gap=fmt_num(t.gap, d), points=points(r.unit, ctx.lang)
        )
        parts.append(ctx.t("warn_gap", target=target, gap=gap))
    elif t.gap == 0:
        parts.append(ctx.t("warn_met", target=target))
    if (t.basis == "forecast" or "falls_back" in kinds) and r.forecast is not None:
        year = r.forecast_year or r.target_year
        parts.append(ctx.t("warn_forecast", year=year, forecast=ctx.value_with_unit(r, r.forecast)))
    parts += [ctx.t("warn_" + k) for k in ("falls_back", "worsening", "volatile") if k in kinds]
    return ("，" if not ctx.en else ", ").join(parts)


def achieved_value(ctx: ReportContext, r: IndicatorAssessment) -> str:
    if r.latest_value is None:
        return ""
    value = ctx.value_with_unit(r, r.latest_value)
    return ctx.t("achieved_item", value=value, year=r.latest_year)


def annual_moves(ctx: ReportContext) -> Counter:
    """Counts of ``better``/``worse``/``same`` (and None: no direction) for indicators with
    values in the data year and the year before."""
    moves: Counter = Counter()
    for r in ctx.statistical:
        now, before = value_in(r, ctx.year), value_in(r, ctx.year - 1)
        if now is not None and before is not None:
            moves[change_word(r, before, now, row_decimals(r))] += 1
    return moves


def annual_sentence(ctx: ReportContext) -> str:
    n = sum(1 for r in ctx.statistical if value_in(r, ctx.year) is not None)
    m = annual_moves(ctx)
    return ctx.t(
        "annual_line",
        year=ctx.year,
        n=n,
        total=len(ctx.statistical),
        better=m["better"],
        same=m["same"],
        worse=m["worse"],
    )


def path_sentence(ctx: ReportContext) -> str:
    """How many indicators are ahead of / behind the straight path (mid-term)."""
    pos = [path_of(r)[0] for r in ctx.assessment.results if path_of(r)[0]]
    ahead = pos.count("ahead")
    return ctx.t("path_line", n=len(pos), ahead=ahead, behind=len(pos) - ahead)


def heatmap(ctx: ReportContext) -> doc.Figure | None:
    """The domain × status heatmap, its alt text listing every non-zero count."""
    from planeval.reporting.charts import figure_png, status_heatmap

    counts = status_counts(ctx)
    fig = status_heatmap(counts)
    if fig is None:
        return None
    alt = "; ".join(
        f"{dom}: " + ", ".join(f"{col} {int(n)}" for col, n in row.items() if n)
        for dom, row in counts.iterrows()
    )
    return doc.Figure(figure_png(fig, dpi=110), alt, kind="heatmap")


def summary(ctx: ReportContext) -> doc.Summary:
    """Totals by status, the stage's sentence, heatmap by domain and status, early warnings
    with one line of reason each, and the indicators already achieved."""
    res = ctx.assessment.results
    total = Counter(t.status for t in ctx.verdict.targets)
    lines = []
    if ctx.stage == "midterm":
        lines.append(path_sentence(ctx))
    if ctx.annual:
        lines.append(annual_sentence(ctx))
    if ctx.lagging:
        names = ("; " if ctx.en else "；").join(
            ctx.t("lag_item", name=name_of(r, ctx.lang), year=r.latest_year) for r in ctx.lagging
        )
        lines.append(ctx.t("lag_summary", n=len(ctx.lagging), names=names))
    by_id = {r.indicator_id: r for r in res}
    warn = [(by_id[p.indicator_id], p.kinds) for p in ctx.verdict.problems]
    ach = [r for r in res if ctx.verdict_of(r).achieved]
    link = lambda r: f"ind-{r.indicator_id}"  # noqa: E731
    return doc.Summary(
        title=ctx.t("summary"),
        total_line=ctx.t("total_line", n=len(res)),
        counts=[doc.StatusCount(ctx.status_badge(s), total.get(s, 0)) for s in stage_statuses(ctx)],
        lines=lines,
        counts_title=ctx.t("counts"),
        heatmap=heatmap(ctx),
        warnings_title=ctx.t("titled_count", title=ctx.t("warnings"), n=len(warn)),
        warnings_rule=ctx.t("warn_rule"),
        warnings=[
            doc.ListItem(
                name_of(r, ctx.lang), link(r), ctx.verdict_badge(r), warning_reason(ctx, r, k), True
            )
            for r, k in warn
        ],
        achieved_title=ctx.t("titled_count", title=ctx.t("achieved"), n=len(ach)),
        achieved=[
            doc.ListItem(name_of(r, ctx.lang), link(r), None, achieved_value(ctx, r)) for r in ach
        ],
        none_text=ctx.t("none_listed"),
    )


# --------------------------------------------------------------------------- document
def context_for(
    assessment: Assessment,
    spec,
    lang: str | None = None,
    data_dir=None,
    reference_geography: str | None = None,
    produced: str = "",
    provenance=None,
    plan_name: str | None = None,
    notebook=None,
) -> ReportContext:
    """The context of one report as the notebook builds it.

    ``spec``: the report's :class:`~planeval.reporting.spec.ReportSpec` (the notebook's
    checked parameters). The short form ``context_for(assessment, stage, lang, data_dir)``
    makes the spec from the assessment (``plan_name``: the plan as the caller named it, default
    the plan's name; ``reference_geography``: default the top of the hierarchy).

    What the report reads comes from the one list of its inputs
    (:func:`~planeval.reporting.inputs.report_inputs`, the list the fingerprint hashes): the
    reference geography and its observations up to the data year, the office's narrative
    file; besides them the revisions. With ``provenance`` true the provenance rows
    (:func:`~planeval.reporting.provenance.provenance_rows`: the spec, every input file with
    its SHA-256, versions) fill the appendix table; ``notebook``: the notebook file listed
    among the inputs.

    Raises ``InputError`` when the reference geography's files are invalid.
    """
    from planeval.reporting.build_monitoring import monitoring_section
    from planeval.reporting.inputs import load_reference, load_revisions, report_inputs
    from planeval.reporting.provenance import provenance_rows
    from planeval.reporting.spec import ReportSpec

    if not isinstance(spec, ReportSpec):
        spec = ReportSpec(
            plan_name or assessment.plan.plan,
            str(spec),
            int(assessment.data_year),
            assessment.geography,
            lang or "zh",
            reference_geography=reference_geography,
        )
    if data_dir is None:
        data_dir = getattr(assessment, "data_dir", None) or "data"
    inputs = report_inputs(spec, data_dir, notebook, plan=assessment.plan)
    year, geography = int(spec.year), spec.geography
    ref = inputs.reference_geography
    reference = load_reference(ref, year, data_dir)
    params = {**spec.fields(), "reference_geography": ref}
    ctx = ReportContext(
        assessment,
        stage=spec.stage,
        lang=spec.lang,
        produced=produced,
        params=params,
        reference=reference,
        reference_geography=ref,
        revisions=load_revisions(geography, year, data_dir),
        provenance=provenance_rows(spec, inputs) if provenance else [],
        data_dir=str(data_dir),
        narrative=load_narrative(
            data_dir, geography, inputs.plan_short_name, spec.stage, year, assessment.plan
        ),
        spec=spec,
    )
    ctx.monitoring = monitoring_section(ctx, data_dir)
    return ctx


def build_document(ctx: ReportContext) -> doc.ReportDocument:
    """The whole report, every section in reading order."""
    from planeval.reporting.build_appendix import appendix, gender_section
    from planeval.reporting.build_domain import domain_section
    from planeval.reporting.findings import build_findings, office_name

    return doc.ReportDocument(
        title=ctx.title(),
        lang=ctx.lang,
        stage=ctx.stage,
        cover=cover(ctx),
        contents=contents(ctx),
        findings=build_findings(ctx),
        summary=summary(ctx),
        domains=[domain_section(ctx, d) for d in ctx.domains],
        gender=gender_section(ctx),
        appendix=appendix(ctx),
        monitoring=ctx.monitoring,
        annex=ctx.annex,
        office=office_name(ctx),
        date=ctx.narrative.top["date"].text if "date" in ctx.narrative.top else "",
    )
