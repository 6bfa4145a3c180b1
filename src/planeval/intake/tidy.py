"""Tidy rows from a grid: one row per value and sex, with the file, sheet and row it came from.

:func:`tidy_rows` reads long form (a ``sex`` column) and wide form (``female``/``male``
columns beside the total in ``value``, as in the template), checks the header and each row
(cells without a header, formulas without a computed value, a number typed in the wrong
column), and reads each value cell with :func:`planeval.intake.parsing.parse_value`. Every
problem names the file, sheet, row as shown in Excel and column (wording in
:mod:`planeval.intake.messages`).

Time linear in the rows: the plain rows of a CSV file (:func:`_plain_rows`: an ASCII
indicator_id, a plain number such as ``95.2`` in ``value``, a sex as written in our codes,
nothing outside the header's columns: nearly every row of a real file) are read column by
column with pandas; every other row goes through the row-by-row reading above, which gives
the same tidy row for a plain one (a test holds the two readings equal).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from planeval.core.errors import Problem
from planeval.intake.messages import problem
from planeval.intake.parsing import (
    _NUMBER,
    MAX_ABS_VALUE,
    SEX_ALIASES,
    RawCell,
    clean_text,
    decimal_places,
    free_text,
    parse_sex,
    parse_value,
    parse_year,
)
from planeval.intake.reading import (
    HEADER_SEARCH_ROWS,
    META_SHEET,
    Grid,
    Sheet,
    column_letter,
    find_header,
)

#: Columns that carry what a submitter reported; a row with all of them empty says nothing.
_REPORTED = ("value", "female", "male", "account", "note")


def tidy_rows(
    grid: Grid,
    geography: str | None,
    year: int | None,
    units: dict[str, str] | None = None,
    qualitative: frozenset[str] | set[str] = frozenset(),
    names: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Tidy rows (one per value and sex) from a :class:`Grid`, plus the problems of reading it.

    A wide row gives up to three tidy rows with ``sex`` total/female/male and ``column`` saying
    where each value came from. A row whose value, female, male, account and note cells are all
    empty reported nothing and is skipped (an unfilled template row); an empty or
    ``—``/``暂无`` value in a row that reports something is kept as missing with a note. Each
    tidy row carries ``file``, ``sheet``, ``row`` (as shown in Excel) and ``parse_note`` (what
    was normalised). Internal keys start with ``_``: ``_content_year``/``_content_geography``
    (from ``year``/``geography`` columns) and ``_decimals`` (decimals written, for rounding
    tolerances). ``qualitative``: indicator_ids of not_statistical targets; a number in their
    value cell is a problem (they take a written account).
    """
    if grid.problems:
        return pd.DataFrame(), list(grid.problems)
    problems = grid.cell_problems + _meta_problems(grid, geography, year)
    frames: list[pd.DataFrame] = []
    data_sheets, unread = 0, []
    for sheet in grid.sheets:
        found = find_header(sheet)
        if found is None:
            if any(clean_text(c.value) for i in range(len(sheet)) for c in sheet.cells(i)):
                unread.append(sheet.name)
            continue
        data_sheets += 1
        more_rows, more = _tidy_sheet(
            grid, sheet, found, (grid.path, geography, year, units, qualitative, names or {})
        )
        frames.append(more_rows)
        problems += more
    frames = [f for f in frames if not f.empty]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return rows, problems + _file_problems(grid, data_sheets, unread, not rows.empty, problems)


def _header_problems(
    grid: Grid, sheet: Sheet, header_row: int, by_name: dict[str, list[int]], unknown: list
) -> list[Problem]:
    """A column named twice, a header not understood, ``value`` or ``unit`` missing."""
    where = {"row": header_row, "sheet": sheet.name, "code": "header"}
    problems = [
        problem(
            "duplicate_column",
            grid.path,
            column=col,
            **where,
            name=col,
            count=len(idxs),
            letters=", ".join(column_letter(j) for j in idxs),
        )
        for col, idxs in by_name.items()
        if len(idxs) > 1
    ]
    problems += [
        problem(
            "unknown_column", grid.path, column=text, **where, text=text, letter=column_letter(j)
        )
        for j, text in unknown
    ]
    problems += [
        problem("missing_column", grid.path, column=col, **where, name=col)
        for col in ("value", "unit")
        if col not in by_name
    ]
    return problems


