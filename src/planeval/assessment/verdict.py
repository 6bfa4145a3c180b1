"""The verdict of one plan × geography × stage × data year: decided here, once, and only worded
by the reports (``reporting/findings.py``), the workbench and ``planeval assess``.

For every target (:class:`TargetVerdict`): its official status for the stage, the basis of the
judgement and the reason; for the plan (:class:`Verdict`): counts by status, 达标率 with
numerator and denominator per plan and per domain, the overall verdict, the problems (largest
relative gap first, each with the change per year required and observed), the qualitative
targets' summary and the lagging list (数据滞后).

Stage statuses (words in ``labels.yaml`` ``verdict_status``; rules and thresholds in the
settings' ``report`` section, full text in docs/method.md):

============  ===========================================================================
stage         statuses
============  ===========================================================================
annual        ``reached`` 已达到 / ``not_reached`` 未达到 (latest value against the target)
midterm       ``met`` 已实现 / ``met_early`` 提前实现 / ``expected`` 有望实现 /
              ``difficult`` 实现存在困难 / ``not_met`` 未达标
final         ``met`` 已实现 / ``basically_met`` 基本实现 / ``missed`` 未实现 (target year
              observed); before the target year's data: ``met`` (latest value meets),
              ``expect_met`` 预计实现 / ``expect_risk`` 预计实现存在风险 / ``expect_miss``
              预计难以实现 (forecast), ``not_met`` 未达标 (no forecast possible)
every stage   ``lagging`` 数据滞后 (latest value before the plan period), ``no_data`` 无数据,
              ``insufficient`` 数据不足 (a trend target with a single value),
              ``qualitative`` 定性评估
============  ===========================================================================

Rules:

* A target with a numeric level and a value in the plan period is always judged: on the
  target year's value when observed, else on the forecast when a trend model could be fitted,
  else on the latest value (met / not met today). These are the 达标率 denominator
  (``counted``); the numerator is those whose latest value meets the target (``achieved``).
* A target year already past (before the data year) without a value of that year is
  ``no_data`` ("目标年无数据"): never forecast.
* ``about`` (左右) targets: inside the band is met; outside, the side is stated
  (``band_side`` ``above``/``below``); "达到…左右" (``direction: increase``) is met at or above
  the band's lower edge (:meth:`IndicatorAssessment.meets`).
* A target met today is a problem only when its forecast falls back; a worsening or volatile
  series is a problem when the target is not met (or has no level).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass, field

from planeval.assessment.results import IndicatorAssessment
from planeval.core.labels import fill, label

NUMERIC_SENSES = (">=", "<=", "band")
#: Target types judged in their target year (the others every year, or by their trend).
YEAR_BOUND = ("at_least", "at_most", "about", "count_at_least", "relative_change")
EVERY_YEAR = ("maintain_at_least", "maintain_at_most")
STAGES = ("annual", "midterm", "final")

#: Statuses each stage can give (besides :data:`COMMON`).
STAGE_STATUSES = {
    "annual": ("reached", "not_reached"),
    "midterm": ("met", "met_early", "expected", "difficult", "not_met"),
    "final": (
        "met",
        "basically_met",
        "missed",
        "expect_met",
        "expect_risk",
        "expect_miss",
        "not_met",
    ),
}
COMMON = ("lagging", "no_data", "insufficient", "qualitative")
#: Statuses that put a target in the 达标率 numerator.
ACHIEVED = ("met", "met_early", "reached")
#: Statuses of a target not judged (outside the denominator).
NOT_JUDGED = COMMON
#: Statuses counted as "off course" by the overall verdict (with the forecast status off_track).
OFF = ("not_met", "not_reached", "missed", "expect_miss")
#: Colour family (the assessment's status vocabulary) of each stage status, for badges.
TONE = {
    "reached": "achieved",
    "met": "achieved",
    "met_early": "achieved",
    "basically_met": "at_risk",
    "expected": "on_track",
    "expect_met": "on_track",
    "expect_risk": "at_risk",
    "difficult": "off_track",
    "expect_miss": "off_track",
    "not_met": "off_track",
    "not_reached": "off_track",
    "missed": "off_track",
    "lagging": "insufficient_data",
    "no_data": "insufficient_data",
    "insufficient": "insufficient_data",
    "qualitative": "not_assessed",
}


@dataclass
class TargetVerdict:
    """One target's verdict for a stage.

    ``status``: a code of :data:`STAGE_STATUSES` or :data:`COMMON`; ``kind``: ``numeric`` (a
    level to meet), ``trend`` (a direction, maintain or zero-event target without a level) or
    ``qualitative``; ``basis``: what the status rests on (``target_year``, ``forecast``,
    ``latest``, ``every_year``, ``trend``, ``lagging``, ``no_data``, ``account``);
    ``reason_key``/``reason_values``: the reason, worded by :meth:`reason` from
    ``labels.yaml`` ``verdict_reason``; ``rule``: the rule that fired (English, for the audit).
    Numbers are in the indicator's ``unit``: ``gap`` from the latest value to the target (0 when
    met; to the nearest edge of an about-band, ``band_side`` saying which side),
    ``required_per_year`` the signed change per year needed from the latest value to the
    target by the target year, ``actual_per_year`` the signed mean change per year from
    ``actual_from_year`` to the latest year. ``trend_*``: the change in words — with at least
    ``report.min_points_trend_test`` values the tested linear trend (``change``:
    improving/flat/worsening, ``slope`` per year over ``trend_first``–``trend_last``), with
    fewer the change from the first to the last value (``trend_delta``).
    """

    indicator_id: str
    item: str
    domain: str
    name_zh: str
    name_en: str
    unit: str
    target_type: str
    target_year: int
    kind: str
    status: str
    basis: str
    rule: str
    reason_key: str
    reason_values: dict = field(default_factory=dict)
    counted: bool = False
    achieved: bool = False
    outlook: str | None = None  # the assessment's forecast status (on_track/at_risk/off_track)
    p_attain: float | None = None
    latest_year: int | None = None
    latest_value: float | None = None
    goal: float | None = None  # the figure the gap is measured to (level, or the band's edge)
    gap: float | None = None
    gap_share: float | None = None
    band_side: str | None = None  # "above" / "below" an about-band
    years_left: int | None = None
    required_per_year: float | None = None
    actual_per_year: float | None = None
    actual_from_year: int | None = None
    lagging: bool = False
    trend_kind: str | None = None  # "tested" / "first_last" / None
    trend_first: int | None = None
    trend_last: int | None = None
    trend_delta: float | None = None
    slope: float | None = None
    change: str | None = None
    warnings: list = field(default_factory=list)
    sensitivity_year: int | None = None  # the flagged year (settings sensitivity.flagged_years)
    status_without_flagged: str | None = None  # this stage's status without that year's value

    @property
    def tone(self) -> str:
        """The colour family of the status (an assessment status: ``achieved`` … )."""
        return TONE.get(self.status, "insufficient_data")

    def status_text(self, lang: str = "zh") -> str:
        return label("verdict_status", self.status, lang)

    def reason(self, lang: str = "zh", number=None) -> str:
        """The reason in ``lang``. ``number(key, value) -> str`` writes its figures (``gap``,
        ``forecast``, ``p``); without it they are written at 6 significant digits (the JSON
        export), a report or the workbench passing the one number formatter."""
        pattern = label("verdict_reason", self.reason_key, lang)
        write = number or (lambda key, value: _plain(value))
        values = {
            k: write(k, v) if isinstance(v, float) else v for k, v in self.reason_values.items()
        }
        try:
            return fill(pattern, **values)
        except (KeyError, IndexError):
            return pattern


@dataclass
class Rate:
    """达标率 of one group (``domain`` None: the whole plan): ``achieved`` of ``counted``."""

    domain: str | None
    achieved: int
    counted: int

    @property
    def rate(self) -> float | None:
        """In % (None without a counted target)."""
        return 100.0 * self.achieved / self.counted if self.counted else None


@dataclass
class Problem:
    """A target that needs action, with why (``kinds``: ``not_met``, ``difficult``, ``at_risk``,
    ``worsening``, ``volatile``, ``falls_back``, ``lagging``, in that order) and its
    :class:`TargetVerdict` numbers."""

    indicator_id: str
    kinds: list
    gap: float | None
    gap_share: float | None
    required_per_year: float | None
    actual_per_year: float | None


@dataclass
class Verdict:
    """The verdict of one plan × geography × stage × data year (see the module docstring).

    ``targets`` in the plan's order; ``rates``: the plan's (``domain`` None) first, then one
    per domain in plan order; ``counts``: statistical targets by status; ``overall``: the key
    of the overall verdict (``labels.yaml`` ``finding``) and ``overall_rule`` why.
    """

    stage: str
    data_year: int
    period: tuple
    targets: list[TargetVerdict]
    rates: list[Rate]
    counts: dict
    overall: str
    overall_rule: str
    problems: list[Problem]
    qualitative: dict
    lagging: list[str]
    no_data: list[str]
    trend_targets: list[str]
    rule_text: dict = field(default_factory=dict)

    def __getitem__(self, indicator_id: str) -> TargetVerdict:
        for t in self.targets:
            if t.indicator_id == indicator_id:
                return t
        raise KeyError(indicator_id)

    @property
    def rate(self) -> Rate:
        """The plan's 达标率."""
        return self.rates[0]

    def domain_rate(self, domain: str) -> Rate:
        for r in self.rates:
            if r.domain == domain:
                return r
        return Rate(domain, 0, 0)

    @property
    def overall_basis(self) -> tuple[int, int]:
        """(off course, judged): the counts the overall verdict's share rule compares."""
        judged, off = judged_and_off(self.targets)
        return len(off), len(judged)

    @property
    def statistical(self) -> list[TargetVerdict]:
        return [t for t in self.targets if t.kind != "qualitative"]

    def to_dict(self, lang_reasons: tuple = ("zh", "en")) -> dict:
        """Plain data for JSON: every field, each target's status words and reason in zh and
        en, the rates with their rate in %."""
        out = asdict(self)
        for rec, t in zip(out["targets"], self.targets, strict=True):
            rec["tone"] = t.tone
            for lang in lang_reasons:
                rec[f"status_{lang}"] = t.status_text(lang)
                rec[f"reason_{lang}"] = t.reason(lang)
        for rec, r in zip(out["rates"], self.rates, strict=True):
            rec["rate"] = r.rate
        out["overall_zh"] = label("finding", self.overall, "zh")
        out["overall_en"] = label("finding", self.overall, "en")
        return out


