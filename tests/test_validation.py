"""Validation rules (pandera schema) with hand-computed tolerances, and `planeval validate`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from planeval.cli import app
from planeval.intake.observations import check_submission, sha256_of
from planeval.intake.schema import observation_schema, validate_frame
from planeval.plans.catalogue import known_units

HERE = Path(__file__).resolve().parent
GOOD = HERE / "data" / "good"
BAD = HERE / "data" / "bad"
HEADER = "indicator_id,value,female,male,unit\n"


@pytest.fixture(scope="module")
def units():
    return known_units(GOOD)


def _check(tmp_path, units, text, name="2023.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return check_submission(path, "demo", 2023, units)


@pytest.mark.parametrize(
    ("row", "ok"),
    [
        # rate (‰): female 2.0 and male 2.4 written with 1 decimal, total with 2: tolerance =
        # 0.5*10^-2 (total) + max(0.5*10^-1, 0.5*10^-1) (bounds) = 0.005 + 0.05 = 0.055, so the
        # total may lie in [2.0 - 0.055, 2.4 + 0.055] = [1.945, 2.455].
        ("neonatal_mortality,2.45,2.0,2.4,‰", True),
        ("neonatal_mortality,2.46,2.0,2.4,‰", False),
        ("neonatal_mortality,1.95,2.0,2.4,‰", True),
        ("neonatal_mortality,1.94,2.0,2.4,‰", False),
        # exact count (人), integers: female + male must equal the total: 120 + 130 = 250.
        ("employed_women,250,120,130,人", True),
        ("employed_women,251,120,130,人", False),
        # rounded count (万人), 1 decimal each: tolerance 3 * 0.05 = 0.15; 1.2 + 1.3 = 2.5.
        ("women_in_training,2.6,1.2,1.3,万人", True),  # |2.5 - 2.6| = 0.10 <= 0.15
        ("women_in_training,2.7,1.2,1.3,万人", False),  # 0.20 > 0.15
        # total 2 decimals: tolerance 0.05 + 0.05 + 0.005 = 0.105; |2.5 - 2.65| = 0.15 > 0.105
        ("women_in_training,2.65,1.2,1.3,万人", False),
    ],
)
def test_female_male_total_consistency(tmp_path, units, row, ok):
    check = _check(tmp_path, units, HEADER + row + "\n")
    assert (check.problems == []) is ok
    if not ok:
        (problem,) = check.problems
        assert problem.code == "sex_total" and problem.row == 2 and problem.column == "value"
        assert check.frame.empty  # none of the three contradicting values is kept


def test_no_consistency_check_without_all_three_or_for_other_units(tmp_path, units):
    text = (
        "indicator_id,value,female,male,unit\n"
        "neonatal_mortality,,2.0,2.4,‰\n"  # no total: nothing to compare
        "hospital_delivery_rate,99.9,,,%\n"
    )
    check = _check(tmp_path, units, text)
    assert check.problems == []
    assert sorted(check.frame["sex"]) == ["female", "male", "total"]


def test_gross_enrolment_may_exceed_100_other_percentages_not(tmp_path, units):
    text = (
        "indicator_id,value,unit\npreschool_gross_enrollment,104.5,%\n"
        "hospital_delivery_rate,100.01,%\n"
    )
    check = _check(tmp_path, units, text)
    assert [(p.row, p.message_en) for p in check.problems] == [
        (3, "percentage 100.01 is outside 0–100")
    ]


def test_every_problem_is_listed_not_just_the_first(tmp_path, units):
    text = (
        "indicator_id,value,unit,sex\n"
        "neonatal_mortality,x,‰,total\nneonatal_mortality,-1,‰,female\n"
        "foo,1,%,total\nhospital_delivery_rate,99,‰,total\nhospital_delivery_rate,120,%,male\n"
    )
    check = _check(tmp_path, units, text)
    assert [(p.row, p.column, p.code) for p in check.problems] == [
        (2, "value", "value"),
        (3, "value", "range"),
        (4, "indicator_id", "indicator"),
        (5, "unit", "unit"),
        (6, "value", "range"),
    ]


def test_schema_is_pandera_and_runs_without_a_catalogue():
    frame = pd.DataFrame(
        {
            "geography": ["demo"],
            "year": [2023],
            "indicator_id": ["x"],
            "sex": ["total"],
            "value": [-1.0],
            "unit": ["‰"],
            "file": ["f.csv"],
            "sheet": [None],
            "row": [2],
            "column": ["value"],
            "_content_year": [None],
            "_content_geography": [None],
            "_decimals": [0],
        }
    )
    assert type(observation_schema()).__module__.startswith("pandera")
    problems, bad = validate_frame(frame, units=None)  # no catalogue: unknown ids pass
    assert [p.code for p in problems] == ["range"] and bad == {0}


# --- planeval validate ----------------------------------------------------------------------

runner = CliRunner()


def test_validate_exit_0_when_clean():
    result = runner.invoke(
        app, ["validate", str(GOOD / "observations" / "demo"), "--data-dir", str(GOOD)]
    )
    assert result.exit_code == 0, result.output
    assert "clean: 4 file(s)" in result.output


def test_validate_exit_1_listing_every_problem(tmp_path):
    html = tmp_path / "report.html"
    result = runner.invoke(
        app,
        [
            "validate",
            str(BAD / "2023_many_problems.csv"),
            str(BAD / "2023_bad_sex.csv"),
            "--data-dir",
            str(GOOD),
            "--geography",
            "demo",
            "--html",
            str(html),
        ],
    )
    assert result.exit_code == 1
    assert "5 problem(s) in the input" in result.output
    for text in (
        "percentage 101 is outside 0–100",
        "value 'two' is not a number",
        "unit '‰' does not match",
        "unknown indicator 'preschool_gross_enrolment'",
        "sex 'both' is not one of",
    ):
        assert text in result.output
    page = html.read_text(encoding="utf-8")
    assert "发现 5 个问题" in page and "未知指标 &#39;preschool_gross_enrolment&#39;" in page
    files = BeautifulSoup(page, "html.parser").find_all("table")[0].find_all("tr")[1:]
    cells = [[td.get_text() for td in tr.find_all("td")] for tr in files]
    # file, year, vintage, encoding, sheets, values read, problems, sha256 (first 16 digits)
    assert [c[:7] for c in cells] == [
        [str(BAD / "2023_many_problems.csv"), "2023", "0", "utf-8", "", "1", "4"],
        [str(BAD / "2023_bad_sex.csv"), "2023", "0", "utf-8", "", "0", "1"],
    ]
    assert cells[0][7] == sha256_of(BAD / "2023_many_problems.csv")[:16]


def test_html_report_escapes_submitted_text(tmp_path):
    (tmp_path / "2023.csv").write_text(
        "indicator_id,value,unit,note\nneonatal_mortality,2.1,‰,<script>alert(1)</script>\n"
        "<b>bad</b>,1,%,\n",
        encoding="utf-8",
    )
    html = tmp_path / "out.html"
    result = runner.invoke(
        app, ["validate", str(tmp_path / "2023.csv"), "--data-dir", str(GOOD), "--html", str(html)]
    )
    assert result.exit_code == 1
    page = html.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bad</b>" not in page and "&lt;b&gt;bad&lt;/b&gt;" in page


def test_validate_without_paths_checks_all_and_rebuilds_the_store(tmp_path):
    for part in ("plans", "observations"):
        shutil.copytree(GOOD / part, tmp_path / part)
    shutil.copy(GOOD / "indicators.yaml", tmp_path / "indicators.yaml")
    result = runner.invoke(app, ["validate", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "processed" / "observations" / "demo.parquet").exists()


def test_validate_unknown_year_is_a_problem_and_year_option_fixes_it(tmp_path):
    path = tmp_path / "submission.csv"
    shutil.copy(GOOD / "encodings" / "2023_utf8.csv", path)
    result = runner.invoke(app, ["validate", str(path), "--data-dir", str(GOOD)])
    assert result.exit_code == 1 and "cannot tell the year from the file name" in result.output
    result = runner.invoke(app, ["validate", str(path), "--data-dir", str(GOOD), "--year", "2023"])
    assert result.exit_code == 0, result.output


def test_validate_lists_at_most_the_settings_count_then_says_how_many_more(tmp_path):
    """The terminal shows ``intake.max_problems_listed`` problems, then the rest as a count:
    the 5 problems of the two bad files with a limit of 2 give 2 lines and '3 more' (a
    200,000-row file printed 200,000 lines); --html still lists all 5."""
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    (data / "config").mkdir(exist_ok=True)
    settings = yaml.safe_load((HERE.parent / "data/config/assessment.yaml").read_text("utf-8"))
    settings.setdefault("intake", {})["max_problems_listed"] = 2
    (data / "config" / "assessment.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    html = tmp_path / "report.html"
    files = [str(BAD / "2023_many_problems.csv"), str(BAD / "2023_bad_sex.csv")]
    args = ["validate", *files, "--data-dir", str(data), "--geography", "demo"]
    result = runner.invoke(app, [*args, "--html", str(html)])
    assert result.exit_code == 1
    assert "5 problem(s) in the input" in result.output
    assert result.output.count("\n  - ") == 2
    assert "3 more problem(s)" in result.output and "另有 3 个问题未在此列出" in result.output
    assert "发现 5 个问题" in html.read_text(encoding="utf-8")


def test_a_binary_file_named_csv_is_said_to_be_no_text_not_an_encoding(tmp_path):
    """A PNG renamed 2023.csv holds NUL bytes: it is 'not text' (send the table itself), not
    an encoding to re-save, which the newcomer trial was told."""
    path = tmp_path / "2023.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    result = runner.invoke(
        app, ["validate", str(path), "--data-dir", str(GOOD), "--geography", "demo"]
    )
    assert result.exit_code == 1
    assert "the file is not text" in result.output and "文件不是文本文件" in result.output
    assert "detected:" not in result.output
