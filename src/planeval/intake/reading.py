"""Reading submissions as people send them: a .csv or .xlsx file into a grid of raw cells.

:func:`read_grid` reads CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) and .xlsx (every sheet, values
as Excel last computed them, the template's ``说明 about`` sheet as metadata) and
:func:`find_header` finds the header row. Cells become values in :mod:`planeval.intake.parsing`,
rows become tidy rows in :mod:`planeval.intake.tidy`. Files are opened read-only and never
written.

A CSV file's encoding is decided by :mod:`planeval.intake.encoding`: UTF-8 (with or without
BOM) and plausible GB18030/GBK are read, anything else (Big5, a Western code page) is a problem
naming the file and the fix, never mojibake. A CSV sheet keeps each row's cells as text
(``records``); :class:`RawCell` objects are made only for the rows read one by one.

Work is bounded for any workbook: each sheet's used range (its ``dimension``) is checked
before a cell is read, and a sheet longer or wider than the settings file allows
(``intake.max_sheet_rows``/``max_sheet_columns``) is refused with its range named; the cells
are streamed in openpyxl's read-only mode, and a sheet whose cells run past the limit although
its dimension said otherwise is refused as soon as the stream gets there. (A 5 KB file with
one blank cell at XFD1048576 asked for 17 billion cells.) Merged cells of a workbook are
expanded or reported by :mod:`planeval.intake.merged`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from planeval.core.errors import Problem
from planeval.intake.encoding import detect
from planeval.intake.merged import apply_merges
from planeval.intake.messages import problem
from planeval.intake.parsing import RawCell, canonical_column, clean_text
from planeval.intake.rules import IntakeRules, default_rules

#: File types read. Anything else is refused with a message saying how to save it.
SUFFIXES = (".csv", ".xlsx")
#: Name of the template's key/value sheet (plan, geography, year).
META_SHEET = "说明 about"
#: How far down a sheet the header row may sit (title rows above it are ignored).
HEADER_SEARCH_ROWS = 10


@dataclass
class Sheet:
    """A rectangular-ish grid of cells; row ``i`` is the row the user sees as ``i + 1``.

    A workbook sheet holds :class:`RawCell` rows (``rows``: value, number format, error,
    formula); a CSV sheet holds each row's cell texts (``records``), made into cells on demand
    (:meth:`cells`), so a 200,000-row file is not a million objects.
    """

    name: str | None
    rows: list[list[RawCell]] = field(default_factory=list)
    records: list[list[str]] | None = None

    def __len__(self) -> int:
        return len(self.records) if self.records is not None else len(self.rows)

    def cells(self, i: int) -> list[RawCell]:
        """The cells of row ``i`` (0-based)."""
        if self.records is not None:
            return [RawCell(v) for v in self.records[i]]
        return self.rows[i]


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


def read_grid(path: str | Path, rules: IntakeRules | None = None) -> Grid:
    """Read a .csv or .xlsx file into a :class:`Grid` of raw cells; problems instead of raising.

    CSV: encoding detected (UTF-8, UTF-8 BOM, GBK/GB18030), comma-separated. XLSX: every sheet
    (values as Excel last computed them; a formula with no computed value is a problem), each
    within the sheet size of ``rules`` (default: the package settings); the template's
    ``说明 about`` sheet is read as key/value metadata. The file is opened read-only.
    """
    path = Path(path)
    rules = rules or default_rules()
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
        _read_xlsx(path, grid, rules)
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
    grid.sheets.append(Sheet(None, records=records))


def _read_xlsx(path: Path, grid: Grid, rules: IntakeRules) -> None:
    import openpyxl

    try:  # read-only: cells are streamed, never all held by openpyxl
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        wb_formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types on a damaged file
        grid.problems.append(
            problem("xlsx_unopenable", path, code="file", error=type(exc).__name__)
        )
        return
    try:
        for ws in wb.worksheets:
            _read_sheet(path, grid, rules, wb, ws, wb_formulas[ws.title])
    except Exception as exc:  # noqa: BLE001 - a damaged sheet stream fails mid-way
        grid.problems.append(
            problem("xlsx_unopenable", path, code="file", error=type(exc).__name__)
        )
    finally:
        wb.close()
        wb_formulas.close()


def _read_sheet(path: Path, grid: Grid, rules: IntakeRules, wb, ws, wf) -> None:
    """One worksheet into ``grid``: refused when its used range is beyond the limits."""
    too_large = _size_problem(path, ws.title, ws.max_row, ws.max_column, rules)
    if too_large:
        grid.problems.append(too_large)
        return
    rows = _stream(path, grid, rules, ws, wf)
    if rows is None:
        return
    if ws.title == META_SHEET:
        for r, row in enumerate(rows, start=1):
            if len(row) >= 2 and clean_text(row[0].value):
                grid.meta[clean_text(row[0].value).lower()] = (row[1].value, r)
        return
    sheet = Sheet(ws.title, rows)
    # merged cells: expanded (descriptive columns) or reported (intake.merged)
    problems, notes = apply_merges(sheet, _merged_ranges(wb, ws), find_header(sheet), path)
    grid.cell_problems += problems
    grid.notes += notes
    grid.sheets.append(sheet)


def _stream(path: Path, grid: Grid, rules: IntakeRules, ws, wf) -> list[list[RawCell]] | None:
    """The cells of a sheet, streamed from the values workbook and, in step, the formulas
    workbook (a formula without a computed value is kept as ``RawCell.formula``). ``None``
    (and a problem) when the cells run past the sheet limits: a dimension can be missing or
    wrong, so the stream is bounded too."""
    ws.reset_dimensions()  # rows as stored, not padded to the declared width
    wf.reset_dimensions()
    rows: list[list[RawCell]] = []
    for r, (row, frow) in enumerate(zip(ws.iter_rows(), wf.iter_rows(), strict=False), start=1):
        if r > rules.max_sheet_rows or len(row) > rules.max_sheet_columns:
            width = max(len(row), 1)
            grid.problems.append(_size_problem(path, ws.title, r, width, rules, streamed=True))
            return None
        rows.append([_cell(c, f) for c, f in zip(row, frow, strict=False)])
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _cell(cell, fcell) -> RawCell:
    formula = None
    if cell.value is None and isinstance(fcell.value, str) and fcell.value.startswith("="):
        formula = fcell.value
    return RawCell(cell.value, cell.number_format or "General", cell.data_type == "e", formula)


def _size_problem(
    path: Path,
    sheet: str,
    rows: int | None,
    columns: int | None,
    rules: IntakeRules,
    *,
    streamed: bool = False,
) -> Problem | None:
    """The problem of a sheet whose used range is beyond ``rules``' limits, else ``None``."""
    rows, columns = rows or 0, columns or 0
    if rows <= rules.max_sheet_rows and columns <= rules.max_sheet_columns:
        return None
    corner = f"{column_letter(max(columns, 1) - 1)}{max(rows, 1)}"
    return problem(
        "sheet_too_large",
        path,
        sheet=sheet,
        code="file",
        corner=corner,
        rows=f"{rows:,}" + ("+" if streamed else ""),
        columns=f"{columns:,}",
        max_rows=f"{rules.max_sheet_rows:,}",
        max_columns=f"{rules.max_sheet_columns:,}",
    )


