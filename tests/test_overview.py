"""The overview of a parent geography's regions (planeval overview): ranks and counts checked
by hand on a small fixture, each region's status equal to its own assessment's on the real
provincial data, stored verdicts read back only when current, and the rendered page answering
a reviewer's two questions."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from planeval.cli import app
from planeval.plans.catalogue import load_plan
from planeval.publish.fingerprint import input_fingerprint
from planeval.publish.overview_run import build_overview_files, gather, stored_record
from planeval.publish.runner import report_name
from planeval.reporting.overview import build_overview, rank_regions
from planeval.reporting.overview_verdicts import position, target_verdicts

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
PLAN = "national_children"


# --- by hand: ranks, counts, the region furthest behind -----------------------------------


def test_ranks_by_hand():
    """达标率: a 2/3 = 66.7 %, b 4/6 = 66.7 %, c 3/3 = 100 %, d 1/2 (denominator 2 < 3, not
    ranked), e 0/4 = 0 %. Highest first, equal rates share a rank: c 1, a 2, b 2, e 4."""
    ranks = rank_regions({"a": (2, 3), "b": (4, 6), "c": (3, 3), "d": (1, 2), "e": (0, 4)}, 3)
    assert ranks == {"a": 2, "b": 2, "c": 1, "d": None, "e": 4}


def test_position_by_hand():
    """Signed distance from the target level as a share of it, positive on the wrong side:
    13.1 against ≤ 12: (13.1 − 12) / 12 = +0.091667; 4.73 against ≤ 5: −0.27 / 5 = −0.054;
    88 against ≥ 90: +2 / 90 = +0.022222; a band target has no one-sided position."""
    assert position(13.1, 12.0, "<=") == pytest.approx(0.091667, abs=1e-6)
    assert position(4.73, 5.0, "<=") == pytest.approx(-0.054, abs=1e-9)
    assert position(88.0, 90.0, ">=") == pytest.approx(0.022222, abs=1e-6)
    assert position(45.0, 45.0, "band") is None


def _target(ind, status, category, value, year, level, counted, achieved):
    word = {"met": "已实现", "on_track": "有望实现", "off_track": "难以达标"}.get(category, "无")
    return {
        "indicator_id": ind,
        "status": status,
        "status_zh": word,
        "status_en": word,
        "icon": "x",
        "category": category,
        "counted": counted,
        "achieved": achieved,
        "lagging": category == "lagging",
        "target_level": level,
        "target_sense": "<=",
        "latest_year": year,
        "latest_value": value,
        "position": None if value is None else (value - level) / level,
        "years": [] if value is None else [year],
        "values": [] if value is None else [value],
    }


def _record(geo, targets):
    return {
        "geography": geo,
        "achieved": sum(t["achieved"] for t in targets),
        "counted": sum(t["counted"] for t in targets),
        "latest_data_year": max(
            (t["latest_year"] for t in targets if t["latest_year"]), default=None
        ),
        "targets": targets,
    }


@pytest.fixture(scope="module")
def small_overview():
    """Four regions, targets neonatal ≤ 3, infant ≤ 5, under-5 ≤ 6 (‰):

    ======  ==================  ==================  ==================  =====
    region  neonatal            infant              under-5             rate
    ======  ==================  ==================  ==================  =====
    r1      met 2.0 (2023)      met 4.0 (2023)      met 5.0 (2023)      3/3
    r2      off 3.6 (2023)      met 4.9 (2022)      on track 6.2 (2023) 1/3
    r3      —                   lagging 5.5 (2019)  —                   0/0
    r4      met 2.9 (2022)      off 5.2 (2023)      met 5.9 (2023)      2/3
    ======  ==================  ==================  ==================  =====

    Ranks (min denominator 3): r1 1 (100 %), r4 2 (66.7 %), r2 3 (33.3 %), r3 not ranked.
    Counts: neonatal met 2, off 1, no data 1; infant met 2, off 1, lagging 1; under-5 met 2,
    on track 1, no data 1. Furthest behind on infant mortality: r3, (5.5 − 5) / 5 = +0.10 beats
    r4's +0.04."""
    T = _target
    records = [
        _record(
            "r1",
            [
                T("neonatal_mortality", "achieved", "met", 2.0, 2023, 3.0, True, True),
                T("infant_mortality", "achieved", "met", 4.0, 2023, 5.0, True, True),
                T("under5_mortality", "achieved", "met", 5.0, 2023, 6.0, True, True),
            ],
        ),
        _record(
            "r2",
            [
                T("neonatal_mortality", "off_track", "off_track", 3.6, 2023, 3.0, True, False),
                T("infant_mortality", "achieved", "met", 4.9, 2022, 5.0, True, True),
                T("under5_mortality", "on_track", "on_track", 6.2, 2023, 6.0, True, False),
            ],
        ),
        _record(
            "r3",
            [
                T("neonatal_mortality", "no_data", "no_data", None, None, 3.0, False, False),
                T("infant_mortality", "lagging", "lagging", 5.5, 2019, 5.0, False, False),
                T("under5_mortality", "no_data", "no_data", None, None, 6.0, False, False),
            ],
        ),
        _record(
            "r4",
            [
                T("neonatal_mortality", "achieved", "met", 2.9, 2022, 3.0, True, True),
                T("infant_mortality", "off_track", "off_track", 5.2, 2023, 5.0, True, False),
                T("under5_mortality", "achieved", "met", 5.9, 2023, 6.0, True, True),
            ],
        ),
    ]
    names = {g: g.upper() for g in ("r1", "r2", "r3", "r4")} | {"p": "P"}
    plan = load_plan(PLAN, DATA)
    return build_overview(
        plan, records, parent="p", names=names, stage="midterm", year=2024, charts=False
    )


