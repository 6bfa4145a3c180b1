"""Words and numbers of the workbench: the language option, column headings, number and
interval formatting, the target in words, and the settings a result quotes."""

from __future__ import annotations

import math
from pathlib import Path

from planeval.assessment.assess import IndicatorAssessment
from planeval.core.errors import InputError, Problem
from planeval.core.labels import label
from planeval.core.settings import default_settings, load_settings

_OPTIONS = {"lang": "zh"}


TEXT = {
    "indicator": ("指标", "Indicator"),
    "status": ("状态", "Status"),
    "target": ("目标", "Target"),
    "baseline": ("基期值", "Baseline"),
    "latest": ("最新值", "Latest value"),
    "n_obs": ("观测数", "Observations"),
    "model": ("趋势模型", "Trend model"),
    "forecast": ("预测值", "Forecast"),
    "pi80": ("80% 预测区间", "80% prediction interval"),
    "pi95": ("95% 预测区间", "95% prediction interval"),
    "p_attain": ("达标概率", "P(attain)"),
    "rule": ("判定依据", "Rule applied"),
    "change": ("变化趋势", "Change"),
    "warning": ("预警", "Early warning"),
    "cv": ("交叉验证误差", "CV error"),
    "with": ("含 {year} 年", "with {year}"),
    "without": ("剔除 {year} 年", "without {year}"),
    "geography": ("地区", "Geography"),
    "no": ("否", "no"),
}


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
    zh, en = TEXT[key]
    return (en if _lang(lang) == "en" else zh).format(**kw)


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _num(x, unit: str = "", digits: int = 4) -> str:
    if _missing(x):
        return "—"
    text = f"{x:.{digits}g}"
    if unit in ("%", "‰"):
        return text + unit
    if unit == "1/10万":
        return text + "/10万"
    return f"{text} {unit}".strip()


def _interval(lo, hi, unit: str = "") -> str:
    if _missing(lo) or _missing(hi):
        return "—"
    return f"{_num(lo)} – {_num(hi, unit)}"


def _p(p) -> str:
    return "—" if _missing(p) else f"{p:.2f}"


def _name(r: IndicatorAssessment, lang: str | None = None) -> str:
    return r.name_en if _lang(lang) == "en" else r.name_zh


def target_text(r: IndicatorAssessment, lang: str | None = None) -> str:
    """The target in words (``≥ 99%``, ``每年 ≥ 95%``, ``约 45% ± 2``, ``−20% vs 2020``...)."""
    lang = _lang(lang)
    tt = r.target_type
    v = _num(r.target_value, r.unit)
    every = "每年 " if lang == "zh" else "every year "
    texts = {
        "at_least": f"≥ {v}",
        "count_at_least": f"≥ {v}",
        "at_most": f"≤ {v}",
        "maintain_at_least": f"{every}≥ {v}",
        "maintain_at_most": f"{every}≤ {v}",
    }
    if tt in texts:
        return texts[tt]
    if tt == "about" and r.band_low is not None:
        band = _interval(r.band_low, r.band_high, r.unit)
        return f"{'约' if lang == 'zh' else 'about'} {v} ({band})"
    if tt == "relative_change":
        level = f" → {_num(r.target_level, r.unit)}" if r.target_level is not None else ""
        return f"{r.target_value:+g}% vs {r.baseline_year or '?'}{level}"
    return label("target_type", tt, lang)


def _settings(settings: dict | None, data_dir: str | Path | None) -> dict:
    """``settings`` if given, else ``data_dir``'s ``config/assessment.yaml``, else the package's
    copy (``assessment_default.yaml``: the same thresholds as the shipped data)."""
    if settings is not None:
        return settings
    if data_dir is None:
        return default_settings()
    return load_settings(data_dir)
