"""The agencies' point rules (planeval.assessment.agency) against hand-computed values.

The mortality pair is the national under-five mortality rate in data/observations/china:
2015.csv 10.7 ‰ and 2024.csv 5.6 ‰ (2019: 7.8 ‰, 2020: 7.5 ‰, 2023: 6.2 ‰); the children's
plan target is "降至 6.0‰以下" by 2025.
"""

import math

import pytest

from planeval.assessment import agency


def test_aarr_and_cagr_on_national_under5_mortality_2015_2024():
    """U5MR 10.7 ‰ (2015) → 5.6 ‰ (2024), 9 years.

    ratio 5.6 / 10.7 = 0.5233645;  ln(10.7 / 5.6) = ln 1.9107143 = 0.6474771
    AARR = 100 · 0.6474771 / 9 = 7.19419 % a year
    CAGR = exp(−0.6474771 / 9) − 1 = exp(−0.0719419) − 1 = −0.0694150 (−6.94 % a year)
    """
    assert agency.aarr(10.7, 5.6, 2015, 2024) == pytest.approx(7.19419, abs=1e-5)
    assert agency.cagr(10.7, 5.6, 2015, 2024) == pytest.approx(-0.0694150, abs=1e-7)
    # AARR is −100 × the log growth rate: the two agree
    cagr = agency.cagr(10.7, 5.6, 2015, 2024)
    assert agency.aarr(10.7, 5.6, 2015, 2024) == pytest.approx(-100 * math.log1p(cagr))


def test_required_aarr_and_unicef_category():
    """Required AARR from 2019 (7.8 ‰) to the target 6.0 ‰ in 2025 (6 years):
    100 · ln(7.8 / 6.0) / 6 = 100 · ln 1.3 / 6 = 100 · 0.2623643 / 6 = 4.37274 % a year.
    Observed AARR 2015 → 2019: 100 · ln(10.7 / 7.8) / 4 = 100 · 0.3161201 / 4 = 7.90300.
    7.90 ≥ 4.37 → UNICEF "on track"; with 2024's 5.6 ≤ 6.0 → "achieved".
    """
    required = agency.unicef_required_aarr(7.8, 2019, 6.0, 2025)
    observed = agency.aarr(10.7, 7.8, 2015, 2019)
    assert required == pytest.approx(4.37274, abs=1e-5)
    assert observed == pytest.approx(7.90300, abs=1e-5)
    assert agency.unicef_category(7.8, observed, required, 6.0) == "on_track"
    assert agency.unicef_category(7.8, 3.0, required, 6.0) == "acceleration_needed"
    assert agency.unicef_category(5.6, None, None, 6.0) == "achieved"


def test_required_aarr_is_none_when_target_already_met():
    """Latest 5.6 ‰ (2023) against a 6.0 ‰ target for 2025: the formula would give
    −100 · ln(6.0 / 5.6) / 2 = −100 · 0.0689929 / 2 = −3.44964 % a year, a "required" rise that
    is no requirement at all. No reduction is needed: None, and the category stays "achieved".
    Exactly at the target (6.0 ‰) is met too (≤). Just above it (6.1 ‰) a positive rate is
    required: 100 · ln(6.1 / 6.0) / 2 = 100 · 0.01652930 / 2 = 0.826465."""
    assert agency.unicef_required_aarr(5.6, 2023, 6.0, 2025) is None
    assert agency.unicef_required_aarr(6.0, 2023, 6.0, 2025) is None
    assert agency.unicef_required_aarr(6.1, 2023, 6.0, 2025) == pytest.approx(0.826465, abs=1e-6)
    observed = agency.aarr(7.5, 5.6, 2020, 2023)
    assert observed == pytest.approx(100 * math.log(7.5 / 5.6) / 3)  # 9.7363, positive
    assert agency.unicef_category(5.6, observed, None, 6.0) == "achieved"


