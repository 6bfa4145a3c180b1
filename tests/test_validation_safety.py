"""`planeval validate` / `template` never call a file clean without a catalogue and never
destroy a file they were not asked to write."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planeval.cli import app
from planeval.core.errors import InputError
from planeval.intake.observations import require_catalogue
from planeval.intake.workbook import write_template
from planeval.reporting.validation_page import write_validation_report

HERE = Path(__file__).resolve().parent
GOOD = HERE / "data" / "good"
runner = CliRunner()


@pytest.fixture
def submission(tmp_path):
    folder = tmp_path / "z"
    folder.mkdir()
    path = folder / "2021.csv"
    shutil.copy(GOOD / "observations" / "demo" / "2021.csv", path)
    return path


@pytest.mark.parametrize("data_dir", ["nonexist", "empty"])
def test_validate_without_catalogue_is_a_hard_error(tmp_path, submission, data_dir):
    (tmp_path / "empty").mkdir()
    args = ["validate", str(submission), "--geography", "demo"]
    result = runner.invoke(app, [*args, "--data-dir", str(tmp_path / data_dir)])
    assert result.exit_code == 1
    assert "clean" not in result.output
    assert "--data-dir" in result.output
    if data_dir == "nonexist":
        assert f"data folder '{tmp_path / 'nonexist'}' not found" in result.output
        assert "找不到数据目录" in result.output
    else:
        assert "no plan files (plans/*.yaml)" in result.output


def test_require_catalogue_passes_with_plans():
    require_catalogue(GOOD)  # no error
    with pytest.raises(InputError) as info:
        require_catalogue(GOOD / "plans")
    assert info.value.problems[0].fix_zh.startswith("用 --data-dir")


def test_missing_submission_file_says_file_not_found(tmp_path):
    result = runner.invoke(
        app, ["validate", str(tmp_path / "nonexist.csv"), "--data-dir", str(GOOD)]
    )
    assert result.exit_code == 1
    assert "nonexist.csv: file not found / 找不到文件" in result.output
    assert "cannot tell the year" not in result.output


def test_html_never_overwrites_the_submission(submission):
    before = submission.read_bytes()
    result = runner.invoke(
        app,
        ["validate", str(submission), "--data-dir", str(GOOD), "--geography", "demo",
         "--html", str(submission), "--force"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "the report would overwrite a file being checked" in result.output
    assert submission.read_bytes() == before


def test_html_refuses_a_file_inside_a_validated_folder(submission):
    result = runner.invoke(
        app,
        ["validate", str(submission.parent), "--data-dir", str(GOOD), "--geography", "demo",
         "--html", str(submission)],
    )  # fmt: skip
    assert result.exit_code == 1 and "would overwrite a file being checked" in result.output


def test_html_refuses_other_existing_files_and_needs_force_for_html(tmp_path, submission):
    other = tmp_path / "budget.xlsx"
    other.write_bytes(b"precious")
    base = ["validate", str(submission), "--data-dir", str(GOOD), "--geography", "demo"]
    result = runner.invoke(app, [*base, "--html", str(other), "--force"])
    assert result.exit_code == 1 and "is not an .html file" in result.output
    assert other.read_bytes() == b"precious"
    page = tmp_path / "report.html"
    page.write_text("old", encoding="utf-8")
    result = runner.invoke(app, [*base, "--html", str(page)])
    assert result.exit_code == 1 and "pass --force to replace it" in result.output
    assert page.read_text(encoding="utf-8") == "old"
    result = runner.invoke(app, [*base, "--html", str(page), "--force"])
    assert result.exit_code == 0, result.output
    assert "数据校验报告" in page.read_text(encoding="utf-8")


def test_html_missing_folder_is_an_input_error(tmp_path, submission):
    with pytest.raises(InputError) as info:
        write_validation_report(tmp_path / "no" / "r.html", [], [], GOOD)
    assert info.value.problems[0].message_en == f"folder '{tmp_path / 'no'}' does not exist"
    result = runner.invoke(
        app,
        ["validate", str(submission), "--data-dir", str(GOOD), "--geography", "demo",
         "--html", "/proc/nope/x.html"],
    )  # fmt: skip
    assert result.exit_code == 1 and "folder '/proc/nope' does not exist" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_template_unwritable_out_is_an_input_error():
    with pytest.raises(InputError) as info:
        write_template("demo", 2023, "demo", "/proc/nope/x.xlsx", data_dir=GOOD)
    assert info.value.problems[0].message_en.startswith("cannot write the workbook")
    result = runner.invoke(
        app,
        ["template", "--plan", "demo", "--year", "2023", "--geography", "demo",
         "--data-dir", str(GOOD), "--out", "/proc/nope/x.xlsx"],
    )  # fmt: skip
    assert result.exit_code == 1 and "无法写入模板工作簿" in result.output


def test_failed_validate_of_everything_says_store_not_rebuilt(tmp_path):
    for part in ("plans", "observations"):
        shutil.copytree(GOOD / part, tmp_path / part)
    shutil.copy(GOOD / "indicators.yaml", tmp_path / "indicators.yaml")
    (tmp_path / "observations" / "demo" / "2021.csv").write_text(
        "indicator_id,value,unit\nneonatal_mortality,1200,‰\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["validate", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "the processed store (DATA_DIR/processed) was not rebuilt" in result.output
    assert not (tmp_path / "processed").exists()
