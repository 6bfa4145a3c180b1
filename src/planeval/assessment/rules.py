"""One rule per target type, in a registry: what level a target sets and how its status and
probability of attainment (``p_attain``) are decided.

=====================================  ===========================================================
target type                            rule class
=====================================  ===========================================================
``at_least``, ``count_at_least``       :class:`AtLeastRule` — a level to reach
``at_most``                            :class:`AtMostRule` — a level to get below
``about``                              :class:`AboutRule` — a band ``target ± tolerance``
``relative_change``                    :class:`RelativeChangeRule` — change from the baseline
``maintain_at_least``/``_at_most``     :class:`MaintainLevelRule` — every year on the right side
``maintain``                           :class:`MaintainRule` — no significant worsening
``direction``                          :class:`DirectionRule` — a trend in the desired direction
``trend_slowing``                      :class:`TrendSlowingRule` — an undesired movement slows
``zero_events``                        :class:`ZeroEventsRule` — no event in any year
``not_statistical``                    :class:`QualitativeRule` — from the written account
=====================================  ===========================================================

Common to all (thresholds from the settings' ``status`` section): ``insufficient_data`` without
an observation in the plan period, or when a trend is needed and there are fewer than
``min_observations`` values; otherwise by ``p_attain``: ``on_track`` ≥ ``on_track_min_p`` >
``at_risk`` ≥ ``off_track_max_p`` > ``off_track`` (:func:`status_from_p`). The full text is in
docs/method.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import statsmodels.api as sm

from planeval.assessment.results import IndicatorAssessment
from planeval.assessment.signals import p_slope_sign
from planeval.forecasting import TrendFit
from planeval.plans.catalogue import Target


@dataclass(frozen=True)
class Level:
    """The numeric level of a target: ``level`` and ``sense`` (``>=``, ``<=``, ``band`` or
    None for a target without a level), the band's bounds and a note on how it was derived."""

    level: float | None = None
    sense: str | None = None
    band: tuple[float | None, float | None] = (None, None)
    note: str = ""


@dataclass
class Case:
    """What a rule decides on: the result so far (levels, latest value, change), the series,
    which years fall in the plan period, the selected fit (None without one), the years left
    to the target year, the desired sign, the slope's df, the settings and the plan period."""

    result: IndicatorAssessment
    years: np.ndarray
    values: np.ndarray
    in_period: np.ndarray
    fit: TrendFit | None
    remaining: list[int]
    sign: int
    slope_df: int | None
    level_note: str
    settings: dict
    period: tuple[int, int]

    @property
    def status_settings(self) -> dict:
        return self.settings["status"]

    @property
    def too_short(self) -> str:
        needed = self.status_settings["min_observations"]
        return f"{len(self.values)} observations < {needed} needed for a trend"

    def p_method(self, joint: bool) -> str:
        """How ``p_attain`` was computed with the selected fit."""
        if self.fit is None:
            return ""
        fc = self.settings["forecast"]
        if self.fit.uses_draws or joint:
            return f"share of {int(fc.get('n_draws', 4000))} predictive draws (seed {fc['seed']})"
        return "predictive t distribution on the model scale (closed form)"


@dataclass(frozen=True)
class Decision:
    """Status, probability of attainment (None when not computed), the rule that fired and
    how the probability was computed."""

    status: str = "insufficient_data"
    p: float | None = None
    rule: str = ""
    method: str = ""


def status_from_p(p: float | None, st: dict) -> tuple[str, str]:
    """Status from ``p_attain`` and the ``status`` thresholds, with the rule as text."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "insufficient_data", "no probability of attainment"
    if p >= st["on_track_min_p"]:
        return "on_track", f"p_attain {p:.3f} >= {st['on_track_min_p']}"
    if p < st["off_track_max_p"]:
        return "off_track", f"p_attain {p:.3f} < {st['off_track_max_p']}"
    return "at_risk", f"{st['off_track_max_p']} <= p_attain {p:.3f} < {st['on_track_min_p']}"


class Rule:
    """Base of the rules: no level, nothing decided."""

    types: ClassVar[tuple[str, ...]] = ()
    #: Needs ``min_observations`` values and a linear slope before :meth:`decide` is asked.
    needs_trend: ClassVar[bool] = False
    #: Assessed from the written account, never from data.
    qualitative: ClassVar[bool] = False

    def level(self, target: Target, baseline_value: float | None) -> Level:
        return Level()

    def decide(self, case: Case) -> Decision:
        return Decision(rule=f"unknown target type {case.result.target_type}")


#: Target type → its rule.
RULES: dict[str, Rule] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: file one instance of the rule under each of its ``types``."""
    for target_type in cls.types:
        RULES[target_type] = cls()
    return cls


