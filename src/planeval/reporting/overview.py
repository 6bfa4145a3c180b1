"""The overview of a parent geography: every region's verdicts for one plan × stage × data year.

A plain document (no HTML), built from the regions' records
(:func:`planeval.reporting.overview_verdicts.region_record`, stored beside each region's report
or made from its assessment) and rendered to HTML by ``templates/overview.html.j2``
(:mod:`planeval.reporting.overview_page`) and to Word (:mod:`planeval.reporting.overview_word`):

* the region × target matrix (icon and word of each verdict, the latest value and its year,
  each region's latest data year, its 达标率 with numerator / denominator and its rank);
* per target, how many regions have met it, are on track, off track, lagging, without data,
  the regions that miss it (largest gap first) and those with lagging data;
* small multiples per indicator (:mod:`planeval.reporting.overview_charts`);
* the written findings (:mod:`planeval.reporting.overview_findings`).

Ranks: regions by 达标率, highest first, equal rates sharing a rank (1, 1, 3); a region whose
denominator is below ``overview.min_rank_denominator`` (settings file) is not ranked, and the
row says so. With fewer than ``overview.min_ranked_regions`` rankable regions nothing is ranked
(one or two regions make no ranking): the rank column is left out and the findings say why.

A region *misses* a target when its verdict is off track / not met, or its plan-period latest
value is on the wrong side of it (the verdict's gap, ``gap_share`` > 0) (:func:`misses`);
regions that miss are listed per target by gap, largest first. Regions whose latest data
predate the plan period (数据滞后) are never counted as missing or meeting a target: they are
named apart, each with its value, year and, on the wrong side, a note (高于目标), and counted
apart on both sides (how many lagging values are inside the target, how many outside). Per
target the region with the worst latest value is named (with its year, 数据滞后 said), and the
worst among plan-period values when that one is lagging.

One symbol set: a cell's and a category's icon are the verdict status's icon in ``labels.yaml``
(``verdict_status``), the one the region's own report shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planeval.core.labels import group, label
from planeval.reporting.formatting import decimals_for, fmt_num, fmt_value, unit_text
from planeval.reporting.overview_verdicts import CATEGORIES
from planeval.reporting.wording import target_text, target_words


def w(key: str, lang: str, **values) -> str:
    """An overview word or sentence (``labels.yaml`` group ``overview``), placeholders filled."""
    return label("overview", key, lang).format(**values)


def w_n(key: str, lang: str, n: int, **values) -> str:
    """:func:`w` for a sentence about ``n`` things: ``n == 1`` takes the key's singular form
    ``<key>_one`` when ``labels.yaml`` has one (``1 region has``, ``2 regions have``; in
    Chinese mostly the same words, without 由大到小 for one). ``{n}`` is filled with ``n``."""
    if n == 1 and label("overview", key + "_one", lang) != key + "_one":
        key += "_one"
    return w(key, lang, n=n, **values)


def regions_n(n: int, lang: str) -> str:
    """``3个地区`` / ``3 regions`` / ``1 region``."""
    return w_n("n_regions", lang, n)


def join(names: list[str], lang: str) -> str:
    """Names joined as the language lists them (、 or a comma)."""
    return ("、" if lang != "en" else ", ").join(names)


def capped(names: list[str], lang: str, limit: int) -> str:
    """At most ``limit`` names, then how many more (``…等12个地区`` / ``… and 12 more``)."""
    if len(names) <= limit:
        return join(names, lang)
    return join(names[:limit], lang) + w("more_names", lang, k=len(names) - limit)


@dataclass
class Column:
    """One target of the matrix."""

    indicator_id: str
    item: str
    name: str
    unit: str
    target: str  # the target as the tables say it, with its unit and year: ≤ 5‰ (2030)
    decimals: int
    words: str = ""  # the target as the findings say it: 2030年降至5‰以下
    sense: str | None = None  # "<=" (lower is better), ">=", or None (band, qualitative)


@dataclass
class Cell:
    """One region's verdict on one target: ``icon`` + ``word`` (never colour alone),
    ``value`` and ``year`` of the latest observation, ``category`` (CSS class / counts);
    ``note``: a plain note after the value (高于目标) when the value is on the wrong side of the
    target and the verdict's word does not say so (lagging, on track): never a second status."""

    icon: str
    word: str
    value: str
    year: str
    category: str
    note: str = ""


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
class Entry:
    """One region named under a target: its name, latest value (with unit) and year, whether
    the data are lagging, the verdict's gap as a share of the target (0: met), the signed
    position (:func:`~planeval.reporting.overview_verdicts.position`, positive: wrong side),
    ``note`` (高于目标 on the wrong side) and ``status``: the verdict's word when the region is
    named as missing the target without being off track (有望实现)."""

    region: str
    value: str
    year: int | None
    lagging: bool
    gap_share: float | None
    position: float | None = None
    note: str = ""
    status: str = ""


