"""The rendered HTML reports, read with an HTML parser as a reviewer's browser would.

Notebook runs (papermill + nbconvert, ``@pytest.mark.slow``) happen once per session, in
parallel worker processes, into a temporary folder:

* children mid-term 2023 on the national data, in Chinese and in English;
* women annual 2024 on the national data;
* a "hostile" copy of the data: a district ``testdistrict`` with female/male rows, an
  indicator name containing ``<script>``, a department account containing an ``<img>`` tag,
  with the national data as reference geography.

Fast tests (no notebook) check the formatting rules, the gender section and the final stage
(the same document builders and templates the notebook calls, without kernel and export).
"""

from __future__ import annotations

import functools
import multiprocessing
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

import planeval
from planeval.assessment.assess import STATUSES, IndicatorAssessment
from planeval.core.labels import label
from planeval.reporting import build, facts, inputs
from planeval.reporting import formatting as fm
from planeval.reporting.build_appendix import gender_section
from planeval.reporting.build_domain import annual_table, domain_section
from planeval.reporting.html import render_section
from planeval.reporting.wording import target_text

DATA = Path("data")
HOSTILE_NAME_ZH = '新生儿死亡率<script>alert("zh")</script>&amp;'
HOSTILE_NAME_EN = "Neonatal <script>alert(1)</script> mortality"
HOSTILE_ACCOUNT = "已完成<img src=x onerror=alert(1)>评估\n第二行"
MAX_BYTES = 5 * 1024 * 1024

# district values (‰) of neonatal mortality, hand-made: female lies 0.4 below male every year
DISTRICT = {
    2019: (4.0, 3.8, 4.2),
    2020: (3.6, 3.4, 3.8),
    2021: (3.3, 3.1, 3.5),
    2022: (3.1, 2.9, 3.3),
    2023: (2.9, 2.7, 3.1),
}


def _run(kwargs: dict) -> str:
    from planeval.publish.runner import run_report

    return str(run_report(**kwargs))


def _hostile_data(root: Path) -> Path:
    """A copy of data/ with a hostile plan name, a district with sex rows and an account."""
    data = root / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("raw", "processed", "runs"))
    plan_file = data / "plans" / "baijiantan_children_2021_2025.yaml"
    plan = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
    for t in plan["targets"]:
        if t["indicator_id"] == "neonatal_mortality":
            t["name_zh"], t["name_en"] = HOSTILE_NAME_ZH, HOSTILE_NAME_EN
    plan_file.write_text(
        yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    folder = data / "observations" / "testdistrict"
    folder.mkdir(parents=True)
    with (data / "geographies.yaml").open("a", encoding="utf-8") as fh:  # a listed geography
        fh.write("  - {code: testdistrict, zh: 测试区, en: Test District, level: district, "
                 "parent: karamay}\n")  # fmt: skip
    head = "indicator_id,value,unit,sex,source,note,account\n"
    for year, (total, female, male) in DISTRICT.items():
        rows = [
            f"neonatal_mortality,{total},‰,total,test bureau,hand-made,",
            f"neonatal_mortality,{female},‰,female,test bureau,hand-made,",
            f"neonatal_mortality,{male},‰,male,test bureau,hand-made,",
        ]
        if year == 2023:
            rows.append(
                f'children_health_t1_service_system,,,total,卫健委,account,"{HOSTILE_ACCOUNT}"'
            )
        (folder / f"{year}.csv").write_text(head + "\n".join(rows) + "\n", encoding="utf-8")
    return data


RUNS = {
    "midterm_zh": dict(plan="children", stage="midterm", year=2023, geography="china", lang="zh"),
    "midterm_en": dict(plan="children", stage="midterm", year=2023, geography="china", lang="en"),
    "annual": dict(plan="women", stage="annual", year=2024, geography="china", lang="zh"),
}


@pytest.fixture(scope="session")
def reports(tmp_path_factory):
    """Path of every report, keyed like :data:`RUNS` plus ``hostile``; built in parallel."""
    from planeval.publish.kernel import ensure_kernel

    ensure_kernel()  # once, before workers start kernels
    root = tmp_path_factory.mktemp("report_html")
    hostile = _hostile_data(root)
    jobs = {
        k: dict(v, data_dir=str(DATA.resolve()), out=str(root / "out")) for k, v in RUNS.items()
    }
    jobs["hostile"] = dict(
        plan="children",
        stage="midterm",
        year=2023,
        geography="testdistrict",
        lang="zh",
        data_dir=str(hostile),
        out=str(root / "hostile_out"),
    )
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(len(jobs), 4), mp_context=ctx) as pool:
        futures = {k: pool.submit(_run, v) for k, v in jobs.items()}
        paths = {k: Path(f.result()) for k, f in futures.items()}
    paths["hostile_data"] = hostile
    return paths


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="session")
def soups(reports):
    return {k: soup_of(p) for k, p in reports.items() if k != "hostile_data"}


