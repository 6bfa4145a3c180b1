"""Defects a newcomer met following only README.md: each case as they typed it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planeval.cli import app
from planeval.core.errors import InputError
from planeval.publish.checks import check_can_create, check_out_folder

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

needs_sys = pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux /sys")


@pytest.fixture()
def base(tmp_path: Path) -> Path:
    """A copy of the shipped data folder without its built database."""
    folder = tmp_path / "base"
    shutil.copytree(ROOT / "data", folder, ignore=shutil.ignore_patterns("processed"))
    return folder


# 1. an output folder that cannot be written


@needs_sys
def test_out_folder_that_cannot_be_created_is_refused_up_front():
    with pytest.raises(InputError) as err:
        check_out_folder("/sys/nc_out")
    text = str(err.value)
    assert "/sys" in text and "cannot write" in text and "无法" in text


@needs_sys
def test_report_into_unwritable_folder_is_a_message_not_a_traceback(base: Path):
    result = runner.invoke(
        app,
        ["report", "--plan", "women", "--stage", "midterm", "--year", "2023"]
        + ["--geography", "china", "--data-dir", str(base), "--out", "/sys/nc_out"],
    )
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "cannot write in the folder /sys" in result.output


@needs_sys
def test_batch_into_unwritable_folder_is_refused(tmp_path: Path):
    with pytest.raises(InputError, match="cannot write"):
        check_can_create("/sys/nc_out/deeper", "out")
    check_can_create(tmp_path / "new" / "deeper", "out")  # creatable: no error


def test_os_error_while_writing_is_a_clear_failure(base: Path, tmp_path: Path, monkeypatch):
    """A read-only file system noticed only when writing (EROFS from the atomic write)."""
    import planeval.publish.runner as runner_module

    def read_only(*args, **kwargs):
        raise OSError(30, "Read-only file system", str(tmp_path / ".x.html.tmp"))

    monkeypatch.setattr(runner_module, "build_report", read_only)
    result = runner.invoke(
        app,
        ["report", "--plan", "women", "--stage", "midterm", "--year", "2023"]
        + ["--geography", "china", "--data-dir", str(base), "--out", str(tmp_path)],
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "could not write the report" in result.output and "Read-only" in result.output
    assert "无法" in result.output


def test_report_prints_every_file_written(base: Path, tmp_path: Path, monkeypatch):
    import planeval.publish.runner as runner_module

    class Done:
        path = tmp_path / "china_women_midterm_2023.html"

    monkeypatch.setattr(runner_module, "build_report", lambda *a, **k: Done())
    result = runner.invoke(
        app,
        ["report", "--plan", "women", "--stage", "midterm", "--year", "2023"]
        + ["--geography", "china", "--data-dir", str(base), "--out", str(tmp_path)]
        + ["--format", "html,docx,pdf"],
    )
    assert result.exit_code == 0, result.output
    for ext in ("html", "docx", "pdf"):
        assert f"wrote {tmp_path / ('china_women_midterm_2023.' + ext)}" in result.output


def _validate(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


# 2. a file whose name is not a year, in a folder that is checked whole


def test_stray_file_in_folder_is_reported_like_when_named(base: Path):
    folder = base / "observations" / "baijiantan"
    shutil.copy(folder / "2020.csv", folder / "abc.csv")
    for name in (".gitkeep", "README.md", "~$2020.xlsx"):  # clearly not data: ignored
        (folder / name).write_text("x", encoding="utf-8")
    code, whole = _validate("--data-dir", str(base), str(folder))
    assert code == 1
    assert f"{folder / 'abc.csv'}: cannot tell the year from the file name" in whole
    _, named = _validate("--data-dir", str(base), str(folder / "abc.csv"))
    assert "cannot tell the year from the file name" in named
    for name in (".gitkeep", "README.md", "~$2020.xlsx"):
        assert name not in whole


def test_stray_file_stops_loading_the_geography(base: Path):
    from planeval.intake.observations import load_observations

    folder = base / "observations" / "baijiantan"
    shutil.copy(folder / "2020.csv", folder / "abc.csv")
    (folder / ".gitkeep").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="abc.csv: file name not understood"):
        load_observations(base, "baijiantan")


# 3. implausible years


def test_years_outside_plans_and_after_this_year_are_refused(base: Path, monkeypatch):
    """On 6 December 2026 (frozen): the latest data year is 2025 (statistics of a year are
    published the next year), so 2026.csv and 2027.csv are refused with 1925.csv."""
    monkeypatch.setenv("PLANEVAL_TODAY", "2026-12-06")
    folder = base / "observations" / "baijiantan"
    for year in (1925, 2026, 2027):
        shutil.copy(folder / "2020.csv", folder / f"{year}.csv")
    code, out = _validate("--data-dir", str(base), str(folder))
    assert code == 1
    # one range, in one message (issue 22: it gave 2001–2030 and 2001–<this year>)
    assert "1925.csv: data year 1925 is outside 2001–2025" in out
    assert "data years run from 2001 to 2025" in out and "2001–2030" not in out
    assert "2026.csv: data year 2026 is outside 2001–2025" in out
    assert "the statistics of 2026 are published in 2027 (today 2026-12-06)" in out
    assert "2027.csv: data year 2027 is outside 2001–2025" in out
    assert "2027 is not over yet (today 2026-12-06)" in out


# 4. command-line flags contradicting a CSV's name or folder


def test_year_flag_contradicting_csv_name_is_refused(base: Path):
    csv = base / "observations" / "baijiantan" / "2020.csv"
    code, out = _validate(
        "--data-dir", str(base), str(csv), "--year", "2019", "--geography", "baijiantan"
    )
    assert code == 1
    assert "--year 2019 but the file name says 2020" in out and "文件名" in out
    code, _ = _validate("--data-dir", str(base), str(csv), "--year", "2020")
    assert code == 0


def test_geography_flag_contradicting_folder_is_refused(base: Path):
    csv = base / "observations" / "baijiantan" / "2020.csv"
    code, out = _validate("--data-dir", str(base), str(csv), "--geography", "china")
    assert code == 1
    assert "--geography china but the file is in the folder of baijiantan" in out


# 5. messages


def test_unknown_geography_is_refused_before_any_file_is_called_ok(base: Path):
    csv = base / "observations" / "baijiantan" / "2020.csv"
    code, out = _validate("--data-dir", str(base), str(csv), "--geography", "0101")
    assert code == 1
    assert "'0101'" in out and "ok " not in out


def test_plan_file_missing_keys_says_the_fix_in_chinese_too(base: Path):
    from planeval.plans.catalogue import load_plan

    path = base / "plans" / "baijiantan_women_2021_2025.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first_type = next(i for i, line in enumerate(lines) if line.strip().startswith("target_type:"))
    del lines[first_type]
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_plan("women", base)
    assert "Fix: add 'target_type:' / 修改方法：添加 'target_type:'" in str(err.value)

    text = "".join(line for line in lines if not line.startswith("period_end:"))
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_plan("women", base)
    assert "Fix: add 'period_end:' / 修改方法：添加 'period_end:'" in str(err.value)


def test_every_target_fault_has_a_chinese_fix():
    """Each rule's fix is an (English, Chinese) pair: the plan checks' faults on a target
    that breaks many rules at once all carry both."""
    from planeval.plans.checks import TARGET_RULES, Context
    from planeval.plans.registry import load_vocabulary

    target = {
        "indicator_id": "x",
        "name_zh": "",
        "target_type": "about",
        "direction": "sideways",
        "unit": "furlong",
        "domain": "nowhere",
        "department": "nobody",
        "item": "Q1",
        "target_value": "many",
        "tolerance": -1,
        "baseline_value": "x",
        "target_year": 1990,
        "sdg": "x",
        "source_line": 0,
        "sex_disaggregated": "yes",
        "extra": 1,
    }
    ctx = Context(
        period=(2021, 2025), domains={"health"}, vocabulary=load_vocabulary(ROOT / "data")
    )
    faults = [f for rule in TARGET_RULES for f in rule(target, ctx)]
    assert len(faults) >= 8
    for f in faults:
        en, zh = f.fix
        assert en and zh and zh != en


# 6. README


def test_readme_forecast_call_gives_the_assessments_numbers():
    """README's exploring snippet: ``planeval.forecast(r, r.target_year)`` is the assessment's
    forecast (model, median, 80 % interval), not a linear refit."""
    import planeval

    a = planeval.assess("children", "china", 2024, data_dir=ROOT / "data")
    r = a["senior_secondary_gross_enrollment"]
    f = planeval.forecast(r, r.target_year)
    assert f.model == r.model
    assert f.value == pytest.approx(r.forecast)
    assert (f.pi80_low, f.pi80_high) == pytest.approx((r.pi80_low, r.pi80_high))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "planeval.forecast(r, r.target_year)     # the assessment's numbers" in readme


def test_readme_names_only_files_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "runs/all.yaml" not in readme
    for path in (
        "data/runs/main.yaml",
        "data/geographies.yaml",
        "data/departments.yaml",
        "data/units.yaml",
        "data/narrative/",
        "data/config/calibration.yaml",
    ):
        assert (ROOT / path).exists(), path
    layout = readme[readme.index("## Layout") :]
    for name in ("geographies.yaml", "departments.yaml", "units.yaml", "data/narrative/"):
        assert name in layout, name
    assert "calibration.yaml" in layout
    assert "--out 2025.xlsx" not in readme and "--html 2025_check.html" not in readme


def test_year_that_is_not_a_number_is_refused_in_both_languages(base: Path):
    result = runner.invoke(
        app, ["assess", "--plan", "women", "--geography", "china", "--year", "abc"]
    )
    assert result.exit_code == 2
    assert "'abc' is not a year" in result.output and "不是年份" in result.output


def test_settings_problems_say_the_fix_in_chinese_too(tmp_path: Path):
    from planeval.core.settings import load_settings

    config = tmp_path / "config"
    config.mkdir()
    text = (ROOT / "data" / "config" / "assessment.yaml").read_text(encoding="utf-8")
    text = text.replace("on_track_min_p: 0.75", "on_track_min_p: 7.5")
    text = text.replace("  levels: [0.80, 0.95]", "  levels: high")
    (config / "assessment.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_settings(tmp_path)
    assert len(err.value.problems) >= 2
    for p in err.value.problems:
        assert p.fix and p.fix_zh, str(p)


@needs_sys
def test_status_page_into_unwritable_folder_is_a_message(base: Path):
    result = runner.invoke(
        app,
        ["status", "--geography", "baijiantan", "--year", "2020"]
        + ["--data-dir", str(base), "--out", "/sys/nc_status.html"],
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "cannot write in the folder /sys" in result.output
