"""The overview's written findings, in the order of a committee's summary: overall picture
(with the 达标率 ranking, or why there is none), the targets regions miss, the regions that miss
most, where data are missing or lagging.

Every sentence words what the overview document already holds (the regions' verdicts, their
counts, 达标率, ranks and the regions per target of :class:`~planeval.reporting.overview.
TargetCounts`): nothing is decided here. Each heading is chosen from the same counts as the
text under it (:func:`headings`), so a heading never promises what its text denies. Patterns
are in ``labels.yaml`` (group ``overview``), zh and en; counts over the regions *with data*,
the regions without data said apart.
"""

from __future__ import annotations

from planeval.reporting.overview import capped, entry_text, join, regions_n, w, w_n


def _no_data_rows(doc) -> list:
    return [r for r in doc.rows if all(c.category == "no_data" for c in r.cells)]


def _overall(doc, lang: str) -> str:
    n = len(doc.rows)
    with_data = n - len(_no_data_rows(doc))
    text = w_n(
        "f_overall", lang, n, regions=regions_n(n, lang), with_data=with_data,
        targets=len(doc.columns),
    )  # fmt: skip
    return text + (_ranking(doc, lang) if doc.ranked else _no_ranking(doc, lang))


def _ranking(doc, lang: str) -> str:
    ranked = [r for r in doc.rows if r.rank is not None]
    top = [r.name for r in ranked if r.rank == 1]
    text = w(
        "f_ranked", lang, k=len(ranked), m=doc.min_rank_denominator, top=join(top, lang),
        rate=ranked[0].rate_text,
    )  # fmt: skip
    unranked = len(doc.rows) - len(ranked)
    if unranked:
        text += w_n("f_unranked", lang, unranked, m=doc.min_rank_denominator)
    return text


def _no_ranking(doc, lang: str) -> str:
    """Too few rankable regions: no ranking, and why the others have too few judged targets
    (lagging data, no data at all)."""
    m = doc.min_rank_denominator
    text = w("f_no_ranking", lang, k=doc.rankable, m=m, r=doc.min_ranked_regions)
    others = [r for r in doc.rows if r.counted < m]
    late = sum(any(c.category == "lagging" for c in r.cells) for r in others)
    empty = sum(all(c.category == "no_data" for c in r.cells) for r in others)
    if others:
        reasons = [("why_late", late), ("why_empty", empty)]
        if len(doc.columns) < m:  # the plan itself has too few targets with data
            reasons.insert(0, ("why_columns", len(doc.columns)))
        parts = [w(key, lang, n=n) for key, n in reasons if n]
        why = w("why_sep", lang).join(parts)
        why = w("why_open", lang) + why + w("why_close", lang) if parts else ""
        key = "f_no_ranking_all" if len(others) == len(doc.rows) else "f_no_ranking_why"
        text += w(key, lang, k=len(others), m=m, why=why)
    return text


def _most_missed(doc) -> bool:
    """Some target is missed by more than half of the regions with data on it."""
    return any(2 * len(tc.misses) > tc.with_data for tc in doc.counts if tc.misses)


def _target_line(tc, doc, lang: str) -> str:
    """One target: met of the regions with data, the other categories, no data; who misses it
    (largest gap first) or, when none does, the smallest margin; who has lagging data."""
    c = tc.counts
    rest = "".join(
        w(f"f_part_{cat}", lang, k=c[cat]) for cat in ("on_track", "off_track", "lagging") if c[cat]
    )
    text = w_n(
        "f_target_line", lang, c["met"], name=tc.column.name, target=tc.column.words,
        with_data=tc.with_data, rest=rest,
    )  # fmt: skip
    if c["no_data"]:
        text += w("f_part_no_data", lang, k=c["no_data"])
    text += w("f_end", lang)
    limit = doc.max_names
    if tc.misses:
        names = capped([entry_text(e, lang) for e in tc.misses], lang, limit)
        text += w_n("f_target_misses", lang, len(tc.misses), names=names)
    elif tc.nearest is not None:
        text += w("f_target_nearest", lang, entry=entry_text(tc.nearest, lang))
    elif tc.with_data:
        text += w("f_target_no_miss", lang)
    if tc.lagging:
        names = capped([entry_text(e, lang, value=False) for e in tc.lagging], lang, limit)
        text += w("f_target_lagging", lang, names=names)
    return text


