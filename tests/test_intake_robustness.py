"""Workbooks and CSV files as departments send them (issue 15, failures 3 and 7, and the fault
test of 200 malformed files): merged cells are expanded or reported, never a silent loss;
encodings are decided by charset-normalizer, so a Big5 file is refused instead of read as
GBK nonsense; and no malformed file gives a traceback, changes on disk or loses a value.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from typer.testing import CliRunner

from planeval.cli import app
from planeval.intake.observations import check_submission
from planeval.intake.workbook import DATA_SHEET, write_template
from planeval.plans.catalogue import known_units

GOOD = Path(__file__).resolve().parent / "data" / "good"
UNITS = known_units(GOOD)


@pytest.fixture()
def data_dir(tmp_path):
    shutil.copytree(GOOD / "plans", tmp_path / "plans")
    shutil.copy(GOOD / "indicators.yaml", tmp_path / "indicators.yaml")
    (tmp_path / "observations" / "demo").mkdir(parents=True)
    return tmp_path


def filled_template(data_dir: Path):
    """The demo plan's 2024 template with three neighbouring rows filled; returns
    ``(path, workbook, sheet, {column name: column}, [row numbers of the three])``."""
    path = data_dir / "observations" / "demo" / "2024.xlsx"
    write_template("demo", 2024, "demo", path, data_dir=data_dir)
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    ws.protection.sheet = False  # as a statistician unprotects it to merge cells
    cols = {c.value.split("\n")[-1]: c.column for c in ws[1]}
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    filled = [rows[i] for i in ("neonatal_mortality", "hospital_delivery_rate")]
    filled.append(filled[-1] + 1 if filled[-1] + 1 <= ws.max_row else filled[0] - 1)
    for r, value in zip(filled, (2.2, 99.5, 101.0), strict=True):
        ws.cell(row=r, column=cols["value"]).value = value
        ws.cell(row=r, column=cols["source"]).value = f"source of row {r}"
    return path, wb, ws, cols, filled


# --- 3. merged cells ---------------------------------------------------------------------


def test_a_value_merged_over_two_rows_is_a_problem_not_a_silent_gap(data_dir):
    """Before: the second indicator's value was read as empty and validate said 0 problems."""
    path, wb, ws, cols, (r1, r2, _) = filled_template(data_dir)
    if r2 != r1 + 1:  # make the two rows neighbours for the merge
        r2 = r1 + 1
        ws.cell(row=r2, column=cols["value"]).value = 99.5
    letter = openpyxl.utils.get_column_letter(cols["value"])
    ws.merge_cells(f"{letter}{r1}:{letter}{r2}")
    wb.save(path)
    check = check_submission(path, "demo", 2024, known_units(data_dir))
    merged = [p for p in check.problems if p.code == "merged"]
    assert [(p.row, p.column, p.sheet) for p in merged] == [
        (r1, "value", DATA_SHEET),
        (r2, "value", DATA_SHEET),
    ]  # both rows reported
    p = merged[0]
    assert f"{letter}{r1}:{letter}{r2}" in p.message_en and "unmerge" in p.fix
    assert "取消合并" in p.fix_zh
    result = CliRunner().invoke(app, ["validate", str(path), "--data-dir", str(data_dir)])
    assert result.exit_code == 1 and f"{letter}{r1}:{letter}{r2}" in result.output


def test_a_source_merged_over_three_rows_is_given_to_each_row(data_dir):
    """Before: the two lower rows had a blank source."""
    path, wb, ws, cols, rows = filled_template(data_dir)
    first, last = min(rows), max(rows)
    for r in range(first, last + 1):
        ws.cell(row=r, column=cols["value"]).value = 50.0 + r
    letter = openpyxl.utils.get_column_letter(cols["source"])
    ws.cell(row=first, column=cols["source"]).value = "卫健委妇幼年报"
    ws.merge_cells(f"{letter}{first}:{letter}{last}")
    wb.save(path)
    check = check_submission(path, "demo", 2024, known_units(data_dir))
    assert not [p for p in check.problems if p.code == "merged"]
    frame = check.frame[check.frame["row"].between(first, last)]
    assert len(frame) >= 3
    assert set(frame["source"]) == {"卫健委妇幼年报"}