def main_text(td) -> str:
    """A cell's first line (the number), without its ``.sub`` second line."""
    parts = [s for s in td.find_all(string=True) if not s.find_parent(class_="sub")]
    return "".join(parts).strip()


def sub_text(td) -> str:
    sub = td.find(class_="sub")
    return sub.get_text(strip=True) if sub else ""


def close(text: str, value: float) -> bool:
    """``text`` is ``value`` rounded to the decimals shown (half a unit of the last digit)."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    assert decimals <= 2, f"{text}: more than 2 decimals"
    return abs(float(text.replace(",", "")) - value) <= 0.5 * 10**-decimals + 1e-9


# --------------------------------------------------------------------------- fast tests
@functools.cache
def assessed(plan: str, geography: str, year: int):
    """``planeval.assess`` on the shipped data, computed once per test session."""
    return planeval.assess(plan, geography, year, data_dir="data")


@pytest.fixture
def children_2023():
    return assessed("children", "china", 2023)


@pytest.fixture
def women_2024():
    return assessed("women", "china", 2024)


def test_decimals_follow_the_data():
    """[95, 95.25] carry 2 decimals → 2; [3, 4] in ‰ → at least 1 for rates; counts of
    persons [1, 2] → 0; never more than 2 ([1.2345] → 2)."""
    assert fm.decimals_for("%", [95, 95.25]) == 2
    assert fm.decimals_for("‰", [3, 4]) == 1
    assert fm.decimals_for("人", [1, 2]) == 0
    assert fm.decimals_for("%", [1.2345]) == 2


def test_number_and_unit_formatting():
    assert fm.fmt_value(95.24, "%", 1) == "95.2%"
    assert fm.fmt_value(5.12, "‰", 2) == "5.12‰"
    assert fm.fmt_value(16.1, "1/10万", 1) == "16.1/10万"
    assert fm.fmt_value(16.1, "1/10万", 1, "en") == "16.1 per 100,000"
    assert fm.fmt_value(2, "小时", 1, "en") == "2.0 hours"
    assert fm.fmt_num(12345.678, 1) == "12,345.7"
    assert fm.fmt_num(-0.04, 1) == "0.0"  # no "-0.0"
    assert fm.fmt_num(-0.1, 1, signed=True) == "-0.1"
    assert fm.fmt_num(0.3, 1, signed=True) == "+0.3"
    assert fm.fmt_num(None) == "—"
    assert fm.fmt_p(0.94999) == "0.95"


def test_gap_and_change_words(women_2024):
    """≥ 70 with latest 51.5 → gap 18.5; ≤ 2.0 with latest 1.2 → gap 0 (met); band 43–47
    with 48.5 → 1.5. A fall from 1.3 to 1.2 of a 'decrease' indicator is better; the same
    values rounded to 0 decimals (1 → 1) are the same."""
    a = women_2024
    assert facts.gap_to_target(a["cervical_cancer_screening"]) == pytest.approx(18.5)
    assert facts.gap_to_target(a["hiv_mtct_rate"]) == 0.0
    r = a["hiv_mtct_rate"]
    assert facts.change_word(r, 1.3, 1.2, 1) == "better"
    assert facts.change_word(r, 1.2, 1.3, 1) == "worse"
    assert facts.change_word(r, 1.3, 1.2, 0) == "same"
    band = IndicatorAssessment(
        **{
            **{k: getattr(r, k) for k in ("indicator_id", "name_zh", "name_en", "domain", "item")},
            "unit": "%",
            "direction": "none",
            "target_type": "about",
            "target_value": 45.0,
            "target_year": 2025,
            "target_level": 45.0,
            "target_sense": "band",
            "band_low": 43.0,
            "band_high": 47.0,
            "latest_value": 48.5,
        }
    )
    assert facts.gap_to_target(band) == pytest.approx(1.5)
    assert facts.change_word(band, 48.5, 46.0, 1) == "better"  # closer to 45


def test_target_wording(children_2023):
    a = children_2023
    nm, visits = a["neonatal_mortality"], a["neonatal_visit_rate"]
    assert target_text(nm, "zh", decimals=1) == "≤ 3.0"
    assert target_text(nm, "zh", decimals=1, with_unit=True) == "≤ 3.0‰"
    assert target_text(nm, "zh", with_unit=True, with_year=True) == "≤ 3‰ (2025)"
    assert target_text(visits, "zh", decimals=1) == "每年 ≥ 90.0"
    assert target_text(visits, "en", decimals=1) == "every year ≥ 90.0"
    rel = [r for r in a.results if r.target_type == "relative_change"][0]
    assert build.ReportContext(a).target_text(rel).startswith("较2020年 -20%")


def test_every_machine_label_has_both_languages():
    """Every status, model, unit, target type, warning reason and agency class the code can
    produce has zh and en wording in labels.yaml (a new model or class must not show up in a
    report as a raw key). Agency classes come from calling the agency rules."""
    from planeval.assessment import agency
    from planeval.core.labels import _labels
    from planeval.forecasting import MODEL_ORDER
    from planeval.plans.catalogue import DIRECTIONS, TARGET_TYPES, UNITS

    eurostat = {agency.eurostat_category(x) for x in (1.0, 0.7, 0.3, -1.0)}
    eurostat |= {
        agency.eurostat_no_target_category(10, 2020, y, 2023, 1) for y in (12, 10.1, 9.9, 5)
    }
    expected = {
        "status": set(STATUSES),
        "model": set(MODEL_ORDER),
        "unit": set(UNITS) - {""},
        "target_type": set(TARGET_TYPES),
        "direction": set(DIRECTIONS),
        "warning": {"at_risk", "off_track", "worsening", "volatile", "forecast_falls_back"},
        "eurostat": eurostat,
        "escap": {agency.escap_category(x) for x in (2.0, 0.5, -1.0)},
        "unicef": {"achieved", "on_track", "acceleration_needed"},
        "stage": {"annual", "midterm", "final"},
        "path": {"ahead", "behind"},
        "change": {"improving", "flat", "worsening"},
    }
    labels = _labels()
    for group, keys in expected.items():
        for key in keys:
            entry = labels[group].get(key)
            assert entry and entry.get("zh") and entry.get("en"), (group, key)


def test_annual_gap_of_lagging_data_is_said_with_its_year():
    """Exclusive breastfeeding (≥ 50%): the only national value is 75.5 (2016), before the
    plan period 2021–2025: the status says 数据滞后, 最新数据为2016年 under it, and the gap is shown
    from that value (75.5 ≥ 50: 已达到, under it 2016); the neonatal visit rate 97.7 (2024)
    ≥ 90 is met (已达到)."""
    a = assessed("children", "china", 2024)
    ctx = build.ReportContext(a, stage="annual")
    rows = [
        r
        for r in a.results
        if r.indicator_id in ("exclusive_breastfeeding_6m", "neonatal_visit_rate")
    ]
    table = annual_table(ctx, rows)
    gap = {row.key: next(c for c in row.cells if c.column == "gap") for row in table.rows}
    assert (gap["exclusive_breastfeeding_6m"].text, gap["exclusive_breastfeeding_6m"].sub) == (
        "已达到",
        "2016",
    )
    status = {row.key: next(c for c in row.cells if c.column == "status") for row in table.rows}
    lagging = status["exclusive_breastfeeding_6m"]
    assert lagging.badge.word == "数据滞后" and "最新数据为2016年" in lagging.warning
    assert gap["neonatal_visit_rate"].text == "已达到"


def test_years_text_joins_runs():
    assert fm.years_text([2015, 2016, 2017, 2019, 2021, 2022]) == "2015–2017, 2019, 2021–2022"


def test_default_reference_geography(tmp_path):
    assert inputs.default_reference("baijiantan", None) == "china"
    assert inputs.default_reference("china", None) == ""
    assert inputs.default_reference("baijiantan", "") == ""
    assert inputs.default_reference("baijiantan", "None") == "china"  # papermill -p ... None
    assert inputs.load_reference("nowhere", 2023, "data") is None  # silently absent
    assert inputs.load_reference("", 2023, "data") is None
    ref = inputs.load_reference("china", 2020, "data")
    assert ref["year"].max() == 2020  # the cut-off applies to the reference too


def test_gender_section_from_sex_rows(tmp_path):
    """Female/male rows of the hand-made district: gap female − male = -0.4 each year."""
    data = _hostile_data(tmp_path)
    a = planeval.assess("children", "testdistrict", 2023, data_dir=data)
    html = render_section(gender_section(build.ReportContext(a, stage="midterm")))
    soup = BeautifulSoup(html, "html.parser")
    rows = soup.select("#sex-neonatal_mortality tbody tr")
    got = [
        (
            int(tr["data-year"]),
            *(tr.find(attrs={"data-col": c}).get_text() for c in ("female", "male", "gap")),
        )
        for tr in rows
    ]
    assert got == [(y, f"{f:.1f}", f"{m:.1f}", "-0.4") for y, (_, f, m) in DISTRICT.items()]
    # the other sex-disaggregated indicators are named as missing
    assert "尚无分性别数据" in soup.get_text()


def test_gender_section_says_so_without_sex_rows(children_2023):
    a = children_2023
    html = render_section(gender_section(build.ReportContext(a)))
    assert "没有按性别分列的观测值" in BeautifulSoup(html, "html.parser").get_text()
    html = render_section(gender_section(build.ReportContext(a, lang="en")))
    en = BeautifulSoup(html, "html.parser").get_text()
    assert "hold no values by sex" in en


# --------------------------------------------------------------------------- rendered reports
slow = pytest.mark.slow
MAIN = ["midterm_zh", "midterm_en", "annual", "hostile"]


@slow
@pytest.mark.parametrize("key", MAIN)
def test_sections_and_toc_links_resolve(soups, key):
    soup = soups[key]
    ids = [el["id"] for el in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for anchor in (
        "top",
        "toc",
        "findings",
        "overall",
        "progress",
        "problems",
        "advice",
        "summary",
        "counts",
        "warnings",
        "achieved",
        "gender",
        "appendix",
        "method",
        "agency",
        "data",
        "sources",
        "revisions",
        "audit",
        "provenance",
    ):
        assert anchor in ids, anchor
    n_domains = len(planeval.load_plan(RUNS.get(key, RUNS["midterm_zh"])["plan"], "data").domains)
    assert [f"domain-{i}" for i in range(1, n_domains + 1)] == [
        i for i in ids if re.fullmatch(r"domain-\d+", i)
    ]
    toc = soup.find("nav", class_="toc")
    # findings: overall, progress, problems, advice; summary: counts, warnings, achieved;
    # appendix: method, agency, data, sources, revisions, audit, provenance; the monitoring
    # section (registered indicators without a target) when the data hold any
    monitoring = 1 if "monitoring" in ids else 0
    assert len(toc.find_all("a")) == (1 + 4) + (1 + 3) + n_domains + monitoring + 1 + (1 + 7)
    for a in soup.find_all("a", href=True):
        assert a["href"].startswith("#") and a["href"][1:] in ids, a["href"]


@slow
@pytest.mark.parametrize("key", MAIN)
def test_every_indicator_of_the_plan_appears(soups, reports, key):
    plan_name = RUNS.get(key, RUNS["midterm_zh"])["plan"]
    data_dir = reports["hostile_data"] if key == "hostile" else "data"
    plan = planeval.load_plan(plan_name, data_dir)
    lang = RUNS.get(key, {}).get("lang", "zh")
    for t in plan.targets:
        el = soups[key].find(id=f"ind-{t.indicator_id}")
        assert el is not None, t.indicator_id
        assert t.name(lang) in el.get_text(), t.indicator_id


def check_table_numbers(soup, a, stage="midterm") -> int:
    """Every number of the domain tables of ``soup`` equals assessment ``a`` rounded to the
    decimals shown: each year's value, latest (and its year), forecast, the 95 % interval,
    P(attain), and the status wording. Returns how many numbers were compared."""
    rows = soup.select("table.indicators tr[data-indicator]")
    stat = [r for r in a.results if r.target_type != "not_statistical"]
    assert sorted(tr["data-indicator"] for tr in rows) == sorted(r.indicator_id for r in stat)
    checked = 0
    for tr in rows:
        r = a[tr["data-indicator"]]
        cells = {td["data-col"]: td for td in tr.find_all("td", attrs={"data-col": True})}
        obs = dict(zip(r.years, r.values, strict=True))
        for col, td in cells.items():
            if col.startswith("y") and main_text(td):
                assert close(main_text(td), obs[int(col[1:])]), (r.indicator_id, col)
                checked += 1
        if r.latest_value is None:
            assert main_text(cells["latest"]) == "—"
        else:
            assert close(main_text(cells["latest"]), r.latest_value)
            assert sub_text(cells["latest"]) == str(r.latest_year)
        if r.forecast is None:
            assert main_text(cells["forecast"]) == "—"
        else:
            assert close(main_text(cells["forecast"]), r.forecast), r.indicator_id
            lo, hi = sub_text(cells["forecast"]).split("–")
            assert close(lo, r.pi_low) and close(hi, r.pi_high), r.indicator_id
            checked += 3
        p = main_text(cells["p_attain"])
        assert (p == "—") if r.p_attain is None else close(p, r.p_attain)
        word = a.verdict_for(stage)[r.indicator_id].status_text("zh")  # the stage's verdict
        assert word in cells["status"].get_text(), r.indicator_id
    return checked


@slow
def test_table_numbers_equal_assess(soups):
    """The rendered mid-term report against planeval.assess for the same parameters."""
    assert check_table_numbers(soups["midterm_zh"], assessed("children", "china", 2023)) > 50


def test_final_stage_numbers_and_forecast_notice():
    """Final 2024 (children, national): the tables equal planeval.assess for 2024, the cover
    says plainly the 2025 results are a forecast from data through 2024, no path column."""
    a = assessed("children", "china", 2024)
    ctx = build.ReportContext(a, stage="final")
    sections = [build.cover(ctx)] + [domain_section(ctx, d) for d in ctx.domains]
    html = "".join(render_section(s) for s in sections)
    soup = BeautifulSoup(html, "html.parser")
    assert check_table_numbers(soup, a, "final") > 50
    cover = soup.find(id="top").parent.get_text()
    assert "终期评估报告" in cover
    assert "基于截至2024年数据的预测评估" in cover and "2025年" in cover
    assert not soup.select('td[data-col="path"]')
    headers = [th.get_text(strip=True) for th in soup.select("table.indicators th")]
    assert "2024" in headers and "2025年预测（95%区间）" in headers


@slow
def test_midterm_path_position_hand_checked(soups):
    """Neonatal mortality, national: baseline 3.4‰ (2020, last value before the plan period),
    target ≤ 3.0 in 2025, latest 2.8 (2023). Path in 2023 = 3.4 + (3.0 − 3.4) × 3/5 = 3.16;
    2.8 ≤ 3.16 → ahead (快于进度), path value shown labelled, with the row's 1 decimal:
    路径值 3.2."""
    td = soups["midterm_zh"].select_one(
        'table.indicators tr[data-indicator="neonatal_mortality"] td[data-col="path"]'
    )
    assert "快于进度" in main_text(td)
    assert sub_text(td) == "路径值 3.2"
    assert "快于从基期到目标的匀速进度" in soups["midterm_zh"].find(id="summary").parent.get_text()


@slow
def test_annual_report_hand_checked(soups):
    """Women, annual 2024. HIV mother-to-child transmission (decrease, ≤ 2.0%): 1.3 (2023)
    → 1.2 (2024): change -0.1, better (改善), target met (已达到). Cervical cancer screening
    (≥ 70%): no 2024 value, latest 51.5 (2023): gap 70.0 − 51.5 = 18.5 (差 18.5, from 2023)."""
    soup = soups["annual"]
    headers = [th.get_text(strip=True) for th in soup.select("table.indicators th")]
    assert "2023年" in headers and "2024年" in headers and "较上年" in headers
    hiv = {
        td["data-col"]: td
        for td in soup.select('table.indicators tr[data-indicator="hiv_mtct_rate"] td[data-col]')
    }
    assert main_text(hiv["y2023"]) == "1.3" and main_text(hiv["y2024"]) == "1.2"
    assert main_text(hiv["delta"]) == "-0.1" and sub_text(hiv["delta"]) == "改善"
    assert main_text(hiv["gap"]) == "已达到"
    cc = {
        td["data-col"]: td
        for td in soup.select(
            'table.indicators tr[data-indicator="cervical_cancer_screening"] td[data-col]'
        )
    }
    assert main_text(cc["y2024"]) == "—" and "51.5 (2023)" in sub_text(cc["y2024"])
    assert main_text(cc["gap"]) == "差 18.5" and sub_text(cc["gap"]) == "2023"
    assert "预测区间" not in soup.find(id="domain-1").parent.get_text()  # no fan in annual
    assert "年度监测报告" in soup.find(id="top").parent.get_text()


@slow
def test_english_and_chinese_carry_the_same_numbers(soups):
    def numbers(soup):
        out = []
        for tr in soup.select("table.indicators tr[data-indicator]"):
            for td in tr.select("td.num"):
                out.append((tr["data-indicator"], td["data-col"], main_text(td), sub_text(td)))
        return out

    zh, en = numbers(soups["midterm_zh"]), numbers(soups["midterm_en"])
    assert len(zh) > 300 and zh == en
    counts = lambda s: [(b["data-status"], b.get_text()) for b in s.select("b[data-status]")]  # noqa: E731
    assert counts(soups["midterm_zh"]) == counts(soups["midterm_en"])
    assert "Mid-term evaluation report" in soups["midterm_en"].find(id="top").parent.get_text()


@slow
@pytest.mark.parametrize("key", MAIN)
def test_self_contained_small_and_code_hidden(soups, reports, key):
    assert reports[key].stat().st_size < MAX_BYTES
    soup = soups[key]
    for el in soup.find_all(src=True):
        assert el["src"].startswith("data:"), el["src"][:80]
    for el in soup.find_all(href=True):
        assert el["href"].startswith("#"), el["href"]
    assert not soup.find_all("script")
    assert not soup.find_all("link")
    assert "@import" not in str(soup.find_all("style"))
    assert not soup.select(".jp-InputArea, .jp-CodeMirrorEditor")
    assert "import planeval" not in soup.get_text()
    for img in soup.find_all("img"):
        assert len(img.get("alt", "")) > 10


@slow
@pytest.mark.parametrize("key", ["midterm_zh", "midterm_en", "annual"])
def test_status_never_by_colour_alone(soups, key):
    """Every badge is an icon and a word: the verdict's stage status (its class the tone)."""
    from planeval.assessment.verdict import TONE

    lang = "en" if key.endswith("en") else "zh"
    words = {tone: set() for tone in STATUSES}
    for status, tone in TONE.items():
        words[tone].add(label("verdict_status", status, lang))
    for span in soups[key].select("span.badge"):
        tone = [c[3:] for c in span["class"] if c.startswith("st-")][0]
        text = span.get_text(strip=True)
        assert any(text.endswith(w) and len(text) > len(w) for w in words[tone]), text


