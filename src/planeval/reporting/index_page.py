"""The report index page (``reports/index.html``): every report with stage, year, region,
time produced, its input fingerprint and whether it is current, and the catalogue pages.

:func:`render_index` only renders (template ``templates/index.html.j2``); which reports are
complete and which rebuilds failed is decided by :mod:`planeval.publish.runner`, which writes
the page.
"""

from __future__ import annotations

from planeval.core.labels import label
from planeval.plans.registry import geography_name


def plan_display_name(meta: dict) -> str:
    """The plan's display name in the language of the listed page (``plan_title`` of its
    metadata; zh when that language is missing), else its code (metadata of an older run)."""
    titles = meta.get("plan_title") or {}
    return titles.get(meta.get("lang", "zh")) or titles.get("zh") or meta["plan"]


def index_row(meta: dict, failure: dict | None = None) -> dict:
    """One report of the index as plain text fields, from its metadata: ``geography`` (its
    name in the page's language and its code), ``plan`` (its display name in the page's
    language, the code in ``plan_code``), ``stage``, ``year``, ``lang``, ``produced``,
    ``file``, ``fingerprint``; and the record of its last failed rebuild (``{"failed": time,
    "record": path}``) or None."""
    geo = meta["geography"]
    stage = label("stage", meta["stage"], "zh") + " / " + label("stage", meta["stage"], "en")
    if meta.get("kind") == "overview":  # the overview of a parent geography's regions
        stage = f"{label('overview', 'kicker', 'zh')} · {stage}"
    return {
        "geography": f"{geography_name(geo, 'en' if meta.get('lang') == 'en' else 'zh')} [{geo}]",
        "plan": plan_display_name(meta),
        "plan_code": meta["plan"],
        "stage": stage,
        "year": meta["year"],
        "lang": meta["lang"],
        "produced": meta["produced"],
        "file": meta["file"],
        "others": [f for k, f in (meta.get("files") or {}).items() if k in ("docx", "pdf")],
        "fingerprint": str(meta.get("fingerprint", ""))[:12],
        "failure": failure,
    }


def render_index(rows: list[dict], catalogue_pages: list[str]) -> str:
    """The index page as HTML: ``rows`` from :func:`index_row`, ``catalogue_pages`` the file
    names of the catalogue audit pages beside the reports."""
    from planeval.reporting.html import render_page

    return render_page(
        "index.html.j2", "planeval reports", rows=rows, catalogue_pages=catalogue_pages
    )
