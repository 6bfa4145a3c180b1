"""Assessment settings read from ``data/config/assessment.yaml`` (thresholds live in data)."""

from __future__ import annotations

import copy
import math
from functools import cache
from pathlib import Path

import yaml

from planeval.core.errors import InputError, Problem
from planeval.core.yamlfiles import read_yaml

_REQUIRED = {
    "status": ["on_track_min_p", "off_track_max_p", "min_observations"],
    "forecast": ["levels", "main_level", "tie_margin", "seed"],
    "change": ["alpha"],
    "volatility": ["min_observations", "min_sign_changes", "residual_to_slope", "min_relative_sd"],
    "sensitivity": ["flagged_years"],
}
#: Settings added after the first release: taken from the package copy when a file lacks them.
_OPTIONAL = {
    "forecast": ["n_draws", "rule"],
    "early_warning": ["fall_back_max_p"],
    "calibration": [
        "file",
        "horizon_edges",
        "length_edges",
        "min_errors",
        "min_factor",
        "max_factor",
    ],
    "reliability": ["max_observations_low", "interval_to_distance"],
    "agency": [
        "eurostat_significant_min",
        "eurostat_moderate_min",
        "eurostat_insufficient_min",
        "eurostat_no_target_pct",
        "escap_maintain_min",
        "escap_accelerate_min",
    ],
    "report": [
        "basically_met_share",
        "verdict_lagging_off_share",
        "verdict_final_met_rate",
        "verdict_final_basic_rate",
        "min_points_trend_test",
        "brief_chart_min_points",
        "brief_chart_max_band_share",
    ],
    "targets": ["about_tolerance_points", "about_tolerance_share"],
    "run": ["cell_timeout_seconds", "kernel_start_timeout_seconds"],
    "overview": ["min_rank_denominator", "min_ranked_regions", "max_names_listed"],
    "intake": [
        "publication_lag_years",
        "max_problems_listed",
        "max_sheet_rows",
        "max_sheet_columns",
        "fraction_below",
        "fraction_reference_min",
        "percent_ceilings",
        "history_ratio",
        "history_years",
    ],
}
PACKAGE_DEFAULT = Path(__file__).with_name("assessment_default.yaml")


@cache
def _package_default() -> dict:
    return read_yaml(PACKAGE_DEFAULT)


def _problem(path, en: str, zh: str, fix: str, fix_zh: str) -> Problem:
    return Problem(str(path), en, zh, fix, fix_zh)


