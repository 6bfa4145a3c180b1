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
    if others:
        parts = [w("why_columns", lang, n=len(doc.columns))] if len(doc.columns) < m else []
        parts += _why_parts(others, lang)
        why = w("why_sep", lang).join(parts)
        why = w("why_open", lang) + why + w("why_close", lang) if parts else ""
        key = "f_no_ranking_all" if len(others) == len(doc.rows) else "f_no_ranking_why"
        text += w(key, lang, k=len(others), m=m, why=why)
    return text


def _why_parts(others: list, lang: str) -> list[str]:
    """Why each unranked region has too few judged targets, every region in exactly one part
    (so the parts add up to the whole): no data at all, else lagging data on some target,
    else only 0–2 targets with plan-period data (the range said)."""
    empty = [r for r in others if all(c.category == "no_data" for c in r.cells)]
    late = [r for r in others if r not in empty and any(c.category == "lagging" for c in r.cells)]
    few = [r.counted for r in others if r not in empty and r not in late]
    parts = [w("why_late", lang, n=len(late))] if late else []
    parts += [w("why_empty", lang, n=len(empty))] if empty else []
    if few:
        lo, hi = min(few), max(few)
        k = str(lo) if lo == hi else w("range", lang, lo=lo, hi=hi)
        parts.append(w("why_few", lang, n=len(few), k=k))
    return parts


def _most_missed(doc) -> bool:
    """Some target is missed by more than half of the regions with plan-period data on it."""
    return any(2 * len(tc.misses) > tc.current for tc in doc.counts if tc.misses)


def _target_line(tc, doc, lang: str) -> str:
    """One target: met of the regions with data, the other categories, no data; how many
    lagging values are inside / outside the target; who misses it (largest gap first); the
    worst latest value (and the worst plan-period one when that is lagging); who has lagging
    data."""
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
    text += w("f_end", lang) + _lagging_split(tc, lang)
    limit = doc.max_names
    if tc.misses:
        names = capped([entry_text(e, lang) for e in tc.misses], lang, limit)
        text += w_n("f_target_misses", lang, len(tc.misses), n_current=tc.current, names=names)
    elif tc.current:
        text += w("f_target_no_miss", lang, n_current=tc.current)
    text += _worst(tc, lang)
    if tc.lagging:
        names = capped([entry_text(e, lang, lagging=False) for e in tc.lagging], lang, limit)
        text += w("f_target_lagging", lang, names=names)
    return text


def _sides(tc, lang: str) -> tuple[str, str]:
    """(inside, outside) words of the target's sense: 低于/高于 for ≤, 高于/低于 for ≥."""
    key = {"<=": "below", ">=": "above"}.get(tc.column.sense or "", "inside")
    other = {"below": "above", "above": "below"}.get(key, "outside")
    return w("side_" + key, lang), w("side_" + other, lang)


def _lagging_split(tc, lang: str) -> str:
    """How many lagging regions' latest values already meet the target and how many miss it
    (both counted, so neither side is counted alone)."""
    if not tc.lagging:
        return ""
    inside, outside = _sides(tc, lang)
    k_in, k_out = tc.lagging_inside, tc.lagging_outside
    r_in = w("also_regions", lang, n=k_in) if k_in else w("no_region", lang)
    r_out = regions_n(k_out, lang) if k_out else w("no_region", lang)
    return w(
        "f_lagging_split", lang, n=len(tc.lagging), k_in=tc.lagging_inside,
        k_out=tc.lagging_outside, r_in=r_in, r_out=r_out, inside=inside, outside=outside,
    )  # fmt: skip


def _worst(tc, lang: str) -> str:
    """最新值最高为云南省4.73‰（2020年，数据滞后）；规划期内数据中最高为山东省2.61‰（2023年）."""
    if tc.worst is None or tc.column.sense not in ("<=", ">="):
        return ""
    word = w("worst_high" if tc.column.sense == "<=" else "worst_low", lang)
    text = w("f_target_worst", lang, word=word, who=_who(tc.worst, lang))
    if tc.worst.lagging and tc.worst_current is not None:
        text += w("f_target_worst_current", lang, word=word, who=_who(tc.worst_current, lang))
    return text + w("f_end", lang)


def _who(e, lang: str) -> str:
    key = "who_lagging" if e.lagging else "who"
    return w(key, lang, region=e.region, value=e.value, year=e.year)


def _targets(doc, lang: str) -> list[str]:
    """Targets by the number of regions that miss them (most first), then one line per
    target."""
    missed = sorted((tc for tc in doc.counts if tc.misses), key=lambda tc: -len(tc.misses))
    if missed:
        items = [
            w("f_missed_item", lang, name=tc.column.name, k=len(tc.misses), n=tc.current)
            for tc in missed
        ]
        head = w("f_missed", lang, items=join(items, lang))
    elif any(tc.with_data for tc in doc.counts):
        head = w("f_none_missed", lang)
    else:
        head = w("f_no_target_data", lang)
    return [head] + [_target_line(tc, doc, lang) for tc in doc.counts]


def _lagging_outside(doc) -> list[tuple]:
    """``(column, entry)`` of every lagging value on the wrong side of its target."""
    return [(tc.column, e) for tc in doc.counts for e in tc.lagging if e.note]


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
    late = _lagging_outside(doc)
    tail = ""
    if late:
        items = [_lagging_item(c, e, lang) for c, e in late]
        tail = w("f_regions_lagging", lang, items=capped(items, lang, doc.max_names))
    if not scored:
        return w("f_no_region_behind", lang) + tail
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
    return w("f_regions", lang, items=items) + tail


def _lagging_item(c, e, lang: str) -> str:
    return w(
        "lagging_item", lang, region=e.region, name=c.name, value=e.value, year=e.year,
        note=e.note,
    )  # fmt: skip


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
    """The four headings, each chosen from the counts its section words: 二 names the targets
    regions miss only when every target with data is missed by some region (多数 when one is
    missed by more than half of its regions with plan-period data), else 各目标实现情况; 三
    says 较多 only when a region misses two or more targets, names 未达到 only when some region
    misses one; 四 says 数据缺口 only when data are lagging or missing."""
    judged = [tc for tc in doc.counts if tc.current]
    every = bool(judged) and all(tc.misses for tc in judged)
    cells = (c.category for r in doc.rows for c in r.cells)
    gaps = any(c in ("lagging", "no_data") for c in cells) or bool(_no_data_rows(doc))
    targets = "h_targets_most" if _most_missed(doc) else "h_targets_some"
    scored = _region_misses(doc)
    regions = "h_regions_none"
    if scored:
        regions = "h_regions" if max(len(got) for _, got in scored) >= 2 else "h_regions_some"
    return {
        "overall": w("h_overall", lang),
        "targets": w(targets if every else "h_targets_none", lang),
        "regions": w(regions, lang),
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