def test_small_fixture_ranks_and_rates(small_overview):
    rows = {r.geography: r for r in small_overview.rows}
    assert [r.geography for r in small_overview.rows] == ["r1", "r4", "r2", "r3"]
    assert (rows["r1"].rank, rows["r4"].rank, rows["r2"].rank, rows["r3"].rank) == (1, 2, 3, None)
    assert rows["r4"].rate_text == "2/3 (66.7%)" and rows["r2"].rate_text == "1/3 (33.3%)"
    assert "不排名" in rows["r3"].rank_text and "3" in rows["r3"].rank_text


def test_small_fixture_counts_per_target(small_overview):
    counts = {tc.column.indicator_id: tc.counts for tc in small_overview.counts}
    assert counts["neonatal_mortality"] == {
        "met": 2,
        "on_track": 0,
        "off_track": 1,
        "lagging": 0,
        "no_data": 1,
    }
    assert counts["infant_mortality"] == {
        "met": 2,
        "on_track": 0,
        "off_track": 1,
        "lagging": 1,
        "no_data": 0,
    }
    assert counts["under5_mortality"]["on_track"] == 1 and counts["under5_mortality"]["met"] == 2


def test_small_fixture_furthest_behind_and_findings(small_overview):
    behind = {tc.column.indicator_id: tc.behind for tc in small_overview.counts}
    assert behind["infant_mortality"].startswith("R3（5.5‰，2019年）")
    text = " ".join(p for _, paragraphs in small_overview.findings for p in paragraphs)
    # the regions that lag most: R2 and R4 have one target off track each, R3 lagging data
    assert "R2（未实现或存在困难1项：新生儿死亡率；数据滞后0项）" in text
    assert "R3（数据滞后1项）" in text
    assert "可排名地区3个，达标率最高的是R1（3/3 (100.0%)）" in text


# --- real provincial data ----------------------------------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    out = tmp_path_factory.mktemp("overview")
    plan, records, links, sources, problems = gather(PLAN, "midterm", 2024, "china", DATA, out)
    return plan, records, sources, problems


