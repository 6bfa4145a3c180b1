"""The office's narrative files: every problem of a file in one pass, "did you mean" for a
near miss, and ``planeval validate`` running the very check the reports run (newcomer2:
validate said clean while the report refused; two typos took two runs; a typo got a list
of 39 ids)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from planeval.cli import app
from planeval.core.errors import InputError

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture()
def world(tmp_path):
    """The tiny world of test_batch (plan ``tiny``, geography geo_a, its indicators)."""
    from test_batch import TINY_INDICATORS, make_tiny_world

    data = make_tiny_world(tmp_path, geographies=("geo_a",))
    folder = data / "narrative" / "geo_a"
    folder.mkdir(parents=True)
    return data, folder / "tiny_annual_2023.yaml", sorted(TINY_INDICATORS)


def _near_miss(indicator_id: str) -> str:
    """The id with its last letter doubled (``..._rate`` -> ``..._ratee``)."""
    return indicator_id + indicator_id[-1]


def test_every_problem_of_a_narrative_file_in_one_pass_with_did_you_mean(world):
    from planeval.reporting.narrative import check_narrative

    data, path, ids = world
    typo = _near_miss(ids[0])
    path.write_text(f"overal: 总体……\nindicators:\n  {typo}:\n    cause: 原因……\n", "utf-8")
    with pytest.raises(InputError) as info:
        check_narrative(data, "geo_a", "tiny", "annual", 2023)
    found = info.value.problems
    assert [p.message_en.split(":")[0] for p in found] == [path.name, f"indicators.{typo}"]
    assert found[0].message_en.endswith("unknown key overal; did you mean overall?")
    assert found[0].message_zh.endswith("是否应为 overall？")
    assert (found[0].fix, found[0].fix_zh) == ("write overall", "改为 overall")
    assert f"did you mean {ids[0]}?" in found[1].message_en
    assert found[1].fix == f"write {ids[0]}"  # not the plan's whole list
    assert all(p.file == str(path) and p.code == "narrative" for p in found)
    # each at its key's line (overal: line 1; the indicator id: line 3), the key as column
    assert [(p.row, p.column) for p in found] == [(1, "overal"), (3, f"indicators.{typo}")]


def test_a_far_miss_lists_the_plan_keys(world):
    from planeval.reporting.narrative import check_narrative

    data, path, ids = world
    path.write_text("indicators:\n  xyz:\n    cause: 原因……\n", "utf-8")
    with pytest.raises(InputError) as info:
        check_narrative(data, "geo_a", "tiny", "annual", 2023)
    (problem,) = info.value.problems
    assert "did you mean" not in problem.message_en
    assert problem.fix.startswith("use one of ") and all(i in problem.fix for i in ids)


def test_validate_checks_narrative_files_as_the_report_does(world):
    """Was: 'clean' with rc 0 for a narrative file the report then refused."""
    from planeval.reporting.narrative import check_narrative

    data, path, ids = world
    text = f"overal: 总体……\nindicators:\n  {_near_miss(ids[0])}:\n    cause: x\n"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError) as info:
        check_narrative(data, "geo_a", "tiny", "annual", 2023)
    result = CliRunner().invoke(
        app, ["validate", "--data-dir", str(data), str(data / "observations" / "geo_a")]
    )
    assert result.exit_code == 1
    assert f"FAIL {path}: narrative, 2 problem(s)" in result.output
    for problem in info.value.problems:  # the report's own messages, word for word
        assert str(problem) in result.output
    # a good file is listed as ok
    path.write_text("author: 办公室\n", "utf-8")
    result = CliRunner().invoke(
        app, ["validate", "--data-dir", str(data), str(data / "observations" / "geo_a")]
    )
    assert result.exit_code == 0 and f"ok   {path}: narrative, 0 problem(s)" in result.output


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("tiny_midterms_2023.yaml", "the reports read <plan>_<stage>_<year>.yaml"),
        ("tiney_annual_2023.yaml", "no plan 'tiney' under plans/: the file is never read; "
         "did you mean tiny?"),
    ],
)  # fmt: skip
def test_a_narrative_file_the_reports_never_read_is_a_problem(world, name, words):
    from planeval.reporting.narrative import check_narrative_files

    data, path, _ = world
    (path.parent / name).write_text("overall: 总体……\n", "utf-8")
    files, problems = check_narrative_files(data)
    assert files == [path.parent / name]
    (problem,) = problems
    assert problem.file == str(path.parent / name) and words in problem.message_en


def test_shipped_narrative_files_are_clean():
    from planeval.reporting.narrative import check_narrative_files

    files, problems = check_narrative_files(DATA)
    assert files and problems == []
