"""The submission-status page (报送情况) of a geography and year: who filed, what is missing,
when (template ``templates/status.html.j2``; the content is
:func:`planeval.intake.status.submission_status`)."""

from __future__ import annotations

from pathlib import Path

from planeval.core.files import atomic_write_text
from planeval.intake.status import SubmissionStatus, submission_status
from planeval.plans.registry import geography_name


def render_status(status: SubmissionStatus, data_dir: str | Path | None = None) -> str:
    """The page as HTML."""
    from planeval.reporting.html import render_page

    return render_page(
        "status.html.j2",
        f"报送情况 {status.geography} {status.year}",
        s=status,
        geo_name=geography_name(status.geography, "zh", data_dir),
    )


def write_status_page(data_dir: str | Path, geography: str, year: int, out: str | Path) -> Path:
    """Write the 报送情况 page of ``geography`` and ``year`` to ``out`` (atomic write)."""
    out = Path(out)
    atomic_write_text(out, render_status(submission_status(data_dir, geography, year), data_dir))
    return out