def test_eurostat_ratio_under5_2020_2023():
    """Baseline 2020 7.5 ‰, latest 2023 6.2 ‰, target 6.0 ‰ in 2025.

    observed CAGR = (6.2 / 7.5)^(1/3) − 1 = exp(ln 0.8266667 / 3) − 1 = exp(−0.0634520) − 1
                  = −0.0614801
    required CAGR = (6.0 / 7.5)^(1/5) − 1 = exp(ln 0.8 / 5) − 1 = exp(−0.0446287) − 1
                  = −0.0436475
    R = 1.40856 ≥ 0.95 → significant progress.
    """
    r = agency.eurostat_ratio(7.5, 2020, 6.2, 2023, 6.0, 2025)
    assert r == pytest.approx(1.40856, abs=1e-5)
    assert agency.eurostat_category(r) == "significant_progress"


@pytest.mark.parametrize(
    "ratio,category",
    [
        (0.95, "significant_progress"),
        (0.9499, "moderate_progress"),
        (0.60, "moderate_progress"),
        (0.5999, "insufficient_progress"),
        (0.0, "insufficient_progress"),
        (-0.01, "movement_away"),
        (None, None),
    ],
)
def test_eurostat_category_boundaries(ratio, category):
    assert agency.eurostat_category(ratio) == category


def test_eurostat_no_target_rule():
    """Direction-adjusted CAGR, % a year: 100 → 103 over 2 years is +1.489 %/yr.
    Desired increase: ≥ 1 → significant progress; desired decrease: −1.489 ≤ −1 →
    significant movement away. 100 → 100.5 over 1 year: +0.5 → moderate progress / moderate
    movement away."""
    assert agency.eurostat_no_target_category(100, 2020, 103, 2022, +1) == "significant_progress"
    assert (
        agency.eurostat_no_target_category(100, 2020, 103, 2022, -1) == "significant_movement_away"
    )
    assert agency.eurostat_no_target_category(100, 2020, 100.5, 2021, +1) == "moderate_progress"
    assert (
        agency.eurostat_no_target_category(100, 2020, 100.5, 2021, -1) == "moderate_movement_away"
    )


def test_escap_weighted_regression_by_hand():
    """x = 0, 1, 2 (years 2020–2022), y = 1, 2, 4, weights 1, 2, 3 (Σw = 6).

    x̄w = (0 + 2 + 6) / 6 = 1.33333;  ȳw = (1 + 4 + 12) / 6 = 2.83333
    Sxy = 1(−1.33333)(−1.83333) + 2(−0.33333)(−0.83333) + 3(0.66667)(1.16667) = 5.33333
    Sxx = 1(1.77778) + 2(0.11111) + 3(0.44444) = 3.33333
    slope = 1.6; intercept (x = 0) = 2.83333 − 1.6 × 1.33333 = 0.7
    forecast for 2024 (x = 4) = 0.7 + 6.4 = 7.1   (unweighted OLS would give 6.83333)

    Anticipated progress index with y0 = 1 and target 11: (7.1 − 1) / (11 − 1) = 0.61 →
    "accelerate"; current status index (4 − 1) / 10 = 0.3.
    """
    f = agency.escap_weighted_forecast([2020, 2021, 2022], [1, 2, 4], 2024)
    assert f == pytest.approx(7.1, abs=1e-9)
    idx = agency.escap_index(1, 11, f)
    assert idx == pytest.approx(0.61)
    assert agency.escap_category(idx) == "accelerate"
    assert agency.escap_current_status(1, 4, 11) == pytest.approx(0.3)
    assert agency.escap_category(1.0) == "maintain_progress"
    assert agency.escap_category(-0.1) == "reverse_trend"


def test_rules_refuse_impossible_inputs():
    assert agency.cagr(0, 5, 2020, 2024) is None  # no growth rate from zero
    assert agency.aarr(5, -1, 2020, 2024) is None
    assert agency.cagr(5, 6, 2020, 2020) is None  # no time elapsed
    assert agency.eurostat_ratio(5, 2020, 6, 2022, 5, 2025) is None  # no distance to go
    assert agency.escap_weighted_forecast([2020], [1.0], 2025) is None  # one point
    assert agency.escap_index(5, 5, 7) is None
