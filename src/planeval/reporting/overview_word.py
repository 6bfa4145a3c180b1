"""The overview as an editable Word file (python-docx), built from the styles of the reports'
Word files (:class:`planeval.reporting.word.WordWriter`: for zh the 公文 styles — 仿宋_GB2312
三号 body, 方正小标宋简体 title, 黑体/楷体_GB2312 headings, "— N —" page numbers at the outer
foot; for en the plain report style). No run carries a font of its own: an office changes the
look by changing a style. Order: title, date and facts, the findings (一、二、…), then on
landscape pages the region × target matrix, the regions per target and the small multiples,
each table and figure numbered with a SEQ field and each table's header row repeated."""

from __future__ import annotations

import datetime as dt
import io

from planeval.reporting import document as doc
from planeval.reporting.overview import OverviewDocument
from planeval.reporting.overview_page import no_ranking, source_note, words
from planeval.reporting.word import WordWriter, long_date


def _table(header: list[str], rows: list[list[doc.Cell]]) -> doc.Table:
    """A plain table of the report model, so :meth:`WordWriter.table` lays it out (styles,
    caption, repeated header row, column widths from the text)."""
    return doc.Table([doc.Column(text) for text in header], [doc.Row(cells) for cells in rows])


def matrix_table(ov: OverviewDocument) -> doc.Table:
    """Region × target: the region's latest data year, 达标率 and rank (when regions are
    ranked), then per target the verdict (symbol and word, kept whole) over its latest value
    and year (and a plain note, 高于目标, when the value is on the wrong side of the target
    and the verdict's word does not say so)."""
    t = words(ov.lang)
    paren = "（{}）" if ov.lang != "en" else " ({})"
    header = [t["region"], t["latest_year"], t["rate"]] + ([t["rank"]] if ov.ranked else [])
    header += [c.name + paren.format(c.target) for c in ov.columns]
    rows = []
    for r in ov.rows:
        cells = [doc.Cell(r.name), doc.Cell(str(r.latest_data_year), role="num")]
        cells += [doc.Cell(r.rate_text)] + ([doc.Cell(r.rank_text)] if ov.ranked else [])
        for c in r.cells:
            sub = f"{c.value} ({c.year})" + (t["sep"] + c.note if c.note else "") if c.value else ""
            cells.append(doc.Cell(f"{c.icon} {c.word}".strip(), sub=sub, role="status"))
        rows.append(cells)
    return _table(header, rows)


def counts_table(ov: OverviewDocument) -> doc.Table:
    """Per target the number of regions in each category, the regions that miss it (largest
    gap first) and those with lagging data."""
    t = words(ov.lang)
    header = [t["target"]] + [f"{icon} {word}".strip() for _, icon, word in ov.categories]
    header += [t["misses"], t["lagging_regions"]]
    rows = [
        [doc.Cell(tc.column.name)]
        + [doc.Cell(str(tc.counts[c]), role="num") for c, _, _ in ov.categories]
        + [doc.Cell(tc.misses_text), doc.Cell(tc.lagging_text)]
        for tc in ov.counts
    ]
    return _table(header, rows)


def write_head(w: WordWriter, ov: OverviewDocument) -> None:
    """Title (style Title), the date (Subtitle), the facts and the notes (Note)."""
    w.docx.add_paragraph(ov.title, style="Title")
    if ov.caveat:
        w.docx.add_paragraph(ov.caveat, style="Caveat")
    try:
        date = long_date(dt.date.fromisoformat(ov.produced[:10]), ov.lang)
    except ValueError:  # not a date: shown as given
        date = ov.produced
    w.docx.add_paragraph(date, style="Subtitle")
    sep = ": " if ov.lang == "en" else "："
    for key, value in ov.facts:
        w.paragraph(f"{key}{sep}{value}", indent=False)
    for note in ov.notes:
        w.paragraph(note, "note")


def write_findings(w: WordWriter, ov: OverviewDocument) -> None:
    """The findings: each 一、… heading (Heading 1) and its paragraphs (Normal)."""
    for heading, paragraphs in ov.findings:
        w.heading(heading, 1)
        for text in paragraphs:
            w.paragraph(text)


def write_annex(w: WordWriter, ov: OverviewDocument) -> None:
    """Landscape pages: the matrix with its legend, the counts per target, the figures."""
    t = words(ov.lang)
    w.new_section(landscape=True)
    w.heading(t["h_matrix"], 1)
    w.paragraph(t["legend"], "note")
    w.table(matrix_table(ov), t["h_matrix"])
    if not ov.ranked:
        w.paragraph(no_ranking(ov), "note")
    w.paragraph(source_note(ov), "note")
    w.heading(t["h_counts"], 1)
    w.table(counts_table(ov), t["h_counts"])
    if ov.figures:
        w.heading(t["h_panels"], 1)
    for f in ov.figures:
        w.figure(doc.Figure(f.png, f.alt, caption=f.caption, kind="multiples"))


def overview_docx(ov: OverviewDocument) -> bytes:
    """The overview document as .docx bytes."""
    w = WordWriter(ov)
    write_head(w, ov)
    write_findings(w, ov)
    write_annex(w, ov)
    buf = io.BytesIO()
    w.docx.save(buf)
    return buf.getvalue()
