"""The overview of a parent geography: every region's verdicts for one plan × stage × data year.

A plain document (no HTML), built from the regions' records
(:func:`planeval.reporting.overview_verdicts.region_record`, stored beside each region's report
or made from its assessment) and rendered to HTML by ``templates/overview.html.j2``
(:mod:`planeval.reporting.overview_page`) and to Word (:mod:`planeval.reporting.overview_word`):

* the region × target matrix (icon and word of each verdict, the latest value and its year,
  each region's latest data year, its 达标率 with numerator / denominator and its rank);
* per target, how many regions have met it, are on track, off track, lagging, without data,
  and the region furthest behind;
* small multiples per indicator (:mod:`planeval.reporting.overview_charts`);
* the written findings (:mod:`planeval.reporting.overview_findings`).

Ranks: regions by 达标率, highest first, equal rates sharing a rank (1, 1, 3); a region whose
denominator is below ``overview.min_rank_denominator`` (settings file) is not ranked, and the
row says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planeval.core.labels import label
from planeval.reporting.formatting import decimals_for, fmt_num, fmt_value, unit_text
from planeval.reporting.overview_verdicts import CATEGORIES
from planeval.reporting.wording import target_text


def w(key: str, lang: str, **values) -> str:
    """An overview word or sentence (``labels.yaml`` group ``overview``), placeholders filled."""
    return label("overview", key, lang).format(**values)


@dataclass
class Column:
    """One target of the matrix."""

    indicator_id: str
    item: str
    name: str
    unit: str
    target: str  # the target in words, with its unit and year: ≤ 5‰ (2030)
    decimals: int


@dataclass
class Cell:
    """One region's verdict on one target: ``icon`` + ``word`` (never colour alone),
    ``value`` and ``year`` of the latest observation, ``category`` (CSS class / counts)."""

    icon: str
    word: str
    value: str
    year: str
    category: str


@dataclass
class Row:
    """One region: its cells in the columns' order, 达标率 and rank."""

    geography: str
    name: str
    latest_data_year: str
    cells: list[Cell]
    achieved: int
    counted: int
    rate: float | None  # in %
    rate_text: str  # "2/3 (66.7%)"
    rank: int | None
    rank_text: str  # "1" or "不排名（分母<3）"
    link: str | None  # the region's own report (file name beside the overview), if built
    source: str = ""  # "stored" (the report's stored verdict) or "assessed" (assessed here)


@dataclass
class TargetCounts:
    """Per target: number of regions in each category, and the region furthest behind."""

    column: Column
    counts: dict[str, int]
    behind: str  # "云南省 4.73‰ (2020)" or "—"


@dataclass
class Figure:
    png: bytes
    caption: str
    alt: str


@dataclass
class OverviewDocument:
    """Everything the overview page and its Word file show, as text, numbers and images."""

    lang: str
    title: str
    parent: str
    parent_name: str
    plan: str
    plan_title: str
    stage: str
    stage_name: str
    year: int
    produced: str
    facts: list[tuple[str, str]]
    columns: list[Column]
    rows: list[Row]
    counts: list[TargetCounts]
    categories: list[tuple[str, str, str]]  # (category, icon, word)
    findings: list[tuple[str, list[str]]]
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    min_rank_denominator: int = 3


def rank_regions(rates: dict[str, tuple[int, int]], minimum: int) -> dict[str, int | None]:
    """Competition ranks (1, 1, 3) by 达标率 ``achieved / counted``, highest first; a region
    with ``counted < minimum`` gets None (not ranked). Equal rates share a rank; the rate is
    compared as the exact fraction (2/3 equals 4/6)."""
    from fractions import Fraction

    ranked = {g: Fraction(a, c) for g, (a, c) in rates.items() if c >= minimum and c > 0}
    order = sorted(ranked.values(), reverse=True)
    ranks: dict[str, int | None] = {g: None for g in rates}
    for g, rate in ranked.items():
        ranks[g] = order.index(rate) + 1
    return ranks


