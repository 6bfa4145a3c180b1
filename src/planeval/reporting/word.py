"""Word renderer: a report document as an editable .docx (python-docx).

Chinese reports follow the layout of official documents (党政机关公文格式, GB/T 9704-2012):
A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; body 仿宋_GB2312 三号 (16 pt) at
a fixed line pitch of 28.95 pt (22 lines in the 225 mm text block); title 方正小标宋简体 二号;
level-1 headings (一、) 黑体, level-2 (（一）) 楷体_GB2312, level-3 (1.) 仿宋 bold; page numbers
"— N —" in 四号 宋体 at the outer bottom (odd pages right, even pages left, one character in).
English reports get a plain report style (Times New Roman 12 pt, Arial headings, 25 mm
margins, page number centred).

Everything is set through **styles** (paragraph styles Normal, Title, Heading 1–3, Caption,
Table Text, Table Heading, Note, TOC 1–2; character styles Office Text, Author Mark,
Placeholder, Lead): no run carries its own font, so an office that changes a style changes
the document. The east-asian font of a style is its ``w:rFonts w:eastAsia``; the font table
names a substitute an office machine has (仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体,
方正小标宋简体 → 宋体).

Order: cover (title, office, date, facts, notices), contents (a TOC field Word updates when the
file is opened; its cached entries are the headings), the body (the written findings,
一、/（一）/1.), the note on attachments and the 落款 (office and date), then the attachment
(附件, landscape pages): summary, domain tables (numbered captions with SEQ fields, header rows
repeated on every page, table text 五号 10.5 pt, column widths from their text) and charts,
monitoring indicators, gender, observed values and sources; with ``annex: full`` the technical
annex too (method and thresholds, models and agency figures, revisions, catalogue audit,
provenance), probabilities and intervals in the domain tables, and every chart.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.image.image import Image
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from planeval.core.labels import label
from planeval.reporting import document as doc


@dataclass(frozen=True)
class Layout:
    """Page and type of one language's Word files (sizes in pt, margins in mm)."""

    body: str
    title: str
    h1: str
    h2: str
    h3: str
    caption: str
    latin: str
    page_number: str
    body_size: float
    title_size: float
    line_pitch: float | None  # exact line spacing of body text (None: 1.15 lines)
    margins: tuple[float, float, float, float]  # top, bottom, left, right
    footer_distance: float
    outer_page_numbers: bool
    heading_bold: bool


ZH = Layout(
    body="仿宋_GB2312",
    title="方正小标宋简体",
    h1="黑体",
    h2="楷体_GB2312",
    h3="仿宋_GB2312",
    caption="黑体",
    latin="Times New Roman",
    page_number="宋体",
    body_size=16,  # 三号
    title_size=22,  # 二号
    line_pitch=28.95,  # 22 lines in the 225 mm text block
    margins=(37, 35, 28, 26),
    footer_distance=21,  # the page number about 7 mm under the text block
    outer_page_numbers=True,
    heading_bold=False,
)
EN = Layout(
    body="Times New Roman",
    title="Arial",
    h1="Arial",
    h2="Arial",
    h3="Times New Roman",
    caption="Arial",
    latin="Times New Roman",
    page_number="Times New Roman",
    body_size=12,
    title_size=18,
    line_pitch=None,
    margins=(25, 25, 25, 25),
    footer_distance=12,
    outer_page_numbers=False,
    heading_bold=True,
)
#: Fonts an office machine has in place of the ones the styles name (Word's font table
#: ``w:altName``): 仿宋_GB2312 and 楷体_GB2312 ship with older Windows and with government
#: desktops, 仿宋/楷体/黑体/宋体 with every Chinese Windows; 方正小标宋简体 is FounderType's.
SUBSTITUTES = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体"}
TABLE_SIZE = 10.5  # 五号
CAPTION_SIZE = 14  # 四号
NOTE_SIZE = 12  # 小四
PAGE_NUMBER_SIZE = 14  # 四号
#: Domain-table columns in the brief annex (no item codes, probabilities or intervals); the
#: full annex adds the item, the probability of attainment and the intervals.
BRIEF_DOMAIN_COLUMNS = ("target", "baseline", "latest", "reference", "forecast", "path")
BRIEF_DOMAIN_COLUMNS += ("delta", "gap", "status", "change")
FULL_DOMAIN_COLUMNS = (*BRIEF_DOMAIN_COLUMNS, "p_attain")
#: Elements of a section's properties that follow w:pgNumType (schema order).
SECT_AFTER_PGNUM = ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg",
                    "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid",
                    "w:printerSettings", "w:sectPrChange")  # fmt: skip
#: Cell roles whose text never breaks inside (numbers, units, codes, status words).
WHOLE = {"num", "unit", "item", "status", "year", "path"}
#: Chart widths by kind; any other chart at its own size, at most the text block's width.
FIGURE_WIDTH = {"panel": Mm(108), "heatmap": Mm(150), "sex": Mm(150)}
#: A domain's charts three to a row of the landscape attachment (two a row took 5 of the
#: children's mid-term's 23 attachment pages).
PANELS_PER_ROW = 3


