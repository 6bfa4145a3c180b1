"""Target attainment (planeval.assessment.assess): every target type on constructed series with an
obvious answer, the edge cases of each branch, the audit trail, ``planeval assess`` output, and
the status of real national indicators checked by hand.

Constructed series use the plan period 2021–2025 and target year 2025; settings are the shipped
``data/config/assessment.yaml`` (on track ≥ 0.75, off track < 0.25, 3 observations minimum).
"""

import json
import math
from pathlib import Path

import pytest
from scipy import stats
from typer.testing import CliRunner

import planeval
from planeval.assessment.assess import (
    ASSESS_COLUMNS,
    assess,
    assess_target,
    assessment_csv,
    assessment_json,
    forecast,
)
from planeval.cli import app
from planeval.core.errors import InputError
from planeval.core.settings import default_settings, load_settings
from planeval.intake.observations import load_observations, series_for
from planeval.plans.catalogue import Target, load_plan

PERIOD = (2021, 2025)
SETTINGS = default_settings()


def target(target_type, value=None, unit="%", direction="increase", **kw) -> Target:
    return Target(
        indicator_id="x",
        plan="test",
        domain="d",
        item="1",
        name_zh="测试",
        name_en="test",
        unit=unit,
        direction=direction,
        target_type=target_type,
        target_value=value,
        target_year=2025,
        source_text="",
        **kw,
    )


def run(t, years, values, data_year=2024, settings=SETTINGS, **kw):
    return assess_target(t, years, values, data_year, PERIOD, settings, **kw)


# --------------------------------------------------------------------------- at_least / at_most
def test_at_least_clearly_achieved():
    a = run(target("at_least", 90), [2021, 2022, 2023, 2024], [91, 92, 93, 94])
    assert a.status == "achieved"
    assert a.status_rule.startswith("latest value 94 (2024) meets >= 90")
    assert a.p_attain > 0.99  # and the forecast does not fall back
    assert not a.early_warning


def test_at_least_clearly_on_track_by_hand():
    """Life expectancy-like series 70, 72, 74, 76, 78 (2020–2024, unit 岁), target ≥ 79.

    Drift model (the reference; the straight line is no better out of sample): d̂ = 8/4 = 2,
    every increment equals d̂, so s² = 0 and the rounding floor applies: integers → resolution
    1, an increment's rounding variance 2·1²/12 = 1/6. 2025 (h = 1): 78 + 2 = 80, predictive
    variance (1/6)(1 + 1/4) = 0.208333, sd 0.456435, df 3.
    P(Y ≥ 79) = P(T₃ ≥ (79 − 80)/0.456435 = −2.190890) = 0.94192 ≥ 0.75 → on_track.
    """
    a = run(target("at_least", 79, unit="岁"), [2020, 2021, 2022, 2023, 2024], [70, 72, 74, 76, 78])
    assert a.model == "drift"
    assert a.forecast == pytest.approx(80.0)
    assert a.p_attain == pytest.approx(stats.t.cdf(2.190890, 3), abs=1e-5)
    assert a.p_attain == pytest.approx(0.94192, abs=1e-4)
    assert a.status == "on_track"
    assert a.change == "improving"


def test_at_least_clearly_off_track():
    a = run(target("at_least", 90), [2021, 2022, 2023, 2024], [60, 60.5, 61, 61.5])
    assert a.status == "off_track"
    assert a.p_attain < 0.001
    assert "off_track" in a.warning_reasons and a.early_warning


def test_two_points_only_is_insufficient_data_unless_already_met():
    a = run(target("at_least", 90), [2023, 2024], [85, 86])
    assert (a.status, a.p_attain, a.model) == ("insufficient_data", None, None)
    assert "2 observations < 3" in a.status_rule
    b = run(target("at_least", 90), [2023, 2024], [91, 92])
    assert b.status == "achieved"  # a fact, no trend needed