def _columns(plan, records: list[dict], lang: str) -> list[Column]:
    """The plan's targets with a numeric level that at least one region has data for, in the
    plan's order (a target no region reports is named in a note, not given a column)."""
    with_data = {
        t["indicator_id"]
        for rec in records
        for t in rec["targets"]
        if t["latest_value"] is not None and t["category"] is not None
    }
    cols = []
    for target in plan.targets:
        if target.indicator_id not in with_data:
            continue
        values = [
            v
            for rec in records
            for t in rec["targets"]
            if t["indicator_id"] == target.indicator_id
            for v in t["values"]
        ]
        cols.append(
            Column(
                target.indicator_id,
                target.item,
                target.name(lang),
                target.unit,
                target_text(target, lang, with_unit=True, with_year=True),
                decimals_for(target.unit, values),
            )
        )
    return cols


def _cell(t: dict | None, col: Column, lang: str) -> Cell:
    if t is None or t["category"] is None:
        return Cell("", "—", "", "", "no_data")
    value = "" if t["latest_value"] is None else fmt_num(t["latest_value"], col.decimals)
    year = "" if t["latest_year"] is None else str(t["latest_year"])
    return Cell(t["icon"], t[f"status_{lang}"], value, year, t["category"])


def _rate_text(achieved: int, counted: int, lang: str) -> tuple[float | None, str]:
    if not counted:
        return None, w("no_rate", lang)
    rate = 100.0 * achieved / counted
    return rate, f"{achieved}/{counted} ({fmt_num(rate, 1)}%)"


def _behind(col: Column, records: list[dict], names: dict[str, str], lang: str) -> str:
    """The region whose latest value lies furthest on the wrong side of the target (or closest
    to it, when every region meets it), with value and year; ``—`` without any."""
    found = []
    for rec in records:
        for t in rec["targets"]:
            if t["indicator_id"] == col.indicator_id and t["position"] is not None:
                found.append((t["position"], rec["geography"], t))
    if not found:
        return "—"
    _, geo, t = max(found, key=lambda f: (f[0], -(f[2]["latest_year"] or 0)))
    value = fmt_value(t["latest_value"], col.unit, col.decimals, lang)
    return w("behind_entry", lang, region=names[geo], value=value, year=t["latest_year"])


