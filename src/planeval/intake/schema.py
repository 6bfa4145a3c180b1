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

from planeval.core.errors import Problem
from planeval.intake.messages import wording
from planeval.intake.rules import IntakeRules, default_rules

SEXES = ("total", "female", "male")
#: Units of rates: a rate for both sexes lies between the female and the male rate.
RATE_UNITS = frozenset({"%", "‰", "1/10万"})
#: Units of counts: female + male = total. Scaled counts (万人 ...) are rounded figures.
EXACT_COUNT_UNITS = frozenset({"人", "次", "个", "所", "家"})
SCALED_COUNT_UNITS = frozenset({"万人", "亿人", "万个"})
COUNT_UNITS = EXACT_COUNT_UNITS | SCALED_COUNT_UNITS
_KEY = ["indicator_id", "year", "geography", "sex"]


def percent_may_exceed_100(indicator_id: str, rules: IntakeRules | None = None) -> bool:
    """True for indicators whose percentage may exceed 100 (gross enrolment ratios: a ceiling
    above 100 in the settings file's ``intake.percent_ceilings``)."""
    return (rules or default_rules()).percent_ceiling(indicator_id) > 100


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
    have = have[have["sex"].isin(SEXES)]  # before counting: 'other' beside total and female
    have = have[have.groupby(key, dropna=False)["sex"].transform("nunique") >= 3]  # is no trio
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


def percent_ceilings(frame: pd.DataFrame, rules: IntakeRules) -> pd.Series:
    """Per row: the highest plausible percentage of its indicator (see
    :meth:`IntakeRules.percent_ceiling`: 100, gross enrolment ratios 200)."""
    ids = frame["indicator_id"]
    return ids.map({i: rules.percent_ceiling(i) for i in ids.unique()}).astype(float)


def percent_in_range(frame: pd.DataFrame, rules: IntakeRules | None = None) -> pd.Series:
    """Per row: True unless a % value lies outside 0 to its ceiling (:func:`percent_ceilings`:
    gross enrolment ratios count pupils of any age against the official-age population, UNESCO
    UIS, so they may pass 100 % but not the settings file's ceiling, 200)."""
    value = frame["value"]
    inside = (value >= 0) & (value <= percent_ceilings(frame, rules or default_rules()))
    return value.isna() | (frame["_unit"] != "%") | inside


#: Units of rates that a slip can write as a fraction, and the factor that undoes the slip.
FRACTION_FACTORS = {"%": 100, "‰": 1000}
#: Words in ``note`` that confirm a small rate is meant (the fraction rule then leaves it).
CONFIRMED = ("已核实", "confirmed")


def fraction_references(frame: pd.DataFrame, rules: IntakeRules) -> pd.Series:
    """Per row: the level the indicator's value is compared with by :func:`likely_fraction`:
    the smallest of its plan levels (target and baseline, ``rules.target_levels``) and the
    median of its other values in the file that are not small themselves; NaN when neither
    is known or when one of them is below ``rules.fraction_reference_min``."""
    ids = frame["indicator_id"]
    target = ids.map(
        {i: min(rules.target_levels[i]) for i in ids.unique() if rules.target_levels.get(i)}
    ).astype(float)
    large = frame[frame["value"] >= rules.fraction_below]
    others = ids.map(large.groupby("indicator_id")["value"].median()).astype(float)
    level = pd.concat([target, others], axis=1).min(axis=1)  # NaN only when both are
    small_one = (target < rules.fraction_reference_min) | (others < rules.fraction_reference_min)
    return level.where(~small_one)


def likely_fraction(frame: pd.DataFrame, rules: IntakeRules | None = None) -> pd.Series:
    """Per row: False for a % or ‰ value above 0 and below ``rules.fraction_below`` (1.5)
    where the indicator's plan levels and its other values in the file are at least
    ``rules.fraction_reference_min`` (10): 0.957 written for 95.7 % (a cell typed as a
    fraction, or an Excel General cell holding 0.957). A note with "已核实" or "confirmed"
    says the small value is meant."""
    rules = rules or default_rules()
    value = frame["value"]
    small = frame["_unit"].isin(list(FRACTION_FACTORS)) & (value > 0)
    small &= value < rules.fraction_below
    if not small.any():
        return pd.Series(True, index=frame.index)
    confirmed = False
    if "note" in frame:
        note = frame["note"].fillna("").astype(str).str.lower()
        confirmed = note.str.contains("|".join(CONFIRMED), regex=True)
    return ~(small & fraction_references(frame, rules).notna() & ~confirmed)


#: Upper bounds of rates per thousand / per 100,000: a rate cannot exceed its base.
RATE_MAXIMUM = {"‰": 1000.0, "1/10万": 100000.0}


