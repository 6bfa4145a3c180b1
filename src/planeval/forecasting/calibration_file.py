"""The calibration settings file: written by ``planeval calibrate``, read by the assessment.

A versioned YAML file (``version``, :data:`calibration.FORMAT_VERSION`) with its provenance —
when and by which planeval version it was made, from which observation files (SHA-256 of each)
and with which settings — and one table of spread factors per cut-off year
(:mod:`calibration`). The file is settings, not output: review a change to it as you would a
change to ``assessment.yaml``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from pathlib import Path

import yaml

from planeval.core.errors import InputError, Problem
from planeval.core.files import atomic_write_text
from planeval.core.version import __version__
from planeval.core.yamlfiles import read_yaml
from planeval.forecasting.calibration import (
    FORMAT_VERSION,
    Calibration,
    estimate_tables,
    table_from_dict,
    table_to_dict,
)
from planeval.forecasting.panel import PIT_CLIP, panel_forecasts, shipped_series

METHOD = (
    "Rolling-origin forecasts of every shipped series (sex total) by the model the assessment "
    "uses (forecast.rule); each scored by its PIT under the model's own predictive "
    f"distribution (clipped to [{PIT_CLIP}, {1 - PIT_CLIP}]) turned into a t(df) error; per "
    "cell of horizon × number of "
    "values the maximum-likelihood scale of those errors widens the predictive distribution, "
    "never below 1 (calibration.min_factor; docs/method.md, 'Calibration')."
)
HONESTY = (
    "Each table uses only errors of observations made by its cut-off year; a series whose last "
    "value is of year L uses the table of the latest cut-off <= L (and <= the data year)."
)


def _digests(data_dir: Path) -> dict:
    """SHA-256 of every observation file (path relative to the data folder)."""
    root = data_dir / "observations"
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return {str(p.relative_to(data_dir)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def calibration_document(data_dir: str | Path, settings: dict) -> dict:
    """The content of a new calibration file from the shipped series of ``data_dir``."""
    data_dir = Path(data_dir)
    cfg = settings["calibration"]
    series = shipped_series(data_dir)
    panel = panel_forecasts(series, settings["forecast"])
    tables = estimate_tables(panel, cfg)
    return {
        "version": FORMAT_VERSION,
        "kind": "planeval-calibration",
        "provenance": {
            "created_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "planeval_version": __version__,
            "command": "planeval calibrate",
            "method": METHOD,
            "honesty": HONESTY,
            "series": len(series),
            "series_with_forecasts": len({f.series_id for f in panel}),
            "forecasts": len(panel),
            "observation_files_sha256": _digests(data_dir),
            "settings": {
                "calibration": {k: v for k, v in cfg.items() if k != "file"},
                "forecast": {
                    k: settings["forecast"].get(k, "default")
                    for k in ("rule", "tie_margin", "main_level")
                },
            },
        },
        "horizon_edges": list(cfg["horizon_edges"]),
        "length_edges": list(cfg["length_edges"]),
        "tables": [table_to_dict(t) for t in tables],
    }


def write_calibration(path: str | Path, document: dict) -> Path:
    """Write ``document`` to ``path`` atomically (the old file stays if writing fails)."""
    header = (
        "# Spread factors of the trend models' predictive distributions, from the panel of\n"
        "# out-of-sample errors. Written by `planeval calibrate`; do not edit by hand.\n"
    )
    text = header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    atomic_write_text(path, text)
    return Path(path)


def _bad(path: Path, what: str) -> InputError:
    return InputError(
        Problem(
            str(path),
            f"not a planeval calibration file ({what})",
            f"不是有效的 planeval 校准文件（{what}）",
            "rebuild it with `planeval calibrate --data-dir <data folder>`",
            "请运行 `planeval calibrate --data-dir <数据目录>` 重新生成",
        )
    )


def _factor_problems(path: Path, raw: dict) -> list[Problem]:
    """One problem per spread factor that is not a finite number > 0 (a factor of -1 gives
    zero-width intervals, NaN blank ones: both would be used silently), naming its key."""
    problems = []
    tables = raw.get("tables") if isinstance(raw.get("tables"), list) else []
    for i, table in enumerate(tables):
        cells = table.get("cells") if isinstance(table, dict) else None
        for j, cell in enumerate(cells if isinstance(cells, list) else []):
            value = cell.get("factor") if isinstance(cell, dict) else None
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = math.nan
            ok = not isinstance(value, bool) and math.isfinite(number) and number > 0
            if not ok:
                key = f"tables[{i}].cells[{j}].factor"
                cutoff = table.get("cutoff")
                problems.append(
                    Problem(
                        str(path),
                        f"{key} (cut-off {cutoff}) is {value!r}: a spread factor must be a "
                        "finite number greater than 0",
                        f"{key}（截止年份 {cutoff}）为 {value!r}：离散系数须为大于 0 的有限数值",
                        "rebuild the file with `planeval calibrate --data-dir <data folder>` "
                        "(do not edit it by hand)",
                        "请运行 `planeval calibrate --data-dir <数据目录>` 重新生成（勿手工修改）",
                        column=key,
                        code="calibration",
                    )
                )
    return problems


def load_calibration(path: str | Path) -> Calibration | None:
    """The calibration in ``path`` (parsed once per process while the file is unchanged);
    None when there is no such file (the models' own intervals are used then).

    Raises :class:`InputError` naming the file for a file of another version or shape, and
    the file and key of every spread factor that is not a finite number > 0."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        raw = read_yaml(path)
    except yaml.YAMLError:
        raise _bad(path, "not valid YAML") from None
    if not isinstance(raw, dict) or raw.get("version") != FORMAT_VERSION:
        found = raw.get("version") if isinstance(raw, dict) else None
        raise _bad(path, f"version {found!r}, expected {FORMAT_VERSION}")
    problems = _factor_problems(path, raw)
    if problems:
        raise InputError(problems)
    try:
        edges = raw["horizon_edges"], raw["length_edges"]
        tables = [table_from_dict(t, *edges) for t in raw["tables"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise _bad(path, f"missing or malformed {exc}") from None
    return Calibration({t.cutoff: t for t in tables}, raw.get("provenance") or {})


def calibrate(data_dir: str | Path, settings: dict) -> Path:
    """Rebuild the calibration file of ``data_dir`` (``settings.calibration.file``) from its
    observations; returns the path written."""
    path = Path(data_dir) / settings["calibration"]["file"]
    return write_calibration(path, calibration_document(data_dir, settings))
