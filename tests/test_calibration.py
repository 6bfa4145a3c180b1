"""Calibration of intervals and p_attain (planeval.forecasting.calibration, issue 13) on
constructed errors and series with known distributions, and the trust labels, the bounded
agency figures and the model choice on noise that come with it.

No randomness: a "perfect sample" of m errors from c · t(df) is the grid of quantiles
e_i = c · F_t⁻¹((i − ½) / m; df), i = 1 … m. Its maximum-likelihood scale differs from c only
because the grid leaves out the outer 1/(2m) of each tail; for m = 200 that moves the
estimate by less than 0.2 % (df 1–10, computed once), so 0.5 % is the tolerance used.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from planeval.assessment import agency
from planeval.assessment.reliability import assess_reliability, reliability_text
from planeval.assessment.results import IndicatorAssessment
from planeval.core.errors import InputError
from planeval.forecasting import fit_model, select_model
from planeval.forecasting.calibration import (
    Calibration,
    HorizonFactors,
    estimate_table,
    scale_factor,
    table_from_dict,
    table_to_dict,
)
from planeval.forecasting.calibration_file import load_calibration, write_calibration
from planeval.forecasting.panel import PanelForecast

CFG = {
    "horizon_edges": [1, 2, 3, 5],
    "length_edges": [3, 5],
    "min_errors": 20,
    "min_factor": 0.25,
    "max_factor": 20.0,
}


def grid(c: float, df: float, m: int = 200) -> np.ndarray:
    """The perfect sample of m errors from c · t(df) (module docstring)."""
    return c * stats.t.ppf((np.arange(1, m + 1) - 0.5) / m, df)


@pytest.mark.parametrize("c, df", [(1.0, 1), (1.0, 3), (2.5, 3), (0.5, 10)])
def test_scale_factor_recovers_the_spread_of_a_perfect_t_sample(c, df):
    errors = grid(c, df)
    assert scale_factor(errors, np.full(len(errors), df)) == pytest.approx(c, rel=0.005)


def _forecasts(errors, df, horizon, n_train, year):
    return [
        PanelForecast("s", "%", year - horizon, n_train, year, horizon, 0.0, 0.5, e, df, "drift")
        for e in errors
    ]


def test_table_by_cell_fallback_and_cutoff():
    """Cell (horizon 1, 3–4 values): errors from 1 · t(3); cell (horizon 3–4, 5+ values):
    from 3 · t(3). A forecast 2 years ahead from 6 values has no cell of its own (no errors
    there) and falls back to its length bucket pooled over horizons, i.e. the 3 · t(3) errors
    (the only ones with 5+ values). Errors observed after the cut-off (here 40 errors 100 times
    as spread, observed in 2024) are not used by the 2023 table; the 2024 table counts them
    (its (horizon 1, 3–4) cell: ML scale of the 240 pooled errors ≈ 2.05)."""
    panel = _forecasts(grid(1.0, 3), 3, 1, 3, 2022) + _forecasts(grid(3.0, 3), 3, 3, 6, 2023)
    panel += _forecasts(grid(100.0, 3, 40), 3, 1, 3, 2024)
    table = estimate_table(panel, 2023, CFG)
    assert table.factor(1, 3) == pytest.approx(1.0, rel=0.005)
    assert table.factor(4, 8) == pytest.approx(3.0, rel=0.005)
    assert table.factor(2, 6) == pytest.approx(3.0, rel=0.005)  # (all horizons, 5+) cell
    assert table.cell(2, 6).horizon == "all" and table.cell(2, 6).length == "5+"
    later = estimate_table(panel, 2024, CFG)
    assert later.factor(1, 3) == pytest.approx(2.05, abs=0.01)
    again = table_from_dict(table_to_dict(table), CFG["horizon_edges"], CFG["length_edges"])
    assert again.factor(4, 8) == pytest.approx(table.factor(4, 8), abs=1e-6)


def test_too_few_errors_give_no_calibration():
    table = estimate_table(_forecasts(grid(2.0, 3, 19), 3, 1, 3, 2020), 2020, CFG)
    assert table.cells == {} and table.factor(1, 3) == 1.0
    cal = Calibration({2020: table, 2021: estimate_table([], 2021, CFG)})
    assert cal.for_data_year(2024) is None  # no table with a filled cell


def test_calibrated_linear_interval_and_probability_by_hand():
    """y = 10, 12, 13, 16, 17 (2018–2022), linear: 2025 forecast 22.6, scale
    s·sqrt(1 + 1/5 + 25/10) = 0.993311 (tests/test_explore.py). With factor c = 2 the 95 %
    half-width is 2 · 3.182446 · 0.993311 = 6.322319 and P(Y ≥ 25) = t3.sf(2.4 / (2 ·
    0.993311)) = t3.sf(1.208081) = 0.156781; the median stays 22.6."""
    fit = fit_model([2018, 2019, 2020, 2021, 2022], [10, 12, 13, 16, 17], "linear")
    raw = fit.predict(2025)
    fit.calibration = HorizonFactors({1: 1.0, 2: 1.5, 3: 2.0})
    cal = fit.predict(2025)
    assert cal.value == pytest.approx(raw.value) == pytest.approx(22.6)
    assert cal.high - cal.value == pytest.approx(6.322319, abs=1e-5)
    assert fit.prob_at_least(2025, 25) == pytest.approx(0.156781, abs=1e-5)
    assert stats.t.sf(2.4 / (2 * 0.993311), 3) == pytest.approx(0.156781, abs=1e-5)
    assert fit.factor(2022, "p") == 1.0  # an observed year is not a forecast


def test_calibrated_joint_draws_spread_by_the_factor():
    """Drift draws on the natural scale: the spread of each year's draws around their median is
    multiplied by that year's factor (here 3 for 2026, the second year ahead)."""
    fit = fit_model([2018, 2019, 2020, 2021, 2022], [10, 12, 13, 16, 17], "drift")
    raw = fit.draws([2023, 2024])
    fit.calibration = HorizonFactors({1: 1.0, 2: 3.0})
    cal = fit.draws([2023, 2024])
    assert np.allclose(cal[:, 0], raw[:, 0])
    spread = (cal[:, 1] - np.median(cal[:, 1])) / (raw[:, 1] - np.median(raw[:, 1]))
    assert np.allclose(spread[np.isfinite(spread)], 3.0)


