"""Words and numbers of the workbench: the language option, column headings, number and
interval formatting, the target in words, and the settings a result quotes."""

from __future__ import annotations

from pathlib import Path

from planeval.assessment.assess import IndicatorAssessment
from planeval.core.errors import InputError, Problem
from planeval.core.labels import label
from planeval.core.settings import default_settings, load_settings
from planeval.reporting import wording
from planeval.reporting.formatting import (
    MISSING,
    decimals_for,
    fmt_interval,
    fmt_num,
    fmt_p,
    fmt_value,
    is_missing,
    unit_text,
)

_OPTIONS = {"lang": "zh"}


def set_lang(lang: str) -> None:
    """Language of tables, sentences and charts of this module: ``"zh"`` or ``"en"``.

    Raises :class:`~planeval.core.errors.InputError` for any other value.
    """
    if lang not in ("zh", "en"):
        raise InputError(
            Problem(
                "set_lang",
                f"unknown language '{lang}'",
                f"未知语言 '{lang}'",
                "use zh or en",
                "请用 zh 或 en",
            )
        )
    _OPTIONS["lang"] = lang


def get_lang() -> str:
    return _OPTIONS["lang"]


def _lang(lang: str | None) -> str:
    return lang if lang in ("zh", "en") else _OPTIONS["lang"]


def _t(key: str, lang: str | None = None, **kw) -> str:
    """A heading of the workbench (group ``explore`` of ``labels.yaml``), placeholders filled."""
    return label("explore", key, _lang(lang)).format(**kw)


def _missing(x) -> bool:
    return is_missing(x)


def _decimals(x, unit: str) -> int:
    """Decimals of a single figure as the reports show the indicator's (at most 2)."""
    return decimals_for(unit, [x])


def _num(x, unit: str = "", lang: str | None = None) -> str:
    """A figure with its unit, formatted by the reports' formatter (``92.43%``, ``5.2‰``)."""
    return fmt_value(x, unit, _decimals(x, unit), _lang(lang))


def _interval(lo, hi, unit: str = "", lang: str | None = None) -> str:
    """``91.45–93.31%``; ``—`` when an end is missing."""
    if is_missing(lo) or is_missing(hi):
        return MISSING
    d = max(_decimals(lo, unit), _decimals(hi, unit))
    return fmt_interval(lo, hi, d) + unit_text(unit, _lang(lang))


def _p(p) -> str:
    return fmt_p(p)


def _gap(x, unit: str = "", lang: str | None = None) -> str:
    """A difference of two values of the unit: ``11.2个百分点`` (%), ``0.2个千分点`` (‰),
    else the figure with its unit."""
    word = label("points", unit, _lang(lang))
    if word == unit:
        return _num(x, unit, lang)
    return fmt_num(x, _decimals(x, unit)) + word


def _reason(t, unit: str, lang: str | None = None) -> str:
    """A verdict's reason with its figures through the one formatter."""

    def number(key, value):
        if key == "p":
            return _p(value)
        return _gap(value, unit, lang) if key == "gap" else _num(value, unit, lang)

    return t.reason(_lang(lang), number)


def _name(r: IndicatorAssessment, lang: str | None = None) -> str:
    return r.name_en if _lang(lang) == "en" else r.name_zh


def target_text(r: IndicatorAssessment, lang: str | None = None) -> str:
    """The target in words, as reports and catalogue pages write it
    (:func:`planeval.reporting.wording.target_text`, with the unit): ``≥ 99%``, ``每年 ≥ 95%``."""
    return wording.target_text(r, _lang(lang), with_unit=True)


def _settings(settings: dict | None, data_dir: str | Path | None) -> dict:
    """``settings`` if given, else ``data_dir``'s ``config/assessment.yaml``, else the package's
    copy (``assessment_default.yaml``: the same thresholds as the shipped data)."""
    if settings is not None:
        return settings
    if data_dir is None:
        return default_settings()
    return load_settings(data_dir)
