"""Loaders reject malformed input with a message naming file, row and column."""

import shutil
from pathlib import Path

import pytest

from planeval.core.errors import InputError
from planeval.intake.observations import load_observations
from planeval.plans.catalogue import known_units, load_plan

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture()
def data_dir(tmp_path):
    shutil.copytree(DATA / "plans", tmp_path / "plans")
    shutil.copy(DATA / "indicators.yaml", tmp_path / "indicators.yaml")
    (tmp_path / "observations" / "x").mkdir(parents=True)
    return tmp_path


def _write(data_dir, text, year=2022):
    path = data_dir / "observations" / "x" / f"{year}.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_non_numeric_value_names_file_row_and_column(data_dir):
    path = _write(
        data_dir,
        "indicator_id,value,unit,sex,source,note\n"
        "infant_mortality,4.9,‰,total,s,\n"
        "under5_mortality,six point eight,‰,total,s,\n",
    )
    with pytest.raises(InputError) as err:
        load_observations(data_dir, "x", units=known_units(data_dir))
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.column) == (str(path), 3, "value")
    assert "six point eight" in str(err.value)


def test_wrong_column_is_named(data_dir):
    _write(data_dir, "indicator_id,valeur,unit,sex,source,note\ninfant_mortality,4.9,‰,total,s,\n")
    with pytest.raises(InputError) as err:
        load_observations(data_dir, "x", units=known_units(data_dir))
    columns = {p.column for p in err.value.problems}
    assert {"value", "valeur"} <= columns


def test_unknown_indicator_is_named_with_row(data_dir):
    _write(
        data_dir,
        "indicator_id,value,unit,sex,source,note\ninfant_mortality,4.9,‰,total,s,\n"
        "infant_mortallity,4.9,‰,total,s,\n",
    )
    with pytest.raises(InputError) as err:
        load_observations(data_dir, "x", units=known_units(data_dir))
    (problem,) = err.value.problems
    assert (problem.row, problem.column) == (3, "indicator_id")
    assert "infant_mortallity" in problem.message_en


def test_unknown_plan_name_lists_the_available_ones():
    with pytest.raises(InputError) as err:
        load_plan("woman", DATA)
    assert "children" in str(err.value) and "women" in str(err.value)


def test_shipped_national_data_loads_and_respects_cutoff():
    obs = load_observations(DATA, "china", units=known_units(DATA), up_to_year=2020)
    assert obs["year"].max() == 2020
    u5 = obs[(obs.indicator_id == "under5_mortality")].set_index("year")["value"]
    assert u5.loc[2020] == 7.5