@dataclass
class TargetCounts:
    """Per target: number of regions in each category (over all regions), the regions with
    data, those with plan-period data that miss the target (largest gap first), those with
    lagging data (oldest first) and how many of their values are inside / outside the target;
    the region with the worst latest value (``worst``, lagging or not) and the worst among
    plan-period values (``worst_current``)."""

    column: Column
    counts: dict[str, int]
    with_data: int
    misses: list[Entry]
    lagging: list[Entry]
    worst: Entry | None
    worst_current: Entry | None
    lagging_inside: int
    lagging_outside: int
    misses_text: str  # the table's cell: "山东省（6.20‰，2023年，有望实现）" or "无"
    lagging_text: str  # "云南省（4.73‰，2020年）、湖北省（6.49‰，2018年，高于目标）" or "无"

    @property
    def current(self) -> int:
        """Regions with plan-period data on the target (with data, not lagging)."""
        return self.with_data - self.counts["lagging"]


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
    min_ranked_regions: int = 3
    ranked: bool = True  # False: too few rankable regions, no rank column, findings say why
    rankable: int = 0  # regions with at least min_rank_denominator judged targets
    max_names: int = 10
    #: boxed under the title when the regions lie outside the plan's own area (a district's
    #: plan over the provinces): not that district's results
    caveat: str = ""


def rank_regions(
    rates: dict[str, tuple[int, int]], minimum: int, min_regions: int = 1
) -> dict[str, int | None]:
    """Competition ranks (1, 1, 3) by 达标率 ``achieved / counted``, highest first; a region
    with ``counted < minimum`` gets None (not ranked). Equal rates share a rank; the rate is
    compared as the exact fraction (2/3 equals 4/6). Fewer than ``min_regions`` rankable
    regions: nobody is ranked (every rank None)."""
    from fractions import Fraction

    ranked = {g: Fraction(a, c) for g, (a, c) in rates.items() if c >= minimum and c > 0}
    ranks: dict[str, int | None] = {g: None for g in rates}
    if len(ranked) < min_regions:
        return ranks
    order = sorted(ranked.values(), reverse=True)
    for g, rate in ranked.items():
        ranks[g] = order.index(rate) + 1
    return ranks


def wrong_side(t: dict) -> bool:
    """Whether the latest value is on the wrong side of the target (the verdict's gap,
    ``gap_share`` > 0), whatever the data's age."""
    gap = t.get("gap_share")
    return gap is not None and gap > 0


def misses(t: dict) -> bool:
    """Whether a region misses the target: its verdict is off track / not met (category
    ``off_track``), or its plan-period latest value is on the wrong side (:func:`wrong_side`:
    on track but not there yet). Lagging data (before the plan period) neither miss nor meet
    a target: they are counted apart on both sides (:class:`TargetCounts`)."""
    if t.get("category") == "lagging":
        return False
    return t.get("category") == "off_track" or wrong_side(t)