#: A ``<mergeCell ref="A1:B2"/>`` element of a sheet's XML.
_MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


def _merged_ranges(wb, ws) -> list:
    """The merged ranges of a read-only sheet (openpyxl's read-only mode does not parse them):
    the sheet's XML scanned for ``<mergeCell>`` in 1 MB steps, without building its tree."""
    from openpyxl.worksheet.cell_range import CellRange

    refs: dict[str, None] = {}
    tail = b""
    # ws._worksheet_path / wb._archive: where openpyxl's read-only sheet streams its XML from
    with wb._archive.open(ws._worksheet_path) as source:
        while chunk := source.read(1 << 20):
            data = tail + chunk
            refs.update(dict.fromkeys(m.group(1).decode() for m in _MERGE_CELL.finditer(data)))
            tail = data[-512:]
    return [CellRange(ref) for ref in refs]


def find_header(sheet: Sheet) -> tuple[int, dict[int, str], list[tuple[int, str]]] | None:
    """``(header_row_index, {col_index: our_name}, [(col_index, unknown_header)])`` of the first
    row (within :data:`HEADER_SEARCH_ROWS`) that has an ``indicator_id`` column; else ``None``."""
    for i in range(min(len(sheet), HEADER_SEARCH_ROWS)):
        row = sheet.cells(i)
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