def badge_word(badge: doc.Badge, lang: str) -> str:
    """A status as Word prints it: the badge's word alone (the verdict's stage word, no icon
    and no colour in print); a badge without one falls back to its tone's word."""
    return badge.word or label("status", badge.status, lang)


# --------------------------------------------------------------------------- fonts
def _rfonts(rpr, east_asia: str, latin: str) -> None:
    """Set the fonts of a run-properties element (a style's): east-asian and latin, with any
    theme font removed (a theme attribute wins over a named font)."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        if attr.endswith("Theme"):
            del rfonts.attrib[attr]
    for key, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia)):
        rfonts.set(qn(key), name)
    rfonts.set(qn("w:cs"), latin)


def _font_table(document, names: set[str]) -> None:
    """Declare the fonts the styles name, with the substitute an office machine has."""
    part = document.part.font_table_part if hasattr(document.part, "font_table_part") else None
    if part is None:
        return
    fonts = part.element
    for name in sorted(names):
        el = OxmlElement("w:font")
        el.set(qn("w:name"), name)
        if name in SUBSTITUTES:
            alt = OxmlElement("w:altName")
            alt.set(qn("w:val"), SUBSTITUTES[name])
            el.append(alt)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB2312
        el.append(charset)
        fonts.append(el)


# --------------------------------------------------------------------------- styles
def _paragraph_style(document, name: str, base: str | None = "Normal"):
    styles = document.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.quick_style = True
    if base and name != base:
        style.base_style = styles[base]
    return style


def _character_style(document, name: str):
    try:
        return document.styles[name]
    except KeyError:
        return document.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)


def _set(style, font: str, latin: str, size: float, bold: bool = False) -> None:
    _rfonts(style.element.get_or_add_rPr(), font, latin)
    style.font.size, style.font.bold, style.font.italic = Pt(size), bold, False
    style.font.color.rgb = RGBColor(0, 0, 0)


def _spacing(style, pitch: float | None, indent: float | None, align=None) -> None:
    pf = style.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    if pitch:
        pf.line_spacing = Pt(pitch)  # a Length: exact line spacing
    else:
        pf.line_spacing = 1.0
    pf.first_line_indent = Pt(indent) if indent else Pt(0)
    if align is not None:
        pf.alignment = align


def define_styles(document, lay: Layout) -> None:
    """Every paragraph and character style the report uses (fonts only here)."""
    body_indent = 2 * lay.body_size  # two characters
    normal = document.styles["Normal"]
    _set(normal, lay.body, lay.latin, lay.body_size)
    _spacing(normal, lay.line_pitch, body_indent, WD_ALIGN_PARAGRAPH.JUSTIFY)
    if lay.line_pitch is None:  # English: ragged right (no hyphenation to fill lines)
        normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        normal.paragraph_format.line_spacing = 1.15
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.first_line_indent = Pt(0)
    normal.paragraph_format.widow_control = True
    title = _paragraph_style(document, "Title")
    _set(title, lay.title, lay.title if lay.line_pitch is None else lay.latin, lay.title_size)
    _spacing(title, None, None, WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.space_after = Pt(lay.body_size * 2)
    title.paragraph_format.line_spacing = 1.2
    _clear_borders(title)
    subtitle = _paragraph_style(document, "Subtitle")
    _set(subtitle, lay.h2, lay.latin, lay.body_size)
    _spacing(subtitle, lay.line_pitch, None, WD_ALIGN_PARAGRAPH.CENTER)
    for level, font, bold in ((1, lay.h1, lay.heading_bold), (2, lay.h2, lay.heading_bold)):
        h = _paragraph_style(document, f"Heading {level}")
        _set(h, font, font if lay.line_pitch else lay.h1, lay.body_size + (2 if level == 1 and
             lay.line_pitch is None else 0), bold)  # fmt: skip
        _spacing(h, lay.line_pitch, body_indent if lay.line_pitch else None)
        h.paragraph_format.keep_with_next = True
        if lay.line_pitch is None:
            h.paragraph_format.space_before = Pt(12)
            h.paragraph_format.space_after = Pt(4)
    h3 = _paragraph_style(document, "Heading 3")
    _set(h3, lay.h3, lay.latin, lay.body_size, bold=True)
    _spacing(h3, lay.line_pitch, body_indent if lay.line_pitch else None)
    h3.paragraph_format.keep_with_next = True
    caption = _paragraph_style(document, "Caption")
    _set(caption, lay.caption, lay.latin if lay.line_pitch else lay.caption, CAPTION_SIZE)
    _spacing(caption, None, None, WD_ALIGN_PARAGRAPH.CENTER)
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(4)
    for name, font, bold, align in (
        ("Table Text", lay.body, False, WD_ALIGN_PARAGRAPH.LEFT),
        ("Table Heading", lay.h1, lay.line_pitch is None, WD_ALIGN_PARAGRAPH.CENTER),
    ):
        st = _paragraph_style(document, name)
        _set(st, font, lay.latin, TABLE_SIZE, bold)
        _spacing(st, None, None, align)
    caveat = _paragraph_style(document, "Caveat")  # the boxed line of a stand-in report
    _set(caveat, lay.h1, lay.latin if lay.line_pitch else lay.h1, lay.body_size, bold=True)
    _spacing(caveat, None, None, WD_ALIGN_PARAGRAPH.CENTER)
    caveat.paragraph_format.space_before = caveat.paragraph_format.space_after = Pt(12)
    caveat.paragraph_format.line_spacing = 1.3
    _box(caveat)
    note = _paragraph_style(document, "Note")
    _set(note, lay.body, lay.latin, NOTE_SIZE)
    _spacing(note, None, None, WD_ALIGN_PARAGRAPH.LEFT)
    note.paragraph_format.space_after = Pt(6)
    for level in (1, 2):
        toc = _paragraph_style(document, f"TOC {level}")
        _set(toc, lay.body, lay.latin, NOTE_SIZE + 2)
        _spacing(toc, None, None)
        toc.paragraph_format.left_indent = Pt((level - 1) * 2 * (NOTE_SIZE + 2))
        toc.paragraph_format.space_after = Pt(3)
    footer = _paragraph_style(document, "Footer")
    _set(footer, lay.page_number, lay.page_number, PAGE_NUMBER_SIZE)
    _spacing(footer, None, None)
    office = _character_style(document, "Office Text")
    _rfonts(office.element.get_or_add_rPr(), lay.h2 if lay.line_pitch else lay.body, lay.latin)
    if lay.line_pitch is None:
        office.font.italic = True
    mark = _character_style(document, "Author Mark")
    _rfonts(mark.element.get_or_add_rPr(), lay.h2 if lay.line_pitch else lay.body, lay.latin)
    mark.font.size = Pt(NOTE_SIZE)
    placeholder = _character_style(document, "Placeholder")
    placeholder.font.highlight_color = WD_COLOR_INDEX.YELLOW
    shade = OxmlElement("w:shd")  # shading too: not every program highlights from a style
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", "FFF2CC")):
        shade.set(qn(key), value)
    placeholder.element.get_or_add_rPr().append(shade)
    lead = _character_style(document, "Lead")
    lead.font.bold = True


def _box(style) -> None:
    """A 1.5 pt frame round each paragraph of the style, 6 pt from its text."""
    ppr = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{side}")
        for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "6"),
                           ("w:color", "000000")):  # fmt: skip
            el.set(qn(key), value)
        borders.append(el)
    # schema order: pBdr before shd, tabs, spacing, ind, jc (Word rejects it after them)
    later = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
             "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
             "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
             "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
             "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
             "w:rPr", "w:sectPr", "w:pPrChange")  # fmt: skip
    ppr.insert_element_before(borders, *later)


def _clear_borders(style) -> None:
    """The default Title style draws a rule under the title; official titles have none."""
    ppr = style.element.get_or_add_pPr()
    for el in ppr.findall(qn("w:pBdr")):
        ppr.remove(el)


# --------------------------------------------------------------------------- fields
def _field(paragraph, instruction: str, result: str = "", style: str | None = None):
    """A complex field (``PAGE``, ``SEQ 表``, ``TOC ...``) with its cached result."""

    def run_with(el):
        run = paragraph.add_run(style=style)
        run._element.append(el)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    if result:
        paragraph.add_run(result, style=style)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _page_number(paragraph, lay: Layout, align) -> None:
    """``— N —`` (a PAGE field) in the footer paragraph, one character in from the edge."""
    paragraph.style = "Footer"
    paragraph.alignment = align
    pf = paragraph.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        pf.right_indent = Pt(PAGE_NUMBER_SIZE)
    elif align == WD_ALIGN_PARAGRAPH.LEFT:
        pf.left_indent = Pt(PAGE_NUMBER_SIZE)
    paragraph.add_run("— ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" —")


def _update_fields_on_open(document) -> None:
    """Word asks to update the fields (contents, numbers) when the file is opened."""
    settings = document.settings.element
    el = OxmlElement("w:updateFields")
    el.set(qn("w:val"), "true")
    settings.append(el)


# --------------------------------------------------------------------------- text widths
#: Advance widths in em of the characters a table holds, taken from the widest of the fonts
#: a file meets (Times New Roman in Word, DejaVu Serif/Sans where LibreOffice lacks it: digits
#: 0.64 em there against 0.5 em in Times); any other character 0.6 em, a Chinese one 1 em.
CHAR_EM = {**dict.fromkeys("0123456789", 0.64), **dict.fromkeys(".,:;'!|ilIj ", 0.32),
           **dict.fromkeys("%", 0.95), **dict.fromkeys("‰", 1.35), **dict.fromkeys("MW", 1.03),
           **dict.fromkeys("ABCDEFGHJKLNOPQRSTUVXYZ", 0.76), **dict.fromkeys("mw", 0.92),
           **dict.fromkeys("—…≤≥℃", 1.0)}  # fmt: skip


#: Arrows, shapes and signs (▲ ▼ ✔ ○ ⚠): one em in the fonts that have them.
SYMBOLS = (0x2190, 0x2BFF)
#: Bold text (a table heading) is about a tenth wider than regular (DejaVu Serif Bold).
BOLD = 1.12


def text_width(text: str, size: float = TABLE_SIZE) -> float:
    """Width of a line of text in pt: a Chinese (full-width) character one em, latin letters,
    digits and signs by :data:`CHAR_EM` (the widest font's figures, so a year such as 2015 or
    an item such as M10 never wraps in Word or LibreOffice)."""
    return size * sum(1.0 if ord(ch) > 0x2E7F or SYMBOLS[0] <= ord(ch) <= SYMBOLS[1]
                      else CHAR_EM.get(ch, 0.6) for ch in text)  # fmt: skip


def unbreakable_width(text: str, whole: bool, size: float = TABLE_SIZE) -> float:
    """The narrowest a cell's text can be set. ``whole``: its first line never breaks (a
    number, a unit, a status word), the lines under it (a year, a note) wrap. Otherwise the
    longest latin word, and at least four Chinese characters (a heading such as 变化趋势
    takes two lines at most, a short target such as ≤ 6.0 stays on one)."""
    first, *rest = text.split("\n")
    widest = text_width(first, size) if whole else 0.0
    for line in [first, *rest] if not whole else rest:
        for word in re.split(r"\s+|(?<=[\u2e80-\uffff])|(?=[\u2e80-\uffff])", line):
            widest = max(widest, text_width(word, size))
        if not whole and len(line) <= 8:
            widest = max(widest, text_width(line, size))
    return max(widest, min(text_width(first, size), size * 4))


def column_widths(columns: list[list[tuple[str, bool]]], usable: float) -> list[float]:
    """Widths in pt of table columns that fill ``usable``: each at least its unbreakable
    text, the rest shared by how much longer its text runs. ``columns``: per column the
    ``(text, whole)`` of its heading and cells. Padding included: the two cell margins of
    Word's table style (0.08 in = 5.76 pt each) and a point to spare."""
    pad = 12.5

    def unbreakable(col):  # the heading (first) is set in bold: wider by about a tenth
        widths = [unbreakable_width(t, w) * (BOLD if i == 0 else 1.0)
                  for i, (t, w) in enumerate(col) if t]  # fmt: skip
        return max(widths, default=0.0)

    mins = [unbreakable(col) + pad for col in columns]
    prefs = [max((text_width(line) for t, _ in col for line in t.split("\n")), default=0.0) + pad
             for col in columns]  # fmt: skip
    prefs = [max(p, m) for p, m in zip(prefs, mins, strict=True)]
    if sum(prefs) <= usable:
        spare = usable - sum(prefs)
        return [p + spare * p / sum(prefs) for p in prefs]
    if sum(mins) >= usable:
        return [m * usable / sum(mins) for m in mins]
    spare, stretch = usable - sum(mins), [p - m for p, m in zip(prefs, mins, strict=True)]
    return [m + spare * s / sum(stretch) for m, s in zip(mins, stretch, strict=True)]