#: The overview's category → the verdict status whose icon (``labels.yaml`` verdict_status)
#: the legend and the counts table show: one symbol set with the regions' own reports.
CATEGORY_STATUS = {
    "met": "met",
    "on_track": "expected",
    "off_track": "difficult",
    "lagging": "lagging",
    "no_data": "no_data",
}


def status_icon(status: str | None, fallback: str = "") -> str:
    """The icon of a verdict status (``labels.yaml`` verdict_status), the reports' symbol."""
    return (group("verdict_status").get(status or "") or {}).get("icon", fallback)


def side_note(sense: str | None, lang: str) -> str:
    """The plain note of a value on the wrong side: 高于目标 (≤ target), 低于目标 (≥ target),
    未达到目标 (otherwise)."""
    return w({"<=": "note_above", ">=": "note_below"}.get(sense or "", "note_outside"), lang)


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
                _target_words(target, lang),
                _sense(records, target.indicator_id),
            )
        )
    return cols


def _sense(records: list[dict], indicator_id: str) -> str | None:
    """The target's sense as the regions' records give it (``<=``, ``>=``, or None)."""
    for rec in records:
        for t in rec["targets"]:
            if t["indicator_id"] == indicator_id and t.get("target_sense") in ("<=", ">="):
                return t["target_sense"]
    return None


def _target_words(target, lang: str) -> str:
    """``2030年降至5‰以下``; a target kept every year: ``每年保持在98%以上（至2025年）``."""
    key = "target_every_year" if target.target_type.startswith("maintain") else "target_by_year"
    return w(key, lang, words=target_words(target, lang), year=target.target_year)


def _cell(t: dict | None, col: Column, lang: str) -> Cell:
    if t is None or t["category"] is None:
        return Cell("", "—", "", "", "no_data")
    value = "" if t["latest_value"] is None else fmt_num(t["latest_value"], col.decimals)
    year = "" if t["latest_year"] is None else str(t["latest_year"])
    note = side_note(col.sense, lang) if t["category"] != "off_track" and wrong_side(t) else ""
    icon = status_icon(t.get("status"), t.get("icon", ""))
    return Cell(icon, t[f"status_{lang}"], value, year, t["category"], note)


def _rate_text(achieved: int, counted: int, lang: str) -> tuple[float | None, str]:
    if not counted:
        return None, w("no_rate", lang)
    rate = 100.0 * achieved / counted
    return rate, f"{achieved}/{counted} ({fmt_num(rate, 1)}%)"


def _entry(t: dict, col: Column, name: str, lang: str) -> Entry:
    value = fmt_value(t["latest_value"], col.unit, col.decimals, lang)
    lagging = t["category"] == "lagging"
    note = side_note(col.sense, lang) if wrong_side(t) and t["category"] != "off_track" else ""
    status = t[f"status_{lang}"] if note and not lagging else ""
    return Entry(
        name, value, t["latest_year"], lagging, t.get("gap_share"), t.get("position"), note,
        status,
    )  # fmt: skip


def entry_text(e: Entry, lang: str, lagging: bool = True) -> str:
    """``湖北省（6.49‰，2018年，数据滞后，高于目标）``; with ``lagging`` False (a list of
    lagging regions) without 数据滞后: ``湖北省（6.49‰，2018年，高于目标）``; a region
    missing the target while on track: ``山东省（6.20‰，2023年，有望实现）``."""
    extra = [x for x in (w("lagging_word", lang) if e.lagging and lagging else "", e.status) if x]
    extra += [e.note] if e.lagging and e.note else []
    key = "entry" if not extra else "entry_more"
    more = w("sep", lang).join(extra)
    return w(key, lang, region=e.region, value=e.value, year=e.year, more=more)


