"""Word renderer: a report document as an editable .docx in the usual layout of Chinese
official reports (python-docx).

Title and cover facts, then the written findings as the body (一、/（一）/1. headings and
numbered paragraphs), then the annexes: the domain tables (numbered 表1, 表2 … with titles
above) and charts (图1, 图2 … with captions below), the gender section and the appendix.
Body text 宋体 (SimSun) 12 pt, headings 黑体 (SimHei), page numbers centred in the footer
(— 1 —). The office's own words carry their author; the marked places (【…】) are
highlighted so that they are found and filled before the document is filed.

Wide tables (the domain tables' year columns, the observed values) are shown without the
year columns in portrait pages; the appendix is set in landscape pages.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from planeval.core.labels import label
from planeval.reporting import document as doc

BODY_FONT, HEADING_FONT = "SimSun", "SimHei"
#: Domain-table columns kept in Word (the year columns are in the annex's data table; an
#: annual table keeps its two years).
WORD_DOMAIN_COLUMNS = ("target", "baseline", "latest", "reference", "forecast", "p_attain")
WORD_DOMAIN_COLUMNS += ("path", "delta", "gap", "status")
#: Relative column widths by role (a table fills the page width).
WEIGHTS = {"item": 0.65, "name": 2.6, "unit": 0.75, "target": 1.3, "status": 1.15}
WEIGHTS |= {"plan_text": 4.0, "code": 3.0, "year": 0.8}
FIGURE_WIDTH = {"panel": Cm(7.9), "heatmap": Cm(14.5), "sex": Cm(15.5)}


def _font(run, name: str = BODY_FONT, size: float | None = None, bold: bool | None = None):
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    return run


def _page_number_footer(section) -> None:
    """``— N —`` centred in the footer (a PAGE field Word and LibreOffice update)."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("— "))
    run = _font(p.add_run())
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    _font(p.add_run(" —"))