def test_at_most_mortality_off_track_and_falls_back_warning():
    flat = run(target("at_most", 3.0, unit="‰", direction="decrease"), [2021, 2022, 2023, 2024],
               [8.0, 7.9, 8.1, 8.0])  # fmt: skip
    assert flat.status == "off_track" and flat.p_attain < 0.01
    # achieved now (4.9 ≤ 5) but rising: the drift on the log scale (‰) grows by
    # d = ln(4.9/4.0)/3 = 0.067652 a year: 2025 forecast 4.9·exp(2d) = 5.6099 → warning
    rising = run(target("at_most", 5.0, unit="‰", direction="decrease"), [2020, 2021, 2022, 2023],
                 [4.0, 4.3, 4.6, 4.9], data_year=2023)  # fmt: skip
    assert rising.status == "achieved"
    assert rising.forecast == pytest.approx(5.609879, abs=1e-5)
    assert rising.p_attain < 0.5
    assert rising.warning_reasons == ["worsening", "forecast_falls_back"]


# --------------------------------------------------------------------------- about
def test_about_band_achieved_on_track_off_track():
    """about 45 ± 2 (保持在…左右, direction none) → band 43–47; P(in band) = P(≥ 43) − P(≥ 47)."""
    t = target("about", 45, direction="none", tolerance=2.0)
    inside = run(t, [2022, 2023, 2024], [44, 44.5, 45])
    assert (inside.status, inside.band_low, inside.band_high) == ("achieved", 43.0, 47.0)
    rising = run(t, [2021, 2022, 2023, 2024], [38, 39.5, 41, 42.5])  # +1.5 a year → 44 in 2025
    assert rising.status == "on_track" and rising.p_attain > 0.9
    far = run(t, [2022, 2023, 2024], [30, 30.5, 31])
    assert far.status == "off_track" and far.p_attain < 0.01


# --------------------------------------------------------------------------- relative_change
def test_relative_change_uses_plan_baseline_only_for_the_plans_own_geography():
    """−20 % versus 2020. The plan states 12.0 for its own district: level 12 × 0.8 = 9.6, and
    the latest 9.5 meets it. Another geography's baseline is its own 2020 value, 10.0: level
    8.0, which the series (10, 9.8, 9.7, 9.5, falling ≈ 0.16 a year) will not reach by 2025."""
    t = target("relative_change", -20, unit="1/10万", direction="decrease", baseline_year=2020,
               baseline_value=12.0)  # fmt: skip
    years, values = [2020, 2021, 2022, 2023], [10.0, 9.8, 9.7, 9.5]
    own = run(t, years, values, data_year=2023, use_plan_baseline=True)
    assert (own.target_level, own.target_sense, own.status) == (
        pytest.approx(9.6),
        "<=",
        "achieved",
    )
    assert own.baseline_source == "plan"
    other = run(t, years, values, data_year=2023, use_plan_baseline=False)
    assert other.target_level == pytest.approx(8.0)
    assert other.baseline_value == 10.0 and "base year 2020" in other.baseline_source
    assert other.status == "off_track"
    # no observation in the base year → no level → insufficient_data, said plainly
    none = run(t, years[1:], values[1:], data_year=2023, use_plan_baseline=False)
    assert none.status == "insufficient_data" and "no baseline value" in none.status_rule


# --------------------------------------------------------------------------- maintain_*
def test_maintain_at_least_every_remaining_year_jointly():
    """96, 96.5, 97 (2020–2022) ≥ 95 every year: achieved so far; p_attain is the share of
    joint draws meeting 95 in every year 2023–2025, which cannot exceed the probability for
    2025 alone."""
    t = target("maintain_at_least", 95)
    a = run(t, [2020, 2021, 2022], [96, 96.5, 97], data_year=2022)
    assert a.status == "achieved"
    assert a.audit["p_attain"]["remaining_years"] == [2023, 2024, 2025]
    assert "jointly" in a.p_method
    from planeval.forecasting import select_model

    sel = select_model([2020, 2021, 2022], [96, 96.5, 97], 2025, "%")
    assert a.p_attain <= sel.fits[sel.model].prob_at_least(2025, 95) + 0.02
    missed = run(t, [2020, 2021, 2022, 2023], [96, 94, 96.2, 96.8], data_year=2023)
    assert (missed.status, missed.p_attain) == ("off_track", 0.0)
    assert missed.status_rule == "maintain target missed in observed year(s) [2021]"


