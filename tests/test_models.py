"""Trend models (planeval.forecasting) against hand-computed values.

Quantiles of Student's t used below (from any table): t(0.975; 3) = 3.182446,
t(0.90; 3) = 1.637744.
"""

import math

import numpy as np
import pytest
from scipy import stats

from planeval.forecasting import (
    TRANSFORMS,
    ModelNotApplicable,
    decimals_of,
    fit_model,
    leave_future_out_error,
    loo_error,
    resolution_of,
    select_model,
)

FIVE_YEARS = [2016, 2017, 2018, 2019, 2020]
FIVE_VALUES = [1.0, 3.0, 2.0, 5.0, 4.0]


def test_ols_slope_and_prediction_interval_five_points_by_hand():
    """x = year − 2016 = 0..4, y = 1, 3, 2, 5, 4.

    x̄ = 2, ȳ = 3, Sxx = 4+1+0+1+4 = 10, Sxy = (−2)(−2)+(−1)(0)+0+(1)(2)+(2)(1) = 8
    slope b = 8/10 = 0.8 per year; intercept a = 3 − 0.8·2 = 1.4
    fitted 1.4, 2.2, 3.0, 3.8, 4.6; residuals −0.4, 0.8, −1.0, 1.2, −0.6
    SSE = 0.16+0.64+1.00+1.44+0.36 = 3.6;  s² = SSE/(n − 2) = 3.6/3 = 1.2
    2022 (x0 = 6): ŷ = 1.4 + 0.8·6 = 6.2
    se_pred = s·sqrt(1 + 1/n + (x0 − x̄)²/Sxx) = sqrt(1.2·(1 + 0.2 + 16/10)) = sqrt(3.36)
            = 1.833030
    95 %: 6.2 ± 3.182446·1.833030 = 6.2 ± 5.833520 → [0.366480, 12.033520]
    80 %: 6.2 ± 1.637744·1.833030 = 6.2 ± 3.002035 → [3.197965, 9.202035]
    """
    fit = fit_model(FIVE_YEARS, FIVE_VALUES, "linear")
    assert fit.params["slope"] == pytest.approx(0.8)
    assert fit.params["intercept"] == pytest.approx(1.4)
    assert fit.params["sigma"] == pytest.approx(math.sqrt(1.2))
    f95 = fit.predict(2022, 0.95)
    assert f95.value == pytest.approx(6.2)
    assert (f95.low, f95.high) == pytest.approx((0.366480, 12.033520), abs=1e-6)
    f80 = fit.predict(2022, 0.80)
    assert (f80.low, f80.high) == pytest.approx((3.197965, 9.202035), abs=1e-6)
    slope, se, p = fit.slope_test()
    # se(b) = s / sqrt(Sxx) = sqrt(1.2/10) = 0.346410; t = 0.8/0.346410 = 2.309401, df 3
    assert se == pytest.approx(0.346410, abs=1e-6)
    assert p == pytest.approx(2 * stats.t.sf(2.309401, 3), abs=1e-6)


def test_p_attain_from_known_t_predictive_distribution():
    """Same fit: the predictive distribution of 2022 is 6.2 + 1.833030·T₃.

    P(Y ≥ 5) = P(T₃ ≥ (5 − 6.2)/1.833030) = P(T₃ ≥ −0.654654) = F₃(0.654654), with the t₃ cdf
    F₃(t) = 1/2 + (1/π)[ t/(√3(1 + t²/3)) + arctan(t/√3) ]:
    t/√3 = 0.377964, arctan = 0.361367, t/(√3·1.142857) = 0.330719
    F₃ = 0.5 + (0.330719 + 0.361367)/π = 0.5 + 0.220298 = 0.720298.
    P(Y ≤ 5) = 0.279702. The simulation draws (4000, fixed seed) agree within Monte Carlo error
    (SE ≈ sqrt(0.72·0.28/4000) = 0.007).
    """
    fit = fit_model(FIVE_YEARS, FIVE_VALUES, "linear")
    assert fit.prob_at_least(2022, 5.0) == pytest.approx(0.720298, abs=1e-6)
    assert fit.prob_at_most(2022, 5.0) == pytest.approx(0.279702, abs=1e-6)
    draws = fit.draws([2022])[:, 0]
    assert np.mean(draws >= 5.0) == pytest.approx(0.720298, abs=0.03)


