"""Property-based: any table, in any encoding or as a workbook, gives data or our own
InputError/Problems, never another exception; every value read is finite or a noted gap."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from planeval.core.errors import InputError, Problem
from planeval.intake.observations import FRAME_COLUMNS, check_submission, load_observations
from planeval.intake.parsing import parse_value
from planeval.plans.catalogue import known_units

GOOD = Path(__file__).resolve().parent / "data" / "good"
UNITS = known_units(GOOD)
HEADERS = [
    "indicator_id",
    "value",
    "unit",
    "sex",
    "source",
    "note",
    "account",
    "female",
    "male",
    "year",
    "geography",
    "指标代码",
    "数值",
    "单位",
    "性别",
    "女",
    "男",
    "",
    "junk",
]
CELL_TEXT = st.one_of(
    st.sampled_from(
        list(UNITS)
        + [
            "%",
            "‰",
            "1/10万",
            "人",
            "total",
            "female",
            "男",
            "—",
            "暂无",
            "99.5%",
            "１２３.４",
            "1,234",
            " 95.2 ",
            "12,5",
            "2023",
            "nan",
            "-1",
            "1e999",
            '"',
            "\n",
            ";",
            "=1+1",
        ]
    ),
    st.text(max_size=8),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**12), 10**12).map(str),
)
TABLE = st.tuples(
    st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8),
    st.lists(st.lists(CELL_TEXT, max_size=10), max_size=8),
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assert_sane(check):
    assert all(isinstance(p, Problem) for p in check.problems)
    assert list(check.frame.columns) == FRAME_COLUMNS
    for rec in check.frame.itertuples():
        assert rec.value is None or math.isnan(rec.value) or math.isfinite(rec.value)
        if rec.value != rec.value:  # NaN only with a note or an account: never silent
            assert rec.parse_note or rec.account or rec.note


def _csv_text(header, rows):
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


@SETTINGS
@given(
    table=TABLE, encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1"])
)
def test_any_csv_table_gives_data_or_problems(table, encoding):
    header, rows = table
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "2023.csv"
        path.write_bytes(_csv_text(header, rows).encode(encoding, errors="replace"))
        before = path.read_bytes()
        _assert_sane(check_submission(path, "demo", 2023, UNITS))
        assert path.read_bytes() == before


@SETTINGS
@given(
    table=TABLE,
    numbers=st.lists(st.one_of(st.floats(), st.integers(), st.booleans(), st.none()), max_size=8),
)
def test_any_workbook_gives_data_or_problems(table, numbers):
    header, rows = table
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        # a workbook cannot hold control characters; formulas are kept as text
        ws.append(
            [ILLEGAL_CHARACTERS_RE.sub("", c if not c.startswith("=") else "'" + c) for c in row]
        )
    ws.append(["neonatal_mortality", *numbers][: max(1, len(header))])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "2023.xlsx"
        wb.save(path)
        _assert_sane(check_submission(path, "demo", 2023, UNITS))


@SETTINGS
@given(table=TABLE)
def test_loading_raises_only_input_error(table):
    header, rows = table
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "observations" / "demo"
        folder.mkdir(parents=True)
        (folder / "2023.csv").write_text(_csv_text(header, rows), encoding="utf-8")
        try:
            frame = load_observations(tmp, "demo", UNITS)
        except InputError as exc:
            assert exc.problems and all(isinstance(p, Problem) for p in exc.problems)
        else:
            assert list(frame.columns) == FRAME_COLUMNS


@settings(max_examples=300, deadline=None)
@given(
    raw=st.one_of(st.text(max_size=12), st.floats(), st.integers(), st.booleans(), st.none()),
    unit=st.sampled_from(["%", "‰", "人", ""]),
    fmt=st.sampled_from(["General", "0.0%"]),
)
def test_parse_value_never_raises_and_never_returns_a_silent_nan(raw, unit, fmt):
    parsed = parse_value(raw, unit, fmt)
    if parsed.ok:
        assert parsed.value is None or math.isfinite(parsed.value)
        assert parsed.value is not None or parsed.note
    else:
        assert parsed.value is None and all(parsed.error)
