"""The processed Parquet store: every vintage, provenance per value, rebuilt only when clean."""

from __future__ import annotations

import shutil
from pathlib import Path

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
    good = (data_dir / "processed" / "observations.parquet").read_bytes()
    (data_dir / "observations" / "demo" / "2024.csv").write_text(
        "indicator_id,value,unit\nneonatal_mortality,abc,‰\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as err:
        build_store(data_dir)
    assert err.value.problems[0].message_en == "value 'abc' is not a number"
    assert (data_dir / "processed" / "observations.parquet").read_bytes() == good
    leftovers = sorted(p.name for p in (data_dir / "processed").iterdir())
    assert leftovers == ["files.parquet", "observations.parquet"]  # no temporary file left


def test_unbuilt_store_is_a_clear_error(tmp_path):
    with pytest.raises(InputError) as err:
        read_store(tmp_path)
    assert "has not been built" in err.value.problems[0].message_en
