"""A new region from nothing but data files (README "Adding your region"), and the bad input a
region's data can hold: each a clear error naming file, row, column and the fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import planeval
from planeval.cli import app
from planeval.core.errors import InputError
from planeval.plans.catalogue import load_all_plans, load_plan

runner = CliRunner()

GEOGRAPHIES = """\
geographies:
  - {code: ruritania, zh: 鲁里塔尼亚, en: Ruritania, level: country, parent: null}
  - {code: strelsau, zh: 斯特雷尔绍区, en: Strelsau District, level: district, parent: ruritania}
"""
DEPARTMENTS = """\
departments:
  - {zh: 卫健委, en: Health Commission}
  - {zh: 教育局, en: Education Bureau}
"""
PLAN = """\
plan: strelsau_children_2021_2030
aliases: [kids]
geography: strelsau
title_zh: 斯特雷尔绍区儿童发展规划（2021—2030年）
title_en: Strelsau District Children's Development Plan (2021-2030)
region_zh: 斯特雷尔绍区
region_en: Strelsau District
period_start: 2021
period_end: 2030
source: written for the test
domains:
  - {zh: 健康, en: Health}
  - {zh: 教育, en: Education}
targets:
  - {indicator_id: infant_mortality, domain: 健康, item: T1, name_zh: 婴儿死亡率,
     name_en: Infant mortality rate, unit: "‰", direction: decrease, target_type: at_most,
     target_value: 5.0, target_year: 2030, source_text: 婴儿死亡率降至5‰以下, department: 卫健委}
  - {indicator_id: hospital_delivery_rate, domain: 健康, item: T2, name_zh: 住院分娩率,
     name_en: Hospital delivery rate, unit: "%", direction: increase,
     target_type: maintain_at_least, target_value: 99.0, target_year: 2030,
     source_text: 住院分娩率保持在99%以上, department: 卫健委}
  - {indicator_id: preschool_gross_enrollment, domain: 教育, item: T1, name_zh: 学前教育毛入园率,
     name_en: Preschool gross enrolment rate, unit: "%", direction: increase,
     target_type: at_least, target_value: 95.0, target_year: 2030,
     source_text: 学前教育毛入园率达到95%以上, department: 教育局}
"""


def _new_region(root: Path) -> Path:
    """A data folder with a region's geographies, departments, one plan and no data yet."""
    data = root / "data"
    (data / "plans").mkdir(parents=True)
    (data / "observations" / "strelsau").mkdir(parents=True)
    (data / "geographies.yaml").write_text(GEOGRAPHIES, encoding="utf-8")
    (data / "departments.yaml").write_text(DEPARTMENTS, encoding="utf-8")
    (data / "plans" / "strelsau_children_2021_2030.yaml").write_text(PLAN, encoding="utf-8")
    return data


