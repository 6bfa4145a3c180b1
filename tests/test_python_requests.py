"""The Python functions that take a geography or a year refuse what the commands refuse
(issue 22 item 5): each runs the request check of :mod:`planeval.plans.requests` itself, so a
caller that skips the CLI gets the same bilingual message (the fix in Python's words, ``year=``)
and nothing is written.

The reference is the command line's own output for the same request: ``planeval status`` for a
submission's year and geography, ``planeval report`` for a report's stage and year.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import planeval
from planeval.cli import app
from planeval.core.errors import InputError

DATA = Path(__file__).resolve().parents[1] / "data"


def cli_output(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 1, result.output
    return result.output


@pytest.fixture(scope="module")
def status_refusals(tmp_path_factory) -> dict[str, str]:
    """The command line's refusal of a display name and of a year no data can have."""
    out = tmp_path_factory.mktemp("cli") / "s.html"
    common = ["status", "--data-dir", str(DATA), "--out", str(out)]
    return {
        "geography": cli_output(*common, "--geography", "新疆", "--year", "2024"),
        "year": cli_output(*common, "--geography", "china", "--year", "1925"),
    }


@pytest.fixture(scope="module")
def children_2024():
    return planeval.assess("children", "china", 2024, data_dir=DATA)


def assert_same_refusal(exc: pytest.ExceptionInfo, cli: str, python_fix: str) -> None:
    """Every problem's English and Chinese message is the command line's, word for word; the
    fix names the Python argument, not a command-line option."""
    assert exc.value.problems
    for problem in exc.value.problems:
        assert problem.message_en in cli and problem.message_zh in cli
        assert python_fix in problem.fix and "--" not in problem.fix


def _template(tmp_path, geography, year):
    from planeval.intake.workbook import write_template

    return write_template("children", year, geography, tmp_path / "t.xlsx", data_dir=DATA)


def _status_page(tmp_path, geography, year):
    from planeval.reporting.status_page import write_status_page

    return write_status_page(DATA, geography, year, tmp_path / "s.html")


def _observations(tmp_path, geography, year):
    return planeval.load_observations(geography, data_dir=DATA, up_to_year=year)


def _overview(tmp_path, geography, year):
    from planeval.publish.overview_run import build_overview_files

    return build_overview_files("children", "annual", year, geography, DATA, tmp_path / "o")


WRITERS = {
    "write_template": _template,
    "write_status_page": _status_page,
    "load_observations": _observations,
    "build_overview_files": _overview,
}


@pytest.mark.parametrize("function", list(WRITERS))
def test_a_display_name_is_refused_naming_its_code_as_the_command_does(
    tmp_path, status_refusals, function
):
    """write_template and write_status_page (through submission_status) check since 360bb64;
    load_observations did; an overview's parent got its own message without the code."""
    with pytest.raises(InputError) as exc:
        WRITERS[function](tmp_path, "新疆", 2024)
    fix = "parent='xinjiang'" if function == "build_overview_files" else "geography='xinjiang'"
    if function == "build_overview_files":  # a command-line option there (--parent)
        (problem,) = exc.value.problems
        assert problem.message_en in status_refusals["geography"]
        assert problem.fix.endswith("--parent xinjiang")
    else:
        assert_same_refusal(exc, status_refusals["geography"], fix)
    assert not list(tmp_path.rglob("*.*"))


@pytest.mark.parametrize("function", ["write_template", "write_status_page", "load_observations"])
def test_a_year_no_data_can_have_is_refused_with_the_one_range(tmp_path, status_refusals, function):
    """1925: 'data year 1925 is outside 2001–<last>' in both languages, as `planeval status`."""
    with pytest.raises(InputError) as exc:
        WRITERS[function](tmp_path, "china", 1925)
    param = "up_to_year" if function == "load_observations" else "year"
    assert_same_refusal(exc, status_refusals["year"], f"pass {param} between 2001 and")
    assert not list(tmp_path.rglob("*.*"))


def test_load_observations_reads_a_year_given_as_text_and_refuses_a_fraction():
    """``up_to_year="2023"`` is 2023 (the rows stop there); 2023.5 is refused in both
    languages, not a TypeError from the store."""
    frame = planeval.load_observations("china", data_dir=DATA, up_to_year="2023")
    assert int(frame["year"].max()) == 2023
    with pytest.raises(InputError) as exc:
        planeval.load_observations("china", data_dir=DATA, up_to_year=2023.5)
    (problem,) = exc.value.problems
    assert "whole number" in problem.message_en and "整数年份" in problem.message_zh


def test_a_midterm_overview_refuses_the_base_year_as_the_report_does(tmp_path):
    """Before: the overview checked the year as an assessment (the base year 2020 allowed)
    while `planeval report --stage midterm --year 2020` refused it."""
    from planeval.publish.overview_run import build_overview_files

    report = cli_output(
        "report", "--plan", "children", "--stage", "midterm", "--year", "2020",
        "--geography", "china", "--data-dir", str(DATA), "--out", str(tmp_path / "r"),
    )  # fmt: skip
    with pytest.raises(InputError) as exc:
        build_overview_files("children", "midterm", 2020, "china", DATA, tmp_path / "o")
    (problem,) = exc.value.problems
    assert "a midterm evaluation needs data of the plan period" in problem.message_en
    assert problem.message_en in report and problem.message_zh in report
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_overlay_and_plot_indicator_refuse_a_display_name_naming_its_code(
    children_2024, status_refusals
):
    """Before: overlay(a, id, "新疆") and plot_indicator(reference="新疆") said 'no observation
    files' without the code the name matches."""
    indicator = "under5_mortality"
    with pytest.raises(InputError) as exc:
        planeval.overlay(children_2024, indicator, "新疆")
    assert_same_refusal(exc, status_refusals["geography"], "geographies='xinjiang'")
    with pytest.raises(InputError) as exc:
        planeval.plot_indicator(indicator, children_2024, reference="新疆")
    assert_same_refusal(exc, status_refusals["geography"], "reference='xinjiang'")
