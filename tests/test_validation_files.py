"""`planeval validate` runs the checks a report's loading runs and lists every problem of every
file in one pass (issue 22 item 5): a file whose year no data can have (1925.csv, 2031.csv), a
value two files give differently, files named so the store would not read them
(新疆2021年.csv) are never "ok"; the year range is one range, in one message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planeval.cli import app
from planeval.core.errors import InputError
from planeval.intake.observations import check_paths, load_observations
from planeval.plans.catalogue import known_units
from planeval.plans.requests import data_years

DATA = Path(__file__).resolve().parents[1] / "data"
HEADER = "indicator_id,value,unit,sex,source,note\n"
ROW = "under5_mortality,5.6,‰,total,卫健委,\n"


@pytest.fixture
def folder(tmp_path) -> Path:
    """A data folder with the shipped catalogue and one geography's yearly files."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copytree(DATA / "plans", data / "plans")
    shutil.copytree(DATA / "config", data / "config")
    for name in ("geographies.yaml", "departments.yaml", "units.yaml", "indicators.yaml"):
        shutil.copy(DATA / name, data / name)
    (data / "observations" / "baijiantan").mkdir(parents=True)
    return data


def _write(data: Path, name: str, text: str = HEADER + ROW) -> Path:
    path = data / "observations" / "baijiantan" / name
    path.write_text(text, encoding="utf-8")
    return path


def _validate(data: Path):
    result = CliRunner().invoke(app, ["validate", "--data-dir", str(data)])
    lines = {
        line.split(" ", 1)[1].split(":")[0]: line.split(" ", 1)[0]
        for line in result.stdout.splitlines()
        if line.startswith(("ok", "FAIL"))
    }
    return result, {Path(k).name: v for k, v in lines.items()}


def test_years_no_data_can_have_fail_with_one_range(folder):
    """Both were 'ok … 0 problem(s)', then refused by the run; the message gave two ranges
    (2001–2030 and 2001–2026)."""
    for name in ("1925.csv", "2031.csv", "2023.csv"):
        _write(folder, name)
    result, status = _validate(folder)
    assert result.exit_code == 1
    assert status == {"1925.csv": "FAIL", "2031.csv": "FAIL", "2023.csv": "ok"}
    first, last = data_years(folder)
    assert f"data year 1925 is outside {first}–{last}, the years data can be given for" in (
        result.stderr
    )
    assert f"数据年份 2031 不在可报送的年份范围 {first}—{last} 内" in result.stderr
    assert "2001–2030" not in result.stderr  # one range only


def test_both_files_of_a_conflict_fail_and_each_names_the_other(folder):
    _write(folder, "2023.csv")
    _write(folder, "2023_卫健委.csv", HEADER + ROW.replace("5.6", "5.9"))
    result, status = _validate(folder)
    assert status == {"2023.csv": "FAIL", "2023_卫健委.csv": "FAIL"}
    assert "is 5.6 here but 5.9 in" in result.stderr and "2023_卫健委.csv row 2" in result.stderr
    assert "is 5.9 here but 5.6 in" in result.stderr


def test_every_misnamed_file_fails_and_the_fix_names_the_file_to_save(folder):
    """With three misnamed files validate listed two: 新疆2021年.csv was shown as ok."""
    for name in ("新疆2021年.csv", "2022 (1).csv", "白碱滩2023年数据.csv"):
        _write(folder, name)
    result, status = _validate(folder)
    assert set(status.values()) == {"FAIL"} and len(status) == 3
    assert "Fix: name it 2021.csv" in result.stderr and "命名为 2021.csv" in result.stderr
    assert "Fix: name it 2022.csv" in result.stderr and "name it 2023.csv" in result.stderr


def test_validate_names_the_files_the_run_refuses(folder):
    """The report's loading (load_observations) and validate find the same files in trouble,
    each listing every problem in one pass (the conflict too, beside the other problems)."""
    _write(folder, "1925.csv")
    _write(folder, "新疆2021年.csv")
    _write(folder, "2023.csv")
    _write(folder, "2023_卫健委.csv", HEADER + ROW.replace("5.6", "5.9"))
    units = known_units(folder)
    with pytest.raises(InputError) as info:
        load_observations(folder, "baijiantan", units)
    refused = {Path(p.file).name for p in info.value.problems}
    checks, rest = check_paths([folder / "observations"], folder, units)
    failed = {c.path.name for c in checks if not c.ok} | {Path(p.file).name for p in rest}
    assert refused == failed == {"1925.csv", "新疆2021年.csv", "2023.csv", "2023_卫健委.csv"}


def test_validate_refuses_impossible_requests_as_every_command_does(folder):
    """validate uses the shared request checks (plans.requests): a display name gets the
    code it matches, a --year no data can have the one range, before any file is called ok."""
    path = _write(folder, "2023.csv")
    runner = CliRunner()
    result = runner.invoke(
        app, ["validate", str(path), "--data-dir", str(folder), "--geography", "新疆维吾尔自治区"]
    )
    assert result.exit_code == 1 and "ok " not in result.stdout
    assert "it matches xinjiang" in result.stderr and "--geography xinjiang" in result.stderr
    outside = folder / "x" / "submission.csv"
    outside.parent.mkdir()
    outside.write_text(HEADER + ROW, encoding="utf-8")
    result = runner.invoke(
        app, ["validate", str(outside), "--data-dir", str(folder), "--year", "1925"]
    )
    first, last = data_years(folder)
    assert result.exit_code == 1 and f"data year 1925 is outside {first}–{last}" in result.stderr