def test_every_region_with_data_appears(real):
    """The 16 provinces and cities under china (geographies.yaml) with data folders."""
    _, records, sources, problems = real
    assert problems == []
    assert len(records) == 16
    assert {"beijing", "yunnan", "guangzhou", "guiyang"} <= {r["geography"] for r in records}
    assert set(sources.values()) == {"assessed"}  # nothing stored in an empty out folder


def test_each_region_status_equals_its_own_assessment(real):
    """For each region and target: the overview's status is the status of that region's own
    assessment (assessed here independently, as its report does)."""
    import planeval

    plan, records, _, _ = real
    for rec in records:
        own = planeval.assess(PLAN, rec["geography"], 2024, data_dir=DATA)
        mine = {v["indicator_id"]: v for v in target_verdicts(own, "midterm")}
        for t in rec["targets"]:
            assert t["status"] == mine[t["indicator_id"]]["status"], (rec["geography"], t)
            assert t["category"] == mine[t["indicator_id"]]["category"]
        for r in own.results:
            got = next(t for t in rec["targets"] if t["indicator_id"] == r.indicator_id)
            assert got["latest_value"] == (None if r.latest_value is None else r.latest_value)
            assert got["latest_year"] == r.latest_year


def _page(out: Path, lang: str = "zh") -> BeautifulSoup:
    result = build_overview_files(PLAN, "midterm", 2024, "china", DATA, out, lang)
    return BeautifulSoup(result["path"].read_text(encoding="utf-8"), "html.parser")


def test_page_answers_the_reviewers_questions(tmp_path):
    """Infant mortality (≤ 5 ‰ by 2030): the highest latest value is Yunnan's 4.73 ‰ (2020),
    above Hubei 4.54 (2018) and Chongqing 4.30 (2016): Yunnan lags most. Under-5 mortality
    (≤ 6 ‰): met by Guangdong 3.46 (2022), Guangxi 3.82 (2023) and Shandong 3.76 (2023), the
    regions with a value in the plan period; Hubei 6.49, Beijing, Anhui (2018) and Gansu
    (2020) predate it (lagging): 3 regions meet it."""
    soup = _page(tmp_path)
    infant = soup.find(id="count-infant_mortality")
    assert "云南省（4.73‰，2020年）" in infant.get_text()
    under5 = soup.find(id="count-under5_mortality")
    assert under5.find("td", attrs={"data-category": "met"}).get_text() == "3"
    assert under5.find("td", attrs={"data-category": "lagging"}).get_text() == "4"
    beijing = soup.find(id="region-beijing")
    cells = beijing.find_all("td", class_="cell")
    assert [c["data-category"] for c in cells] == ["lagging", "met", "lagging"]
    assert "◷ 数据滞后" in cells[0].get_text() and "1.45 (2017)" in cells[0].get_text()
    meta = json.loads(
        (
            tmp_path / (result_name := "china_national_children_overview_midterm_2024.html.json")
        ).read_text()
    )
    assert meta["kind"] == "overview" and meta["file"] == result_name[:-5]


def test_english_page_same_numbers(tmp_path):
    soup = _page(tmp_path, "en")
    assert soup.html["lang"] == "en"
    assert "Yunnan Province (4.73‰, 2020)" in soup.find(id="count-infant_mortality").get_text()
    assert (tmp_path / "china_national_children_overview_midterm_2024_en.html").is_file()


# --- stored verdicts: read back only when the region's report is current -------------------


def _fake_report(out: Path, geo: str, record: dict, fingerprint: str) -> None:
    """A report as the runner leaves it: HTML, the stored record, metadata naming both."""
    name = report_name(geo, PLAN, "midterm", 2024)
    html = b"<html>report</html>"
    verdict = json.dumps(record).encode("utf-8")
    (out / name).write_bytes(html)
    (out / name.replace(".html", ".verdict.json")).write_bytes(verdict)
    meta = {
        "file": name,
        "geography": geo,
        "plan": PLAN,
        "stage": "midterm",
        "year": 2024,
        "lang": "zh",
        "produced": "2024-01-01T00:00:00",
        "html_sha256": hashlib.sha256(html).hexdigest(),
        "files": {"html": name, "verdict.json": name.replace(".html", ".verdict.json")},
        "verdict_sha256": hashlib.sha256(verdict).hexdigest(),
        "fingerprint": fingerprint,
        "inputs": {"parameters": {"formats": ["html"]}},
    }
    (out / (name + ".json")).write_text(json.dumps(meta), encoding="utf-8")