# --------------------------------------------------------------------------- writer
class WordWriter:
    """Writes one report document; numbers tables and figures with SEQ fields."""

    def __init__(self, document):
        self.report, self.lang = document, document.lang
        self.layout = EN if self.lang == "en" else ZH
        self.docx = Document()
        self.tables = self.figures = 0
        self.headings: list[tuple[int, str]] = []
        define_styles(self.docx, self.layout)
        _font_table(self.docx, self._font_names())
        self._page(self.docx.sections[0], landscape=False)
        self._footers(self.docx.sections[0])
        _update_fields_on_open(self.docx)
        self._properties()

    def _font_names(self) -> set[str]:
        lay = self.layout
        return {lay.body, lay.title, lay.h1, lay.h2, lay.h3, lay.caption, lay.page_number}

    def _properties(self) -> None:
        props = self.docx.core_properties
        props.title = getattr(self.report, "title", "") or ""
        office = getattr(self.report, "office", "") or ""
        props.author = office or "planeval"
        props.last_modified_by = office or "planeval"
        props.comments = "planeval"
        now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
        props.created = props.modified = now
        props.revision = 1

    def _page(self, section, landscape: bool) -> None:
        top, bottom, left, right = self.layout.margins
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
            top, bottom, left, right = left, right, top, bottom
        else:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
        section.left_margin, section.right_margin = Mm(left), Mm(right)
        section.footer_distance = Mm(self.layout.footer_distance)
        section.header_distance = Mm(15)

    def _footers(self, section) -> None:
        if self.layout.outer_page_numbers:
            self.docx.settings.odd_and_even_pages_header_footer = True
            _page_number(section.footer.paragraphs[0], self.layout, WD_ALIGN_PARAGRAPH.RIGHT)
            _page_number(
                section.even_page_footer.paragraphs[0], self.layout, WD_ALIGN_PARAGRAPH.LEFT
            )
        else:
            _page_number(section.footer.paragraphs[0], self.layout, WD_ALIGN_PARAGRAPH.CENTER)

    def start_body(self) -> None:
        """The body on a new page in a section of its own, numbered from — 1 —; the cover
        and the contents before it show no page number (the front matter of a filed report
        is not paginated). Later sections (the landscape attachment) continue the numbers."""
        body = self.docx.add_section()
        front = self.docx.sections[-2]  # (after the break: the new section is the last)
        self._page(body, landscape=False)
        footers = [body.footer, body.even_page_footer] if self.layout.outer_page_numbers else [
            body.footer]  # fmt: skip
        for footer in footers:
            footer.is_linked_to_previous = False
        self._footers(body)
        start = OxmlElement("w:pgNumType")
        start.set(qn("w:start"), "1")
        body._sectPr.insert_element_before(start, *SECT_AFTER_PGNUM)
        for footer in (front.footer, front.even_page_footer):
            for p in footer.paragraphs:
                for el in list(p._p):
                    if el.tag != qn("w:pPr"):
                        p._p.remove(el)

    def usable_width(self) -> float:
        """Width of the text block of the current section, in pt."""
        s = self.docx.sections[-1]
        return (s.page_width - s.left_margin - s.right_margin) / 12700

    def new_section(self, landscape: bool) -> None:
        """A new page and section; its page numbers continue the previous section's."""
        section = self.docx.add_section()
        for el in section._sectPr.findall(qn("w:pgNumType")):  # copied from the body's
            section._sectPr.remove(el)
        self._page(section, landscape)

    # ---- blocks
    def heading(self, text: str, level: int):
        self.headings.append((level, text))
        return self.docx.add_paragraph(text, style=f"Heading {level}")

    def paragraph(self, text: str = "", role: str = "", indent: bool = True):
        style = "Note" if role in ("note", "muted") else None
        p = self.docx.add_paragraph(style=style)
        if not indent and style is None:
            p.paragraph_format.first_line_indent = Pt(0)
        if text:
            p.add_run(text, style="Lead" if role == "notice" else None)
        return p

    def sentences(self, p, sentences: list[doc.Sentence]) -> None:
        joiner = " " if self.lang == "en" else ""
        for i, s in enumerate(sentences):
            text = (joiner if i else "") + s.text
            if s.placeholder:
                p.add_run(text, style="Placeholder")
            elif s.origin == "office":
                p.add_run(text, style="Office Text")
                author = label("finding", "written_by", self.lang).format(author=s.author)
                p.add_run(author, style="Author Mark")
            else:
                p.add_run(text)

    def caption(self, kind: str, title: str):
        """``表N title`` / ``图N title`` with the number as a SEQ field."""
        p = self.docx.add_paragraph(style="Caption")
        word = self._word(kind)
        p.add_run(word)
        n = self.tables if kind == "table" else self.figures
        _field(p, f"SEQ {word.strip()} \\* ARABIC", str(n))
        p.add_run(f" {title}" if title else "")
        return p

    def table(self, table: doc.Table, title: str, columns: list[int] | None = None,
              size=TABLE_SIZE, subs: bool = True):  # fmt: skip
        """``表N title`` above the table; ``columns``: the indexes of the columns kept;
        ``subs``: whether the cells' second lines (years, intervals) are kept."""
        self.tables += 1
        self.caption("table", title).paragraph_format.keep_with_next = True
        keep = columns if columns is not None else list(range(len(table.columns)))
        grid = self.docx.add_table(rows=1, cols=len(keep))
        grid.style, grid.alignment = "Table Grid", WD_TABLE_ALIGNMENT.CENTER
        grid.autofit = False
        heads = [table.columns[c].text + (table.columns[c].technical_text if subs else "")
                 for c in keep]  # fmt: skip
        texts = [[(head, False)] for head in heads]
        header = grid.rows[0]
        _repeat_header(header)
        heading_style = self.docx.styles["Table Heading"].style_id
        text_style = self.docx.styles["Table Text"].style_id
        for i, cell in enumerate(header.cells):  # row.cells is slow: read once per row
            cell.paragraphs[0]._p.get_or_add_pPr().style = heading_style  # (fast: by id)
            cell.paragraphs[0].add_run(heads[i])
        merges = []
        for row in table.rows:
            added = grid.add_row()
            _cant_split(added)
            added_cells = added.cells
            spans = self._spread(row, len(table.columns))
            for i, c in enumerate(keep):
                cell = spans[c]
                if cell is None:
                    continue
                if cell.rowspan > 1:
                    merges.append((len(grid.rows) - 1, i, cell.rowspan))
                text = self.cell_text(cell, subs)
                texts[i].append((text, cell.role in WHOLE or bool(cell.badge)))
                p = added_cells[i].paragraphs[0]
                p._p.get_or_add_pPr().style = text_style
                if cell.role == "num":
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                p.add_run(text)
        for first, i, span in merges:
            last = min(first + span - 1, len(grid.rows) - 1)
            grid.cell(first, i).merge(grid.cell(last, i))
        self._widths(grid, column_widths(texts, self.usable_width()))
        return grid

    def cell_text(self, cell: doc.Cell, subs: bool = True) -> str:
        text = cell.text
        if cell.badge:  # the word alone: no colour in print, and no icon glyph needed
            text = badge_word(cell.badge, self.lang)
        rest = cell.warning_technical if subs else ""  # technical: with the second lines
        if cell.warning or rest:
            text += f"\n{cell.warning}{rest.lstrip('；; ') if not cell.warning else rest}"
        if cell.sub and (subs or cell.column in ("latest", "baseline")):
            text += f"\n{cell.sub}"
        return text

    def _widths(self, grid, widths: list[float]) -> None:
        tbl_pr = grid._tbl.tblPr
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tbl_pr.append(layout)
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = Pt(width)  # the table grid LibreOffice reads
        for tr in grid._tbl.tr_lst:  # each cell's width (Word reads these), merged ones too
            for tc, width in zip(tr.tc_lst, widths, strict=False):
                tc.width = Pt(width)

    @staticmethod
    def _spread(row: doc.Row, width: int) -> list:
        """The row's cells by column (a row under a rowspan has fewer cells: right-aligned)."""
        return [None] * (width - len(row.cells)) + list(row.cells)

    def figure(self, figure: doc.Figure, caption: str = "") -> None:
        self.figures += 1
        p = self.docx.add_paragraph(style="Caption")
        p.paragraph_format.keep_with_next = True
        width = FIGURE_WIDTH.get(figure.kind)
        if width is None:  # its own size (its dpi), narrowed to the text block
            native = Image.from_blob(figure.png).width
            width = min(native, Pt(self.usable_width()))
        p.add_run().add_picture(io.BytesIO(figure.png), width=width)
        self.caption("figure", self.figure_title(figure, caption))

    def figure_title(self, figure: doc.Figure, caption: str = "") -> str:
        text = caption or figure.caption or figure.alt.split("；")[0].split("; ")[0]
        if figure.badge:
            status = badge_word(figure.badge, self.lang)
            text += f"（{status}）" if self.lang != "en" else f" ({status})"
        return text

    def figures_in_rows(self, figures: list[doc.Figure], per_row: int = PANELS_PER_ROW) -> None:
        """Charts ``per_row`` to a row of the landscape attachment (a borderless layout
        table), each as wide as its share of the text block, with its caption."""
        share = self.usable_width() / per_row
        for k in range(0, len(figures), per_row):
            grid = self.docx.add_table(rows=1, cols=per_row)
            grid.alignment = WD_TABLE_ALIGNMENT.CENTER
            _cant_split(grid.rows[0])
            for cell, figure in zip(grid.rows[0].cells, figures[k : k + per_row], strict=False):
                self.figures += 1
                p = cell.paragraphs[0]
                p.style = self.docx.styles["Caption"]
                p.add_run().add_picture(io.BytesIO(figure.png), width=Pt(share - 8))
                cap = cell.add_paragraph(style="Caption")
                cap.add_run(self._word("figure"))
                _field(cap, f"SEQ {self._word('figure').strip()} \\* ARABIC", str(self.figures))
                cap.add_run(f" {self.figure_title(figure)}")
            self._widths(grid, [share] * per_row)

    def _word(self, key: str) -> str:
        return label("word", key, self.lang)

    def page_break(self) -> None:
        self.docx.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def save(self, path) -> Path:
        path = Path(path)
        self.docx.save(str(path))
        return path


