"""Assessment settings read from ``data/config/assessment.yaml`` (thresholds live in data)."""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import InputError, Problem

_REQUIRED = {
    "status": ["on_track_min_p", "off_track_max_p", "min_observations"],
    "forecast": ["levels", "main_level", "tie_margin", "seed"],
    "change": ["alpha"],
    "volatility": ["min_observations", "min_sign_changes", "residual_to_slope", "min_relative_sd"],
    "sensitivity": ["flagged_years"],
}
PACKAGE_DEFAULT = Path(__file__).with_name("assessment_default.yaml")


def load_settings(data_dir: str | Path = "data") -> dict:
    """Settings from ``<data_dir>/config/assessment.yaml``, else the package's copy.

    Raises :class:`InputError` naming the missing key.
    """
    path = Path(data_dir) / "config" / "assessment.yaml"
    if not path.exists():
        path = PACKAGE_DEFAULT
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    problems = []
    for section, keys in _REQUIRED.items():
        for key in keys:
            if key not in raw.get(section, {}):
                problems.append(Problem(str(path), f"missing setting {section}.{key}", f"缺少设置 {section}.{key}",
                                        "copy it from the shipped data/config/assessment.yaml"))
    if problems:
        raise InputError(problems)
    raw["_path"] = str(path)
    return raw
