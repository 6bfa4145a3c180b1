"""Sparse real mortality series (3–4 values between 2015 and 2020): every printed forecast and
95 % bound stays inside the plausible range, and fewer than 3 values give no forecast at all
(issue 20).

Values: provincial health statistics read in published sources, as in
``data/raw/provincial_observations.csv`` (copy of ``../shared/data/provinces/observations.csv``;
each row names its source): Beijing under-5, infant, neonatal and maternal mortality, Shanghai
infant and maternal mortality, Gansu maternal mortality, Yunnan infant mortality.
"""

from __future__ import annotations

import numpy as np
import pytest

from planeval.assessment.assess import assess_target, calibration_table, forecast
from planeval.core.settings import load_settings
from planeval.forecasting import ModelNotApplicable, decimals_of
from planeval.plans.catalogue import Target

SETTINGS = load_settings("data")

#: name -> (years, values, unit): 3 or 4 real values, 2015–2020.
SPARSE = {
    "beijing_under5": ([2016, 2017, 2018], [2.67, 2.64, 2.69], "‰"),
    "beijing_infant": ([2015, 2016, 2017, 2018], [2.42, 2.21, 2.29, 2.01], "‰"),
    "beijing_neonatal": ([2015, 2016, 2017], [1.52, 1.48, 1.45], "‰"),
    "beijing_maternal": ([2015, 2016, 2017], [8.69, 10.83, 8.17], "1/10万"),
    "shanghai_infant": ([2015, 2016, 2017, 2018], [4.58, 3.67, 3.71, 3.52], "‰"),
    "shanghai_maternal": ([2015, 2016, 2017, 2018], [6.66, 5.51, 3.01, 1.15], "1/10万"),
    "gansu_maternal": ([2015, 2016, 2020], [15.07, 17.12, 15.07], "1/10万"),
}


def _target(unit: str, level: float, target_year: int = 2025) -> Target:
    return Target(
        indicator_id="x",
        plan="test",
        domain="d",
        item="1",
        name_zh="测试",
        name_en="test",
        unit=unit,
        direction="decrease",
        target_type="at_most",
        target_value=level,
        target_year=target_year,
        source_text="",
    )


@pytest.mark.parametrize("name", sorted(SPARSE))
@pytest.mark.parametrize("target_year", [2025, 2030])
def test_sparse_mortality_forecast_and_bounds_inside_zero_and_twice_the_largest(name, target_year):
    """With the shipped calibration (tables widen, never narrow), the forecast and its 95 %
    bounds lie in (0, 2 × the largest observed value], and the forecast printed at the data's
    decimals is not 0.00."""
    years, values, unit = SPARSE[name]
    table = calibration_table("data", SETTINGS, 2024)
    f = forecast(years, values, target_year, unit=unit, settings=SETTINGS, calibration=table)
    largest = max(values)
    assert f.model == "drift"
    assert 0 < f.low <= f.value <= f.high <= 2 * largest + 1e-9
    assert round(f.value, decimals_of(values)) > 0


def test_beijing_under5_by_hand():
    """2.67, 2.64, 2.69 ‰ (2016–2018), drift on the log scale: d̂ = ln(2.69/2.67)/2 = 0.0037313;
    2025 is h = 7 years on: 2.69 · exp(7 d̂) = 2.7612. Increments ln(2.64/2.67) = −0.011300 and
    ln(2.69/2.64) = 0.018762, residuals ∓0.015031: s² = 2 · 0.015031² / 1 = 0.00045186, df 1;
    scale sqrt(s² · (7 + 49/2)) = 0.119306; t(0.975; 1) = 12.7062 → half-width 1.5159 on the
    log scale: 2.7612 · exp(±1.5159) = 0.606–12.57 ‰ (calibration can only widen it). The
    plausible range [2.64/2, 2 · 2.69] = [1.32, 5.38] cuts it to 1.32–5.38 ‰ — before issue 20
    a 3-value interval of this kind reached 545 ‰."""
    years, values, unit = SPARSE["beijing_under5"]
    raw = forecast(years, values, 2025, unit=unit, settings=SETTINGS)
    assert raw.value == pytest.approx(2.7612, abs=1e-4)
    assert (raw.low, raw.high) == pytest.approx((1.32, 5.38), abs=1e-9)


