"""Word and PDF from the same report document as the HTML.

* the .docx opens with python-docx and has the findings' headings, the HTML's tables and its
  figures (counted in both);
* LibreOffice converts the .docx to PDF without error and the PDF's text (pdftotext) holds
  the Chinese indicator names;
* headless Chromium prints the HTML to PDF, whose text holds the same names.

LibreOffice, Chromium and pdftotext are Debian packages (``make pdf-tools``); a test that
needs one is skipped, saying which, only where it is not installed.
"""

from __future__ import annotations

import functools
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup

import planeval
from planeval.reporting import build
from planeval.reporting.html import render_report
from planeval.reporting.word import write_docx

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NAMES = ("新生儿死亡率", "学前教育毛入园率", "九年义务教育巩固率")


@functools.cache
def document():
    a = planeval.assess("children", "china", 2023, data_dir="data")
    return build.build_document(build.context_for(a, "midterm", "zh", "data"))


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory):
    return write_docx(document(), tmp_path_factory.mktemp("word") / "report.docx")


def pdf_text(path) -> str:
    return subprocess.run(
        [PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_docx_has_the_headings_tables_and_figures_of_the_html(docx_path):
    from docx import Document

    word = Document(str(docx_path))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    for title in ("一、总体情况", "二、主要进展", "三、存在的问题", "四、对策建议", "（一）健康"):
        assert title in headings, title
    soup = BeautifulSoup(render_report(document()), "html.parser")
    tables = [t for t in soup.find_all("table") if t.select("tbody tr")]  # with rows
    assert len(word.tables) == len(tables)
    assert len(word.inline_shapes) == len(soup.find_all("figure"))
    captions = [p.text for p in word.paragraphs if p.text.startswith(("表", "图"))]
    assert "表1 各领域达标率" in captions and any(c.startswith("图1 ") for c in captions)
    marked = [r for p in word.paragraphs for r in p.runs if r.font.highlight_color]
    assert marked and all(r.text.startswith("【") for r in marked)  # places to fill, marked
    footer = word.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer  # page numbers


@pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None,
                    reason="LibreOffice/pdftotext not installed (make pdf-tools)")  # fmt: skip
def test_libreoffice_converts_the_docx_to_pdf_with_the_chinese_names(docx_path, tmp_path):
    proc = subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx_path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    text = pdf_text(tmp_path / "report.pdf")
    for name in NAMES:
        assert name in text.replace(" ", ""), name


@pytest.mark.skipif(CHROMIUM is None or PDFTOTEXT is None,
                    reason="Chromium/pdftotext not installed (make pdf-tools)")  # fmt: skip
def test_chromium_prints_the_html_to_pdf_with_the_chinese_names(tmp_path):
    from planeval.reporting.pdf import html_to_pdf

    pdf = html_to_pdf(render_report(document()), tmp_path / "report.pdf")
    text = pdf_text(pdf).replace(" ", "")
    for name in NAMES:
        assert name in text, name
    assert "二、主要进展" in text
