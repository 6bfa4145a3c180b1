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
import re
import shutil
import subprocess

import pytest

import planeval
from planeval.core.labels import _labels
from planeval.reporting import build
from planeval.reporting.html import render_report
from planeval.reporting.word import write_docx

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NAMES = ("新生儿死亡率", "学前教育毛入园率", "九年义务教育巩固率")
#: every status word a table may show (the assessment's and the verdict's)
STATUS_WORDS = {v["zh"] for g in ("status", "verdict_status") for v in _labels()[g].values()}


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


def test_docx_has_the_headings_tables_and_figures_of_the_report(docx_path):
    from docx import Document

    word = Document(str(docx_path))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    for title in ("一、总体情况", "二、主要进展", "三、存在的问题", "四、对策建议", "（一）健康"):
        assert title in headings, title
    doc_ = document()
    # the brief annex: every domain table, the rates table, the sex tables, the observed
    # values, the sources and the monitoring table; the technical parts left out
    technical = [p.title for p in doc_.appendix.parts if p.technical]
    assert technical and not set(technical) & set(headings)
    figures = [f for s in doc_.domains for f in s.figures if f.brief]
    figures += [b.figure for b in doc_.gender.blocks]
    figures += [doc_.summary.heatmap] if doc_.summary.heatmap else []
    assert len(word.inline_shapes) == len(figures)
    captions = [p.text for p in word.paragraphs if p.style.name == "Caption" and p.text]
    assert "表1 各领域达标率" in captions
    marked = [r for p in word.paragraphs for r in p.runs if r.style.name == "Placeholder"]
    assert marked and all(r.text.startswith("【") for r in marked)  # places to fill, marked


def test_docx_is_laid_out_as_an_official_document(docx_path):
    """GB/T 9704-2012 read back with python-docx: A4 with margins 37/35/28/26 mm; body
    仿宋_GB2312 三号 (16 pt) at an exact 28.95 pt pitch (225 mm / 22 lines = 637.8 pt / 22 =
    28.99 pt, set a little under so 22 lines fit); title 方正小标宋简体, headings 黑体 and
    楷体_GB2312; no run sets a font of its own (styles only)."""
    from docx import Document
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn

    word = Document(str(docx_path))
    first = word.sections[0]
    assert (first.page_width.mm, first.page_height.mm) == pytest.approx((210, 297), abs=0.1)
    margins = (first.top_margin, first.bottom_margin, first.left_margin, first.right_margin)
    assert [m.mm for m in margins] == pytest.approx([37, 35, 28, 26], abs=0.1)

    def east_asia(style):
        return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    normal = word.styles["Normal"]
    assert east_asia(normal) == "仿宋_GB2312" and normal.font.size.pt == 16
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert 28 <= normal.paragraph_format.line_spacing.pt <= 29
    assert east_asia(word.styles["Title"]) == "方正小标宋简体"
    assert east_asia(word.styles["Heading 1"]) == "黑体"
    assert east_asia(word.styles["Heading 2"]) == "楷体_GB2312"
    assert word.styles["Table Text"].font.size.pt >= 10.5
    body_runs = [r for p in word.paragraphs for r in p.runs]
    body_runs += [r for t in word.tables for row in t.rows for c in row.cells
                  for p in c.paragraphs for r in p.runs]  # fmt: skip
    assert not [r.text for r in body_runs if r._element.rPr is not None
                and r._element.rPr.find(qn("w:rFonts")) is not None]  # fmt: skip
    assert word.core_properties.created.year >= 2025
    assert word.core_properties.title == document().title