def _repeat_header(row) -> None:
    """The row repeats at the top of every page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)
    _cant_split(row)


def _cant_split(row) -> None:
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


# --------------------------------------------------------------------------- sections
def long_date(when: dt.date, lang: str) -> str:
    """``2026年3月1日`` / ``1 March 2026``."""
    return label("word", "date", lang).format(
        y=when.year, m=when.month, d=when.day, month=when.strftime("%B")
    )


def report_date(document) -> dt.date:
    """The date the report was produced (the cover's last fact when it is a date)."""
    for _, value in document.cover.facts:
        m = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(value))
        if m:
            return dt.date(*map(int, m.groups()))
    return dt.date.today()


def full_title(cover: doc.Cover, lang: str) -> str:
    return f"{cover.title}: {cover.stage}" if lang == "en" else f"{cover.title}{cover.stage}"


def write_cover(w: WordWriter, cover: doc.Cover) -> None:
    """Title, office and date, the boxed caveat of a report on another area's data, the
    report's facts and the notices; then a new page."""
    w.docx.add_paragraph(full_title(cover, w.lang), style="Title")
    if w.report.office:
        w.docx.add_paragraph(w.report.office, style="Subtitle")
    w.docx.add_paragraph(long_date(report_date(w.report), w.lang), style="Subtitle")
    if getattr(cover, "caveat", ""):
        w.docx.add_paragraph(cover.caveat, style="Caveat")
    w.paragraph(indent=False)
    sep = ": " if w.lang == "en" else "："
    for key, value in cover.facts:
        w.paragraph(f"{key}{sep}{value}", indent=False)
    for notice in cover.notices:
        w.paragraph(notice, "note")
    w.page_break()