def _row_problems(
    grid: Grid, sheet: Sheet, cells: list[RawCell], columns: dict, cell: Callable, row_no: int
) -> list[Problem]:
    """A cell outside the header's columns, a formula without a computed value, or a number
    typed in the wrong column: the row is not read."""
    where = {"row": row_no, "sheet": sheet.name}
    extra = [
        j
        for j in range(len(cells))
        if j not in columns and (clean_text(cells[j].value) or cells[j].formula)
    ]
    if extra:
        letter = column_letter(extra[0])
        return [
            problem(
                "headerless_cell",
                grid.path,
                column=letter,
                code="row",
                **where,
                where=letter,
                text=clean_text(cells[extra[0]].value),
            )
        ]
    formulas = [
        problem("formula", grid.path, column=c, code="value", **where, formula=cell(c).formula)
        for c in ("value", "female", "male")
        if cell(c).formula
    ]
    formulas += [  # a text column's formula without a result would read as empty text
        problem(
            "formula_text",
            grid.path,
            column=c,
            code="formula",
            **where,
            name=c,
            formula=cell(c).formula,
        )
        for c in dict.fromkeys(columns.values())
        if c not in ("value", "female", "male") and cell(c).formula
    ]
    if formulas:
        return formulas
    stray = _stray_number(cell, {c for c in _NOT_NUMBER_COLUMNS if c in columns.values()})
    if stray is not None:
        col, text = stray
        return [
            problem(
                "wrong_column", grid.path, column=col, code="value", **where, name=col, text=text
            )
        ]
    return []


def _tidy_sheet(grid, sheet, found, context):
    """Tidy rows (a frame in row order) and problems of one sheet whose header row was found."""
    header_i, columns, unknown = found
    by_name: dict[str, list[int]] = {}
    for j, col in columns.items():
        by_name.setdefault(col, []).append(j)
    problems = _header_problems(grid, sheet, header_i + 1, by_name, unknown)
    if problems:
        return pd.DataFrame(), problems
    col_of = {col: idxs[0] for col, idxs in by_name.items()}
    body = range(header_i + 1, len(sheet))
    fast, slow = pd.DataFrame(), body
    if sheet.records is not None and len(body):
        fast, slow = _plain_rows(sheet, header_i, columns, col_of, context)
    rows: list[dict] = []
    for i in slow:
        more_rows, more = _read_row(grid, sheet, i, columns, col_of, context)
        rows += more_rows
        problems += more
    found_rows = [f for f in (fast, pd.DataFrame(rows)) if not f.empty]
    if not found_rows:
        return pd.DataFrame(), problems
    frame = pd.concat(found_rows, ignore_index=True)
    frame = frame.sort_values(["row", "_seq"], kind="stable").drop(columns="_seq")
    return frame.reset_index(drop=True), problems


def _read_row(grid, sheet, i, columns, col_of, context) -> tuple[list[dict], list[Problem]]:
    """The tidy rows and problems of sheet row ``i`` (0-based), read cell by cell."""
    path, geography, year, units, qualitative, names = context
    cells, row_no = sheet.cells(i), i + 1
    if all(clean_text(c.value) == "" and not c.formula for c in cells):
        return [], []

    def cell(col, cells=cells):
        j = col_of.get(col)
        return cells[j] if j is not None and j < len(cells) else RawCell(None)

    found_problems = _row_problems(grid, sheet, cells, columns, cell, row_no)
    if found_problems:
        return [], found_problems
    if all(clean_text(cell(c).value) == "" for c in _REPORTED) and not _unit_disagrees(cell, units):
        return [], []
    rows, problems = _tidy_one(
        cell, path, sheet.name, row_no, geography, year, units, qualitative, names
    )
    return [{**r, "_seq": k} for k, r in enumerate(rows)], problems