def _check_values(raw: dict, path) -> list[Problem]:
    """Range checks: probabilities in (0, 1), thresholds ordered, counts positive integers."""
    problems = []

    def prob(section, key, closed=False):
        v = raw[section][key]
        ok = isinstance(v, int | float) and not isinstance(v, bool)
        ok = ok and ((0 <= v <= 1) if closed else (0 < v < 1))
        if not ok:
            problems.append(
                _problem(
                    path,
                    f"{section}.{key} = {v!r} must be a number in (0, 1)",
                    f"{section}.{key} = {v!r} 应为 0 到 1 之间的数",
                    "write a probability such as 0.75",
                    "填写概率，如 0.75",
                )
            )

    def count(section, key, minimum):
        v = raw[section][key]
        if not isinstance(v, int) or isinstance(v, bool) or v < minimum:
            problems.append(
                _problem(
                    path,
                    f"{section}.{key} = {v!r} must be an integer >= {minimum}",
                    f"{section}.{key} = {v!r} 应为不小于 {minimum} 的整数",
                    f"write a whole number such as {minimum}",
                    f"填写整数，如 {minimum}",
                )
            )

    prob("status", "on_track_min_p")
    prob("status", "off_track_max_p")
    prob("change", "alpha")
    prob("forecast", "main_level")
    prob("early_warning", "fall_back_max_p", closed=True)
    count("status", "min_observations", 3)
    count("volatility", "min_observations", 3)
    count("volatility", "min_sign_changes", 0)
    count("forecast", "n_draws", 100)
    count("run", "cell_timeout_seconds", 1)
    count("run", "kernel_start_timeout_seconds", 1)
    count("overview", "min_rank_denominator", 1)
    count("overview", "min_ranked_regions", 1)
    count("overview", "max_names_listed", 1)
    for key in ("about_tolerance_points", "about_tolerance_share"):
        v = raw["targets"][key]
        if not isinstance(v, int | float) or isinstance(v, bool) or not v > 0:
            problems.append(
                _problem(
                    path,
                    f"targets.{key} = {v!r} must be a positive number",
                    f"targets.{key} = {v!r} 应为正数",
                    "write e.g. about_tolerance_points: 2.0, about_tolerance_share: 0.05",
                    "例如 about_tolerance_points: 2.0、about_tolerance_share: 0.05",
                )
            )
    st = raw["status"]
    if not problems and st["off_track_max_p"] > st["on_track_min_p"]:
        problems.append(
            _problem(
                path,
                "status.off_track_max_p must not exceed status.on_track_min_p",
                "status.off_track_max_p 不得大于 status.on_track_min_p",
                "e.g. off_track_max_p: 0.25, on_track_min_p: 0.75",
                "例如 off_track_max_p: 0.25, on_track_min_p: 0.75",
            )
        )
    levels = raw["forecast"]["levels"]
    if (
        not isinstance(levels, list)
        or not levels
        or not all(isinstance(v, int | float) and 0 < v < 1 for v in levels)
    ):
        problems.append(
            _problem(
                path,
                f"forecast.levels = {levels!r} must be a list of numbers in (0, 1)",
                f"forecast.levels = {levels!r} 应为 0 到 1 之间的数的列表",
                "e.g. levels: [0.80, 0.95]",
                "例如 levels: [0.80, 0.95]",
            )
        )
    years = raw["sensitivity"]["flagged_years"]
    if not isinstance(years, list) or not all(isinstance(y, int) for y in years):
        problems.append(
            _problem(
                path,
                f"sensitivity.flagged_years = {years!r} must be a list of years",
                f"sensitivity.flagged_years = {years!r} 应为年份列表",
                "e.g. flagged_years: [2020]",
                "例如 flagged_years: [2020]",
            )
        )
    agency = raw["agency"]
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in agency.values())
    if not numbers or not (
        agency["eurostat_significant_min"]
        >= agency["eurostat_moderate_min"]
        >= agency["eurostat_insufficient_min"]
    ):
        problems.append(
            _problem(
                path,
                f"agency = {agency!r}: the cut-offs must be numbers, eurostat_significant_min >= "
                "eurostat_moderate_min >= eurostat_insufficient_min",
                "agency 各分界值应为数值，且 eurostat_significant_min ≥ eurostat_moderate_min ≥ "
                "eurostat_insufficient_min",
                "copy the agency section from the shipped data/config/assessment.yaml",
                "从随附的 data/config/assessment.yaml 复制 agency 部分",
            )
        )
    rule = raw["forecast"].get("rule", "default")
    if rule not in ("default", "selection"):
        problems.append(
            _problem(
                path,
                f"forecast.rule = {rule!r} must be 'default' (the drift model) or 'selection'",
                f"forecast.rule = {rule!r} 应为 'default'（漂移模型）或 'selection'",
                "e.g. rule: default",
                "例如 rule: default",
            )
        )
    problems += _intake_problems(raw["intake"], path)
    problems += _calibration_problems(raw["calibration"], path)
    for key in ("tie_margin",):
        v = raw["forecast"][key]
        if not isinstance(v, int | float) or not 0 <= v < 1:
            problems.append(
                _problem(
                    path,
                    f"forecast.{key} = {v!r} must be a number in [0, 1)",
                    f"forecast.{key} = {v!r} 应为 [0, 1) 之间的数",
                    "e.g. tie_margin: 0.10",
                    "例如 tie_margin: 0.10",
                )
            )
    return problems


def _intake_problems(intake: dict, path) -> list[Problem]:
    """The intake section: sheet limits positive integers, the fraction rule and the percent
    ceilings positive numbers (each ceiling at least 100: it raises the 0-100 range)."""

    def number(v):
        return isinstance(v, int | float) and not isinstance(v, bool) and v > 0

    bad = [
        (f"intake.{key}", intake[key], "a whole number above 0", "大于 0 的整数", "50000")
        for key in ("max_sheet_rows", "max_sheet_columns", "max_problems_listed", "history_years")
        if not (number(intake[key]) and isinstance(intake[key], int))
    ]
    bad += [
        (f"intake.{key}", intake[key], "a number above 0", "大于 0 的数", "1.5")
        for key in ("fraction_below", "fraction_reference_min")
        if not number(intake[key])
    ]
    ratio = intake["history_ratio"]
    if not (number(ratio) and ratio > 1) and not (ratio == 0 and not isinstance(ratio, bool)):
        what, what_zh = "0 (off) or a number above 1", "0（关闭）或大于 1 的数"
        bad.append(("intake.history_ratio", ratio, what, what_zh, "5"))
    lag = intake["publication_lag_years"]
    if not (isinstance(lag, int) and not isinstance(lag, bool) and 0 <= lag <= 5):
        key = "intake.publication_lag_years"
        bad.append((key, lag, "a whole number from 0 to 5", "0 至 5 的整数", "1"))
    ceilings = intake["percent_ceilings"]
    if not isinstance(ceilings, dict):
        bad.append(
            ("intake.percent_ceilings", ceilings, "a mapping", "映射", "{gross_enrollment: 200}")
        )
    else:
        bad += [
            (
                f"intake.percent_ceilings.{k}",
                v,
                "a number of at least 100",
                "不小于 100 的数",
                "200",
            )
            for k, v in ceilings.items()
            if not (number(v) and v >= 100)
        ]
    return [
        _problem(
            path,
            f"{key} = {value!r} must be {what}",
            f"{key} = {value!r} 应为{what_zh}",
            f"e.g. {key.rsplit('.', 1)[-1]}: {example}",
            f"例如 {key.rsplit('.', 1)[-1]}: {example}",
        )
        for key, value, what, what_zh, example in bad
    ]