def _fill(path: Path, values: dict[str, float]) -> None:
    """Type values into the workbook's value column, as a department would."""
    wb = openpyxl.load_workbook(path)
    ws = wb["填报 data"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in values:
            row[5].value = values[row[0].value]
            row[8].value = "部门年报"
    wb.save(path)


def _department_files(data: Path, year: int, health: dict, education: dict) -> None:
    folder = data / "observations" / "strelsau"
    for department, values in (("卫健委", health), ("教育局", education)):
        out = folder / f"{year}_{department}.xlsx"
        args = ["template", "--department", department, "--year", str(year)]
        args += ["--geography", "strelsau", "--out", str(out), "--data-dir", str(data)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        _fill(out, values)


def test_a_new_region_from_data_files_only(tmp_path):
    """Department workbooks for 2021-2024 are merged per year, validated, stored and assessed
    under the plan's alias. Infant mortality 6.0, 5.6, 5.2, 4.8 ‰ falls 0.4 a year: the
    latest value is 4.8 (2024), below the 5 ‰ target."""
    data = _new_region(tmp_path)
    health = {2021: 6.0, 2022: 5.6, 2023: 5.2, 2024: 4.8}
    for year, infant in health.items():
        preschool = 90.0 + (year - 2021)
        _department_files(
            data,
            year,
            {"infant_mortality": infant, "hospital_delivery_rate": 99.5},
            {"preschool_gross_enrollment": preschool},
        )
    wb = openpyxl.load_workbook(data / "observations" / "strelsau" / "2024_卫健委.xlsx")
    ids = [r[0].value for r in wb["填报 data"].iter_rows(min_row=2)]
    assert ids == ["infant_mortality", "hospital_delivery_rate"]  # 卫健委's indicators only
    result = runner.invoke(app, ["validate", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert (data / "processed" / "observations" / "strelsau.parquet").exists()
    obs = planeval.load_observations("strelsau", data)
    assert sorted(obs["file"].map(lambda f: Path(f).name).unique())[:2] == [
        "2021_卫健委.xlsx",
        "2021_教育局.xlsx",
    ]
    a = planeval.assess("kids", "strelsau", 2024, data_dir=data)
    r = a["infant_mortality"]
    assert r.latest_year == 2024 and r.latest_value == pytest.approx(4.8)
    plan = load_plan("kids", data)
    assert plan.plan == "strelsau_children_2021_2030" and plan.period == (2021, 2030)
    status = tmp_path / "status.html"
    args = ["status", "--geography", "strelsau", "--year", "2024", "--out", str(status)]
    result = runner.invoke(app, [*args, "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    page = status.read_text(encoding="utf-8")
    assert "斯特雷尔绍区" in page and "2024_卫健委.xlsx" in page and "已全部报送" in page


def test_a_value_given_twice_with_different_numbers_names_both_files(tmp_path):
    data = _new_region(tmp_path)
    folder = data / "observations" / "strelsau"
    (folder / "2022_a.csv").write_text(
        "indicator_id,value,unit\ninfant_mortality,5.6,‰\n", encoding="utf-8"
    )
    (folder / "2022_b.csv").write_text(
        "indicator_id,value,unit\nhospital_delivery_rate,99.5,%\ninfant_mortality,5.7,‰\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        planeval.load_observations("strelsau", data)
    # each file is told of the conflict (either may hold the wrong number)
    problem, mirror = sorted(err.value.problems, key=lambda p: p.file, reverse=True)
    assert problem.file.endswith("2022_b.csv") and problem.row == 3
    assert "2022_a.csv row 2" in problem.message_en and "5.6" in problem.message_en
    assert mirror.file.endswith("2022_a.csv") and mirror.row == 2
    assert "2022_b.csv row 3" in mirror.message_en and "is 5.6 here" in mirror.message_en
    result = runner.invoke(app, ["validate", "--data-dir", str(data)])
    assert result.exit_code == 1 and "2022_a.csv row 2" in result.output
    (folder / "2022_b.csv").write_text(  # the same number twice is one value
        "indicator_id,value,unit\ninfant_mortality,5.6,‰\n", encoding="utf-8"
    )
    assert planeval.load_observations("strelsau", data)["value"].tolist() == [5.6]


def test_years_outside_every_plan_are_refused_with_the_range(tmp_path, monkeypatch):
    """The plan covers 2021-2030; data may reach 20 years back and never past the latest data
    year (today frozen at 6 December 2026: 2025, statistics being published the next year):
    2001 to 2025, one range in one message."""
    monkeypatch.setenv("PLANEVAL_TODAY", "2026-12-06")
    last = 2025
    data = _new_region(tmp_path)
    folder = data / "observations" / "strelsau"
    for year in (2031, 1925):
        (folder / f"{year}.csv").write_text(
            "indicator_id,value,unit\ninfant_mortality,5.6,‰\n", encoding="utf-8"
        )
    result = runner.invoke(app, ["validate", "--data-dir", str(data)])
    assert result.exit_code == 1
    assert f"data year 2031 is outside 2001–{last}" in result.output
    assert f"data year 1925 is outside 2001–{last}" in result.output


def test_unknown_geography_unknown_department_and_wrong_department(tmp_path):
    data = _new_region(tmp_path)
    # a folder for a geography the region does not list
    (data / "observations" / "zenda").mkdir()
    (data / "observations" / "zenda" / "2022.csv").write_text(
        "indicator_id,value,unit\ninfant_mortality,5.6,‰\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as err:
        planeval.load_observations("zenda", data)
    assert "geography 'zenda' is not in" in str(err.value) and "geographies.yaml" in str(err.value)
    shutil.rmtree(data / "observations" / "zenda")
    # a department the region does not have
    out = tmp_path / "x.xlsx"
    args = ["template", "--department", "妇联", "--year", "2022", "--geography", "strelsau"]
    result = runner.invoke(app, [*args, "--out", str(out), "--data-dir", str(data)])
    assert result.exit_code == 1 and "unknown department '妇联'" in result.output
    assert not out.exists()
    # 教育局's workbook saved under 卫健委's name, and a row typed into the wrong workbook
    _department_files(data, 2022, {"infant_mortality": 5.6}, {"preschool_gross_enrollment": 91})
    folder = data / "observations" / "strelsau"
    (folder / "2022_卫健委.xlsx").unlink()
    (folder / "2022_教育局.xlsx").rename(folder / "2022_卫健委.xlsx")
    result = runner.invoke(app, ["validate", "--data-dir", str(data)])
    assert result.exit_code == 1
    assert "the file name says 卫健委 but the workbook is 教育局's" in result.output


def test_a_row_of_another_department_is_refused(tmp_path):
    data = _new_region(tmp_path)
    _department_files(data, 2022, {"infant_mortality": 5.6}, {"preschool_gross_enrollment": 91})
    path = data / "observations" / "strelsau" / "2022_教育局.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["填报 data"]
    ws.protection.sheet = False
    ws.append(["hospital_delivery_rate", None, "%", None, None, 99.5])
    wb.save(path)
    with pytest.raises(InputError) as err:
        planeval.load_observations("strelsau", data)
    (problem,) = err.value.problems
    assert problem.row == 3 and problem.column == "indicator_id"
    assert "reported by 卫健委, not 教育局" in problem.message_en


def test_a_plan_name_or_alias_used_twice_names_both_files(tmp_path):
    data = _new_region(tmp_path)
    other = PLAN.replace("strelsau_children_2021_2030", "strelsau_other").replace(
        "title_zh: 斯特雷尔绍区儿童", "title_zh: 另一"
    )
    (data / "plans" / "other.yaml").write_text(other, encoding="utf-8")  # same alias 'kids'
    with pytest.raises(InputError) as err:
        load_all_plans(data)
    (problem,) = err.value.problems
    assert "'kids'" in problem.message_en and "other.yaml" in problem.message_en
    assert "strelsau_children_2021_2030.yaml" in problem.message_en


def test_a_plan_for_an_unlisted_geography_is_refused(tmp_path):
    data = _new_region(tmp_path)
    path = data / "plans" / "strelsau_children_2021_2030.yaml"
    path.write_text(PLAN.replace("geography: strelsau", "geography: zenda"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_plan("kids", data)
    (problem,) = err.value.problems
    assert problem.column == "geography" and "'zenda'" in problem.message_en


def test_geography_names_and_reference_line_come_from_the_data(tmp_path):
    from planeval.plans.registry import geography_name, reference_for
    from planeval.reporting.inputs import default_reference

    data = _new_region(tmp_path)
    assert geography_name("strelsau", "en", data) == "Strelsau District"
    assert reference_for("strelsau", data) == "ruritania"
    assert default_reference("strelsau", None, data) == "ruritania"
    assert default_reference("ruritania", None, data) == ""
    assert reference_for("baijiantan") == "china"  # the shipped hierarchy: district -> country
    bad = data / "geographies.yaml"
    bad.write_text(GEOGRAPHIES + "  - {code: x, zh: x, en: x, level: village}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        geography_name("x", "zh", data)
    assert err.value.problems[0].row == 4 and err.value.problems[0].column == "level"


def test_unknown_department_in_a_plan_names_the_departments_file(tmp_path):
    data = _new_region(tmp_path)
    path = data / "plans" / "strelsau_children_2021_2030.yaml"
    path.write_text(PLAN.replace("department: 教育局}", "department: 文旅局}"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_plan("kids", data)
    (problem,) = err.value.problems
    assert problem.column == "department" and problem.row is not None
    assert str(data / "departments.yaml") in problem.fix


@pytest.mark.parametrize("name", ["2023.csv", "2023_卫健委.xlsx", "2023_rev1.csv"])
def test_submission_names(name):
    from planeval.intake.observations import parse_submission_parts

    assert parse_submission_parts(name)[0] == 2023


def test_readme_region_steps_are_written():
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "## Adding your region" in text
    assert "data/geographies.yaml" in text and "--department" in text


def test_assess_refuses_a_year_outside_the_plan_with_the_range():
    args = ["assess", "--plan", "women", "--geography", "china", "--year", "2031"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "pass --year between 2020 and 2025" in result.output
