"""The written findings: every number of every drafted sentence is one the assessment
computed (read back from the sentence and compared with ``planeval.assess``), zh and en say
the same, the stage's status words and the 达标率 with its denominator, the office's words
from data/narrative/.

The comparison values are taken from the assessment here, not from the builder: a sentence
number must equal one of the indicator's latest value and year, baseline value and year,
the previous year's value, forecast, interval, probability, target figures, gap, the change
needed per year to reach the target, the trend slope, or a difference of two shown values,
each at the decimals shown.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

import pytest

import planeval
from planeval.core.labels import LANGS, label
from planeval.reporting import build
from planeval.reporting.facts import gap_to_target, observed, row_decimals
from planeval.reporting.findings import build_findings

NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
#: Fixed tokens holding digits that are not figures of the data.
NOT_FIGURES = ("/10万", "per 100,000", "95%区间", "95% PI", "data/narrative/")
CASES = [
    ("children", "china", 2023, "midterm"),
    ("women", "china", 2024, "annual"),
    ("children", "china", 2024, "final"),
    ("women", "china", 2024, "final"),
    ("children", "baijiantan", 2025, "final"),
    ("national_children", "china", 2024, "midterm"),  # no qualitative target, one domain
]


@functools.cache
def assessed(plan, geography, year):
    return planeval.assess(plan, geography, year, data_dir="data")


def context(plan, geography, year, stage, lang="zh"):
    return build.context_for(assessed(plan, geography, year), stage, lang, "data")


def figures(text: str, ctx) -> list[str]:
    """The numbers written in ``text``, indicator names, items and fixed tokens taken out."""
    names = [n for r in ctx.assessment.results for n in (r.name_zh, r.name_en, r.item)]
    names += [n[:1].lower() + n[1:] for n in names]  # an English name inside a sentence
    names += [p.title(lang) for v in ctx.other_targets.values() for p, _ in v for lang in LANGS]
    for name in sorted(names, key=len, reverse=True) + list(NOT_FIGURES):
        text = text.replace(name, " ")
    return NUMBER.findall(text)


def shown(value: float, text: str) -> bool:
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(float(text.replace(",", "")) - value) <= 0.5 * 10**-decimals + 1e-9


def indicator_values(ctx, r) -> list[float]:
    """Every figure a sentence about ``r`` may state, from the assessment."""
    obs = observed(r)
    values = [r.latest_year, r.latest_value, r.baseline_year, r.baseline_value, r.target_year]
    values += [r.forecast_year, r.forecast, r.pi_low, r.pi_high, r.p_attain, r.target_value]
    values += [r.target_level, ctx.year - 1, obs.get(ctx.year - 1), ctx.base_year(r)]
    values += [min(obs, default=None), max(obs, default=None), gap_to_target(r)]
    if r.band_low is not None:  # an about-target's band, said in words (43%至47%)
        values += [(r.band_high - r.band_low) / 2, r.band_low, r.band_high]
    if r.slope is not None:
        values.append(abs(r.slope))
    if r.target_value is not None:
        values.append(abs(r.target_value))
    goal = r.target_value if r.target_sense == "band" else r.target_level
    if goal is not None and r.latest_year and r.latest_year < ctx.target_year:
        values.append(abs(goal - r.latest_value) / (ctx.target_year - r.latest_year))
    if r.latest_year:  # the year before the latest: 比上年
        values.append(obs.get(r.latest_year - 1))
    before = obs.get(r.latest_year - 1) if r.latest_year else None
    shown_values = [v for v in (r.latest_value, r.baseline_value, obs.get(ctx.year - 1), before)
                    if v]  # fmt: skip
    values += [abs(a - b) for a in shown_values for b in shown_values]
    for _, other in ctx.other_targets.get(r.indicator_id, []):  # another plan's target, named
        values += [other.target_value, other.target_year]
    t = ctx.verdict_of(r)  # the verdict's numbers: gap, changes per year, first→last change
    values += [t.gap, t.actual_from_year, t.trend_first, t.trend_last]
    values += [abs(x) for x in (t.required_per_year, t.actual_per_year, t.trend_delta) if x]
    return [float(v) for v in values if v is not None]


def body_years(ctx) -> tuple[int, int]:
    """The first and last year written in the findings outside 工作开展情况 (years up to the
    data year: the target year and plan titles are not data years)."""
    f = build_findings(ctx)
    texts = [s.text for s in drafted(f) if s.kind not in ("work", "advice_data")]  # 2021年以来
    titles = [p.title(lang) for v in ctx.other_targets.values() for p, _ in v for lang in LANGS]
    for name in titles + [ctx.plan.title(lang) for lang in LANGS]:
        texts = [t.replace(name, " ") for t in texts]
    years = [int(y) for t in texts for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", t)]
    years = [y for y in years if y <= ctx.year]
    return min(years), max(years)


def plan_sources(ctx, first: int, last: int) -> set:
    """The distinct sources of this plan's statistical indicators' values first..last."""
    obs = ctx.assessment.observations
    ids = {r.indicator_id for r in ctx.statistical}
    mine = obs[obs["indicator_id"].isin(ids) & (obs["year"] >= first) & (obs["year"] <= last)]
    return {str(x) for x in mine["source"].dropna() if str(x).strip()}


def report_values(ctx) -> list[float]:
    """Counts and rates of the whole report and of each domain, recounted here from the
    verdict's per-target statuses (not from its totals)."""
    v = ctx.verdict
    stat = [t for t in v.targets if t.kind != "qualitative"]
    values = [len(v.targets), len(stat), len(v.targets) - len(stat)]
    values += Counter(t.status for t in stat).values()
    values += list(v.qualitative.values())
    for domain in [None, *ctx.domains]:
        counted = [t for t in stat if t.counted and (domain is None or t.domain == domain)]
        k = sum(t.achieved for t in counted)
        values += [len(counted), k] + ([100 * k / len(counted)] if counted else [])
    trend = [t for t in stat if t.kind == "trend" and t.status not in ("no_data", "lagging")]
    values += [len(trend), sum(t.achieved for t in trend)]
    unjudged = [t for t in stat if t.status in ("lagging", "no_data", "insufficient")]
    values += [len(unjudged), len(v.lagging), len(unjudged) - len(v.lagging), 1]
    values += [sum(t.status == "no_data" for t in stat)]
    # 工作开展情况: departments that reported, years of the data, sources, base, data and
    # target years (recounted from the assessment and the plan)
    with_data = [r for r in ctx.statistical if r.latest_value is not None]
    depts = {ctx.plan.target(r.indicator_id).department_name(ctx.lang) for r in with_data}
    first, last = body_years(ctx)
    values += [len(depts - {""}), len(plan_sources(ctx, first, last)), first, last]
    values += [ctx.plan.period_start - 1]
    values += [ctx.year, ctx.target_year]
    # 统筹协调: problem indicators and the domains they fall in
    domain = {r.indicator_id: r.domain for r in ctx.assessment.results}
    values += [len(v.problems), len({domain[p.indicator_id] for p in v.problems})]
    # 三、存在的问题 by domain: problems and their kinds per domain; indicators without any
    # value per domain; departments named by the data recommendation
    for dz in ctx.domains:
        mine = [p for p in v.problems if domain[p.indicator_id] == dz]
        values += [len(mine), *Counter(p.kinds[0] for p in mine).values()]
        values += [sum(t.status == "no_data" and t.domain == dz for t in stat)]
    missing = [t for t in stat if t.status in ("no_data", "insufficient")]
    values += [len(missing), len({ctx.plan.target(t.indicator_id).department for t in missing})]
    values += [ctx.plan.period_start]
    # the overall verdict's count: judged targets, those off course, their share, the
    # settings' threshold; the achieved targets beside the 达标率 (recounted here)
    judged = [t for t in stat if t.status not in ("lagging", "no_data", "insufficient")]
    off = [t for t in judged if t.status in ("not_met", "not_reached", "missed", "expect_miss")
           or t.outlook == "off_track"]  # fmt: skip
    values += [len(judged), len(off), 100 * len(off) / len(judged) if judged else None]
    values += [100 * ctx.assessment.settings["report"]["verdict_lagging_off_share"]]
    achieved = [t for t in stat if t.achieved]
    values += [len(achieved), sum(t.kind == "trend" for t in judged)]
    values += [sum(t.kind == "trend" and not t.counted for t in achieved)]
    return [float(x) for x in values if x is not None]