@slow
def test_script_in_names_and_accounts_comes_out_escaped(soups, reports):
    soup = soups["hostile"]
    raw = reports["hostile"].read_text(encoding="utf-8")
    assert not soup.find_all("script")
    assert "&lt;script&gt;" in raw
    assert soup.find(id="ind-neonatal_mortality").get_text(strip=True) == HOSTILE_NAME_ZH
    account = soup.find(id="ind-children_health_t1_service_system").find(class_="account")
    assert account.get_text() == HOSTILE_ACCOUNT
    assert all(img["src"].startswith("data:") for img in soup.find_all("img"))
    caption = soup.find(id="fig-neonatal_mortality").find("figcaption").get_text()
    assert HOSTILE_NAME_ZH in caption
    assert HOSTILE_NAME_ZH in soup.find(id="fig-neonatal_mortality").find("img")["alt"]


@slow
def test_district_report_has_reference_gender_and_path(soups):
    """District neonatal mortality with China as reference: the national latest value is
    2.8‰ (2023). Gender: 2023 female 2.7, male 3.1, gap -0.4. Path: baseline 3.6 (2020),
    target 3.0 (2025), latest 2.9 (2023): path = 3.6 − 0.6 × 3/5 = 3.24 → 2.9 is ahead."""
    soup = soups["hostile"]
    row = soup.select_one('table.indicators tr[data-indicator="neonatal_mortality"]')
    ref = row.find("td", attrs={"data-col": "reference"})
    assert main_text(ref) == "2.8" and sub_text(ref) == "2023"
    assert "全国最新值" in [th.get_text(strip=True) for th in soup.select("table.indicators th")]
    assert "参照地区" in soup.find(id="top").parent.get_text()
    assert "全国" in soup.select_one("ul.legend").get_text()
    path = row.find("td", attrs={"data-col": "path"})
    assert "快于进度" in main_text(path) and sub_text(path) == "路径值 3.2"
    last = soup.select_one('#sex-neonatal_mortality tr[data-year="2023"]')
    assert [td.get_text() for td in last.find_all("td")] == ["2023", "2.7", "3.1", "-0.4"]