class WordWriter:
    """Writes one report document; counts tables and figures for their numbers."""

    def __init__(self, document: doc.ReportDocument):
        self.report, self.lang = document, document.lang
        self.docx = Document()
        self.tables = self.figures = 0
        style = self.docx.styles["Normal"]
        style.font.name, style.font.size = BODY_FONT, Pt(12)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
        for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
            st = self.docx.styles[name]
            st.font.name, st.font.color.rgb = HEADING_FONT, RGBColor(0, 0, 0)
            st.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), HEADING_FONT)
        section = self.docx.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Cm(2.6))
        _page_number_footer(section)

    # ---- blocks
    def heading(self, text: str, level: int):
        return self.docx.add_heading(text, level=level)

    def paragraph(self, text: str = "", role: str = "", indent: bool = True):
        p = self.docx.add_paragraph()
        if indent:
            p.paragraph_format.first_line_indent = Pt(24)
        if text:
            run = _font(p.add_run(text), size=10.5 if role in ("note", "muted") else None)
            if role == "notice":
                run.bold = True
        return p

    def sentences(self, p, sentences: list[doc.Sentence]) -> None:
        joiner = " " if self.lang == "en" else ""
        for i, s in enumerate(sentences):
            run = _font(p.add_run((joiner if i else "") + s.text))
            if s.placeholder:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            elif s.origin == "office":
                run.font.name = "KaiTi"
                run._element.rPr.rFonts.set(qn("w:eastAsia"), "KaiTi")
                author = label("finding", "written_by", self.lang).format(author=s.author)
                _font(p.add_run(author), size=10.5).italic = True

    def table(self, table: doc.Table, title: str, columns: list[int] | None = None, size=9):
        """``表N title`` above the table; ``columns``: the indexes of the columns kept."""
        self.tables += 1
        cap = self.paragraph(indent=False)
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cap.paragraph_format.keep_with_next = True
        _font(cap.add_run(f"{self._word('table')}{self.tables} {title}"), HEADING_FONT, 10.5)
        keep = columns if columns is not None else list(range(len(table.columns)))
        grid = self.docx.add_table(rows=1, cols=len(keep))
        grid.style, grid.alignment = "Table Grid", WD_TABLE_ALIGNMENT.CENTER
        grid.autofit = False
        for i, c in enumerate(keep):
            _font(grid.rows[0].cells[i].paragraphs[0].add_run(table.columns[c].text), size=size,
                  bold=True)  # fmt: skip
        merges = []
        for row in table.rows:
            cells = grid.add_row().cells
            spans = self._spread(row, len(table.columns))
            for i, c in enumerate(keep):
                cell = spans[c]
                if cell is None:
                    continue
                if cell.rowspan > 1:
                    merges.append((len(grid.rows) - 1, i, cell.rowspan))
                text = cell.text
                if cell.badge:  # the word alone: no colour in print, and no icon glyph needed
                    text = label("status", cell.badge.status, self.lang)
                text += f" {cell.warning}" if cell.warning else ""
                p = cells[i].paragraphs[0]
                if cell.role == "num":
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _font(p.add_run(text), size=size)
                if cell.sub:
                    _font(p.add_run(f"\n{cell.sub}"), size=size - 1.5)
        for first, i, span in merges:
            last = min(first + span - 1, len(grid.rows) - 1)
            grid.cell(first, i).merge(grid.cell(last, i))
        self._widths(grid, [table.columns[c].role for c in keep])
        return grid

    def _widths(self, grid, roles: list[str]) -> None:
        """Column widths in proportion to :data:`WEIGHTS` of their roles, filling the page."""
        section = self.docx.sections[-1]
        usable = section.page_width - section.left_margin - section.right_margin
        weights = [WEIGHTS.get(r, 1.0) for r in roles]
        widths = [int(usable * w / sum(weights)) for w in weights]
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = width  # the table grid LibreOffice reads
        for row in grid.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width

    @staticmethod
    def _spread(row: doc.Row, width: int) -> list:
        """The row's cells by column (a row under a rowspan has fewer cells: right-aligned)."""
        return [None] * (width - len(row.cells)) + list(row.cells)

    def figure(self, figure: doc.Figure, caption: str = "") -> None:
        self.figures += 1
        p = self.paragraph(indent=False)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run().add_picture(io.BytesIO(figure.png), width=FIGURE_WIDTH.get(figure.kind))
        cap = self.paragraph(indent=False)
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        text = caption or figure.caption or figure.alt.split("；")[0].split("; ")[0]
        if figure.badge:
            status = label("status", figure.badge.status, self.lang)
            text += f"（{status}）" if self.lang != "en" else f" ({status})"
        _font(cap.add_run(f"{self._word('figure')}{self.figures} {text}"), size=10)

    def _word(self, key: str) -> str:
        return label("word", key, self.lang)

    def save(self, path) -> Path:
        path = Path(path)
        self.docx.save(str(path))
        return path


# --------------------------------------------------------------------------- sections
def write_cover(w: WordWriter, cover: doc.Cover) -> None:
    title = w.docx.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(cover.title), HEADING_FONT, 20, True)
    stage = w.docx.add_paragraph()
    stage.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(stage.add_run(cover.stage), HEADING_FONT, 16, True)
    for key, value in cover.facts:
        p = w.paragraph(indent=False)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(f"{key}：{value}" if w.lang != "en" else f"{key}: {value}"), size=11)
    for notice in cover.notices:
        w.paragraph(notice, "notice")


def write_findings(w: WordWriter, f: doc.Findings) -> None:
    w.paragraph(f.origin_note, "note")
    w.heading(f.overall_title, 1)
    w.sentences(w.paragraph(), f.overall)
    if f.rates:
        w.table(f.rates, w._word("rates_title"), size=10)
    w.heading(f.progress_title, 1)
    for group in f.progress:
        w.heading(group.title, 2)
        if group.rate:
            w.sentences(w.paragraph(), [group.rate])
        if group.note:
            w.sentences(w.paragraph(), [group.note])
        _numbered(w, group.findings)
    w.heading(f.problems_title, 1)
    _numbered(w, f.problems)
    w.heading(f.advice_title, 1)
    _numbered(w, f.advice)