def rule_for(target_type: str) -> Rule:
    """The rule of ``target_type`` (the base :class:`Rule` for an unknown type)."""
    return RULES.get(target_type, Rule())


def target_level(target: Target, baseline_value: float | None) -> Level:
    """The numeric level of ``target`` (see :class:`Level`)."""
    return rule_for(target.target_type).level(target, baseline_value)


def decide(case: Case) -> Decision:
    """Status and ``p_attain`` of one target: the checks common to every type, then its rule."""
    rule = rule_for(case.result.target_type)
    if not len(case.values):
        decision = Decision(rule="no observation")
    elif not case.in_period.any():
        start, end = case.period
        decision = Decision(rule=f"no observation in the plan period {start}–{end}")
    elif rule.needs_trend and at_floor(case.values[case.in_period], case.sign):
        rule_text = "every value of the plan period is 0: already at the floor a fall can reach"
        decision = Decision("achieved", 1.0, rule_text, "observed")
    elif rule.needs_trend or type(rule) is Rule:
        trend_ok = len(case.values) >= case.status_settings["min_observations"]
        if not trend_ok or case.result.slope is None:
            decision = Decision(rule=case.too_short)
        else:
            decision = rule.decide(case)
    else:
        decision = rule.decide(case)
    if decision.status == "insufficient_data":
        decision = Decision(rule=decision.rule)
    return decision


def target_year_past(a: IndicatorAssessment) -> bool:
    """The target year lies before the data year and has no value: judged on that year's
    value only, never forecast (a 2022 target seen with data to 2024)."""
    T = a.target_year
    return a.data_year is not None and T < a.data_year and T not in a.years


# --------------------------------------------------------------------------- levels
class _LevelRule(Rule):
    """A numeric level in the target year: met when observed; else ``p_attain`` from the
    forecast (achieved already when the latest value meets it)."""

    sense: ClassVar[str] = ">="

    def level(self, target: Target, baseline_value: float | None) -> Level:
        return Level(float(target.target_value), self.sense)

    def probability(self, fit: TrendFit, a: IndicatorAssessment) -> float:
        """P(the target is met in the target year) under ``fit``."""
        T = a.target_year
        if a.target_sense == ">=":
            return fit.prob_at_least(T, a.target_level)
        return fit.prob_at_most(T, a.target_level)

    def target_text(self, a: IndicatorAssessment) -> str:
        return f"{a.target_sense} {a.target_level:g}"

    def decide(self, case: Case) -> Decision:
        a, T = case.result, case.result.target_year
        if a.target_level is None:
            return Decision(rule=f"{a.target_type}: {case.level_note}")
        if T in a.years:
            value_t = a.values[a.years.index(T)]
            met = bool(a.meets(value_t))
            verdict = "meets" if met else "misses"
            rule = f"target year {T} observed: {value_t:g} {verdict} the target"
            return Decision("achieved" if met else "off_track", float(met), rule, "observed")
        if target_year_past(a):
            rule = f"target year {T} past (data year {a.data_year}) without its value"
            return Decision(rule=rule)
        p, method = None, ""
        if case.fit is not None:
            p, method = self.probability(case.fit, a), case.p_method(joint=False)
        if a.meets(a.latest_value):
            rule = f"latest value {a.latest_value:g} ({a.latest_year}) meets {self.target_text(a)}"
            return Decision("achieved", p, rule, method)
        if case.fit is None:
            return Decision(p=p, rule=case.too_short, method=method)
        status, rule = status_from_p(p, case.status_settings)
        return Decision(status, p, rule, method)


@register
class AtLeastRule(_LevelRule):
    """Reach at least the target value (达到…以上; also counts: 数量达到)."""

    types = ("at_least", "count_at_least")


@register
class AtMostRule(_LevelRule):
    """Get down to at most the target value (降至…以下)."""

    types = ("at_most",)
    sense = "<="