def write_contents(w: WordWriter) -> object:
    """The contents heading and a TOC field (levels 1–2); returns the field's paragraph,
    whose cached entries are filled in by :func:`fill_contents` once every heading is
    written."""
    p = w.docx.add_paragraph(w._word("toc"), style="Title")
    p.paragraph_format.space_after = Pt(12)
    toc = w.docx.add_paragraph(style="TOC 1")
    _field(toc, 'TOC \\o "1-2" \\h \\z \\u', w._word("toc_hint"))
    w.start_body()
    return toc


def fill_contents(w: WordWriter, toc) -> None:
    """The headings as the TOC field's cached entries (shown until Word updates the field
    and adds the page numbers)."""
    anchor = toc
    for level, text in w.headings:
        if level > 2:
            continue
        entry = w.docx.add_paragraph(text, style=f"TOC {level}")
        anchor._p.addnext(entry._p)
        anchor = entry
    # move the field's end after the last entry: the entries are the field's result
    runs = toc._p.findall(qn("w:r"))
    end_run = runs[-1]
    hint_run = runs[-2]
    toc._p.remove(end_run)
    toc._p.remove(hint_run)
    anchor._p.append(end_run)


def write_findings(w: WordWriter, f: doc.Findings) -> None:
    w.docx.add_paragraph(full_title(w.report.cover, w.lang), style="Title")
    w.heading(f.overall_title, 1)
    if f.work:
        w.heading(f.work_title, 2)
        w.sentences(w.paragraph(), f.work)
        w.heading(f.verdict_title, 2)
    w.sentences(w.paragraph(), f.overall)
    if f.rates:
        w.table(f.rates, w._word("rates_title"))
    w.heading(f.progress_title, 1)
    for group in f.progress:
        w.heading(group.title, 2)
        if group.headline:
            w.paragraph().add_run(group.headline.text, style="Lead")
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
    """``1.`` numbered paragraphs, the title in bold (character style Lead)."""
    gap = " " if w.lang == "en" else ""
    for i, finding in enumerate(findings, start=1):
        p = w.paragraph()
        title = finding.title
        if title and not title.endswith(("。", ".", "：", ":")):
            title += "。" if w.lang != "en" else "."
        lead = f"{i}.{gap}{title}" + (" " if title and w.lang == "en" else "")
        p.add_run(lead, style="Lead")
        w.sentences(p, finding.sentences)