def test_stored_record_used_only_when_current(tmp_path, real):
    from planeval.publish.fingerprint import NOTEBOOK

    _, records, _, _ = real
    record = dict(next(r for r in records if r["geography"] == "yunnan"))
    record["marker"] = "stored"
    from planeval.reporting.spec import ReportSpec

    current = input_fingerprint(ReportSpec(PLAN, "midterm", 2024, "yunnan"), DATA, NOTEBOOK)
    _fake_report(tmp_path, "yunnan", record, current["sha256"])
    got, link = stored_record(tmp_path, "yunnan", PLAN, "midterm", 2024, DATA, NOTEBOOK)
    assert got["marker"] == "stored" and link == "yunnan_national_children_midterm_2024.html"
    _fake_report(tmp_path, "yunnan", record, "0" * 64)  # inputs changed since: not current
    got, link = stored_record(tmp_path, "yunnan", PLAN, "midterm", 2024, DATA, NOTEBOOK)
    assert got is None and link is not None  # assessed again; the old report still linked


def test_cli_unknown_parent_is_a_bilingual_error(tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "overview", "--plan", PLAN, "--stage", "midterm", "--year", "2024",
            "--parent", "atlantis", "--data-dir", str(DATA), "--out", str(tmp_path),
        ],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "atlantis" in result.output and "不在 geographies.yaml" in result.output
    assert not list(tmp_path.glob("*.html"))


def test_cli_year_outside_the_plan(tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "overview", "--plan", PLAN, "--stage", "midterm", "--year", "2035",
            "--parent", "china", "--data-dir", str(DATA), "--out", str(tmp_path),
        ],
    )  # fmt: skip
    assert result.exit_code == 1 and "2035" in result.output
    assert re.search(r"2020.*2030", result.output)


# --- run lists: overviews built after the reports, listed in the index ---------------------


def test_runlist_overview_block_without_geographies(tmp_path):
    from planeval.publish.runlist import load_runlist

    runlist = tmp_path / "runs.yaml"
    runlist.write_text(
        f"data_dir: {DATA}\nout: {tmp_path / 'out'}\nruns:\n"
        "  - overviews: [china]\n    plans: [national_women, national_children]\n"
        "    stages: [midterm]\n    years: [2024]\n    langs: [zh, en]\n",
        encoding="utf-8",
    )
    spec = load_runlist(runlist)
    assert spec.runs == []
    assert [o.name for o in spec.overviews] == [
        "china_national_women_overview_midterm_2024.html",
        "china_national_women_overview_midterm_2024_en.html",
        "china_national_children_overview_midterm_2024.html",
        "china_national_children_overview_midterm_2024_en.html",
    ]


