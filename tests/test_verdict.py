"""The verdict (assessment/verdict.py): each target's stage status, 达标率 over an honest
denominator, the problems and the lagging list, decided once and exported by ``planeval
assess``. Expected values worked out by hand from the data in each docstring."""

from __future__ import annotations

import functools
import json

import pytest
from typer.testing import CliRunner

import planeval
from planeval.assessment.assess import assess_target
from planeval.assessment.verdict import judge
from planeval.cli import app
from planeval.core.settings import default_settings
from planeval.plans.catalogue import Target

SETTINGS = default_settings()
PERIOD = (2021, 2025)


def target(target_type, value=None, unit="%", direction="increase", year=2025, **kw) -> Target:
    return Target(
        indicator_id="x",
        plan="test",
        domain="d",
        item="1",
        name_zh="测试",
        name_en="test",
        unit=unit,
        direction=direction,
        target_type=target_type,
        target_value=value,
        target_year=year,
        source_text="",
        **kw,
    )


def verdict_of(t, years, values, data_year=2024, stage="midterm"):
    a = assess_target(t, years, values, data_year, PERIOD, SETTINGS, sensitivity=False)
    return a, judge([a], stage, data_year, PERIOD, SETTINGS).targets[0]


@functools.cache
def national(plan, year, stage="midterm"):
    return planeval.assess(plan, "china", year, data_dir="data", stage=stage)


# --------------------------------------------------------------------------- shipped data
def test_children_midterm_2023_counts_the_short_series_as_not_met():
    """National data 2023: 高中阶段学生近视率 81.2 % (2022) against ≤ 70 % and 体质优良率 55.1 %
    (2022) against ≥ 60 % have 2 values each: no trend model, judged on the latest value: not
    met (未达标), gaps 81.2 − 70 = 11.2 and 60 − 55.1 = 4.9. With them the denominator is 14
    (was 12), 7 met: 7 / 14 = 50.0 %; health 7 / 11."""
    v = national("children", 2023).verdict
    senior, fitness = v["myopia_senior"], v["student_fitness_good_rate"]
    assert (senior.status, senior.basis, senior.counted, senior.achieved) == (
        "not_met",
        "latest",
        True,
        False,
    )
    assert senior.gap == pytest.approx(11.2, abs=1e-9)
    assert fitness.status == "not_met" and fitness.gap == pytest.approx(4.9, abs=1e-9)
    assert (v.rate.achieved, v.rate.counted) == (7, 14)
    assert v.rate.rate == pytest.approx(50.0)
    health = v.domain_rate("健康")
    assert (health.achieved, health.counted) == (7, 11)
    problems = [p.indicator_id for p in v.problems]
    assert "myopia_senior" in problems and "student_fitness_good_rate" in problems


def test_problems_come_largest_relative_gap_first():
    """Children 2023: 初中生近视率 71.4 vs ≤ 60: 11.4 / 60 = 0.190; 高中 81.2 vs ≤ 70:
    11.2 / 70 = 0.160; 体质 55.1 vs ≥ 60: 4.9 / 60 = 0.082; the order follows."""
    v = national("children", 2023).verdict
    order = [p.indicator_id for p in v.problems]
    assert order.index("myopia_junior") < order.index("myopia_senior")
    assert order.index("myopia_senior") < order.index("student_fitness_good_rate")
    junior = next(p for p in v.problems if p.indicator_id == "myopia_junior")
    assert junior.gap_share == pytest.approx(11.4 / 60, abs=1e-9)
    # required: (60 − 71.4) / (2025 − 2022) = −3.8 a year; actual: (71.4 − 71.1) / 2 = +0.15
    assert junior.required_per_year == pytest.approx(-3.8, abs=1e-9)
    assert junior.actual_per_year == pytest.approx(0.15, abs=1e-9)


def test_no_data_only_without_any_value():
    """Every target called 无数据 has no value at all (or a past target year without its
    value); every target with a value in the plan period and a level is counted."""
    for plan in ("children", "women"):
        v = national(plan, 2023).verdict
        a = national(plan, 2023)
        for t, r in zip(v.targets, a.results, strict=True):
            if t.status == "no_data":
                assert r.latest_year is None or t.reason_key == "target_year_missing"
            numeric = r.target_sense in (">=", "<=", "band") and r.target_level is not None
            if numeric and r.latest_year and r.latest_year >= PERIOD[0] and t.status != "no_data":
                assert t.counted, t.indicator_id


