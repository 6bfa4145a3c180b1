"""One report (planeval.publish.runner): input fingerprint, atomic writes, complete-report index,
failure records, timings. The tiny world and the minimal notebook come from test_batch.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from test_batch import break_file, make_tiny_world, mini_notebook

from planeval.core.errors import InputError
from planeval.core.files import atomic_write_text, remove_stale_temp_files
from planeval.intake.observations import sha256_of
from planeval.publish.execution import NotebookError
from planeval.publish.fingerprint import input_fingerprint, is_current
from planeval.publish.index import complete_reports, write_index
from planeval.publish.runner import build_report


@pytest.fixture
def world(tmp_path) -> Path:
    return make_tiny_world(tmp_path, geographies=("geo_a",))


# --- fingerprint (fast) --------------------------------------------------------------------


def test_fingerprint_follows_the_files_up_to_the_cutoff_year(world):
    """A 2022 report reads 2019-2022: a change to 2023.csv, or a new 2024.csv, leaves its
    fingerprint as it was; a change to 2021.csv changes it, and only the 2021 entry differs."""
    geo = world / "observations" / "geo_a"
    before = input_fingerprint("tiny", "midterm", 2022, "geo_a", world)
    assert sorted(before["inputs"]["observations"]) == [
        "2019.csv",
        "2020.csv",
        "2021.csv",
        "2022.csv",
    ]
    assert before["inputs"]["observations"]["2021.csv"] == sha256_of(geo / "2021.csv")
    (geo / "2023.csv").write_text(
        (geo / "2023.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    shutil.copy(geo / "2023.csv", geo / "2024.csv")
    assert input_fingerprint("tiny", "midterm", 2022, "geo_a", world) == before
    (geo / "2021.csv").write_text(
        (geo / "2021.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    after = input_fingerprint("tiny", "midterm", 2022, "geo_a", world)
    assert after["sha256"] != before["sha256"]
    changed = {k for k in before["inputs"] if before["inputs"][k] != after["inputs"][k]}
    assert changed == {"observations"}
    assert {
        k
        for k, v in before["inputs"]["observations"].items()
        if after["inputs"]["observations"][k] != v
    } == {"2021.csv"}


def test_fingerprint_follows_parameters_plan_settings_and_notebook(world, tmp_path):
    base = input_fingerprint("tiny", "annual", 2023, "geo_a", world)["sha256"]
    assert input_fingerprint("tiny", "annual", 2023, "geo_a", world, lang="en")["sha256"] != base
    assert input_fingerprint("tiny", "final", 2023, "geo_a", world)["sha256"] != base
    nb = mini_notebook(tmp_path / "nb.ipynb")
    assert input_fingerprint("tiny", "annual", 2023, "geo_a", world, notebook=nb)["sha256"] != base
    settings = world / "config" / "assessment.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after_settings = input_fingerprint("tiny", "annual", 2023, "geo_a", world)["sha256"]
    assert after_settings != base
    plan = world / "plans" / "tiny.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert input_fingerprint("tiny", "annual", 2023, "geo_a", world)["sha256"] != after_settings
    # and nothing else moves it: two calls agree
    assert input_fingerprint("tiny", "annual", 2023, "geo_a", world) == input_fingerprint(
        "tiny", "annual", 2023, "geo_a", world
    )


def test_fingerprint_follows_the_reference_geography_drawn_beside_the_report(world):
    """A geo_a report draws china's values beside its own (reporting.default_reference): a
    change to china/2021.csv changes geo_a's 2022 fingerprint, china/2023.csv does not."""
    shutil.copytree(world / "observations" / "geo_a", world / "observations" / "china")
    china = world / "observations" / "china"
    before = input_fingerprint("tiny", "midterm", 2022, "geo_a", world)
    assert before["inputs"]["reference"]["geography"] == "china"
    assert sorted(before["inputs"]["reference"]["observations"]) == [
        "2019.csv",
        "2020.csv",
        "2021.csv",
        "2022.csv",
    ]
    (china / "2023.csv").write_text("changed", encoding="utf-8")
    assert input_fingerprint("tiny", "midterm", 2022, "geo_a", world) == before
    (china / "2021.csv").write_text(
        (china / "2021.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    assert input_fingerprint("tiny", "midterm", 2022, "geo_a", world) != before
    # china's own report has no reference
    assert input_fingerprint("tiny", "midterm", 2022, "china", world)["inputs"]["reference"] == {
        "geography": "",
        "observations": {},
    }


def test_fingerprint_of_unknown_plan_is_an_input_error(world):
    with pytest.raises(InputError, match="no plan named 'elderly'"):
        input_fingerprint("elderly", "annual", 2023, "geo_a", world)


# --- atomic writes and the index (fast) ----------------------------------------------------


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "r.html"
    atomic_write_text(target, "old report")
    with pytest.raises(TypeError):
        atomic_write_text(target, None)  # fails inside the write, after the temp file exists
    assert target.read_text(encoding="utf-8") == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_stale_temp_files_are_removed_and_nothing_else(tmp_path):
    (tmp_path / "failed").mkdir()
    stale = [tmp_path / ".a.html.x1y2.tmp", tmp_path / "failed" / ".a.txt.zz.tmp"]
    keep = [tmp_path / "a.html", tmp_path / "notes.tmp", tmp_path / "failed" / "a.txt"]
    for p in stale + keep:
        p.write_text("x", encoding="utf-8")
    assert sorted(remove_stale_temp_files(tmp_path)) == sorted(stale)
    assert all(p.exists() for p in keep) and not any(p.exists() for p in stale)


def _fake_report(out: Path, name: str, html: str, recorded_html: str | None = None) -> None:
    import hashlib

    (out / name).write_text(html, encoding="utf-8")
    meta = {
        "file": name,
        "plan": "tiny",
        "stage": "annual",
        "year": 2023,
        "geography": name[:5],
        "lang": "zh",
        "produced": "2026-01-01T00:00:00",
        "fingerprint": "f" * 64,
        "html_sha256": hashlib.sha256((recorded_html or html).encode()).hexdigest(),
    }
    (out / (name + ".json")).write_text(json.dumps(meta), encoding="utf-8")


def test_index_lists_only_reports_whose_html_matches_their_metadata(tmp_path):
    _fake_report(tmp_path, "geo_a_tiny_annual_2023.html", "<p>a</p>")
    # killed between the two writes: new HTML, metadata of the previous one
    _fake_report(
        tmp_path, "geo_b_tiny_annual_2023.html", "<p>new b</p>", recorded_html="<p>old b</p>"
    )
    # metadata whose HTML is gone; HTML without metadata
    _fake_report(tmp_path, "geo_c_tiny_annual_2023.html", "<p>c</p>")
    (tmp_path / "geo_c_tiny_annual_2023.html").unlink()
    (tmp_path / "geo_d_tiny_annual_2023.html").write_text("<p>d</p>", encoding="utf-8")
    assert [m["file"] for m in complete_reports(tmp_path)] == ["geo_a_tiny_annual_2023.html"]
    index = write_index(tmp_path).read_text(encoding="utf-8")
    assert 'href="geo_a_tiny_annual_2023.html"' in index
    for other in ("geo_b", "geo_c", "geo_d"):
        assert f'href="{other}' not in index
    assert is_current(tmp_path, "geo_a_tiny_annual_2023.html", "f" * 64)
    assert not is_current(tmp_path, "geo_a_tiny_annual_2023.html", "e" * 64)
    assert not is_current(tmp_path, "geo_b_tiny_annual_2023.html", "f" * 64)


def test_index_marks_a_report_whose_last_rebuild_failed_as_outdated(tmp_path):
    """geo_a's rebuild failed (a record under failed/): still listed, the good file kept, and
    marked outdated with the failure time and a link to the record; geo_b is not marked."""
    from bs4 import BeautifulSoup

    from planeval.publish.failures import last_failure, record_failure

    _fake_report(tmp_path, "geo_a_tiny_annual_2023.html", "<p>a</p>")
    _fake_report(tmp_path, "geo_b_tiny_annual_2023.html", "<p>b</p>")
    record_failure(tmp_path, "geo_a_tiny_annual_2023.html", {"year": 2023}, "cell 3 raised X")
    failure = last_failure(tmp_path, "geo_a_tiny_annual_2023.html")
    assert failure["record"] == "failed/geo_a_tiny_annual_2023.txt"
    assert failure["failed"][:4].isdigit() and "T" in failure["failed"]
    assert last_failure(tmp_path, "geo_b_tiny_annual_2023.html") is None
    soup = BeautifulSoup(write_index(tmp_path).read_text(encoding="utf-8"), "html.parser")
    rows = {tr.find("a")["href"]: tr for tr in soup.select("tbody tr")}
    assert set(rows) == {"geo_a_tiny_annual_2023.html", "geo_b_tiny_annual_2023.html"}
    marked = rows["geo_a_tiny_annual_2023.html"].select_one("td.outdated")
    assert "outdated" in marked.get_text() and failure["failed"] in marked.get_text()
    assert marked.find("a")["href"] == "failed/geo_a_tiny_annual_2023.txt"
    assert rows["geo_b_tiny_annual_2023.html"].select_one("td.outdated") is None
    assert rows["geo_b_tiny_annual_2023.html"].find_all("td")[-1].get_text() == "当前 · current"
    assert (tmp_path / "geo_a_tiny_annual_2023.html").read_text(encoding="utf-8") == "<p>a</p>"


# --- building one report (slow: a kernel starts) -------------------------------------------


@pytest.mark.slow
def test_build_skip_and_failure_records(world, tmp_path):
    """Build with the minimal notebook, skip it unchanged, fail it (cell error, then bad data)
    without touching the report, then build again: the failure records go away."""
    out = tmp_path / "reports"
    ok = mini_notebook(tmp_path / "ok.ipynb")
    name = "geo_a_tiny_annual_2023.html"
    first = build_report("tiny", "annual", 2023, "geo_a", world, out=out, notebook=ok, force=False)
    assert first.status == "done" and first.path == out / name
    meta = json.loads((out / (name + ".json")).read_text(encoding="utf-8"))
    assert meta["html_sha256"] == sha256_of(out / name)
    assert (
        meta["fingerprint"]
        == first.fingerprint
        == input_fingerprint("tiny", "annual", 2023, "geo_a", world, notebook=ok)["sha256"]
    )
    t = first.timings
    assert set(t) == {"fingerprint", "check", "kernel", "cells", "export", "write", "total"}
    assert min(t.values()) >= 0 and t["kernel"] > 0 and t["cells"] > 0 and t["export"] > 0
    assert sum(v for k, v in t.items() if k != "total") <= t["total"]
    assert "report for geo_a 2023" in (out / name).read_text(encoding="utf-8")

    good = (out / name).read_bytes()
    again = build_report("tiny", "annual", 2023, "geo_a", world, out=out, notebook=ok, force=False)
    assert again.status == "skipped" and set(again.timings) == {"fingerprint", "total"}

    bad = mini_notebook(tmp_path / "bad.ipynb", 'raise KeyError("missing " + geography)')
    with pytest.raises(NotebookError) as info:
        build_report("tiny", "annual", 2023, "geo_a", world, out=out, notebook=bad)
    assert info.value.ename == "KeyError"
    executed = nbformat.read(out / "failed" / "geo_a_tiny_annual_2023.ipynb", as_version=4)
    assert executed.cells[-1].outputs[0]["ename"] == "KeyError"
    record = (out / "failed" / "geo_a_tiny_annual_2023.txt").read_text(encoding="utf-8")
    assert "raised KeyError: 'missing geo_a'" in record
    assert (out / name).read_bytes() == good

    geo_file = world / "observations" / "geo_a" / "2020.csv"
    saved = geo_file.read_bytes()
    break_file(geo_file)
    with pytest.raises(InputError, match="not_an_indicator"):
        build_report("tiny", "annual", 2023, "geo_a", world, out=out, notebook=ok)
    record = (out / "failed" / "geo_a_tiny_annual_2023.txt").read_text(encoding="utf-8")
    assert "nothing was executed" in record and "2020.csv, row 2" in record
    assert (out / name).read_bytes() == good

    geo_file.write_bytes(saved)
    rebuilt = build_report("tiny", "annual", 2023, "geo_a", world, out=out, notebook=ok, force=True)
    assert rebuilt.status == "done"
    assert not list((out / "failed").iterdir())
    assert not [p for p in out.rglob("*.tmp")]


# --- input checks before any kernel (fast) -------------------------------------------------


@pytest.mark.parametrize("year", [1990, 2014, 2019, 2026, 2035])
def test_year_outside_base_year_to_target_year_is_refused(world, year):
    """The tiny plan runs 2021–2025: data years 2020 (base year) .. 2025 are allowed, so 2019
    (one before the base year) and 2026 (one after the target year) are the edges refused."""
    from planeval.publish.checks import check_inputs

    with pytest.raises(InputError) as info:
        check_inputs("tiny", "midterm", year, "geo_a", world, "zh")
    (problem,) = info.value.problems
    assert problem.file == "--year"
    assert f"data year {year}" in problem.message_en and "2021–2025" in problem.message_en
    assert "2020 and 2025" in problem.fix and "规划期" in problem.message_zh


@pytest.mark.parametrize("year", [2020, 2025])
def test_base_year_and_target_year_are_accepted(world, year):
    from planeval.publish.checks import check_inputs

    check_inputs("tiny", "final", year, "geo_a", world, "zh")  # no error


def test_geography_without_data_up_to_the_year_is_refused(world):
    """geo_a has files 2019..2023; remove 2019 and 2020 and ask for data year 2020."""
    from planeval.publish.checks import check_inputs

    for y in (2019, 2020):
        (world / "observations" / "geo_a" / f"{y}.csv").unlink()
    with pytest.raises(InputError, match=r"no observation file of 2020 or earlier.*2021, 2022"):
        check_inputs("tiny", "annual", 2020, "geo_a", world, "zh")
    with pytest.raises(InputError, match=r"no observation files for geography 'geo_x'.*geo_a"):
        check_inputs("tiny", "annual", 2023, "geo_x", world, "zh")


def test_input_error_of_a_single_report_leaves_no_failure_record(world, tmp_path):
    """``record_input_errors=False`` (the ``report`` command): message only, no failed/ file;
    the default (batch) keeps its record."""
    out = tmp_path / "reports"
    with pytest.raises(InputError, match="no plan named 'tin'"):
        build_report("tin", "annual", 2023, "geo_a", world, out=out, record_input_errors=False)
    assert not (out / "failed").exists()
    with pytest.raises(InputError):
        build_report("tin", "annual", 2023, "geo_a", world, out=out)
    assert (out / "failed" / "geo_a_tin_annual_2023.txt").is_file()


def test_out_that_is_a_file_or_has_no_parent_is_an_input_error(world, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("keep me", encoding="utf-8")
    with pytest.raises(InputError, match="is an existing file"):
        build_report("tiny", "annual", 2023, "geo_a", world, out=afile)
    with pytest.raises(InputError, match="does not exist"):
        build_report("tiny", "annual", 2023, "geo_a", world, out=tmp_path / "no" / "such")
    assert afile.read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "no").exists()


def test_report_command_prints_the_problem_and_writes_no_record(world, tmp_path):
    from typer.testing import CliRunner

    from planeval.cli import app

    out = tmp_path / "reports"
    args = ["report", "--plan", "tiny", "--stage", "Midterm", "--year", "2023"]
    result = CliRunner().invoke(
        app, [*args, "--geography", "geo_a", "--data-dir", str(world), "--out", str(out)]
    )
    assert result.exit_code == 1
    assert "unknown stage 'Midterm'" in result.output
    assert not (out / "failed").exists()


@pytest.mark.parametrize(
    "stage,year",
    [("midterm", 1990), ("midterm", 2014), ("midterm", 23), ("midterm", 2035), ("annual", 2026)],
)
def test_report_command_refuses_years_outside_the_plan_on_the_shipped_data(tmp_path, stage, year):
    """The fresh-user trial's commands (children 2021–2025, national data): exit 1 with the
    plan period in the message, before any kernel, and no record under failed/."""
    from typer.testing import CliRunner

    from planeval.cli import app

    out = tmp_path / "reports"
    args = ["report", "--plan", "children", "--stage", stage, "--year", str(year)]
    result = CliRunner().invoke(app, [*args, "--geography", "china", "--out", str(out)])
    assert result.exit_code == 1
    assert f"data year {year} is outside plan 'baijiantan_children_2021_2025'" in result.output
    assert "--year between 2020 and 2025" in result.output
    assert not out.exists()
