"""Names as people type them (issue 22 item 6): an indicator's exact catalogue name (婴儿死亡率)
in a yearly file is read as its indicator_id and kept as written in ``indicator_written`` (also
in the store); a near miss gets "did you mean ...?"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planeval.intake.observations import check_paths
from planeval.plans.catalogue import known_units

DATA = Path(__file__).resolve().parents[1] / "data"
HEADER = "indicator_id,value,unit,sex,source,note\n"


@pytest.fixture(scope="module")
def units():
    return known_units(DATA)


def _check(tmp_path, units, rows: str):
    path = tmp_path / "2023.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    checks, problems = check_paths([path], DATA, units, geography="baijiantan")
    return checks[0], problems + checks[0].problems


def test_the_catalogue_s_chinese_name_is_read_as_the_indicator(tmp_path, units):
    """Was 'unknown indicator' with no suggestion although it is exactly the catalogue's name
    (plan target infant_mortality, registered indicator maternal_mortality)."""
    check, found = _check(
        tmp_path,
        units,
        "婴儿死亡率,3.1,‰,total,卫健委,\ninfant_mortality,3.0,‰,female,卫健委,\n"
        "孕产妇死亡率,12.5,1/10万,total,卫健委,\n",
    )
    assert found == []
    frame = check.frame.set_index(["indicator_id", "sex"])
    assert frame.loc[("infant_mortality", "total"), "indicator_written"] == "婴儿死亡率"
    assert frame.loc[("infant_mortality", "female"), "indicator_written"] == "infant_mortality"
    assert frame.loc[("maternal_mortality", "total"), "value"] == pytest.approx(12.5)
    assert (
        "indicator '婴儿死亡率' read as infant_mortality"
        in (frame.loc[("infant_mortality", "total"), "parse_note"])
    )


def test_a_name_and_an_id_for_one_indicator_are_a_duplicate(tmp_path, units):
    _, found = _check(
        tmp_path, units, "婴儿死亡率,3.1,‰,total,卫健委,\ninfant_mortality,3.0,‰,total,卫健委,\n"
    )
    (problem,) = found
    assert problem.row == 3 and "second value for infant_mortality (total)" in problem.message_en


def test_the_unit_is_checked_against_the_named_indicator(tmp_path, units):
    _, found = _check(tmp_path, units, "婴儿死亡率,0.31,%,total,卫健委,\n")
    (problem,) = found
    assert "does not match the catalogue unit '‰' of infant_mortality" in problem.message_en


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("婴儿死亡", "infant_mortality (婴儿死亡率)"),  # a character short
        ("infant_mortalty", "infant_mortality (婴儿死亡率)"),  # a typo in the id
        ("Infant_Mortality", "infant_mortality (婴儿死亡率)"),
    ],
)
def test_a_near_miss_gets_did_you_mean(tmp_path, units, written, meant):
    _, found = _check(tmp_path, units, f"{written},3.1,‰,total,卫健委,\n")
    (problem,) = found
    assert problem.column == "indicator_id"
    assert problem.message_en == f"unknown indicator '{written}'; did you mean {meant}?"
    assert "是否为 infant_mortality（婴儿死亡率）？" in problem.message_zh


def test_nothing_close_gets_no_guess(tmp_path, units):
    _, found = _check(tmp_path, units, "zzz_qqq,3.1,‰,total,卫健委,\n")
    (problem,) = found
    assert problem.message_en == "unknown indicator 'zzz_qqq'"


def test_the_store_keeps_the_name_as_written(tmp_path):
    from planeval.store.database import load_geography

    data = tmp_path / "data"
    data.mkdir()
    for name in ("plans", "config"):
        shutil.copytree(DATA / name, data / name)
    for name in ("geographies.yaml", "departments.yaml", "units.yaml", "indicators.yaml"):
        shutil.copy(DATA / name, data / name)
    folder = data / "observations" / "baijiantan"
    folder.mkdir(parents=True)
    (folder / "2023.csv").write_text(HEADER + "婴儿死亡率,3.1,‰,total,卫健委,\n", "utf-8")
    stored = load_geography(data, "baijiantan")
    row = stored[stored["indicator_id"] == "infant_mortality"].iloc[0]
    assert row["indicator_written"] == "婴儿死亡率" and row["value"] == pytest.approx(3.1)


def test_suggestions_are_bounded_for_a_file_of_made_up_ids(tmp_path, units):
    """difflib compares each unknown text with every id and name: only the first
    MAX_SUGGESTIONS distinct ones get a "did you mean", so a 200,000-row file of made-up ids
    stays linear (see make bench); every row is still reported."""
    from planeval.intake.schema import MAX_SUGGESTIONS

    rows = "".join(f"infant_mortalty_{i},3.1,‰,total,卫健委,\n" for i in range(MAX_SUGGESTIONS + 5))
    _, found = _check(tmp_path, units, rows)
    assert len(found) == MAX_SUGGESTIONS + 5
    hinted = [p for p in found if "did you mean" in p.message_en]
    assert len(hinted) == MAX_SUGGESTIONS
    assert found[-1].message_en == f"unknown indicator 'infant_mortalty_{MAX_SUGGESTIONS + 4}'"
