"""The latest data year (issue 22): yearly statistics of year Y are published in Y + 1, so on
6 December 2026 the latest data year is 2025 and a ``2026.csv`` is refused by ``validate`` and
by the report alike, naming the file, the rule and the settings key
(``intake.publication_lag_years``). Before: the current year counted as a data year, and a 2026
file was accepted in December 2026.

"Today" is frozen with ``PLANEVAL_TODAY`` (the tests never read the real clock).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_batch import make_tiny_world
from typer.testing import CliRunner

from planeval.cli import app
from planeval.core.errors import InputError
from planeval.plans.requests import data_years, latest_data_year, today
from planeval.publish.checks import check_inputs
from planeval.reporting.spec import ReportSpec

DATA = Path(__file__).resolve().parents[1] / "data"
UNPUBLISHED_EN = (
    "2026.csv: data year 2026 is outside 2001–2025, the years data can be given for; "
    "the statistics of 2026 are published in 2027 (today 2026-12-06); "
    "the latest data year is 2025 (intake.publication_lag_years: 1)"
)
UNPUBLISHED_ZH = "2026 年的统计数据 2027 年才发布（今天是 2026-12-06）"


@pytest.fixture
def world_2026(tmp_path) -> Path:
    """A tiny world (data 2019–2023; its plan's period made 2021–2030, so that 2026 lies in
    it) with a file of 2026 beside the others."""
    data = make_tiny_world(tmp_path, geographies=("geo_a",))
    plan = data / "plans" / "tiny.yaml"
    text = plan.read_text(encoding="utf-8")
    assert "period_end: 2025" in text
    plan.write_text(text.replace("period_end: 2025", "period_end: 2030"), encoding="utf-8")
    folder = data / "observations" / "geo_a"
    shutil.copy(folder / "2023.csv", folder / "2026.csv")
    return data


def validate(data: Path):
    return CliRunner().invoke(app, ["validate", "--data-dir", str(data)])


def test_in_december_the_current_year_is_not_a_data_year(monkeypatch):
    """6 Dec 2026 - lag 1 = 2025; the shipped plans reach 2030, their history starts 2001."""
    monkeypatch.setenv("PLANEVAL_TODAY", "2026-12-06")
    assert latest_data_year(DATA) == 2025
    assert data_years(DATA) == (2001, 2025)
    monkeypatch.setenv("PLANEVAL_TODAY", "2027-01-01")  # the 2026 statistics are out
    assert latest_data_year(DATA) == 2026 and data_years(DATA) == (2001, 2026)


def test_validate_and_the_report_refuse_a_2026_file_in_december_2026(world_2026, monkeypatch):
    """validate fails the file; the report of 2024 (which loads every file of the geography)
    refuses with the same words; a report of 2026 is refused for the same reason."""
    monkeypatch.setenv("PLANEVAL_TODAY", "2026-12-06")
    result = validate(world_2026)
    assert result.exit_code == 1
    assert UNPUBLISHED_EN in result.output and UNPUBLISHED_ZH in result.output
    failed = [ln.split()[1] for ln in result.output.splitlines() if ln.startswith("FAIL")]
    assert [Path(f).name for f in failed] == ["2026.csv:"]
    with pytest.raises(InputError) as exc:
        check_inputs(ReportSpec("tiny", "annual", 2024, "geo_a"), world_2026)
    (problem,) = exc.value.problems
    assert problem.file.endswith("2026.csv") and str(problem) in result.output
    with pytest.raises(InputError) as exc:
        check_inputs(ReportSpec("tiny", "annual", 2025, "geo_a").with_(year=2026), world_2026)
    assert "the statistics of 2026 are published in 2027" in str(exc.value)
    assert "--year between 2020 and 2025" in str(exc.value)  # the plan runs to 2030


def test_the_same_file_is_accepted_once_the_year_is_published(world_2026, monkeypatch):
    monkeypatch.setenv("PLANEVAL_TODAY", "2027-01-02")
    result = validate(world_2026)
    assert result.exit_code == 0, result.output
    assert check_inputs(ReportSpec("tiny", "annual", 2024, "geo_a"), world_2026).spec.year == 2024


def test_an_office_publishing_within_the_year_sets_the_lag_to_zero(world_2026, monkeypatch):
    """intake.publication_lag_years: 0 makes the current year a data year (the old rule)."""
    monkeypatch.setenv("PLANEVAL_TODAY", "2026-12-06")
    settings = world_2026 / "config" / "assessment.yaml"
    text = settings.read_text(encoding="utf-8")
    assert "publication_lag_years: 1" in text
    settings.write_text(text.replace("publication_lag_years: 1", "publication_lag_years: 0"))
    assert latest_data_year(world_2026) == 2026
    assert validate(world_2026).exit_code == 0


def test_a_year_not_over_is_said_so(world_2026, monkeypatch):
    monkeypatch.setenv("PLANEVAL_TODAY", "2026-12-06")
    folder = world_2026 / "observations" / "geo_a"
    (folder / "2026.csv").rename(folder / "2027.csv")
    output = validate(world_2026).output
    assert "2027.csv: data year 2027 is outside 2001–2025" in output
    assert "2027 is not over yet (today 2026-12-06)" in output
    assert "2027 年尚未结束（今天是 2026-12-06）" in output


@pytest.mark.parametrize("value", ["-1", "6", "1.5", "true"])
def test_a_lag_out_of_range_is_a_settings_problem(tmp_path, value):
    from planeval.core.settings import load_settings

    (tmp_path / "config").mkdir()
    text = (DATA / "config" / "assessment.yaml").read_text(encoding="utf-8")
    (tmp_path / "config" / "assessment.yaml").write_text(
        text.replace("publication_lag_years: 1", f"publication_lag_years: {value}"),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="intake.publication_lag_years .* a whole number"):
        load_settings(tmp_path)


def test_a_bad_frozen_date_is_refused_in_both_languages(monkeypatch):
    monkeypatch.setenv("PLANEVAL_TODAY", "6.12.2026")
    with pytest.raises(InputError) as exc:
        today()
    (problem,) = exc.value.problems
    assert "is not a date" in problem.message_en and "不是日期" in problem.message_zh
    assert "YYYY-MM-DD" in problem.fix