CHROMIUM = (
    shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
)


@slow
@pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium not installed (apt-get install chromium)"
)
@pytest.mark.parametrize("key", ["midterm_zh", "annual", "hostile"])
def test_browser_opens_report_without_console_errors(reports, key):
    """Headless Chromium loads the file, runs its (absent) scripts and logs every console
    message to stderr as ``CONSOLE``; a report must log none, and the DOM must hold the
    summary section."""
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--enable-logging=stderr",
                "--v=0",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=3000",
                "--dump-dom",
                reports[key].resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=600,  # only catches a hang (a loaded machine is slow to start it)
        )
    console = [ln for ln in proc.stderr.splitlines() if "CONSOLE" in ln]
    assert console == []
    assert 'id="summary"' in proc.stdout


NOT_JUDGED = (
    "{n} 项指标既无目标年（2025年）实际值也无预测值（数据滞后、无数据或数据不足），未作终期判断。"
)


def test_final_notice_counts_only_indicators_with_a_forecast():
    """Baijiantan, final 2025: the district has data for 2010 and 2020 only, so no indicator
    has a 2025 value and none has a forecast (a trend needs data points in the plan period):
    the cover must not call any result a forecast, and must say all 39 statistical indicators
    (39 = 39 without a 2025 value − 0 with a forecast) are not judged."""
    a = assessed("children", "baijiantan", 2025)
    ctx = build.ReportContext(a, stage="final")
    missing = [r for r in ctx.statistical if (r.latest_year or 0) < 2025]
    with_forecast = [r for r in missing if r.forecast is not None]
    assert (len(missing), len(with_forecast)) == (39, 0)
    notices = build.notices(ctx)
    assert not any("预测值" in n and "数据不足" not in n for n in notices)
    said = NOT_JUDGED.format(n=39)
    assert said in notices
    en = build.notices(build.ReportContext(a, stage="final", lang="en"))
    assert any(n.startswith("39 indicators have no observed value for the target year") for n in en)


