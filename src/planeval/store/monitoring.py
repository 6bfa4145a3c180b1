"""Monitoring indicators (监测指标): registered indicators without a target in the plan.

``<data_dir>/indicators.yaml`` registers indicators that submissions may carry beyond the
plans' targets (maternal mortality, hospital delivery ...). A report lists those with values in
its geography, so nothing that was submitted and validated is silently dropped: the latest
value and year, the value the year before it, the change, and the average change per year over
the last five years (least-squares slope; a description of the trend, not a forecast).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planeval.intake.observations import series_for
from planeval.plans.loading import registered_indicators

#: Years of the trend shown for a monitoring indicator.
TREND_YEARS = 5


@dataclass(frozen=True)
class MonitoringRow:
    """One monitoring indicator of a geography: values in ``unit``; ``slope`` is the average
    change per year over the last :data:`TREND_YEARS` years with data (None with fewer than 3
    values)."""

    indicator_id: str
    name_zh: str
    name_en: str
    unit: str
    latest_year: int
    latest_value: float
    previous_year: int | None
    previous_value: float | None
    slope: float | None
    n_obs: int

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_zh

    @property
    def change(self) -> float | None:
        """Latest value minus the value of the year before it (None without one)."""
        return None if self.previous_value is None else self.latest_value - self.previous_value


def _slope(series: pd.Series) -> float | None:
    recent = series.sort_index().iloc[-TREND_YEARS:]
    if len(recent) < 3:
        return None
    return float(np.polyfit(recent.index.to_numpy(float), recent.to_numpy(float), 1)[0])


def monitoring_rows(
    data_dir: str | Path,
    observations: pd.DataFrame,
    exclude: set[str] | frozenset[str] = frozenset(),
) -> list[MonitoringRow]:
    """The registered indicators with values in ``observations`` (total, missing dropped),
    in the register's order; ``exclude``: indicator_ids that are the plan's own targets."""
    rows = []
    for entry in registered_indicators(data_dir):
        indicator = str(entry["indicator_id"])
        if indicator in exclude or observations is None or observations.empty:
            continue
        series = series_for(observations, indicator).sort_index()
        if series.empty:
            continue
        years = series.index.to_list()
        previous = years[-2] if len(years) > 1 else None
        rows.append(
            MonitoringRow(
                indicator,
                str(entry.get("name_zh", indicator)),
                str(entry.get("name_en", "")),
                str(entry.get("unit", "")),
                int(years[-1]),
                float(series.iloc[-1]),
                None if previous is None else int(previous),
                None if previous is None else float(series.iloc[-2]),
                _slope(series),
                len(series),
            )
        )
    return rows
