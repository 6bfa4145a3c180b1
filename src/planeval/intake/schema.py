"""Checks of a submission's tidy rows against the catalogue, written as a pandera schema.

:func:`observation_schema` states every rule a submitted value must meet; :func:`validate_frame`
runs it lazily (every failure, not just the first) and turns pandera's failure cases into
:class:`~core.errors.Problem` s in English and Chinese that name file, sheet, row, column and
the fix. The rules:

========================  ====================================================================
check                     rule
========================  ====================================================================
indicator_present         a row with a value names its ``indicator_id``
known_indicator           ``indicator_id`` is a plan target or in ``data/indicators.yaml``
unit_matches_catalogue    ``unit`` equals the catalogue unit (‰ is not %)
sex_code                  ``sex`` is total, female or male
percent_range             a % value lies in 0–100 (gross enrolment ratios may exceed 100)
rate_range                a ‰ value is at most 1000, a 1/10万 value at most 100,000
not_negative              rates (‰, 1/10万) and counts are not below zero
year_matches_file         a ``year`` column agrees with the year in the file name
geography_matches         a ``geography`` column agrees with the folder
unique_key                one value per indicator, year, geography and sex
female_male_total         rates (%, ‰, 1/10万): the total lies between the female and male
                          values; counts (人, 万人 ...): female + male = total within rounding
mortality_nesting         neonatal ≤ infant ≤ under-5 mortality (‰) within one file, year,
                          geography and sex, within rounding
========================  ====================================================================

Why "between": a rate for both sexes is a weighted mean of the female and male rates (weights:
the population shares), so it cannot lie outside them. Rounding tolerance: half a unit of the
last decimal written for each figure involved (values 96.0 and 94.0 allow a total up to 96.1).

Why nesting: deaths in the first 28 days are infant deaths (first year), which are under-5
deaths, and all three rates are per 1000 live births of the same cohort (WHO/UNICEF IGME
definitions), so neonatal ≤ infant ≤ under-5 mortality. The problem sits at the row of the
wider age group and names the row of the narrower one; the same rounding tolerance applies.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from planeval.core.errors import Problem
from planeval.intake.messages import wording

SEXES = ("total", "female", "male")
#: Units of rates: a rate for both sexes lies between the female and the male rate.
RATE_UNITS = frozenset({"%", "‰", "1/10万"})
#: Units of counts: female + male = total. Scaled counts (万人 ...) are rounded figures.
EXACT_COUNT_UNITS = frozenset({"人", "次", "个", "所", "家"})
SCALED_COUNT_UNITS = frozenset({"万人", "亿人", "万个"})
COUNT_UNITS = EXACT_COUNT_UNITS | SCALED_COUNT_UNITS
#: Percentages allowed above 100: gross enrolment ratios (毛入学率/毛入园率) count pupils of any
#: age against the population of official school age (UNESCO UIS definition), so they can
#: exceed 100 %.
OVER_100_ALLOWED = ("gross_enrollment", "gross_enrolment")

_KEY = ["indicator_id", "year", "geography", "sex"]


def percent_may_exceed_100(indicator_id: str) -> bool:
    """True for indicators whose percentage may exceed 100 (gross enrolment ratios)."""
    return any(token in indicator_id for token in OVER_100_ALLOWED)


def _effective_unit(frame: pd.DataFrame, units: dict[str, str] | None) -> pd.Series:
    if not units:
        return frame["unit"].astype(str)
    return frame["indicator_id"].map(units).fillna(frame["unit"]).astype(str)


def sex_consistency(frame: pd.DataFrame) -> pd.Series:
    """Per row: False at a total row whose female/male values contradict it (see module doc).

    ``frame`` needs ``_unit`` (effective unit), ``_decimals`` and :data:`_KEY` columns. Only
    the first row of each indicator, year, geography and sex takes part (duplicates are
    reported by the ``unique_key`` rule).
    """
    ok = pd.Series(True, index=frame.index)
    key = ["indicator_id", "year", "geography"]
    have = frame[frame["value"].notna() & frame["_unit"].isin(RATE_UNITS | COUNT_UNITS)]
    have = have.drop_duplicates([*key, "sex"]).assign(_i=lambda d: d.index)
    have = have[have.groupby(key, dropna=False)["sex"].transform("nunique") >= 3]
    have = have[have["sex"].isin(SEXES)]
    if have.empty:
        return ok
    wide = have.pivot(index=key, columns="sex", values=["value", "_decimals", "_i", "_unit"])
    t, f, m = (wide["value"][s].astype(float) for s in ("total", "female", "male"))
    unit = wide["_unit"]["total"]
    rounded = unit.isin(RATE_UNITS | SCALED_COUNT_UNITS)

    def half(sex):
        decimals = wide["_decimals"][sex].astype(int)
        return (0.5 * 10.0 ** (-decimals)).where((decimals > 0) | rounded, 0.0)

    tol_rate = half("total") + pd.concat([half("female"), half("male")], axis=1).max(axis=1)
    good_rate = (t >= pd.concat([f, m], axis=1).min(axis=1) - tol_rate - 1e-9) & (
        t <= pd.concat([f, m], axis=1).max(axis=1) + tol_rate + 1e-9
    )
    tol_count = half("total") + half("female") + half("male")
    good_count = (f + m - t).abs() <= tol_count + 1e-9
    bad = (unit.isin(RATE_UNITS) & ~good_rate) | (unit.isin(COUNT_UNITS) & ~good_count)
    ok[list(wide["_i"]["total"][bad])] = False
    return ok


#: Mortality rates (‰) from the narrowest to the widest age group: each includes the one before.
MORTALITY_NESTING = ("neonatal_mortality", "infant_mortality", "under5_mortality")
_NESTING_NAMES = {
    "neonatal_mortality": ("neonatal", "新生儿死亡率"),
    "infant_mortality": ("infant", "婴儿死亡率"),
    "under5_mortality": ("under-5", "5岁以下儿童死亡率"),
}


def nesting_violations(frame: pd.DataFrame) -> dict:
    """Index label of a wider-age-group row -> index label of the narrower row it falls below.

    Compares consecutive present indicators of :data:`MORTALITY_NESTING` (infant missing:
    neonatal against under-5) per year, geography and sex, only ‰ values; the first row of
    each key takes part. Tolerance: half a unit of the last decimal written of each value.
    Needs ``_unit``, ``_decimals`` and :data:`_KEY` columns.
    """
    have = frame[
        frame["value"].notna()
        & frame["indicator_id"].isin(MORTALITY_NESTING)
        & (frame["_unit"] == "‰")
    ].drop_duplicates(_KEY)
    found = {}
    order = {ind: i for i, ind in enumerate(MORTALITY_NESTING)}
    have = have.assign(_order=have["indicator_id"].map(order)).sort_values("_order", kind="stable")
    for _, group in have.groupby(["year", "geography", "sex"], dropna=False, sort=False):
        idx = list(group.index)
        values = group["value"].astype(float).tolist()
        half = (0.5 * 10.0 ** -group["_decimals"].astype(int)).tolist()
        for i in range(len(idx) - 1):
            if values[i + 1] < values[i] - half[i] - half[i + 1] - 1e-9:
                found[idx[i + 1]] = idx[i]
    return found


def mortality_nested(frame: pd.DataFrame) -> pd.Series:
    """Per row: False at a wider-age-group mortality row below the narrower one (see
    :func:`nesting_violations`)."""
    ok = pd.Series(True, index=frame.index)
    bad = list(nesting_violations(frame))
    if bad:
        ok[bad] = False
    return ok


def percent_in_range(frame: pd.DataFrame) -> pd.Series:
    """Per row: True unless a % value lies outside 0–100 (above 100 allowed for gross
    enrolment ratios, see :data:`OVER_100_ALLOWED`)."""
    value = frame["value"]
    over_ok = frame["indicator_id"].map(percent_may_exceed_100).astype(bool)
    inside = (value >= 0) & ((value <= 100) | over_ok)
    return value.isna() | (frame["_unit"] != "%") | inside


#: Upper bounds of rates per thousand / per 100,000: a rate cannot exceed its base.
RATE_MAXIMUM = {"‰": 1000.0, "1/10万": 100000.0}


def rate_in_range(frame: pd.DataFrame) -> pd.Series:
    """Per row: False for a ‰ value above 1000 or a 1/10万 value above 100,000 (a rate of
    events per thousand/per 100,000 cannot exceed the whole base)."""
    limit = frame["_unit"].map(RATE_MAXIMUM)
    return frame["value"].isna() | limit.isna() | (frame["value"] <= limit)


def observation_schema(units: dict[str, str] | None = None) -> pa.DataFrameSchema:
    """The pandera schema of tidy submission rows.

    Expects the columns of :func:`intake.tidy.tidy_rows` plus ``_unit`` (catalogue unit when
    known, else the unit written). ``units`` (indicator_id -> unit) enables the catalogue
    checks; without it only the rules that need no catalogue apply.
    """
    known = set(units or ())

    def with_value(df):
        return df["value"].notna()

    checks = [
        pa.Check(percent_in_range, name="percent_range"),
        pa.Check(rate_in_range, name="rate_range"),
        pa.Check(
            lambda df: ~with_value(df) | df["_unit"].isin(["", "%"]) | (df["value"] >= 0),
            name="not_negative",
        ),
        pa.Check(
            lambda df: df["_content_year"].isna() | (df["_content_year"] == df["year"]),
            name="year_matches_file",
        ),
        pa.Check(
            lambda df: (
                df["_content_geography"].isna()
                | (df["geography"] == "")
                | (df["_content_geography"] == df["geography"])
            ),
            name="geography_matches",
        ),
        pa.Check(sex_consistency, name="female_male_total"),
        pa.Check(mortality_nested, name="mortality_nesting"),
    ]
    if units:
        checks.append(
            pa.Check(
                lambda df: (
                    ~df["indicator_id"].isin(known) | (df["unit"] == df["indicator_id"].map(units))
                ),
                name="unit_matches_catalogue",
            )
        )
    indicator_checks = [pa.Check(lambda s: s.str.len() > 0, name="indicator_present")]
    if units:
        indicator_checks.append(
            pa.Check(lambda s: (s == "") | s.isin(known), name="known_indicator")
        )
    return pa.DataFrameSchema(
        {
            "indicator_id": pa.Column(str, indicator_checks),
            "sex": pa.Column(str, pa.Check(lambda s: s.isin(SEXES), name="sex_code")),
            "value": pa.Column(float, nullable=True, coerce=True),
            "unit": pa.Column(str),
        },
        checks=checks,
        unique=_KEY,
        report_duplicates="exclude_first",
    )


def _fmt(value: float) -> str:
    return f"{value:.15g}"


def _where(other: pd.Series, row: pd.Series) -> tuple[str, str]:
    """Where another row of the file is, in English and Chinese (its sheet when not the same)."""
    if other["sheet"] == row["sheet"]:
        return f"row {other['row']}", f"第 {other['row']} 行"
    return (
        f"sheet '{other['sheet']}' row {other['row']}",
        f"工作表 '{other['sheet']}' 第 {other['row']} 行",
    )


def _unit_mismatch(row, frame, units):
    want = units[row["indicator_id"]]
    return (
        "unit",
        "unit_mismatch",
        {
            "unit": row["unit"],
            "want": want,
            "ind": row["indicator_id"],
            "want_en": want or "no unit",
            "want_zh": want or "无单位",
        },
    )


def _rate_range(row, frame, units):
    top = RATE_MAXIMUM[row["_unit"]]
    per, per_zh = ("per thousand", "每千") if row["_unit"] == "‰" else ("per 100,000", "每十万")
    values = {"value": _fmt(row["value"]), "unit": row["_unit"], "top": _fmt(top)}
    return None, "rate_range", {**values, "per": per, "per_zh": per_zh}


def _negative(row, frame, units):
    rate = row["_unit"] in RATE_UNITS
    return (
        None,
        "negative",
        {
            "value": _fmt(row["value"]),
            "unit": row["_unit"],
            "kind": "a rate" if rate else "a count or amount",
            "kind_zh": "比率" if rate else "数量",
        },
    )


def _duplicate(row, frame, units):
    ind, sex = row["indicator_id"], row["sex"]
    same = frame[
        (frame["indicator_id"] == ind) & (frame["sex"] == sex) & (frame["year"] == row["year"])
    ]
    where, where_zh = _where(same.iloc[0], row)
    no_year = pd.isna(row["year"])
    return (
        None,
        "duplicate_value",
        {
            "ind": ind,
            "sex": sex,
            "where": where,
            "where_zh": where_zh,
            "year": "" if no_year else f" in {int(row['year'])}",
            "year_zh": "" if no_year else f"{int(row['year'])}年",
        },
    )


def _sex_total(row, frame, units):
    same = frame[
        (frame["indicator_id"] == row["indicator_id"])
        & (frame["year"] == row["year"])
        & frame["value"].notna()
    ]
    fr = same[same["sex"] == "female"].iloc[0]
    mr = same[same["sex"] == "male"].iloc[0]
    f, m, d = fr["value"], mr["value"], int(row["_decimals"])
    df_, dm = int(fr["_decimals"]), int(mr["_decimals"])
    values = {"total": f"{row['value']:.{d}f}", "female": f"{f:.{df_}f}", "male": f"{m:.{dm}f}"}
    if row["_unit"] in RATE_UNITS:
        return None, "sex_total_rate", values
    return None, "sex_total_sum", {**values, "sum": f"{f + m:.{max(df_, dm)}f}"}


def _nesting(row, frame, units):
    other = frame.loc[nesting_violations(frame)[row.name]]
    wide, wide_zh = _NESTING_NAMES[row["indicator_id"]]
    narrow, narrow_zh = _NESTING_NAMES[other["indicator_id"]]
    d, e = int(row["_decimals"]), int(other["_decimals"])
    where, where_zh = _where(other, row)
    return (
        None,
        "nesting",
        {
            "wide": wide,
            "wide_zh": wide_zh,
            "narrow": narrow,
            "narrow_zh": narrow_zh,
            "value": f"{row['value']:.{d}f}",
            "other": f"{other['value']:.{e}f}",
            "where": where,
            "where_zh": where_zh,
            "sex": row["sex"],
        },
    )


#: check -> (problem code, function giving (column or None for the value column, wording key
#: of :mod:`planeval.intake.messages`, placeholder values)).
_MESSAGES = {
    "indicator_present": ("indicator", lambda r, f, u: ("indicator_id", "indicator_missing", {})),
    "known_indicator": (
        "indicator",
        lambda r, f, u: ("indicator_id", "unknown_indicator", {"ind": r["indicator_id"]}),
    ),
    "unit_matches_catalogue": ("unit", _unit_mismatch),
    "sex_code": ("sex", lambda r, f, u: ("sex", "bad_sex", {"sex": r["sex"]})),
    "percent_range": (
        "range",
        lambda r, f, u: (None, "percent_range", {"value": _fmt(r["value"])}),
    ),
    "rate_range": ("range", _rate_range),
    "not_negative": ("range", _negative),
    "year_matches_file": (
        "year",
        lambda r, f, u: (
            "year",
            "year_mismatch",
            {"got": int(r["_content_year"]), "year": int(r["year"])},
        ),
    ),
    "geography_matches": (
        "geography",
        lambda r, f, u: (
            "geography",
            "geography_mismatch",
            {"got": r["_content_geography"], "geo": r["geography"]},
        ),
    ),
    "unique_key": ("duplicate", _duplicate),
    "female_male_total": ("sex_total", _sex_total),
    "mortality_nesting": ("nesting", _nesting),
}


def _message(check: str, row: pd.Series, frame: pd.DataFrame, units: dict[str, str] | None):
    """(column, message_en, message_zh, fix_en, fix_zh, code) for one failed check at one row."""
    value_column = row.get("column") or "value"
    if check not in _MESSAGES:
        return (value_column, *wording("failed_check", check=check), "invalid")
    code, describe = _MESSAGES[check]
    column, key, values = describe(row, frame, units)
    return (column or value_column, *wording(key, **values), code)


_CHECK_ORDER = [
    "indicator_present",
    "known_indicator",
    "unit_matches_catalogue",
    "sex_code",
    "percent_range",
    "rate_range",
    "not_negative",
    "year_matches_file",
    "geography_matches",
    "unique_key",
    "female_male_total",
    "mortality_nesting",
]


def validate_frame(
    frame: pd.DataFrame, units: dict[str, str] | None = None
) -> tuple[list[Problem], set]:
    """Run :func:`observation_schema` on tidy rows; return ``(problems, failing_index_labels)``.

    ``frame``: rows of :func:`planeval.intake.tidy.tidy_rows` (needs ``indicator_id, sex, value,
    unit, year, geography, file, sheet, row, column, _content_year, _content_geography,
    _decimals``). Every failure of every row is reported, sorted by sheet, row and check.
    Never raises for bad data.
    """
    if frame.empty:
        return [], set()
    work = frame.copy()
    work["geography"] = work["geography"].fillna("").astype(str)
    work["_unit"] = _effective_unit(work, units)
    work["_content_year"] = pd.to_numeric(work["_content_year"], errors="coerce")
    for col in ("indicator_id", "sex", "unit"):
        work[col] = work[col].astype(str)
    try:
        observation_schema(units).validate(work, lazy=True)
        return [], set()
    except SchemaErrors as exc:
        cases = exc.failure_cases
    cases = cases[cases["index"].notna()].copy()
    cases["check"] = (
        cases["check"].astype(str).replace({"multiple_fields_uniqueness": "unique_key"})
    )
    found = cases[["check", "index"]].drop_duplicates()
    problems = []
    for check, idx in found.itertuples(index=False):
        row = work.loc[idx]
        column, en, zh, fix, fix_zh, code = _message(check, row, work, units)
        problems.append(
            (
                str(row["sheet"] or ""),
                int(row["row"]),
                _CHECK_ORDER.index(check) if check in _CHECK_ORDER else 99,
                Problem(
                    str(row["file"]),
                    en,
                    zh,
                    fix,
                    fix_zh,
                    row=int(row["row"]),
                    column=column,
                    sheet=row["sheet"] or None,
                    code=code,
                ),
            )
        )
    problems.sort(key=lambda p: p[:3])
    bad = set(found["index"])
    for idx in found.loc[found["check"] == "female_male_total", "index"]:
        t = work.loc[idx]  # the female and male values are part of the contradiction
        same = (work["indicator_id"] == t["indicator_id"]) & (work["year"] == t["year"])
        bad |= set(work.index[same & work["sex"].isin(["female", "male"])])
    nested = nesting_violations(work) if (found["check"] == "mortality_nesting").any() else {}
    bad |= set(nested.values())  # the narrower row is part of the contradiction
    return [p[3] for p in problems], bad