def test_drift_model_by_hand():
    """Random walk with drift, years 2018–2022, values 10, 12, 13, 15, 16 (unit none).

    increments 2, 1, 2, 1; d̂ = (16 − 10)/4 = 1.5; residuals ±0.5;
    s² = 4·0.25/(4 − 1) = 1/3 (df 3)
    2025 (h = 3): 16 + 3·1.5 = 20.5; variance s²(h + h²/span) = (1/3)(3 + 9/4) = 1.75,
    sd 1.322876; 95 %: 20.5 ± 3.182446·1.322876 = 20.5 ± 4.209981 → [16.290019, 24.709981]
    """
    fit = fit_model([2018, 2019, 2020, 2021, 2022], [10, 12, 13, 15, 16], "drift")
    assert fit.params["drift"] == pytest.approx(1.5)
    assert fit.sigma2 == pytest.approx(1 / 3)
    f = fit.predict(2025)
    assert f.value == pytest.approx(20.5)
    assert (f.low, f.high) == pytest.approx((16.290019, 24.709981), abs=1e-6)
    # the fitted path passes through the observations and extends from the last one
    assert fit.fitted([2020, 2023]).tolist() == pytest.approx([13.0, 17.5])


def test_drift_model_with_a_gap_year():
    """Years 2015, 2017, 2018 → 10, 14, 15: increments 4 over 2 years and 1 over 1 year.

    d̂ = (15 − 10)/3 = 5/3; weighted residual squares (Δz − d̂Δt)²/Δt:
    (4 − 10/3)²/2 = 0.222222 and (1 − 5/3)²/1 = 0.444444; s² = 0.666667/(2 − 1)
    Between the observations (2016) the Brownian bridge: mean 12, variance s²·1·1/2.
    """
    fit = fit_model([2015, 2017, 2018], [10, 14, 15], "drift")
    assert fit.params["drift"] == pytest.approx(5 / 3)
    assert fit.sigma2 == pytest.approx(2 / 3)
    assert fit.fitted([2016])[0] == pytest.approx(12.0)


def test_logit_forecast_of_9933_percent_never_crosses_100():
    """Senior secondary enrolment-like series ending at 99.33 %: a straight line through
    97.0, 98.2, 99.33 (≈ +1.2 points a year) would pass 100 % in 2021 and reach ≈ 104 % in
    2025; the logit and drift (logit scale) forecasts and their whole intervals stay inside
    (0, 100), and the linear candidate is clipped at 100 and never selected. (A few of the
    joint draws of a 3-point logit line — t with 1 degree of freedom — reach logits beyond ±37,
    where the back-transform is 0.0 or 100.0 in double precision; none leaves [0, 100].)"""
    years, values = [2018, 2019, 2020], [97.0, 98.2, 99.33]
    sel = select_model(years, values, 2025, "%")
    for name in ("logit", "drift", "mean"):
        f = sel.candidates[name]
        assert 0 < f.low <= f.value <= f.high < 100, name
    assert sel.candidates["logit"].value > 99.33  # the trend continues, toward 100
    assert sel.candidates["linear"].value == 100.0  # clipped, not 104
    assert "linear" in sel.excluded and sel.model != "linear"
    # draws and the back-transform itself
    draws = sel.fits["logit"].draws([2021, 2025])
    assert np.all((draws >= 0) & (draws <= 100))
    forward, inverse = TRANSFORMS["logit"]
    assert float(inverse(forward(99.33))) == pytest.approx(99.33)
    assert 99.99 < float(inverse(9.3)) < 100


