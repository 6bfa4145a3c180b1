"""Text written to a spreadsheet cell is data, never a formula (CSV/formula injection).

Excel, LibreOffice and WPS run a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` as a
formula (``=HYPERLINK("http://…")``, ``=cmd|' /C calc'!A0``), and a leading tab or carriage
return can hide such a start. A plan's text (indicator names, notes, quoted sentences) and a
submission's text reach the Excel template and every CSV export, so each writer passes its
cells through :func:`neutralise_cell`: such text is prefixed with a single quote ``'`` (the
OWASP "CSV injection" rule), which spreadsheets show as text. Genuine numbers are left alone:
an ``int``/``float`` is never touched, and text that is a plain number (``-20``, ``+1.5``,
``-3e-2``, ``-20%``) stays as it is, so a negative target still reads as a number.

Source of the rule: OWASP, "CSV Injection" (owasp.org/www-community/attacks/CSV_Injection).
"""

from __future__ import annotations

import re

import pandas as pd

#: Characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Text that is a plain number (sign, digits, decimals, exponent, percent): kept as it is.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def neutralise_cell(value):
    """``value`` as safe spreadsheet content: text starting with one of
    :data:`FORMULA_STARTS` gets a leading ``'`` unless it is a plain number; anything else
    (numbers, None, dates, other text) is returned unchanged.

    >>> neutralise_cell('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_cell("-20"), neutralise_cell(-20.0), neutralise_cell("孕产妇死亡率")
    ('-20', -20.0, '孕产妇死亡率')
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`neutralise_cell` applied to every text cell of its
    object and string columns (numeric columns untouched); the header too."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(neutralise_cell)
    out.columns = [neutralise_cell(c) for c in out.columns]
    return out


def csv_text(frame: pd.DataFrame, **to_csv) -> str:
    """``frame`` as CSV text with every text cell neutralised (:func:`neutralise_frame`);
    ``to_csv`` goes to :meth:`pandas.DataFrame.to_csv` (``index=False`` by default). Every
    CSV planeval writes goes through here."""
    to_csv.setdefault("index", False)
    return neutralise_frame(frame).to_csv(**to_csv)