def test_runlist_unknown_overview_parent_is_refused(tmp_path):
    from planeval.core.errors import InputError
    from planeval.publish.runlist import load_runlist

    runlist = tmp_path / "runs.yaml"
    runlist.write_text(
        f"data_dir: {DATA}\nruns:\n  - overviews: [atlantis]\n    plans: [national_women]\n"
        "    stages: [midterm]\n    years: [2024]\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_runlist(runlist)
    assert "overview parent 'atlantis'" in str(err.value) and "汇总上级地区" in str(err.value)


def test_run_overviews_writes_both_languages_and_the_index_lists_them(tmp_path):
    from planeval.publish.index import write_index
    from planeval.publish.overview_run import run_overviews
    from planeval.reporting.overview_spec import OverviewSpec

    runs = [OverviewSpec("national_women", "midterm", 2024, "china", lang) for lang in ("zh", "en")]
    rows = run_overviews(runs, DATA, tmp_path)
    assert [r["status"] for r in rows] == ["done", "done"]
    assert rows[0]["sources"] == {"assessed": 16}
    index = write_index(tmp_path).read_text(encoding="utf-8")
    assert "china_national_women_overview_midterm_2024.html" in index
    page = tmp_path / "china_national_women_overview_midterm_2024.html"
    before = page.stat().st_mtime_ns
    again = run_overviews(runs, DATA, tmp_path, force=False)  # nothing changed: skipped
    assert [r["status"] for r in again] == ["skipped", "skipped"]
    assert page.stat().st_mtime_ns == before
    meta = json.loads((tmp_path / (page.name + ".json")).read_text(encoding="utf-8"))
    meta["fingerprint"] = "0" * 64  # as if a region's record had changed since
    (tmp_path / (page.name + ".json")).write_text(json.dumps(meta), encoding="utf-8")
    assert run_overviews(runs[:1], DATA, tmp_path, force=False)[0]["status"] == "done"
    assert "地区汇总 · 中期评估报告" in index


def test_main_run_list_builds_the_provincial_overviews():
    """make report: the overview over china's regions for both national outlines (mid-term,
    data through 2024) and both district plans (mid-term 2023), zh and en, Word and PDF; each
    province's and city's own national-outline report beside them."""
    from planeval.publish.runlist import load_runlist

    spec = load_runlist(REPO / "data" / "runs" / "main.yaml")
    names = {o.name: o for o in spec.overviews}
    for plan, year in (("national_women", 2024), ("national_children", 2024)):
        for suffix in ("", "_en"):
            run = names[f"china_{plan}_overview_midterm_{year}{suffix}.html"]
            assert run.formats == ("html", "docx", "pdf")
    assert "china_children_overview_midterm_2023_en.html" in names
    reports = {r.name for r in spec.runs}
    assert "yunnan_national_children_midterm_2024.html" in reports
    assert "guiyang_national_women_midterm_2024.html" in reports


# --- the SYNTHETIC province -------------------------------------------------------------------


def _province_module():
    import importlib.util

    path = REPO / "scripts" / "make_synthetic_province.py"
    spec = importlib.util.spec_from_file_location("make_synthetic_province", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_synthetic_province_is_seeded_listed_and_kept_out_of_data(tmp_path):
    """Same seed, same files; the counties are listed under the province; the nested child
    mortality rates stay ordered (they share infant mortality's factor); never under data/."""
    import csv

    module = _province_module()
    a = module.make_synthetic_province(tmp_path / "a", n=4, seed=7)
    module.make_synthetic_province(tmp_path / "b", n=4, seed=7)
    assert a == ["county_001", "county_002", "county_003", "county_004"]
    for f in sorted((tmp_path / "a" / "observations" / "county_003").glob("*.csv")):
        assert (
            f.read_bytes() == (tmp_path / "b" / "observations" / "county_003" / f.name).read_bytes()
        )
        rows = {r["indicator_id"]: float(r["value"]) for r in csv.DictReader(f.open())}
        if {"neonatal_mortality", "infant_mortality"} <= rows.keys():
            assert rows["neonatal_mortality"] <= rows["infant_mortality"]
    geos = yaml_load(tmp_path / "a" / "geographies.yaml")
    parents = {g["code"]: g.get("parent") for g in geos["geographies"]}
    assert (
        parents["county_004"] == "synthetic_province" and parents["synthetic_province"] == "china"
    )
    with pytest.raises(SystemExit):
        module.make_synthetic_province(REPO / "data" / "synthetic", n=1)


def yaml_load(path: Path) -> dict:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_overview_spec_is_a_report_spec_kind():
    """The overview follows ReportSpec's shape: its own kind and name, the spec's fields."""
    from planeval.reporting.overview_spec import OverviewSpec
    from planeval.reporting.spec import ReportSpec

    spec = OverviewSpec("national_women", "midterm", 2024, "china", "en", ("html", "pdf"))
    assert isinstance(spec, ReportSpec) and spec.kind == "overview"
    assert spec.name == "china_national_women_overview_midterm_2024_en.html"
    assert spec.fields()["kind"] == "overview" and spec.fields()["formats"] == ["html", "pdf"]
    assert OverviewSpec.from_fields(spec.fields()) == spec


def test_word_file_holds_the_matrix_and_the_counts(tmp_path):
    """The .docx beside the page: findings, the matrix (a row per region) and the counts per
    target with the same numbers as the page (under-5 mortality: 3 regions met)."""
    import docx

    result = build_overview_files(
        PLAN, "midterm", 2024, "china", DATA, tmp_path, "zh", ("html", "docx")
    )
    document = docx.Document(str(tmp_path / result["files"]["docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "一、总体情况" in text and "5岁以下儿童死亡率" in text
    matrix, counts = document.tables
    assert len(matrix.rows) == 1 + 16
    under5 = next(r for r in counts.rows if r.cells[0].text == "5岁以下儿童死亡率")
    assert under5.cells[1].text == "3"  # ✔ 已实现


def test_word_file_is_built_from_the_reports_styles(tmp_path):
    """The overview's .docx read back with python-docx: the 公文 styles of the reports (body
    Normal 仿宋_GB2312 16 pt, Title 方正小标宋简体, Heading 1 黑体), no run with a font of its
    own (an office restyles the file by its styles), the findings' 一、… as Heading 1, A4
    portrait with margins 37/35/28/26 mm then landscape pages for the matrix, "— N —" page
    numbers, SEQ-numbered captions and the tables' header rows repeated on every page."""
    import docx
    from docx.oxml.ns import qn

    result = build_overview_files(
        PLAN, "midterm", 2024, "china", DATA, tmp_path, "zh", ("html", "docx")
    )
    word = docx.Document(str(tmp_path / result["files"]["docx"]))

    def east_asia(name):
        return word.styles[name].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    assert east_asia("Normal") == "仿宋_GB2312" and word.styles["Normal"].font.size.pt == 16
    assert (east_asia("Title"), east_asia("Heading 1")) == ("方正小标宋简体", "黑体")
    runs = [r for p in word.paragraphs for r in p.runs]
    runs += [r for t in word.tables for row in t.rows for c in row.cells
             for p in c.paragraphs for r in p.runs]  # fmt: skip
    assert runs and not [r.text for r in runs if r._element.rPr is not None
                         and r._element.rPr.find(qn("w:rFonts")) is not None]  # fmt: skip
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert "一、总体情况" in headings
    portrait, landscape = word.sections[0], word.sections[-1]
    margins = [portrait.top_margin, portrait.bottom_margin, portrait.left_margin,
               portrait.right_margin]  # fmt: skip
    assert [m.mm for m in margins] == pytest.approx([37, 35, 28, 26], abs=0.1)
    assert landscape.page_width > landscape.page_height
    footer = portrait.footer.paragraphs[0]
    assert "PAGE" in footer._p.xml and footer.text.startswith("— ")
    captions = [p for p in word.paragraphs if p.style.name == "Caption" and p.text]
    assert len([p for p in captions if p.text.startswith("表")]) == len(word.tables) == 2
    assert all("SEQ" in p._p.xml for p in captions)
    for table in word.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_stored_record_rate_equals_the_verdict_rate():
    """The stored record's 达标率 is the verdict's: children's mid-term 2023 on the national
    data is 7 of 14 (the reviewer found 9: two directional targets met but outside the
    denominator were counted in the numerator)."""
    import planeval
    from planeval.reporting.overview_verdicts import region_record

    a = planeval.assess("children", "china", 2023, stage="midterm")
    record = region_record(a, "midterm", "children")
    rate = a.verdict_for("midterm").rates[0]
    assert (record["achieved"], record["counted"]) == (rate.achieved, rate.counted) == (7, 14)
