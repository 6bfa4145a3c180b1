"""Impossible magnitudes and values typed in the wrong column are problems, never clean."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from planeval.intake.observations import check_submission
from planeval.intake.parsing import MAX_ABS_VALUE, parse_value
from planeval.plans.catalogue import known_units

HERE = Path(__file__).resolve().parent
GOOD = HERE / "data" / "good"
H = "indicator_id,value,unit,sex,source,note\n"


@pytest.fixture(scope="module")
def units():
    return known_units(GOOD)


def _check(tmp_path, units, text):
    path = tmp_path / "2023.csv"
    path.write_text(H + text, encoding="utf-8")
    return check_submission(path, "demo", 2023, units)


@pytest.mark.parametrize(
    ("row", "ok"),
    [
        # ‰: at most 1000 per thousand (every birth a death is 1000 ‰, not more)
        ("neonatal_mortality,1000,‰,total,,", True),
        ("neonatal_mortality,1000.1,‰,total,,", False),
        # 1/10万: at most 100,000 per 100,000
        ("maternal_mortality,100000,1/10万,total,,", True),
        ("maternal_mortality,100000.5,1/10万,total,,", False),
        # % keeps its own rule: above 100 only for gross enrolment ratios
        ("hospital_delivery_rate,100,%,total,,", True),
        ("hospital_delivery_rate,100.1,%,total,,", False),
    ],
)
def test_rates_cannot_exceed_their_base(tmp_path, units, row, ok):
    c = _check(tmp_path, units, row + "\n")
    assert c.ok is ok, c.problems
    assert len(c.frame) == (1 if ok else 0)


def test_huge_and_infinite_values_are_errors():
    assert MAX_ABS_VALUE == 1e15
    assert parse_value("1e308", "人").error[0] == "value '1e308' is too large"
    assert parse_value(1e308, "人").error[0] == "value '1e+308' is too large"
    assert parse_value(float("inf"), "人").error is not None
    assert parse_value("inf", "人").error[0] == "value 'inf' is not a number"
    assert parse_value("999999999999999", "人").value == 999999999999999.0  # 1e15 - 1 is read


def test_value_in_source_and_unit_columns_is_a_problem(tmp_path, units):
    c = _check(
        tmp_path,
        units,
        "neonatal_mortality,,‰,total,4.5,\n"
        "maternal_mortality,,6.2,total,x,\n"
        "hospital_delivery_rate,99.1,%,total,卫健委,\n",
    )
    assert [(p.row, p.column) for p in c.problems] == [(2, "source"), (3, "unit")]
    assert c.problems[0].message_en == (
        "value is empty but column 'source' holds 4.5: was it typed in the wrong column?"
    )
    assert list(c.frame["indicator_id"]) == ["hospital_delivery_rate"]


def test_number_in_note_is_a_problem_but_text_note_is_not(tmp_path, units):
    c = _check(tmp_path, units, "neonatal_mortality,,‰,total,,3.2\n")
    assert [(p.row, p.column) for p in c.problems] == [(2, "note")]
    c = _check(tmp_path, units, "neonatal_mortality,—,‰,total,卫健委,2023年未统计\n")
    assert c.ok and c.frame["value"].isna().all()


def test_unit_checked_when_value_missing_but_blank_matching_row_skipped(tmp_path, units):
    c = _check(
        tmp_path, units, "neonatal_mortality,,%,total,,\nhospital_delivery_rate,,%,total,,\n"
    )
    # row 2 writes % for a ‰ indicator: an error although no value; row 3 is an unfilled row
    assert [(p.row, p.column, p.code) for p in c.problems] == [(2, "unit", "unit")]


def test_xlsx_number_in_another_column_is_a_problem(tmp_path, units):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["indicator_id", "name_zh", "value", "unit", "source"])
    ws.append(["neonatal_mortality", 2.3, None, "‰", None])
    wb.save(tmp_path / "2023.xlsx")
    c = check_submission(tmp_path / "2023.xlsx", "demo", 2023, units)
    assert [(p.row, p.column) for p in c.problems] == [(2, "name_zh")]
    assert "holds 2.3" in c.problems[0].message_en


@pytest.mark.parametrize("text", ["na", "NA", "null", "NULL", "Null", "空", "n/a", "—"])
def test_missing_markers_read_as_missing(text):
    parsed = parse_value(text, "‰")
    assert parsed.ok and parsed.missing and parsed.value is None


@pytest.mark.parametrize("text", ["nan", "none", "0x"])
def test_other_words_are_not_numbers(text):
    assert parse_value(text, "‰").error[0] == f"value '{text}' is not a number"


def test_qualitative_target_with_account_is_clean_number_is_not(tmp_path):
    from planeval.intake.observations import check_paths

    folder = tmp_path / "observations" / "demo"
    folder.mkdir(parents=True)
    path = folder / "2023.csv"
    path.write_text(
        "indicator_id,value,unit,account\ndemo_t3_service_system,,,体系已建成\n", encoding="utf-8"
    )
    checks, problems = check_paths([path], GOOD, known_units(GOOD))
    assert problems == [] and checks[0].ok
    path.write_text(
        "indicator_id,value,unit,account\ndemo_t3_service_system,1,,体系已建成\n", encoding="utf-8"
    )
    checks, _ = check_paths([path], GOOD, known_units(GOOD))
    assert [(p.row, p.column) for p in checks[0].problems] == [(2, "value")]
    assert "takes a written account in column 'account'" in checks[0].problems[0].message_en


def test_revision_without_original_is_a_problem_in_load_observations(tmp_path):
    import shutil

    from planeval.core.errors import InputError
    from planeval.intake.observations import load_observations

    folder = tmp_path / "observations" / "demo"
    folder.mkdir(parents=True)
    shutil.copy(GOOD / "observations" / "demo" / "2021.csv", folder / "2021.csv")
    shutil.copy(GOOD / "observations" / "demo" / "2022_rev1.csv", folder / "2022_rev1.csv")
    with pytest.raises(InputError) as info:
        load_observations(tmp_path, "demo", known_units(GOOD))
    assert [p.message_en for p in info.value.problems] == [
        "revision of 2022 without the original 2022.csv or 2022.xlsx in its folder"
    ]
    shutil.copy(GOOD / "observations" / "demo" / "2022.csv", folder / "2022.csv")
    assert len(load_observations(tmp_path, "demo", known_units(GOOD))) > 0


# ---- mortality nesting: neonatal ≤ infant ≤ under-5 (‰), same file, year, geography and sex

DATA = HERE.parent / "data"


@pytest.fixture(scope="module")
def real_units():
    """The shipped catalogue: it knows neonatal, infant and under-5 mortality (all ‰)."""
    return known_units(DATA)


def test_under5_below_infant_is_an_error_naming_both_rows(tmp_path, real_units):
    c = _check(
        tmp_path,
        real_units,
        "neonatal_mortality,3.0,‰,total,,\n"
        "infant_mortality,5.0,‰,total,,\n"
        "under5_mortality,4.0,‰,total,,\n",
    )
    assert [(p.row, p.column, p.code) for p in c.problems] == [(4, "value", "nesting")]
    p = c.problems[0]
    assert (
        p.message_en == "under-5 mortality 4.0 ‰ is below infant mortality 5.0 ‰ in row 3 (total)"
    )
    assert p.message_zh == "5岁以下儿童死亡率 4.0‰ 低于第 3 行的婴儿死亡率 5.0‰（total）"
    assert p.fix == (
        "check both values and their decimal points: neonatal ≤ infant ≤ under-5 mortality, "
        "each includes the deaths of the one before"
    )
    assert p.fix_zh.startswith("核对两个数值及小数点")
    # both rows of the contradiction stay out of the data; neonatal 3.0 ≤ 5.0 is kept
    assert list(c.frame["indicator_id"]) == ["neonatal_mortality"]


def test_infant_below_neonatal_is_an_error_per_sex(tmp_path, real_units):
    c = _check(
        tmp_path,
        real_units,
        "neonatal_mortality,2.6,‰,female,,\n"
        "infant_mortality,2.1,‰,female,,\n"
        # male: other sex, not compared with the female rows; 2.6 ≤ 3.0 holds
        "infant_mortality,3.0,‰,male,,\n",
    )
    assert [(p.row, p.code) for p in c.problems] == [(3, "nesting")]
    assert c.problems[0].message_en == (
        "infant mortality 2.1 ‰ is below neonatal mortality 2.6 ‰ in row 2 (female)"
    )
    assert c.problems[0].message_zh == "婴儿死亡率 2.1‰ 低于第 2 行的新生儿死亡率 2.6‰（female）"
    assert list(c.frame["sex"]) == ["male"]


def test_nesting_without_infant_compares_neonatal_with_under5(tmp_path, real_units):
    c = _check(
        tmp_path,
        real_units,
        "neonatal_mortality,5.6,‰,total,,\ninfant_mortality,—,‰,total,,\n"
        "under5_mortality,0.56,‰,total,,\n",
    )
    assert [p.message_en for p in c.problems] == [
        "under-5 mortality 0.56 ‰ is below neonatal mortality 5.6 ‰ in row 2 (total)"
    ]
    assert [p.row for p in c.problems] == [4]


@pytest.mark.parametrize(("under5", "ok"), [("1.95", True), ("1.94", False), ("2.0", True)])
def test_nesting_allows_rounding(tmp_path, real_units, under5, ok):
    """Tolerance = half a unit of the last decimal of each value: infant 2.0 (±0.05) and
    under-5 1.95 (±0.005) allow under-5 down to 2.0 − 0.05 − 0.005 = 1.945, so 1.95 is clean
    (true values 1.954 and 1.951 are possible) and 1.94 < 1.945 is an error."""
    c = _check(
        tmp_path,
        real_units,
        f"infant_mortality,2.0,‰,total,,\nunder5_mortality,{under5},‰,total,,\n",
    )
    assert c.ok is ok, c.problems
    assert len(c.frame) == (2 if ok else 0)


def test_shipped_national_mortality_is_nested(real_units):
    """data/observations/china: every year has neonatal ≤ infant ≤ under-5 (2024: 2.5 ≤ 4.0 ≤
    5.6 ‰), so `planeval validate` stays clean."""

    from planeval.intake.observations import check_paths

    checks, problems = check_paths([DATA / "observations" / "china"], DATA, real_units)
    nesting = [p for c in checks for p in c.problems if p.code == "nesting"]
    assert len(checks) == 10 and problems == [] and nesting == []
    years_with_all_three = {
        int(c.path.stem)
        for c in checks
        if {"neonatal_mortality", "infant_mortality", "under5_mortality"}
        <= set(c.frame["indicator_id"])
    }
    assert years_with_all_three >= {2020, 2021, 2022, 2023, 2024}


# ---- a value ten times off its own series (unit or decimal slip): intake.history_ratio 5


def _series(tmp_path, indicator, unit, values, notes=None):
    """observations/demo/<year>.csv, one row per year (header row 1, the value in row 2)."""
    folder = tmp_path / "observations" / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    for year, value in values.items():
        note = (notes or {}).get(year, "")
        text = f"{H}{indicator},{value},{unit},total,,{note}\n"
        (folder / f"{year}.csv").write_text(text, encoding="utf-8")
    return folder


def _history(checks, problems):
    found = problems + [p for c in checks for p in c.problems]
    return [p for p in found if "nearest other years" in p.message_en]


def test_unit_slip_against_own_history_is_an_error_in_validate_and_report(tmp_path, real_units):
    """maternal_mortality 15.1, 14.8, 14.5, 14.0 per 10万 in 2019-2022, then 143 (a per-100万
    figure) in 2023. The 4 nearest other years' median is (14.8 + 14.5) / 2 = 14.65;
    143 / 14.65 = 9.76 > 5; with 143 itself the median is 14.8 (143 / 14.8 = 9.66 > 5)."""
    from planeval.core.errors import InputError
    from planeval.intake.observations import check_paths, load_observations

    values = {2019: 15.1, 2020: 14.8, 2021: 14.5, 2022: 14.0, 2023: 143}
    folder = _series(tmp_path, "maternal_mortality", "1/10万", values)
    # validate one file: its folder's other years are read for the comparison
    checks, problems = check_paths([folder / "2023.csv"], tmp_path, real_units)
    (p,) = _history(checks, problems)
    assert (p.file, p.row, p.column) == (str(folder / "2023.csv"), 2, "value")
    assert p.message_en == (
        "143 1/10万 is 9.8 times the median 14.65 1/10万 of maternal_mortality (total) in "
        "this geography's nearest other years (2019–2022, 4 values)"
    )
    assert p.message_zh == (
        "143 1/10万 是本地区 maternal_mortality（合计）相邻其他年份（2019—2022 年，4 个数值）"
        "中位数 14.65 1/10万 的 9.8 倍"
    )
    assert p.fix.startswith("check the unit (1/10万 vs 1/100万, % vs ‰) or the decimal point")
    assert p.fix_zh.startswith("检查单位（1/10万 与 1/100万、% 与 ‰）或小数点")
    # validate the folder: the same one problem, on 2023 only (its neighbours stay clean)
    checks, problems = check_paths([folder], tmp_path, real_units)
    assert [str(q) for q in _history(checks, problems)] == [str(p)]
    assert [c.ok for c in checks] == [True, True, True, True, False]
    # the report's loader refuses with the same message
    with pytest.raises(InputError) as info:
        load_observations(tmp_path, "demo", real_units)
    assert [str(q) for q in info.value.problems] == [str(p)]


def test_decimal_slip_of_a_percentage_is_an_error(tmp_path, real_units):
    """compulsory_education_retention 95.1, 95.5, 95.3 % then 9.59 (95.9 with the point one
    place left): nearest other years' median 95.3; 9.59 / 95.3 = 1/9.94 < 1/5."""
    from planeval.intake.observations import check_paths

    values = {2020: 95.1, 2021: 95.5, 2022: 95.3, 2023: 9.59}
    folder = _series(tmp_path, "compulsory_education_retention", "%", values)
    checks, problems = check_paths([folder], tmp_path, real_units)
    (p,) = _history(checks, problems)
    assert (p.file, p.row, p.column) == (str(folder / "2023.csv"), 2, "value")
    assert "9.59 % is 1/9.9 of the median 95.3 %" in p.message_en
    assert "中位数 95.3 % 的 1/9.9" in p.message_zh


