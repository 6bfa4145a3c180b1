"""Merged cells in a filled workbook: expanded where the meaning is clear, reported otherwise.

openpyxl keeps a merged range's value in its top-left cell only; every other cell of the range
reads as empty. Read naively, a value merged over two indicator rows gives the first indicator
the value and silently leaves the second without one, and a source merged over three rows
leaves two blank sources. The rule (also in ``docs/data_intake.md``):

* a range in or above the header row (titles, grouped headings) is ignored;
* a range inside one **descriptive column** (:data:`EXPANDED_COLUMNS`: source, note, unit,
  department, definition) is **expanded**: each row of the range gets the top-left cell's
  content, as the person who merged it meant ("these rows share one source");
* any other range in the data rows (a value, female or male figure, an indicator id, a sex, a
  year, a written account, or a range across several columns) is a **problem**: one figure
  cannot belong to two rows, and guessing which row it belongs to would be a silent choice.
  The fix is to unmerge the cells and fill each row's own cell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planeval.core.errors import Problem
from planeval.intake.messages import problem
from planeval.intake.parsing import RawCell

if TYPE_CHECKING:
    from pathlib import Path

    from planeval.intake.reading import Sheet

#: Columns whose merged cells are expanded to every row of the range (descriptive text that
#: rows may share); any other merged range in the data rows is a problem.
EXPANDED_COLUMNS = frozenset({"source", "note", "unit", "department", "definition"})


def apply_merges(
    sheet: Sheet, ranges: list, header: tuple | None, path: Path
) -> tuple[list[Problem], list[str]]:
    """Expand or report the merged ``ranges`` (openpyxl ``CellRange``) of ``sheet`` in place.

    ``header`` is :func:`planeval.intake.reading.find_header`'s result for the sheet (``None``
    when the sheet has no header: nothing is then read from it and merges do not matter).
    Returns ``(problems, notes)``: one :class:`Problem` per data row of each refused range
    (every row it touches is reported), one note per expanded range
    (``"C3:C5 (source) expanded to rows 3-5"``).
    """
    if header is None:
        return [], []
    header_row = header[0] + 1  # 1-based row number of the header
    names = header[1]  # 0-based column index -> our column name
    problems, notes = [], []
    for rng in ranges:
        if rng.max_row <= header_row or rng.min_row == rng.max_row == header_row:
            continue
        columns = {names.get(c - 1) for c in range(rng.min_col, rng.max_col + 1)}
        single = rng.min_col == rng.max_col
        name = next(iter(columns)) if single else None
        if single and name in EXPANDED_COLUMNS:
            _expand(sheet, rng)
            notes.append(f"{rng.coord} ({name}) expanded to rows {rng.min_row}-{rng.max_row}")
            continue
        named = sorted(c for c in columns if c)
        first = max(rng.min_row, header_row + 1)
        problems += [
            _problem(path, sheet.name, rng, named, r) for r in range(first, rng.max_row + 1)
        ]
    return problems, notes


def _expand(sheet: Sheet, rng) -> None:
    top = sheet.rows[rng.min_row - 1] if rng.min_row - 1 < len(sheet.rows) else []
    anchor = top[rng.min_col - 1] if rng.min_col - 1 < len(top) else RawCell(None)
    for r in range(rng.min_row, rng.max_row + 1):
        if r - 1 >= len(sheet.rows):
            break
        row = sheet.rows[r - 1]
        if len(row) < rng.min_col:  # a streamed row stops at its last stored cell
            row.extend(RawCell(None) for _ in range(rng.min_col - len(row)))
        row[rng.min_col - 1] = anchor


def _problem(path: Path, sheet_name: str | None, rng, columns: list[str], row: int) -> Problem:
    """The problem of a refused range, reported on ``row`` (one per row of the range)."""
    span = f"{rng.min_row}-{rng.max_row}" if rng.max_row > rng.min_row else f"{rng.min_row}"
    what = ", ".join(columns) or "unnamed columns"
    return problem(
        "merged_cells",
        path,
        row=row,
        column=what,
        sheet=sheet_name,
        code="merged",
        range=rng.coord,
        columns=what,
        rows=("rows " if rng.max_row > rng.min_row else "row ") + span,
        span=span,
    )
