"""Every malformed file of tests/data/bad/ gets exactly the problems listed in expected.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from planeval.intake.observations import check_paths
from planeval.plans.catalogue import known_units

HERE = Path(__file__).resolve().parent
BAD = HERE / "data" / "bad"
GOOD = HERE / "data" / "good"
EXPECTED = yaml.safe_load((BAD / "expected.yaml").read_text(encoding="utf-8"))
DATA_FILES = sorted(p.name for p in BAD.iterdir() if p.suffix in (".csv", ".xlsx", ".xls"))


@pytest.fixture(scope="module")
def units():
    return known_units(GOOD)


def test_corpus_has_at_least_30_files_each_with_expected_messages():
    assert len(DATA_FILES) >= 30
    assert sorted(EXPECTED) == DATA_FILES


@pytest.mark.parametrize("name", DATA_FILES)
def test_bad_file_gives_exactly_the_expected_problems(name, units):
    checks, problems = check_paths([BAD / name], GOOD, units, geography="demo")
    found = problems + [p for c in checks for p in c.problems]
    got = [
        {"sheet": p.sheet, "row": p.row, "column": p.column, "en": p.message_en, "zh": p.message_zh}
        for p in found
    ]
    assert got == EXPECTED[name]
    for p in found:
        assert p.file == str(BAD / name)
        assert p.fix and p.fix_zh, f"{name}: a problem without a fix in both languages"
    # no value of a bad row reaches the data
    for c in checks:
        bad_cells = {(p.sheet or "", p.row) for p in c.problems if p.row is not None}
        kept = set(zip(c.frame["sheet"], c.frame["row"], strict=False))
        assert not kept & bad_cells
