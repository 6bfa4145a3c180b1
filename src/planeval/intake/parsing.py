"""Cells to values: reading numbers, years, sex and headers the way people write them.

:func:`parse_value` reads ``99.5%``, ``１２３.４`` (full-width digits), ``1,234``, `` 95.2 `` and
notes the change; ``—``, ``-``, ``暂无``, ``空``, ``/``, ``…``, ``NA``/``na``/``n/a``,
``null``/``NULL`` and an empty cell mean "missing" (see :data:`MISSING_MARKERS`; ``nan`` is not
accepted: a program, not a person, writes it); anything else is an error (wording in
:mod:`planeval.intake.messages`), never a silent NaN. :func:`canonical_column` maps Chinese or
English headers to our column names.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from planeval.intake.messages import wording

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


def _err(key: str, **values) -> ParsedValue:
    return ParsedValue(None, error=wording(key, **values))


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
        return _err("excel_error", raw=raw)
    if raw is None:
        return ParsedValue(None, "empty cell: no value / 空白：无数值", missing=True)
    if isinstance(raw, bool):
        return _err("boolean", shown=str(raw).upper())
    if isinstance(raw, dt.datetime | dt.date | dt.time):
        if isinstance(raw, dt.datetime) and raw.time() == dt.time(0):
            raw = raw.date()
        return _err("date", raw=raw)
    if isinstance(raw, int | float):
        return _parse_number(raw, unit, number_format)
    return _parse_text(str(raw), unit)


def _parse_number(raw: int | float, unit: str, number_format: str) -> ParsedValue:
    """A numeric cell; an Excel percent-formatted cell (0.995 shown as 99.5%) read as shown."""
    value = float(raw)
    if math.isfinite(value) and abs(value) >= MAX_ABS_VALUE:
        return _err("too_large", raw=raw)
    if not math.isfinite(value):
        return _err("not_finite", raw=raw)
    if "%" not in (number_format or ""):
        return ParsedValue(value)
    if unit != "%":
        return _err(
            "percent_format", unit=unit, unit_en=unit or "the unit", unit_zh=unit or "规定单位"
        )
    shown = float(Decimal(repr(value)) * 100)
    if not math.isfinite(shown):
        return _err("too_large", raw=raw)
    return ParsedValue(
        shown,
        f"Excel percent cell {value!r} read as {shown:.15g} / "
        f"百分比格式单元格 {value!r} 读作 {shown:.15g}",
    )


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
                    "suffix_unit",
                    raw=raw,
                    suffix=suffix,
                    unit=unit,
                    unit_en=unit or "the catalogue unit",
                    unit_zh=unit or "指标目录单位",
                )
            text = text[: -len(suffix)].strip()
            notes.append(f"'{suffix}' removed / 去掉 '{suffix}'")
            break
    if "," in text:
        if _GROUPED.fullmatch(text):
            text = text.replace(",", "")
            notes.append("thousands separators removed / 去掉千位分隔符")
        elif _COMMA_NUMBER.fullmatch(text):
            return _err("decimal_comma", raw=raw)
    if not _NUMBER.fullmatch(text):
        return _err("not_number", raw=raw)
    value = float(text)
    if not math.isfinite(value) or abs(value) >= MAX_ABS_VALUE:
        return _err("too_large", raw=raw)
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