def _targets(doc, lang: str) -> list[str]:
    """Targets by the number of regions that miss them (most first), then one line per
    target."""
    missed = sorted((tc for tc in doc.counts if tc.misses), key=lambda tc: -len(tc.misses))
    if missed:
        items = [
            w("f_missed_item", lang, name=tc.column.name, k=len(tc.misses), n=tc.with_data)
            for tc in missed
        ]
        head = w("f_missed", lang, items=join(items, lang))
    elif any(tc.with_data for tc in doc.counts):
        head = w("f_none_missed", lang)
    else:
        head = w("f_no_target_data", lang)
    return [head] + [_target_line(tc, doc, lang) for tc in doc.counts]


def _region_misses(doc) -> list[tuple]:
    """``(region name, [(column, entry)])`` of every region that misses a target, most targets
    first, then the largest gap."""
    out = []
    for r in doc.rows:
        got = [(tc.column, e) for tc in doc.counts for e in tc.misses if e.region == r.name]
        if got:
            out.append((r.name, got, max(e.gap_share or 0.0 for _, e in got)))
    out.sort(key=lambda x: (-len(x[1]), -x[2]))
    return [(name, got) for name, got, _ in out]


def _regions(doc, lang: str) -> str:
    scored = _region_misses(doc)
    if not scored:
        return w("f_no_region_behind", lang)
    parts = []
    for name, got in scored[: doc.max_names]:
        targets = join(
            [w("f_region_target", lang, name=c.name, entry=_value_year(e, lang)) for c, e in got],
            lang,
        )
        parts.append(w_n("f_region_item", lang, len(got), region=name, targets=targets))
    items = join(parts, lang)
    if len(scored) > doc.max_names:
        items += w("more_names", lang, k=len(scored) - doc.max_names)
    return w("f_regions", lang, items=items)


def _value_year(e, lang: str) -> str:
    key = "value_year_lagging" if e.lagging else "value_year"
    return w(key, lang, value=e.value, year=e.year)


def _gaps(doc, lang: str) -> str:
    late = []
    for i, r in enumerate(doc.rows):
        years = sorted({int(c.year) for c in r.cells if c.category == "lagging" and c.year})
        if years:
            late.append((years[0], i, r.name, years))
    late.sort()
    none = [r.name for r in _no_data_rows(doc)]
    limit = doc.max_names
    text = ""
    if late:
        names = [
            w("late_region", lang, region=name, years=join([str(y) for y in ys], lang))
            for *_, name, ys in late
        ]
        text += w_n("f_gaps", lang, len(late), names=capped(names, lang, limit))
    if none:
        text += w_n("f_gaps_none", lang, len(none), names=capped(none, lang, limit))
    for tc in doc.counts:
        if tc.counts["no_data"]:
            text += w_n("f_gap_target", lang, tc.counts["no_data"], name=tc.column.name)
    return text or w("f_gaps_clear", lang)


def headings(doc, lang: str) -> dict[str, str]:
    """The four headings, each chosen from the counts its section words: 二 says 多数 only when
    a target is missed by more than half of its regions with data, 部分 when some region misses
    one, neither when none does; 三 names regions only when some miss; 四 says 数据缺口 only
    when data are lagging or missing."""
    any_miss = any(tc.misses for tc in doc.counts)
    cells = (c.category for r in doc.rows for c in r.cells)
    gaps = any(c in ("lagging", "no_data") for c in cells) or bool(_no_data_rows(doc))
    targets = "h_targets_most" if _most_missed(doc) else "h_targets_some"
    return {
        "overall": w("h_overall", lang),
        "targets": w(targets if any_miss else "h_targets_none", lang),
        "regions": w("h_regions" if any_miss else "h_regions_none", lang),
        "gaps": w("h_gaps" if gaps else "h_gaps_none", lang),
    }


def findings(doc, lang: str = "zh") -> list[tuple[str, list[str]]]:
    """``[(heading, [paragraph, ...]), ...]``: 一、总体情况, 二 the targets regions miss, 三 the
    regions that miss most, 四 where data are missing (headings from :func:`headings`), each
    paragraph a sentence built from the document's numbers."""
    h = headings(doc, lang)
    return [
        (h["overall"], [_overall(doc, lang)]),
        (h["targets"], _targets(doc, lang)),
        (h["regions"], [_regions(doc, lang)]),
        (h["gaps"], [_gaps(doc, lang)]),
    ]