def _plain(v):
    if isinstance(v, float):
        return f"{v:.6g}"
    return v


# --------------------------------------------------------------------------- facts
def goal_of(r: IndicatorAssessment) -> float | None:
    """The figure the gap is measured to: the level, or the nearest edge of an about-band."""
    x = r.latest_value
    if x is None or r.target_sense not in NUMERIC_SENSES or r.target_level is None:
        return None
    if r.target_sense != "band":
        return float(r.target_level)
    if x < r.band_low:
        return float(r.band_low)
    if x > r.band_high:
        return float(r.band_high)
    return float(x)


def gap_of(r: IndicatorAssessment) -> tuple[float | None, str | None]:
    """(gap of the latest value to the target, 0 when met; side of an about-band)."""
    goal = goal_of(r)
    if goal is None:
        return None, None
    if r.meets(r.latest_value):
        return 0.0, None
    side = None
    if r.target_sense == "band":
        side = "above" if r.latest_value > r.band_high else "below"
    return abs(goal - r.latest_value), side


def _actual_change(r: IndicatorAssessment) -> tuple[float | None, int | None]:
    """Mean change per year from the baseline (or first value) to the latest value."""
    if r.latest_year is None:
        return None, None
    if r.baseline_year is not None and r.baseline_value is not None:
        y0, v0 = r.baseline_year, r.baseline_value
    elif len(r.years) > 1:
        y0, v0 = r.years[0], r.values[0]
    else:
        return None, None
    if r.latest_year <= y0:
        return None, None
    return (r.latest_value - v0) / (r.latest_year - y0), int(y0)