def test_final_notice_before_target_year_splits_forecasts_from_insufficient_data():
    """Children, national, final 2024: 12 indicators have a 2025 forecast (forecast column
    filled) and 24 are not judged: 21 without any value (juvenile_crime_share has none since
    f89f4b6 moved the minors' share of offenders to its own indicator), 3 lagging (latest 2016,
    no forecast); 39 statistical in all. Both sentences appear."""
    a = assessed("children", "china", 2024)
    ctx = build.ReportContext(a, stage="final")
    forecasts = [r for r in ctx.statistical if r.forecast is not None]
    assert (len(ctx.statistical), len(forecasts)) == (39, 12)
    notices = build.notices(ctx)
    assert any("基于截至2024年数据的预测评估" in n for n in notices)
    said = NOT_JUDGED.format(n=24)
    assert said in notices


def test_final_notice_counts_agree_with_the_summary():
    """Women, national, final 2024: the cover's not-judged count is the summary's count of
    数据滞后 + 无数据 + 数据不足 (female_share_residents_committee has values 2016–2018 only:
    数据滞后, and no forecast is made from them)."""
    a = assessed("women", "china", 2024)
    ctx = build.ReportContext(a, stage="final")
    short = sum(ctx.verdict.counts.get(s, 0) for s in ("lagging", "no_data", "insufficient"))
    assert ctx.verdict["female_share_residents_committee"].status == "lagging"
    assert a["female_share_residents_committee"].forecast is None
    text = NOT_JUDGED.format(n=short)
    assert text in build.notices(ctx)
    summary = {c.badge.text.split()[-1]: c.count for c in build.summary(ctx).counts}
    assert summary["数据滞后"] + summary["无数据"] == short


