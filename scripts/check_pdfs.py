"""Check printed reports and overviews: every domain table's status words are in the PDF's
text, page 1 holds the cover, no page is blank.

For each ``<report>.pdf`` with its ``<report>.html`` beside it: the status word of every row
of every domain table (``table.indicators``, the badge of the ``status`` column) is read from
the HTML; the PDF's text (``pdftotext``) between the domain's heading and the next heading
must hold each word at least as often (words broken over two lines count as missing). Page 1
must hold the report's title, and its boxed caveat when the cover has one (a report on another
area's data than the plan's). A page holding nothing but its number is blank. An overview's
region × target matrix is checked like a domain table. Prints one line per PDF and the
figures (PDFs, pages, failures) and exits 1 when any check fails; ``make report`` runs it
over every PDF it wrote.

    .venv/bin/python scripts/check_pdfs.py reports/*.pdf
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bs4 import BeautifulSoup

#: Left and right page margins of report.css's ``@page`` (12 mm), in points: a word printed
#: past them was clipped (pdftotext reads text a clip path hides, so its place is checked).
SIDE_MARGIN_PT = 12 / 25.4 * 72


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page as printed: the words (``pdftotext -bbox``) inside the page's
    side margins, grouped into lines by their height on the page and read left to right
    (pdftotext's own reading order may put a table column after the text that follows the
    table)."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for page in BeautifulSoup(xml, "html.parser").find_all("page"):
        right = float(page["width"]) - SIDE_MARGIN_PT + 1.0  # 1 pt for rounding
        words = []
        for w in page.find_all("word"):
            x0, y0, x1, y1 = (float(w[k]) for k in ("xmin", "ymin", "xmax", "ymax"))
            if x1 <= right:
                words.append(((y0 + y1) / 2, (y1 - y0) / 2, x0, w.get_text()))
        lines: list[list] = []
        for word in sorted(words):
            # one line when the middles are within a quarter of the smaller glyph box (a
            # large title's box is twice its line pitch: half its height reached the line
            # under it)
            if lines and abs(word[0] - lines[-1][0][0]) <= max(
                min(word[1], lines[-1][0][1]) / 2, 2.0
            ):
                lines[-1].append(word)
            else:
                lines.append([word])
        pages.append(
            "\n".join(" ".join(w[3] for w in sorted(line, key=lambda w: w[2])) for line in lines)
        )
    return pages


def squeeze(text: str) -> str:
    """Whitespace removed between CJK characters and collapsed elsewhere (pdftotext puts
    spaces and line breaks where the printed line wraps)."""
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", text)


def expected(html: str) -> list[tuple[str, str, Counter]]:
    """``[(domain heading and the start of its first paragraph, the heading after the table,
    Counter of status words)]`` of every domain table of a report and of an overview's
    region × target matrix (the paragraph tells the section from its line in the contents;
    the chart captions after the table hold status words too)."""
    soup = BeautifulSoup(html, "html.parser")
    out = []
    for table in soup.select("table.indicators, table.matrix"):
        h2 = table.find_previous("h2")
        heading = squeeze(h2.get_text() + " " + h2.find_next("p").get_text())[:24]
        words = Counter(
            re.sub(r"^\W+", "", squeeze(b.get_text())).strip()  # the icon (✔ ◷ …) left out
            for b in table.select('td[data-col="status"] .badge, td.cell .badge')
        )
        after = table.find_next(["h2", "h3"])
        out.append((heading, squeeze(after.get_text()) if after else "", words))
    return out


def check(pdf: Path, pages: list[str] | None = None) -> list[str]:
    """The problems of one printed report (empty when it passes); ``pages``: its text, when
    already read."""
    html = pdf.with_suffix(".html").read_text(encoding="utf-8")
    pages = pdf_pages(pdf) if pages is None else pages
    problems = []
    soup = BeautifulSoup(html, "html.parser")
    first = squeeze(pages[0]).replace(" ", "")
    title = squeeze(soup.select_one("h1").get_text())
    if title.replace(" ", "") not in first:
        problems.append("page 1 does not hold the cover")
    caveat = soup.select_one("p.caveat")
    if caveat is not None and squeeze(caveat.get_text()).replace(" ", "") not in first:
        problems.append("page 1 does not hold the cover's caveat (data of another area)")
    for n, page in enumerate(pages, start=1):
        if not re.sub(r"[—\-\s\d]", "", page):  # nothing but a page number
            problems.append(f"page {n} is blank")
    text = squeeze(" ".join(pages))
    text = text.replace(" ", "")  # headings and paragraphs meet with or without a space
    for heading, after, words in expected(html):
        heading = heading.replace(" ", "")
        start = text.find(heading)
        if start < 0:
            problems.append(f"{heading}: heading not in the text")
            continue
        end = text.find(after.replace(" ", ""), start + len(heading)) if after else -1
        end = len(text) if end < 0 else end
        chunk = text[start:end]
        for word, n in words.items():
            if chunk.count(word.replace(" ", "")) < n:
                found = chunk.count(word.replace(" ", ""))
                problems.append(f"{heading[:12]}: '{word}' {found} of {n}")
    return problems


def main(paths: list[str]) -> int:
    failed = pages = 0
    for p in map(Path, paths):
        if not p.with_suffix(".html").is_file():
            problems = [f"no {p.with_suffix('.html').name} beside it to check against"]
        else:
            text = pdf_pages(p)
            problems = check(p, text)
            pages += len(text)
        failed += bool(problems)
        print(
            f"{'FAIL' if problems else 'ok  '} {p.name}" + "".join(f"\n     {x}" for x in problems)
        )
    print(f"check_pdfs: {len(paths) - failed} of {len(paths)} PDFs pass ({pages} pages)")
    if failed:
        print(f"check_pdfs: {failed} PDF(s) FAILED the print check", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