def _target_counts(col: Column, i: int, rows: list[Row], by_geo: dict, lang: str, limit: int):
    """The regions per target (:class:`TargetCounts`) of column ``i``."""
    tally = dict.fromkeys(CATEGORIES, 0)
    missed, late, placed = [], [], []
    for row in rows:
        tally[row.cells[i].category] += 1
        t = by_geo[row.geography].get(col.indicator_id)
        if t is None or t["category"] in (None, "no_data") or t["latest_value"] is None:
            continue
        e = _entry(t, col, row.name, lang)
        if misses(t):
            missed.append(e)
        if e.lagging:
            late.append(e)
        if e.position is not None:
            placed.append(e)
    missed.sort(key=lambda e: (-(e.gap_share or 0.0), -(e.year or 0)))
    late.sort(key=lambda e: e.year or 0)
    worst = _worst(placed)
    current = _worst([e for e in placed if not e.lagging])
    outside = sum(e.gap_share is not None and e.gap_share > 0 for e in late)
    none = w("none", lang)
    return TargetCounts(
        col,
        tally,
        sum(v for k, v in tally.items() if k != "no_data"),
        missed,
        late,
        worst,
        current,
        len(late) - outside,
        outside,
        capped([entry_text(e, lang) for e in missed], lang, limit) or none,
        capped([entry_text(e, lang, lagging=False) for e in late], lang, limit) or none,
    )


def _worst(entries: list[Entry]) -> Entry | None:
    """The entry furthest on the wrong side (largest position; the latest year first among
    equals), None without any."""
    if not entries:
        return None
    return max(entries, key=lambda e: (e.position, e.year or 0))


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
    min_ranked_regions: int = 3,
    max_names: int = 10,
    stand_in: bool = False,
) -> OverviewDocument:
    """The overview document of ``records`` (one per region, from
    :func:`~planeval.reporting.overview_verdicts.region_record`) for ``plan`` (a
    :class:`~planeval.plans.catalogue.Plan`). ``names``: display names by geography code (the
    parent's too); ``links``: each region's own report file (None: not built);
    ``sources``: ``stored`` or ``assessed`` per region; ``parent_series``: the parent's
    observed series by indicator (drawn in every panel); ``charts``: draw the small multiples;
    ``min_ranked_regions``: fewer rankable regions rank nobody; ``max_names``: names listed in a
    sentence or cell before "and N more"; ``stand_in``: the regions lie outside the plan's area
    (a district's plan over the provinces), worded as the boxed caveat."""
    from planeval.reporting.overview_findings import findings

    links, sources = links or {}, sources or {}
    cols = _columns(plan, records, lang)
    rates = {rec["geography"]: (rec["achieved"], rec["counted"]) for rec in records}
    ranks = rank_regions(rates, min_rank_denominator, min_ranked_regions)
    rankable = sum(c >= min_rank_denominator and c > 0 for _, c in rates.values())
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
    by_geo = {rec["geography"]: {t["indicator_id"]: t for t in rec["targets"]} for rec in records}
    counts = [_target_counts(col, i, rows, by_geo, lang, max_names) for i, col in enumerate(cols)]
    categories = [(c, status_icon(CATEGORY_STATUS[c]), w(f"cat_{c}", lang)) for c in CATEGORIES]
    parent_name = names.get(parent, parent)
    stage_name = label("stage", stage, lang)
    title = w("title", lang, parent=parent_name, plan=plan.title(lang), stage=stage_name, year=year)
    no_column = [
        t.name(lang)
        for t in plan.targets
        if t.is_statistical and t.indicator_id not in {c.indicator_id for c in cols}
    ]
    notes = [w_n("note_no_column", lang, len(no_column), names=capped(no_column, lang, 12))]
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
        min_ranked_regions=min_ranked_regions,
        ranked=rankable >= min_ranked_regions,
        rankable=rankable,
        max_names=max_names,
    )
    if stand_in:
        doc.caveat = w("stand_in_caveat", lang, parent=parent_name, region=plan.region(lang))
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
            caption += " " + w("panel_no_data", lang, names=capped(missing, lang, doc.max_names))
        figures.append(Figure(png, caption, w("panel_alt", lang, name=col.name, n=len(panels))))
    return figures
