"""A revised value: the report uses the latest vintage and its appendix lists both."""

import shutil
from pathlib import Path

from bs4 import BeautifulSoup

import planeval
from planeval.reporting import build
from planeval.reporting.build_appendix import appendix
from planeval.reporting.html import render_section
from planeval.reporting.inputs import load_revisions

DATA = Path(__file__).resolve().parents[1] / "data"


def _data_with_revision(tmp_path):
    for part in ("plans", "config"):
        shutil.copytree(DATA / part, tmp_path / part)
    shutil.copy(DATA / "indicators.yaml", tmp_path / "indicators.yaml")
    shutil.copytree(DATA / "observations" / "china", tmp_path / "observations" / "china")
    (tmp_path / "observations" / "china" / "2023_rev1.csv").write_text(
        "indicator_id,value,unit,sex,source,note\n"
        "infant_mortality,4.6,‰,total,卫健委修订,revised after audit\n",
        encoding="utf-8",
    )
    return tmp_path


def test_appendix_lists_both_vintages_and_tables_use_the_latest(tmp_path):
    data_dir = _data_with_revision(tmp_path)
    assessment = planeval.assess("children", "china", 2023, data_dir=data_dir)
    # the shipped 2023 file says 4.5‰; the revision says 4.6‰ and wins
    assert assessment["infant_mortality"].latest_value == 4.6
    ctx = build.ReportContext(assessment, revisions=load_revisions("china", 2023, data_dir))
    soup = BeautifulSoup(render_section(appendix(ctx)), "html.parser")
    rows = soup.find(id="revisions").find_next("table").select("tbody tr")
    cells = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in rows]
    assert [c[3] for c in cells] == ["0", "1 (现用)"]
    assert [c[5] for c in cells] == ["4.5", "4.6"]
    assert cells[1][4] == "4.5"  # previous value shown beside the revision
    assert cells[1][6].startswith("2023_rev1.csv, 2")


def test_no_revision_says_so():
    assessment = planeval.assess("children", "china", 2023, data_dir=DATA)
    ctx = build.ReportContext(assessment, revisions=load_revisions("china", 2023, DATA))
    soup = BeautifulSoup(render_section(appendix(ctx)), "html.parser")
    assert "没有修订" in soup.find(id="revisions").find_next("p").get_text()
