"""scripts/check_pdfs.py, the print check `make report` runs over every PDF it wrote, on small
pages printed by headless Chromium: a page that shows its table passes (a large title wrapped
over lines above the cover's facts is read line by line; a status icon such as ◷ is not part
of the word); a blank page, a cover without its title or caveat, and a status word printed
outside the page fail."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or shutil.which("pdftotext") is None,
    reason="Chromium/pdftotext not installed (make pdf-tools)",
)
SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "check_pdfs.py"

COVER = (
    '<h1 style="font-size: 30px; line-height: 1.2; width: 120mm">China (national): all regions,'
    " a long title over four lines, overview (data through 2023)</h1>"
    "<dl><dt>Parent geography</dt><dd>China (national)</dd></dl>"
    '<p class="caveat">本报告以全国数据试算，仅供演示</p>'
)
TABLE = (
    '<h2>领域1：健康</h2><p>本领域共 2 项目标。</p><table class="indicators"{style}><tr>'
    '<td>新生儿死亡率</td><td data-col="status"><span class="badge">✔ 已实现</span></td></tr>'
    '<tr><td>婴儿死亡率</td><td data-col="status"><span class="badge">○ 无数据</span></td></tr>'
    '<tr><td>贫血率</td><td data-col="status"><span class="badge">◷ 数据滞后</span></td></tr>'
    "</table><h2>附录</h2><p>数据来源</p>"
)
BREAK = '<div style="break-before: page"></div>'


def check_pdfs():
    spec = importlib.util.spec_from_file_location("check_pdfs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def printed(tmp_path: Path, name: str, body: str) -> Path:
    from planeval.reporting.pdf import html_to_pdf

    html = f'<html lang="zh"><head><meta charset="utf-8"></head><body>{body}</body></html>'
    (tmp_path / f"{name}.html").write_text(html, encoding="utf-8")
    return html_to_pdf(html, tmp_path / f"{name}.pdf")


def test_a_page_that_shows_its_table_passes_and_the_others_fail(tmp_path):
    check = check_pdfs().check
    good = printed(tmp_path, "good", COVER + BREAK + TABLE.format(style=""))
    assert check(good) == []
    blank = printed(
        tmp_path, "blank", COVER + BREAK + BREAK + "&nbsp;" + BREAK + TABLE.format(style="")
    )
    assert "page 2 is blank" in check(blank)
    late = printed(tmp_path, "late", "<p>前言</p>" + BREAK + COVER + TABLE.format(style=""))
    cover_problems = {
        "page 1 does not hold the cover",
        "page 1 does not hold the cover's caveat (data of another area)",
    }
    assert cover_problems <= set(check(late))
    # the status column pushed 300 mm to the right: printed off the page, so missing
    wide = printed(tmp_path, "wide", COVER + BREAK + TABLE.format(
        style=' style="margin-left: 300mm; width: 80mm"'))  # fmt: skip
    problems = check(wide)
    assert any("'已实现' 0 of 1" in p for p in problems), problems
