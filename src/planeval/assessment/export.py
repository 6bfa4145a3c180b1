"""The text ``planeval assess`` prints: CSV (rounded, one row per target) and JSON (every field
at full precision, the audit included)."""

from __future__ import annotations

import json
import math
from dataclasses import asdict

import numpy as np
import pandas as pd

from planeval.assessment.results import ASSESS_COLUMNS, Assessment
from planeval.core.cells import csv_text

#: Columns the CSV of ``planeval assess`` prints after :data:`ASSESS_COLUMNS`.
CSV_EXTRA_COLUMNS = [
    "unit",
    "target_type",
    "target_sense",
    "target_level",
    "band_low",
    "band_high",
    "pi80_low",
    "pi80_high",
    "warning_reasons",
    "volatile",
    "baseline_year",
    "baseline_value",
    "path_position",
    "eurostat_category",
    "escap_category",
    "unicef_category",
    "sensitivity_year",
    "status_without_flagged",
    "sensitivity_changed",
    "status_rule",
    "reliability",
    "reliability_reason",
    "agency_note",
]
_INT_COLUMNS = ("n_obs", "latest_year", "forecast_year", "baseline_year", "sensitivity_year")


def assessment_csv(assessment: Assessment, decimals: int = 4) -> str:
    """CSV text: one row per target, :data:`ASSESS_COLUMNS` first then
    :data:`CSV_EXTRA_COLUMNS`; floats rounded to ``decimals``, years as integers; text that a
    spreadsheet would run as a formula gets a leading ``'``
    (:func:`planeval.core.cells.csv_text`)."""
    rows = []
    for r in assessment.results:
        row = {}
        for col in ASSESS_COLUMNS + CSV_EXTRA_COLUMNS:
            v = getattr(r, col)
            if col == "warning_reasons":
                v = ";".join(v)
            elif col in _INT_COLUMNS:
                v = None if v is None else int(v)
            elif isinstance(v, float | np.floating):
                v = None if not math.isfinite(v) else round(float(v), decimals)
            row[col] = v
        rows.append(row)
    frame = pd.DataFrame(rows, columns=ASSESS_COLUMNS + CSV_EXTRA_COLUMNS)
    for col in _INT_COLUMNS:
        frame[col] = frame[col].astype("Int64")
    return csv_text(frame)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def assessment_json(assessment: Assessment) -> str:
    """JSON text: a list with one object per target, every field of
    :class:`IndicatorAssessment` at full precision (``audit`` included); NaN and ±inf as null."""
    records = []
    for r in assessment.results:
        rec = asdict(r)
        order = ASSESS_COLUMNS + [k for k in rec if k not in ASSESS_COLUMNS]
        records.append(_jsonable({k: rec[k] for k in order}))
    return json.dumps(records, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