def drafted(findings):
    """Every drafted (tool) sentence of the findings."""
    out = list(findings.overall) + list(findings.work)
    for group in findings.progress:
        out += [s for s in (group.rate, group.note) if s]
        out += [s for f in group.findings for s in f.sentences]
    out += [s for f in findings.problems + findings.advice for s in f.sentences]
    return [s for s in out if s.origin == "tool" and not s.placeholder]


@pytest.mark.parametrize("plan,geography,year,stage", CASES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_number_in_a_drafted_sentence_equals_the_assessment(
    plan, geography, year, stage, lang
):
    ctx = context(plan, geography, year, stage, lang)
    checked = 0
    general = report_values(ctx)
    for sentence in drafted(build_findings(ctx)):
        allowed = list(general)
        if sentence.indicator:
            allowed += indicator_values(ctx, ctx.assessment[sentence.indicator])
        for text in figures(sentence.text, ctx):
            assert any(shown(v, text) for v in allowed), (text, sentence.text)
            checked += 1
    assert checked > 5


def test_hand_checked_sentences_midterm():
    """Neonatal mortality, national: 3.4‰ in 2020, 3.1‰ in 2022, 2.8‰ in 2023 (≤ 3.0‰ target)
    → down 0.3 个千分点 on the year before (3.1 − 2.8) and 0.6 on 2020 (3.4 − 2.8), met early
    (提前实现), the target in words (降至3‰以下, no ≤). Pre-primary enrolment needs
    (98.0 − 91.1) / 2 = 3.45 个百分点 a year from 2023 to 2025, shown 3.45 so that
    2 × 3.45 = 6.9, the gap shown; it rose (91.1 − 85.2) / 3 = 1.9667 → 1.97 a year over
    2020–2023 (a change per year has one decimal more than its indicator)."""
    ctx = context("children", "china", 2023, "midterm")
    findings = build_findings(ctx)
    texts = [s.text for g in findings.progress for f in g.findings for s in f.sentences]
    (neonatal,) = [t for t in texts if "新生儿死亡率为" in t]
    year, base, prev, since_base = re.search(
        r"(\d{4})年，新生儿死亡率为2.8‰，比上年和(\d{4})年分别下降([\d.]+)和([\d.]+)个千分点",
        neonatal,
    ).groups()
    assert (year, base, prev, since_base) == ("2023", "2020", "0.3", "0.6")
    assert neonatal.endswith("提前实现“降至3‰以下”的规划目标。")
    problems = " ".join(s.text for f in findings.problems for s in f.sentences)
    assert "需每年上升3.45个百分点，而2020—2023年年均上升1.97个百分点" in problems
    assert any(s.placeholder and "教育局" in s.text for f in findings.advice for s in f.sentences)


def test_achievement_rate_states_its_denominator():
    """Children 2023 mid-term: 14 indicators with a numeric target and a value in the plan
    period (高中阶段学生近视率 and 体质优良率, 2 values each, judged on the latest value), 7
    meet it → 7 / 14 = 50.0 %; health 7 / 11 = 63.6 %."""
    ctx = context("children", "china", 2023, "midterm")
    findings = build_findings(ctx)
    rate = [s.text for s in findings.overall if s.kind == "rate"][0]
    assert rate.endswith("共14项，其中7项已达到目标，达标率为50.0%。")
    assert "有数值目标且有规划期内数据的指标" in rate
    rows = {row.key: [c.text for c in row.cells] for row in findings.rates.rows}
    assert rows["total"][1:] == ["14", "7", "50.0"]
    assert rows["健康"][1:] == ["11", "7", "63.6"]
    problems = " ".join(s.text for f in findings.problems for s in f.sentences)
    assert "高中阶段学生近视率2022年为81.2%，距“降至70%以下”的目标尚差11.2个百分点" in problems
    assert "中小学生《国家学生体质健康标准》优良率2022年为55.1%" in problems


def test_stage_status_words():
    """Mid-term: an achieved ≤ target is 提前实现, an achieved maintain target 已实现. Final
    before the 2025 data: met on the latest value (已实现) or 预计 words from the forecast."""
    mid = context("children", "china", 2023, "midterm")
    assert mid.verdict["neonatal_mortality"].status == "met_early"
    assert mid.verdict["neonatal_visit_rate"].status == "met"
    final = context("children", "china", 2024, "final")
    forecast = {t.status for t in final.verdict.targets if t.basis == "forecast"}
    assert forecast and all(s.startswith("expect") for s in forecast)


COUNT = re.compile(r"([^\d，。；]+?)(\d+)项")
RATE = re.compile(r"共(\d+)项，其中(\d+)项已达到目标，达标率为([\d.]+)%")


@pytest.mark.parametrize("plan,geography,year,stage", CASES)
def test_every_count_in_the_findings_equals_the_verdict(plan, geography, year, stage):
    """The counts sentence, the 达标率 sentence and the domain rates, parsed back out of the
    zh text, equal the verdict object's counts and rates."""
    ctx = context(plan, geography, year, stage)
    v, findings = ctx.verdict, build_findings(ctx)
    overall = {s.kind: s.text for s in findings.overall}
    items = re.split(r"统计指标中，|均为统计指标。其中，", overall["counts"])[1].rstrip("。")
    words = {label("verdict_status", s, "zh"): s for s in v.counts}
    parsed = {words[w.strip("，")]: int(n) for w, n in COUNT.findall(items)}
    assert parsed == {s: n for s, n in v.counts.items() if n}
    if v.qualitative["total"]:
        total, stat, qual = map(int, re.findall(r"(\d+)项", overall["counts"])[:3])
        assert (total, stat, qual) == (len(v.targets), len(v.statistical), v.qualitative["total"])
    else:  # 本期共评估8项目标，均为统计指标
        assert int(re.search(r"评估(\d+)项目标，均为统计指标", overall["counts"]).group(1)) == len(
            v.statistical
        )
    if v.rate.counted:
        n, k, rate = RATE.search(overall["rate"]).groups()
        assert (int(n), int(k)) == (v.rate.counted, v.rate.achieved)
        assert float(rate) == pytest.approx(v.rate.rate, abs=0.05)
    assert sorted(dz for g in findings.progress for dz in g.domains) == sorted(ctx.domains)
    for group in findings.progress:
        r = v.domain_rate(group.domains[0])
        if group.rate is not None:
            n, k = map(int, re.findall(r"(\d+)项", group.rate.text))
            assert (n, k) == (r.counted, r.achieved)
        else:
            assert r.counted == 0


def problem_groups(ctx, findings):
    """The domain groups of 三、存在的问题: (domain, indicator ids in order, title, texts)."""
    names = {ctx.plan.domain_name(dz, ctx.lang): dz for dz in ctx.domains}
    out = []
    for f in findings.problems:
        ids = list(dict.fromkeys(s.indicator for s in f.sentences if s.kind == "problem"
                                 or s.kind == "lagging" and s.indicator))  # fmt: skip
        head = f.title.split("领域")[0] if ctx.lang == "zh" else f.title.split(":")[0]
        if head in names and ids:
            out.append((names[head], ids, f.title, [s.text for s in f.sentences]))
    return out


@pytest.mark.parametrize("plan,geography,year,stage", CASES)
def test_problems_are_grouped_by_domain_largest_relative_gap_first(plan, geography, year, stage):
    """三、存在的问题: one item per domain, domains in the plan's order, inside each the
    verdict's problems of that domain with the largest relative gap first; the title's
    count (健康领域4项指标需重点关注) is the number of the domain's problems. Every problem of
    the verdict is named once."""
    ctx = context(plan, geography, year, stage)
    v = ctx.verdict
    groups = problem_groups(ctx, build_findings(ctx))
    domains = [dz for dz, *_ in groups]
    assert domains == sorted(domains, key=ctx.domains.index)
    named = [i for _, ids, *_ in groups for i in ids]
    assert sorted(named) == sorted(p.indicator_id for p in v.problems)
    order = {p.indicator_id: k for k, p in enumerate(v.problems)}
    for dz, ids, title, _ in groups:
        assert ids == sorted(ids, key=order.get)  # the verdict's order: largest gap first
        shares = [v[i].gap_share for i in ids if v[i].gap_share]
        assert shares == sorted(shares, reverse=True)
        n = int(re.search(r"领域(\d+)项指标", title).group(1))
        assert n == sum(ctx.assessment[p.indicator_id].domain == dz for p in v.problems)


GAP = re.compile(r"(\d{4})年为([\d.,]+)[^，]*，距“[^”]+”的目标尚差([\d.]+)")
NEED = re.compile(r"需每年(上升|下降)([\d.]+)")


def test_each_problem_states_its_value_gap_and_change_needed_per_year():
    """Children's mid-term 2023, read back from the text: 学前教育毛入园率 2023年为91.1%,
    尚差6.9 (98 − 91.1), 需每年上升3.45 ((98 − 91.1) / 2 years); every problem with a gap
    states the verdict's latest value, gap and (target year ahead) change per year."""
    ctx = context("children", "china", 2023, "midterm")
    v = ctx.verdict
    checked = 0
    for f in build_findings(ctx).problems:
        for s in f.sentences:
            if s.kind != "problem" or not v[s.indicator].gap:
                continue
            t, d = v[s.indicator], row_decimals(ctx.assessment[s.indicator])
            year, value, gap = GAP.search(s.text).groups()
            assert int(year) == t.latest_year
            assert float(value) == pytest.approx(t.latest_value, abs=0.5 * 10**-d)
            assert float(gap) == pytest.approx(t.gap, abs=0.5 * 10**-d)
            word, per_year = NEED.search(s.text).groups()
            assert shown(abs(t.required_per_year), per_year)  # at the decimals it shows
            assert (word == "上升") == (t.required_per_year > 0)
            checked += 1
    assert checked == 6
    text = " ".join(s.text for f in build_findings(ctx).problems for s in f.sentences)
    assert "学前教育毛入园率2023年为91.1%" in text and "需每年上升3.45个百分点" in text


@pytest.mark.parametrize("plan,geography,year,stage", CASES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_findings_repeat_no_sentence_and_carry_no_codes_symbols_or_probabilities(
    plan, geography, year, stage, lang
):
    """The whole written part (drafted sentences, titles and marked places): no sentence
    twice, no item code (T3, M6), no ≤/≥, no probability or interval."""
    ctx = context(plan, geography, year, stage, lang)
    f = build_findings(ctx)
    texts = [x.text for x in f.overall + f.work]
    for g in f.progress:
        texts += [x.text for x in (g.headline, g.rate, g.note) if x]
        items = g.findings
        texts += [y for item in items for y in [item.title] + [x.text for x in item.sentences]]
    items = f.problems + f.advice
    texts += [y for item in items for y in [item.title] + [x.text for x in item.sentences]]
    text = "\n".join(texts)
    sentences = [s.strip() for s in re.split(r"[。\n]|(?<=\.) ", text) if len(s.strip()) > 8]
    assert [s for s, n in Counter(sentences).items() if n > 1] == []
    assert not re.findall(r"(?<![A-Za-z])[TM]\d{1,2}(?![\d.])", text)
    assert "≤" not in text and "≥" not in text
    assert "概率" not in text and "probability" not in text.lower()
    assert not re.search(r"\d–\d+\.\d", text)  # an interval such as 0.0–96.8


def test_a_met_at_least_target_is_never_a_problem():
    """Women's 2024 annual: 城镇单位就业人员中的女性比例 41.7 % against 达到40%左右 is met
    (at or above 38), and not listed among the problems."""
    ctx = context("women", "china", 2024, "annual")
    assert ctx.verdict["female_share_urban_unit_employed"].achieved
    listed = [f.indicator for f in build_findings(ctx).problems]
    assert "female_share_urban_unit_employed" not in listed


@pytest.mark.parametrize("plan,geography,year,stage", CASES)
def test_zh_and_en_carry_the_same_findings(plan, geography, year, stage):
    """Same sentences (indicator, kind, marked place) with the same figures; an English
    sentence may in addition name the target's year and figure (“already meeting the 2025
    target of 3‰ or less” where the Chinese says 提前实现“降至3‰以下”的规划目标) and the year of
    a value the Chinese paragraph gave in the sentence before."""
    zh = build_findings(context(plan, geography, year, stage, "zh"))
    en = build_findings(context(plan, geography, year, stage, "en"))
    ctx = context(plan, geography, year, stage)

    def shape(findings):
        return [(s.indicator, s.kind, s.placeholder) for s in drafted(findings)]

    assert shape(zh) == shape(en)
    for a, b in zip(drafted(zh), drafted(en), strict=True):
        said_zh, said_en = Counter(figures(a.text, ctx)), Counter(figures(b.text, ctx))
        extra = said_en - said_zh
        assert not said_zh - said_en, (a.text, b.text)
        if extra:
            r = ctx.assessment[a.indicator]
            target = {r.target_year, r.target_value, r.target_level, r.latest_year}
            target = {float(x) for x in target if x is not None}
            assert all(float(x.replace(",", "")) in target for x in extra), (b.text, extra)
    assert len(zh.problems) == len(en.problems) and len(zh.advice) == len(en.advice)


def test_office_words_come_from_the_narrative_file(tmp_path):
    """A narrative file's cause and recommendation replace the marked places, with author."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree("data", data, ignore=shutil.ignore_patterns("raw", "processed", "runs"))
    folder = data / "narrative" / "china"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "children_midterm_2023.yaml").write_text(
        "author: 妇儿工委办公室\n"
        "indicators:\n"
        "  preschool_gross_enrollment:\n"
        "    cause: 新建幼儿园投用滞后。\n"
        "    recommendation: 加快公办园建设。\n"
        "    author: 教育局\n",
        encoding="utf-8",
    )
    a = planeval.assess("children", "china", 2023, data_dir=data)
    findings = build_findings(build.context_for(a, "midterm", "zh", data))
    office = [
        s for f in findings.problems + findings.advice for s in f.sentences if s.origin == "office"
    ]
    assert [(s.text, s.author) for s in office] == [
        ("新建幼儿园投用滞后。", "教育局"),
        ("加快公办园建设。", "教育局"),
    ]


def test_a_narrative_file_with_an_unknown_key_is_an_input_error_naming_file_and_key(tmp_path):
    from planeval.core.errors import InputError
    from planeval.reporting.narrative import load_narrative

    folder = tmp_path / "narrative" / "china"
    folder.mkdir(parents=True)
    (folder / "women_final_2024.yaml").write_text(
        "indicators:\n  hiv_mtct_rate:\n    reason: 写错了键\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as info:
        load_narrative(tmp_path, "china", "women", "final", 2024)
    text = str(info.value)
    assert "women_final_2024.yaml" in text and "reason" in text and "recommendation" in text


@pytest.mark.parametrize(
    "value,decimals,text",
    [(3.45, 1, "3.5"), (1.65, 1, "1.7"), (9.25, 1, "9.3"), (-1.25, 1, "-1.3"),
     ((99.0 - 95.7) / 2, 1, "1.7"), (2.5, 0, "3"), (-0.04, 1, "0.0"), (12345.65, 1, "12,345.7")],
)  # fmt: skip
def test_one_rounding_rule_half_up(value, decimals, text):
    """四舍五入 on the decimal figure: Python's round-half-even on binary floats gave 1.6 for
    1.65 and 9.2 for 9.25; (99.0 − 95.7) / 2 is 1.6499999999999986 in binary, 1.65 to a reader."""
    from planeval.reporting.formatting import fmt_num

    assert fmt_num(value, decimals) == text


@pytest.mark.parametrize(
    "value,decimals,text",
    [((99.0 - 95.7) / 2, 1, "1.65"), (7.2 / 2, 1, "3.6"), (11.2 / 3, 1, "3.73"),
     (0.15, 1, "0.15"), ((96.2 - 95.2) / 3 * 3 / 3, 1, "0.33"), (2.0, 1, "2.0"),
     (5.9 / 3, 1, "1.97"), (0.004, 1, "0.0"), (2.5, 0, "2.5"), (3.0, 0, "3"),
     (-0.125, 2, "-0.125"), (1.0005, 2, "1.001")],
)  # fmt: skip
def test_one_rule_for_every_change_per_year(value, decimals, text):
    """A change per year has one decimal more than its indicator, half up, trailing zeros
    dropped down to the indicator's decimals: 3.3 / 2 = 1.65 (2 × 1.65 = 3.3); 7.2 / 2 = 3.60 →
    3.6; 11.2 / 3 = 3.7333 → 3.73 (3 × 3.73 = 11.19, the rule says so, not 3.7 whose 11.1 hid
    it); 0.15 → 0.15 (was printed 0.2); 5.9 / 3 = 1.9667 → 1.97."""
    from planeval.reporting.formatting import fmt_per_year

    assert fmt_per_year(value, decimals) == text


def test_change_per_year_in_the_findings_follows_the_rule():
    """九年义务教育巩固率 尚差3.3 over 2 years: 1.65; 高中阶段学生近视率 11.2 over 3 years (2022 →
    2025): 3.73, not 3.7; its 2020—2022 change 80.5 → 81.2 is 0.35 a year (printed 0.4 before);
    初中生近视率 71.1 → 71.4 over 2 years is 0.15 a year (printed 0.2)."""
    ctx = context("children", "china", 2023, "midterm")
    problems = " ".join(s.text for f in build_findings(ctx).problems for s in f.sentences)
    assert "尚差3.3个百分点；要在2025年实现目标，需每年上升1.65个百分点" in problems
    assert "需每年下降3.73个百分点" in problems
    assert "年均上升0.35个百分点" in problems and "年均上升0.15个百分点" in problems


def test_another_plans_different_target_is_said():
    """高中阶段毛入学率: the women's plan asks ≥ 98 % every year, the children's plan ≥ 99 %;
    the women's report says the children's plan sets another target, so the two reports'
    verdicts on the one national value are not read as a contradiction."""
    ctx = context("women", "china", 2024, "final")
    texts = [s.text for g in build_findings(ctx).progress for f in g.findings for s in f.sentences]
    line = next(t for t in texts if "高中阶段毛入学率" in t)
    assert "对该指标的目标为每年保持在99%以上，与本规划不同" in line  # in words, no ≥
    assert all("与本规划不同" not in t for t in texts if "新生儿" in t)


@pytest.mark.parametrize("plan,geography,year,stage", CASES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_domain_headline_agrees_with_the_verdicts_and_what_the_indicators_did(
    plan, geography, year, stage, lang
):
    """Read back out of each domain's headline: the count it rests on equals the domain's
    judged indicators (on course + off course, the verdict's), 均 / all only when every one
    is on the same side, ``中b项仍有差距`` / ``b of the n`` the verdict's off-course count;
    持续 / keeps only when none is off course and most improved on the year before; a
    domain judged on one indicator names it and says which way it moved (上升 when its
    latest value is above the year before's, or the baseline's); the domains without data
    are named together in one sentence, once (e.g. children mid-term 2023: 教育 3 not_met →
    儿童受教育水平提升仍需加力，3项指标均未达标)."""
    from planeval.reporting.findings import BAD, GOOD

    ctx = context(plan, geography, year, stage, lang)
    findings = build_findings(ctx)
    without, empty_groups = [], 0
    for group in findings.progress:
        text = group.headline.text
        judged = [t for t in ctx.verdict.statistical if t.domain in group.domains
                  and (t.status in GOOD or t.status in BAD)]  # fmt: skip
        bad = sum(t.status in BAD for t in judged)
        if len(group.domains) > 1 or not judged:
            assert not judged
            without += group.domains
            empty_groups += 1
            names = [ctx.plan.domain_name(dz, lang) for dz in group.domains]
            assert all(n.lower() in text.lower() for n in names), text
            continue
        assert "数据不足" not in text and "not enough data" not in text
        if len(judged) == 1:
            r = ctx.assessment[judged[0].indicator_id]
            assert lang == "en" or r.name_zh in text, text
            assert "持续" not in text and "keeps" not in text
            prev = observed(r).get(r.latest_year - 1, r.baseline_value)
            d = row_decimals(r)
            up, down = ("上升", "下降") if lang == "zh" else ("rose", "fell")
            if round(r.latest_value, d) > round(prev, d):
                assert up in text and down not in text, text
            elif round(r.latest_value, d) < round(prev, d):
                assert down in text and up not in text, text
            continue
        found = re.search(r"(\d+)项指标" if lang == "zh" else r"(\d+) indicators", text)
        n = (
            2
            if lang == "en" and found is None and "both indicators" in text
            else int(found.group(1))
        )
        assert n == len(judged), text
        if bad == 0 or bad == n:
            assert ("均" in text) if lang == "zh" else ("all" in text or "both" in text), text
            assert "all 2 " not in text, text
        else:
            b = re.search(r"中(\d+)项仍有差距" if lang == "zh" else r"(\d+) of the", text)
            assert int(b.group(1)) == bad, text
        if "持续" in text or "keeps" in text:
            assert bad == 0
    assert empty_groups <= 1 and sorted(without) == sorted(
        dz
        for dz in ctx.domains
        if not [
            t
            for t in ctx.verdict.statistical
            if t.domain == dz and (t.status in GOOD or t.status in BAD)
        ]  # fmt: skip
    )


def test_children_midterm_education_headline_says_all_three_not_met():
    """Children mid-term 2023: 教育 has 3 judged indicators, all 未达标 (91.1 vs 98, 95.7 vs 99,
    91.8 vs 99): the headline says so instead of 多数指标实现存在困难."""
    ctx = context("children", "china", 2023, "midterm")
    heads = {g.domains[0]: g.headline.text for g in build_findings(ctx).progress}
    assert heads["教育"] == "儿童受教育水平提升仍需加力，3项指标均未达标。"
    assert "持续" not in heads["福利"] and "1项" in heads["福利"]


def test_an_unknown_domain_gets_the_generic_headline_with_its_name():
    """A plan from another region may name a domain the wording does not know: the headline
    falls back to the generic status-mix sentence carrying the domain's name."""
    assert label("domain_headline", "文化_smooth") == "文化_smooth"  # not known
    assert label("finding", "head_smooth").format(name="文化") == "文化领域目标总体进展顺利"


@pytest.mark.parametrize("plan,geography,year,stage", CASES)
def test_cross_cutting_advice_names_the_verdicts_problem_count_and_domains(
    plan, geography, year, stage
):
    """When the verdict's problems span two or more domains, 四、对策建议 opens with 统筹协调
    naming how many domains and the number of problem indicators (= len(verdict.problems))."""
    ctx = context(plan, geography, year, stage)
    results = {r.indicator_id: r for r in ctx.assessment.results}
    domains = {results[p.indicator_id].domain for p in ctx.verdict.problems}
    advice = [s.text for f in build_findings(ctx).advice for s in f.sentences]
    coordinate = [t for t in advice if t.startswith("加强统筹协调")]
    if len(domains) < 2:
        assert not coordinate
        return
    (text,) = coordinate
    k, n = map(int, re.search(r"等(\d+)个领域.*将这(\d+)项指标", text).groups())
    assert (k, n) == (len(domains), len(ctx.verdict.problems))


def _split_departments(text: str) -> set[str]:
    return {x for x in re.split(r"[、和]", text) if x}


@pytest.mark.parametrize("plan,geography,year,stage", CASES)
def test_recommendations_go_to_each_responsible_department(plan, geography, year, stage):
    """四、对策建议: one item per department the plan makes responsible for a problem
    indicator (卫健委：…), naming exactly that department's problem indicators; the
    department names parsed back equal the plan's departments of the verdict's problems."""
    ctx = context(plan, geography, year, stage)
    results = {r.indicator_id: r for r in ctx.assessment.results}
    want: dict[str, set] = {}
    for p in ctx.verdict.problems:
        dept = ctx.plan.target(p.indicator_id).department
        want.setdefault(dept, set()).add(results[p.indicator_id].name_zh)
    items = {f.title.rstrip("："): f for f in build_findings(ctx).advice if f.title}
    assert set(items) == {d for d in want if d}
    all_names = {r.name_zh for r in ctx.statistical}
    for dept, f in items.items():
        text = "".join(s.text for s in f.sentences if s.kind == "advice")
        said = {n for n in all_names if n in text}
        said -= {n for n in said for m in said if n != m and n in m}  # 近视率 inside a longer name
        assert said == want[dept], dept
        assert any(s.placeholder and dept in s.text for s in f.sentences)


def test_monitoring_recommendation_names_the_departments_of_lagging_and_missing_data():
    """Children's mid-term 2023: 数据滞后 3 indicators, all 卫健委's (贫血率, 龋患率, 母乳喂养率):
    请卫健委补报…; the 20 without any value belong to the departments the plan names for them,
    each named once (most indicators first)."""
    ctx = context("children", "china", 2023, "midterm")
    v = ctx.verdict
    (text,) = [s.text for f in build_findings(ctx).advice for s in f.sentences
               if s.kind == "advice_data"]  # fmt: skip
    lag = re.search(r"请(.+?)补报(\d+)项指标", text)
    assert _split_departments(lag.group(1)) == {ctx.plan.target(i).department for i in v.lagging}
    assert int(lag.group(2)) == len(v.lagging)
    miss = re.search(r"请([^；]+?)建立(\d+)项指标", text)
    missing = [t.indicator_id for t in v.statistical if t.status in ("no_data", "insufficient")]
    assert _split_departments(miss.group(1)) == {ctx.plan.target(i).department for i in missing}
    assert int(miss.group(2)) == len(missing)
    assert lag.group(1) == "卫健委"


def test_no_department_is_invented_when_the_plan_names_none():
    """A plan without departments: no department-specific item or request, the monitoring
    recommendation asks 有关部门, and no name of data/departments.yaml appears in 四."""
    from dataclasses import replace

    from planeval.plans.catalogue import load_plan
    from planeval.plans.registry import load_vocabulary

    plan = load_plan("children", "data")
    targets = [replace(t, department="", department_en="") for t in plan.targets]
    bare = replace(plan, targets=targets)
    a = planeval.assess(bare, "china", 2023, data_dir="data")
    for lang in ("zh", "en"):
        advice = build_findings(build.context_for(a, "midterm", lang, "data")).advice
        assert not [f.title for f in advice if f.title]
        text = " ".join(s.text for f in advice for s in f.sentences)
        for zh, en in load_vocabulary("data").departments.items():
            assert zh not in text and en not in text
        assert ("请有关部门补报" in text) if lang == "zh" else ("the departments concerned" in text)


ZH_PUNCTUATION = re.compile(r"[，。：；（）“”、【】《》！？]")


@pytest.mark.parametrize("plan,geography,year,stage", CASES)
def test_english_findings_read_as_english(plan, geography, year, stage):
    """The English findings: no Chinese punctuation, no "1 indicators", sentences open with a
    capital, an indicator's name inside a sentence in lower case with its article (not "In
    2024, Neonatal mortality rate was"), no "(up)"/"(down)" calques, domain headlines as
    headlines (no full stop, not the "Health: ..." label form for a known domain)."""
    ctx = context(plan, geography, year, stage, "en")
    f = build_findings(ctx)
    texts = [x.text for x in f.overall + f.work if not x.placeholder]
    for g in f.progress:
        texts += [x.text for x in (g.rate, g.note) if x]
        texts += [y for item in g.findings for y in [item.title] + [x.text for x in item.sentences]]
        head = g.headline.text
        assert not head.endswith(".") and head[:1].isupper(), head
        if g.rate is not None:  # a domain with data and a known theme
            assert not head.startswith(g.title.split(") ")[-1] + ":"), head
    for item in f.problems + f.advice:
        texts += [item.title] + [x.text for x in item.sentences if x.origin == "tool"]
    text = "\n".join(t for t in texts if t)
    assert not ZH_PUNCTUATION.search(text), ZH_PUNCTUATION.search(text)
    assert not re.search(r"(?<![\d.])1 indicators\b", text)
    assert "(up)" not in text and "(down)" not in text
    for t in texts:
        if t:
            assert t[0].isupper() or t[0] == "[" or t[0].isdigit(), t
    for r in ctx.statistical:
        name = r.name_en
        if name[1:2].islower():  # not an abbreviation (HIV ...)
            inside = re.findall(r"[a-z,;] " + re.escape(name), text)
            assert not inside, inside


ZH_SENTENCE = re.compile(r"^(?:(\d{4})年，)?(.+?)为([\d.,]+)")


@pytest.mark.parametrize("plan,geography,year,stage", CASES)
def test_zh_status_paragraphs_read_as_prose(plan, geography, year, stage):
    """Inside one status paragraph the year opens a sentence only when it changes (2023年，新生儿
    死亡率为2.8‰……。婴儿死亡率为4.5‰……), the sentences after the first say 亦 before the
    status, the changes on the year before and the base year go into one clause when they go
    the same way (比上年和2020年分别下降0.3和0.6个千分点), and no half-width punctuation. The
    year and value read back are the indicator's latest."""
    ctx = context(plan, geography, year, stage)
    checked = 0
    for group in build_findings(ctx).progress:
        for f in group.findings:
            year_before = None
            for i, s in enumerate(x for x in f.sentences if x.kind == "progress"):
                r = ctx.assessment[s.indicator]
                said_year, _, value = ZH_SENTENCE.match(s.text).groups()
                assert (said_year is None) == (r.latest_year == year_before), s.text
                assert float(value.replace(",", "")) == pytest.approx(r.latest_value, rel=0.01)
                assert ("亦" in s.text) == (i > 0), s.text
                assert not ("比上年上升" in s.text and re.search(r"比\d{4}年上升", s.text))
                assert not ("比上年下降" in s.text and re.search(r"比\d{4}年下降", s.text))
                assert not re.search(r"[,;:()!?]", s.text), s.text
                year_before = r.latest_year
                checked += 1
    assert checked >= 5 or geography != "china"  # the district's own data: 2020 only


def test_a_departments_own_recommendation_replaces_its_marked_place(tmp_path):
    """narrative departments.卫健委.recommendation is placed in 卫健委's item of 四、对策建议 with
    its author, instead of the marked place; 教育局's place stays marked. A department the plan
    names for no target is an input error naming the key."""
    import shutil

    from planeval.core.errors import InputError
    from planeval.reporting.narrative import check_narrative

    data = tmp_path / "data"
    shutil.copytree("data", data, ignore=shutil.ignore_patterns("raw", "processed", "runs"))
    folder = data / "narrative" / "china"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "children_midterm_2023.yaml"
    path.write_text(
        "departments:\n  卫健委:\n"
        "    recommendation: 开展近视防控专项行动。\n    author: 区卫健委\n",
        encoding="utf-8",
    )
    a = planeval.assess("children", "china", 2023, data_dir=data)
    advice = build_findings(build.context_for(a, "midterm", "zh", data)).advice
    items = {f.title: f.sentences for f in advice if f.title}
    office = [(s.text, s.author) for s in items["卫健委："] if s.origin == "office"]
    assert office == [("开展近视防控专项行动。", "区卫健委")]
    assert not any(s.placeholder for s in items["卫健委："])
    assert any(s.placeholder and "教育局" in s.text for s in items["教育局："])
    path.write_text("departments:\n  宣传部:\n    recommendation: 加强宣传。\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        check_narrative(data, "china", "children", "midterm", 2023)
    assert "departments.宣传部" in str(info.value) and "卫健委" in str(info.value)


@pytest.mark.parametrize("plan,geography,year,stage", CASES)
def test_the_overall_verdict_states_its_count_and_the_achieved_counts_add_up(
    plan, geography, year, stage
):
    """The overall verdict is followed by the count its rule compares, read back equal to the
    verdict's (children mid-term 2023: 15 judged = 14 in the 达标率 + 1 trend target, 6 off
    course, 6/15 = 40.0% ≥ 30% → 总体进展滞后); where the counts list more targets achieved
    (已实现4项，提前实现4项 = 8) than the 达标率 counts (7), one sentence adds them up:
    8 = 7 + 1 trend target."""
    ctx = context(plan, geography, year, stage)
    v = ctx.verdict
    overall = {s.kind: s.text for s in build_findings(ctx).overall}
    if v.overall in ("verdict_lagging", "verdict_mostly", "verdict_expect_short"):
        m = re.search(
            r"可判断进展的(\d+)项统计指标.*?中，(\d+)项未达标.*?占(\d+\.\d)%",
            overall["verdict_basis"],
        )
        off, judged = v.overall_basis
        assert (int(m.group(1)), int(m.group(2))) == (judged, off)
        assert float(m.group(3)) == pytest.approx(100 * off / judged, abs=0.05)
        inside = re.search(r"计入达标率的(\d+)项和趋势类目标(\d+)项", overall["verdict_basis"])
        if inside:
            assert int(inside.group(1)) == v.rate.counted
            assert int(inside.group(1)) + int(inside.group(2)) == judged
        if v.overall == "verdict_lagging":
            assert "达到30%即判为总体进展滞后" in overall["verdict_basis"]
            assert off / judged >= 0.3
    achieved = sum(v.counts.get(s, 0) for s in ("met", "met_early", "reached"))
    if achieved != v.rate.achieved:
        a, k, m = map(int, re.search(r"的(\d+)项指标中，(\d+)项计入达标率，另(\d+)项",
                                     overall["rate_reconcile"]).groups())  # fmt: skip
        assert (a, k) == (achieved, v.rate.achieved) and a == k + m
    else:
        assert "rate_reconcile" not in overall


def test_children_midterm_verdict_names_six_of_fifteen():
    """Children mid-term 2023 by hand: off course 初中近视 (difficult), 高中近视, 优良率, 学前,
    义务教育巩固, 高中毛入学 (not_met) = 6 of 15 judged → 40.0%."""
    overall = {
        s.kind: s.text
        for s in build_findings(context("children", "china", 2023, "midterm")).overall
    }
    assert overall["verdict_basis"].startswith(
        "可判断进展的15项统计指标（计入达标率的14项和趋势类目标1项）中，6项"
    )
    assert "占40.0%" in overall["verdict_basis"]
    assert overall["rate_reconcile"] == (
        "已实现和提前实现的8项指标中，7项计入达标率，另1项为趋势类目标（无具体数值，不计入达标率）。"
    )


@pytest.mark.parametrize("plan,geography,year,stage", CASES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_work_section_states_the_years_and_sources_the_report_uses(
    plan, geography, year, stage, lang
):
    """工作开展情况: the data years read back equal the first and last year the findings write
    (children mid-term 2023: 2016, the lagging 贫血率/龋患率/母乳喂养率, to 2023 — not
    2020—2023); the source count is that of this plan's indicators over those years (not
    every source of the geography, the other plan's too); published statistics are not
    said to be 报送/reported by departments."""
    ctx = context(plan, geography, year, stage, lang)
    work = next(s.text for s in build_findings(ctx).work if s.kind == "work")
    first, last = body_years(ctx)
    pattern = r"所用(\d{4})(?:—(\d{4}))?年" if lang == "zh" else r"for (\d{4})(?:–(\d{4}))? "
    a, b = re.search(pattern, work).groups()
    assert (int(a), int(b or a)) == (first, last), work
    k = re.search(r"数据来源(\d+)项" if lang == "zh" else r"from (\d+) sources?", work)
    sources = plan_sources(ctx, first, last)
    assert int(k.group(1)) == len(sources), work
    if not any("报送" in x or "填报" in x for x in sources):
        assert "报送" not in work and "reported by" not in work, work


@pytest.mark.parametrize("plan,geography,year,stage", CASES)
def test_english_titles_are_sentences_not_labels(plan, geography, year, stage):
    """English paragraph titles of 二 and 三 read as sentences of a report ("In health, 2
    indicators are met"; was "Health: met (2 indicators)"), the count read back equal to
    the paragraph's sentences; no "on old data"; an about-target inside a sentence without a
    bracketed label ("about 40%, no lower than 38%", was "about 40% (at least 38%)")."""
    f = build_findings(context(plan, geography, year, stage, "en"))
    titled = [item for g in f.progress for item in g.findings if item.title]
    titled += [item for item in f.problems if item.title and item.sentences]
    assert titled
    for item in titled:
        assert not re.match(r"^[A-Z][\w ,'-]*: ", item.title), item.title
        m = re.match(r"In [a-z][\w ,'-]*, (\d+) indicators? ", item.title)
        if m and item in titled[: sum(len(g.findings) for g in f.progress)]:
            assert int(m.group(1)) == len(item.sentences), item.title
    text = " ".join(s.text for s in drafted(f)) + " ".join(i.title for i in titled)
    assert "old data" not in text
    assert not re.search(r"about [\d.]+%? \((at least|at most|[\d.]+%? to)", text), text
