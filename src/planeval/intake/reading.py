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
    if b"\x00" in data[:8192]:
        grid.problems.append(problem("binary_file", path, code="file"))
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
    """Every sheet of a workbook into ``grid``: first each sheet's XML is scanned for its size
    (:func:`_scan_parts`; a sheet beyond the limits refuses the file before openpyxl opens
    it), then the cells are streamed in read-only mode."""
    import openpyxl

    try:
        scans = _scan_parts(path, rules.max_sheet_rows)
    except Exception as exc:  # noqa: BLE001 - a damaged archive raises many types
        grid.problems.append(
            problem("xlsx_unopenable", path, code="file", error=type(exc).__name__)
        )
        return
    for name, scan in scans.items():
        too_large = _size_problem(path, name, scan.rows, scan.columns, rules, scan.partial)
        if too_large:
            grid.problems.append(too_large)
    if grid.problems:
        return
    wb = wb_formulas = None
    try:  # read-only: cells are streamed, never all held by openpyxl
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        if any(scan.formulas for scan in scans.values()):
            wb_formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
        for ws in wb.worksheets:
            scan = scans.get(ws.title, _SheetScan())
            wf = wb_formulas[ws.title] if wb_formulas is not None and scan.formulas else None
            _read_sheet(path, grid, rules, ws, wf, scan)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types on a damaged file
        grid.problems.append(
            problem("xlsx_unopenable", path, code="file", error=type(exc).__name__)
        )
    finally:
        for book in (wb, wb_formulas):
            if book is not None:
                book.close()


def _read_sheet(path: Path, grid: Grid, rules: IntakeRules, ws, wf, scan: _SheetScan) -> None:
    """One worksheet (its size already checked) into ``grid``."""
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
    problems, notes = apply_merges(sheet, scan.merged, find_header(sheet), path)
    grid.cell_problems += problems
    grid.notes += notes
    grid.sheets.append(sheet)


def _stream(path: Path, grid: Grid, rules: IntakeRules, ws, wf) -> list[list[RawCell]] | None:
    """The cells of a sheet, streamed from the values workbook and, in step, the formulas
    workbook when the sheet has formulas (``wf``; a formula without a computed value is kept as
    ``RawCell.formula``). ``None`` (and a problem) when a row is wider than the limit."""
    ws.reset_dimensions()  # rows as stored, not padded to the declared width
    formulas = iter(())
    if wf is not None:
        wf.reset_dimensions()
        formulas = wf.iter_rows()
    rows: list[list[RawCell]] = []
    for r, row in enumerate(ws.iter_rows(), start=1):
        frow = next(formulas, ())
        if r > rules.max_sheet_rows or len(row) > rules.max_sheet_columns:
            width = max(len(row), 1)
            grid.problems.append(_size_problem(path, ws.title, r, width, rules, streamed=True))
            return None
        rows.append([_cell(c, frow[j] if j < len(frow) else None) for j, c in enumerate(row)])
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _cell(cell, fcell) -> RawCell:
    formula = None
    fvalue = getattr(fcell, "value", None)
    if cell.value is None and isinstance(fvalue, str) and fvalue.startswith("="):
        formula = fvalue
    return RawCell(cell.value, cell.number_format or "General", cell.data_type == "e", formula)


def _size_problem(
    path: Path,
    sheet: str,
    rows: int | None,
    columns: int | None,
    rules: IntakeRules,
    streamed: bool = False,
) -> Problem | None:
    """The problem of a sheet whose used range is beyond ``rules``' limits, else ``None``."""
    rows, columns = rows or 0, columns or 0
    if rows <= rules.max_sheet_rows and columns <= rules.max_sheet_columns:
        return None
    corner = f"{column_letter(columns - 1)}{rows}" if columns else f"row {rows:,}"
    return problem(
        "sheet_too_large",
        path,
        sheet=sheet,
        code="file",
        corner=corner,
        rows=f"{rows:,}" + ("+" if streamed else ""),
        columns=f"{columns:,}" if columns else "?",
        max_rows=f"{rules.max_sheet_rows:,}",
        max_columns=f"{rules.max_sheet_columns:,}",
    )


#: A ``<mergeCell ref="A1:B2"/>`` element of a sheet's XML.
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
#: A ``<row r="12">`` element (its number; ``r`` may be left out, rows then count on).
_ROW = re.compile(rb'<(?:\w+:)?row\b(?:[^>]*?\br="([0-9]+)")?')
#: A ``<f>`` (formula) element.
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


#: The used range a sheet declares: ``<dimension ref="A1:XFD1048576"/>``.
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')


@dataclass
class _SheetScan:
    """What one pass over a sheet's XML bytes tells before any cell is parsed: its extent
    (``rows``, ``columns``: the larger of the declared dimension and the rows found;
    ``partial`` when the scan stopped past the row limit), its merged ranges and whether any
    cell has a formula."""

    rows: int = 0
    columns: int = 0
    partial: bool = False
    merged: list = field(default_factory=list)
    formulas: bool = False


def _scan_parts(path: Path, limit: int) -> dict[str, _SheetScan]:
    """Sheet name -> :class:`_SheetScan` of every worksheet of the workbook at ``path``.

    The workbook's sheet list is read with openpyxl's own parser of ``workbook.xml``; each
    sheet's XML is then scanned in 1 MB steps with regular expressions, never built into a
    tree: openpyxl's read-only mode itself parses a whole sheet looking for a missing
    dimension, and does not read merged ranges at all.
    """
    from openpyxl.reader.excel import ExcelReader, _find_workbook_part
    from openpyxl.reader.workbook import WorkbookParser

    reader = ExcelReader(path, read_only=True)
    try:
        reader.read_manifest()
        parser = WorkbookParser(reader.archive, _find_workbook_part(reader.package).PartName[1:])
        parser.parse()
        return {
            sheet.name: _scan(reader.archive, rel.target, limit)
            for sheet, rel in parser.find_sheets()
            if "worksheet" in rel.Type and rel.target in reader.valid_files
        }
    finally:
        reader.archive.close()


def _scan(archive, part: str, limit: int) -> _SheetScan:
    """Scan one sheet's XML (see :func:`_scan_parts`); stops once past ``limit`` rows."""
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet.cell_range import CellRange

    scan, refs, tail, rows = _SheetScan(), {}, b"", 0
    with archive.open(part) as source:
        while chunk := source.read(1 << 20):
            data = tail + chunk
            if not tail and (dim := _DIMENSION.search(data)):
                _, _, max_col, max_row = range_boundaries(dim.group(1).decode())
                scan.rows, scan.columns = max_row or 0, max_col or 0
                if scan.rows > limit:
                    return scan
            cut = max(0, len(data) - 512)  # a tag cut at the chunk's end is read next time
            for m in _ROW.finditer(data, 0, cut):
                rows = max(rows + 1, int(m.group(1) or 0))
            refs.update(dict.fromkeys(m.group(1).decode() for m in _MERGE_CELL.finditer(data)))
            scan.formulas = scan.formulas or bool(_FORMULA.search(data))
            scan.rows = max(scan.rows, rows)
            tail = data[cut:]
            if scan.rows > limit:
                scan.partial = True
                return scan
    for m in _ROW.finditer(tail):
        rows = max(rows + 1, int(m.group(1) or 0))
    scan.rows = max(scan.rows, rows)
    scan.partial = scan.rows > limit
    scan.merged = [CellRange(ref) for ref in refs]
    return scan


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