def write_signature(w: WordWriter) -> None:
    """The note on the attachment, then the 落款: office and date, right-aligned two characters
    from the margin (右空二字; flush right when a long office name would wrap). The last
    body paragraph and every line down to the date are kept with the next one, so the 落款
    never stands alone on a page (GB/T 9704-2012 7.3.5)."""
    block = [w.docx.paragraphs[-1]] if w.docx.paragraphs else []
    block.append(w.paragraph(indent=False))
    block.append(w.paragraph(f"{w._word('annex_label')}{'：' if w.lang != 'en' else ': '}"
                             f"{w._word('annex_title')}"))  # fmt: skip
    block.append(w.paragraph(indent=False))
    date = getattr(w.report, "date", "") or long_date(report_date(w.report), w.lang)
    section = w.docx.sections[-1]
    per_line = (section.page_width - section.left_margin - section.right_margin) / Pt(
        w.layout.body_size
    )
    for text in (w.report.office, date):
        if not text:
            continue
        p = w.paragraph(text, indent=False)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        # 右空二字 (GB/T 9704 7.3.5.2); flush right when the name would not fit on one line
        spare = 2 if len(text) + 3 <= per_line else 0
        p.paragraph_format.right_indent = Pt(spare * w.layout.body_size)
        block.append(p)
    for p in block[:-1]:
        p.paragraph_format.keep_with_next = True