@register
class AboutRule(_LevelRule):
    """About the target value (…左右): inside the band ``target ± about_tolerance``; "达到…
    左右" (``direction: increase``) at or above the band's lower edge (``decrease``: at or
    below its upper edge)."""

    types = ("about",)

    def level(self, target: Target, baseline_value: float | None) -> Level:
        tol = target.about_tolerance
        tv = float(target.target_value)
        return Level(tv, "band", (tv - tol, tv + tol), f"band ± {tol:g}")

    def probability(self, fit: TrendFit, a: IndicatorAssessment) -> float:
        T = a.target_year
        if a.direction == "increase":  # 达到…左右: at or above the band's lower edge
            return fit.prob_at_least(T, a.band_low)
        if a.direction == "decrease":
            return fit.prob_at_most(T, a.band_high)
        return max(0.0, fit.prob_at_least(T, a.band_low) - fit.prob_at_least(T, a.band_high))

    def target_text(self, a: IndicatorAssessment) -> str:
        return f"{a.band_low:g}–{a.band_high:g}"


@register
class RelativeChangeRule(_LevelRule):
    """A change from the baseline by ``target_value`` % (较基期变化): the level is
    ``baseline × (1 + target_value / 100)``, to reach from below (a rise) or above (a fall)."""

    types = ("relative_change",)

    def level(self, target: Target, baseline_value: float | None) -> Level:
        if baseline_value is None:
            return Level(note="no baseline value for the relative change")
        level = baseline_value * (1 + target.target_value / 100.0)
        falls = target.target_value < 0 or (
            target.target_value == 0 and target.direction == "decrease"
        )
        note = f"{baseline_value:g} × (1 {target.target_value:+g} %) = {level:.6g}"
        return Level(level, "<=" if falls else ">=", note=note)


# --------------------------------------------------------------------------- every year
@register
class MaintainLevelRule(Rule):
    """Keep the value on the right side of the target every year (保持在…以上/以下): missed in
    an observed year is off track; else achieved, with ``p_attain`` = P(every remaining year
    meets it) from joint predictive draws."""

    types = ("maintain_at_least", "maintain_at_most")

    def level(self, target: Target, baseline_value: float | None) -> Level:
        sense = ">=" if target.target_type == "maintain_at_least" else "<="
        return Level(float(target.target_value), sense)

    def decide(self, case: Case) -> Decision:
        a, years, values, inside = case.result, case.years, case.values, case.in_period
        pairs = zip(years[inside], values[inside], strict=True)
        failing = [int(y) for y, v in pairs if not a.meets(float(v))]
        if failing:
            rule = f"maintain target missed in observed year(s) {failing}"
            return Decision("off_track", 0.0, rule, "observed")
        rule = "every observed year of the plan period meets the target"
        remaining, fit, level = case.remaining, case.fit, a.target_level
        if not remaining:
            return Decision("achieved", 1.0, rule, "observed (target year reached)")
        if fit is None:
            return Decision("achieved", None, rule, "")
        if len(remaining) > 1:
            draws = fit.draws(remaining)
            ok = draws >= level if a.target_sense == ">=" else draws <= level
            p = float(np.mean(ok.all(axis=1)))
        elif a.target_sense == ">=":
            p = fit.prob_at_least(a.target_year, level)
        else:
            p = fit.prob_at_most(a.target_year, level)
        method = (
            case.p_method(joint=len(remaining) > 1)
            + f"; every remaining year {remaining[0]}–{remaining[-1]} jointly"
        )
        return Decision("achieved", p, rule, method)


@register
class ZeroEventsRule(Rule):
    """No event in any year (不发生): an event observed is off track; else achieved, with
    ``p_attain`` = P(no event in the remaining years)."""

    types = ("zero_events",)

    def decide(self, case: Case) -> Decision:
        years, values, inside = case.years, case.values, case.in_period
        bad = [int(y) for y, v in zip(years[inside], values[inside], strict=True) if v > 0]
        if bad:
            return Decision("off_track", 0.0, f"events observed in {bad}", "observed")
        k = len(case.remaining)
        p = p_zero_events(len(values), float(values.sum()), k)
        method = (
            f"Poisson–gamma predictive (Jeffreys prior): P(no event in {k} "
            f"remaining years | {values.sum():g} events in {len(values)} years)"
        )
        return Decision("achieved", p, "no event in any observed year of the plan period", method)


def p_zero_events(n_years: int, total_events: float, k_remaining: int) -> float:
    """P(no event in ``k_remaining`` more years): Poisson counts with a Jeffreys prior on the
    yearly rate, posterior Gamma(0.5 + S, n); predictive P(0) = (n / (n + k)) ** (0.5 + S)."""
    if k_remaining <= 0:
        return 1.0
    return float((n_years / (n_years + k_remaining)) ** (0.5 + total_events))