def test_calibration_file_round_trip_and_version_check(tmp_path):
    table = estimate_table(_forecasts(grid(2.0, 3), 3, 1, 3, 2021), 2021, CFG)
    doc = {
        "version": 1,
        "provenance": {"command": "test"},
        "horizon_edges": CFG["horizon_edges"],
        "length_edges": CFG["length_edges"],
        "tables": [table_to_dict(table)],
    }
    path = write_calibration(tmp_path / "calibration.yaml", doc)
    cal = load_calibration(path)
    assert cal.for_data_year(2023).factor(1, 3) == pytest.approx(2.0, rel=0.005)
    assert cal.for_data_year(2020) is None  # before the first cut-off: uncalibrated
    assert load_calibration(tmp_path / "missing.yaml") is None
    write_calibration(tmp_path / "old.yaml", {**doc, "version": 0})
    with pytest.raises(InputError, match="planeval calibrate"):
        load_calibration(tmp_path / "old.yaml")


def test_shipped_calibration_has_a_package_copy():
    """The package's copy (used without a data folder) is the shipped file."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    shipped = (root / "data/config/calibration.yaml").read_text(encoding="utf-8")
    copy = (root / "src/planeval/core/calibration_default.yaml").read_text(encoding="utf-8")
    assert shipped == copy


def test_errors_within_floating_point_noise_are_ties_settled_by_simplicity():
    """3.45 % five times: every candidate forecasts 3.45 (errors ~1e-16): the simplest model,
    mean, is chosen and the text says it was a tie."""
    sel = select_model([2016, 2017, 2018, 2019, 2020], [3.45] * 5, 2025, "%", rule="selection")
    assert sel.model == "mean"
    assert "tie within floating-point noise" in sel.verdicts["mean"]


def test_each_model_error_once_with_both_bases_named():
    """Ten values: damped is scored on origins 6…n−1, drift on 3…n−1; the damped verdict names
    drift's error on damped's origins and drift's own error, each once."""
    years = list(range(2015, 2025))
    values = [87.5, 87.5, 88.3, 88.8, 89.5, 89.5, 91.2, 91.4, 91.8, 92.0]
    sel = select_model(years, values, 2025, "%")
    text = sel.verdicts["damped"]
    assert f"{sel.reference_error['damped']:.4g}" in text and "origins 6…n−1" in text
    assert f"drift's own error on origins 3…n−1: {sel.cv_error['drift']:.4g}" in text


