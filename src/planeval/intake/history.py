"""A value far off its own series: the unit or decimal slips the file alone cannot show.

``maternal_mortality`` 143 in a year whose neighbours say 14–15 per 10万 (a per-100万 figure
typed), ``compulsory_education_retention`` 9.59 beside ~95 % (a decimal slip): each is a
plausible number on its own, inside every range, and the fraction rule of
:mod:`planeval.intake.schema` does not fire. :func:`history_problems` compares each value with
the median of the same indicator, geography and sex in the folder's other years. Used by
:func:`planeval.intake.observations.load_observations` (the reports) and
:func:`~planeval.intake.observations.check_paths` (``planeval validate``): one check, one
message.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from planeval.core.errors import Problem
from planeval.core.labels import label
from planeval.intake.messages import problem
from planeval.intake.rules import IntakeRules
from planeval.intake.schema import CONFIRMED

_SERIES = ["geography", "indicator_id", "sex"]


def history_problems(
    frames: Iterable[pd.DataFrame], rules: IntakeRules, checked: set[str] | None = None
) -> list[Problem]:
    """Problems for values more than ``rules.history_ratio`` times (or less than 1/ratio of)
    the median of the same indicator, geography and sex in the nearest other years.

    ``frames``: tidy frames (:data:`~planeval.intake.observations.FRAME_COLUMNS`) of a
    geography's yearly files; only the current value of each year (its highest vintage)
    counts, so a slip corrected by a ``_rev`` file is left alone. The value of a year is
    compared with the median of the ``rules.history_years`` other years nearest to it (a
    count that grows steadily for ten years is compared with its neighbours, not with its
    first years); it is flagged when at least two of them have a value, the value and their
    median are above 0, and it is also off by the ratio against the median of those years
    and itself, so that one slipped year never makes its neighbours look wrong. A note with
    "已核实" or "confirmed" keeps the value. ``checked``: file names whose rows may be
    flagged (default: all).
    """
    ratio = rules.history_ratio
    frames = [f for f in frames if not f.empty]
    if not ratio or not frames:
        return []
    rows = pd.concat(frames, ignore_index=True)
    rows = rows[rows["value"].notna()].copy()
    if rows.empty:
        return []
    rows["_series"] = rows[_SERIES].astype(str).agg("|".join, axis=1)
    newest = rows.groupby(["_series", "year"])["vintage"].transform("max")
    rows = rows[rows["vintage"] == newest]
    found = []
    for _, series in rows.groupby("_series", sort=False):
        by_year = series.groupby("year")["value"].median()
        if len(by_year) < 3:
            continue
        for row in series.itertuples(index=False):
            if checked is None or str(row.file) in checked:
                found += _off_series(row, _nearest(by_year, row.year, rules), ratio)
    return found


def _nearest(by_year: pd.Series, year: int, rules: IntakeRules) -> pd.Series:
    """The values of the ``rules.history_years`` other years nearest to ``year`` (the
    earlier one first on a tie), by year."""
    others = by_year.drop(year)
    order = sorted(others.index, key=lambda y: (abs(y - year), y))
    return others.loc[sorted(order[: rules.history_years])]


def _off_series(row, others: pd.Series, ratio: float) -> list[Problem]:
    if len(others) < 2:
        return []
    median = float(others.median())
    if row.value <= 0 or median <= 0 or _confirmed(row.note):
        return []
    times = row.value / median
    whole = row.value / float(pd.concat([others, pd.Series([row.value])]).median())
    if 1 / ratio <= times <= ratio or 1 / ratio <= whole <= ratio:
        return []
    return [_problem(row, others, median, times)]


def _confirmed(note) -> bool:
    text = "" if note is None or pd.isna(note) else str(note).lower()
    return any(word in text for word in CONFIRMED)


def _fmt(value: float) -> str:
    return f"{value:.4g}" if abs(value) < 1e6 else f"{value:,.0f}"


def _problem(row, others: pd.Series, median: float, times: float) -> Problem:
    if times > 1:
        times_en, times_zh = f"{times:.1f} times", f" {times:.1f} 倍"
    else:
        times_en, times_zh = f"1/{1 / times:.1f} of", f" 1/{1 / times:.1f}"
    years = sorted(int(y) for y in others.index)
    return problem(
        "history_ratio",
        row.file,
        row=int(row.row) if pd.notna(row.row) else None,
        column=str(row.column) if row.column else None,
        sheet=str(row.sheet) or None,
        code="range",
        value=_fmt(row.value),
        unit=row.unit,
        ind=row.indicator_id,
        sex_en=label("sex", row.sex, "en"),
        sex_zh=label("sex", row.sex, "zh"),
        median=_fmt(median),
        times_en=times_en,
        times_zh=times_zh,
        years=f"{years[0]}–{years[-1]}",
        years_zh=f"{years[0]}—{years[-1]} 年",
        count=len(years),
    )
