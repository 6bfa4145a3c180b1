"""PDF from the report's HTML through headless Chromium's print-to-PDF.

Why Chromium and not WeasyPrint: the report is one HTML page whose layout (CSS grid of the
chart panels, flex rows of the gender section, JupyterLab's stylesheet in the notebook
export) is what a reviewer sees in a browser; Chromium prints exactly that page with the
print stylesheet of ``report.css`` (``@media print``: page breaks before sections, repeated
table headers, no hover colours) and page numbers in the page margin (``@page`` margin
boxes). WeasyPrint implements its own subset of CSS (no grid in the versions Debian ships,
different font fallback for CJK), so the PDF would differ from the page that was checked.
Chromium is a Debian package (``make pdf-tools`` installs it with the CJK fonts).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from planeval.core.errors import InputError, Problem

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def chromium() -> str:
    """The Chromium executable; raises :class:`InputError` with the fix when none is found."""
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    raise InputError(
        Problem(
            "--format pdf",
            "headless Chromium is not installed, so no PDF can be printed",
            "未安装 Chromium，无法生成 PDF",
            "run `make pdf-tools` (apt-get install chromium fonts-noto-cjk) or leave pdf out",
            "运行 make pdf-tools（apt-get install chromium fonts-noto-cjk），或不生成 pdf",
        )
    )


#: Added to the printed page of a brief annex: the technical annex (appendix parts, contents
#: entries and charts marked ``technical`` by the templates) is not printed.
#: The sources' notes (raw rows, files, translations) are left out too, as in the brief Word
#: file.
BRIEF_PRINT_CSS = (
    "<style>@media print { .pe .technical, .pe table.sources td .sub "
    "{ display: none !important; } }</style>"
)


def for_print(html: str, annex: str = "brief") -> str:
    """The page as printed: with ``annex="brief"`` the technical annex is hidden on paper
    (the HTML file itself keeps it)."""
    if annex == "full":
        return html
    head_end = html.find("</head>")
    if head_end < 0:
        return BRIEF_PRINT_CSS + html
    return html[:head_end] + BRIEF_PRINT_CSS + html[head_end:]


def html_to_pdf(html: str, pdf_path: str | Path, timeout: float = 300, annex: str = "full") -> Path:
    """Print an HTML page (a string) to ``pdf_path`` with headless Chromium (A4, the page's
    print stylesheet, no browser header or footer); ``annex="brief"`` leaves the technical
    annex out (:func:`for_print`). Raises :class:`InputError` when Chromium is missing and
    ``RuntimeError`` with Chromium's message when printing fails."""
    exe = chromium()
    html = for_print(html, annex)
    pdf_path = Path(pdf_path)
    with tempfile.TemporaryDirectory(prefix="planeval-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        target = Path(tmp) / "report.pdf"
        cmd = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={target}",
            page.as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            raise RuntimeError(f"Chromium could not print the report: {proc.stderr[-2000:]}")
        shutil.copyfile(target, pdf_path)
    return pdf_path
