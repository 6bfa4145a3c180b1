"""``<out>/index.html``: every complete report in an output folder, and the catalogue pages."""

from __future__ import annotations

import contextlib
from pathlib import Path

from planeval.core.files import atomic_write_text
from planeval.publish.failures import last_failure
from planeval.publish.fingerprint import is_complete, read_metadata
from planeval.reporting.spec import STAGES


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
    the record. Only output files that exist are linked. Written atomically, under a lock:
    every worker rewrites it as soon as it has published a report, so after a batch is
    killed the index shows every report on disk with its real time.
    """
    from planeval.reporting.index_page import index_row, render_index

    out = Path(out)
    target = out / "index.html"
    with _index_lock(out):  # workers and the batch write it: one at a time, from the disk
        rows = [
            index_row(present(out, m), last_failure(out, m["file"])) for m in complete_reports(out)
        ]
        pages = sorted(p.name for p in out.glob("catalogue_*.html"))
        atomic_write_text(target, render_index(rows, pages))
    return target


def present(out: Path, meta: dict) -> dict:
    """``meta`` with only the output files that are there (a deleted Word or PDF file is
    never linked; the next batch rebuilds it)."""
    files = {k: f for k, f in (meta.get("files") or {}).items() if (out / str(f)).is_file()}
    return {**meta, "files": files}


@contextlib.contextmanager
def _index_lock(out: Path):
    """Exclusive lock on ``<out>/.planeval-index.lock`` while the index is listed and written
    (a worker that finished a report and the batch may write it at the same moment)."""
    import fcntl

    with open(out / ".planeval-index.lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