def _finite(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _calibration_problems(cal: dict, path) -> list[Problem]:
    """``calibration``: factor bounds finite with 0 < min_factor <= max_factor, edges ascending
    positive whole numbers, min_errors >= 1, and ``file`` a relative ``.yaml`` path inside the
    data folder (``planeval calibrate`` writes it)."""
    problems = []
    low, high = cal["min_factor"], cal["max_factor"]
    if not (_finite(low) and _finite(high) and 0 < low <= high):
        problems.append(
            _problem(
                path,
                f"calibration.min_factor = {low!r}, max_factor = {high!r}: both must be finite "
                "numbers with 0 < min_factor <= max_factor",
                f"calibration.min_factor = {low!r}，max_factor = {high!r}：两者须为有限数值，"
                "且 0 < min_factor <= max_factor",
                "e.g. min_factor: 1.0, max_factor: 20.0",
                "例如 min_factor: 1.0, max_factor: 20.0",
            )
        )
    for key in ("horizon_edges", "length_edges"):
        edges = cal[key]
        whole = isinstance(edges, list) and edges
        whole = whole and all(isinstance(e, int) and not isinstance(e, bool) for e in edges)
        if not (whole and edges[0] >= 1 and edges == sorted(set(edges))):
            problems.append(
                _problem(
                    path,
                    f"calibration.{key} = {edges!r} must be ascending whole numbers >= 1",
                    f"calibration.{key} = {edges!r} 应为递增的正整数",
                    "e.g. horizon_edges: [1, 2, 3, 5], length_edges: [3, 5]",
                    "例如 horizon_edges: [1, 2, 3, 5]，length_edges: [3, 5]",
                )
            )
    n = cal["min_errors"]
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        problems.append(
            _problem(
                path,
                f"calibration.min_errors = {n!r} must be an integer >= 1",
                f"calibration.min_errors = {n!r} 应为不小于 1 的整数",
                "e.g. min_errors: 20",
                "例如 min_errors: 20",
            )
        )
    file = cal["file"]
    parts = Path(str(file)).parts
    if not (
        isinstance(file, str)
        and file.endswith(".yaml")
        and not Path(file).is_absolute()
        and ".." not in parts
        and "\\" not in file
    ):
        problems.append(
            _problem(
                path,
                f"calibration.file = {file!r} must be a .yaml file inside the data folder "
                "(a relative path without '..')",
                f"calibration.file = {file!r} 应为数据目录内的 .yaml 文件（不含 '..' 的相对路径）",
                "e.g. file: config/calibration.yaml",
                "例如 file: config/calibration.yaml",
            )
        )
    return problems


def load_settings(data_dir: str | Path = "data") -> dict:
    """Settings from ``<data_dir>/config/assessment.yaml``, else the package's copy.

    Settings added after the first release (``forecast.n_draws``,
    ``early_warning.fall_back_max_p``, ``run.cell_timeout_seconds``) are taken from the
    package copy when the file lacks them.
    Raises :class:`InputError` naming each missing or out-of-range key.
    """
    path = Path(data_dir) / "config" / "assessment.yaml"
    if not path.exists():
        path = PACKAGE_DEFAULT
    return _load(path)


def default_settings() -> dict:
    """The package's own settings (``assessment_default.yaml``, a copy of the shipped
    ``data/config/assessment.yaml``)."""
    return _load(PACKAGE_DEFAULT)


def _load(path: Path) -> dict:
    try:
        raw = read_yaml(path) or {}
    except yaml.YAMLError as exc:
        raise InputError(
            _problem(
                path,
                f"not valid YAML ({exc})",
                "不是有效的 YAML 文件",
                "compare with the shipped data/config/assessment.yaml",
                "对照随附的 data/config/assessment.yaml 修改",
            )
        ) from None
    if not isinstance(raw, dict):
        raw = {}
    problems = []
    for section, keys in _REQUIRED.items():
        for key in keys:
            if not isinstance(raw.get(section), dict) or key not in raw[section]:
                problems.append(
                    _problem(
                        path,
                        f"missing setting {section}.{key}",
                        f"缺少设置 {section}.{key}",
                        "copy it from the shipped data/config/assessment.yaml",
                        "从随附的 data/config/assessment.yaml 复制该设置",
                    )
                )
    if problems:
        raise InputError(problems)
    default = _package_default()
    raw = copy.deepcopy(raw)
    for section, keys in _OPTIONAL.items():
        raw.setdefault(section, {})
        for key in keys:
            raw[section].setdefault(key, default[section][key])
    problems = _check_values(raw, path)
    if problems:
        raise InputError(problems)
    raw["_path"] = str(path)
    return raw
