"""The processed Parquet store: every vintage, provenance per value, rebuilt only when clean."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from planeval.core.errors import InputError
from planeval.intake.observations import sha256_of
from planeval.store.database import build_store, read_store

GOOD = Path(__file__).resolve().parent / "data" / "good"


@pytest.fixture()
def data_dir(tmp_path):
    for part in ("plans", "observations"):
        shutil.copytree(GOOD / part, tmp_path / part)
    shutil.copy(GOOD / "indicators.yaml", tmp_path / "indicators.yaml")
    return tmp_path


def test_store_holds_every_vintage_with_provenance(data_dir):
    before = {p: sha256_of(p) for p in (data_dir / "observations").rglob("*") if p.is_file()}
    out = build_store(data_dir)
    assert out == data_dir / "processed"
    obs = read_store(data_dir)
    # 2021: 3 values; 2022: 6; 2022_rev1: 1; 2023 template: 3 + 1 + 3 + 1 (account) = 8
    assert len(obs) == 3 + 6 + 1 + 8
    nm = obs[(obs.indicator_id == "neonatal_mortality") & (obs.year == 2022) & (obs.sex == "total")]
    assert nm.sort_values("vintage")[["value", "vintage", "current"]].values.tolist() == [
        [2.4, 0, False],
        [2.5, 1, True],
    ]
    for rec in obs.itertuples():
        assert rec.sha256 == sha256_of(rec.file) and rec.row >= 2
    files = read_store(data_dir, table="files")
    assert sorted(Path(f).name for f in files["file"]) == [
        "2021.csv",
        "2022.csv",
        "2022_rev1.csv",
        "2023.xlsx",
    ]
    assert dict(zip(files["file"].map(lambda f: Path(f).name), files["values"], strict=False)) == {
        "2021.csv": 3,
        "2022.csv": 6,
        "2022_rev1.csv": 1,
        "2023.xlsx": 8,
    }
    after = {p: sha256_of(p) for p in (data_dir / "observations").rglob("*") if p.is_file()}
    assert after == before


def test_failed_build_keeps_the_last_good_store(data_dir):
    build_store(data_dir)
    good = (data_dir / "processed" / "observations" / "demo.parquet").read_bytes()
    (data_dir / "observations" / "demo" / "2024.csv").write_text(
        "indicator_id,value,unit\nneonatal_mortality,abc,‰\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as err:
        build_store(data_dir)
    assert err.value.problems[0].message_en == "value 'abc' is not a number"
    assert (data_dir / "processed" / "observations" / "demo.parquet").read_bytes() == good
    leftovers = sorted(str(p.relative_to(data_dir)) for p in data_dir.glob("processed/**/*.*"))
    assert leftovers == [  # no temporary file left
        "processed/files/demo.parquet",
        "processed/observations/demo.parquet",
    ]


def test_unbuilt_store_is_a_clear_error(tmp_path):
    with pytest.raises(InputError) as err:
        read_store(tmp_path)
    assert "has not been built" in err.value.problems[0].message_en


def test_reports_read_the_database_rebuilt_when_a_submission_changes(data_dir):
    """load_geography gives the reader's frame, from the store; a corrected file rebuilds it."""
    from planeval.intake.observations import load_observations
    from planeval.plans.catalogue import known_units
    from planeval.store.database import load_geography

    units = known_units(data_dir)
    direct = load_observations(data_dir, "demo", units, up_to_year=2022)
    stored = load_geography(data_dir, "demo", up_to_year=2022)
    pd.testing.assert_frame_equal(stored, direct)
    assert (data_dir / "processed" / "observations" / "demo.parquet").exists()
    # the 2021 file's first value is corrected: the next read sees the new number
    path = data_dir / "observations" / "demo" / "2021.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    head, first = lines[0].split(","), lines[1].split(",")
    old = float(first[head.index("value")])
    first[head.index("value")] = str(old + 1)
    path.write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n", encoding="utf-8")
    again = load_geography(data_dir, "demo", up_to_year=2022)
    row = again[(again.file == str(path)) & (again.row == 2)]
    assert row["value"].tolist() == [old + 1]


def test_a_bad_later_file_does_not_block_an_earlier_cut_off(data_dir):
    """A broken 2024 file stops the store's rebuild, not a 2022 report (read from the files)."""
    from planeval.store.database import load_geography

    (data_dir / "observations" / "demo" / "2024.csv").write_text(
        "indicator_id,value,unit\nneonatal_mortality,abc,‰\n", encoding="utf-8"
    )
    assert len(load_geography(data_dir, "demo", up_to_year=2022)) > 0
    with pytest.raises(InputError):
        load_geography(data_dir, "demo")


def test_sql_over_the_parquet_files(data_dir):
    """DuckDB query: the current 2022 neonatal mortality is the revision's 2.5 (2022_rev1.csv,
    see test_store_holds_every_vintage_with_provenance), with the file and row it came from."""
    from planeval.store import query

    got = query(
        "SELECT value, vintage, file, row FROM observations WHERE indicator_id = "
        "'neonatal_mortality' AND year = 2022 AND sex = 'total' AND current",
        data_dir,
    )
    assert got[["value", "vintage"]].values.tolist() == [[2.5, 1]]
    assert got["file"].tolist() == ["observations/demo/2022_rev1.csv"] and got["row"][0] >= 2
    files = query("SELECT count(*) AS n FROM files", data_dir)
    assert files["n"].tolist() == [4]
