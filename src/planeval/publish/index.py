"""``<out>/index.html``: every complete report in an output folder, and the catalogue pages."""

from __future__ import annotations

from pathlib import Path

from planeval.core.files import atomic_write_text
from planeval.publish.checks import STAGES
from planeval.publish.failures import last_failure
from planeval.publish.fingerprint import is_complete, read_metadata


def complete_reports(out: str | Path = "reports") -> list[dict]:
    """Metadata of every complete report in ``out`` (see :func:`is_complete`), sorted by
    geography, plan, year, stage and language."""
    out = Path(out)
    rows = []
    for meta_path in sorted(out.glob("*.html.json")):
        meta = read_metadata(out, meta_path.name[: -len(".json")])
        if meta is not None and is_complete(out, meta):
            rows.append(meta)
    # stages in the plan's own order (annual, midterm, final), not alphabetical
    rank = {stage: i for i, stage in enumerate(STAGES)}
    rows.sort(
        key=lambda m: (m["geography"], m["plan"], rank.get(m["stage"], 9), m["year"], m["lang"])
    )
    return rows


def write_index(out: str | Path = "reports") -> Path:
    """``reports/index.html``: every complete report in the folder, and the catalogue pages.

    A report is listed only when its metadata exists and the HTML's SHA-256 matches the one
    recorded there, so a report whose writing was interrupted is never linked. A report whose
    last rebuild failed (a record under ``failed/``, see :func:`last_failure`) stays listed
    (the good file is kept) but is marked outdated with the time of the failure and a link to
    the record. Written atomically.
    """
    from planeval.reporting.index_page import index_row, render_index

    out = Path(out)
    rows = [index_row(m, last_failure(out, m["file"])) for m in complete_reports(out)]
    pages = sorted(p.name for p in out.glob("catalogue_*.html"))
    page = render_index(rows, pages)
    target = out / "index.html"
    atomic_write_text(target, page)
    return target