def write_summary(w: WordWriter, s: doc.Summary) -> None:
    """Counts by status, the heatmap and the early warnings with their rule and reasons (in
    words: no codes, symbols or probabilities)."""
    w.heading(s.title, 2)
    counts = "，".join(f"{badge_word(c.badge, w.lang)} {c.count}" for c in s.counts)
    if w.lang == "en":
        counts = counts.replace("，", ", ")
    w.paragraph(f"{s.total_line}{counts}" + ("." if w.lang == "en" else "。"))
    for line in s.lines:
        w.paragraph(line)
    if s.heatmap:
        w.figure(s.heatmap, s.counts_title)
    w.heading(s.warnings_title, 2)
    if s.warnings_rule:
        w.paragraph(s.warnings_rule, "note")
    for item in s.warnings or []:
        status = badge_word(item.badge, w.lang)
        line = f"{item.text}（{status}）" if w.lang != "en" else f"{item.text} ({status})"
        detail = (": " if w.lang == "en" else "：") + item.detail if item.detail else ""
        w.paragraph(_full_stop(line + detail, w.lang))
    if not s.warnings:
        w.paragraph(s.none_text)


def _full_stop(text: str, lang: str) -> str:
    """The sentence with its full stop (。 or .) when it has none."""
    if text.endswith(("。", ".", "！", "？", "!", "?", "；", "：")):
        return text
    return text + ("." if lang == "en" else "。")