def test_json_carries_the_verdict():
    """``planeval assess --format json`` holds the verdict: rates per plan and per domain with
    numerator and denominator, counts, problems and the lagging list."""
    res = CliRunner().invoke(
        app,
        ["assess", "--plan", "children", "--geography", "china", "--year", "2023",
         "--format", "json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    v = out["verdict"]
    assert out["stage"] == "midterm" and v["stage"] == "midterm"
    assert v["rates"][0] == {"domain": None, "achieved": 7, "counted": 14, "rate": 50.0}
    assert {"domain": "健康", "achieved": 7, "counted": 11} == {
        k: v["rates"][1][k] for k in ("domain", "achieved", "counted")
    }
    assert sum(v["counts"].values()) == 39
    assert v["lagging"] == ["under5_anemia", "caries_12y", "exclusive_breastfeeding_6m"]
    senior = next(t for t in v["targets"] if t["indicator_id"] == "myopia_senior")
    assert senior["status_zh"] == "未达标" and "11.2" in senior["reason_zh"]
    assert len(out["results"]) == len(v["targets"])


def test_csv_carries_the_stage_status():
    res = CliRunner().invoke(
        app,
        ["assess", "--plan", "children", "--geography", "china", "--year", "2023",
         "--stage", "final"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    header, *rows = res.stdout.splitlines()
    assert header.endswith("stage_status,stage_status_zh,verdict_basis,verdict_reason,"
                           "in_rate_denominator,in_rate_numerator,gap,required_per_year,"
                           "actual_per_year")  # fmt: skip
    senior = next(r for r in rows if r.startswith("myopia_senior,"))
    assert ",not_met,未达标,latest," in senior


def test_an_unknown_stage_is_refused():
    res = CliRunner().invoke(
        app,
        ["assess", "--plan", "children", "--geography", "china", "--year", "2023",
         "--stage", "Final"],
    )  # fmt: skip
    assert res.exit_code == 2 and "annual" in res.output


def test_same_indicator_same_level_same_verdict_across_plans():
    """The women's and the children's plans judged on one geography's data never give
    opposite verdicts on an indicator with the same target (type and level)."""
    for year in (2023, 2024):
        for stage in ("annual", "midterm", "final"):
            w, c = national("women", year, stage), national("children", year, stage)
            vw, vc = w.verdict, c.verdict
            for rw, tw in zip(w.results, vw.targets, strict=True):
                for rc, tc in zip(c.results, vc.targets, strict=True):
                    same = (rw.indicator_id, rw.target_type, rw.target_value) == (
                        rc.indicator_id,
                        rc.target_type,
                        rc.target_value,
                    )
                    if same:
                        assert (tw.status, tw.achieved) == (tc.status, tc.achieved), rw.indicator_id


def test_preschool_enrolment_has_one_level_in_both_plans():
    """学前教育应入尽入 (women's plan) is the children's plan's 学前教育毛入园率 ≥ 98 % every year:
    the national 92.0 % (2024) is not met in both plans' final reports."""
    w, c = national("women", 2024, "final"), national("children", 2024, "final")
    tw, tc = w.verdict["preschool_gross_enrollment"], c.verdict["preschool_gross_enrollment"]
    assert w["preschool_gross_enrollment"].target_level == 98
    assert tw.status == tc.status == "not_met"


# --------------------------------------------------------------------------- rules
def test_too_few_values_for_a_trend_judged_on_the_latest_value():
    """Two values 55.1, 56.0 against ≥ 60: no model, not met, gap 4.0; 61 would be met."""
    _, t = verdict_of(target("at_least", 60), [2021, 2022], [55.1, 56.0])
    assert (t.status, t.basis, t.counted) == ("not_met", "latest", True)
    assert t.gap == pytest.approx(4.0)
    _, t = verdict_of(target("at_least", 60), [2021, 2022], [55.1, 61.0])
    assert (t.status, t.achieved) == ("met_early", True)


def test_lagging_data_say_the_year_and_the_gap():
    """Latest value 2019 (80.0) against ≥ 90: 数据滞后, "最新数据为2019年，距目标尚差10"."""
    _, t = verdict_of(target("at_least", 90), [2017, 2018, 2019], [78.0, 79.0, 80.0])
    assert (t.status, t.counted, t.lagging) == ("lagging", False, True)
    assert t.reason("zh") == "最新数据为2019年，距目标尚差10"
    for stage in ("annual", "final"):
        assert verdict_of(target("at_least", 90), [2019], [80.0], stage=stage)[1].status == (
            "lagging"
        )


def test_a_past_target_year_is_judged_on_its_own_value_never_forecast():
    """Target ≥ 90 in 2022, data to 2024: the 2022 value 91 decides (met), not a forecast;
    without a 2022 value the target has no value (无数据), and no forecast is made."""
    t22 = target("at_least", 90, year=2022)
    a, t = verdict_of(t22, [2020, 2021, 2022], [85.0, 88.0, 91.0])
    assert (t.status, t.basis) == ("met", "target_year")
    a, t = verdict_of(t22, [2019, 2020, 2021], [84.0, 85.0, 88.0])
    assert a.forecast is None and a.model is None
    assert (t.status, t.reason_key, t.counted) == ("no_data", "target_year_missing", False)
    assert "2022" in t.reason("zh")


def test_zero_every_year_against_a_decrease_target_is_achieved():
    """0, 0, 0, 0 against "持续下降": nothing left to fall; achieved, not off track with p 0."""
    zero = target("direction", direction="decrease", unit="人")
    a, t = verdict_of(zero, [2021, 2022, 2023, 2024], [0, 0, 0, 0])
    assert a.status == "achieved" and a.p_attain == 1.0
    assert t.status == "met"


def test_about_band_inside_met_outside_says_the_side():
    """约 50 ± 2: 49.0 inside → met; 64.7 above → not met, gap 64.7 − 52 = 12.7 above the
    band; "达到 40 左右" (direction increase): 43.0 above the band is met."""
    band = target("about", 50, direction="none", tolerance=2)
    _, t = verdict_of(band, [2021, 2022], [49.5, 49.0])
    assert t.achieved
    _, t = verdict_of(band, [2021, 2022], [63.0, 64.7])
    assert (t.achieved, t.band_side) == (False, "above")
    assert t.gap == pytest.approx(12.7, abs=1e-9)
    reach = target("about", 40, direction="increase", tolerance=2)
    _, t = verdict_of(reach, [2021, 2022], [42.5, 43.0])
    assert t.achieved and t.gap == 0


def test_final_with_the_target_year_observed():
    """Target ≥ 20 in 2025: 20.5 met; 19.3 short by 0.7 ≤ 5 % × 20 = 1.0: 基本实现; 18.0 short
    by 2.0 > 1.0: 未实现."""
    years = [2021, 2022, 2023, 2024, 2025]
    for last, status in ((20.5, "met"), (19.3, "basically_met"), (18.0, "missed")):
        _, t = verdict_of(
            target("at_least", 20), years, [15, 16, 17, 18, last], 2025, stage="final"
        )
        assert t.status == status


def test_annual_statuses_are_reached_or_not():
    t90 = target("at_least", 90)
    assert verdict_of(t90, [2022, 2023, 2024], [85, 88, 91], stage="annual")[1].status == (
        "reached"
    )
    assert verdict_of(t90, [2022, 2023, 2024], [85, 86, 87], stage="annual")[1].status == (
        "not_reached"
    )


def test_trend_words_need_five_points_for_a_test():
    """3 values 31.95, 20.0, 10.91: the change first→last −21.04, no significance word."""
    u5 = target("at_most", 5, unit="‰", direction="decrease")
    _, t = verdict_of(u5, [2021, 2022, 2023], [31.95, 20.0, 10.91])
    assert t.trend_kind == "first_last" and t.change is None
    assert t.trend_delta == pytest.approx(10.91 - 31.95)
    _, t = verdict_of(target("at_least", 90), [2020, 2021, 2022, 2023, 2024], [80, 81, 82, 83, 84])
    assert t.trend_kind == "tested" and t.change == "improving"


# --------------------------------------------------------------------------- lagging region
@pytest.fixture(scope="module")
def lagging_region(tmp_path_factory):
    """A data folder with a geography ``lag2020`` whose latest figures are from 2020: the
    national files 2015–2020 copied under another code (as a province publishing late)."""
    import shutil
    from pathlib import Path

    data = tmp_path_factory.mktemp("lag") / "data"
    shutil.copytree("data", data, ignore=shutil.ignore_patterns("raw", "processed", "runs"))
    folder = data / "observations" / "lag2020"
    folder.mkdir()
    for year in range(2015, 2021):
        shutil.copy(Path("data/observations/china") / f"{year}.csv", folder / f"{year}.csv")
    geo = data / "geographies.yaml"
    geo.write_text(
        geo.read_text(encoding="utf-8")
        + "  - {code: lag2020, zh: 滞后省, en: Lagging province, level: province, parent: china}\n",
        encoding="utf-8",
    )
    return data


@pytest.mark.parametrize("stage,year", [("midterm", 2023), ("final", 2024)])
def test_lagging_geography_says_the_year_and_the_gap(lagging_region, stage, year):
    """Data only to 2020: every target with data is 数据滞后; the findings say "最新数据为2020年"
    with the gap (高中阶段毛入学率 91.2 % in 2020 against ≥ 99 % every year: 差7.8); no forecast
    is printed, and a final report's cover promises none."""
    from planeval.reporting import build
    from planeval.reporting.findings import build_findings

    a = planeval.assess("children", "lag2020", year, data_dir=lagging_region, stage=stage)
    v = a.verdict
    assert v.lagging and all(a[i].forecast is None for i in v.lagging)
    assert v.rate.counted == 0
    senior = v["senior_secondary_gross_enrollment"]
    assert senior.status == "lagging" and senior.gap == pytest.approx(99 - 91.2, abs=1e-9)
    ctx = build.context_for(a, stage, "zh", lagging_region)
    findings = build_findings(ctx)
    text = " ".join(s.text for f in findings.problems for s in f.sentences)
    said = (
        "高中阶段教育毛入学率最新数据为2020年（91.2%），距“每年保持在99%以上”的目标尚差7.8个百分点"
    )
    assert said in text
    notices = " ".join(build.notices(ctx))
    assert "终期结果为" not in notices  # the forecast notices' words
    assert "最新数据" not in notices or "2021年以来尚无数据" in notices
    table = build.build_document(ctx).domains
    forecasts = [
        c.text
        for section in table
        if section.table is not None
        for row in section.table.rows
        for c in row.cells
        if c.column == "forecast"
    ]
    assert forecasts and set(forecasts) == {"—"}


def test_findings_of_a_past_target_year_never_ask_for_the_plan_end(tmp_path):
    """高中阶段教育毛入学率 given a target year 2022 (≥ 99 every year → at_least 99 in 2022):
    with national data to 2024 it is judged on the 2022 value 91.6 (未达标 in the mid-term
    report, 差7.4), with no forecast and no "要在2025年实现目标" sentence."""
    from dataclasses import replace

    from planeval.plans.catalogue import load_plan
    from planeval.reporting import build
    from planeval.reporting.findings import build_findings

    plan = load_plan("children", "data")
    targets = [
        replace(t, target_year=2022, target_type="at_least")
        if t.indicator_id == "senior_secondary_gross_enrollment"
        else t
        for t in plan.targets
    ]
    a = planeval.assess(replace(plan, targets=targets), "china", 2024, data_dir="data")
    r, t = a["senior_secondary_gross_enrollment"], a.verdict["senior_secondary_gross_enrollment"]
    assert r.forecast is None and (t.status, t.basis) == ("not_met", "target_year")
    assert t.gap == pytest.approx(99 - r.values[r.years.index(2022)], abs=1e-9)
    findings = build_findings(build.context_for(a, "midterm", "zh", "data"))
    mine = [
        s.text
        for f in findings.problems + findings.advice
        for s in f.sentences
        if s.indicator == "senior_secondary_gross_enrollment"
    ]
    assert mine and not any("要在2025年" in s or "需每年" in s for s in mine)