def _trend(r: IndicatorAssessment, min_points: int) -> dict:
    """The change in words: tested trend with ``min_points`` values or more, else first→last."""
    n = len(r.values)
    if n < 2:
        return {}
    first, last = int(r.years[0]), int(r.years[-1])
    if n >= min_points and r.slope is not None:
        return dict(
            trend_kind="tested", trend_first=first, trend_last=last, slope=r.slope, change=r.change
        )
    return dict(
        trend_kind="first_last",
        trend_first=first,
        trend_last=last,
        trend_delta=float(r.values[-1]) - float(r.values[0]),
    )


# --------------------------------------------------------------------------- one target
class _Judge:
    """Decides one target's status for a stage (one method per basis)."""

    def __init__(self, r: IndicatorAssessment, stage: str, data_year: int, period, settings):
        self.r, self.stage, self.data_year, self.period = r, stage, data_year, period
        self.settings = settings
        self.report = settings.get("report", {})

    def base(self, kind: str) -> TargetVerdict:
        r = self.r
        t = TargetVerdict(
            indicator_id=r.indicator_id,
            item=r.item,
            domain=r.domain,
            name_zh=r.name_zh,
            name_en=r.name_en,
            unit=r.unit,
            target_type=r.target_type,
            target_year=int(r.target_year),
            kind=kind,
            status="no_data",
            basis="no_data",
            rule="",
            reason_key="no_data",
            latest_year=r.latest_year,
            latest_value=r.latest_value,
            warnings=list(r.warning_reasons or []),
        )
        min_points = int(self.report.get("min_points_trend_test", 5))
        for k, v in _trend(r, min_points).items():
            setattr(t, k, v)
        return t

    def set(self, t: TargetVerdict, status: str, basis: str, rule: str, key: str, **values):
        t.status, t.basis, t.rule, t.reason_key = status, basis, rule, key
        t.reason_values = {k: v for k, v in values.items() if v is not None}
        return t

    # ----------------------------------------------------------------- entry
    def __call__(self) -> TargetVerdict:
        r = self.r
        if r.target_type == "not_statistical":
            t = self.base("qualitative")
            key = "account" if r.account else "no_account"
            return self.set(t, "qualitative", "account", "qualitative target: written account", key)
        numeric = r.target_sense in NUMERIC_SENSES and r.target_level is not None
        t = self.base("numeric" if numeric else "trend")
        if r.latest_year is None:
            return self.set(t, "no_data", "no_data", "no observation", "no_data")
        if numeric:
            self.numbers(t)
        if r.latest_year < self.period[0]:
            t.lagging = True
            key = "lagging_gap" if t.gap else ("lagging_met" if numeric else "lagging")
            rule = f"latest value {r.latest_year} before the plan period {self.period[0]}"
            return self.set(
                t, "lagging", "lagging", rule, key, year=r.latest_year, gap=t.gap, side=t.band_side
            )
        return self.numeric(t) if numeric else self.trend(t)

    def numbers(self, t: TargetVerdict) -> None:
        r = self.r
        t.goal = goal_of(r)
        t.gap, t.band_side = gap_of(r)
        t.gap_share = t.gap / abs(t.goal) if t.goal else t.gap
        t.actual_per_year, t.actual_from_year = _actual_change(r)
        years_left = int(r.target_year) - int(r.latest_year)
        t.years_left = years_left if years_left > 0 else 0
        if t.gap and years_left > 0:
            t.required_per_year = (t.goal - r.latest_value) / years_left

    # ----------------------------------------------------------------- numeric level
    def numeric(self, t: TargetVerdict) -> TargetVerdict:
        r, T = self.r, int(self.r.target_year)
        t.counted = True
        t.p_attain = r.p_attain
        met_now = bool(r.meets(r.latest_value))
        if r.target_type in YEAR_BOUND and T < self.data_year and T not in r.years:
            t.counted = False
            rule = f"target year {T} past (data year {self.data_year}) without a value of {T}"
            return self.set(t, "no_data", "no_data", rule, "target_year_missing", year=T)
        if r.target_type in YEAR_BOUND and T in r.years:
            return self.target_year(t, met_now)
        if r.target_type in EVERY_YEAR:
            failed = [y for y, v in zip(r.years, r.values, strict=True) if y >= self.period[0]]
            failed = [y for y in failed if not r.meets(r.values[r.years.index(y)])]
            if failed:
                return self.every_year_missed(t, failed)
        t.achieved = met_now
        if self.stage == "annual":
            status = "reached" if met_now else "not_reached"
            key = "latest_met" if met_now else "latest_short"
            rule = f"annual: latest value {r.latest_value:g} ({r.latest_year}) against the target"
            return self.set(t, status, "latest", rule, key, year=r.latest_year, gap=t.gap)
        if met_now:
            early = r.target_type in YEAR_BOUND and self.stage == "midterm"
            status = "met_early" if early else "met"
            rule = f"latest value {r.latest_value:g} ({r.latest_year}) meets the target"
            return self.set(t, status, "latest", rule, "latest_met", year=r.latest_year)
        if r.forecast is not None and r.status in ("on_track", "at_risk", "off_track"):
            return self.forecast(t)
        rule = f"no trend model ({r.model_reason or r.status_rule}): judged on the latest value"
        return self.set(t, "not_met", "latest", rule, "latest_short", year=r.latest_year, gap=t.gap)

    def target_year(self, t: TargetVerdict, met: bool) -> TargetVerdict:
        r, T = self.r, int(self.r.target_year)
        value = r.values[r.years.index(T)]
        t.achieved = met
        rule = f"target year {T} observed: {value:g}"
        if self.stage == "annual":
            status = "reached" if met else "not_reached"
        elif met:
            status = "met"
        elif self.stage == "final":
            share = float(self.report.get("basically_met_share", 0.05))
            level = abs(t.goal or 0.0)
            basic = t.gap is not None and level and t.gap <= share * level
            status = "basically_met" if basic else "missed"
            if basic:
                rule += f"; short by {t.gap:g} <= {share:g} x {level:g} (basically_met_share)"
        else:
            status = "not_met"
        key = "target_year_met" if met else "target_year_short"
        return self.set(t, status, "target_year", rule, key, year=T, gap=t.gap)

    def every_year_missed(self, t: TargetVerdict, failed: list) -> TargetVerdict:
        r = self.r
        t.achieved = False
        final_done = self.stage == "final" and r.latest_year >= int(r.target_year)
        status = {"annual": "not_reached"}.get(self.stage, "missed" if final_done else "not_met")
        if self.stage == "annual" and r.meets(r.latest_value):
            status, t.achieved = "reached", True
        rule = f"every-year target missed in {failed}"
        years = "、".join(str(y) for y in failed)
        return self.set(t, status, "every_year", rule, "every_year_missed", years=years)

    def forecast(self, t: TargetVerdict) -> TargetVerdict:
        r = self.r
        t.outlook = r.status
        if self.stage == "final":
            status = {"on_track": "expect_met", "at_risk": "expect_risk"}.get(
                r.status, "expect_miss"
            )
        else:
            status = "expected" if r.status == "on_track" else "difficult"
        rule = f"forecast for {r.forecast_year}: {r.status_rule}"
        return self.set(
            t,
            status,
            "forecast",
            rule,
            "forecast",
            year=r.forecast_year,
            forecast=r.forecast,
            p=r.p_attain,
        )

    # ----------------------------------------------------------------- trend targets
    def trend(self, t: TargetVerdict) -> TargetVerdict:
        """A target without a level: the assessment's rule; with too few values for it, the
        change from the first to the last value."""
        r = self.r
        t.p_attain = r.p_attain
        status_of = {
            "annual": {"achieved": "reached", "on_track": "reached"},
            "midterm": {"achieved": "met", "on_track": "expected"},
            "final": {"achieved": "met", "on_track": "expect_met", "at_risk": "expect_risk"},
        }[self.stage]
        if r.status in ("achieved", "on_track", "at_risk", "off_track"):
            t.outlook = r.status if r.status != "achieved" else None
            t.achieved = r.status == "achieved"
            observed = r.p_method == "observed"
            miss = {"annual": "not_reached", "midterm": "difficult", "final": "expect_miss"}
            status = status_of.get(r.status) or (
                "not_met" if observed and self.stage != "annual" else miss[self.stage]
            )
            key = "trend_" + r.status
            return self.set(t, status, "trend", r.status_rule, key)
        if t.trend_kind == "first_last" and r.direction in ("increase", "decrease"):
            sign = 1 if r.direction == "increase" else -1
            good = t.trend_delta * sign > 0 or (t.trend_delta == 0 and self.at_bound(sign))
            t.achieved = good
            ok = {"annual": "reached", "midterm": "met", "final": "met"}[self.stage]
            bad = {"annual": "not_reached", "midterm": "not_met", "final": "not_met"}[self.stage]
            rule = f"{len(r.values)} values: change {t.trend_delta:+g} from first to last"
            key = "first_last_good" if good else "first_last_bad"
            return self.set(
                t, ok if good else bad, "trend", rule, key, first=t.trend_first, last=t.trend_last
            )
        rule = f"{len(r.values)} value(s): no direction can be judged ({r.status_rule})"
        return self.set(t, "insufficient", "trend", rule, "too_few", n=len(r.values))

    def at_bound(self, sign: int) -> bool:
        """The value sits at the end of its range the target wants (0 for a fall)."""
        return sign < 0 and all(v == 0 for v in self.r.values)


