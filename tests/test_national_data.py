"""The shipped national series are filed under the indicator they measure.

The raw file (``data/raw/china_national_observations.csv``, copied unchanged) keys the series
未成年人犯罪人数占同期犯罪总人数比重 (minors' share of all offenders: 2.21 % in 2020, 1.94 % in
2022) as ``juvenile_crime_share``, the district plan's 未成年人犯罪人数占未成年人人口数量比重
(offenders per minor population, about 2.8万 / 2.9亿 ≈ 0.01 %). A statistics-office reviewer
found the report calling the plan's target 已实现 on the wrong measure.
``scripts/build_national_observations.py`` rule 5 files it under the register indicator
``juvenile_offenders_share``; the plan's indicator has no national value.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

CHINA = Path(__file__).resolve().parents[1] / "data" / "observations" / "china"


def _rows(indicator: str) -> dict[int, float]:
    out = {}
    for path in sorted(CHINA.glob("20*.csv")):
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["indicator_id"] == indicator:
                    out[int(path.stem)] = float(row["value"])
    return out


def test_share_of_all_offenders_is_not_filed_under_the_plans_indicator():
    assert _rows("juvenile_crime_share") == {}
    assert _rows("juvenile_offenders_share") == pytest.approx(
        {2016: 2.93, 2020: 2.21, 2021: 2.02, 2022: 1.94}, abs=1e-9
    )


def test_the_resolution_log_says_why():
    with (CHINA / "resolution_log.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["raw_row"] == "114"]
    assert len(rows) == 1
    assert rows[0]["indicator_id"] == "juvenile_offenders_share"
    assert "not under the raw key juvenile_crime_share" in rows[0]["reason"]
