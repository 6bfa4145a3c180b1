"""Problems found reading a submission, worded in English and Chinese with the fix.

The wording lives in ``core/labels.yaml`` (group ``intake``: ``en``, ``zh``, ``fix``,
``fix_zh`` with ``{placeholders}``), so a submitter-facing sentence changes without touching
code. :func:`problem` builds the :class:`~planeval.core.errors.Problem` that names the file,
sheet, row (as shown in Excel: the header is row 1) and column.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from planeval.core.errors import Problem
from planeval.core.labels import group


def wording(key: str, **values) -> tuple[str, str, str, str]:
    """``(message_en, message_zh, fix_en, fix_zh)`` of problem ``key``, placeholders filled.

    Raises ``KeyError`` for an unknown key or a missing placeholder (a typo must fail loudly).
    """
    en, zh, fix, fix_zh = _entry(key)
    return en.format(**values), zh.format(**values), fix.format(**values), fix_zh.format(**values)


@cache
def _entry(key: str) -> tuple[str, str, str, str]:
    """The four templates of problem ``key`` (looked up once: a 200,000-row file may have as
    many problems)."""
    entry = group("intake")[key]
    return entry["en"], entry["zh"], entry["fix"], entry["fix_zh"]


def problem(
    key: str,
    path: str | Path,
    *,
    row: int | None = None,
    column: str | None = None,
    sheet: str | None = None,
    code: str = "invalid",
    **values,
) -> Problem:
    """The :class:`Problem` ``key`` (see :func:`wording`) at a file, sheet, row and column
    (which the wording may quote as ``{row}``, ``{column}``, ``{sheet}``)."""
    en, zh, fix, fix_zh = wording(key, row=row, column=column, sheet=sheet, **values)
    return Problem(str(path), en, zh, fix, fix_zh, row=row, column=column, sheet=sheet, code=code)