def _judged(r: IndicatorAssessment, stage: str, data_year: int, period, settings) -> TargetVerdict:
    """One target's verdict, with its status without the flagged year (the assessment's
    sensitivity re-run, ``r.without_flagged``) judged by the same rules."""
    t = _Judge(r, stage, data_year, period, settings)()
    without = getattr(r, "without_flagged", None)
    if without is not None and t.kind != "qualitative":
        t.sensitivity_year = r.sensitivity_year
        t.status_without_flagged = _Judge(without, stage, data_year, period, settings)().status
    return t


# --------------------------------------------------------------------------- the plan
def _problem_kinds(t: TargetVerdict, r: IndicatorAssessment) -> list[str]:
    kinds = []
    if t.status in ("not_met", "not_reached", "missed", "basically_met"):
        kinds.append("not_met")
    elif t.status in ("difficult", "expect_miss", "expect_risk"):
        kinds.append("at_risk" if t.outlook == "at_risk" else "difficult")
    elif t.status == "lagging" and t.gap:
        kinds.append("lagging")
    met = t.status in ACHIEVED or (t.kind == "numeric" and t.gap == 0)
    if not met:
        if r.change == "worsening" and t.trend_kind == "tested":
            kinds.append("worsening")
        if r.volatile:
            kinds.append("volatile")
    if "forecast_falls_back" in (r.warning_reasons or []) and met:
        kinds.append("falls_back")
    return kinds


