"""The result of an assessment: one :class:`IndicatorAssessment` per target, gathered in an
:class:`Assessment` for a plan, geography and data year. Plain data, no rules."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import pandas as pd

from planeval.plans.catalogue import Plan

STATUSES = ("achieved", "on_track", "at_risk", "off_track", "insufficient_data", "not_assessed")
#: Columns of ``planeval assess`` output, in order.
ASSESS_COLUMNS = [
    "indicator_id",
    "n_obs",
    "latest_year",
    "latest_value",
    "model",
    "forecast_year",
    "forecast",
    "pi_low",
    "pi_high",
    "p_attain",
    "status",
    "change",
    "early_warning",
]
#: Relative tolerance of "meets the target" (floating-point noise, not a policy threshold).
MEETS_TOLERANCE = 1e-9


@dataclass
class IndicatorAssessment:
    """Assessment of one target for one geography with data up to ``data_year``.

    Values are in the indicator's ``unit``; ``p_attain`` is a probability in [0, 1];
    ``pi_low``/``pi_high`` bound the 95 % prediction interval of ``forecast`` (the median
    forecast for ``forecast_year``); ``pi80_*`` the 80 % interval. ``audit`` holds every input
    and intermediate result of the decision (data points, candidates, parameters, thresholds,
    the rule that fired).
    """

    indicator_id: str
    name_zh: str
    name_en: str
    domain: str
    item: str
    unit: str
    direction: str
    target_type: str
    target_value: float | None
    target_year: int
    target_level: float | None = None
    target_sense: str | None = None  # ">=", "<=", "band" or None
    band_low: float | None = None
    band_high: float | None = None
    baseline_year: int | None = None
    baseline_value: float | None = None
    baseline_source: str = ""
    n_obs: int = 0
    years: list = field(default_factory=list)
    values: list = field(default_factory=list)
    latest_year: int | None = None
    latest_value: float | None = None
    previous_year: int | None = None
    previous_value: float | None = None
    model: str | None = None
    model_reason: str = ""
    forecast_year: int | None = None
    forecast: float | None = None
    pi_low: float | None = None
    pi_high: float | None = None
    pi80_low: float | None = None
    pi80_high: float | None = None
    p_attain: float | None = None
    p_method: str = ""
    status: str = "insufficient_data"
    status_rule: str = ""
    change: str | None = None
    slope: float | None = None
    slope_se: float | None = None
    slope_p: float | None = None
    volatile: bool = False
    volatility_rule: str = ""
    early_warning: bool = False
    warning_reasons: list = field(default_factory=list)
    path_value: float | None = None
    path_position: str | None = None
    eurostat_ratio: float | None = None
    eurostat_category: str | None = None
    escap_forecast: float | None = None
    escap_index: float | None = None
    escap_current: float | None = None
    escap_category: str | None = None
    aarr_observed: float | None = None
    aarr_required: float | None = None
    unicef_category: str | None = None
    sensitivity_year: int | None = None
    status_without_flagged: str | None = None
    sensitivity_changed: bool = False
    reliability: str | None = None  # "low" (低可靠性), "normal"; None: not from a forecast
    reliability_reason: str = ""
    reliability_reasons: list = field(default_factory=list)
    agency_note: str = ""
    candidates: dict = field(default_factory=dict)
    cv_error: dict = field(default_factory=dict)
    #: Spread factor of the calibration by horizon (years ahead of ``latest_year``); empty
    #: when the forecast is not calibrated (:mod:`planeval.forecasting.calibration`).
    calibration_factors: dict = field(default_factory=dict)
    account: str = ""
    sex_disaggregated: bool = False
    data_year: int | None = None
    audit: dict = field(default_factory=dict)

    def meets(self, value: float | None) -> bool | None:
        """Whether ``value`` meets the numeric target (None when the target has no level).

        An about-band (``band``) is met inside it; with ``direction`` ``increase`` ("达到…左右")
        at or above its lower edge, with ``decrease`` at or below its upper edge."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        tol = MEETS_TOLERANCE * max(1.0, abs(self.target_level or 0.0), abs(self.band_high or 0.0))
        if self.target_sense == ">=":
            return value >= self.target_level - tol
        if self.target_sense == "<=":
            return value <= self.target_level + tol
        if self.target_sense == "band" and self.direction == "increase":
            return value >= self.band_low - tol  # 达到…左右: reaching the band is enough
        if self.target_sense == "band" and self.direction == "decrease":
            return value <= self.band_high + tol  # 降至…左右
        if self.target_sense == "band":
            return self.band_low - tol <= value <= self.band_high + tol
        return None

    def selected_fit(self, seed: int | None = None, n_draws: int | None = None):
        """The selected model refitted to the data used, with the calibration the assessment
        applied (same intervals and probabilities as the result); None without a model.
        Raises :class:`~planeval.forecasting.ModelNotApplicable` as ``fit_model`` does."""
        from planeval.forecasting import fit_model
        from planeval.forecasting.calibration import HorizonFactors

        if not self.model or not self.years:
            return None
        kwargs = {k: v for k, v in (("seed", seed), ("n_draws", n_draws)) if v is not None}
        fit = fit_model(self.years, self.values, self.model, self.unit, **kwargs)
        if self.calibration_factors:
            fit.calibration = HorizonFactors(dict(self.calibration_factors))
        return fit

    def to_row(self) -> dict:
        return {k: getattr(self, k) for k in ASSESS_COLUMNS}


@dataclass
class Assessment:
    """All targets of a plan assessed for one geography and data year.

    ``results`` are in the plan's order. ``to_frame()`` gives one row per indicator with the
    :data:`ASSESS_COLUMNS` first and every other field after.
    """

    plan: Plan
    geography: str
    data_year: int
    settings: dict
    results: list[IndicatorAssessment]
    observations: pd.DataFrame | None = None
    #: The stage the :attr:`verdict` is for (``annual``, ``midterm``, ``final``).
    stage: str = "midterm"
    #: The :class:`~planeval.assessment.verdict.Verdict` of ``stage`` (set by ``assess``).
    verdict: object = None

    def verdict_for(self, stage: str | None = None):
        """The :class:`~planeval.assessment.verdict.Verdict` of ``stage`` (default: the
        assessment's own); computed once per stage. Raises ``ValueError`` for an unknown
        stage."""
        from planeval.assessment.verdict import judge

        stage = stage or self.stage
        if stage == self.stage and self.verdict is not None:
            return self.verdict
        cache = self.__dict__.setdefault("_verdicts", {})
        if stage not in cache:
            period = (self.plan.period_start, self.plan.period_end)
            domains = [d["zh"] for d in self.plan.domains]
            cache[stage] = judge(
                self.results, stage, self.data_year, period, self.settings, domains
            )
        if stage == self.stage:
            self.verdict = cache[stage]
        return cache[stage]

    def to_frame(self, columns: list[str] | None = None) -> pd.DataFrame:
        rows = [asdict(r) for r in self.results]
        frame = pd.DataFrame(rows)
        if frame.empty:
            return pd.DataFrame(columns=columns or ASSESS_COLUMNS)
        order = ASSESS_COLUMNS + [c for c in frame.columns if c not in ASSESS_COLUMNS]
        return frame[columns or order]

    def __getitem__(self, indicator_id: str) -> IndicatorAssessment:
        for r in self.results:
            if r.indicator_id == indicator_id:
                return r
        raise KeyError(indicator_id)

    def counts(self) -> pd.Series:
        return (
            pd.Series([r.status for r in self.results])
            .value_counts()
            .reindex(STATUSES, fill_value=0)
        )
