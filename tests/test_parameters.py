"""Parameters of the evaluation notebook (issue 15, failures 1 and 2).

1. A notebook without a cell tagged ``parameters``, or whose parameters cell does not declare
   a parameter passed, is refused before anything runs (papermill only logs a warning and runs
   the notebook's own defaults: the wrong report under the right name).
2. Every route (papermill directly, ``planeval report``/``batch``, Airflow) goes through one
   check, :func:`planeval.publish.parameters.check_parameters`, called by the notebook's first
   cell after the parameters; a bad value stops the run with the message and no traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from test_batch import make_tiny_world, mini_notebook, write_runlist

from planeval.core.errors import InputError
from planeval.publish.batch import run_batch
from planeval.publish.fingerprint import NOTEBOOK
from planeval.publish.runner import build_report

try:
    from planeval.publish.parameters import check_notebook, check_parameters
except ImportError:  # the code before issue 15
    check_notebook = check_parameters = None

PAPERMILL = Path(sys.executable).with_name("papermill")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    return make_tiny_world(tmp_path_factory.mktemp("params"), geographies=("geo_a", "china"))


def problems_of(exc: pytest.ExceptionInfo) -> str:
    return "\n".join(str(p) for p in exc.value.problems)


# --- 1. the notebook's parameters cell ------------------------------------------------------


def untagged_notebook(path: Path) -> Path:
    nb = nbformat.read(mini_notebook(path), as_version=4)
    nb.cells[0].metadata["tags"] = []
    nbformat.write(nb, path)
    return path


def test_notebook_without_a_parameters_tag_fails_the_batch_and_writes_no_report(world, tmp_path):
    """Before: papermill logged a warning, ran the defaults and the batch said done (exit 0)."""
    nb = untagged_notebook(tmp_path / "untagged.ipynb")
    out = tmp_path / "reports"
    runlist = write_runlist(
        tmp_path / "r.yaml", world, out, nb, geographies=["geo_a"], stages=["final"], years=[2023]
    )
    summary = run_batch(runlist, workers=1)
    (row,) = summary["runs"]
    assert row["status"] == "failed" and summary["exit_code"] == 1
    assert "no cell tagged 'parameters'" in row["message"]
    assert "没有单元格带有 'parameters' 标签" in row["message"]
    assert not (out / "geo_a_tiny_final_2023.html").exists()
    record = (out / "failed" / "geo_a_tiny_final_2023.txt").read_text(encoding="utf-8")
    assert "nothing was executed" in record


def test_parameter_the_notebook_does_not_declare_is_refused_before_running(world, tmp_path):
    nb_path = mini_notebook(tmp_path / "nolang.ipynb")
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells[0].source = nb.cells[0].source.replace('lang = "zh"', "")
    nb.cells.append(nbformat.v4.new_code_cell("raise SystemExit('must not run')"))
    nbformat.write(nb, nb_path)
    with pytest.raises(InputError) as exc:
        build_report("tiny", "annual", 2023, "geo_a", world, out=tmp_path / "out", notebook=nb_path)
    text = problems_of(exc)
    assert "does not declare lang" in text and str(nb_path) in text
    assert not (tmp_path / "out" / "failed" / "geo_a_tiny_annual_2023.ipynb").exists()


def test_two_parameters_cells_are_refused(tmp_path):
    nb_path = mini_notebook(tmp_path / "two.ipynb")
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells[1].metadata["tags"] = ["parameters"]
    nbformat.write(nb, nb_path)
    with pytest.raises(InputError, match=r"2 cells \(\[0, 1\]\) tagged 'parameters'"):
        check_notebook(nb_path, {"plan": "tiny"})


def test_shipped_notebook_declares_every_parameter_the_runner_passes():
    """Every field of a ReportSpec the runner may pass (annex and reference_geography when
    not their defaults, word_path with docx)."""
    from planeval.reporting.spec import ReportSpec

    spec = ReportSpec("women", "final", 2024, "china", "en", annex="full", reference_geography="")
    check_notebook(NOTEBOOK, {**spec.notebook_parameters("/data"), "word_path": ""})


# --- 2. one check of the values --------------------------------------------------------------


def test_good_parameters_are_returned_normalised(world):
    spec, data_dir = check_parameters("tiny", "final", "2023", "geo_a", str(world), "en", "null")
    assert spec.year == 2023 and data_dir == str(world.absolute())
    assert spec.reference_geography is None  # "null" (papermill -p ... null) means not given
    assert spec.annex == "brief" and spec.name == "geo_a_tiny_final_2023_en.html"
    checked = check_parameters("tiny", "final", 2023, "geo_a", world, "zh", "")
    assert checked.spec.reference_geography == ""
    checked = check_parameters("tiny", "final", 2023, "geo_a", world, "zh", "china", "full")
    assert checked.spec.reference_geography == "china" and checked.spec.annex == "full"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"stage": "Final"}, "unknown stage 'Final'"),
        ({"lang": "EN"}, "unknown lang 'EN'"),
        ({"geography": 101}, "papermill -r geography VALUE"),
        ({"year": True}, "year must be a whole number"),
        ({"year": 2023.5}, "year must be a whole number"),
        ({"year": 2030}, "data year 2030 is outside plan 'tiny'"),
        ({"year": 2020}, "a final evaluation needs data of the plan period"),
        ({"annex": "long"}, "unknown annex 'long'"),
        ({"plan": "null"}, "plan is missing or empty"),
        ({"reference_geography": "nowhere"}, "reference geography 'nowhere'"),
        ({"geography": "geo_x"}, "no observation files for geography 'geo_x'"),
    ],
)
def test_bad_parameter_is_refused_with_its_fix(world, kwargs, expected):
    args = {"plan": "tiny", "stage": "final", "year": 2023, "geography": "geo_a"}
    args.update(data_dir=str(world), lang="zh", reference_geography=None)
    args.update(kwargs)
    with pytest.raises(InputError) as exc:
        check_parameters(**args)
    assert expected in problems_of(exc)
    assert all(p.message_zh for p in exc.value.problems)


def test_all_value_problems_are_listed_at_once(world):
    with pytest.raises(InputError) as exc:
        check_parameters("tiny", "Final", 2023, 101, str(world), "EN")
    assert [p.file for p in exc.value.problems] == ["--stage", "--geography", "--lang"]


def test_data_dir_without_plans_is_refused(tmp_path):
    with pytest.raises(InputError, match="has no plans/ folder"):
        check_parameters("tiny", "final", 2023, "geo_a", str(tmp_path), "zh")


def run_papermill(
    world: Path, tmp_path: Path, *params: str
) -> tuple[subprocess.CompletedProcess, dict]:
    executed = tmp_path / "out.ipynb"
    args = ["-p", "plan", "tiny", "-p", "year", "2023", "-p", "data_dir", str(world)]
    proc = subprocess.run(
        [str(PAPERMILL), str(NOTEBOOK), str(executed), "-k", "planeval", *args, *params],
        capture_output=True,
        text=True,
        timeout=900,  # only catches a hang
        cwd=tmp_path,
    )
    nb = json.loads(executed.read_text(encoding="utf-8")) if executed.exists() else {}
    return proc, nb


@pytest.mark.slow
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (("-p", "stage", "Final", "-p", "geography", "geo_a"), "unknown stage 'Final'"),
        (("-p", "stage", "final", "-p", "geography", "0101"), "-r geography"),
    ],
)
def test_papermill_directly_stops_at_the_check_with_the_message_and_no_traceback(
    world, tmp_path, params, expected
):
    """Before: ``-p stage Final`` exited 0 with a report titled "· Final ·"; ``-p geography
    0101`` failed later with a TypeError traceback."""
    proc, nb = run_papermill(world, tmp_path, *params)
    assert proc.returncode != 0
    assert expected in proc.stdout + proc.stderr
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert len(errors) == 1 and errors[0]["ename"] == "InputError"
    shown = "\n".join(errors[0]["traceback"])
    assert expected in shown and "Traceback" not in shown and "File " not in shown


# --- 3. one check of what is asked, whoever asks (issue 22 items 5-7) -----------------------

REPO = Path(__file__).resolve().parents[1]


def cli(*args: str):
    from typer.testing import CliRunner

    from planeval.cli import app

    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--geography", "新疆", "--year", "2024"], "'新疆' is a geography's name, not its code"),
        (["--geography", "xj", "--year", "2024"], "geography 'xj' is not in"),
        (["--geography", "china", "--year", "1925"], "data year 1925 is outside 2001–"),
        (["--geography", "china", "--year", "2031"], "data year 2031 is outside 2001–"),
    ],
)
def test_status_and_template_refuse_impossible_requests_with_one_message(tmp_path, args, expected):
    """Before: `status --geography 新疆` or `--year 1925` wrote an "all missing" page and
    `template --year 1925/2031` wrote templates that validate refuses later. Now both commands
    give the same message (one year range: the plans' history up to the current year), exit 1
    and write nothing."""
    status = cli("status", *args, "--out", str(tmp_path / "s.html"))
    template = cli("template", "--plan", "children", *args, "--out", str(tmp_path / "t.xlsx"))
    for result in (status, template):
        assert result.exit_code == 1, result.output
        assert expected in result.output and "修改方法" in result.output
        assert "Traceback" not in result.output
    assert status.output.split("\n")[1] == template.output.split("\n")[1]  # the same problem
    assert not list(tmp_path.iterdir())
    if "新疆" in args:
        assert "--geography xinjiang" in status.output  # the code it matches
    if "1925" in args or "2031" in args:
        assert status.output.count("–") == 1  # one range in one message


def test_assess_in_python_and_on_the_command_line_refuse_the_same_year():
    """Before: planeval.assess(..., 2031) worked in Python while the CLI refused it."""
    import planeval

    with pytest.raises(InputError) as exc:
        planeval.assess("women", "china", 2031, data_dir=REPO / "data")
    (problem,) = exc.value.problems
    result = cli("assess", "--plan", "women", "--geography", "china", "--year", "2031")
    assert result.exit_code == 1
    assert problem.message_en in result.output  # the same words
    assert problem.fix == "pass year between 2020 and 2025"  # Python's argument, not --year
    assert "pass --year between 2020 and 2025" in result.output


@pytest.mark.parametrize("year", ["2024", " 2024 "])
def test_a_year_given_as_text_is_read(year):
    """Before: planeval.assess(..., "2024") raised a bare TypeError."""
    import planeval

    a = planeval.assess("children", "china", year, data_dir=REPO / "data")
    assert a.data_year == 2024


@pytest.mark.parametrize("year", ["二〇二四", "2024.0", 2024.5, True, None])
def test_a_year_that_is_not_a_whole_number_is_refused_clearly(year):
    import planeval

    with pytest.raises(InputError) as exc:
        planeval.assess("children", "china", year, data_dir=REPO / "data")
    (problem,) = exc.value.problems
    assert f"year must be a whole number such as 2023, not {year!r}" == problem.message_en
    assert problem.fix == "pass year=2023" and problem.message_zh


@pytest.mark.parametrize(
    ("geography", "code"),
    [("新疆维吾尔自治区", "xinjiang"), ("白碱滩", "baijiantan"), ("全国", "china")],
)
def test_a_geography_display_name_is_answered_with_its_code(geography, code):
    import planeval

    with pytest.raises(InputError) as exc:
        planeval.assess("children", geography, 2024, data_dir=REPO / "data")
    (problem,) = exc.value.problems
    assert f"'{geography}' is a geography's name, not its code: it matches {code}" in str(problem)
    assert problem.fix == f"pass the code: geography='{code}'"


def test_a_plan_title_word_is_answered_with_the_plans_it_names():
    """儿童 is in the titles of the district's and the national children's plans."""
    result = cli("assess", "--plan", "儿童", "--geography", "china", "--year", "2024")
    assert result.exit_code == 1
    assert "'儿童' is not a plan name; it is in the title of: children" in result.output
    assert "national_children" in result.output and "--plan children" in result.output


def test_readme_python_example_runs_from_the_repository_root_and_from_notebooks(monkeypatch):
    """Before: README's example passed data_dir="../data", which only works from notebooks/;
    now the default finds data/ from the root and ../data from notebooks/, and a mistake in
    Python names Python's arguments (plan=, data_dir=), never --plan or --data-dir."""
    import planeval

    monkeypatch.chdir(REPO)
    assert planeval.assess("children", "china", 2024).data_year == 2024
    monkeypatch.chdir(REPO / "notebooks")
    assert len(planeval.assess("women", "china", 2024).results) > 0
    with pytest.raises(InputError) as exc:
        planeval.assess("elderly", "china", 2024)
    text = str(exc.value)
    assert "pass plan with one of the names found, or data_dir pointing at" in text
    assert "--" not in text.replace("2021–2025", "")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert 'planeval.assess("children", "china", 2024)' in readme
