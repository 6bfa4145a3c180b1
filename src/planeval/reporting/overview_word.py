"""The overview as an editable Word file (python-docx), in the layout of the reports' Word files
(:class:`planeval.reporting.word.WordWriter`: 宋体 body, 黑体 headings, numbered tables and
figures, page numbers): title and facts, the findings, the region × target matrix (landscape),
the regions per target and the small multiples."""

from __future__ import annotations

import io

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from planeval.reporting.overview import OverviewDocument
from planeval.reporting.overview_page import words
from planeval.reporting.word import HEADING_FONT, WordWriter, _font


def _grid(writer: WordWriter, title: str, header: list[str], rows: list[list[str]], size=8):
    """``表N title`` above a plain table of text cells."""
    writer.tables += 1
    cap = writer.paragraph(indent=False)
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cap.paragraph_format.keep_with_next = True
    _font(cap.add_run(f"{writer._word('table')}{writer.tables} {title}"), HEADING_FONT, 10.5)
    grid = writer.docx.add_table(rows=1, cols=len(header))
    grid.style, grid.alignment = "Table Grid", WD_TABLE_ALIGNMENT.CENTER
    for i, text in enumerate(header):
        _font(grid.rows[0].cells[i].paragraphs[0].add_run(text), size=size, bold=True)
    for row in rows:
        cells = grid.add_row().cells
        for i, text in enumerate(row):
            _font(cells[i].paragraphs[0].add_run(text), size=size)
    return grid


def _landscape(writer: WordWriter) -> None:
    section = writer.docx.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.8))


def overview_docx(doc: OverviewDocument) -> bytes:
    """The overview document as .docx bytes."""
    t = words(doc.lang)
    writer = WordWriter(doc)
    title = writer.docx.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(doc.title), HEADING_FONT, 18, True)
    for key, value in doc.facts:
        writer.paragraph(f"{key}：{value}" if doc.lang != "en" else f"{key}: {value}", indent=False)
    writer.heading(t["h_findings"], 1)
    for heading, paragraphs in doc.findings:
        writer.heading(heading, 2)
        for p in paragraphs:
            writer.paragraph(p)
    _landscape(writer)
    writer.heading(t["h_matrix"], 1)
    writer.paragraph(t["legend"], role="note", indent=False)
    header = [t["region"], t["latest_year"], t["rate"], t["rank"]] + [
        f"{c.name}（{c.target}）" if doc.lang != "en" else f"{c.name} ({c.target})"
        for c in doc.columns
    ]
    rows = [
        [r.name, r.latest_data_year, r.rate_text, r.rank_text]
        + [f"{c.icon} {c.word}" + (f"\n{c.value} ({c.year})" if c.value else "") for c in r.cells]
        for r in doc.rows
    ]
    _grid(writer, t["h_matrix"], header, rows, size=7.5)
    writer.heading(t["h_counts"], 1)
    header = [t["target"]] + [f"{icon} {word}" for _, icon, word in doc.categories] + [t["behind"]]
    rows = [
        [tc.column.name] + [str(tc.counts[c]) for c, _, _ in doc.categories] + [tc.behind]
        for tc in doc.counts
    ]
    _grid(writer, t["h_counts"], header, rows, size=8.5)
    if doc.figures:
        writer.heading(t["h_panels"], 1)
    for f in doc.figures:
        writer.figures += 1
        p = writer.paragraph(indent=False)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run().add_picture(io.BytesIO(f.png), width=Cm(24))
        cap = writer.paragraph(indent=False)
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(cap.add_run(f"{writer._word('figure')}{writer.figures} {f.caption}"), size=9.5)
    buf = io.BytesIO()
    writer.docx.save(buf)
    return buf.getvalue()
