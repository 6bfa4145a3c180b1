"""The overview's written findings, in the order of a committee's summary: overall picture,
the targets most regions miss, the regions that lag most, where data are missing.

Every sentence words what the overview document already holds (the regions' verdicts, their
counts, 达标率 and ranks): nothing is decided here. Patterns are in ``labels.yaml`` (group
``overview``), zh and en.
"""

from __future__ import annotations

from planeval.core.labels import label


def _w(key: str, lang: str, **values) -> str:
    return label("overview", key, lang).format(**values)


def _join(names: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(names)


def _overall(doc, lang: str) -> str:
    n = len(doc.rows)
    with_data = sum(1 for r in doc.rows if any(c.category != "no_data" for c in r.cells))
    ranked = [r for r in doc.rows if r.rank is not None]
    text = _w("f_overall", lang, n=n, with_data=with_data, targets=len(doc.columns))
    if ranked:
        top = [r.name for r in ranked if r.rank == 1]
        text += _w("f_ranked", lang, k=len(ranked), top=_join(top, lang), rate=ranked[0].rate_text)
    unranked = n - len(ranked)
    if unranked:
        text += _w("f_unranked", lang, k=unranked, m=doc.min_rank_denominator)
    return text


def _targets_missed(doc, lang: str) -> list[str]:
    """Targets by the number of regions off track (most first), and each target's region
    furthest behind."""
    out = []
    missed = sorted(
        (tc for tc in doc.counts if tc.counts["off_track"]),
        key=lambda tc: -tc.counts["off_track"],
    )
    if missed:
        parts = [
            _w("f_missed_item", lang, name=tc.column.name, k=tc.counts["off_track"])
            for tc in missed
        ]
        out.append(_w("f_missed", lang, items=_join(parts, lang)))
    else:
        out.append(_w("f_none_missed", lang))
    for tc in doc.counts:
        met = tc.counts["met"]
        out.append(
            _w(
                "f_target_line",
                lang,
                name=tc.column.name,
                target=tc.column.target,
                met=met,
                n=len(doc.rows),
                behind=tc.behind,
            )
        )
    return out


def _regions_lagging(doc, lang: str) -> str:
    """Regions with the most targets off track, then lagging data (at most five named)."""
    scored = []
    for r in doc.rows:
        off = [
            c for c, cell in zip(doc.columns, r.cells, strict=True) if cell.category == "off_track"
        ]
        late = sum(cell.category == "lagging" for cell in r.cells)
        if off or late:
            scored.append((len(off), late, r, off))
    if not scored:
        return _w("f_no_region_behind", lang)
    scored.sort(key=lambda s: (-s[0], -s[1], s[2].geography))
    parts = []
    for n_off, late, r, off in scored[:5]:
        if off:
            names = _join([c.name for c in off], lang)
            parts.append(
                _w("f_region_item", lang, region=r.name, off=n_off, names=names, late=late)
            )
        else:
            parts.append(_w("f_region_late", lang, region=r.name, late=late))
    return _w("f_regions", lang, items=_join(parts, lang))


def _data_gaps(doc, lang: str) -> str:
    none = [r.name for r in doc.rows if all(c.category == "no_data" for c in r.cells)]
    late = [r.name for r in doc.rows if any(c.category == "lagging" for c in r.cells)]
    text = _w("f_gaps", lang, late=len(late), late_names=_join(late, lang) or "—")
    if none:
        text += _w("f_gaps_none", lang, k=len(none), names=_join(none, lang))
    for tc in doc.counts:
        if tc.counts["no_data"]:
            text += _w("f_gap_target", lang, name=tc.column.name, k=tc.counts["no_data"])
    return text


def findings(doc, lang: str = "zh") -> list[tuple[str, list[str]]]:
    """``[(heading, [paragraph, ...]), ...]``: 一、总体情况, 二、多数地区未实现的目标,
    三、进展滞后的地区,
    四、数据缺口, each paragraph a sentence built from the document's numbers."""
    return [
        (_w("h_overall", lang), [_overall(doc, lang)]),
        (_w("h_targets", lang), _targets_missed(doc, lang)),
        (_w("h_regions", lang), [_regions_lagging(doc, lang)]),
        (_w("h_gaps", lang), [_data_gaps(doc, lang)]),
    ]