def test_series_with_exactly_100_percent_uses_the_natural_scale():
    """98, 99, 100, 100, 100 (integers → resolution 1): a value at exactly 100 % is not moved
    inside for a logit (the distance moved would decide the interval); the logit model does
    not apply, the linear candidate competes (clipped at 100), and the drift model runs on the
    natural scale: increments 1, 1, 0, 0, d̂ = 2/4 = 0.5, s² = 4 · 0.5² / 3 = 1/3 (above the
    floor), forecast 100 + 0.5 = 100.5 → clipped to 100."""
    years, values = [2020, 2021, 2022, 2023, 2024], [98, 99, 100, 100, 100]
    with pytest.raises(ModelNotApplicable):
        fit_model(years, values, "logit", "%")
    sel = select_model(years, values, 2025, "%")
    assert "logit" not in sel.fits and "linear" not in sel.excluded
    drift = sel.fits["drift"]
    assert drift.scale == "identity" and "squeezed_to" not in drift.params
    assert drift.sigma2 == pytest.approx(1 / 3)
    f = drift.predict(2025)
    assert f.value == 100.0 and f.high == 100.0 and 95 < f.low < 99
    assert 0 < drift.prob_at_least(2025, 99.0) < 1
    assert drift.prob_at_least(2025, 0.0) == 1.0
    assert np.all(drift.draws([2025, 2026]) <= 100)


def test_constant_100_percent_forecasts_100_with_a_rounding_only_interval():
    """100 % five times (integers: resolution r = 1). A value at the bound can only have been
    rounded from below, so its rounding error is uniform on r/2: variance r²/48 = 1/48; the
    drift increments are differences of two rounded values, σ² = 2/48 = 1/24, σ = 0.204124.
    2025 is h = 2 years after 2023, span 4: scale σ·sqrt(2 + 4/4) = 0.204124 · 1.732051 =
    0.353553; t(0.975; 3) = 3.182446 → half-width 1.125167: 95 % interval 98.8748–100
    (clipped), forecast 100. P(Y ≥ 99) = t3.sf(−1/0.353553 = −2.828427) = 0.96695.
    (Before: squeezed to 99.5 on the logit scale, forecast 99.5, interval 68.35–99.99.)

    Every candidate forecasts 100 exactly (errors 0, or floating-point noise): a tie, settled
    by simplicity, so the no-trend ``mean`` is chosen (issue 13). Its variance is the floor
    r²/48 = 1/48 (σ = 0.144338), df = 4, scale σ·sqrt(1 + 1/5) = 0.158114; t(0.975; 4) =
    2.776445 → half-width 0.438995: 95 % interval 99.5610–100; P(Y ≥ 99) = t4.sf(−6.324555)
    = 0.99840."""
    years = [2019, 2020, 2021, 2022, 2023]
    sel = select_model(years, [100] * 5, 2025, "%", rule="selection")
    assert sel.model == "mean"
    mean = sel.fits["mean"].predict(2025)
    assert mean.value == pytest.approx(100.0, abs=1e-9) and mean.high == 100.0
    assert mean.low == pytest.approx(100 - 0.438995, abs=1e-5)
    assert sel.fits["mean"].prob_at_least(2025, 99.0) == pytest.approx(0.99840, abs=1e-4)
    fit = sel.fits["drift"]
    assert fit.scale == "identity"
    assert fit.params["sigma"] == pytest.approx(0.204124, abs=1e-6)
    f = fit.predict(2025)
    assert f.value == 100.0 and f.high == 100.0
    assert f.low == pytest.approx(100 - 1.125167, abs=1e-5)
    assert fit.prob_at_least(2025, 99.0) == pytest.approx(0.96695, abs=1e-4)
    assert stats.t.sf(-2.828427, 3) == pytest.approx(0.96695, abs=1e-4)


def test_constant_zero_forecasts_zero():
    """0 % (or 0 ‰) five times: the mirror image of 100 %: forecast 0, 95 % interval
    0–1.1252 (the same half-width 1.125167 as above, clipped at 0); P(Y ≤ 2) =
    t3.cdf(2/0.353553 = 5.656854) = 0.99455. (Before, for %: squeezed to 0.5, forecast 0.5,
    interval 0.0055–31.65.)"""
    years = [2019, 2020, 2021, 2022, 2023]
    for unit in ("%", "‰"):
        fit = select_model(years, [0] * 5, 2025, unit).fits["drift"]
        f = fit.predict(2025)
        assert (f.value, f.low) == (0.0, 0.0), unit
        assert f.high == pytest.approx(1.125167, abs=1e-5), unit
        assert fit.prob_at_most(2025, 2.0) == pytest.approx(0.99455, abs=1e-4), unit


