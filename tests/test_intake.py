"""Reading submissions as sent: encodings, xlsx, values written the way people write them,
vintages, and input files left untouched."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

import planeval
from planeval.core.errors import InputError
from planeval.intake.observations import (
    FRAME_COLUMNS,
    check_paths,
    check_submission,
    load_observations,
    parse_submission_name,
    revision_history,
    sha256_of,
)
from planeval.intake.parsing import canonical_column, parse_value
from planeval.plans.catalogue import known_units

GOOD = Path(__file__).resolve().parent / "data" / "good"
ENC = GOOD / "encodings"
DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def units():
    return known_units(GOOD)


# --- values written the way people write them --------------------------------------------


@pytest.mark.parametrize(
    ("raw", "unit", "value", "note_part"),
    [
        ("95.2", "%", 95.2, ""),
        ("99.5%", "%", 99.5, "'%' removed"),
        ("99.5 %", "%", 99.5, "'%' removed"),
        ("５.１‰", "‰", 5.1, "full-width characters converted"),
        ("１２３.４", "人", 123.4, "full-width characters converted"),
        ("1,234", "人", 1234.0, "thousands separators removed"),
        ("12,345,678.5", "人", 12345678.5, "thousands separators removed"),
        (" 95.2 ", "%", 95.2, "spaces removed"),
        ("\u300095.2", "%", 95.2, "full-width characters converted"),
        ("−3", "人", -3.0, "full-width characters converted"),  # U+2212 minus sign
        ("1.5e3", "人", 1500.0, ""),
        (".5", "%", 0.5, ""),
    ],
)
def test_values_people_write_are_read_and_the_change_noted(raw, unit, value, note_part):
    parsed = parse_value(raw, unit)
    assert parsed.ok and parsed.value == value
    if note_part:
        assert note_part in parsed.note and f"'{raw}' read as" in parsed.note
    else:
        assert parsed.note == ""


@pytest.mark.parametrize("raw", ["", "—", "-", "暂无", "/", "——", "…", "NA", "－", "／", " "])
def test_missing_markers_give_no_value_with_a_note(raw):
    parsed = parse_value(raw, "%")
    assert parsed.ok and parsed.missing and parsed.value is None
    assert parsed.note  # never a silent NaN


@pytest.mark.parametrize(
    ("raw", "unit", "fragment"),
    [
        ("约95", "%", "is not a number"),
        (">99", "%", "is not a number"),
        ("nan", "%", "is not a number"),
        ("inf", "%", "is not a number"),
        ("1_000", "人", "is not a number"),
        ("5²", "人", "is not a number"),  # NFKC would have read this as 52
        ("12,5", "%", "is ambiguous"),
        ("1,23,456", "人", "is ambiguous"),
        ("2.1%", "‰", "carries '%' but the unit is '‰'"),
        ("1e999", "人", "too large"),
        ("无", "人", "is not a number"),  # "none" may mean zero: not guessed
    ],
)
def test_anything_else_is_an_error_not_a_nan(raw, unit, fragment):
    parsed = parse_value(raw, unit)
    assert not parsed.ok and parsed.value is None
    assert fragment in parsed.error[0]
    assert all(parsed.error)  # English, Chinese, fix, fix in Chinese


def test_excel_cells_by_type():
    """A percent-formatted cell stores 0.995 and shows 99.5 %: read as 99.5 (0.995 * 100,
    computed in decimal so it is exactly 99.5, not 99.49999999999999)."""
    assert parse_value(0.995, "%", "0.0%").value == 99.5
    assert "read as 99.5" in parse_value(0.995, "%", "0.0%").note
    assert parse_value(23456, "人").value == 23456.0
    assert not parse_value(True, "%").ok
    assert "date" in parse_value(dt.datetime(2023, 2, 1), "%").error[0]
    assert not parse_value("#DIV/0!", "%", is_error=True).ok
    assert parse_value(None, "%").missing


def test_headers_in_chinese_english_and_bilingual():
    assert canonical_column("指标代码\nindicator_id") == "indicator_id"
    assert canonical_column(" 数值 ") == "value"
    assert canonical_column("数据来源（部门）\nsource") == "source"
    assert canonical_column("女") == "female"
    assert canonical_column("Value") == "value"
    assert canonical_column("vlaue") is None
    assert canonical_column("合计\nmale") is None  # two different names: not guessed


# --- encodings and formats -------------------------------------------------------------------

ENCODED = ["2023_utf8.csv", "2023_utf8_bom.csv", "2023_gbk.csv", "2023.xlsx"]


def test_gbk_utf8_bom_and_xlsx_read_to_identical_values(units):
    cols = ["indicator_id", "sex", "value", "unit", "source", "note", "account", "row"]
    frames = {}
    for name in ENCODED:
        check = check_submission(ENC / name, "demo", 2023, units)
        assert check.problems == []
        frames[name] = check.frame[cols].reset_index(drop=True)
    expected = frames["2023_utf8.csv"]
    assert len(expected) == 8
    assert expected["value"].tolist()[:6] == [2.1, 1.9, 2.3, 99.8, 101.2, 23456.0]
    assert expected.loc[7, "account"] == "新建妇幼保健站2个；培训基层人员120人次"  # ； kept
    for name in ENCODED[1:]:
        pd.testing.assert_frame_equal(frames[name], expected, check_dtype=False)


def test_detected_encoding_is_reported(units):
    found = {n: check_submission(ENC / n, "demo", 2023, units).encoding for n in ENCODED}
    assert found == {
        "2023_utf8.csv": "utf-8",
        "2023_utf8_bom.csv": "utf-8-bom",
        "2023_gbk.csv": "gb18030",
        "2023.xlsx": None,
    }


def test_messy_gbk_submission_reads_with_notes(units):
    check = check_submission(GOOD / "observations/demo/2022.csv", "demo", 2022, units)
    assert check.problems == []
    f = check.frame.set_index(["indicator_id", "sex"])
    assert f.loc[("neonatal_mortality", "female"), "value"] == 2.2  # "２.２"
    assert f.loc[("neonatal_mortality", "male"), "value"] == 2.6  # "2.6‰"
    assert f.loc[("hospital_delivery_rate", "total"), "value"] == 99.7  # "99.7%"
    assert f.loc[("employed_women", "total"), "value"] == 22870.0  # "22,870"
    assert pd.isna(f.loc[("maternal_mortality", "total"), "value"])  # "—"
    assert "marked missing '—'" in f.loc[("maternal_mortality", "total"), "parse_note"]
    assert "'２.２' read as 2.2" in f.loc[("neonatal_mortality", "female"), "parse_note"]


# --- vintages ----------------------------------------------------------------------------------


def test_latest_vintage_wins_and_history_keeps_both(units):
    obs = load_observations(GOOD, "demo", units)
    assert list(obs.columns) == FRAME_COLUMNS
    nm = obs[(obs.indicator_id == "neonatal_mortality") & (obs.sex == "total")]
    assert dict(zip(nm.year, nm.value, strict=False)) == {2021: 2.6, 2022: 2.5, 2023: 2.2}
    assert dict(zip(nm.year, nm.vintage, strict=False)) == {2021: 0, 2022: 1, 2023: 0}
    # the 2022 female/male values come from the original: the revision held only the total
    nf = obs[(obs.indicator_id == "neonatal_mortality") & (obs.sex == "female")]
    assert dict(zip(nf.year, nf.value, strict=False)) == {2022: 2.2, 2023: 2.0}
    hist = revision_history(GOOD, "demo", units)
    assert hist["year"].tolist() == [2022, 2022]
    assert hist["vintage"].tolist() == [0, 1]
    assert hist["value"].tolist() == [2.4, 2.5]
    assert hist["current"].tolist() == [False, True]
    assert pd.isna(hist["previous_value"].iloc[0]) and hist["previous_value"].iloc[1] == 2.4
    assert hist["file"].map(lambda f: Path(f).name).tolist() == ["2022.csv", "2022_rev1.csv"]


def test_all_vintages_are_kept(units):
    allv = load_observations(GOOD, "demo", units, vintages="all")
    rows = allv[
        (allv.indicator_id == "neonatal_mortality") & (allv.sex == "total") & (allv.year == 2022)
    ]
    assert rows["value"].tolist() == [2.4, 2.5]
    assert rows["current"].tolist() == [False, True]


def test_reports_use_the_latest_vintage():
    result = planeval.assess("demo", "demo", 2023, data_dir=GOOD)
    obs = result.observations
    row = obs[
        (obs.indicator_id == "neonatal_mortality") & (obs.year == 2022) & (obs.sex == "total")
    ]
    assert row["value"].tolist() == [2.5]


def test_submission_names():
    assert parse_submission_name("2023.csv") == (2023, 0)
    assert parse_submission_name("2023_rev2.XLSX") == (2023, 2)
    assert parse_submission_name("2023 (1).xlsx") is None
    assert parse_submission_name("resolution_log.csv") is None


def test_two_files_for_one_year_and_stray_names_are_problems(tmp_path, units):
    shutil.copytree(GOOD / "plans", tmp_path / "plans")
    folder = tmp_path / "observations" / "demo"
    folder.mkdir(parents=True)
    shutil.copy(ENC / "2023_utf8.csv", folder / "2023.csv")
    shutil.copy(ENC / "2023.xlsx", folder / "2023.xlsx")
    shutil.copy(ENC / "2023_utf8.csv", folder / "2024 (1).csv")
    (folder / "~$2023.xlsx").write_bytes(b"lock")  # Excel's lock file: not a submission
    with pytest.raises(InputError) as err:
        load_observations(tmp_path, "demo", units)
    messages = sorted(p.message_en for p in err.value.problems)
    assert messages == [
        "a second file for demo 2023 (vintage 0) beside 2023.csv",
        "file name not understood: the file is not read",
    ]


def test_check_paths_takes_year_from_name_and_geography_from_folder(units):
    checks, problems = check_paths([GOOD / "observations" / "demo"], GOOD, units)
    assert problems == []
    assert [(c.path.name, c.year, c.vintage, c.geography) for c in checks] == [
        ("2021.csv", 2021, 0, "demo"),
        ("2022.csv", 2022, 0, "demo"),
        ("2022_rev1.csv", 2022, 1, "demo"),
        ("2023.xlsx", 2023, 0, "demo"),
    ]


# --- nothing lost -----------------------------------------------------------------------------


def _checksums(root: Path) -> dict[str, str]:
    """Every input file under ``root`` (the derived database ``processed/`` is not an input)."""
    return {
        str(p): sha256_of(p)
        for p in sorted(root.rglob("*"))
        if p.is_file() and "processed" not in p.relative_to(root).parts
    }


def test_inputs_are_never_modified(units):
    before = _checksums(GOOD) | _checksums(DATA / "observations")
    stat_before = {p: Path(p).stat().st_mtime_ns for p in before}
    load_observations(GOOD, "demo", units)
    check_paths([GOOD, Path(__file__).parent / "data" / "bad"], GOOD, units, geography="demo")
    planeval.assess("women", "china", 2024)
    planeval.assess("children", "baijiantan", 2024)
    assert _checksums(GOOD) | _checksums(DATA / "observations") == before
    assert {p: Path(p).stat().st_mtime_ns for p in before} == stat_before


def test_every_value_names_file_sheet_row_and_checksum(units):
    obs = load_observations(GOOD, "demo", units)
    xlsx = obs[obs.file.str.endswith("2023.xlsx")]
    assert set(xlsx["sheet"]) == {"填报 data"}
    assert set(xlsx["sha256"]) == {sha256_of(GOOD / "observations/demo/2023.xlsx")}
    ew = xlsx[xlsx.indicator_id == "employed_women"].set_index("sex")
    assert ew.loc["female", "column"] == "female" and ew.loc["female", "value"] == 11000
    assert ew["row"].nunique() == 1  # one template row gave total, female and male


@pytest.mark.slow
def test_report_on_submitted_data_uses_latest_vintage_and_leaves_inputs_untouched(tmp_path):
    """A statistician's path end to end: GBK CSVs, a revision and a filled template workbook
    (tests/data/good) go through the evaluation notebook. The 2022 neonatal mortality shown is
    the revised 2.5 (not the original 2.4); the qualitative account appears; no input changes."""
    from bs4 import BeautifulSoup

    from planeval.publish.runner import run_report

    data = tmp_path / "data"
    for part in ("plans", "observations"):
        shutil.copytree(GOOD / part, data / part)
    shutil.copy(GOOD / "indicators.yaml", data / "indicators.yaml")
    before = _checksums(data)
    html = run_report("demo", "midterm", 2023, "demo", data, "zh", tmp_path / "reports")
    assert _checksums(data) == before
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    row = next(tr for tr in soup.find_all("tr") if "新生儿死亡率" in tr.get_text())
    cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
    assert "2.5" in cells and "2.4" not in cells
    assert "新建妇幼保健站2个" in soup.get_text()