def test_final_2025_without_2025_data_is_a_forecast_from_the_last_data_year():
    """Women, national, final with --year 2025: no indicator has a 2025 value (national data end
    in 2024), so the cover must say it is a forecast from data through 2024, not that target-year
    values were observed."""
    notices = build.notices(build.ReportContext(assessed("women", "china", 2025), stage="final"))
    assert any("基于截至2024年数据的预测评估" in n for n in notices)
    assert not any("已有数据的指标按实际值评估" in n for n in notices)


def test_domain_table_without_year_columns_does_not_fail():
    """A data year before the base year leaves no year columns: the note falls back to the
    base year (2020) instead of raising IndexError on an empty list. (planeval.assess refuses
    2018 for a 2021-2025 plan, as the command line does: the stage below it is called.)"""
    from planeval.assessment.assess import assess
    from planeval.plans.catalogue import load_plan
    from planeval.store.database import load_geography

    obs = load_geography("data", "china", up_to_year=2018)
    a = assess(load_plan("children", "data"), obs, 2018, geography="china", data_dir="data")
    ctx = build.ReportContext(a, stage="midterm")
    assert ctx.table_years == []  # range(2020, 2019)
    html = render_section(domain_section(ctx, ctx.domains[0]))
    assert "2020年以前的数据" in html