def test_a_slip_in_a_three_year_series_does_not_flag_its_neighbours(tmp_path, real_units):
    """14, 15, 143: for 14 the other years' median is (15 + 143) / 2 = 79 (14 / 79 = 0.18 <
    1/5), but with 14 itself the median is 15 (14 / 15 = 0.93): only 143 is flagged."""
    from planeval.intake.observations import check_paths

    values = {2021: 14, 2022: 15, 2023: 143}
    folder = _series(tmp_path, "maternal_mortality", "1/10万", values)
    checks, problems = check_paths([folder], tmp_path, real_units)
    assert [(Path(p.file).name, p.row) for p in _history(checks, problems)] == [("2023.csv", 2)]


@pytest.mark.parametrize(
    "values",
    [
        # a count doubling every year: 160 against its 4 nearest years (10, 20, 40, 80) is
        # 160 / 30 = 5.3 ... and against those and itself 160 / 40 = 4 <= 5: not flagged
        {2018: 5, 2019: 10, 2020: 20, 2021: 40, 2022: 80, 2023: 160},
        # a rate growing 50 % a year for 9 years (10 -> 256): compared with its neighbours
        {y: round(10 * 1.5 ** (y - 2015), 2) for y in range(2015, 2024)},
        # only one other year: nothing to compare with
        {2022: 14.5, 2023: 143},
    ],
)
def test_steady_growth_and_short_series_are_not_flagged(tmp_path, real_units, values):
    from planeval.intake.observations import check_paths

    folder = _series(tmp_path, "maternal_mortality", "1/10万", values)
    checks, problems = check_paths([folder], tmp_path, real_units)
    assert _history(checks, problems) == []


