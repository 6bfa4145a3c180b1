"""Reading submissions as people send them: a .csv or .xlsx file into a grid of raw cells.

:func:`read_grid` reads CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) and .xlsx (every sheet, values
as Excel last computed them, the template's ``说明 about`` sheet as metadata) and
:func:`find_header` finds the header row. Cells become values in :mod:`planeval.intake.parsing`,
rows become tidy rows in :mod:`planeval.intake.tidy`. Files are opened read-only and never
written.

A CSV file's encoding is decided by charset-normalizer (:mod:`planeval.intake.encoding`):
UTF-8 (with or without BOM) and GB18030/GBK are read, anything else (Big5, a Western code
page, an ambiguous file) is a problem naming the file and the fix, never mojibake. Merged
cells of a workbook are expanded or reported by :mod:`planeval.intake.merged`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from planeval.core.errors import Problem
from planeval.intake.encoding import detect
from planeval.intake.merged import apply_merges
from planeval.intake.messages import problem
from planeval.intake.parsing import RawCell, canonical_column, clean_text

#: File types read. Anything else is refused with a message saying how to save it.
SUFFIXES = (".csv", ".xlsx")
#: Name of the template's key/value sheet (plan, geography, year).
META_SHEET = "说明 about"
#: How far down a sheet the header row may sit (title rows above it are ignored).
HEADER_SEARCH_ROWS = 10


@dataclass
class Sheet:
    """A rectangular-ish grid of cells; ``rows[i]`` is the row the user sees as ``i + 1``."""

    name: str | None
    rows: list[list[RawCell]]


@dataclass
class Grid:
    """What :func:`read_grid` read from one file."""

    path: Path
    kind: str  # "csv" or "xlsx"
    encoding: str | None = None
    sheets: list[Sheet] = field(default_factory=list)
    meta: dict[str, tuple[object, int]] = field(default_factory=dict)  # key -> (value, row)
    problems: list[Problem] = field(default_factory=list)  # the file cannot be read
    cell_problems: list[Problem] = field(default_factory=list)  # read on; e.g. merged values
    notes: list[str] = field(default_factory=list)  # e.g. merged source cells expanded


def decode_bytes(data: bytes) -> tuple[str | None, str | None]:
    """``(text, label)`` of CSV bytes (label ``utf-8``, ``utf-8-bom`` or ``gb18030``), decided
    by charset-normalizer (:func:`planeval.intake.encoding.detect`); ``(None, detected name)``
    when the bytes are not confidently UTF-8 or GB18030/GBK. UTF-16 is refused before."""
    found = detect(data)
    return (found.text, found.label) if found.text is not None else (None, found.detected)


def read_grid(path: str | Path) -> Grid:
    """Read a .csv or .xlsx file into a :class:`Grid` of raw cells; problems instead of raising.

    CSV: encoding detected (UTF-8, UTF-8 BOM, GBK/GB18030), comma-separated. XLSX: every sheet
    (values as Excel last computed them; a formula with no computed value is a problem); the
    template's ``说明 about`` sheet is read as key/value metadata. The file is opened read-only.
    """
    path = Path(path)
    grid = Grid(path=path, kind=path.suffix.lower().lstrip("."))
    if not path.is_file():
        grid.problems.append(problem("file_not_found", path, code="file"))
        return grid
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        hint = " (the old Excel 97-2003 format)" if suffix == ".xls" else ""
        grid.problems.append(
            problem("suffix_not_read", path, code="file", what=suffix or path.name, hint=hint)
        )
        return grid
    if suffix == ".csv":
        _read_csv(path, grid)
    else:
        _read_xlsx(path, grid)
    return grid


def _read_csv(path: Path, grid: Grid) -> None:
    data = path.read_bytes()
    if not data.strip():
        grid.problems.append(problem("empty_file", path, code="file"))
        return
    if data[:4] == b"PK\x03\x04":
        grid.problems.append(problem("xlsx_as_csv", path, code="file"))
        return
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        grid.problems.append(problem("utf16", path, code="encoding"))
        return
    text, encoding = decode_bytes(data)
    if text is None:
        grid.problems.append(problem("undecodable", path, code="encoding", detected=encoding))
        return
    grid.encoding = encoding
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        grid.problems.append(problem("csv_error", path, code="file", error=exc))
        return
    grid.sheets.append(Sheet(None, [[RawCell(v) for v in rec] for rec in records]))


def _read_xlsx(path: Path, grid: Grid) -> None:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
        wb_formulas = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types on a damaged file
        grid.problems.append(
            problem("xlsx_unopenable", path, code="file", error=type(exc).__name__)
        )
        return
    try:
        for ws in wb.worksheets:
            wf = wb_formulas[ws.title]
            rows = []
            for r, row in enumerate(ws.iter_rows(), start=1):
                out = []
                for c, cell in enumerate(row, start=1):
                    formula = None
                    if cell.value is None:
                        fv = wf.cell(row=r, column=c).value
                        if isinstance(fv, str) and fv.startswith("="):
                            formula = fv
                    out.append(
                        RawCell(
                            cell.value,
                            cell.number_format or "General",
                            cell.data_type == "e",
                            formula,
                        )
                    )
                rows.append(out)
            if ws.title == META_SHEET:
                for r, row in enumerate(rows, start=1):
                    if len(row) >= 2 and clean_text(row[0].value):
                        grid.meta[clean_text(row[0].value).lower()] = (row[1].value, r)
            else:
                sheet = Sheet(ws.title, rows)
                # merged cells: expanded (descriptive columns) or reported (intake.merged)
                problems, notes = apply_merges(
                    sheet, list(ws.merged_cells.ranges), find_header(sheet), path
                )
                grid.cell_problems += problems
                grid.notes += notes
                grid.sheets.append(sheet)
    finally:
        wb.close()
        wb_formulas.close()


def find_header(sheet: Sheet) -> tuple[int, dict[int, str], list[tuple[int, str]]] | None:
    """``(header_row_index, {col_index: our_name}, [(col_index, unknown_header)])`` of the first
    row (within :data:`HEADER_SEARCH_ROWS`) that has an ``indicator_id`` column; else ``None``."""
    for i, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        names = {j: canonical_column(cell.value) for j, cell in enumerate(row)}
        if "indicator_id" in names.values():
            known = {j: n for j, n in names.items() if n}
            unknown = [
                (j, clean_text(row[j].value))
                for j, n in names.items()
                if n is None and clean_text(row[j].value)
            ]
            return i, known, unknown
    return None


def column_letter(index: int) -> str:
    """Excel column letter of a 0-based column index (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
