"""The text ``planeval assess`` prints: CSV (rounded, one row per target, with its verdict) and
JSON (every field at full precision, the audit included, and the verdict of the stage:
statuses, 达标率 per plan and domain, counts, problems, lagging list)."""

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
#: Columns from the stage's verdict (:class:`~planeval.assessment.verdict.TargetVerdict`),
#: printed last: the status of the stage, its basis and reason, whether the target is in the
#: 达标率 denominator and numerator, the gap and the changes per year required and observed.
VERDICT_COLUMNS = [
    "stage_status",
    "stage_status_zh",
    "verdict_basis",
    "verdict_reason",
    "in_rate_denominator",
    "in_rate_numerator",
    "gap",
    "required_per_year",
    "actual_per_year",
]
_INT_COLUMNS = ("n_obs", "latest_year", "forecast_year", "baseline_year", "sensitivity_year")


def _verdict_row(t) -> dict:
    return {
        "stage_status": t.status,
        "stage_status_zh": t.status_text("zh"),
        "verdict_basis": t.basis,
        "verdict_reason": t.reason("en"),
        "in_rate_denominator": t.counted,
        "in_rate_numerator": t.achieved,
        "gap": t.gap,
        "required_per_year": t.required_per_year,
        "actual_per_year": t.actual_per_year,
    }


def assessment_csv(assessment: Assessment, decimals: int = 4) -> str:
    """CSV text: one row per target, :data:`ASSESS_COLUMNS` first then
    :data:`CSV_EXTRA_COLUMNS` and :data:`VERDICT_COLUMNS` (the assessment's stage); floats
    rounded to ``decimals``, years as integers; text that a spreadsheet would run as a formula
    gets a leading ``'`` (:func:`planeval.core.cells.csv_text`)."""
    rows = []
    columns = ASSESS_COLUMNS + CSV_EXTRA_COLUMNS + VERDICT_COLUMNS
    verdict = assessment.verdict_for()
    for r, t in zip(assessment.results, verdict.targets, strict=True):
        row = {}
        fields = {col: getattr(r, col) for col in ASSESS_COLUMNS + CSV_EXTRA_COLUMNS}
        for col, v in {**fields, **_verdict_row(t)}.items():
            if col == "warning_reasons":
                v = ";".join(v)
            elif col in _INT_COLUMNS:
                v = None if v is None else int(v)
            elif isinstance(v, float | np.floating):
                v = None if not math.isfinite(v) else round(float(v), decimals)
            row[col] = v
        rows.append(row)
    frame = pd.DataFrame(rows, columns=columns)
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
    """JSON text: an object with ``plan``, ``geography``, ``data_year``, ``stage``, ``verdict``
    (:meth:`~planeval.assessment.verdict.Verdict.to_dict`: each target's status, basis and
    reason in zh and en; 达标率 with numerator and denominator per plan and per domain; counts;
    overall verdict; problems; lagging and no-data lists) and ``results``: one object per
    target, every field of :class:`IndicatorAssessment` at full precision (``audit``
    included). NaN and ±inf as null."""
    records = []
    for r in assessment.results:
        rec = asdict(r)
        order = ASSESS_COLUMNS + [k for k in rec if k not in ASSESS_COLUMNS]
        records.append(_jsonable({k: rec[k] for k in order}))
    verdict = assessment.verdict_for()
    out = {
        "plan": assessment.plan.plan,
        "geography": assessment.geography,
        "data_year": int(assessment.data_year),
        "stage": verdict.stage,
        "verdict": _jsonable(verdict.to_dict()),
        "results": records,
    }
    return json.dumps(out, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