def test_revision_or_confirmation_clears_the_slip(tmp_path, real_units):
    """A slip corrected in 2023_rev1.csv, or a note '已核实', is no longer a problem."""
    from planeval.intake.observations import check_paths, load_observations

    values = {2020: 15.1, 2021: 14.8, 2022: 14.5, 2023: 143}
    folder = _series(tmp_path, "maternal_mortality", "1/10万", values)
    (folder / "2023_rev1.csv").write_text(H + "maternal_mortality,14.3,1/10万,total,,\n")
    checks, problems = check_paths([folder], tmp_path, real_units)
    assert _history(checks, problems) == []
    assert load_observations(tmp_path, "demo", real_units)["value"].tolist()[-1] == 14.3
    (folder / "2023_rev1.csv").unlink()
    _series(tmp_path, "maternal_mortality", "1/10万", {2023: 143}, {2023: "已核实"})
    checks, problems = check_paths([folder], tmp_path, real_units)
    assert _history(checks, problems) == []


@pytest.mark.parametrize("geography", sorted(p.name for p in (DATA / "observations").iterdir()))
def test_shipped_data_has_no_history_slip(geography, real_units):
    """Every shipped series passes the rule (the largest ratio in them: Shanghai's maternal
    mortality 1.15 per 10万 in 2018 is 1/3.99 of its 4 nearest years' median 4.58)."""
    from planeval.intake.observations import check_paths

    folder = DATA / "observations" / geography
    checks, problems = check_paths([folder], DATA, real_units)
    assert _history(checks, problems) == []