def judged_and_off(targets: list[TargetVerdict]) -> tuple[list, list]:
    """The statistical targets the overall verdict judges, and those of them off course (not
    met, or forecast off track): the denominator and numerator of its share rule."""
    judged = [t for t in targets if t.kind != "qualitative" and t.status not in NOT_JUDGED]
    return judged, [t for t in judged if t.status in OFF or t.outlook == "off_track"]


def _overall(targets: list[TargetVerdict], stage: str, rate: Rate, report: dict):
    judged, off = judged_and_off(targets)
    if not judged:
        return "verdict_no_data", "no judged statistical target"
    worried = [t for t in judged if t.status in OFF or t.outlook in ("off_track", "at_risk")]
    if stage == "final" and all(t.basis == "target_year" for t in judged if t.counted):
        if rate.rate is None:
            return "verdict_no_data", "no counted target"
        met, basic = report["verdict_final_met_rate"], report["verdict_final_basic_rate"]
        if rate.rate >= 100 * met:
            return "verdict_final_met", f"达标率 {rate.rate:.1f}% >= {met:.0%}"
        if rate.rate >= 100 * basic:
            return "verdict_final_basic", f"达标率 {rate.rate:.1f}% >= {basic:.0%}"
        return "verdict_final_short", f"达标率 {rate.rate:.1f}% < {basic:.0%}"
    if stage == "final":
        if off:
            return "verdict_expect_short", f"{len(off)} judged target(s) not met or off track"
        return "verdict_expect_met", "no judged target off track"
    if not worried:
        return "verdict_smooth", "no judged target off track, at risk or not met"
    share = report["verdict_lagging_off_share"]
    if len(off) >= share * len(judged):
        return "verdict_lagging", f"{len(off)} of {len(judged)} judged off course >= {share:.0%}"
    return "verdict_mostly", f"{len(off)} of {len(judged)} judged off course < {share:.0%}"