@pytest.mark.parametrize(
    "plan,geo,year,stage",
    [("children", "china", 2023, "midterm"), ("children", "baijiantan", 2025, "final")],
)
def test_one_decimal_count_per_indicator_row(plan, geo, year, stage):
    """Every number of a domain-table row (target, baseline, years, latest, reference,
    forecast and interval, path value) carries the same decimals, at most 2: e.g. under-5
    mortality at Baijiantan has a 2-decimal baseline (5.12‰, 2020), so its target shows 6.00
    and the national reference 5.60, never 6.0 beside 5.12."""
    a = assessed(plan, geo, year)
    ctx = build.ReportContext(a, stage=stage)
    html = "".join(render_section(domain_section(ctx, d)) for d in ctx.domains)
    soup = BeautifulSoup(html, "html.parser")
    skip = {"item", "name", "unit", "p_attain", "status", "change"}
    checked = 0
    for tr in soup.select("table.indicators tr[data-indicator]"):
        found = set()
        for td in tr.find_all("td"):
            if td.get("data-col") in skip:
                continue
            found |= {len(n) for n in re.findall(r"\d\.(\d+)", td.get_text(" "))}
        assert len(found) <= 1 and max(found, default=0) <= 2, (tr["data-indicator"], found)
        checked += bool(found)
    assert checked >= 15
    if geo == "baijiantan":
        row = soup.select_one('tr[data-indicator="under5_mortality"]')
        assert main_text(row.find("td", attrs={"data-col": "baseline"})) == "5.12"
        assert "6.00" in row.get_text(" ")