#: A value cell read column-wise: a plain number as written, no sign of unit, separator or space.
_PLAIN_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)"  # ASCII digits (\d would take １２)
_PLAIN_ID = r"[A-Za-z0-9_]+"


def _per_value(series: pd.Series, fn) -> pd.Series:
    """``fn`` applied once per distinct value of ``series`` (ids, units and sexes repeat)."""
    return series.map({v: fn(v) for v in series.unique()})


def _plain_rows(sheet, header_i: int, columns: dict, col_of: dict, context):
    """``(frame, other_rows)``: the plain rows of a CSV sheet read column by column, and the
    0-based indices of every other row (read row by row by :func:`_read_row`).

    A row is plain when nothing lies outside the header's columns, ``indicator_id`` is ASCII
    letters, digits and ``_``, ``unit`` needs only trimming, ``sex`` is empty or one of our
    codes, a ``year`` cell is a year, ``female``/``male`` are empty, the indicator is not a
    qualitative target and ``value`` is a plain number (``95.2``, not ``95.2%`` or ``1,234``)
    below :data:`~planeval.intake.parsing.MAX_ABS_VALUE`. Such a row reads to exactly what
    :func:`_tidy_one` gives it, with no note.
    """
    path, geography, year, units, qualitative, _names = context
    first = header_i + 1
    records = sheet.records[first:]
    width = max(map(len, records))
    if any(len(r) != width for r in records):  # ragged rows, padded with empty cells
        records = [r + [""] * (width - len(r)) for r in records]
    body = pd.DataFrame(records, dtype=object)

    def col(name):
        j = col_of.get(name)
        if j is None or j >= width:
            return pd.Series("", index=body.index, dtype=object)
        return body[j]

    plain = pd.Series(True, index=body.index)
    for j in range(width):
        if j not in columns:
            plain &= body[j].str.strip() == ""
    for name in ("female", "male"):
        plain &= col(name).str.strip() == ""
    indicator, unit_raw, value = col("indicator_id"), col("unit"), col("value")
    plain &= indicator.str.fullmatch(_PLAIN_ID) & ~indicator.isin(list(qualitative))
    unit = _per_value(unit_raw, clean_text)
    plain &= unit == unit_raw.str.strip()
    sex_text = _per_value(col("sex"), clean_text)
    sex = sex_text.where(sex_text != "", "total")
    plain &= sex.isin(["total", "female", "male"]) & (
        (sex_text == "") | (sex_text.map(lambda t: SEX_ALIASES.get(t.lower())) == sex_text)
    )
    year_text = _per_value(col("year"), clean_text)
    content_year = _per_value(col("year"), parse_year)
    plain &= (year_text == "") | content_year.notna()
    plain &= value.str.fullmatch(_PLAIN_NUMBER)
    numbers = pd.Series(float("nan"), index=body.index)
    numbers[plain] = [float(v) for v in value[plain]]
    plain &= numbers.abs() < MAX_ABS_VALUE
    plain = plain.fillna(False).astype(bool)
    other = [first + k for k in body.index[~plain]]
    if not plain.any():
        return pd.DataFrame(), other
    take = body.index[plain]
    geo_text = _per_value(col("geography")[take], clean_text)
    frame = pd.DataFrame(
        {
            "geography": geography,
            "year": year,
            "indicator_id": indicator[take],
            "indicator_written": indicator[take],
            "unit": unit[take],
            "source": col("source")[take].str.strip(),
            "note": col("note")[take].str.strip(),
            "account": col("account")[take].str.strip(),
            "file": str(path),
            "sheet": sheet.name,
            "row": take + first + 1,
            "_content_year": content_year[take].astype(object).where(year_text[take] != "", None),
            "_content_geography": geo_text.where(geo_text != "", None),
            "sex": sex[take],
            "value": numbers[take],
            "column": "value",
            "parse_note": "",
            "_decimals": value[take].str.partition(".")[2].str.len(),
            "_seq": 0,
        }
    )
    text = ["indicator_id", "indicator_written", "unit", "source", "note", "account"]
    text += ["file", "sex", "column"]
    frame[text] = frame[text].astype("str")  # the dtype pandas gives the row-wise dicts
    return frame.reset_index(drop=True), other


