"""The report's tables, lists and numbers say what the verdict and the body say.

Children's mid-term 2023 on the shipped national data (zh): every status word of every table
and list (HTML domain tables, Word tables, the early-warning list, chart captions, the
appendix's sensitivity column) is the verdict's stage word, the same as in the body's
sentence about that target; the early-warning list is the verdict's problems; the brief annex
(Word, PDF) has no item codes and no probability column.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess

import docx
import pytest
from bs4 import BeautifulSoup

import planeval
from planeval.core.labels import label
from planeval.reporting import build
from planeval.reporting.findings import build_findings
from planeval.reporting.html import render_report
from planeval.reporting.spec import ReportSpec
from planeval.reporting.word import write_docx

#: The assessment's own status words, which no table of a mid-term report may print.
ASSESSMENT_WORDS = ("已达标", "有望达标", "难以达标")
ITEM_CODE = re.compile(r"(?<![A-Za-z])[TM]\d{1,2}(?!\d)")
INTERVAL = re.compile(r"\d–\d")


@functools.cache
def context(annex: str = "brief", lang: str = "zh"):
    a = planeval.assess("children", "china", 2023, data_dir="data")
    spec = ReportSpec(a.plan.plan, "midterm", 2023, "china", lang, annex=annex)
    return build.context_for(a, spec, data_dir="data")


@functools.cache
def document(annex: str = "brief", lang: str = "zh"):
    return build.build_document(context(annex, lang))


def word_of(ctx, indicator_id: str) -> str:
    return label("verdict_status", ctx.verdict[indicator_id].status, ctx.lang)


@pytest.fixture(scope="module")
def word_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("tables") / "report.docx"
    return docx.Document(str(write_docx(document(), path)))


def names(ctx) -> dict[str, str]:
    return {r.name_zh: r.indicator_id for r in ctx.assessment.results}


def test_every_domain_table_status_is_the_verdicts_word_in_html_and_word(word_file):
    """高中阶段学生近视率 (81.2 % in 2022 against 降至70%以下): 未达标 in the body, and 未达标
    (not the assessment's 难以达标) in the HTML domain table and in Word's domain table;
    likewise every other target with a row."""
    ctx = context()
    assert word_of(ctx, "myopia_senior") == "未达标"
    soup = BeautifulSoup(render_report(document()), "html.parser")
    rows = soup.select("table.indicators tr[data-indicator]")
    assert len(rows) == len(ctx.statistical)
    for tr in rows:
        badge = tr.select_one("span.badge").get_text()
        assert badge.endswith(word_of(ctx, tr["data-indicator"])), (tr["data-indicator"], badge)
    by_name, checked = names(ctx), 0
    for table in word_file.tables:
        header = [c.text for c in table.rows[0].cells]
        if "状态" not in header or "指标" not in header:
            continue
        i, k = header.index("指标"), header.index("状态")
        for row in table.rows[1:]:
            cells = row.cells
            status = cells[k].text.split("\n")[0]
            assert status == word_of(ctx, by_name[cells[i].text]), (cells[i].text, status)
            checked += 1
    assert checked == len(ctx.statistical)
    text = "\n".join(c.text for t in word_file.tables for r in t.rows for c in r.cells)
    for word in ASSESSMENT_WORDS:
        assert word not in text


def test_body_sentences_and_lists_say_the_same_word():
    """The body's progress sentence of each target holds the verdict's word; the summary's
    lists, chart captions and qualitative targets carry the same word (Word prints
    ``badge.word``)."""
    ctx, d = context(), document()
    sentences = [s for g in build_findings(ctx).progress for f in g.findings for s in f.sentences]
    progress = [s for s in sentences if s.kind == "progress"]
    assert len(progress) == 15  # 14 with a numeric level and data, 1 trend target (托位数量)
    for s in progress:
        assert word_of(ctx, s.indicator) in s.text, s.text
    badges = [c.badge for c in d.summary.counts]
    badges += [w.badge for w in d.summary.warnings]
    badges += [f.badge for s in d.domains for f in s.figures]
    badges += [a.badge for s in d.domains for a in s.accounts]
    words = {label("verdict_status", s, "zh") for s in build.stage_statuses(ctx)}
    for b in badges:
        assert b.word in words and b.text.endswith(b.word), b


def test_sensitivity_column_words_the_verdict_without_2020():
    """Appendix (agency table), last column: the mid-term status with 2020 left out, in the
    verdict's words. 初中生近视率 (71.1, 71.1, 71.4 in 2020–2022): with 2020 only 2 values
    remain, too few for a trend, so it is judged on its latest value 71.4 > 60: 未达标 (with
    2020 it is 实现存在困难 on the forecast) — marked ≠."""
    ctx = context()
    t = ctx.verdict["myopia_junior"]
    assert (t.status, t.status_without_flagged, t.sensitivity_year) == (
        "difficult",
        "not_met",
        2020,
    )
    agency = next(p for p in document().appendix.parts if p.anchor == "agency")
    rows = {row.key: row.cells[-1].text for row in agency.table.rows}
    assert rows["myopia_junior"] == "✖ 未达标 (≠)"
    assert rows["neonatal_mortality"] == "✔ 提前实现"
    for text in rows.values():
        assert not any(w in text for w in ASSESSMENT_WORDS), text


def test_early_warnings_are_the_verdicts_problems_in_words():
    """Seven problems: the 5 the assessment's early warning flagged, plus 高中阶段学生近视率 and
    体质健康优良率 (未达标 on their latest value, both in 三、存在的问题); in the verdict's order
    (largest relative gap first); the list states its rule; no item codes, ≤/≥, probabilities
    or intervals. 高中阶段学生近视率: 81.2 − 70 = 11.2 个百分点."""
    ctx, s = context(), document().summary
    ids = [p.indicator_id for p in ctx.verdict.problems]
    assert len(ids) == 7 and {"myopia_senior", "student_fitness_good_rate"} <= set(ids)
    assert [w.link for w in s.warnings] == [f"ind-{i}" for i in ids]
    assert s.warnings_title == "预警指标（7）" and "存在的问题" in s.warnings_rule
    senior = s.warnings[ids.index("myopia_senior")]
    assert senior.text == "高中阶段学生近视率" and senior.badge.word == "未达标"
    assert senior.detail == "2022年为81.2%，距“降至70%以下”的目标尚差11.2个百分点"
    for w in s.warnings:
        line = w.text + w.detail
        assert not ITEM_CODE.search(line) and not INTERVAL.search(line), line
        assert not set("≤≥") & set(line) and "概率" not in line, line
    lines = " ".join(s.lines) + " ".join(a.text for a in s.achieved)
    assert not ITEM_CODE.search(lines), lines
    assert "5岁以下儿童贫血率（2016年）；12岁儿童龋患率（2016年）" in " ".join(s.lines)


def test_early_warning_order_is_the_one_its_rule_states():
    """The list says it is ordered by the relative gap (gap as a share of the target), and
    the gaps and targets read back out of its lines fall in that order: e.g. 优良率 差4.9 of
    60 (8.2%) before 高中阶段毛入学率 差7.2 of 99 (7.3%) and 学前 差6.9 of 98 (7.0%), which an
    order by the absolute gap would put last."""
    s = document().summary
    assert "按相对差距" in s.warnings_rule and "按距目标差距从大到小" not in s.warnings_rule
    shares = []
    for w in s.warnings:
        m = re.search(r"“\D*?(\d+(?:\.\d+)?)[^”]*”的目标尚差(\d+(?:\.\d+)?)", w.detail)
        if m:
            shares.append(float(m.group(2)) / float(m.group(1)))
    assert len(shares) >= 5
    assert shares == sorted(shares, reverse=True)
    assert s.achieved_title.startswith("已达到目标的指标（")


def test_english_early_warnings_use_the_verdicts_words():
    s = document("brief", "en").summary
    senior = next(w for w in s.warnings if w.link == "ind-myopia_senior")
    assert senior.badge.word == "Not met"
    assert senior.detail.startswith("81.2% in 2022, 11.2 percentage points short of the target")
    assert "70%" in senior.detail and not set("≤≥") & set(senior.detail)


def test_word_brief_annex_has_no_item_codes_or_probabilities(word_file):
    """Brief annex (Word's default): no 达标概率 column, no T/M item codes in any table, caption
    or list; the full annex keeps both."""
    text = "\n".join(c.text for t in word_file.tables for r in t.rows for c in r.cells)
    text += "\n".join(p.text for p in word_file.paragraphs)
    assert "达标概率" not in text
    assert not ITEM_CODE.search(text), ITEM_CODE.search(text)


def test_full_annex_keeps_codes_and_probabilities(tmp_path):
    word = docx.Document(str(write_docx(document("full"), tmp_path / "full.docx")))
    headers = [c.text for t in word.tables for c in t.rows[0].cells]
    assert "达标概率" in headers and "条目" in headers


def test_printed_brief_page_hides_item_codes_probabilities_and_intervals():
    """The PDF is printed from the HTML with the technical parts hidden: the item and
    probability columns and the forecast's interval line are marked ``technical`` (the HTML
    file itself keeps them)."""
    soup = BeautifulSoup(render_report(document()), "html.parser")
    for table in soup.select("table.indicators"):
        heads = {th.get_text(): th.get("class", []) for th in table.select("thead th")}
        assert "technical" in heads["达标概率"] and "technical" in heads["条目"]
        for td in table.select("td.c-item, td[data-col=p_attain]"):
            assert "technical" in td["class"]
        for sub in table.select("td[data-col=forecast] span.sub"):
            assert "technical" in sub["class"]


@pytest.mark.skipif(
    not (shutil.which("chromium") and shutil.which("pdftotext")), reason="needs Chromium"
)
def test_brief_pdf_text_has_no_probability_column_or_item_codes(tmp_path):
    from planeval.reporting.pdf import html_to_pdf

    pdf = html_to_pdf(render_report(document()), tmp_path / "r.pdf", annex="brief")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "高中阶段学生近视率" in text and "未达标" in text
    assert "达标概率" not in text.replace(" ", "")
    assert not ITEM_CODE.search(text), ITEM_CODE.search(text)


def test_change_column_counts_from_the_base_year_the_body_uses():
    """3岁以下儿童系统管理率: 91.9 (2019), 92.9 (2020, the plan's base year), 92.8, 93.3 (2022).
    The body says 比2020年上升0.4 (93.3 − 92.9); the table said 2019—2022年上升1.4 (93.3 − 91.9).
    Both now count from 2020. 新生儿死亡率 (base 2020 3.4, 2023 2.8): 2020—2023年下降0.6."""
    ctx = context()
    body = " ".join(
        s.text for g in build_findings(ctx).progress for f in g.findings for s in f.sentences
    )
    assert "3岁以下儿童系统管理率为93.3%，比上年和2020年分别上升0.5和0.4个百分点" in body
    change = {
        row.key: row.cells[-1].text
        for s in document().domains
        if s.table is not None
        for row in s.table.rows
    }
    assert change["under3_system_management"] == "2020—2022年上升0.4"
    assert change["neonatal_mortality"] == "2020—2023年下降0.6"


@pytest.mark.parametrize(
    "pattern,n,text",
    [("{n} indicator{n:|s}", 1, "1 indicator"), ("{n} indicator{n:|s}", 2, "2 indicators"),
     ("{n} indicator{n:|s}", 0, "0 indicators"), ("{n:is|are}", 1, "is"), ("{n:is|are}", 3, "are"),
     ("{n:this indicator|these {n} indicators}", 4, "these 4 indicators"),
     ("{n:,}", 12345, "12,345")],
)  # fmt: skip
def test_english_counts_agree_with_their_noun(pattern, n, text):
    import numpy as np

    from planeval.core.labels import fill

    assert fill(pattern, n=n) == text
    assert fill(pattern, n=np.int64(n)) == text  # counts from pandas are numpy integers


def test_a_unit_after_the_number_one_is_singular():
    from planeval.reporting.formatting import fmt_value

    assert fmt_value(1, "小时", 0, "en") == "1 hour"
    assert fmt_value(2, "小时", 0, "en") == "2 hours"
    assert fmt_value(1.0, "岁", 1, "en") == "1.0 years"  # a decimal figure takes the plural
    assert fmt_value(1, "小时", 0, "zh") == "1小时"


PLURAL_AFTER_ONE = re.compile(
    r"(?<![\d.,])1 (?:member |statistical |registered |more |qualitative |quantified )?"
    r"(?:indicator|target|department|source|region|value|domain|hour|person|institution)s\b"
)


@pytest.mark.parametrize(
    "plan,year,stage", [("children", 2023, "midterm"), ("national_women", 2024, "annual")]
)
def test_english_report_has_no_plural_after_one(plan, year, stage):
    """The reviewer read "1 indicators"; the children's mid-term had "Health, difficult to
    meet: 1 indicators", the national women's annual "1 member departments" and "≥ 1 hours"."""
    a = planeval.assess(plan, "china", year, data_dir="data")
    html = render_report(build.build_document(build.context_for(a, stage, "en", "data")))
    text = BeautifulSoup(html, "html.parser").get_text(" ")
    assert not PLURAL_AFTER_ONE.search(text), PLURAL_AFTER_ONE.search(text)
    assert re.search(r"(?<![\d.,])1 (?:member )?(?:indicator|department)\b", text)


def test_about_band_comes_from_the_plan_or_the_settings_and_is_stated():
    """ "约45%" (women employed, %): the plan file sets tolerance 2, so 43–47, and the findings
    say so ("about 45%, within 43% to 47%"). A 左右 target whose plan file leaves the tolerance
    open takes the settings' targets.about_tolerance_points (% units; shipped 2.0) or
    about_tolerance_share × the target (other units): with 3.0 in the settings 45 ± 3 is
    42–48, and the words follow; 50 persons ± 5 % is 47.5–52.5."""
    from dataclasses import replace

    from planeval.assessment.assess import with_about_tolerance
    from planeval.core.settings import load_settings
    from planeval.plans.loading import load_plan
    from planeval.reporting.wording import target_words

    plan = load_plan("women", "data")
    target = next(t for t in plan.targets if t.indicator_id == "female_share_employed")
    assert (target.target_type, target.tolerance, target.target_value) == ("about", 2, 45)
    a = planeval.assess("women", "china", 2024, data_dir="data")
    r = a["female_share_employed"]
    assert (r.band_low, r.band_high) == pytest.approx((43, 47))
    assert target_words(r, "en") == "about 45%, within 43% to 47%"
    settings = load_settings("data")
    assert settings["targets"]["about_tolerance_points"] == 2.0
    open_band = replace(target, tolerance=None)
    assert with_about_tolerance(open_band, settings).tolerance == 2.0
    rules = {**settings["targets"], "about_tolerance_points": 3.0}
    wider = with_about_tolerance(open_band, {**settings, "targets": rules})
    assert wider.tolerance == 3.0
    assert target_words(wider, "zh") == "保持在45%左右（42%至48%）"
    persons = replace(open_band, unit="人", target_value=50)
    assert with_about_tolerance(persons, settings).tolerance == pytest.approx(2.5)


def test_warning_mark_in_the_tables_is_the_early_warning_list():
    """⚠ 预警 under a status marks exactly the targets of 预警指标 (the verdict's problems):
    高中阶段学生近视率 (未达标) had no mark, because the table read the assessment's flag."""
    ctx, d = context(), document()
    marked = {
        row.key
        for s in d.domains
        if s.table is not None
        for row in s.table.rows
        for c in row.cells
        if c.column == "status" and "⚠" in c.warning
    }
    assert marked == {p.indicator_id for p in ctx.verdict.problems}
    assert "myopia_senior" in marked


def test_brief_annex_status_notes_carry_no_interval_figures(word_file, tmp_path):
    """5岁以下儿童死亡率 (有望实现): the trust label and its reason ("低可靠性：仅有3个观测值…",
    "95% 预测区间宽 1.54 …") are technical: in the full annex and the HTML, not in the status
    cells of Word's brief annex, whose forecast heading says 2025年预测 without （95%区间）
    (no interval is printed there). A lagging row says its latest year once."""
    cells = [c.text for t in word_file.tables for r in t.rows for c in r.cells]
    assert any(c.startswith("有望实现") for c in cells)
    assert not any("低可靠性" in c or "区间宽" in c for c in cells)
    assert "2025年预测" in cells and not any("95%区间" in c for c in cells)
    assert not any(c.count("数据滞后") > 1 for c in cells)
    full = docx.Document(str(write_docx(document("full"), tmp_path / "full.docx")))
    cells = [c.text for t in full.tables for r in t.rows for c in r.cells]
    assert any("低可靠性" in c and "区间宽" in c for c in cells)
    assert "2025年预测（95%区间）" in cells


def test_workbench_explain_prints_the_slope_by_the_rule_and_the_verdicts_words():
    """Infant mortality 2015–2023: 8.1, 7.5, 6.8, 6.1, 5.6, 5.4, 5.0, 4.9, 4.5 ‰. x̄ = 2019,
    Sxx = 2 × (16 + 9 + 4 + 1) = 60, Sxy = −32.4 − 22.5 − 13.6 − 6.1 + 5.4 + 10.0 + 14.7 + 18.0
    = −26.5: slope −26.5 / 60 = −0.4417 ‰ a year, printed −0.44 (one decimal more than the
    data's 1; it was −0.442). Without 2020 the status is the verdict's 提前实现, not 已达标."""
    r = planeval.assess("children", "china", 2023, data_dir="data")["infant_mortality"]
    assert r.slope == pytest.approx(-26.5 / 60)
    text = r.explain()
    assert "线性趋势斜率 -0.44 ‰/年" in text
    assert "剔除 2020 年后状态为 ✔ 提前实现（结论不变）" in text
    assert "已达标" not in text.split("剔除")[1]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("stage", ["annual", "midterm", "final"])
def test_each_stage_status_has_its_own_word(stage, lang):
    """The summary counts every status of the stage by its word: two statuses with one word
    read as one status counted twice (the women's final in English listed "Not met 0" and
    "Not met 3": 未实现 missed and 未达标 not met)."""
    from planeval.assessment.verdict import COMMON, STAGE_STATUSES

    words = [label("verdict_status", s, lang) for s in (*STAGE_STATUSES[stage], *COMMON)]
    assert len(set(words)) == len(words), words


def test_gender_section_asks_for_rows_by_sex_in_chinese():
    """The national data hold no values by sex: the zh note asked to fill rows "按 female、male"
    (the data codes as words); it says 女性、男性 and names the codes as what the sex column
    takes."""
    intro = document().gender.intro.text
    assert "按女性、男性分行填写（sex 列分别填 female、male）" in intro


def test_no_assessment_status_word_left_in_the_html_tables():
    """Every table of the HTML report (the technical annex included): none of the assessment's
    words 已达标/有望达标/难以达标 (the UNICEF class 'achieved' said 已达标 beside the verdict's
    提前实现; it now reads 已实现目标 like Eurostat's)."""
    soup = BeautifulSoup(render_report(document("full")), "html.parser")
    text = " ".join(t.get_text(" ") for t in soup.select("table"))
    for word in ASSESSMENT_WORDS:
        assert word not in text, word


def test_workbench_names_the_rule_that_chose_the_model():
    """The reports forecast every series with the default drift model (settings
    ``forecast.rule: default``); the workbench said 按向前滚动预测误差选定 (chosen per series by
    forecast error) for it, which the README contradicts. With ``rule: selection`` it says so."""
    import copy

    from planeval.core.settings import default_settings

    r = planeval.assess("children", "china", 2023, data_dir="data")["infant_mortality"]
    assert "统一采用的默认预测模型" in r.explain()
    assert "按向前滚动预测误差选定" not in r.explain()
    settings = copy.deepcopy(default_settings())
    settings["forecast"]["rule"] = "selection"
    r.__dict__["_settings"] = settings
    assert "按向前滚动预测误差选定" in r.explain()


def test_workbench_probability_line_uses_the_verdicts_words():
    """explain()'s probability line words its thresholds with the mid-term verdict's statuses
    (有望实现 / 实现存在困难), not the assessment's old 有望达标 / 难以达标, which the reports no
    longer print anywhere (junior myopia 2020–2022: a forecast exists, so the line is there)."""
    r = planeval.assess("children", "china", 2023, data_dir="data")["myopia_junior"]
    line = next(x for x in r.explain().splitlines() if x.startswith("达标概率为"))
    assert "为有望实现" in line and "为实现存在困难" in line
    assert "有望达标" not in line and "难以达标" not in line