def _sort_key(p: Problem):
    share = p.gap_share if p.gap_share is not None and not math.isnan(p.gap_share) else -1.0
    return (-share,)


def judge(
    results: list[IndicatorAssessment],
    stage: str,
    data_year: int,
    period: tuple[int, int],
    settings: dict,
    domains: list[str] | None = None,
) -> Verdict:
    """The verdict of ``results`` (one plan's assessed targets) for ``stage``.

    ``period``: the plan period; ``domains``: the plan's domains (Chinese names) in order
    (default: as they first appear). Raises ``ValueError`` for an unknown stage."""
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {', '.join(STAGES)}, not {stage!r}")
    report = settings.get("report", {})
    targets = [_judged(r, stage, int(data_year), period, settings) for r in results]
    domains = domains or list(dict.fromkeys(r.domain for r in results))
    counted = [t for t in targets if t.counted]
    rates = [Rate(None, sum(t.achieved for t in counted), len(counted))]
    for d in domains:
        dc = [t for t in counted if t.domain == d]
        rates.append(Rate(d, sum(t.achieved for t in dc), len(dc)))
    overall, overall_rule = _overall(targets, stage, rates[0], report)
    problems = []
    for t, r in zip(targets, results, strict=True):
        kinds = _problem_kinds(t, r) if t.kind != "qualitative" else []
        if kinds:
            need = t.required_per_year
            problems.append(
                Problem(t.indicator_id, kinds, t.gap, t.gap_share, need, t.actual_per_year)
            )
    problems.sort(key=_sort_key)
    qual = [r for r in results if r.target_type == "not_statistical"]
    stat = [t for t in targets if t.kind != "qualitative"]
    return Verdict(
        stage=stage,
        data_year=int(data_year),
        period=tuple(period),
        targets=targets,
        rates=rates,
        counts=dict(Counter(t.status for t in stat)),
        overall=overall,
        overall_rule=overall_rule,
        problems=problems,
        qualitative={
            "total": len(qual),
            "with_account": sum(bool(r.account) for r in qual),
            "without_account": sum(not r.account for r in qual),
        },
        lagging=[t.indicator_id for t in targets if t.status == "lagging"],
        no_data=[t.indicator_id for t in targets if t.status == "no_data"],
        trend_targets=[t.indicator_id for t in targets if t.kind == "trend"],
        rule_text={
            "denominator": "targets with a numeric level and a value in the plan period "
            "(a target year already past needs that year's value)",
            "numerator": "counted targets whose latest (or target-year) value meets the target",
            "overall": overall_rule,
        },
    )