def rate_in_range(frame: pd.DataFrame) -> pd.Series:
    """Per row: False for a ‰ value above 1000 or a 1/10万 value above 100,000 (a rate of
    events per thousand/per 100,000 cannot exceed the whole base)."""
    limit = frame["_unit"].map(RATE_MAXIMUM)
    return frame["value"].isna() | limit.isna() | (frame["value"] <= limit)


def observation_schema(
    units: dict[str, str] | None = None, rules: IntakeRules | None = None
) -> pa.DataFrameSchema:
    """The pandera schema of tidy submission rows.

    Expects the columns of :func:`intake.tidy.tidy_rows` plus ``_unit`` (catalogue unit when
    known, else the unit written). ``units`` (indicator_id -> unit) enables the catalogue
    checks; without it only the rules that need no catalogue apply. ``rules``: the
    plausibility thresholds of the settings file (default: the package's).
    """
    known = set(units or ())
    rules = rules or default_rules()

    def with_value(df):
        return df["value"].notna()

    checks = [
        pa.Check(lambda df: percent_in_range(df, rules), name="percent_range"),
        pa.Check(lambda df: likely_fraction(df, rules), name="likely_fraction"),
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


class _Lookup:
    """What the messages need to know about other rows, computed once per frame (a message
    built by scanning the frame for each failing row made 200,000 rows quadratic)."""

    def __init__(self, frame: pd.DataFrame, units: dict[str, str] | None, rules: IntakeRules):
        self.frame = frame
        self.units = units or {}
        self.rules = rules
        self._references: pd.Series | None = None
        self._suggestions: dict | None = None
        self._first: dict | None = None
        self._sexes: dict | None = None
        self._nested: dict | None = None

    def first_of(self, row) -> dict:
        """The first row of the same indicator, sex and year."""
        if self._first is None:
            key = ["indicator_id", "sex", "year"]
            first = self.frame.drop_duplicates(key)[[*key, "sheet", "row", "value", "_decimals"]]
            self._first = {tuple(r[:3]): _record(first, r) for r in first.itertuples(index=False)}
        return self._first[(row["indicator_id"], row["sex"], row["year"])]

    def sex_row(self, row, sex: str) -> dict:
        """The first row with a value of the same indicator and year for ``sex``."""
        if self._sexes is None:
            have = self.frame[self.frame["value"].notna() & self.frame["sex"].isin(SEXES)]
            key = ["indicator_id", "year", "sex"]
            have = have.drop_duplicates(key)[[*key, "sheet", "row", "value", "_decimals"]]
            self._sexes = {tuple(r[:3]): _record(have, r) for r in have.itertuples(index=False)}
        return self._sexes[(row["indicator_id"], row["year"], sex)]

    def unknown_indicator(self, text: str) -> tuple[str, str, dict]:
        """The message of an unknown indicator, with "did you mean ...?" when an indicator_id
        or a catalogue name is close (difflib); worked out once per distinct text."""
        if self._suggestions is None:
            self._suggestions = {}
        if text not in self._suggestions:
            bounded = len(self._suggestions) < MAX_SUGGESTIONS  # bounded work, any file
            names = self.rules.indicator_names
            self._suggestions[text] = _suggest(text, self.units, names) if bounded else ("", "")
        hint, hint_zh = self._suggestions[text]
        return "indicator_id", "unknown_indicator", {"ind": text, "hint": hint, "hint_zh": hint_zh}

    def fraction_reference(self, label) -> float:
        """The level a likely fraction was compared with (see :func:`fraction_references`)."""
        if self._references is None:
            self._references = fraction_references(self.frame, self.rules)
        return float(self._references[label])

    def narrower(self, label) -> dict:
        """The narrower-age-group row a mortality row falls below."""
        if self._nested is None:
            self._nested = nesting_violations(self.frame)
        other = self.frame.loc[self._nested[label]]
        return {k: other[k] for k in ("indicator_id", "sheet", "row", "value", "_decimals")}


#: Distinct unknown indicators of one file that get a "did you mean": difflib compares each
#: with every id and name (~1 ms), so a file of 200,000 made-up ids would take minutes.
MAX_SUGGESTIONS = 200


def _suggest(text: str, units: dict[str, str], names: dict[str, str]) -> tuple[str, str]:
    """``("; did you mean x (名称)?", "；是否为 x（名称）？")`` for the indicator whose id or
    catalogue name is closest to ``text`` (difflib ratio at least 0.75 for an id, 0.6 for a
    name), else two empty strings."""
    import difflib

    found = difflib.get_close_matches(text, list(units), n=1, cutoff=0.75)
    indicator = found[0] if found else None
    if indicator is None:
        close = difflib.get_close_matches(text, [n for n in names if names[n] in units], 1, 0.6)
        indicator = names[close[0]] if close else None
    if indicator is None:
        return "", ""
    zh = next((n for n, i in names.items() if i == indicator and not n.isascii()), "")
    shown, shown_zh = (f"{indicator} ({zh})", f"{indicator}（{zh}）") if zh else (indicator,) * 2
    return f"; did you mean {shown}?", f"；是否为 {shown_zh}？"


def _record(frame: pd.DataFrame, values: tuple) -> dict:
    return dict(zip(frame.columns, values, strict=True))


def _where(other, row) -> tuple[str, str]:
    """Where another row of the file is, in English and Chinese (its sheet when not the same)."""
    if other["sheet"] == row["sheet"]:
        return f"row {other['row']}", f"第 {other['row']} 行"
    return (
        f"sheet '{other['sheet']}' row {other['row']}",
        f"工作表 '{other['sheet']}' 第 {other['row']} 行",
    )


def _unit_mismatch(row, lookup):
    want = lookup.units[row["indicator_id"]]
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


def _percent_range(row, lookup):
    ceiling = lookup.rules.percent_ceiling(row["indicator_id"])
    if ceiling == 100 or row["value"] < 0:
        return None, "percent_range", {"value": _fmt(row["value"])}
    values = {"value": _fmt(row["value"]), "ceiling": _fmt(ceiling), "ind": row["indicator_id"]}
    return None, "percent_ceiling", {**values, "guess": _fmt(row["value"] / 10)}


def _fraction(row, lookup):
    unit = row["_unit"]
    factor = FRACTION_FACTORS[unit]
    level = lookup.fraction_reference(row["_label"])
    return (
        None,
        "likely_fraction",
        {
            "value": _fmt(row["value"]),
            "unit": unit,
            "ind": row["indicator_id"],
            "level": _fmt(level),
            "factor": factor,
            "guess": _fmt(round(row["value"] * factor, 10)),
        },
    )


def _rate_range(row, lookup):
    top = RATE_MAXIMUM[row["_unit"]]
    per, per_zh = ("per thousand", "每千") if row["_unit"] == "‰" else ("per 100,000", "每十万")
    values = {"value": _fmt(row["value"]), "unit": row["_unit"], "top": _fmt(top)}
    return None, "rate_range", {**values, "per": per, "per_zh": per_zh}


def _negative(row, lookup):
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


def _duplicate(row, lookup):
    where, where_zh = _where(lookup.first_of(row), row)
    no_year = row["year"] is None or row["year"] != row["year"]  # None or NaN
    return (
        None,
        "duplicate_value",
        {
            "ind": row["indicator_id"],
            "sex": row["sex"],
            "where": where,
            "where_zh": where_zh,
            "year": "" if no_year else f" in {int(row['year'])}",
            "year_zh": "" if no_year else f"{int(row['year'])}年",
        },
    )


def _sex_total(row, lookup):
    fr, mr = lookup.sex_row(row, "female"), lookup.sex_row(row, "male")
    f, m, d = fr["value"], mr["value"], int(row["_decimals"])
    df_, dm = int(fr["_decimals"]), int(mr["_decimals"])
    values = {"total": f"{row['value']:.{d}f}", "female": f"{f:.{df_}f}", "male": f"{m:.{dm}f}"}
    if row["_unit"] in RATE_UNITS:
        return None, "sex_total_rate", values
    return None, "sex_total_sum", {**values, "sum": f"{f + m:.{max(df_, dm)}f}"}


def _nesting(row, lookup):
    other = lookup.narrower(row["_label"])
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


#: check -> (problem code, function of (failing row, :class:`_Lookup`) giving (column or None
#: for the value column, wording key of :mod:`planeval.intake.messages`, placeholder values)).
_MESSAGES = {
    "indicator_present": ("indicator", lambda r, k: ("indicator_id", "indicator_missing", {})),
    "known_indicator": ("indicator", lambda r, k: k.unknown_indicator(r["indicator_id"])),
    "unit_matches_catalogue": ("unit", _unit_mismatch),
    "sex_code": ("sex", lambda r, k: ("sex", "bad_sex", {"sex": r["sex"]})),
    "percent_range": ("range", _percent_range),
    "likely_fraction": ("range", _fraction),
    "rate_range": ("range", _rate_range),
    "not_negative": ("range", _negative),
    "year_matches_file": (
        "year",
        lambda r, k: (
            "year",
            "year_mismatch",
            {"got": int(r["_content_year"]), "year": int(r["year"])},
        ),
    ),
    "geography_matches": (
        "geography",
        lambda r, k: (
            "geography",
            "geography_mismatch",
            {"got": r["_content_geography"], "geo": r["geography"]},
        ),
    ),
    "unique_key": ("duplicate", _duplicate),
    "female_male_total": ("sex_total", _sex_total),
    "mortality_nesting": ("nesting", _nesting),
}


def _message(check: str, row: dict, lookup: _Lookup):
    """(column, message_en, message_zh, fix_en, fix_zh, code) for one failed check at one row."""
    value_column = row.get("column") or "value"
    if check not in _MESSAGES:
        return (value_column, *wording("failed_check", check=check), "invalid")
    code, describe = _MESSAGES[check]
    column, key, values = describe(row, lookup)
    return (column or value_column, *wording(key, **values), code)


_CHECK_ORDER = [
    "indicator_present",
    "known_indicator",
    "unit_matches_catalogue",
    "sex_code",
    "percent_range",
    "likely_fraction",
    "rate_range",
    "not_negative",
    "year_matches_file",
    "geography_matches",
    "unique_key",
    "female_male_total",
    "mortality_nesting",
]


def validate_frame(
    frame: pd.DataFrame, units: dict[str, str] | None = None, rules: IntakeRules | None = None
) -> tuple[list[Problem], set]:
    """Run :func:`observation_schema`'s checks on tidy rows (:func:`failures`); return
    ``(problems, failing_index_labels)``.

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
    rules = rules or default_rules()
    found = failures(work, observation_schema(units, rules))
    if found.empty:
        return [], set()
    return _problems(work, found, units, rules), _bad_rows(work, found)


def failures(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """``(check, index)`` of every failed check of ``schema`` at every row of ``frame``.

    Each check of the pandera schema (column checks, frame-wide checks, the ``unique`` key with
    its first row kept) is run through pandera's own :class:`~pandera.api.checks.Check` object
    and gives one boolean per row. ``schema.validate(lazy=True)`` is not used: its report
    repeats each failing row of a frame-wide check once per column of the frame, so a
    200,000-row file with duplicated rows made millions of failure cases (gigabytes).
    """
    parts = []
    for name, column in schema.columns.items():
        for check in column.checks:
            parts.append(_failed(check.name, check(frame[name]).check_output))
    for check in schema.checks:
        parts.append(_failed(check.name, check(frame).check_output))
    if schema.unique:
        parts.append(_failed("unique_key", ~frame.duplicated(list(schema.unique), keep="first")))
    return pd.concat(parts, ignore_index=True).drop_duplicates()


def _failed(check: str, ok: pd.Series) -> pd.DataFrame:
    """The labels where ``ok`` is False, as ``(check, index)`` rows (NA counts as passed, as
    pandera's ``ignore_na`` has it)."""
    bad = ok.index[~ok.fillna(True).astype(bool)]
    return pd.DataFrame({"check": check, "index": bad})


#: The columns the messages quote (the free-text columns are left out: less to copy).
_MESSAGE_COLUMNS = (
    *("indicator_id", "sex", "year", "value", "unit", "_unit", "_decimals", "_content_year"),
    *("_content_geography", "geography", "sheet", "row", "file", "column"),
)


def _problems(work: pd.DataFrame, found: pd.DataFrame, units, rules) -> list[Problem]:
    """One :class:`Problem` per failed (check, row), sorted by sheet, row and check; the rows
    are read once, as records (no frame lookup per failure)."""
    lookup = _Lookup(work, units, rules)
    failing = work.loc[found["index"], [c for c in _MESSAGE_COLUMNS if c in work.columns]]
    names = [*failing.columns, "_label"]
    values = [failing[c].tolist() for c in failing.columns]  # column-wise: fast
    problems = []
    for check, *cells in zip(found["check"], *values, found["index"], strict=True):
        row = dict(zip(names, cells, strict=True))  # one row at a time: none kept
        column, en, zh, fix, fix_zh, code = _message(check, row, lookup)
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
    return [p[3] for p in problems]


def _bad_rows(work: pd.DataFrame, found: pd.DataFrame) -> set:
    """Index labels of the rows left out of the data: every failing row, the female and male
    rows of a contradicted total, and the narrower row of a broken mortality nesting."""
    bad = set(found["index"])
    totals = work.loc[found.loc[found["check"] == "female_male_total", "index"]]
    if not totals.empty:
        key = ["indicator_id", "year"]
        parts = work[work["sex"].isin(["female", "male"])].reset_index()
        hit = parts.merge(totals[key].drop_duplicates(), on=key)
        bad |= set(hit["index"])
    nested = nesting_violations(work) if (found["check"] == "mortality_nesting").any() else {}
    bad |= set(nested.values())  # the narrower row is part of the contradiction
    return bad