def test_history_ratio_comes_from_the_settings_file(tmp_path, real_units):
    """intake.history_ratio 0 switches the rule off; 0.5 (a ratio must be above 1) is refused
    naming the key."""
    import yaml

    from planeval.core.errors import InputError
    from planeval.core.settings import load_settings
    from planeval.intake.observations import check_paths

    folder = _series(tmp_path, "maternal_mortality", "1/10万", {2021: 14, 2022: 15, 2023: 143})
    settings = yaml.safe_load((DATA / "config" / "assessment.yaml").read_text(encoding="utf-8"))
    (tmp_path / "config").mkdir()
    for ratio, found in ((0, 0), (20, 0), (5, 1)):  # 143 / 14.5 = 9.9: flagged at 5, not 20
        settings["intake"]["history_ratio"] = ratio
        text = yaml.safe_dump(settings, allow_unicode=True)
        (tmp_path / "config" / "assessment.yaml").write_text(text, encoding="utf-8")
        assert len(_history(*check_paths([folder], tmp_path, real_units))) == found, ratio
    settings["intake"]["history_ratio"] = 0.5
    (tmp_path / "config" / "assessment.yaml").write_text(yaml.safe_dump(settings))
    with pytest.raises(InputError) as info:
        load_settings(tmp_path)
    assert "intake.history_ratio = 0.5 must be 0 (off) or a number above 1" in str(info.value)