def test_near_constant_series_at_the_bound_is_sensible():
    """100, 100, 99.8, 100, 100 %: the 100s do not count for the resolution (they are exact),
    so r = 0.1 from 99.8. Leave-future-out: from 3 points the mean (99.9333) misses 2022 and
    2023 by 0.0667 each, from 4 points (99.95) 2023 by 0.05: 0.0611; the drift (d̂ = −0.1)
    misses by 0.3, 0.4, then 0: 0.2333 → the mean model. Mean 99.96, residuals 0.04 (×4) and
    −0.16: SSE = 4·0.0016 + 0.0256 = 0.032, s² = 0.032/4 = 0.008 (floor (4·0.01/48 +
    0.01/12)/5 = 0.000333 is lower), se = sqrt(0.008 · (1 + 1/5)) = 0.097980; t(0.975; 4) =
    2.776445 → 99.96 ± 0.272035 = 99.688–100 (clipped).
    0, 0, 0.5, 0, 0 %: mean 0.1, residuals −0.1 (×4), 0.4: SSE = 0.2, s² = 0.05, se =
    sqrt(0.05 · 1.2) = 0.244949 → 0.1 ± 0.680087 = 0–0.780 (clipped). On the logit scale
    with a squeeze these gave intervals tens of points wide."""
    years = [2019, 2020, 2021, 2022, 2023]
    assert decimals_of([100, 100, 99.8, 100, 100]) == 1
    sel = select_model(years, [100, 100, 99.8, 100, 100], 2025, "%", rule="selection")
    assert sel.model == "mean"
    assert sel.cv_error["mean"] == pytest.approx(0.0611111, abs=1e-6)
    assert sel.reference_error["mean"] == pytest.approx(0.2333333, abs=1e-6)
    f = sel.candidates["mean"]
    assert f.value == pytest.approx(99.96)
    assert f.low == pytest.approx(99.687965, abs=1e-5) and f.high == 100.0
    sel0 = select_model(years, [0, 0, 0.5, 0, 0], 2025, "%", rule="selection")
    assert sel0.model == "mean"
    f0 = sel0.candidates["mean"]
    assert f0.value == pytest.approx(0.1) and f0.low == 0.0
    assert f0.high == pytest.approx(0.780087, abs=1e-5)


def test_constant_series_gets_the_rounding_floor_not_a_zero_width_interval():
    """99.9 % five times (one decimal → resolution 0.1): residual SD 0 would give a
    zero-width interval. The floor is the SD of the rounding error, 0.1/sqrt(12) = 0.028868
    points, on the logit scale by the delta method: d logit/dy = 100/(99.9·0.1) = 10.0100,
    so 0.028868·10.0100 = 0.288964."""
    assert decimals_of([99.9] * 5) == 1
    assert resolution_of([8.1, 7.5, 5.0, 4.0]) == pytest.approx(0.1)  # 5.0 and 4.0 lost a 0
    fit = fit_model([2020, 2021, 2022, 2023, 2024], [99.9] * 5, "mean", "%")
    assert fit.params["sigma_floor"] == pytest.approx(0.288964, abs=1e-6)
    f = fit.predict(2025)
    assert f.value == pytest.approx(99.9)
    assert 99.5 < f.low < 99.9 < f.high < 100


def test_probabilities_outside_the_transform_domain():
    """A log-scale model can never go below 0, a logit one never above 100."""
    log_fit = fit_model([2020, 2021, 2022], [5.0, 4.5, 4.1], "loglinear", "‰")
    assert log_fit.prob_at_least(2025, -1.0) == 1.0
    assert log_fit.prob_at_most(2025, 0.0) == 0.0
    logit_fit = fit_model([2020, 2021, 2022], [90.0, 91.0, 92.5], "logit", "%")
    assert logit_fit.prob_at_least(2025, 101.0) == 0.0
    assert logit_fit.prob_at_least(2025, -5.0) == 1.0


def test_models_refuse_series_outside_their_domain():
    with pytest.raises(ModelNotApplicable):
        fit_model([2020, 2021, 2022], [0.0, 1.0, 2.0], "loglinear")
    with pytest.raises(ModelNotApplicable):
        fit_model([2020, 2021, 2022], [90.0, 95.0, 101.0], "logit", "%")
    with pytest.raises(ModelNotApplicable):  # damped needs 6 consecutive years
        fit_model([2015, 2016, 2017, 2019, 2020, 2021], [1, 2, 3, 4, 5, 6], "damped")
    with pytest.raises(ModelNotApplicable):
        select_model([2020, 2021], [1.0, 2.0], 2025)
    with pytest.raises(ValueError, match="unique"):
        fit_model([2020, 2020, 2021], [1.0, 2.0, 3.0], "linear")


