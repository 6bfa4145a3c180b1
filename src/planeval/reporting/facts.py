"""Facts about one assessed indicator that reports state: decimals, observed values, the
mid-term path position, the gap to the target and the direction of a change.

Every function reads an :class:`~planeval.assessment.assess.IndicatorAssessment` and returns
numbers in the indicator's unit (or machine words); nothing here is worded or formatted.
"""

from __future__ import annotations

from planeval.assessment.assess import IndicatorAssessment
from planeval.assessment.verdict import gap_of
from planeval.reporting.formatting import decimals_for, is_missing

NUMERIC_SENSES = (">=", "<=", "band")


def field_of(r: IndicatorAssessment, name: str, default=None):
    """A field of ``r`` read defensively (the assessment is being extended in parallel)."""
    return getattr(r, name, default)


def row_decimals(r: IndicatorAssessment) -> int:
    """Decimals used for every number of one indicator's row."""
    return decimals_for(r.unit, list(r.values) + [r.target_value, r.baseline_value])


def observed(r: IndicatorAssessment) -> dict[int, float]:
    """``{year: value}`` of the observations used for ``r``."""
    return {int(y): float(v) for y, v in zip(r.years, r.values, strict=True)}


def value_in(r: IndicatorAssessment, year: int) -> float | None:
    """The observed value of ``r`` in ``year`` (None when not observed)."""
    return observed(r).get(year)


def name_of(r, lang: str) -> str:
    """The indicator's name in ``lang``."""
    return r.name_en if lang == "en" else r.name_zh


def is_statistical(r: IndicatorAssessment) -> bool:
    """True for a target measured by a yearly number (not a department's written account)."""
    return r.target_type != "not_statistical"


#: Words of an indicator id that make its value a women's figure or a gap between the sexes:
#: such an indicator has no female and male rows to compare (``female_share_employed``).
SEX_SPECIFIC_WORDS = ("female", "women", "woman", "gender", "maternal", "maternity")


def asks_sex_rows(r: IndicatorAssessment) -> bool:
    """True for a sex-disaggregated indicator whose female and male values can be compared:
    the plan asks for it by sex and its value is not itself a women's figure or a gap."""
    words = set(r.indicator_id.lower().split("_"))
    return bool(field_of(r, "sex_disaggregated")) and not words & set(SEX_SPECIFIC_WORDS)


def path_of(r: IndicatorAssessment) -> tuple[str | None, float | None]:
    """Mid-term path position (``ahead``/``behind``) and the path value in the latest year;
    ``(None, None)`` when there is none or the latest value is the baseline itself (a position
    needs at least one observation after the base year)."""
    pos, value = field_of(r, "path_position"), field_of(r, "path_value")
    base = r.baseline_year
    if not pos or r.latest_year is None or (base is not None and r.latest_year <= base):
        return None, None
    return pos, value


def gap_to_target(r: IndicatorAssessment) -> float | None:
    """How far the latest value is from meeting a numeric target (0 when met), in the unit:
    the verdict's gap (:func:`planeval.assessment.verdict.gap_of`; to the nearest edge of an
    about-band). None without a numeric target or a latest value."""
    return gap_of(r)[0]


def change_word(r: IndicatorAssessment, before, after, decimals: int) -> str | None:
    """``better`` / ``worse`` / ``same`` for a move from ``before`` to ``after`` given the
    indicator's direction (``about`` targets: closer to the target value is better); None when
    the direction is unknown. Equal at the shown decimals counts as ``same``."""
    if is_missing(before) or is_missing(after):
        return None
    a, b = round(float(before), decimals), round(float(after), decimals)
    if a == b:
        return "same"
    if r.direction == "increase":
        return "better" if b > a else "worse"
    if r.direction == "decrease":
        return "better" if b < a else "worse"
    if r.target_type == "about" and not is_missing(r.target_value):
        return "better" if abs(b - r.target_value) < abs(a - r.target_value) else "worse"
    return None