def test_a_title_merged_above_the_header_is_ignored(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2023年监测数据"])
    ws.merge_cells("A1:D1")
    ws.append(["indicator_id", "value", "unit", "sex"])
    ws.append(["neonatal_mortality", 2.1, "‰", "total"])
    path = tmp_path / "2023.xlsx"
    wb.save(path)
    check = check_submission(path, "demo", 2023, UNITS)
    assert check.problems == [] and check.frame["value"].tolist() == [2.1]


# --- 7. encodings -----------------------------------------------------------------------

BIG5_ROWS = [
    ["indicator_id", "value", "unit", "sex", "source", "note"],
    ["hospital_delivery_rate", "99.8", "%", "total", "衛生健康委員會", "婦幼衛生年報"],
    ["preschool_gross_enrollment", "101.2", "%", "total", "教育局", "含非本區戶籍幼兒"],
]


def _csv_bytes(rows, encoding: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode(encoding)


def test_a_big5_file_does_not_pass_validate(tmp_path):
    """Before: GB18030 decoded the Big5 bytes without error, validate passed, sources were
    GBK nonsense."""
    path = tmp_path / "2023.csv"
    path.write_bytes(_csv_bytes(BIG5_ROWS, "big5"))
    check = check_submission(path, "demo", 2023, UNITS)
    (problem,) = check.problems
    assert problem.code == "encoding" and problem.file == str(path)
    assert "big5" in problem.message_en and "CSV UTF-8" in problem.fix
    assert "UTF-8" in problem.fix_zh
    assert check.frame.empty


@pytest.mark.parametrize(
    ("encoding", "label"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-bom"), ("gbk", "gb18030")]
)
def test_the_same_rows_in_utf8_with_or_without_bom_and_in_gbk_are_read(tmp_path, encoding, label):
    path = tmp_path / "2023.csv"
    path.write_bytes(_csv_bytes(BIG5_ROWS, encoding))
    check = check_submission(path, "demo", 2023, UNITS)
    assert check.problems == [] and check.encoding == label
    assert check.frame["source"].tolist() == ["衛生健康委員會", "教育局"]


# --- fault test: 200 malformed workbooks and CSV files ------------------------------------

INDICATORS = ["neonatal_mortality", "hospital_delivery_rate", "employed_women", "no_such_id"]
VALUE = st.one_of(
    st.sampled_from(["2.1", "99.5%", "１２３.４", "1,234", "—", "暂无", "", "12,5", "abc", "-1"]),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=6),
)
ROW = st.tuples(
    st.sampled_from(INDICATORS),
    VALUE,
    st.sampled_from(["‰", "%", "人", "", "kg"]),
    st.sampled_from(["total", "female", "male", "合计", "x"]),
    st.sampled_from(["卫健委", "", "統計局"]),
)
TABLE = st.lists(ROW, min_size=1, max_size=6)
HEADER = ["indicator_id", "value", "unit", "sex", "source"]
FAULT_SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _value_given(text: str) -> bool:
    return text.strip() not in ("", "—", "暂无")


def assert_every_value_read_or_reported(check, rows: list[int]) -> None:
    """Every row holding a value is in the frame (read) or named by a problem (reported);
    a problem of the whole file (no row) reports them all."""
    if any(p.row is None for p in check.problems):
        return
    read = set(check.frame["row"]) if not check.frame.empty else set()
    reported = {p.row for p in check.problems}
    for row in rows:
        assert row in read or row in reported, (row, check.problems, check.frame)


@FAULT_SETTINGS
@given(
    table=TABLE,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "big5", "utf-16", "latin-1"]),
    cut=st.integers(0, 40),
    junk=st.binary(max_size=8),
)
def test_malformed_csv_files_give_data_or_problems_never_a_traceback(table, encoding, cut, junk):
    data = _csv_bytes([HEADER, *table], "utf-8").decode("utf-8")
    raw = data.encode(encoding, errors="replace")
    raw = raw[: len(raw) - cut] + junk if cut or junk else raw  # truncated, bytes appended
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "2023.csv"
        path.write_bytes(raw)
        check = check_submission(path, "demo", 2023, UNITS)  # must not raise
        assert path.read_bytes() == raw  # the input is never modified
    if raw == data.encode("utf-8"):  # an intact file: every value is accounted for
        rows = [i for i, r in enumerate(table, start=2) if _value_given(r[1])]
        assert_every_value_read_or_reported(check, rows)


@FAULT_SETTINGS
@given(
    table=TABLE,
    merges=st.lists(
        st.tuples(st.integers(1, 5), st.integers(2, 7), st.integers(0, 2), st.integers(0, 1)),
        max_size=3,
    ),
)
def test_malformed_workbooks_give_data_or_problems_never_a_traceback(table, merges):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in table:  # a workbook cannot hold control characters
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in row])
    merged_away = set()  # (row, column) of cells a merge emptied
    taken = set()
    for col, row, down, across in merges:
        cells = {(r, c) for r in range(row, row + down + 1) for c in range(col, col + across + 1)}
        if len(cells) == 1 or cells & taken:
            continue
        taken |= cells
        ws.merge_cells(start_row=row, start_column=col, end_row=row + down, end_column=col + across)
        merged_away |= cells - {(row, col)}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "2023.xlsx"
        wb.save(path)
        before = path.read_bytes()
        check = check_submission(path, "demo", 2023, UNITS)  # must not raise
        assert path.read_bytes() == before
    rows = [
        i
        for i, r in enumerate(table, start=2)
        if _value_given(ILLEGAL_CHARACTERS_RE.sub("", r[1])) and (i, 2) not in merged_away
    ]
    assert_every_value_read_or_reported(check, rows)