def test_docx_has_fields_for_contents_captions_and_page_numbers(docx_path):
    """A TOC field, SEQ fields numbering every caption, a header row repeated on every page
    of every data table, and — PAGE — at the outer foot (odd right, even left) from the body
    on, which starts at 1 (cover and contents carry no number; the attachment continues)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    word = Document(str(docx_path))
    body = word.element.body.xml
    assert 'TOC \\o "1-2"' in body
    captions = [p for p in word.paragraphs if p.style.name == "Caption" and p.text.startswith("表")]
    assert captions and all("SEQ 表" in p._p.xml for p in captions)
    figure_captions = [p for t in word.tables for row in t.rows for c in row.cells
                       for p in c.paragraphs if p.text.startswith("图")]  # fmt: skip
    assert figure_captions and all("SEQ 图" in p._p.xml for p in figure_captions)
    data_tables = [t for t in word.tables if t.style is not None and t.style.name == "Table Grid"]
    assert len(data_tables) == len(captions)
    for t in data_tables:
        assert t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    front, body = word.sections[0], word.sections[1]  # cover and contents, then the body
    assert all("PAGE" not in p._p.xml for p in front.footer.paragraphs)
    start = body._sectPr.find(qn("w:pgNumType"))
    assert start is not None and start.get(qn("w:start")) == "1"  # the body is page — 1 —
    assert all(s._sectPr.find(qn("w:pgNumType")) is None for s in word.sections[2:])
    odd, even = body.footer.paragraphs[0], body.even_page_footer.paragraphs[0]
    assert "PAGE" in odd._p.xml and odd.text.startswith("— ") and odd.text.endswith(" —")
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT and even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert word.styles["Footer"].font.size.pt == 14  # 四号


def test_table_columns_fit_their_words():
    """A status word is never broken: the status column is at least as wide as 数据不足 at
    10.5 pt (4 × 10.5 = 42 pt) plus its padding (11 pt), and the columns fill the width."""
    from planeval.reporting.word import column_widths

    columns = [
        [("指标", False), ("适龄儿童免疫规划疫苗接种率（以街道为单位）", False)],
        [("单位", False), ("%", True)],
        [("状态", False), ("数据不足\n数据滞后：最新数据为2016年", True)],
    ]
    widths = column_widths(columns, 200.0)
    assert sum(widths) == pytest.approx(200.0, abs=0.01)
    assert widths[2] >= 42 + 11


def test_english_docx_has_a_plain_style_and_no_full_width_brackets(tmp_path):
    from docx import Document

    a = planeval.assess("children", "china", 2023, data_dir="data")
    en = build.build_document(build.context_for(a, "midterm", "en", "data"))
    word = Document(str(write_docx(en, tmp_path / "en.docx")))
    assert word.styles["Normal"].font.name == "Times New Roman"
    text = "\n".join(p.text for p in word.paragraphs)
    text += "".join(c.text for t in word.tables for row in t.rows for c in row.cells)
    assert "（" not in text and "）" not in text and "：" not in text


@pytest.fixture(scope="module")
def word_pdf(docx_path, tmp_path_factory):
    """The Word file converted to PDF by LibreOffice (as an office without Word would)."""
    if SOFFICE is None or PDFTOTEXT is None:
        pytest.skip("LibreOffice/pdftotext not installed (make pdf-tools)")
    out = tmp_path_factory.mktemp("lo")
    proc = subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation={(out / 'lo').as_uri()}",
         "--convert-to", "pdf", "--outdir", str(out), str(docx_path)],
        capture_output=True, text=True, timeout=900,  # only catches a hang
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return out / "report.pdf"


def test_libreoffice_converts_the_docx_to_pdf_with_the_chinese_names(word_pdf):
    text = pdf_text(word_pdf)
    for name in NAMES:
        assert name in text.replace(" ", ""), name


def test_word_tables_keep_years_numbers_and_status_words_whole(docx_path, word_pdf):
    """Every column of every table fits its words on the page: in LibreOffice's PDF (whose
    fallback fonts are wider than Word's Times New Roman: digits 0.64 em against 0.5) each
    year heading of the observed values (2015 … 2023, which wrapped as "201/5"), each number,
    item code, status word and path word (▲ 快于进度 wrapped as "快于进/度": ▲ is one em wide)
    of every table is one word of the text, not broken over two lines."""
    from docx import Document

    words = set(pdf_text(word_pdf).split())
    wanted = set()
    for table in Document(str(docx_path)).tables:
        if table.style is None or table.style.name != "Table Grid":
            continue  # the borderless layout tables of the charts
        for row in table.rows:
            for cell in row.cells:
                first = cell.text.split("\n")[0].strip()
                if re.fullmatch(r"[A-Z]\d{1,2}|[+-]?[\d,]+(\.\d+)?|(19|20)\d\d", first):
                    wanted.add(first)
                if first in STATUS_WORDS:
                    wanted.add(first)
                if first[:1] in "▲▼" and first[1:].strip():  # ▲ 快于进度: the path word
                    wanted.add(first[1:].strip())
    assert {"2015", "2023", "快于进度"} <= wanted and wanted & STATUS_WORDS
    assert sorted(wanted - words) == []


def test_word_cover_boxes_the_stand_in_caveat(docx_path):
    """A district's plan on national data: the cover (before the contents) has the boxed
    line, a paragraph of style Caveat whose style draws the frame."""
    from docx import Document
    from docx.oxml.ns import qn

    word = Document(str(docx_path))
    cover = []
    for p in word.paragraphs:
        if p.style.name == "Title" and p.text == "目录":
            break
        cover.append(p)
    boxed = [p.text for p in cover if p.style.name == "Caveat"]
    assert boxed == ["本报告以全国数据试算，仅供演示，不代表白碱滩区（克拉玛依高新区）监测结果"]
    frame = word.styles["Caveat"].element.pPr.find(qn("w:pBdr"))
    assert [el.get(qn("w:val")) for el in frame] == ["single"] * 4


@pytest.mark.skipif(CHROMIUM is None or PDFTOTEXT is None,
                    reason="Chromium/pdftotext not installed (make pdf-tools)")  # fmt: skip
def test_chromium_prints_the_html_to_pdf_with_the_chinese_names(tmp_path):
    """The names whole in the text layer (one font for latin and Chinese glyphs: with two,
    pdftotext read "0至6岁…" as "0 6" on one line and "至 岁…" on the next), and each domain
    (its 15-column indicator table) on landscape pages, the findings on portrait ones."""
    from planeval.reporting.pdf import html_to_pdf

    pdf = html_to_pdf(render_report(document()), tmp_path / "report.pdf")
    text = pdf_text(pdf).replace(" ", "")
    for name in NAMES + ("0至6岁儿童眼保健和视力检查覆盖率",):
        assert name in text, name
    assert "二、主要进展" in text
    # the contents list adds no numbers of its own before the headings' 一、 (was "a.一、")
    assert re.search(r"[a-z0-9]\.一、", text) is None
    pages = [re.sub(r"\s+", "", p) for p in text.split("\f")]
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", str(len(pages)), str(pdf)],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    sizes = [tuple(map(float, m)) for m in re.findall(r"size:\s+([\d.]+) x ([\d.]+)", info)]
    first_of = {k: next(i for i, p in enumerate(pages) if k in p)
                for k in ("领域1：健康本领域", "二、主要进展")}  # fmt: skip
    width, height = sizes[first_of["领域1：健康本领域"]]
    assert width > height  # landscape
    width, height = sizes[first_of["二、主要进展"]]
    assert width < height
    # the brief annex (Word and PDF default) prints each source's title without its notes
    # (raw rows, files: "2021: raw row 98; NHC 2021 ...") which the full annex keeps
    assert "rawrow" in text
    brief = html_to_pdf(render_report(document()), tmp_path / "brief.pdf", annex="brief")
    assert "rawrow" not in pdf_text(brief).replace(" ", "")


def body_paragraphs(word) -> list:
    """The body of the Word file: from the title above 一、 to the line 附件 (cover and
    contents before it, the attachment after it)."""
    paragraphs = word.paragraphs
    start = next(i for i, p in enumerate(paragraphs)
                 if p.text.startswith("一、") and p.style.name == "Heading 1")  # fmt: skip
    end = next(i for i, p in enumerate(paragraphs) if p.text == "附件")
    return paragraphs[start - 1 : end]


def test_word_body_reads_as_a_report_an_office_signs(docx_path):
    """Children's mid-term (national data, 2023): no item codes (T3, M6), no ≤/≥, no
    probability or interval; no sentence twice; no half-width punctuation; a headline sentence
    per domain; 工作开展情况; 三 grouped by domain (健康, 教育) then 统计监测; 四 per department
    (卫健委, 教育局) and the monitoring request naming 卫健委; the 落款 (office and date,
    right-aligned) just before the attachment."""
    import re
    from collections import Counter

    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    word = Document(str(docx_path))
    body = body_paragraphs(word)
    text = "\n".join(p.text for p in body)
    assert not re.findall(r"(?<![A-Za-z])[TM]\d{1,2}(?![\d.])", text)
    assert "≤" not in text and "≥" not in text
    assert "概率" not in text and "区间" not in text
    assert not re.search(r"\d–\d", text)  # an interval such as 0.0–96.8
    sentences = [s for s in re.split(r"[。\n]", text) if len(s) > 8]
    assert [s for s, n in Counter(sentences).items() if n > 1] == []
    headings = [p.text for p in body if p.style.name.startswith("Heading")]
    assert "（一）工作开展情况" in headings
    domains = [d for d in document().findings.progress]
    for group in domains:
        assert group.headline and group.headline.text in text
    # no half-width punctuation beside Chinese text
    assert not re.findall(r"[\u4e00-\u9fff][,;:()?!]|[,;:()?!][\u4e00-\u9fff]", text)
    # 三、存在的问题 by domain in the plan's order, then 统计监测方面; 四、对策建议 per department
    heads = [p.text for p in body if p.style.name.startswith("Heading")]
    paras = [p.text for p in body]
    problems = paras[paras.index("三、存在的问题") + 1 : paras.index("四、对策建议")]
    advice = paras[paras.index("四、对策建议") + 1 :]
    leads = [re.match(r"\d+\.(\S+?)领域", t).group(1) for t in problems if "领域" in t[:8]]
    domains = [d for d in (h[3:] for h in heads if h.startswith("（")) if d in leads]
    assert leads == domains and leads == ["健康", "教育"]
    assert problems[-1].startswith(f"{len(leads) + 1}.统计监测方面")
    assert [re.match(r"\d+\.(\S+?)：", t).group(1) for t in advice if "：针对" in t] == [
        "卫健委",
        "教育局",
    ]
    assert any("请卫健委补报" in t for t in advice)
    signature = [p for p in body[-4:] if p.text]
    assert signature[-2].text.endswith("妇女儿童工作委员会办公室")
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", signature[-1].text)
    assert signature[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_office_text_and_signature_come_from_the_narrative_file(tmp_path):
    """The example narrative (data/narrative/example/) placed for a report: its 工作开展情况
    text follows the drafted paragraph, marked with its author, and its office and date are
    the 落款 and the file's author."""
    import shutil

    from docx import Document

    from planeval.reporting.narrative import load_narrative

    folder = tmp_path / "narrative" / "china"
    folder.mkdir(parents=True)
    example = "data/narrative/example/children_midterm_2023.yaml"
    shutil.copy(example, folder / "children_midterm_2023.yaml")
    a = planeval.assess("children", "china", 2023, data_dir="data")
    ctx = build.context_for(a, "midterm", "zh", "data")
    ctx.narrative = load_narrative(tmp_path, "china", "children", "midterm", 2023)
    word = Document(str(write_docx(build.build_document(ctx), tmp_path / "r.docx")))
    body = body_paragraphs(word)
    work = next(p for p in body if "评估工作开展情况" in p.text)
    assert any(r.style.name == "Office Text" for r in work.runs)
    assert "（区妇儿工委办公室撰写）" in work.text
    signature = [p.text for p in body if p.text][-2:]
    assert signature == ["白碱滩区妇女儿童工作委员会办公室", "2024年3月1日"]
    # the 落款 never stands alone on a page (GB/T 9704 7.3.5): from the last body paragraph
    # down to the office every line is kept with the next, the date ends the chain
    note = next(i for i, p in enumerate(body) if p.text.startswith("附件："))
    date = next(i for i, p in enumerate(body) if p.text == "2024年3月1日")
    last_text = max(i for i, p in enumerate(body[: note - 1]) if p.text)
    chain = body[last_text : date + 1]
    assert [p.paragraph_format.keep_with_next for p in chain[:-1]] == [True] * (len(chain) - 1)
    assert chain[-1].text == "2024年3月1日" and not chain[-1].paragraph_format.keep_with_next
    assert word.core_properties.author == "白碱滩区妇女儿童工作委员会办公室"


def test_qualitative_targets_without_an_account_are_named_together(docx_path):
    """The brief annex names a domain's qualitative targets without a department's account
    in one paragraph ("以下N项定性目标尚未提交书面说明：A；B。"), N counted from the document,
    instead of a paragraph each (the children's mid-term has 52 such targets, none with an
    account: they filled eight pages)."""
    from docx import Document

    word = Document(str(docx_path))
    texts = [p.text for p in word.paragraphs]
    for section in document().domains:
        missing = [a.label for a in section.accounts if not a.account]
        if not missing:
            continue
        said = f"以下{len(missing)}项定性目标尚未提交书面说明：" + "；".join(missing) + "。"
        assert said in texts, section.title
    assert not [t for t in texts if t.endswith("（尚未提交书面说明）")]
