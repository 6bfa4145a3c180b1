"""Reading submissions as people send them: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) and .xlsx.

This module turns a file into a grid of raw cells (:func:`read_grid`), finds the header row and
maps Chinese or English column names to ours (:func:`canonical_column`), and reads values the
way people write them (:func:`parse_value`): ``99.5%``, ``１２３.４`` (full-width digits),
``1,234``, `` 95.2 `` are read and the change is noted; ``—``, ``-``, ``暂无``, ``空``, ``/``,
``…``, ``NA``/``na``/``n/a``, ``null``/``NULL`` and an empty cell mean "missing" (see
:data:`MISSING_MARKERS`; ``nan`` is not accepted: a program, not a person, writes it);
anything else is a :class:`~planeval.core.errors.Problem`, never a silent NaN.
Files are opened read-only and never written.

Encoding detection needs no guessing library: a CSV file is decoded as UTF-8 (a BOM is
dropped) and, when that fails, as GB18030 (a superset of GBK/GB2312, what Excel on Chinese
Windows writes); both decodings are strict, so a file that is neither gives a clear problem
instead of mojibake.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from planeval.core.errors import Problem

#: File types read. Anything else is refused with a message saying how to save it.
SUFFIXES = (".csv", ".xlsx")
#: Encodings tried, in order, for CSV files.
ENCODINGS = ("utf-8-sig", "gb18030")
#: Name of the template's key/value sheet (plan, geography, year).
META_SHEET = "说明 about"
#: How far down a sheet the header row may sit (title rows above it are ignored).
HEADER_SEARCH_ROWS = 10

#: Largest magnitude read as a value: far above any count or amount a plan monitors (the world
#: population is under 1e10); ``1e308`` is a typing accident, not data.
MAX_ABS_VALUE = 1e15
#: Cell text meaning "no value" (after full-width forms are converted and spaces stripped).
MISSING_MARKERS = frozenset(
    {
        *("", "-", "--", "—", "——", "–", "/", "暂无", "无数据", "空", "…", "……", "..."),
        *("NA", "na", "N/A", "n/a", "null", "NULL", "Null"),
    }
)

#: Our column names and the Chinese/English headers read as them (compared after full-width
#: conversion, with spaces removed and in lower case).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "indicator_id": ("indicator_id", "指标代码", "指标编码", "指标id"),
    "value": ("value", "数值", "指标值", "合计", "总计", "total"),
    "unit": ("unit", "单位", "计量单位"),
    "sex": ("sex", "性别"),
    "source": (
        "source",
        "来源",
        "数据来源",
        "来源部门",
        "数据来源（部门）",
        "数据来源(部门)",
        "填报部门",
    ),
    "note": ("note", "备注"),
    "account": (
        "account",
        "文字说明",
        "情况说明",
        "定性说明",
        "文字说明（定性目标）",
        "文字说明(定性目标)",
    ),
    "female": ("female", "女", "女性"),
    "male": ("male", "男", "男性"),
    "year": ("year", "年份", "年度"),
    "geography": ("geography", "地区"),
    # informational columns of the template: read past, never used as data
    "name_zh": ("name_zh", "指标名称", "名称"),
    "name_en": ("name_en",),
    "definition": ("definition", "指标解释", "指标定义", "定义"),
    "department": ("department", "责任部门"),
    "seq": ("序号", "no.", "no"),
}
INFO_COLUMNS = ("name_zh", "name_en", "definition", "department", "seq")
_ALIAS = {
    re.sub(
        r"\s+", "", alias.translate({cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)})
    ).lower(): name
    for name, aliases in COLUMN_ALIASES.items()
    for alias in aliases
}

#: Sex as written -> our code.
SEX_ALIASES = {
    "total": "total",
    "合计": "total",
    "总计": "total",
    "全部": "total",
    "all": "total",
    "female": "female",
    "女": "female",
    "女性": "female",
    "f": "female",
    "male": "male",
    "男": "male",
    "男性": "male",
    "m": "male",
}

# Full-width ASCII forms (U+FF01..U+FF5E) -> ASCII, ideographic space -> space, and the
# minus sign / fullwidth minus -> '-'. Deliberately not NFKC: NFKC would turn '5²' into '52'.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH.update({0x3000: 0x20, 0x2212: 0x2D, 0x00A0: 0x20})
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_COMMA_NUMBER = re.compile(r"[+-]?[\d,]*\d,\d[\d,]*(\.\d+)?")
_SUFFIXES = ("%", "‰")
_YEAR_TEXT = re.compile(r"((?:19|20)\d{2})(?:\.0+)?(?:年)?")


@dataclass
class RawCell:
    """One cell as stored: text for CSV; for .xlsx the openpyxl value and number format."""

    value: object
    number_format: str = "General"
    is_error: bool = False
    formula: str | None = None


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
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class ParsedValue:
    """Result of reading one value cell.

    ``value`` is a float or ``None`` (missing); ``note`` says what was normalised (empty when
    the cell was a plain number); ``error`` is ``(message_en, message_zh, fix_en, fix_zh)``
    when the cell cannot be read unambiguously.
    """

    value: float | None
    note: str = ""
    error: tuple[str, str, str, str] | None = None
    missing: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


def fullwidth_to_ascii(text: str) -> str:
    """Full-width digits, letters and signs (``１２３.４``, ``％``) as ASCII; other text kept."""
    return text.translate(_FULLWIDTH)


def clean_text(value: object) -> str:
    """A cell as trimmed text with full-width forms converted (``None`` -> ``""``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return fullwidth_to_ascii(str(value)).strip()


def free_text(value: object) -> str:
    """A free-text cell (source, note, account) as written, only trimmed: Chinese punctuation
    such as ``；`` is kept."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def canonical_column(header: object) -> str | None:
    """Our name for a header cell (``"指标代码\\nindicator_id"`` -> ``indicator_id``), or ``None``.

    The header is read whole, then line by line and part by part around brackets, so both the
    template's bilingual headers and plain ``indicator_id`` or ``指标代码`` are understood.
    """
    text = clean_text(header)
    if not text:
        return None
    candidates = [text, *text.splitlines(), *re.split(r"[()\[\]\n/]", text)]
    found = {_ALIAS[c] for c in (re.sub(r"\s+", "", c).lower() for c in candidates) if c in _ALIAS}
    return found.pop() if len(found) == 1 else None


def decimals_of(value: float) -> int:
    """Number of decimals of a float as written (``12.30`` read as 12.3 -> 1)."""
    text = repr(float(value))
    if "e" in text or "E" in text:
        return 0
    return len(text.split(".")[1].rstrip("0")) if "." in text else 0


def _err(en: str, zh: str, fix: str, fix_zh: str) -> ParsedValue:
    return ParsedValue(None, error=(en, zh, fix, fix_zh))


def parse_value(
    raw: object, unit: str = "", number_format: str = "General", is_error: bool = False
) -> ParsedValue:
    """Read one value cell written the way people write numbers.

    ``raw``: the cell (text from a CSV, or the openpyxl value: int, float, str, bool, datetime,
    ``None``); ``unit``: the indicator's unit (catalogue unit when known), used to accept a
    trailing ``%``/``‰`` equal to it; ``number_format``: the Excel number format (a cell shown
    as ``99.5%`` stores 0.995 and is read as 99.5). Returns a :class:`ParsedValue`; never raises.
    """
    if is_error:
        return _err(
            f"Excel error value '{raw}'",
            f"Excel 错误值 '{raw}'",
            "fix the formula or type the number itself",
            "修正公式或直接填写数值",
        )
    if raw is None:
        return ParsedValue(None, "empty cell: no value / 空白：无数值", missing=True)
    if isinstance(raw, bool):
        return _err(
            f"{str(raw).upper()} (a TRUE/FALSE cell) is not a number",
            f"{str(raw).upper()}（逻辑值）不是数字",
            "type the number",
            "填写数值",
        )
    if isinstance(raw, dt.datetime | dt.date | dt.time):
        if isinstance(raw, dt.datetime) and raw.time() == dt.time(0):
            raw = raw.date()
        return _err(
            f"Excel turned the entry into a date or time ({raw})",
            f"Excel 把填写内容变成了日期或时间（{raw}）",
            "format the cell as Number and type the value again",
            "将单元格格式设为“数值”后重新填写",
        )
    if isinstance(raw, int | float):
        value = float(raw)
        if math.isfinite(value) and abs(value) >= MAX_ABS_VALUE:
            return _err(
                f"value '{raw}' is too large",
                f"数值 '{raw}' 过大",
                "check the number",
                "检查数值",
            )
        if not math.isfinite(value):
            return _err(
                f"value '{raw}' is not a finite number",
                f"数值 '{raw}' 不是有限数",
                "type the number",
                "填写数值",
            )
        if "%" in (number_format or ""):
            if unit != "%":
                return _err(
                    f"the cell is formatted as a percentage but the unit is '{unit}'",
                    f"单元格为百分比格式，但单位是 '{unit}'",
                    f"format the cell as Number and type the value in {unit or 'the unit'}",
                    f"将单元格格式设为“数值”，按 {unit or '规定单位'} 填写",
                )
            shown = float(Decimal(repr(value)) * 100)
            if not math.isfinite(shown):
                return _err(
                    f"value '{raw}' is too large",
                    f"数值 '{raw}' 过大",
                    "check the number",
                    "检查数值",
                )
            return ParsedValue(
                shown,
                f"Excel percent cell {value!r} read as {shown:.15g} / "
                f"百分比格式单元格 {value!r} 读作 {shown:.15g}",
            )
        return ParsedValue(value)
    return _parse_text(str(raw), unit)


def _parse_text(raw: str, unit: str) -> ParsedValue:
    notes = []
    text = fullwidth_to_ascii(raw)
    if text != raw:
        notes.append("full-width characters converted / 全角字符已转换")
    stripped = text.strip()
    if stripped != text and stripped:
        notes.append("spaces removed / 去掉空格")
    text = stripped
    if text in MISSING_MARKERS:
        note = (
            "empty cell: no value / 空白：无数值"
            if text == ""
            else f"marked missing '{text}' / 标为缺失 '{text}'"
        )
        return ParsedValue(None, note, missing=True)
    for suffix in _SUFFIXES:
        if text.endswith(suffix):
            if suffix != unit:
                return _err(
                    f"value '{raw}' carries '{suffix}' but the unit is '{unit}'",
                    f"数值 '{raw}' 带有 '{suffix}'，但单位是 '{unit}'",
                    f"write the number in {unit or 'the catalogue unit'} without '{suffix}'",
                    f"按 {unit or '指标目录单位'} 填写数字，不带 '{suffix}'",
                )
            text = text[: -len(suffix)].strip()
            notes.append(f"'{suffix}' removed / 去掉 '{suffix}'")
            break
    if "," in text:
        if _GROUPED.fullmatch(text):
            text = text.replace(",", "")
            notes.append("thousands separators removed / 去掉千位分隔符")
        elif _COMMA_NUMBER.fullmatch(text):
            return _err(
                f"value '{raw}' is ambiguous: ',' may be a decimal comma or a thousands separator",
                f"数值 '{raw}' 有歧义：',' 可能是小数点也可能是千位分隔符",
                "use '.' for decimals and no separator, e.g. 12.5 or 1234",
                "小数点用 '.'，不加分隔符，如 12.5 或 1234",
            )
    if not _NUMBER.fullmatch(text):
        return _err(
            f"value '{raw}' is not a number",
            f"数值 '{raw}' 不是数字",
            "write a plain number such as 95.2, or '—' when missing (explain in note)",
            "填写数字，如 95.2；缺失时填 '—' 并在备注中说明",
        )
    value = float(text)
    if not math.isfinite(value) or abs(value) >= MAX_ABS_VALUE:
        return _err(
            f"value '{raw}' is too large", f"数值 '{raw}' 过大", "check the number", "检查数值"
        )
    note = f"'{raw}' read as {value:.15g} ({'; '.join(notes)})" if notes else ""
    return ParsedValue(value, note)


def parse_year(raw: object) -> int | None:
    """A year cell (``2023``, ``2023.0``, ``"2023年"``) as int, or ``None`` when it is not one."""
    text = clean_text(raw)
    match = _YEAR_TEXT.fullmatch(text)
    return int(match.group(1)) if match else None


def parse_sex(raw: object) -> tuple[str, str]:
    """``(code, note)``: ``女`` -> ``("female", note)``; empty -> ``("total", "")``.

    Text not understood is returned unchanged for validation to report.
    """
    text = clean_text(raw)
    if text == "":
        return "total", ""
    code = SEX_ALIASES.get(text.lower())
    if code is None:
        return text, ""
    return code, (
        "" if text == code else f"sex '{text}' read as {code} / 性别 '{text}' 读作 {code}"
    )


def decode_bytes(data: bytes) -> tuple[str | None, str | None]:
    """``(text, encoding)`` of CSV bytes: UTF-8 (BOM dropped) else GB18030; ``(None, None)``
    when neither decodes strictly. UTF-16 is not tried (see :func:`read_grid`)."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None, None


def _problem(path, en, zh, fix, fix_zh, row=None, column=None, sheet=None, code="invalid"):
    return Problem(str(path), en, zh, fix, fix_zh, row=row, column=column, sheet=sheet, code=code)


def read_grid(path: str | Path) -> Grid:
    """Read a .csv or .xlsx file into a :class:`Grid` of raw cells; problems instead of raising.

    CSV: encoding detected (UTF-8, UTF-8 BOM, GBK/GB18030), comma-separated. XLSX: every sheet
    (values as Excel last computed them; a formula with no computed value is a problem); the
    template's ``说明 about`` sheet is read as key/value metadata. The file is opened read-only.
    """
    path = Path(path)
    grid = Grid(path=path, kind=path.suffix.lower().lstrip("."))
    if not path.is_file():
        grid.problems.append(
            _problem(
                path, "file not found", "找不到文件", "check the path", "检查文件路径", code="file"
            )
        )
        return grid
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        hint = " (the old Excel 97-2003 format)" if suffix == ".xls" else ""
        grid.problems.append(
            _problem(
                path,
                f"'{suffix or path.name}' files are not read{hint}",
                f"不能读取 '{suffix or path.name}' 文件",
                "save it as an Excel workbook (.xlsx) or as 'CSV UTF-8 (comma delimited)'",
                "另存为 Excel 工作簿（.xlsx）或“CSV UTF-8（逗号分隔）”",
                code="file",
            )
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
        grid.problems.append(
            _problem(
                path,
                "the file is empty",
                "文件为空",
                "fill in the template or the CSV header and rows",
                "按模板填写表头和数据",
                code="file",
            )
        )
        return
    if data[:4] == b"PK\x03\x04":
        grid.problems.append(
            _problem(
                path,
                "this looks like an Excel workbook (.xlsx), not a CSV file",
                "该文件看起来是 Excel 工作簿（.xlsx），不是 CSV 文件",
                "save it as .xlsx (rename it back) or export it from Excel as "
                "'CSV UTF-8 (comma delimited)'",
                "改回 .xlsx 扩展名，或在 Excel 中另存为“CSV UTF-8（逗号分隔）”",
                code="file",
            )
        )
        return
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        grid.problems.append(
            _problem(
                path,
                "the file is UTF-16 text (Excel 'Unicode text'), not CSV",
                "文件为 UTF-16 文本（Excel“Unicode 文本”），不是 CSV",
                "in Excel use Save As 'CSV UTF-8 (comma delimited)' or save as .xlsx",
                "在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx",
                code="encoding",
            )
        )
        return
    text, encoding = decode_bytes(data)
    if text is None:
        grid.problems.append(
            _problem(
                path,
                "cannot decode the file as UTF-8 or GBK/GB18030",
                "无法按 UTF-8 或 GBK/GB18030 解码文件",
                "save it as 'CSV UTF-8 (comma delimited)' or as .xlsx",
                "另存为“CSV UTF-8（逗号分隔）”或 .xlsx",
                code="encoding",
            )
        )
        return
    grid.encoding = (
        "utf-8"
        if encoding == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf")
        else ("utf-8-bom" if encoding == "utf-8-sig" else "gb18030")
    )
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        grid.problems.append(
            _problem(
                path,
                f"not a readable CSV table ({exc})",
                "不是可读取的 CSV 表格",
                "save it again from Excel as 'CSV UTF-8 (comma delimited)'",
                "在 Excel 中重新另存为“CSV UTF-8（逗号分隔）”",
                code="file",
            )
        )
        return
    grid.sheets.append(Sheet(None, [[RawCell(v) for v in rec] for rec in records]))


def _read_xlsx(path: Path, grid: Grid) -> None:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
        wb_formulas = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types on a damaged file
        grid.problems.append(
            _problem(
                path,
                f"cannot open as an Excel workbook ({type(exc).__name__})",
                "无法作为 Excel 工作簿打开",
                "open it in Excel and save it again as Excel Workbook (.xlsx)",
                "用 Excel 打开后另存为“Excel 工作簿（.xlsx）”",
                code="file",
            )
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
                grid.sheets.append(Sheet(ws.title, rows))
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


def text_or_number(cell: RawCell) -> str:
    """A text column's cell as text (numbers without a spurious ``.0``)."""
    return clean_text(cell.value)


def decimal_places(cell: RawCell) -> int:
    """Decimals written in a value cell (text) or stored (number); 0 when unknown."""
    if isinstance(cell.value, str):
        text = fullwidth_to_ascii(cell.value).strip().rstrip("%‰").replace(",", "")
        try:
            exp = Decimal(text).as_tuple().exponent
        except InvalidOperation:
            return 0
        return max(0, -exp) if isinstance(exp, int) else 0
    if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
        return decimals_of(float(cell.value))
    return 0


#: Columns that carry what a submitter reported; a row with all of them empty says nothing.
_REPORTED = ("value", "female", "male", "account", "note")


def tidy_rows(
    grid: Grid,
    geography: str | None,
    year: int | None,
    units: dict[str, str] | None = None,
    qualitative: frozenset[str] | set[str] = frozenset(),
) -> tuple[list[dict], list[Problem]]:
    """Tidy rows (one per value and sex) from a :class:`Grid`, plus the problems of reading it.

    Long form (a ``sex`` column) and wide form (``female``/``male`` columns beside the total in
    ``value``, as in the template) are both read; a wide row gives up to three tidy rows with
    ``sex`` total/female/male and ``column`` saying where each value came from. A row whose
    value, female, male, account and note cells are all empty reported nothing and is skipped
    (an unfilled template row); an empty or ``—``/``暂无`` value in a row that reports something
    is kept as missing with a note. Each tidy row carries ``file``, ``sheet``, ``row`` (as shown
    in Excel) and ``parse_note`` (what was normalised). Internal keys start with ``_``:
    ``_content_year``/``_content_geography`` (from ``year``/``geography`` columns) and
    ``_decimals`` (decimals written, for rounding tolerances). ``qualitative``: indicator_ids
    of not_statistical targets; a number in their value cell is a problem (they take a written
    account).
    """
    path = grid.path
    problems: list[Problem] = list(grid.problems)
    rows: list[dict] = []
    if problems:
        return rows, problems
    problems += _meta_problems(grid, geography, year)
    data_sheets = 0
    unread: list[str | None] = []
    for sheet in grid.sheets:
        found = find_header(sheet)
        if found is None:
            if any(clean_text(c.value) for row in sheet.rows for c in row):
                unread.append(sheet.name)
            continue
        data_sheets += 1
        header_i, columns, unknown = found
        header_row = header_i + 1
        by_name: dict[str, list[int]] = {}
        for j, col in columns.items():
            by_name.setdefault(col, []).append(j)
        bad_header = False
        for col, idxs in by_name.items():
            if len(idxs) > 1:
                letters = ", ".join(column_letter(j) for j in idxs)
                problems.append(
                    _problem(
                        path,
                        f"column '{col}' appears {len(idxs)} times (columns {letters})",
                        f"列 '{col}' 出现 {len(idxs)} 次（第 {letters} 列）",
                        "keep one column of each name",
                        "每个列名只保留一列",
                        row=header_row,
                        column=col,
                        sheet=sheet.name,
                        code="header",
                    )
                )
                bad_header = True
        for j, text in unknown:
            problems.append(
                _problem(
                    path,
                    f"unknown column '{text}' (column {column_letter(j)})",
                    f"未知列 '{text}'（第 {column_letter(j)} 列）",
                    "rename it to one of indicator_id, value, unit, sex, female, male, source, "
                    "note, "
                    "account, year, or remove it",
                    "改为 indicator_id、value、unit、sex、female、male、source、note、account、"
                    "year "
                    "之一，或删除该列",
                    row=header_row,
                    column=text,
                    sheet=sheet.name,
                    code="header",
                )
            )
            bad_header = True
        for col in ("value", "unit"):
            if col not in by_name:
                problems.append(
                    _problem(
                        path,
                        f"missing column '{col}'",
                        f"缺少列 '{col}'",
                        "the header needs at least indicator_id, value and unit",
                        "表头至少需要 indicator_id、value 和 unit 三列",
                        row=header_row,
                        column=col,
                        sheet=sheet.name,
                        code="header",
                    )
                )
                bad_header = True
        if bad_header:
            continue
        col_of = {col: idxs[0] for col, idxs in by_name.items()}
        for i in range(header_i + 1, len(sheet.rows)):
            cells = sheet.rows[i]
            row_no = i + 1
            if all(clean_text(c.value) == "" and not c.formula for c in cells):
                continue
            extra = [
                j
                for j in range(len(cells))
                if j not in columns and (clean_text(cells[j].value) or cells[j].formula)
            ]
            if extra:
                j = extra[0]
                where = column_letter(j)
                problems.append(
                    _problem(
                        path,
                        f"cell {where}{row_no} holds '{clean_text(cells[j].value)}' but its "
                        "column has no header",
                        f"单元格 {where}{row_no} 有内容 '{clean_text(cells[j].value)}'，"
                        "但该列没有表头",
                        "give the column a header or move the text into note",
                        "为该列加表头，或把内容移到 note（备注）列",
                        row=row_no,
                        column=where,
                        sheet=sheet.name,
                        code="row",
                    )
                )
                continue

            def cell(col, cells=cells, col_of=col_of):
                j = col_of.get(col)
                return cells[j] if j is not None and j < len(cells) else RawCell(None)

            formulas = [c for c in ("value", "female", "male") if cell(c).formula]
            for col in formulas:
                problems.append(
                    _problem(
                        path,
                        f"formula {cell(col).formula} has no computed value",
                        f"公式 {cell(col).formula} 没有计算结果",
                        "open the file in Excel and save it (or type the number)",
                        "用 Excel 打开并保存（或直接填写数值）",
                        row=row_no,
                        column=col,
                        sheet=sheet.name,
                        code="value",
                    )
                )
            if formulas:
                continue
            stray = _stray_number(cell, col_of)
            if stray is not None:
                col, text = stray
                problems.append(
                    _problem(
                        path,
                        f"value is empty but column '{col}' holds {text}: was it typed in the "
                        "wrong column?",
                        f"数值为空，但 '{col}' 列填有 {text}：是否填错了列？",
                        "move the number into the value column",
                        "把该数字移到 value（数值）列",
                        row=row_no,
                        column=col,
                        sheet=sheet.name,
                        code="value",
                    )
                )
                continue
            if all(clean_text(cell(c).value) == "" for c in _REPORTED) and not _unit_disagrees(
                cell, units
            ):
                continue
            rows_here, probs = _tidy_one(
                cell, path, sheet.name, row_no, geography, year, units, qualitative
            )
            problems += probs
            rows += rows_here
    if data_sheets and grid.kind == "xlsx":
        for name in unread:  # a second sheet of figures must not be skipped silently
            problems.append(
                _problem(
                    path,
                    f"sheet '{name}' has content but no header row with 'indicator_id': "
                    "it is not read",
                    f"工作表 '{name}' 有内容但没有含 'indicator_id' 的表头，未被读取",
                    "give it the header of the data sheet, move its figures there, or delete it",
                    "为其加上与数据表相同的表头、把数据移到数据表，或删除该工作表",
                    sheet=name,
                    code="header",
                )
            )
    if data_sheets == 0 and not problems:
        sep = _separator_hint(grid)
        if sep:
            problems.append(
                _problem(
                    path,
                    f"the columns are separated by '{sep}', not ','",
                    f"列之间用 '{sep}' 分隔，而不是 ','",
                    "save it as 'CSV UTF-8 (comma delimited)'",
                    "另存为“CSV UTF-8（逗号分隔）”",
                    row=1,
                    sheet=None,
                    code="header",
                )
            )
        else:
            where = "any sheet" if grid.kind == "xlsx" else "the file"
            where_zh = "任何工作表" if grid.kind == "xlsx" else "文件"
            problems.append(
                _problem(
                    path,
                    f"no header row with 'indicator_id' in the first {HEADER_SEARCH_ROWS} rows"
                    f" of {where}",
                    f"{where_zh}前 {HEADER_SEARCH_ROWS} 行中没有含 'indicator_id' 的表头",
                    "start with the header indicator_id,value,unit,sex,source,note (or use the "
                    "template: planeval template)",
                    "首行写表头 indicator_id,value,unit,sex,source,note（或使用 planeval template "
                    "生成的模板）",
                    code="header",
                )
            )
    elif not rows and not problems:
        problems.append(
            _problem(
                path,
                "the file holds no values",
                "文件中没有填写任何数值",
                "fill in value (or account for qualitative targets)",
                "填写 value（定性目标填写 account）",
                code="file",
            )
        )
    return rows, problems


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
    if grid.kind != "csv" or not grid.sheets or not grid.sheets[0].rows:
        return None
    first = "".join(str(c.value) for c in grid.sheets[0].rows[0])
    for sep in (";", "\t", "|"):
        if sep in first and "indicator_id" in first:
            return {"\t": "tab"}.get(sep, sep)
    return None


def _meta_problems(grid: Grid, geography: str | None, year: int | None) -> list[Problem]:
    problems = []
    if "year" in grid.meta and year is not None:
        raw, r = grid.meta["year"]
        meta_year = parse_year(raw)
        if meta_year != year:
            problems.append(
                _problem(
                    grid.path,
                    f"the workbook is for year {clean_text(raw)} but the file name says {year}",
                    f"工作簿年份为 {clean_text(raw)}，但文件名为 {year} 年",
                    f"name the file {clean_text(raw)}.xlsx, or use the template for {year}",
                    f"将文件命名为 {clean_text(raw)}.xlsx，或使用 {year} 年的模板",
                    row=r,
                    column="B",
                    sheet=META_SHEET,
                    code="year",
                )
            )
    if "geography" in grid.meta and geography is not None:
        raw, r = grid.meta["geography"]
        if clean_text(raw) != geography:
            problems.append(
                _problem(
                    grid.path,
                    f"the workbook is for geography '{clean_text(raw)}' but it sits in "
                    f"the folder of '{geography}'",
                    f"工作簿地区为 '{clean_text(raw)}'，但放在 '{geography}' 的文件夹中",
                    f"move it to observations/{clean_text(raw)}/",
                    f"移到 observations/{clean_text(raw)}/",
                    row=r,
                    column="B",
                    sheet=META_SHEET,
                    code="geography",
                )
            )
    return problems


def _tidy_one(cell, path, sheet, row_no, geography, year, units, qualitative=frozenset()):
    problems: list[Problem] = []

    def bad(col, err, code="value"):
        problems.append(
            _problem(
                path, err[0], err[1], err[2], err[3], row=row_no, column=col, sheet=sheet, code=code
            )
        )

    notes = []
    raw_id = cell("indicator_id").value
    indicator = clean_text(raw_id)
    if isinstance(raw_id, str) and indicator != raw_id.strip():
        notes.append(f"indicator_id '{raw_id.strip()}' read as '{indicator}'")
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
            bad(
                "year",
                (
                    f"year '{clean_text(raw_year)}' is not a year",
                    f"年份 '{clean_text(raw_year)}' 不是年份",
                    "write the year as 2023",
                    "年份写成 2023 的形式",
                ),
                code="year",
            )
    content_geo = clean_text(cell("geography").value) or None
    base = {
        "geography": geography,
        "year": year,
        "indicator_id": indicator,
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
        bad(
            next(iter(wide)),
            (
                f"female/male columns are filled in a row whose sex is '{sex}'",
                f"性别为 '{sex}' 的行中填写了 female/male 列",
                "put female and male values in rows with sex female/male, or in "
                "the female/male columns of the total row",
                "女性、男性数值分别填在 sex 为 female/male 的行，或填在合计行的 female/male 列",
            ),
            code="sex",
        )
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
            bad(col, parsed.error)
            continue
        if indicator in qualitative and not parsed.missing:
            bad(
                col,
                (
                    f"{indicator} is a qualitative target: it takes a written account in column "
                    "'account', not a number",
                    f"{indicator} 为定性目标：应在 account（文字说明）列填写文字说明，而不是数字",
                    "delete the number and describe the progress in column 'account'",
                    "删除该数字，在 account（文字说明）列说明进展",
                ),
            )
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