# --------------------------------------------------------------------------- count_at_least
def test_count_at_least():
    t = target("count_at_least", 3, unit="所")
    assert run(t, [2022, 2023, 2024], [1, 2, 3]).status == "achieved"
    slow = run(t, [2021, 2022, 2023, 2024], [0, 0, 1, 1])
    assert slow.status == "off_track" and slow.p_attain < 0.25
    assert slow.pi_low >= 0  # a count interval never goes below 0


# --------------------------------------------------------------------------- qualitative targets
def test_direction_targets():
    """P(slope has the desired sign) from the OLS slope's t distribution."""
    up = run(target("direction"), [2020, 2021, 2022, 2023, 2024], [10, 11, 12, 13, 14])
    assert up.status == "achieved" and up.change == "improving"
    down = run(target("direction"), [2020, 2021, 2022, 2023, 2024], [14, 13, 12, 11, 10])
    assert down.status == "off_track" and down.change == "worsening"
    noisy = run(target("direction"), [2020, 2021, 2022, 2023, 2024], [10, 10.3, 9.9, 10.2, 10.1])
    # slope 0.01/yr; residuals −0.08, 0.21, −0.20, 0.09, −0.02: s² = 0.099/3 = 0.033,
    # se = sqrt(0.033/10) = 0.057446 → t = 0.174078, df 3 → P(slope > 0) = 0.56356 → at_risk
    assert noisy.p_attain == pytest.approx(stats.t.cdf(0.174078, 3), abs=1e-5)
    assert noisy.status == "at_risk" and noisy.change == "flat"
    short = run(target("direction"), [2023, 2024], [10, 11])
    assert short.status == "insufficient_data"


def test_trend_slowing():
    """A rising prevalence that should rise more slowly: quadratic curvature c < 0 means the
    rise slows. 10, 11, 11.8, 12.4, 12.8 has increments 1, 0.8, 0.6, 0.4 (c = −0.1, exact)."""
    t = target("trend_slowing", direction="decrease")
    years = [2020, 2021, 2022, 2023, 2024]
    slowing = run(t, years, [10, 11, 11.8, 12.4, 12.8])
    assert slowing.status == "achieved" and "significant slowing" in slowing.status_rule
    faster = run(t, years, [10, 10.4, 11, 11.8, 12.8])
    assert faster.status == "off_track"
    assert run(t, years[:3], [10, 11, 11.8]).status == "insufficient_data"  # needs 4


def test_maintain_without_number_and_zero_events():
    years = [2021, 2022, 2023, 2024]
    steady = run(target("maintain"), [2020, *years], [95, 95.2, 95.1, 95.3, 95.2])
    assert steady.status == "achieved"
    falling = run(target("maintain"), [2020, *years], [95, 94, 93, 92, 91])
    assert falling.status == "off_track" and falling.change == "worsening"
    # zero events in 4 observed years, 1 year to go: Poisson–gamma (Jeffreys) predictive
    # P(no event) = (n/(n + k))^(0.5 + S) = (4/5)^0.5 = 0.894427
    zero = run(target("zero_events", unit="人", direction="decrease"), years, [0, 0, 0, 0])
    assert zero.status == "achieved"
    assert zero.p_attain == pytest.approx(math.sqrt(0.8))
    event = run(target("zero_events", unit="人", direction="decrease"), years, [0, 1, 0, 0])
    assert (event.status, event.p_attain) == ("off_track", 0.0)


def test_not_statistical_is_not_assessed():
    a = run(target("not_statistical"), [], [])
    assert a.status == "not_assessed" and a.p_attain is None


# --------------------------------------------------------------------------- edge cases
def test_latest_observation_before_the_plan_period():
    a = run(target("at_least", 90), [2017, 2018, 2019, 2020], [80, 85, 88, 89.5])
    assert a.status == "insufficient_data"
    assert a.p_attain is None
    assert a.status_rule == "no observation in the plan period 2021–2025"