def domain_columns(table: doc.Table, full: bool = False) -> list[int]:
    """Columns of a domain table kept in Word: the name and unit, then the summary columns
    (the year-by-year values are in the annex's table of observed values; an annual table
    keeps its two years); the item code and the probability only in the full annex."""
    names = [next((r.cells[i].column for r in table.rows), "") for i in range(len(table.columns))]
    annual = table.variant == "stage-annual"
    wanted = FULL_DOMAIN_COLUMNS if full else BRIEF_DOMAIN_COLUMNS
    keep = [0, 1, 2] if full else [1, 2]
    for i, name in enumerate(names):
        if name in wanted or (annual and name.startswith("y")):
            keep.append(i)
    return keep


def write_domain(w: WordWriter, section: doc.DomainSection, full: bool) -> None:
    w.heading(section.title, 2)
    w.paragraph(section.intro).paragraph_format.keep_with_next = True
    if section.table:
        columns = domain_columns(section.table, full)
        w.table(section.table, section.title, columns, subs=full)
        w.paragraph(section.table_note, "note")
        if full and section.table_note_technical:
            w.paragraph(section.table_note_technical, "note")
    figures = [f for f in section.figures if full or f.brief]
    if figures:
        w.figures_in_rows(figures)
    write_accounts(w, section.accounts)


def write_accounts(w: WordWriter, accounts: list[doc.Account]) -> None:
    """The qualitative targets with a department's account, one paragraph each; those
    without one named together in one paragraph (a line each filled pages with
    （尚未提交书面说明）)."""
    for account in accounts:
        if not account.account:
            continue
        p = w.paragraph()
        status = badge_word(account.badge, w.lang)
        lead = (
            f"{account.label}（{status}）：" if w.lang != "en" else f"{account.label} ({status}): "
        )
        p.add_run(lead, style="Lead")
        p.add_run(account.account)
    missing = [a.label for a in accounts if not a.account]
    if missing:
        p = w.paragraph()
        p.add_run(w._word("accounts_missing").format(n=len(missing)), style="Lead")
        p.add_run(
            ("; " if w.lang == "en" else "；").join(missing) + ("." if w.lang == "en" else "。")
        )


def write_gender(w: WordWriter, g: doc.GenderSection) -> None:
    w.heading(g.title, 2)
    w.paragraph(g.intro.text, g.intro.role)
    for block in g.blocks:
        unit = f"（{block.unit}）" if w.lang != "en" else f" ({block.unit})"
        w.table(block.table, f"{block.title}{unit}")
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
        w.table(m.table, m.title)


def write_appendix(w: WordWriter, a: doc.Appendix, full: bool) -> None:
    """The appendix's parts: the observed values and sources always (a brief annex gives each
    source's title without its notes), the technical annex (method, models and agency
    figures, revisions, audit, provenance) with ``full``."""
    parts = [p for p in a.parts if full or not p.technical]
    for part in parts:
        w.heading(part.title, 2)
        if part.intro:
            w.paragraph(part.intro.text, part.intro.role)
        if part.table and part.table.rows:
            columns = [i for i, c in enumerate(part.table.columns) if full or not c.technical]
            # the sources' notes (raw rows, files, translations) only in the full annex
            subs = full or part.anchor != "sources"
            w.table(part.table, part.subtitle or part.title, columns, subs=subs)


def write_annex(w: WordWriter, document: doc.ReportDocument) -> None:
    """附件 on landscape pages: label, title, then the detail sections."""
    full = document.annex == "full"
    w.new_section(landscape=True)
    w.paragraph(indent=False).add_run(w._word("annex_label"), style="Lead")
    title = w.heading(w._word("annex_title"), 1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    w.paragraph(document.findings.origin_note, "note")
    write_summary(w, document.summary)
    for section in document.domains:
        write_domain(w, section, full)
    write_monitoring(w, document.monitoring)
    write_gender(w, document.gender)
    write_appendix(w, document.appendix, full)


def write_docx(document: doc.ReportDocument, path) -> Path:
    """Write the report as a Word file at ``path`` (the caller writes it atomically)."""
    w = WordWriter(document)
    write_cover(w, document.cover)
    toc = write_contents(w)
    write_findings(w, document.findings)
    write_signature(w)
    write_annex(w, document)
    fill_contents(w, toc)
    return w.save(path)