def test_cover_boxes_a_caveat_when_the_data_are_not_the_plans_area():
    """The district's plan (geography baijiantan) on the national data (china, the district's
    grand-parent in geographies.yaml): the cover carries the boxed line, with both names from
    geographies.yaml and the plan; on the district's own data, and for a province's data
    against the national outline (guangdong lies inside china), there is none."""
    from planeval.plans.registry import within

    assert within("baijiantan", "china", "data") and within("guangdong", "china", "data")
    assert not within("china", "baijiantan", "data")
    ctx = build.ReportContext(assessed("children", "china", 2023), stage="midterm",
                              data_dir="data")  # fmt: skip
    said = "本报告以全国数据试算，仅供演示，不代表白碱滩区（克拉玛依高新区）监测结果"
    assert build.caveat(ctx) == said
    box = BeautifulSoup(render_section(build.cover(ctx)), "html.parser").select("p.caveat")
    assert [p.get_text() for p in box] == [said]
    en = build.ReportContext(ctx.assessment, stage="midterm", lang="en", data_dir="data")
    assert "China (national)" in build.caveat(en) and "Baijiantan" in build.caveat(en)
    own = build.ReportContext(assessed("children", "baijiantan", 2023), stage="midterm",
                              data_dir="data")  # fmt: skip
    assert build.caveat(own) == ""
    province = build.ReportContext(assessed("national_children", "guangdong", 2023),
                                   stage="midterm", data_dir="data")  # fmt: skip
    assert build.caveat(province) == ""
    assert not BeautifulSoup(render_section(build.cover(province)), "html.parser").select(
        "p.caveat"
    )
