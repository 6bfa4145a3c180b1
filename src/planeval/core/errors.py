"""User-facing errors: every problem names the file, sheet, row, column and the fix.

Tracebacks are for bugs. Anything wrong with what a user gave us (a plan file, a yearly
submission, a run list) is reported as an :class:`InputError` holding one :class:`Problem`
per fault, so that a submitter sees every problem at once, not just the first.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One fault in one place of one input file.

    ``row`` is the row number the user sees in their editor or spreadsheet (the header is
    row 1, the first data row is row 2); ``None`` when the fault concerns the whole file.
    """

    file: str
    message_en: str
    message_zh: str = ""
    fix: str = ""
    fix_zh: str = ""
    row: int | None = None
    column: str | None = None
    sheet: str | None = None
    code: str = "invalid"

    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message_en}"
        if self.message_zh:
            text += f" / {self.message_zh}"
        if self.fix:
            text += f". Fix: {self.fix}"
        if self.fix_zh:
            text += f" / 修改方法：{self.fix_zh}"
        return text


class PlanevalError(Exception):
    """Base class of the errors planeval raises on purpose.

    In a notebook (IPython, papermill) it shows as its message alone, without a traceback
    (IPython's ``_render_traceback_`` hook): the run still fails, the user reads the fix.
    """

    def _render_traceback_(self) -> list[str]:
        return [
            f"{type(self).__name__}: {line}" if i == 0 else line
            for i, line in enumerate(str(self).splitlines() or [""])
        ]


class InputError(PlanevalError):
    """One or more problems in user input; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
