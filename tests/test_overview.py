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
        "gap_share": None if value is None else max(0.0, (value - level) / level),
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
    on track 1, no data 1. Regions with data: neonatal 3, infant 4, under-5 3.
    Missing the target (off track, or a plan-period value on the wrong side), largest gap
    first: neonatal r2 (3.6 − 3) / 3 = 0.20; infant r4 (5.2 − 5) / 5 = 0.04 (r3's 5.5 is from
    2019, lagging: named apart, above the target); under-5 r2 (6.2 − 6) / 6 = 0.033 (on track,
    but above the target today)."""
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


def _text(doc) -> str:
    return " ".join(p for _, paragraphs in doc.findings for p in paragraphs)


def test_small_fixture_regions_missing_each_target(small_overview):
    """Who misses a target, by gap (see the fixture's docstring), and who has lagging data
    (with its value and, on the wrong side, 高于目标: in the lagging column, not among the
    misses, so the table's counts and names agree)."""
    tc = {t.column.indicator_id: t for t in small_overview.counts}
    assert [e.region for e in tc["infant_mortality"].misses] == ["R4"]
    assert tc["infant_mortality"].misses_text == "R4（5.2‰，2023年）"
    assert tc["infant_mortality"].lagging_text == "R3（5.5‰，2019年，高于目标）"
    assert (tc["infant_mortality"].lagging_inside, tc["infant_mortality"].lagging_outside) == (0, 1)
    assert [e.region for e in tc["under5_mortality"].misses] == ["R2"]  # on track, above 6
    assert tc["under5_mortality"].misses_text == "R2（6.2‰，2023年，有望实现）"
    assert [e.region for e in tc["neonatal_mortality"].misses] == ["R2"]
    assert tc["neonatal_mortality"].lagging_text == "无"
    assert (tc["neonatal_mortality"].with_data, tc["infant_mortality"].with_data) == (3, 4)


def test_small_fixture_findings(small_overview):
    """Counts over the regions with data; regions ordered by targets missed, then gap: R2 (2:
    0.20, 0.033), R4 (1: 0.04); R3's lagging 5.5 (2019) named apart; 3 rankable regions:
    ranked. Every target is missed by some region and R2 misses two: 二 部分, 三 较多."""
    text = _text(small_overview)
    assert "婴儿死亡率（目标：2030年降至5‰以下）：有数据的4个地区中2个已实现" in text
    assert "，1个未实现或存在困难，1个数据滞后。" in text
    assert "规划期内有数据的3个地区中，未达到目标的有1个：R4（5.2‰，2023年）" in text
    assert (
        "：R2（2项：新生儿死亡率3.6‰（2023年）、5岁以下儿童死亡率6.2‰（2023年））、R4（1项" in text
    )
    assert "R3（1项" not in text and "R3（婴儿死亡率5.5‰，2019年，高于目标）" in text
    assert "纳入计算的目标不少于3项的3个地区按达标率排名，最高的是R1（3/3 (100.0%)）" in text
    assert "另有1个地区纳入计算的目标不足3项，不排名" in text
    heads = [h for h, _ in small_overview.findings]
    assert heads[1:3] == ["二、部分地区未达到的目标", "三、未达到目标较多的地区"]


def _one_target_overview(cells, lang="zh", **kw):
    """An overview of the infant mortality target (≤ 5 ‰) alone, one region per cell
    ``(category, value, year)`` (None: no data); met/on track below 5, off track above."""
    records = []
    for i, (category, value, year) in enumerate(cells):
        counted = category in ("met", "on_track", "off_track")
        t = _target(
            "infant_mortality", category, category, value, year, 5.0, counted, category == "met"
        )
        records.append(_record(f"g{i + 1}", [t]))
    names = {r["geography"]: r["geography"].upper() for r in records} | {"p": "P"}
    plan = load_plan(PLAN, DATA)
    return build_overview(
        plan, records, parent="p", names=names, stage="midterm", year=2024, charts=False,
        lang=lang, **kw,
    )  # fmt: skip


def test_headings_follow_the_counts_in_every_branch():
    """二 says 多数 only when more than half of the regions with data miss a target (2 of 3),
    部分 when fewer do (1 of 3), neither when none does; 三 names regions only when some miss
    (较多 only when one misses two or more targets: not with one target); 四 says 数据缺口 only
    when data are lagging or missing. The text under each heading agrees."""
    most = _one_target_overview([("off_track", 5.6, 2023), ("off_track", 5.2, 2023),
                                 ("met", 4.0, 2023)])  # fmt: skip
    some = _one_target_overview([("off_track", 5.6, 2023), ("met", 4.2, 2023),
                                 ("met", 4.0, 2023)])  # fmt: skip
    none = _one_target_overview([("met", 4.6, 2023), ("met", 4.2, 2022), ("met", 4.0, 2023)])
    gaps = _one_target_overview([("met", 4.6, 2023), ("lagging", 4.9, 2019), (None, None, None)])
    empty = _one_target_overview([(None, None, None), (None, None, None)])
    docs = {"most": most, "some": some, "none": none, "gaps": gaps, "empty": empty}
    heads = {k: [h for h, _ in d.findings] for k, d in docs.items()}
    assert heads["most"][1:] == [
        "二、多数地区未达到的目标",
        "三、未达到目标的地区",
        "四、数据情况",
    ]
    assert heads["some"][1:3] == ["二、部分地区未达到的目标", "三、未达到目标的地区"]
    assert heads["none"][1:] == ["二、各目标实现情况", "三、各地区情况", "四、数据情况"]
    assert heads["gaps"][1:] == ["二、各目标实现情况", "三、各地区情况", "四、数据缺口"]
    assert heads["empty"][1:] == ["二、各目标实现情况", "三、各地区情况", "四、数据缺口"]
    assert "有数据的3个地区中2个未达到" in _text(most)
    assert "有数据的3个地区中1个未达到" in _text(some)
    assert "G1（5.6‰，2023年）、G2（5.2‰，2023年）" in _text(most)  # largest gap first
    for doc in (none, gaps):
        assert "有数据的地区中没有未达到目标的" in _text(doc) and "未达到目标的有" not in _text(doc)
    # none misses: the highest value is G2's lagging 4.9 (2019), among plan-period G1's 4.6
    assert "最新值最高为G24.9‰（2019年，数据滞后）；规划期内数据中最高为G14.6‰（2023年）" in _text(
        gaps
    )
    assert "离目标最近" not in _text(gaps)
    assert "数据滞后（最新数据早于规划期）：G2（4.9‰，2019年）" in _text(gaps)
    assert "1个地区没有本规划任何目标的数据：G3" in _text(gaps)
    assert "各地区各目标均有规划期内的数据" in _text(none)
    assert "各目标均无地区数据，无法判断" in _text(empty)
    assert "2个地区没有本规划任何目标的数据：G1、G2" in _text(empty)


def test_lagging_value_on_the_wrong_side_is_a_note_not_a_miss():
    """A value from before the plan period above the target (5.3 in 2019 against ≤ 5) is not
    counted as a miss (a lagging value inside it is not counted as met either): its cell keeps
    the one status 数据滞后 with the plain note 高于目标, and it is named under the lagging
    regions with that note; a lagging value inside the target (4.9) has no note."""
    doc = _one_target_overview([("lagging", 5.3, 2019), ("lagging", 4.9, 2018)])
    (tc,) = doc.counts
    assert tc.misses == [] and tc.misses_text == "无"
    assert tc.lagging_text == "G2（4.9‰，2018年）、G1（5.3‰，2019年，高于目标）"
    assert [c.note for r in doc.rows for c in r.cells] == ["高于目标", ""]
    assert "未达到目标的有" not in _text(doc)


def test_no_ranking_below_the_minimum_of_rankable_regions(small_overview):
    """The fixture has 3 rankable regions: with overview.min_ranked_regions = 4 nobody is
    ranked, no ranking sentence is written, and the findings say why (R3: lagging data)."""
    plan = load_plan(PLAN, DATA)
    records = [
        {"geography": r.geography, "achieved": r.achieved, "counted": r.counted,
         "latest_data_year": None, "targets": []}
        for r in small_overview.rows
    ]  # fmt: skip
    assert len(records) == 4
    doc = build_overview(
        plan, records, parent="p", names={}, stage="midterm", year=2024, charts=False,
        min_ranked_regions=4,
    )  # fmt: skip
    assert not doc.ranked and doc.rankable == 3
    assert all(r.rank is None for r in doc.rows)
    text = _text(doc)
    assert "达标率最高" not in text and "按达标率排名" not in text
    assert "达标率暂不能排名：纳入计算的目标不少于3项的地区只有3个，少于排名所需的4个" in text
    from planeval.reporting.overview_page import render_overview

    soup = BeautifulSoup(render_overview(doc), "html.parser")
    assert "排名" not in [
        th.get_text() for th in soup.find("table", class_="matrix").find_all("th")
    ]
    assert "少于排名所需的4个" in soup.find(id="no-ranking").get_text()


def test_english_plurals():
    """One region / target takes the singular, more the plural; no '1 regions'."""
    doc = _one_target_overview(
        [("met", 4.0, 2023), ("off_track", 5.2, 2023), ("lagging", 4.8, 2019), (None, None, None)],
        lang="en",
    )
    text = _text(doc)
    assert (
        "1 of 3 regions with data has met it, 1 off track, 1 with lagging data; 1 without data."
        in text
    )
    assert "1 of the 2 regions with plan-period data misses it: G2 (5.2‰, 2023)." in text
    assert "G2 (1 target: Infant mortality rate 5.2‰ (2023))" in text
    assert "1 region has targets whose latest data predate the plan period" in text
    assert "1 region has no data on any of the plan's targets: G4." in text
    assert not re.search(r"\b1 (regions|targets) ", text)
    two = _text(_one_target_overview([("met", 4.0, 2023), ("met", 4.1, 2023)], lang="en"))
    assert "The overview covers 2 regions; 2 of them have data" in two
    assert "2 of 2 regions with data have met it." in two


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


def _page(out: Path, lang: str = "zh") -> tuple[BeautifulSoup, str]:
    """The page written by ``planeval overview`` (no region reports in ``out``) and the
    command's output."""
    args = ["overview", "--plan", PLAN, "--stage", "midterm", "--year", "2024", "--parent",
            "china", "--data-dir", str(DATA), "--out", str(out), "--lang", lang]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    name = "china_national_children_overview_midterm_2024" + ("_en" if lang == "en" else "")
    page = (out / f"{name}.html").read_text(encoding="utf-8")
    return BeautifulSoup(page, "html.parser"), result.output


def test_page_answers_the_reviewers_questions(tmp_path):
    """Infant mortality (≤ 5 ‰ by 2030): no region misses it. Every latest value is below 5:
    the highest is Yunnan's 4.73 ‰, from 2020 (before the plan period: lagging, not a miss);
    among plan-period values Shandong's 2.61 (2023) is the highest. Lagging: Chongqing 2016,
    Anhui 2018, Hubei 2018, Gansu 2020, Yunnan 2020, all 5 below the target. Under-5 mortality
    (≤ 6 ‰): met by Guangdong 3.46 (2022), Guangxi 3.82 (2023) and Shandong 3.76 (2023), the
    regions with a value in the plan period: 3 of the 7 regions with data; the 4 lagging: Beijing
    2.69, Anhui 4.60 (2018) and Gansu 4.57 (2020) below 6, Hubei 6.49 (2018) above (a note, not
    a miss: lagging values are counted neither as met nor as missing). Only Guangdong has 3
    judged targets: 1 rankable region, fewer than 3: no ranking; the other 15: 6 lagging, 4 no
    data, 5 with 1–2 judged targets (6 + 4 + 5 = 15). No region report built: the command says
    so and the page claims no agreement with them."""
    soup, output = _page(tmp_path)
    assert "16个地区（共16个）的本地区报告" in output and "未与报告核对" in output
    infant = soup.find(id="count-infant_mortality")
    assert infant.find("td", class_="c-misses").get_text() == "无"
    assert infant.find("td", class_="c-lagging").get_text() == (
        "重庆市（4.30‰，2016年）、安徽省（3.37‰，2018年）、湖北省（4.54‰，2018年）、"
        "甘肃省（3.37‰，2020年）、云南省（4.73‰，2020年）"
    )
    under5 = soup.find(id="count-under5_mortality")
    assert under5.find("td", attrs={"data-category": "met"}).get_text() == "3"
    assert under5.find("td", attrs={"data-category": "lagging"}).get_text() == "4"
    assert under5.find("td", attrs={"data-category": "off_track"}).get_text() == "0"
    assert under5.find("td", class_="c-misses").get_text() == "无"
    assert "湖北省（6.49‰，2018年，高于目标）" in under5.find("td", class_="c-lagging").get_text()
    neonatal = soup.find(id="count-neonatal_mortality")
    assert neonatal.find("td", class_="c-misses").get_text() == "无"
    findings = soup.find("section", class_="findings").get_text()
    assert (
        "婴儿死亡率（目标：2030年降至5‰以下）：有数据的12个地区中7个已实现，5个数据滞后" in findings
    )
    assert (
        "最新值最高为云南省4.73‰（2020年，数据滞后）；规划期内数据中最高为山东省2.61‰（2023年）"
        in findings
    )
    assert "离目标最近" not in findings
    assert "5岁以下儿童死亡率（目标：2030年降至6‰以下）：有数据的7个地区中3个已实现" in findings
    assert "另有3个地区最新数据已低于目标，但早于规划期；1个地区高于目标" in findings
    assert "最新值最高为湖北省6.49‰（2018年，数据滞后）" in findings
    assert "二、各目标实现情况" in findings and "三、各地区情况" in findings
    assert "部分地区未达到" not in findings and "较多" not in findings
    assert "达标率暂不能排名：纳入计算的目标不少于3项的地区只有1个" in findings
    assert (
        "其余15个地区纳入计算的目标不足3项（原因：6个地区有数据早于规划期的目标；"
        "4个地区没有任何目标的数据；5个地区纳入计算的目标只有1–2项）" in findings
    )
    assert "达标率最高" not in findings
    page = soup.get_text()
    assert "overview." not in page and "min_rank" not in page  # settings keys: rules in words
    assert "一致" not in page and "未与报告核对" in page
    matrix_heads = [th.get_text() for th in soup.find("table", class_="matrix").find_all("th")]
    assert "排名" not in matrix_heads
    hubei = soup.find(id="region-hubei").find_all("td", class_="cell")
    assert hubei[2].get_text() == "◷ 数据滞后6.49 (2018)，高于目标"
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
    soup, output = _page(tmp_path, "en")
    assert "16 of 16 regions' own reports are missing" in output
    assert soup.html["lang"] == "en"
    infant = soup.find(id="count-infant_mortality")
    assert infant.find("td", class_="c-misses").get_text() == "none"
    assert "Yunnan Province (4.73‰, 2020)" in infant.find("td", class_="c-lagging").get_text()
    findings = soup.find("section", class_="findings").get_text()
    assert "3 of 7 regions with data have met it, 4 with lagging data; 9 without data." in findings
    assert "1 of 2 regions with data has met it" in findings  # neonatal: Guangdong; Beijing 2017
    assert "Highest latest value: Yunnan Province 4.73‰ (2020, lagging data)" in findings
    assert "below the target but from before the plan period: 3, above it: 1" in findings
    assert "Hubei Province (Under-five mortality rate 6.49‰, 2018, above the target)" in findings
    assert "overview." not in soup.get_text()
    assert "Achievement rates cannot be ranked yet" in findings and "highest:" not in findings
    assert not re.search(r"\b1 (regions|targets) ", findings)
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
    # the refusal every command gives (plans.requests.check_geography_code), listed codes named
    assert "geography 'atlantis' is not in" in result.output
    assert "地区 'atlantis' 未列在 geographies.yaml 中" in result.output
    assert "china" in result.output and "--parent" in result.output
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
    # the report's own check: the plan period, and a mid-term needs data of it (not 2020)
    assert "data year 2035 is outside plan 'china_children_2021_2030' (period 2021–2030)" in (
        result.output
    )
    assert "a midterm evaluation needs data of the plan period" in result.output


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
    # the plan column shows the plan's display name in the page's language, the code on hover
    soup = BeautifulSoup(index, "html.parser")
    cells = soup.find_all("td", attrs={"title": "national_women"})
    assert {c.get_text() for c in cells} == {
        "中国妇女发展纲要（2021—2030年）",
        "Outline for Women's Development in China (2021-2030)",
    }
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
    # the district plans' overviews link each region's own report too (no row says 未生成)
    for run in (o for o in spec.overviews if o.plan in ("women", "children")):
        for geo in ("anhui", "yunnan", "guiyang", "shenzhen"):
            assert f"{geo}_{run.plan}_midterm_{run.year}.html" in reports


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
    assert under5.cells[3].text == "0" and under5.cells[6].text == "无"  # ✖ 0, none named
    assert "湖北省（6.49‰，2018年，高于目标）" in under5.cells[7].text  # lagging, with its note
    hubei = next(r for r in matrix.rows if r.cells[0].text == "湖北省")
    assert "✖" not in hubei.cells[-1].text and "高于目标" in hubei.cells[-1].text
    assert "overview." not in text and "min_rank" not in text  # the rule in words
    assert "未与报告核对" in text and "一致" not in text
    assert "排名" not in [c.text for c in matrix.rows[0].cells]  # 1 rankable region: no rank


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


def test_index_row_shows_the_plan_display_name_in_the_page_language():
    """The index's plan column: the display name in the listed page's language (zh page: the
    zh title, en page: the en title), the code kept for the tooltip; metadata written before
    the titles were recorded falls back to the code."""
    from planeval.reporting.index_page import index_row

    meta = {
        "geography": "yunnan", "plan": "children", "stage": "midterm", "year": 2023,
        "lang": "en", "produced": "", "file": "yunnan_children_midterm_2023_en.html",
        "plan_title": {"zh": "白碱滩区儿童发展规划", "en": "Baijiantan Children's Plan"},
    }  # fmt: skip
    row = index_row(meta)
    assert (row["plan"], row["plan_code"]) == ("Baijiantan Children's Plan", "children")
    assert index_row(meta | {"lang": "zh"})["plan"] == "白碱滩区儿童发展规划"
    assert row["geography"] == "Yunnan Province [yunnan]"
    assert index_row(meta | {"lang": "zh"})["geography"] == "云南省 [yunnan]"
    old = {k: v for k, v in meta.items() if k != "plan_title"}
    assert index_row(old)["plan"] == "children"


def test_report_metadata_records_the_plan_titles():
    """What the runner stores for the index (read from the plan file)."""
    from planeval.publish.runner import plan_titles

    assert plan_titles("national_women", DATA) == {
        "zh": "中国妇女发展纲要（2021—2030年）",
        "en": "Outline for Women's Development in China (2021-2030)",
    }
    assert plan_titles("no_such_plan", DATA) == {}


def test_no_ranking_says_why_when_no_region_can_be_ranked():
    """One target with data (infant mortality) cannot give any region 3 judged targets: nobody
    is rankable, the text says all regions fall short and why (the plan's targets with data,
    lagging data in G2, no data in G3, G1 only 1 judged target), every region in one reason:
    1 + 1 + 1 = 3, in zh and en."""
    cells = [("met", 4.0, 2023), ("lagging", 4.8, 2019), (None, None, None)]
    zh = _text(_one_target_overview(cells))
    assert "纳入计算的目标不少于3项的地区只有0个" in zh
    assert (
        "全部3个地区纳入计算的目标均不足3项（原因：本规划有地区数据的目标只有1个；"
        "1个地区有数据早于规划期的目标；1个地区没有任何目标的数据；"
        "1个地区纳入计算的目标只有1项）" in zh
    )
    en = _text(_one_target_overview(cells, lang="en"))
    assert (
        "All 3 regions have fewer than 3 judged targets (targets with data in any region: "
        "only 1, lagging data in 1, no data at all in 1, only 1 judged in 1)." in en
    )


def test_worst_latest_value_is_named_with_its_year_and_lagging():
    """ "Which region lags most": the highest latest value against ≤ 5 ‰ is G2's 4.73 (2020,
    lagging), ahead of G3's 4.54 (2018, lagging) and the plan-period values G1 2.61 (2023) and
    G4 2.0 (2022); none is above 5, so nobody misses, and the finding names G2 with its year
    and 数据滞后, then the highest plan-period value (G1 2.61), never a lone 离目标最近."""
    doc = _one_target_overview(
        [("met", 2.61, 2023), ("lagging", 4.73, 2020), ("lagging", 4.54, 2018), ("met", 2.0, 2022)]
    )
    (tc,) = doc.counts
    assert (tc.worst.region, tc.worst.lagging, tc.worst_current.region) == ("G2", True, "G1")
    text = _text(doc)
    assert (
        "最新值最高为G24.73‰（2020年，数据滞后）；规划期内数据中最高为G12.61‰（2023年）。" in text
    )
    assert "离目标最近" not in text
    en = _text(_one_target_overview([("met", 2.61, 2023), ("met", 3.1, 2022)], lang="en"))
    assert "Highest latest value: G2 3.10‰ (2022)." in en and "among plan-period" not in en


def test_lagging_regions_counted_on_both_sides_of_the_target():
    """Under ≤ 5 ‰: G1 met 4.0 (2023); lagging G2 2.69 (2020), G3 4.60 (2018), G4 4.57 (2020)
    below 5 and G5 5.49 (2018) above. Met 1 of the 5 with data, 4 lagging: 3 of them already
    below the target, 1 above, both said; G5 is not counted as a miss (nor G2–G4 as met):
    nobody with plan-period data misses the target."""
    doc = _one_target_overview([("met", 4.0, 2023), ("lagging", 2.69, 2020),
                                ("lagging", 4.60, 2018), ("lagging", 4.57, 2020),
                                ("lagging", 5.49, 2018)])  # fmt: skip
    (tc,) = doc.counts
    assert (tc.lagging_inside, tc.lagging_outside, tc.misses) == (3, 1, [])
    text = _text(doc)
    assert "有数据的5个地区中1个已实现，4个数据滞后。" in text
    assert "另有3个地区最新数据已低于目标，但早于规划期；1个地区高于目标" in text
    assert "规划期内有数据的地区中没有未达到目标的" in text
    en = _text(_one_target_overview([("met", 4.0, 2023), ("lagging", 2.69, 2020),
                                     ("lagging", 5.49, 2018)], lang="en"))  # fmt: skip
    assert (
        "Regions with lagging data: 2; latest value already below the target but from before "
        "the plan period: 1, above it: 1" in en
    )


def test_one_status_per_cell_in_the_reports_symbols():
    """A lagging value above the target: the cell shows the verdict's one status word with the
    region reports' symbol (labels verdict_status: ◷ 数据滞后) and 高于目标 as a plain note, no
    second status (no ✖); the counts table names the region under the lagging column, not
    under the misses, so ✖ 0 and 无 agree; the legend uses the same symbols."""
    from planeval.core.labels import group
    from planeval.reporting.overview_page import render_overview

    icons = group("verdict_status")
    record = _record("g1", [_target("infant_mortality", "lagging", "lagging", 5.49, 2018, 5.0,
                                    False, False)])  # fmt: skip
    doc = build_overview(
        load_plan(PLAN, DATA), [record], parent="p", names={"g1": "G1"}, stage="midterm",
        year=2024, charts=False,
    )  # fmt: skip
    (cell,) = doc.rows[0].cells
    assert (cell.icon, cell.word, cell.note) == (icons["lagging"]["icon"], "无", "高于目标")
    assert dict((c, i) for c, i, _ in doc.categories) == {
        "met": icons["met"]["icon"], "on_track": icons["expected"]["icon"],
        "off_track": icons["difficult"]["icon"], "lagging": icons["lagging"]["icon"],
        "no_data": icons["no_data"]["icon"],
    }  # fmt: skip
    soup = BeautifulSoup(render_overview(doc), "html.parser")
    td = soup.find("td", class_="cell")
    assert "✖" not in td.get_text() and td.get_text().endswith("5.49 (2018)，高于目标")
    row = soup.find(id="count-infant_mortality")
    assert row.find("td", attrs={"data-category": "off_track"}).get_text() == "0"
    assert row.find("td", class_="c-misses").get_text() == "无"
    assert row.find("td", class_="c-lagging").get_text() == "G1（5.49‰，2018年，高于目标）"


def test_targets_heading_only_when_every_target_is_missed():
    """Two targets: neonatal ≤ 3 missed by A (3.6, off track), infant ≤ 5 missed by nobody. 二
    does not call both 'targets regions miss' (各目标实现情况); A misses one target: 三 says
    未达到目标的地区, not 较多."""
    T = _target
    records = [
        _record("a", [T("neonatal_mortality", "off_track", "off_track", 3.6, 2023, 3.0, True,
                        False),
                      T("infant_mortality", "achieved", "met", 4.0, 2023, 5.0, True, True)]),
        _record("b", [T("neonatal_mortality", "achieved", "met", 2.0, 2023, 3.0, True, True),
                      T("infant_mortality", "achieved", "met", 4.5, 2023, 5.0, True, True)]),
    ]  # fmt: skip
    doc = build_overview(
        load_plan(PLAN, DATA), records, parent="p", names={"a": "A", "b": "B"}, stage="midterm",
        year=2024, charts=False,
    )  # fmt: skip
    heads = [h for h, _ in doc.findings]
    assert heads[1:3] == ["二、各目标实现情况", "三、未达到目标的地区"]
    assert "新生儿死亡率（规划期内有数据的2个地区中1个未达到）" in _text(doc)


def test_source_note_claims_agreement_only_when_read_back(small_overview):
    """No region read back from its report: the note says the reports were not built and
    nothing was compared (no 一致); all read back: 一致; some: both counts."""
    from dataclasses import replace

    from planeval.reporting.overview_page import source_note

    rows = small_overview.rows
    none = source_note(replace(small_overview, rows=[replace(r, source="assessed") for r in rows]))
    assert "未生成" in none and "未与报告核对" in none and "一致" not in none
    every = source_note(replace(small_overview, rows=[replace(r, source="stored") for r in rows]))
    assert "与本地区报告一致" in every and "4个地区" in every
    mixed = [replace(r, source="stored" if i < 1 else "assessed") for i, r in enumerate(rows)]
    assert "其余3个地区的本地区报告未生成" in source_note(replace(small_overview, rows=mixed))


def test_at_least_target_names_the_lowest_value_and_words_the_sides():
    """A target to reach (eye checks ≥ 90 %): the worst latest value is the lowest, G2's 85.0
    (2020, lagging, below 90: a note, not a miss); among plan-period values the lowest is G1's
    91.0 (2023). Lagging: 1 of 1 below the target, none above it already."""
    T = _target
    records = []
    for geo, cat, value, year in (("g1", "met", 91.0, 2023), ("g2", "lagging", 85.0, 2020)):
        t = T("child_eye_check_coverage", cat, cat, value, year, 90.0, cat == "met", cat == "met")
        t |= {"target_sense": ">=", "position": (90.0 - value) / 90.0,
              "gap_share": max(0.0, (90.0 - value) / 90.0)}  # fmt: skip
        records.append(_record(geo, [t]))
    doc = build_overview(
        load_plan(PLAN, DATA), records, parent="p", names={"g1": "G1", "g2": "G2"},
        stage="midterm", year=2024, charts=False,
    )  # fmt: skip
    text = _text(doc)
    assert "最新值最低为G285.0%（2020年，数据滞后）；规划期内数据中最低为G191.0%（2023年）" in text
    assert "没有地区最新数据已高于目标，但早于规划期" in text and "另有没有" not in text
    assert "；1个地区低于目标（均为数据滞后" in text
    assert [c.note for r in doc.rows for c in r.cells] == ["", "低于目标"]


def test_district_plan_over_the_provinces_boxes_the_stand_in_caveat(tmp_path):
    """The district's children plan over the provinces under china: the regions are not the
    district, so the page and the Word file box 本汇总以全国各地区数据试算… under the title, as
    a district report on national data does; the national outline over the same provinces (its
    own area) has no box."""
    import docx

    result = build_overview_files(
        "children", "midterm", 2023, "china", DATA, tmp_path, "zh", ("html", "docx")
    )
    page = BeautifulSoup((tmp_path / result["files"]["html"]).read_text(encoding="utf-8"),
                         "html.parser")  # fmt: skip
    box = page.find("p", class_="caveat")
    assert box is not None and box.get_text().startswith("本汇总以全国各地区数据试算")
    assert "白碱滩区" in box.get_text()
    word = docx.Document(str(tmp_path / result["files"]["docx"]))
    boxed = [p.text for p in word.paragraphs if p.style.name == "Caveat"]
    assert boxed == [box.get_text()]
    national = build_overview_files(PLAN, "midterm", 2024, "china", DATA, tmp_path, "zh", ("html",))
    own = (tmp_path / national["files"]["html"]).read_text(encoding="utf-8")
    assert 'class="caveat"' not in own
