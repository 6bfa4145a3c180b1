"""The overview page as HTML: :class:`~planeval.reporting.overview.OverviewDocument` rendered by
``templates/overview.html.j2`` with the one stylesheet (``report.css``); one self-contained
file, charts as ``data:`` images, no script."""

from __future__ import annotations

from planeval.core.labels import group
from planeval.reporting.overview import OverviewDocument, regions_n, w


def words(lang: str) -> dict[str, str]:
    """Every word of the ``overview`` group of ``labels.yaml`` in ``lang`` (placeholders left
    for the sentences the builder fills)."""
    key = "en" if lang == "en" else "zh"
    return {k: v[key] for k, v in group("overview").items()}


def no_ranking(doc: OverviewDocument) -> str:
    """The note under the matrix when nobody is ranked (too few rankable regions)."""
    return w(
        "not_ranked_all", doc.lang, k=doc.rankable, m=doc.min_rank_denominator,
        r=doc.min_ranked_regions,
    )  # fmt: skip


def render_overview(doc: OverviewDocument) -> str:
    """The overview document as one HTML page (a string)."""
    from planeval.reporting.html import render_page

    return render_page(
        "overview.html.j2",
        doc.title,
        doc.lang,
        d=doc,
        t=words(doc.lang),
        rank_rule=w("rank_rule", doc.lang, n=doc.min_rank_denominator, r=doc.min_ranked_regions),
        no_ranking=no_ranking(doc),
        source_note=source_note(doc),
    )


def source_note(doc: OverviewDocument) -> str:
    """Where the regions' verdicts come from: all read back from their own reports (then, and
    only then, the overview says they agree), some, or none (the reports not built: nothing was
    compared, said so)."""
    stored = sum(r.source == "stored" for r in doc.rows)
    assessed = len(doc.rows) - stored
    key = "source_all_stored" if not assessed else ("source_mixed" if stored else "source_none")
    return w(
        key, doc.lang, stored=regions_n(stored, doc.lang), assessed=regions_n(assessed, doc.lang)
    )