def _file_problems(
    grid: Grid, data_sheets: int, unread: list, has_rows: bool, earlier: list[Problem]
) -> list[Problem]:
    """Whole-file problems: a sheet of figures not read, no header anywhere (a ``;`` or tab
    separator named), or a file that holds no values."""
    problems = []
    if data_sheets and grid.kind == "xlsx":
        # a second sheet of figures must not be skipped silently
        problems += [
            problem("unread_sheet", grid.path, sheet=n, code="header", name=n) for n in unread
        ]
    if data_sheets == 0 and not earlier and not problems:
        sep = _separator_hint(grid)
        if sep:
            problems.append(problem("separator", grid.path, row=1, code="header", sep=sep))
        else:
            xlsx = grid.kind == "xlsx"
            problems.append(
                problem(
                    "no_header",
                    grid.path,
                    code="header",
                    rows=HEADER_SEARCH_ROWS,
                    where="any sheet" if xlsx else "the file",
                    where_zh="任何工作表" if xlsx else "文件",
                )
            )
    elif data_sheets and not has_rows and not earlier and not problems:
        problems.append(problem("no_values", grid.path, code="file"))
    return problems


#: Columns where a number alone means it was typed in the wrong column (when value is empty).
_NOT_NUMBER_COLUMNS = ("unit", "source", "note", "name_zh", "name_en", "definition", "department")


def _only_number(raw: object) -> str | None:
    """The text of a cell that holds only a number (``4.5``, ``99%``), else ``None``."""
    if isinstance(raw, bool):
        return None
    text = clean_text(raw)
    if isinstance(raw, int | float) or _NUMBER.fullmatch(text.rstrip("%‰").strip() or "x"):
        return text
    return None


def _stray_number(cell, col_of: dict[str, int]) -> tuple[str, str] | None:
    """``(column, text)`` when the value cells (value, female, male) and account are empty but
    another column holds only a number: it was most likely typed in the wrong column."""
    if any(clean_text(cell(c).value) for c in ("value", "female", "male", "account")):
        return None
    for col in _NOT_NUMBER_COLUMNS:
        if col in col_of:
            text = _only_number(cell(col).value)
            if text is not None:
                return col, text
    return None


def _unit_disagrees(cell, units: dict[str, str] | None) -> bool:
    """True when a row names a known indicator and writes a unit other than its catalogue unit
    (reported by validation even though the row has no value)."""
    unit = clean_text(cell("unit").value)
    want = (units or {}).get(clean_text(cell("indicator_id").value))
    return bool(unit) and want is not None and unit != want


def _separator_hint(grid: Grid) -> str | None:
    if grid.kind != "csv" or not grid.sheets or not len(grid.sheets[0]):
        return None
    first = "".join(str(c.value) for c in grid.sheets[0].cells(0))
    for sep in (";", "\t", "|"):
        if sep in first and "indicator_id" in first:
            return {"\t": "tab"}.get(sep, sep)
    return None


def _meta_problems(grid: Grid, geography: str | None, year: int | None) -> list[Problem]:
    """The template's 说明 sheet names another year or geography than the file's place."""
    expected = {"year": (year, parse_year), "geography": (geography, clean_text)}
    problems = []
    for key, (want, read) in expected.items():
        if key not in grid.meta or want is None:
            continue
        raw, r = grid.meta[key]
        if read(raw) != want:
            problems.append(
                problem(
                    f"meta_{key}",
                    grid.path,
                    row=r,
                    column="B",
                    sheet=META_SHEET,
                    code=key,
                    meta=clean_text(raw),
                    year=year,
                    geography=geography,
                )
            )
    return problems