def test_target_year_observed_decides_whatever_the_trend():
    t = target("at_least", 90)
    years = [2020, 2021, 2022, 2023, 2024, 2025]
    met = run(t, years, [80, 82, 84, 86, 88, 91], data_year=2025)
    assert (met.status, met.p_attain) == ("achieved", 1.0)
    missed = run(t, years, [80, 82, 84, 86, 91, 89], data_year=2025)
    assert (missed.status, missed.p_attain) == ("off_track", 0.0)  # 2024's 91 does not count
    assert missed.status_rule.startswith("target year 2025 observed: 89 misses")
    # data after the target year is left out and recorded
    late = run(t, [*years, 2026], [80, 82, 84, 86, 88, 91, 70], data_year=2026)
    assert late.status == "achieved" and late.audit["data"]["ignored_after_target_year"] == {
        2026: 70.0
    }


def test_percent_series_with_exactly_100_and_constant_values():
    full = run(target("at_least", 99), [2020, 2021, 2022, 2023, 2024], [98, 99, 100, 100, 100])
    assert full.status == "achieved"
    assert full.forecast <= 100 and full.pi_high <= 100
    const = run(target("at_least", 99.95), [2020, 2021, 2022, 2023, 2024], [99.9] * 5)
    assert const.change == "flat" and not const.volatile
    assert const.pi_low < const.forecast < const.pi_high  # rounding floor: not zero width
    assert const.status == "off_track"  # flat at 99.9 will not reach 99.95


def test_missing_values_dropped_and_duplicate_years_refused():
    a = run(target("at_least", 90), [2021, 2022, 2023, 2024], [91, float("nan"), 93, 94])
    assert a.years == [2021, 2023, 2024]
    with pytest.raises(ValueError, match="more than one value"):
        run(target("at_least", 90), [2021, 2021, 2022], [91, 92, 93])


def test_change_is_a_significance_test_not_the_last_step():
    """10, 11, 12, 13, 14, 13.8: the last step is down but the slope (Sxy/Sxx = 14.5/17.5
    = 0.83/yr, p = 0.0011) is significantly up → improving."""
    a = run(target("at_least", 90), [2018, 2019, 2020, 2021, 2022, 2023],
            [10, 11, 12, 13, 14, 13.8], data_year=2023)  # fmt: skip
    assert a.change == "improving" and a.slope_p == pytest.approx(0.0011135, abs=1e-6)


def test_volatility_definition():
    """50, 55, 48, 56, 47, 55: 4 sign changes of the year-to-year change, residual SD ≈ 4.0
    against a slope of −0.26/yr and 1 % of the level (0.52) → volatile, warning."""
    zig = run(target("at_least", 90, unit=""), [2019, 2020, 2021, 2022, 2023, 2024],
              [50, 55, 48, 56, 47, 55])  # fmt: skip
    assert zig.volatile and "volatile" in zig.warning_reasons
    assert zig.volatility_rule.startswith("4 sign changes")
    smooth = run(target("at_least", 90, unit=""), [2019, 2020, 2021, 2022, 2023, 2024],
                 [50, 51, 52, 53, 54, 55])  # fmt: skip
    assert not smooth.volatile


def test_sensitivity_to_leaving_out_2020():
    """80, 82, 90, 86, 88 (2018–2022), target ≥ 92 by 2025. The drift d = (88 − 80)/4 = 2
    forecasts 94 either way, but 2020's spike makes the increments 2, 8, −4, 2 (residuals
    0, 6, −6, 0: s² = 72/3 = 24), scale sqrt(24 · (3 + 9/4)) = 11.225, P(Y ≥ 92) =
    t3.sf(−2/11.225) = 0.565 → at_risk; without 2020 the increments 2, 4 (2 years), 2 fit the
    drift exactly (rounding floor only) → on_track. Shown as a flag, not applied."""
    a = run(target("at_least", 92, unit=""), [2018, 2019, 2020, 2021, 2022],
            [80, 82, 90, 86, 88], data_year=2022)  # fmt: skip
    assert a.status == "at_risk" and a.p_attain == pytest.approx(0.565031, abs=1e-5)
    assert (a.sensitivity_year, a.status_without_flagged) == (2020, "on_track")
    assert a.sensitivity_changed
    assert a.audit["sensitivity"]["status_without_year"] == {2020: "on_track"}
    steady = run(target("at_least", 79, unit="岁"), [2020, 2021, 2022, 2023, 2024],
                 [70, 72, 74, 76, 78])  # fmt: skip
    assert not steady.sensitivity_changed and steady.status_without_flagged == "on_track"


