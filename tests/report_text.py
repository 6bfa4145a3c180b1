"""The visible text of an evaluation report, as a reader sees it, for golden comparisons.

Only the report's own fragments count (``div.pe``, in page order): the notebook wrapper of an
nbconvert page adds no visible text. Lines are stripped and blank lines dropped. Lines that
change with every run are masked: the time produced (``2026-12-01 12:57`` → ``<time>``) and
the provenance values other than the parameters (checksums, package versions, git commit).
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def visible_text(html: str) -> str:
    """The masked visible text of a report page or of its concatenated fragments."""
    soup = BeautifulSoup(html, "html.parser")
    for table in soup.select("table.provenance"):
        for tr in table.select("tbody tr"):
            cells = tr.find_all("td")
            if len(cells) == 2 and not cells[0].get_text().startswith("parameter "):
                cells[1].string = "<masked>"
    lines = []
    for part in soup.select("div.pe"):
        for line in part.get_text("\n").splitlines():
            line = TIME.sub("<time>", line.strip())
            if line:
                lines.append(line)
    return "\n".join(lines) + "\n"