def _numbered(w: WordWriter, findings: list[doc.Finding]) -> None:
    """``1.`` numbered paragraphs, the title in bold."""
    for i, finding in enumerate(findings, start=1):
        p = w.paragraph()
        _font(p.add_run(f"{i}. "), bold=True)
        if finding.title:
            _font(p.add_run(finding.title + (" " if w.lang == "en" else "")), HEADING_FONT)
        w.sentences(p, finding.sentences)


def write_summary(w: WordWriter, s: doc.Summary) -> None:
    w.heading(s.title, 1)
    counts = " · ".join(f"{label('status', c.badge.status, w.lang)} {c.count}" for c in s.counts)
    w.paragraph(f"{s.total_line}{counts}")
    for line in s.lines:
        w.paragraph(line)
    if s.heatmap:
        w.figure(s.heatmap, s.counts_title)
    w.heading(s.warnings_title, 2)
    for item in s.warnings or []:
        status = label("status", item.badge.status, w.lang)
        w.paragraph(f"{item.text}（{status}）：{item.detail}")
    if not s.warnings:
        w.paragraph(s.none_text)


def domain_columns(table: doc.Table) -> list[int]:
    """Columns of a domain table kept in Word: item, name, unit, then the summary columns
    (the year-by-year values stay in the annex's data table)."""
    names = [next((r.cells[i].column for r in table.rows), "") for i in range(len(table.columns))]
    annual = table.variant == "stage-annual"
    keep = [0, 1, 2]
    for i, name in enumerate(names):
        if name in WORD_DOMAIN_COLUMNS or (annual and name.startswith("y")):
            keep.append(i)
    return keep


def write_domain(w: WordWriter, section: doc.DomainSection) -> None:
    w.heading(section.title, 2)
    w.paragraph(section.intro)
    if section.table:
        w.table(section.table, section.title, domain_columns(section.table), size=8.5)
        w.paragraph(section.table_note, "note")
    for figure in section.figures:
        w.figure(figure)
    for account in section.accounts:
        p = w.paragraph()
        status = label("status", account.badge.status, w.lang)
        _font(p.add_run(f"{account.label}（{status}）："), bold=True)
        _font(p.add_run(account.account or account.missing_text))


def write_gender(w: WordWriter, g: doc.GenderSection) -> None:
    w.heading(g.title, 2)
    w.paragraph(g.intro.text, g.intro.role)
    for block in g.blocks:
        w.table(block.table, f"{block.title}（{block.unit}）", size=10)
        w.figure(block.figure, block.title)
    if g.missing_note:
        w.paragraph(g.missing_note.text)
    if g.missing:
        w.paragraph(("、" if w.lang != "en" else ", ").join(g.missing))


def write_monitoring(w: WordWriter, m: doc.MonitoringSection | None) -> None:
    """Monitoring indicators (监测指标) without a target, when the data hold any."""
    if m is None:
        return
    w.heading(m.title, 2)
    w.paragraph(m.intro.text, m.intro.role)
    if m.table and m.table.rows:
        w.table(m.table, m.title, size=9)


def write_appendix(w: WordWriter, a: doc.Appendix) -> None:
    section = w.docx.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    w.heading(a.title, 2)
    for part in a.parts:
        w.heading(part.title, 3)
        if part.intro:
            w.paragraph(part.intro.text, part.intro.role)
        if part.table and part.table.rows:
            w.table(part.table, part.subtitle or part.title, size=7.5)


def write_docx(document: doc.ReportDocument, path) -> Path:
    """Write the report as a Word file at ``path`` (the caller writes it atomically)."""
    w = WordWriter(document)
    write_cover(w, document.cover)
    write_findings(w, document.findings)
    w.docx.add_page_break()
    annex = w.heading(label("word", "annex", w.lang), 1)
    annex.paragraph_format.page_break_before = False
    write_summary(w, document.summary)
    w.heading(label("word", "domains", w.lang), 1)
    for section in document.domains:
        write_domain(w, section)
    write_monitoring(w, document.monitoring)
    write_gender(w, document.gender)
    write_appendix(w, document.appendix)
    return w.save(path)