def test_thresholds_come_from_the_settings():
    """p = 0.94192 (the on-track example above): on_track with the shipped 0.75, at_risk when
    the settings ask for 0.95."""
    strict = json.loads(json.dumps({k: v for k, v in SETTINGS.items() if k != "_path"}))
    strict["status"]["on_track_min_p"] = 0.95
    years, values = [2020, 2021, 2022, 2023, 2024], [70, 72, 74, 76, 78]
    t = target("at_least", 79, unit="岁")
    assert run(t, years, values).status == "on_track"
    a = run(t, years, values, settings=strict)
    assert a.status == "at_risk"
    assert a.status_rule == "0.25 <= p_attain 0.942 < 0.95"


def test_settings_file_errors_name_the_key(tmp_path):
    (tmp_path / "config").mkdir()
    path = tmp_path / "config" / "assessment.yaml"
    path.write_text("status:\n  on_track_min_p: 0.75\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_settings(tmp_path)
    assert "missing setting status.off_track_max_p" in str(exc.value)
    text = Path("data/config/assessment.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("off_track_max_p: 0.25", "off_track_max_p: 0.9"), encoding="utf-8")
    with pytest.raises(InputError, match="must not exceed"):
        load_settings(tmp_path)


def test_shipped_settings_and_package_copy_are_identical():
    import planeval.core.settings as cfg

    shipped = Path("data/config/assessment.yaml").read_text(encoding="utf-8")
    assert cfg.PACKAGE_DEFAULT.read_text(encoding="utf-8") == shipped


# --------------------------------------------------------------------------- audit trail
def test_audit_trail_records_data_candidates_thresholds_and_rule():
    a = run(target("at_least", 79, unit="岁"), [2020, 2021, 2022, 2023, 2024], [70, 72, 74, 76, 78])
    audit = a.audit
    assert audit["data"]["years"] == [2020, 2021, 2022, 2023, 2024]
    assert audit["data"]["values"] == [70, 72, 74, 76, 78]
    assert audit["model"]["chosen"] == "drift"
    assert set(audit["model"]["candidates"]) == {"mean", "linear", "loglinear", "drift"}
    lin = audit["model"]["candidates"]["linear"]
    assert lin["forecast"] == pytest.approx(80.0) and lin["forecast_error"] == pytest.approx(0.0)
    assert audit["model"]["params"]["drift"] == pytest.approx(2.0)
    assert audit["thresholds"]["status"]["on_track_min_p"] == 0.75
    assert audit["rule"] == a.status_rule and audit["status"] == "on_track"
    assert audit["p_attain"]["value"] == a.p_attain
    assert audit["change"]["result"] == "improving"


# --------------------------------------------------------------------------- real national data
@pytest.fixture(scope="module")
def national():
    obs = load_observations("data", "china")
    settings = load_settings("data")
    plans = {name: load_plan(name, "data") for name in ("children", "women")}
    # the models' own predictive distributions (hand-computed below); the calibrated ones
    # are checked in test_real_calibrated_p_attain_is_the_scaled_t
    raw = {"calibrated": False}
    return {
        ("children", 2023): assess(plans["children"], obs, 2023, "china", settings, **raw),
        ("children", 2024): assess(plans["children"], obs, 2024, "china", settings, **raw),
        ("women", 2024): assess(plans["women"], obs, 2024, "china", settings, **raw),
        "obs": obs,
    }


def test_real_calibrated_p_attain_is_the_scaled_t(national):
    """With the shipped calibration file, 子宫颈癌筛查率 (women, data to 2024: 31.4, 36.8, 51.5 in
    2015, 2019, 2023; drift on the logit scale; target ≥ 70 % in 2025, h = 2 years from 3
    values): the t scale s·sqrt(h + h²/span) is multiplied by the factor c of the table for
    2024, cell (horizon 2, length 3–4); the median stays. So p_attain =
    t_df.sf((logit(70) − (z_last + h·d̂)) / (c · scale)) with d̂, s, df of the raw fit, and the
    calibrated interval contains the raw one when c > 1."""
    from scipy import stats

    from planeval.assessment.assess import calibration_table

    settings = load_settings("data")
    raw = national[("women", 2024)]["cervical_cancer_screening"]
    table = calibration_table("data", settings, 2024).for_data_year(raw.latest_year)
    h = raw.target_year - raw.latest_year
    c = table.factor(h, raw.n_obs, "p")
    plan = load_plan("women", "data")
    cal = assess(plan, national["obs"], 2024, "china", settings)["cervical_cancer_screening"]
    assert cal.audit["model"]["calibration"]["factor"] == pytest.approx(c)
    z = math.log(70 / 30)
    m, sd = raw.audit["model"]["params"]["drift"], raw.audit["model"]["params"]["sigma"]
    df, span = raw.audit["model"]["params"]["df"], raw.audit["model"]["params"]["span"]
    last = math.log(raw.latest_value / (100 - raw.latest_value))
    scale = sd * math.sqrt(h + h * h / span)
    assert raw.p_attain == pytest.approx(stats.t.sf((z - (last + h * m)) / scale, df), abs=1e-9)
    assert cal.p_attain == pytest.approx(
        stats.t.sf((z - (last + h * m)) / (c * scale), df), abs=1e-9
    )
    assert cal.forecast == pytest.approx(raw.forecast, abs=1e-12)
    if c > 1:
        assert cal.pi_low < raw.pi_low and cal.pi_high > raw.pi_high


def test_real_under5_mortality_2023_on_track(national):
    """5岁以下儿童死亡率, target ≤ 6.0 ‰ by 2025; national data to 2023: 10.7 (2015),
    10.2 (2016), 7.8 (2019), 7.5, 7.1, 6.8, 6.2 (2023). 6.2 > 6.0 → not yet achieved.
    Model: drift on the log scale (the straight line and log-line forecast worse out of sample):
    d̂ = (ln 6.2 − ln 10.7)/8 = (1.824549 − 2.370244)/8 = −0.068212 a year, so the 2025
    forecast is 6.2·exp(−0.136424) = 6.2·0.872474 = 5.4093 ‰, 0.6 below the target, while the
    yearly log increments scatter by only ≈ 0.03 → P(≤ 6.0) ≈ 0.97 → on_track (有望达标).
    Mid-term path: 2020's 7.5 → 6.0 in 2025 passes 7.5 − 1.5·3/5 = 6.6 in 2023; 6.2 is
    below → ahead. Leaving out 2020 does not change the status."""
    r = national[("children", 2023)]["under5_mortality"]
    assert r.model == "drift" and r.latest_value == 6.2
    assert r.forecast == pytest.approx(5.4093, abs=1e-4)
    assert r.status == "on_track" and 0.9 < r.p_attain < 0.99
    assert (r.path_value, r.path_position) == (pytest.approx(6.6), "ahead")
    assert r.eurostat_ratio == pytest.approx(1.40856, abs=1e-5)  # see tests/test_agency.py
    assert r.unicef_category == "on_track" and not r.sensitivity_changed
    assert national[("children", 2024)]["under5_mortality"].status == "achieved"  # 5.6 ≤ 6.0


def test_real_compulsory_education_retention_off_track(national):
    """九年义务教育巩固率, children's target: maintain ≥ 99 % every year. National 2021: 95.4 %
    (data/observations/china/2021.csv) < 99 → the maintain target is already missed in the plan
    period → off_track (难以达标), p_attain 0, whatever the rising trend."""
    r = national[("children", 2024)]["compulsory_education_retention"]
    assert (r.status, r.p_attain) == ("off_track", 0.0)
    assert r.status_rule == "maintain target missed in observed year(s) [2021, 2022, 2023, 2024]"
    assert r.change == "improving"  # the trend is up, the verdict is about the level


def test_real_cervical_cancer_screening_off_track_by_hand(national):
    """宫颈癌筛查率, women's target ≥ 70 % by 2025; national 31.4 (2015), 36.8 (2019), 51.5 (2023).

    Three values → drift on the logit scale: z = ln(p/(100 − p)) = −0.781485, −0.540806,
    0.060018; span 8, d̂ = 0.841503/8 = 0.105188; increments over 4 years 0.240679 and
    0.600824, residuals (Δz − 4d̂) ∓0.180073, s² = (0.180073²/4 + 0.180073²/4)/(2 − 1)
    = 0.016213 (df 1). 2025 (h = 2): 0.060018 + 2·0.105188 = 0.270394 → 56.72 %; variance
    0.016213·(2 + 4/8) = 0.040533, sd 0.201328. logit 70 % = ln(70/30) = 0.847298;
    t = (0.847298 − 0.270394)/0.201328 = 2.865496;
    P(T₁ ≥ 2.865496) = 1/2 − arctan(2.865496)/π = 0.5 − 1.235044/π = 0.106878 < 0.25
    → off_track.
    """
    r = national[("women", 2024)]["cervical_cancer_screening"]
    assert r.model == "drift"
    assert r.forecast == pytest.approx(56.719, abs=1e-3)
    assert r.p_attain == pytest.approx(0.106878, abs=1e-5)
    assert r.status == "off_track"


def test_real_myopia_junior_and_female_employment_share(national):
    """初中生近视率 ≤ 60 %: 71.1, 71.1, 71.4 (2020–2022). Drift on the logit scale: increments
    0 and 0.014644, d̂ = 0.007322, s² = 0.00010722 (df 1); 2025 (h = 3): logit 0.936856 →
    71.85 %, sd sqrt(0.00010722·7.5) = 0.028358; logit 60 % = 0.405465, t = −18.739;
    P(T₁ ≤ −18.739) = arctan(1/18.739)/π = 0.01697 → off_track. (One degree of freedom keeps
    the probability at 1.7 % although 60 % is 19 standard deviations away.)

    女性就业人员占比 about 45 % (band 43–47): 2024's 43.4 is inside → achieved."""
    myopia = national[("children", 2024)]["myopia_junior"]
    assert myopia.p_attain == pytest.approx(0.01697, abs=1e-4)
    assert myopia.status == "off_track"
    share = national[("women", 2024)]["female_share_employed"]
    assert (share.status, share.band_low, share.band_high) == ("achieved", 43.0, 47.0)


def test_every_result_has_a_known_status_and_audit(national):
    for key in (("children", 2024), ("women", 2024)):
        for r in national[key].results:
            assert r.status in (
                "achieved", "on_track", "at_risk", "off_track", "insufficient_data", "not_assessed"
            )  # fmt: skip
            assert r.audit["rule"] == r.status_rule
            if r.status in ("on_track", "at_risk", "off_track") and r.target_type != "zero_events":
                assert r.p_attain is not None and 0 <= r.p_attain <= 1


def test_forecast_function_equals_the_assessment(national):
    """assessment.assess.forecast and planeval.forecast give the assessment's numbers for the
    same data (under-five mortality, data to 2023)."""
    r = national[("children", 2023)]["under5_mortality"]
    s = series_for(national["obs"], "under5_mortality")
    s = s[s.index <= 2023]
    f = forecast(s.index.to_numpy(), s.to_numpy(), 2025, unit="‰")
    assert (f.model, f.value, f.low, f.high) == (r.model, r.forecast, r.pi_low, r.pi_high)
    g = planeval.forecast(s, 2025, unit="‰", calibrated=False)
    assert (g.value, g.low, g.high) == pytest.approx((r.forecast, r.pi_low, r.pi_high), rel=1e-12)
    # calibrated: the assessment with the shipped file; forecast() given the same table;
    # planeval.forecast by default (the package copy of the file, table for the last year 2023)
    from planeval.assessment.assess import calibration_table

    settings = load_settings("data")
    plan = load_plan("children", "data")
    c = assess(plan, national["obs"], 2023, "china", settings)["under5_mortality"]
    table = calibration_table("data", settings, 2023)
    fc = forecast(s.index.to_numpy(), s.to_numpy(), 2025, unit="‰", calibration=table)
    assert (fc.model, fc.value, fc.low, fc.high) == (c.model, c.forecast, c.pi_low, c.pi_high)
    gc = planeval.forecast(s, 2025, unit="‰")
    assert (gc.value, gc.low, gc.high) == pytest.approx(
        (c.forecast, c.pi_low, c.pi_high), rel=1e-12
    )


# --------------------------------------------------------------------------- output
def test_csv_and_json_output(national):
    a = national[("children", 2024)]
    csv = assessment_csv(a).splitlines()
    assert csv[0].split(",")[:13] == ASSESS_COLUMNS
    row = next(line for line in csv if line.startswith("under5_mortality,"))
    assert row.split(",")[:4] == ["under5_mortality", "8", "2024", "5.6"]  # years as integers
    records = json.loads(assessment_json(a))["results"]
    u5 = next(x for x in records if x["indicator_id"] == "under5_mortality")
    assert list(u5)[:13] == ASSESS_COLUMNS
    assert u5["forecast"] == a["under5_mortality"].forecast  # full precision
    assert u5["audit"]["model"]["chosen"] == u5["model"]
    assert u5["audit"]["data"]["years"] == [2015, 2016, 2019, 2020, 2021, 2022, 2023, 2024]


def test_assess_command_formats():
    runner = CliRunner()
    res = runner.invoke(app, ["assess", "--plan", "women", "--geography", "china", "--year",
                              "2024", "--format", "csv"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0].startswith(",".join(ASSESS_COLUMNS) + ",")
    bad = runner.invoke(app, ["assess", "--plan", "women", "--geography", "china", "--year",
                              "2024", "--format", "xml"])  # fmt: skip
    assert bad.exit_code == 2


def test_series_stuck_at_100_or_0_percent():
    """A small district at 100 % every year 2020–2024 (integers), target "≥ 99 % every year"
    (maintain_at_least). The default drift on the natural scale (a value at the bound): d̂ = 0,
    σ² = 2 · 1/48 = 1/24 (an increment is the difference of two values rounded from one side),
    df = 3; 2025 is h = 1 after 2024, span 4: scale sqrt(1/24) · sqrt(1 + 1/4) = 0.228218;
    P(Y ≥ 99) = t3.sf(−1/0.228218 = −4.381780) = 0.98900. Forecast 100, interval up to 100
    only. (Before issue 13: logit of 99.5, forecast 99.5, 95 % interval 68–99.99 %, p 0.62.)
    The mirror case, 0 % every year against "≤ 2 %": forecast 0, p_attain
    t3.cdf(2/0.228218 = 8.763561) = 0.99844."""
    years = [2020, 2021, 2022, 2023, 2024]
    a = run(target("maintain_at_least", 99), years, [100] * 5)
    assert a.status == "achieved" and not a.early_warning and a.model == "drift"
    assert a.forecast == pytest.approx(100.0, abs=1e-9) and a.pi_high == 100.0
    assert 99 < a.pi_low < 100
    assert stats.t.sf(-1 / 0.228218, 3) == pytest.approx(0.98900, abs=1e-5)
    assert a.p_attain == pytest.approx(0.98900, abs=1e-4)
    b = run(target("at_most", 2, direction="decrease"), years, [0] * 5)
    assert b.status == "achieved" and b.forecast == pytest.approx(0.0, abs=1e-9)
    assert b.pi_low == 0.0 and b.pi_high < 1
    assert b.p_attain == pytest.approx(stats.t.cdf(2 / 0.228218, 3), abs=1e-4)
    assert stats.t.cdf(2 / 0.228218, 3) == pytest.approx(0.99844, abs=1e-5)
