"""A target in words: the one wording of reports, catalogue pages and the workbench.

:func:`target_text` reads the target fields shared by a plan's
:class:`~planeval.plans.catalogue.Target` and an assessment's
:class:`~planeval.assessment.assess.IndicatorAssessment` (``target_type``, ``target_value``,
``unit``, ``direction``, ``baseline_year``, ``target_year``; the band from ``band_low`` /
``band_high`` or ``about_tolerance``; the level of a relative target from ``target_level``).
Words come from ``labels.yaml``.
"""

from __future__ import annotations

from planeval.core.labels import label, text
from planeval.reporting.formatting import fmt_num, is_missing, shortest, unit_text

#: Target types whose wording is a comparison with one figure.
_COMPARISONS = {
    "at_least": "≥",
    "count_at_least": "≥",
    "at_most": "≤",
}
_EVERY_YEAR = {"maintain_at_least": "≥", "maintain_at_most": "≤"}
#: Target types judged in the target year (their wording can carry the year).
_IN_TARGET_YEAR = ("at_least", "count_at_least", "at_most", "about", "relative_change")


def _tolerance(target) -> float | None:
    low, high = getattr(target, "band_low", None), getattr(target, "band_high", None)
    if not is_missing(low) and not is_missing(high):
        return (high - low) / 2
    tol = getattr(target, "about_tolerance", None)
    return None if is_missing(tol) else float(tol)


def target_text(
    target,
    lang: str = "zh",
    *,
    decimals: int | None = None,
    with_unit: bool = False,
    base_year: int | None = None,
    with_year: bool = False,
) -> str:
    """The target in words: ``≥ 90.0``, ``≤ 6.0‰``, ``每年 ≥ 99.0``, ``约 45.0 ± 2.0``,
    ``较2020年 -20% (≤ 4.1)``, or the wording of a target without a number (``提高``).

    ``decimals``: decimals of the figures (None: the shortest form, ``95``, ``99.33``);
    ``with_unit``: the unit after the figure; ``base_year``: the base year of a relative
    target (default the target's ``baseline_year``); ``with_year``: `` (2025)`` after a target
    judged in its target year.
    """

    def num(value) -> str:
        return shortest(value) if decimals is None else fmt_num(value, decimals)

    tt = target.target_type
    figure = num(target.target_value) if not is_missing(target.target_value) else ""
    u = unit_text(target.unit, lang, figure) if with_unit else ""
    value = figure + u if figure else ""
    if tt in _COMPARISONS:
        out = f"{_COMPARISONS[tt]} {value}"
    elif tt in _EVERY_YEAR:
        out = f"{text('every_year', lang)} {_EVERY_YEAR[tt]} {value}"
    elif tt == "about":
        tol = _tolerance(target)
        out = f"{text('about', lang)} {value}" + (f" ± {num(tol)}" if tol is not None else "")
    elif tt == "relative_change":
        year = base_year or target.baseline_year
        vs = text("vs_base", lang, year=year) if year else ""
        out = f"{vs} {target.target_value:+g}%".strip()
        level = getattr(target, "target_level", None)
        if not is_missing(level):
            sign = "≤" if (target.target_value or 0) < 0 else "≥"
            out += f" ({sign} {num(level)}{u})"
    elif tt == "direction":
        out = label("direction", target.direction, lang)
    else:
        out = label("target_type", tt, lang)
    if with_year and tt in _IN_TARGET_YEAR:
        out += f" ({target.target_year})"
    return out


def target_words(target, lang: str = "zh") -> str:
    """The target as the written findings say it, without symbols: ``降至6‰以下``,
    ``达到95%以上``, ``每年保持在99%以上``, ``保持在45%左右``, ``比2020年降低20%`` (patterns in
    ``labels.yaml``, group ``target_words``); a target without a figure as
    :func:`target_text` words it (``提高``)."""
    tt = target.target_type
    if is_missing(target.target_value):
        return target_text(target, lang)
    figure = shortest(target.target_value)
    value = figure + unit_text(target.unit, lang, figure)
    if tt in ("at_least", "count_at_least"):
        key = "at_least"
    elif tt == "at_most":
        key = "at_most_down" if getattr(target, "direction", "") == "decrease" else "at_most"
    elif tt == "about" and _tolerance(target):
        tol = _tolerance(target)
        low, high = (shortest(target.target_value + k * tol) for k in (-1, 1))
        u = unit_text(target.unit, lang)
        # "达到…左右" is met at or above the band's lower edge (and a fall, at or below its top)
        side = {"increase": "about_up", "decrease": "about_down"}
        key = side.get(getattr(target, "direction", ""), "about_band")
        return label("target_words", key, lang).format(value=value, low=low + u, high=high + u)
    elif tt in ("maintain_at_least", "maintain_at_most", "about"):
        key = tt
    elif tt == "relative_change":
        key = "relative_down" if target.target_value < 0 else "relative_up"
        return label("target_words", key, lang).format(
            year=target.baseline_year, pct=shortest(abs(target.target_value))
        )
    else:
        return target_text(target, lang, with_unit=True)
    return label("target_words", key, lang).format(value=value)