# --------------------------------------------------------------------------- trends
@register
class DirectionRule(Rule):
    """A trend in the desired direction (趋势目标): achieved with a significant trend that
    way; else by P(the slope has the desired sign)."""

    types = ("direction",)
    needs_trend = True

    def decide(self, case: Case) -> Decision:
        a, sign = case.result, case.sign
        if sign == 0:
            return Decision("not_assessed", None, "direction target without a direction")
        p = p_slope_sign(a.slope, a.slope_se, case.slope_df, sign)
        method = "P(slope has the desired sign): t distribution of the OLS slope"
        alpha = case.settings["change"]["alpha"]
        if a.change == "improving":
            rule = f"significant trend in the desired direction (p = {a.slope_p:.3g} < {alpha})"
            return Decision("achieved", p, rule, method)
        status, rule = status_from_p(p, case.status_settings)
        return Decision(status, p, "P(trend in the desired direction): " + rule, method)


def at_floor(values, sign: int) -> bool:
    """A fall is wanted and every value is already 0 (nothing left to fall)."""
    return sign < 0 and len(values) > 0 and bool(np.all(np.asarray(values, float) == 0))


@register
class TrendSlowingRule(Rule):
    """An undesired movement slows (上升趋势减缓): achieved when it has reversed or its
    curvature (quadratic trend) has the slowing sign significantly; else by P(slowing)."""

    types = ("trend_slowing",)
    needs_trend = True

    def decide(self, case: Case) -> Decision:
        a, sign = case.result, case.sign
        alpha = case.settings["change"]["alpha"]
        if a.change == "improving":
            rule = (
                "the undesired movement has reversed (significant trend in the desired direction)"
            )
            p = p_slope_sign(a.slope, a.slope_se, case.slope_df, sign)
            return Decision("achieved", p, rule, "slope t distribution")
        sign_of_rise = -sign if sign else 1
        p, curv = p_trend_slowing(case.years, case.values, sign_of_rise)
        method = "P(curvature of a quadratic trend has the slowing sign): t distribution"
        if p is None:
            return Decision(rule=curv)
        if p >= 1 - alpha / 2:
            rule = f"significant slowing: P(slowing) {p:.3f} >= {1 - alpha / 2:g}; {curv}"
            return Decision("achieved", p, rule, method)
        status, rule = status_from_p(p, case.status_settings)
        return Decision(status, p, f"{rule}; {curv}", method)


def p_trend_slowing(years, values, sign_of_rise: int) -> tuple[float | None, str]:
    """P(the undesired movement slows): quadratic OLS ``y = a + b t + c t²``; a rise slows when
    ``c < 0`` (a fall slows when ``c > 0``). Needs at least 4 observations."""
    if len(values) < 4:
        return None, "trend_slowing needs at least 4 observations"
    t = np.asarray(years, float) - years[0]
    x = np.column_stack([np.ones_like(t), t, t**2])
    res = sm.OLS(np.asarray(values, float), x).fit()
    c, se = float(res.params[2]), float(res.bse[2])
    p = p_slope_sign(c, se, int(res.df_resid), -1 if sign_of_rise > 0 else 1)
    return p, f"curvature {c:.3g} (se {se:.3g}, df {int(res.df_resid)})"


@register
class MaintainRule(Rule):
    """Maintain (保持) without a level: off track with a significant worsening trend (at risk
    with a significant change when no direction is wanted); else achieved."""

    types = ("maintain",)
    needs_trend = True

    def decide(self, case: Case) -> Decision:
        a, sign = case.result, case.sign
        alpha = case.settings["change"]["alpha"]
        if sign:
            p = 1.0 - p_slope_sign(a.slope, a.slope_se, case.slope_df, -sign)
            method = "P(slope not in the worsening direction): t distribution of the OLS slope"
            if a.change == "worsening":
                rule = f"significant worsening trend (p = {a.slope_p:.3g})"
                return Decision("off_track", p, rule, method)
            return Decision("achieved", p, "no significant worsening trend", method)
        if a.slope_p < alpha:
            rule = f"significant change away from the level (p = {a.slope_p:.3g})"
            return Decision("at_risk", None, rule)
        return Decision("achieved", None, "no significant change of the level")


@register
class QualitativeRule(Rule):
    """A non-statistical target (非统计目标): not assessed from data; the department's written
    account decides."""

    types = ("not_statistical",)
    qualitative = True

    def decide(self, case: Case) -> Decision:
        rule = "not_statistical: assessed from the department's written account"
        return Decision("not_assessed", None, rule)