def test_three_points_keep_the_reference_drift_model():
    """With 3 values no model can be scored on a held-out future point, so the reference
    (drift) stays; the reason says so. (The first version always chose the mean here, because
    its leave-one-out fits needed 3 points.)"""
    sel = select_model([2020, 2021, 2022], [94.3, 94.6, 94.9], 2025, "%")
    assert sel.model == "drift"
    assert "no out-of-sample forecast" in sel.reason
    # leave-one-out with 2-point fits now works for the straight line: the middle point
    # is interpolated exactly, the ends extrapolated exactly → error 0 on a straight line
    assert loo_error([2020, 2021, 2022], [1.0, 2.0, 3.0], "linear") == pytest.approx(0.0)


def test_selection_prefers_the_mean_for_a_flat_noisy_series():
    """50, 52, 49, 51, 50, 52, 49, 51: no trend. Forecasting with drift from the first k points
    extrapolates noise; the mean's leave-future-out error (1.012) is less than half the
    drift's (2.026), so the mean replaces the reference; linear, log-linear and damped beat the
    drift too but not the simpler mean by more than 10 %."""
    years = list(range(2014, 2022))
    values = [50, 52, 49, 51, 50, 52, 49, 51]
    sel = select_model(years, values, 2025, rule="selection")
    assert sel.model == "mean"
    assert select_model(years, values, 2025).model == "drift"  # the default rule
    assert sel.cv_error["mean"] == pytest.approx(
        leave_future_out_error(years, values, "mean", max_horizon=4)
    )
    assert sel.cv_error["mean"] < 0.9 * sel.reference_error["mean"]


def test_selection_keeps_drift_for_a_steady_trend_in_percent():
    """A regular rise in % (logit increments 0.45, 0.48, 0.40): the mean is far worse and the
    logit line not better by 10 %, so the reference drift (logit scale) stays."""
    sel = select_model([2018, 2019, 2020, 2021], [97.5, 98.4, 99.0, 99.33], 2025, "%")
    assert sel.model == "drift"
    assert sel.fits["drift"].scale == "logit"
    assert set(sel.excluded) == {"linear", "loglinear"}


def test_damped_trend_ets_draws_and_bounds():
    """Infant mortality 2015–2024 (10 consecutive years): the damped ETS fits, its draws have
    the requested shape and the 95 % interval brackets the median; for a % series the whole
    interval stays below 100."""
    years = list(range(2015, 2025))
    fit = fit_model(years, [8.1, 7.5, 6.8, 6.1, 5.6, 5.4, 5.0, 4.9, 4.5, 4.0], "damped", "‰")
    assert fit.draws([2025, 2026]).shape == (4000, 2)
    f = fit.predict(2025)
    assert 0 < f.low < f.value < f.high < 4.6
    pct = fit_model(
        list(range(2016, 2025)),
        [77.4, 79.6, 81.7, 83.4, 85.2, 88.1, 89.7, 91.1, 92.0],
        "damped",
        "%",
    )
    f = pct.predict(2030)
    assert f.high < 100 and f.low > 90


def test_default_rule_keeps_drift_and_still_scores_the_others():
    """50, 52, 49, 51, 50, 52, 49, 51: under the old selection the mean wins (error 1.012
    against drift's 2.026, see above); under the default rule the forecast is the drift
    model's, the reason says so, and every candidate's leave-future-out error is still there
    for comparison. An unknown rule is an error naming the choices."""
    years = list(range(2014, 2022))
    values = [50, 52, 49, 51, 50, 52, 49, 51]
    sel = select_model(years, values, 2025)
    assert sel.model == "drift"
    assert sel.reason.startswith("chose drift — drift is the default forecast")
    assert sel.cv_error["mean"] == pytest.approx(
        select_model(years, values, 2025, rule="selection").cv_error["mean"]
    )
    assert sel.candidates["drift"].value == pytest.approx(sel.fits["drift"].predict(2025).value)
    with pytest.raises(ValueError, match="default"):
        select_model(years, values, 2025, rule="best")
