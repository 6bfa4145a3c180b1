"""Numbers as readers see them: the one formatter of reports, pages and the workbench.

* :func:`fmt_num`: a number with fixed decimals and thousands separators (``12,345.7``),
  rounded half up (四舍五入) on its decimal figure (:func:`round_half_up`: 1.65 → 1.7,
  9.25 → 9.3, as official statistics round; Python's own rounding gives 1.6 and 9.2);
* :func:`fmt_per_year`: a change per year, one decimal more than the indicator's, trailing
  zeros dropped (3.3 over 2 years is 1.65 a year; 0.15 stays 0.15);
* :func:`decimals_for`: how many decimals one indicator's numbers carry (its data's, at most 2);
* :func:`fmt_value`: a number with its unit (``95.2%``, ``16.1/10万``, ``2.0 hours``);
* :func:`fmt_p`: a probability with 2 decimals;
* :func:`shortest`: a figure in its shortest form (``95``, ``99.33``, ``-20``), for catalogue
  listings that repeat the plan's own figures;
* :func:`years_text`: ``2015–2019, 2021`` for a list of years.

Missing values (None, NaN) are written ``—`` (``""`` by :func:`shortest`).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from planeval.core.labels import group, label

#: Units whose numbers carry at least one decimal (rates and ages).
RATE_UNITS = ("%", "‰", "1/10万", "岁")
MISSING = "—"


def is_missing(value) -> bool:
    """True for None and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def decimals_for(unit: str, values) -> int:
    """Decimals to show for one indicator: as many as its data carry, at most 2; at least 1
    for rates (%, ‰, 1/10万) and ages. ``[95, 95.25]`` → 2; ``[3, 4]`` with unit ‰ → 1."""
    best = 0
    for v in values:
        if is_missing(v):
            continue
        s = f"{float(v):.6f}".rstrip("0").rstrip(".")
        if "." in s:
            best = max(best, len(s.split(".")[1]))
    best = min(best, 2)
    if unit in RATE_UNITS and best == 0:
        best = 1
    return best


def round_half_up(value: float, decimals: int = 0) -> Decimal:
    """``value`` rounded half up (四舍五入, away from zero at 5) on its decimal figure: the float
    is first read at 12 significant digits, so 99.0 − 95.7 = 3.2999999999999972 is the 3.3 a
    reader computes and 3.3 / 2 rounds to 1.7 (not 1.6)."""
    exact = Decimal(format(float(value), ".12g"))
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def fmt_num(value, decimals: int = 1, signed: bool = False) -> str:
    """A number with ``decimals`` decimals and thousands separators (``—`` when missing),
    rounded half up (:func:`round_half_up`); ``signed`` adds ``+`` to positive values. The
    minus sign is ASCII ``-``; no ``-0.0``."""
    if is_missing(value):
        return MISSING
    rounded = round_half_up(value, decimals)
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:{'+' if signed else ''},.{decimals}f}"


def fmt_per_year(value, decimals: int = 1, signed: bool = False) -> str:
    """A change per year (needed, observed, a trend's slope), by one rule everywhere: one
    decimal more than the indicator's ``decimals``, rounded half up (:func:`round_half_up`),
    trailing zeros dropped down to the indicator's decimals. 3.3 over 2 years → ``1.65``;
    7.2 / 2 → ``3.6``; 11.2 / 3 = 3.733… → ``3.73``; 0.15 → ``0.15`` (not ``0.2``); 2.0 → ``2.0``;
    for a count without decimals 2.5 → ``2.5``, 3 → ``3``. (``docs/reports.md``, "Numbers".)"""
    if is_missing(value):
        return MISSING
    text = fmt_num(value, decimals + 1, signed)
    if "." in text:
        whole, frac = text.split(".")
        frac = frac.rstrip("0")
        if len(frac) < decimals:
            frac = frac.ljust(decimals, "0")
        text = f"{whole}.{frac}" if frac else whole
    return text


def per_year_zero(value, decimals: int = 1) -> bool:
    """True when a change per year shows as 0 by :func:`fmt_per_year` (worded 持平)."""
    return not is_missing(value) and round_half_up(value, decimals + 1) == 0


def shortest(value) -> str:
    """A figure in its shortest form: ``95``, ``99.33``, ``-20``; ``""`` for None/NaN;
    booleans ``true``/``false``."""
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def unit_name(unit: str, lang: str = "zh") -> str:
    """The unit as written in a table's unit column (``小时`` → ``hours`` in English)."""
    return label("unit", unit, lang) if unit else ""


def unit_text(unit: str, lang: str = "zh", number: str = "") -> str:
    """How a unit is written after a number: ``%``, ``‰``, ``/10万`` (`` per 100,000``),
    ``小时`` (`` hours``; after the number ``"1"``, `` hour``: the ``one`` form of the unit's
    label)."""
    if unit == "1/10万":
        return " per 100,000" if lang == "en" else "/10万"
    if unit in ("%", "‰", ""):
        return unit
    if lang != "en":
        return unit
    if number == "1":
        one = group("unit").get(unit, {}).get("one")
        if one:
            return " " + one
    return " " + unit_name(unit, lang)


def fmt_value(value, unit: str = "", decimals: int = 1, lang: str = "zh") -> str:
    """A number with its unit: ``95.2%``, ``5.1‰``, ``16.1/10万``, ``2.0小时``; ``—`` if none."""
    if is_missing(value):
        return MISSING
    number = fmt_num(value, decimals)
    return number + unit_text(unit, lang, number)


def fmt_p(p) -> str:
    """Probability of attainment with 2 decimals (``0.95``, never ``3.815e-06``); ``—`` when
    there is none."""
    return MISSING if is_missing(p) else fmt_num(p, 2)


def fmt_interval(low, high, decimals: int = 1) -> str:
    """``4.1–5.3`` (en dash); ``""`` when the low end is missing."""
    return "" if is_missing(low) else f"{fmt_num(low, decimals)}–{fmt_num(high, decimals)}"


def years_text(years) -> str:
    """``2015–2019, 2021, 2023`` for a list of years (runs joined with an en dash)."""
    runs: list[list[int]] = []
    for y in sorted({int(y) for y in years}):
        if runs and y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)