def _tidy_one(
    cell, path, sheet, row_no, geography, year, units, qualitative=frozenset(), names=None
):
    problems: list[Problem] = []

    def bad(col, key, code="value", **values):
        problems.append(
            problem(key, path, row=row_no, column=col, sheet=sheet, code=code, **values)
        )

    notes = []
    raw_id = cell("indicator_id").value
    indicator = clean_text(raw_id)
    if isinstance(raw_id, str) and indicator != raw_id.strip():
        notes.append(f"indicator_id '{raw_id.strip()}' read as '{indicator}'")
    written = indicator
    if units and indicator not in units and indicator in (names or {}):
        indicator = names[written]  # the catalogue's name of the indicator (婴儿死亡率)
        notes.append(
            f"indicator '{written}' read as {indicator} (its catalogue name) / "
            f"指标 '{written}' 按指标目录名称读作 {indicator}"
        )
    raw_unit = cell("unit").value
    unit = clean_text(raw_unit)
    if isinstance(raw_unit, str) and unit != raw_unit and unit != raw_unit.strip():
        notes.append(f"unit '{raw_unit}' read as '{unit}' / 单位读作 '{unit}'")
    catalogue_unit = units.get(indicator) if units else None
    value_unit = catalogue_unit if catalogue_unit is not None else unit
    sex, sex_note = parse_sex(cell("sex").value)
    if sex_note:
        notes.append(sex_note)
    content_year = None
    raw_year = cell("year").value
    if clean_text(raw_year):
        content_year = parse_year(raw_year)
        if content_year is None:
            bad("year", "bad_year", code="year", text=clean_text(raw_year))
    content_geo = clean_text(cell("geography").value) or None
    base = {
        "geography": geography,
        "year": year,
        "indicator_id": indicator,
        "indicator_written": written,
        "unit": unit,
        "source": free_text(cell("source").value),
        "note": free_text(cell("note").value),
        "account": free_text(cell("account").value),
        "file": str(path),
        "sheet": sheet,
        "row": row_no,
        "_content_year": content_year,
        "_content_geography": content_geo,
    }
    out = []
    wide = {c: cell(c) for c in ("female", "male") if clean_text(cell(c).value) != ""}
    if wide and sex != "total":
        bad(next(iter(wide)), "wide_sex", code="sex", sex=sex)
        return [], problems
    value_cell = cell("value")
    value_text = clean_text(value_cell.value)
    emit_total = value_text != "" or not wide
    targets = ([("value", sex, value_cell)] if emit_total else []) + [
        (c, c, wide[c]) for c in ("female", "male") if c in wide
    ]
    for col, sex_code, raw in targets:
        parsed = parse_value(raw.value, value_unit, raw.number_format, raw.is_error)
        if not parsed.ok:
            en, zh, fix, fix_zh = parsed.error
            problems.append(
                Problem(
                    str(path),
                    en,
                    zh,
                    fix,
                    fix_zh,
                    row=row_no,
                    column=col,
                    sheet=sheet,
                    code="value",
                )
            )
            continue
        if indicator in qualitative and not parsed.missing:
            bad(col, "qualitative_number", indicator=indicator)
            continue
        note = "; ".join(n for n in [*notes, parsed.note] if n)
        if parsed.missing and col == "value" and value_text == "" and base["account"]:
            note = "; ".join(notes)  # a qualitative account: no number expected
        out.append(
            {
                **base,
                "sex": sex_code,
                "value": parsed.value,
                "column": col,
                "parse_note": note,
                "_decimals": decimal_places(raw),
            }
        )
    if problems:
        return [], problems
    return out, problems