def build_overview(
    plan,
    records: list[dict],
    *,
    parent: str,
    names: dict[str, str],
    stage: str,
    year: int,
    lang: str = "zh",
    produced: str = "",
    links: dict[str, str | None] | None = None,
    sources: dict[str, str] | None = None,
    min_rank_denominator: int = 3,
    parent_series: dict[str, tuple[list[int], list[float]]] | None = None,
    charts: bool = True,
    plan_name: str | None = None,
) -> OverviewDocument:
    """The overview document of ``records`` (one per region, from
    :func:`~planeval.reporting.overview_verdicts.region_record`) for ``plan`` (a
    :class:`~planeval.plans.catalogue.Plan`). ``names``: display names by geography code (the
    parent's too); ``links``: each region's own report file (None: not built);
    ``sources``: ``stored`` or ``assessed`` per region; ``parent_series``: the parent's
    observed series by indicator (drawn in every panel); ``charts``: draw the small multiples."""
    from planeval.reporting.overview_findings import findings

    links, sources = links or {}, sources or {}
    cols = _columns(plan, records, lang)
    rates = {rec["geography"]: (rec["achieved"], rec["counted"]) for rec in records}
    ranks = rank_regions(rates, min_rank_denominator)
    rows = []
    for rec in records:
        by_id = {t["indicator_id"]: t for t in rec["targets"]}
        rate, rate_text = _rate_text(rec["achieved"], rec["counted"], lang)
        rank = ranks[rec["geography"]]
        if rank is not None:
            rank_text = str(rank)
        else:
            rank_text = w("not_ranked", lang, n=min_rank_denominator)
        latest = rec["latest_data_year"]
        rows.append(
            Row(
                rec["geography"],
                names.get(rec["geography"], rec["geography"]),
                str(latest) if latest is not None else w("no_data_at_all", lang),
                [_cell(by_id.get(c.indicator_id), c, lang) for c in cols],
                rec["achieved"],
                rec["counted"],
                rate,
                rate_text,
                rank,
                rank_text,
                links.get(rec["geography"]),
                sources.get(rec["geography"], ""),
            )
        )
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, -(r.counted or 0), r.geography))
    counts = []
    for i, col in enumerate(cols):
        tally = dict.fromkeys(CATEGORIES, 0)
        for row in rows:
            tally[row.cells[i].category] += 1
        counts.append(TargetCounts(col, tally, _behind(col, records, names, lang)))
    categories = [
        (c, label("overview", f"icon_{c}", "zh"), w(f"cat_{c}", lang)) for c in CATEGORIES
    ]
    parent_name = names.get(parent, parent)
    stage_name = label("stage", stage, lang)
    title = w("title", lang, parent=parent_name, plan=plan.title(lang), stage=stage_name, year=year)
    no_column = [
        t.name(lang)
        for t in plan.targets
        if t.is_statistical and t.indicator_id not in {c.indicator_id for c in cols}
    ]
    sep = ", " if lang == "en" else "、"
    notes = [w("note_no_column", lang, n=len(no_column), names=sep.join(no_column[:12]))]
    notes = notes if no_column else []
    doc = OverviewDocument(
        lang=lang,
        title=title,
        parent=parent,
        parent_name=parent_name,
        plan=plan_name or plan.plan,
        plan_title=plan.title(lang),
        stage=stage,
        stage_name=stage_name,
        year=int(year),
        produced=produced,
        facts=[
            (w("fact_parent", lang), parent_name),
            (w("fact_plan", lang), plan.title(lang)),
            (w("fact_stage", lang), stage_name),
            (w("fact_year", lang), str(year)),
            (w("fact_regions", lang), str(len(rows))),
            (w("fact_produced", lang), produced),
        ],
        columns=cols,
        rows=rows,
        counts=counts,
        categories=categories,
        findings=[],
        figures=[],
        notes=notes,
        min_rank_denominator=min_rank_denominator,
    )
    doc.findings = findings(doc, lang)
    if charts:
        doc.figures = _figures(doc, records, names, parent_series or {})
    return doc


def _figures(doc: OverviewDocument, records, names, parent_series) -> list[Figure]:
    """One small-multiples figure per column, panels in the rows' order."""
    from planeval.reporting.overview_charts import small_multiples

    lang = doc.lang
    by_geo = {rec["geography"]: {t["indicator_id"]: t for t in rec["targets"]} for rec in records}
    figures = []
    for col in doc.columns:
        panels, missing, level = [], [], None
        for row in doc.rows:
            t = by_geo[row.geography].get(col.indicator_id)
            if t is None or not t["years"]:
                missing.append(row.name)
                continue
            level = t["target_level"] if t["target_level"] is not None else level
            panels.append((row.name, t["years"], t["values"], t["latest_year"]))
        years, values = parent_series.get(col.indicator_id, ([], []))
        title = col.name + w("panel_scale", lang, unit=unit_text(col.unit, lang).strip())
        png = small_multiples(title, panels, (doc.parent_name, years, values), level)
        if png is None:
            continue
        caption = w("panel_caption", lang, name=col.name, parent=doc.parent_name, target=col.target)
        if missing:
            sep = ", " if lang == "en" else "、"
            caption += " " + w("panel_no_data", lang, names=sep.join(missing))
        figures.append(Figure(png, caption, w("panel_alt", lang, name=col.name, n=len(panels))))
    return figures