def _result(**kw) -> IndicatorAssessment:
    base = dict(
        indicator_id="x", name_zh="x", name_en="x", domain="d", item="1", unit="%",
        direction="increase", target_type="at_least", target_value=70.0, target_year=2025,
        target_level=70.0, target_sense=">=", latest_value=51.5, latest_year=2023,
        status="off_track", n_obs=3, pi_low=2.19, pi_high=98.71,
        audit={"thresholds": {"reliability": {"max_observations_low": 4,
                                              "interval_to_distance": 4.0}}},
    )  # fmt: skip
    base.update(kw)
    return IndicatorAssessment(**base)


def test_reliability_low_with_few_values_or_a_wide_interval():
    """3 values → low; the 95 % interval 2.19–98.71 is 96.52 wide, more than 4 × the 18.5 still
    to go (74) → low for that reason too. With 9 values and an interval 92.14–93.85 (1.71
    wide) against 6 to go → normal. An achieved status is observed: no label."""
    cfg = {"max_observations_low": 4, "interval_to_distance": 4.0}
    a = _result()
    assess_reliability(a, cfg)
    assert a.reliability == "low"
    assert a.reliability_reasons == ["few_observations", "wide_interval"]
    assert reliability_text(a, "zh").startswith("低可靠性：仅有 3 个观测值")
    b = _result(n_obs=9, latest_value=92.0, target_level=98.0, pi_low=92.14, pi_high=93.85)
    assess_reliability(b, cfg)
    assert b.reliability == "normal" and reliability_text(b) == ""
    c = _result(status="achieved")
    assess_reliability(c, cfg)
    assert c.reliability is None


def test_direction_aware_ratio_as_sdg_build():
    """Baseline 8 (2020) already below the ≤ 10 target, latest 9 (2023), target year 2025:
    observed CAGR (9/8)^(1/3) − 1 = 0.040042, required (10/8)^(1/5) − 1 = 0.045640;
    R = −1 · 0.040042 / |0.045640| = −0.877351: moving the wrong way (a rise where a fall is
    wanted). A zero target is replaced by 0.001: 5 → 4 (2020 → 2023) against 0 in 2030:
    observed (0.8)^(1/3) − 1 = −0.071682, required (0.001/5)^(1/10) − 1 = −0.573319,
    R = −1 · −0.071682 / 0.573319 = 0.125030."""
    r = agency.eurostat_ratio(8, 2020, 9, 2023, 10, 2025, direction=-1)
    assert r == pytest.approx(-0.877351, abs=1e-5)
    z = agency.eurostat_ratio(5, 2020, 4, 2023, 0, 2030, direction=-1)
    assert z == pytest.approx(0.125030, abs=1e-5)
    assert math.isclose(0.8 ** (1 / 3) - 1, -0.071682, abs_tol=1e-6)


def test_escap_projection_stays_within_natural_bounds():
    """Infant mortality 10, 8, 6, 4 ‰ (2017–2020) projected to 2030 by the weighted line goes
    far below 0; cut at 0 (no negative rate)."""
    years, values = [2017, 2018, 2019, 2020], [10.0, 8.0, 6.0, 4.0]
    assert agency.escap_weighted_forecast(years, values, 2030) < 0
    assert agency.escap_weighted_forecast(years, values, 2030, (0.0, math.inf)) == 0.0