def test_falling_rate_never_forecast_below_half_its_lowest_value():
    """Shanghai maternal mortality 6.66, 5.51, 3.01, 1.15 per 100,000 (2015–2018): the log drift
    d̂ = ln(1.15/6.66)/3 = −0.5853 a year would give 1.15 · exp(−0.5853 · 12) = 0.0010 for 2030
    (0.00 as printed). The plausible range keeps the forecast at 1.15/2 = 0.575. (Observed
    later: 3.66 in 2020, 1.60 in 2021.)"""
    years, values, unit = SPARSE["shanghai_maternal"]
    f = forecast(years, values, 2030, unit=unit, settings=SETTINGS)
    assert f.value == pytest.approx(0.575, abs=1e-9)
    assert 1.15 * np.exp(12 * np.log(1.15 / 6.66) / 3) == pytest.approx(0.0010, abs=1e-4)


@pytest.mark.parametrize(
    ("years", "values"),
    [
        ([2015, 2020], [8.7, 4.73]),  # Yunnan infant mortality, two values
        ([2020], [3.37]),  # Gansu infant mortality, one value
    ],
)
def test_fewer_than_three_values_give_no_forecast(years, values):
    """Two values (or one): no model forecast, no interval, no p_attain from a model — the
    latest value and the gap are shown instead (status insufficient_data)."""
    a = assess_target(_target("‰", 4.0), years, values, 2024, (2021, 2025), SETTINGS)
    assert a.model in (None, "")
    assert a.forecast is None and a.pi_low is None and a.pi_high is None
    assert a.status == "insufficient_data"
    assert a.latest_value == pytest.approx(values[-1])
    with pytest.raises(ModelNotApplicable):
        forecast(years, values, 2025, unit="‰", settings=SETTINGS)


def test_interval_depends_on_years_since_the_last_value_not_on_the_cut_off():
    """Shanghai infant mortality 4.58, 3.67, 3.71, 3.52, 2.66, 2.30 ‰ (2015–2018, 2020, 2021):
    its last value is of 2021, so reports with data cut-offs 2023 and 2024 both use the
    calibration table of 2021 (factor 1.41 for 4 years ahead from 6 values, against 1.23 and
    1.24 in the tables of 2023 and 2024) and print the same 2025 interval; the interval widens
    with the years since 2021."""
    years = [2015, 2016, 2017, 2018, 2020, 2021]
    values = [4.58, 3.67, 3.71, 3.52, 2.66, 2.30]
    t = _target("‰", 1.0)
    a23 = assess_target(t, years, values, 2023, (2021, 2025), SETTINGS,
                        calibration=calibration_table("data", SETTINGS, 2023))  # fmt: skip
    a24 = assess_target(t, years, values, 2024, (2021, 2025), SETTINGS,
                        calibration=calibration_table("data", SETTINGS, 2024))  # fmt: skip
    assert a23.pi_high == pytest.approx(a24.pi_high, rel=1e-12)
    own = calibration_table("data", SETTINGS, 2024).for_data_year(2021)
    f = forecast(years, values, 2025, unit="‰", settings=SETTINGS, calibration=own)
    assert a24.pi_high == pytest.approx(f.high, rel=1e-12)
    widths = [
        forecast(years, values, y, unit="‰", settings=SETTINGS, calibration=own).high
        - forecast(years, values, y, unit="‰", settings=SETTINGS, calibration=own).low
        for y in (2022, 2023, 2024)
    ]
    assert widths[0] < widths[1] < widths[2]


def test_chart_fan_inside_the_plausible_range_and_observations_readable():
    """Gansu maternal mortality 15.07, 17.12, 15.07 per 100,000 (2015, 2016, 2020): the 95 %
    fan stays within [15.07/2, 2 · 17.12] = [7.535, 34.24] in every year, and the y axis spans
    at most that range plus a small pad, so the observations fill at least (17.12 − 15.07) /
    (34.24 − 7.535) / 1.1 ≈ 7 % of the height (5 % margins above and below) instead of a flat line
    under a fan reaching 1750."""
    from planeval.reporting import charts

    years, values, unit = SPARSE["gansu_maternal"]
    table = calibration_table("data", SETTINGS, 2024)
    # a plan period 2016–2025 holds the values (a period without any gives no forecast)
    a = assess_target(_target(unit, 12.0), years, values, 2024, (2016, 2025), SETTINGS,
                      calibration=table)  # fmt: skip
    seed = SETTINGS["forecast"]["seed"]
    fan_years, low, high = charts.fan_bounds(a, 0.95, seed)
    assert list(fan_years) == list(range(2020, 2026))
    assert low.min() >= 7.535 - 1e-9 and high.max() <= 34.24 + 1e-9
    ax = charts.plot_indicator(a, lang="en", seed=seed)
    bottom, top = ax.get_ylim()
    assert bottom >= 7.535 - 0.07 * (34.24 - 7.535) and top <= 34.24 + 0.07 * (34.24 - 7.535)
    assert (17.12 - 15.07) / (top - bottom) == pytest.approx(2.05 / (26.705 * 1.1), rel=1e-6)