def test_calibrate_command_writes_a_versioned_file_with_provenance(tmp_path):
    """``planeval calibrate`` on a copy of the shipped data: a version-1 file whose provenance
    lists every observation file's SHA-256 and the forecast count, whose tables are those of
    the shipped file, and which the assessment then reads."""
    import hashlib
    import shutil
    from pathlib import Path

    from typer.testing import CliRunner

    from planeval.cli import app

    root = Path(__file__).resolve().parents[1]
    data = tmp_path / "data"
    shutil.copytree(root / "data", data, ignore=shutil.ignore_patterns("processed", "runs"))
    (data / "config" / "calibration.yaml").unlink()
    result = CliRunner().invoke(app, ["calibrate", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "out-of-sample forecasts" in result.stdout
    written = load_calibration(data / "config" / "calibration.yaml")
    shipped = load_calibration(root / "data" / "config" / "calibration.yaml")
    digests = written.provenance["observation_files_sha256"]
    some = sorted(digests)[0]
    assert digests[some] == hashlib.sha256((data / some).read_bytes()).hexdigest()
    assert written.provenance["forecasts"] == shipped.provenance["forecasts"]
    for year, table in shipped.tables.items():
        assert table_to_dict(written.tables[year]) == table_to_dict(table)


def test_a_panel_can_widen_but_never_narrow_the_model_spread():
    """Errors half as spread as the models said (0.5 · t(3), 200 of them): their ML scale is
    0.5, which before issue 20 narrowed every interval by half (min_factor 0.25). With the
    shipped floor, min_factor = 1, the factor is exactly 1: a panel can only widen."""
    panel = _forecasts(grid(0.5, 3), 3, 1, 3, 2022)
    assert estimate_table(panel, 2022, CFG).factor(1, 3) == pytest.approx(0.5, rel=0.005)
    floored = estimate_table(panel, 2022, {**CFG, "min_factor": 1.0})
    assert floored.factor(1, 3) == 1.0
    from planeval.core.settings import load_settings

    assert load_settings("data")["calibration"]["min_factor"] == 1.0


def test_factors_never_decrease_with_the_horizon():
    """Cells for 3–4 values: horizon 1 from 1.2 · t(3), horizon 2 from 2.0 · t(3), horizon
    3–4 from 1.5 · t(3). A forecast 3 years ahead takes the largest of its own and the shorter
    horizons' factors, 2.0, so its interval is not narrower than the 2-year one; with
    monotone=False (the pre-issue-20 rule) it took its own 1.5."""
    panel = _forecasts(grid(1.2, 3), 3, 1, 3, 2022) + _forecasts(grid(2.0, 3), 3, 2, 3, 2022)
    panel += _forecasts(grid(1.5, 3), 3, 3, 3, 2022)
    table = estimate_table(panel, 2022, {**CFG, "min_factor": 1.0})
    assert table.factor(1, 3) == pytest.approx(1.2, rel=0.005)
    assert table.factor(2, 3) == pytest.approx(2.0, rel=0.005)
    assert table.factor(3, 3) == pytest.approx(2.0, rel=0.005)
    import dataclasses

    assert dataclasses.replace(table, monotone=False).factor(3, 3) == pytest.approx(1.5, rel=0.005)


def test_forecast_rule_setting_is_checked(tmp_path):
    """forecast.rule must be 'default' or 'selection'; anything else is a bilingual error."""
    import yaml

    from planeval.core.settings import load_settings

    raw = yaml.safe_load(open("data/config/assessment.yaml", encoding="utf-8"))
    assert raw["forecast"]["rule"] == "default"
    raw["forecast"]["rule"] = "best"
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "assessment.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(InputError, match="forecast.rule") as err:
        load_settings(tmp_path)
    assert "应为" in str(err.value)
