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
from planeval.publish.fingerprint import NOTEBOOK, input_fingerprint, is_current
from planeval.publish.index import complete_reports, write_index
from planeval.publish.runner import build_report
from planeval.reporting.spec import ReportSpec

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def world(tmp_path) -> Path:
    return make_tiny_world(tmp_path, geographies=("geo_a",))


# --- fingerprint (fast) --------------------------------------------------------------------


def fingerprint(world, plan="tiny", stage="annual", year=2023, geography="geo_a", **kw):
    notebook = kw.pop("notebook", NOTEBOOK)
    return input_fingerprint(ReportSpec(plan, stage, year, geography, **kw), world, notebook)


def test_fingerprint_follows_the_files_up_to_the_cutoff_year(world):
    """A 2022 report reads 2019-2022: a change to 2023.csv, or a new 2024.csv, leaves its
    fingerprint as it was; a change to 2021.csv changes it, and only the 2021 entry differs."""
    geo = world / "observations" / "geo_a"
    before = fingerprint(world, stage="midterm", year=2022)
    observed = before["inputs"]["files"]["observations"]
    assert sorted(observed) == [f"observations/geo_a/{y}.csv" for y in (2019, 2020, 2021, 2022)]
    assert observed["observations/geo_a/2021.csv"] == sha256_of(geo / "2021.csv")
    (geo / "2023.csv").write_text(
        (geo / "2023.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    shutil.copy(geo / "2023.csv", geo / "2024.csv")
    assert fingerprint(world, stage="midterm", year=2022) == before
    (geo / "2021.csv").write_text(
        (geo / "2021.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    after = fingerprint(world, stage="midterm", year=2022)
    assert after["sha256"] != before["sha256"]
    files_before, files_after = before["inputs"]["files"], after["inputs"]["files"]
    assert {k for k in files_before if files_before[k] != files_after[k]} == {"observations"}
    assert {
        k for k, v in files_before["observations"].items() if files_after["observations"][k] != v
    } == {"observations/geo_a/2021.csv"}


def test_fingerprint_follows_every_field_of_the_spec_and_the_notebook(world, tmp_path):
    base = fingerprint(world)["sha256"]
    assert fingerprint(world, lang="en")["sha256"] != base
    assert fingerprint(world, stage="final")["sha256"] != base
    assert fingerprint(world, formats=("html", "docx"))["sha256"] != base
    assert fingerprint(world, annex="full")["sha256"] != base
    assert fingerprint(world, reference_geography="")["sha256"] != base
    nb = mini_notebook(tmp_path / "nb.ipynb")
    assert fingerprint(world, notebook=nb)["sha256"] != base
    assert fingerprint(world) == fingerprint(world)  # and nothing else moves it


def _append(path: Path, text: str = "\n# edited\n") -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(old + text, encoding="utf-8")


def region_files(world: Path) -> None:
    """The files a region adds (README, "Adding your region"): geographies (geo_a listed),
    departments, units and the interval calibration, copied from the shipped data."""
    shutil.copy(REPO / "data" / "departments.yaml", world / "departments.yaml")
    shutil.copy(REPO / "data" / "units.yaml", world / "units.yaml")
    shutil.copy(REPO / "data" / "config" / "calibration.yaml", world / "config")
    geos = (REPO / "data" / "geographies.yaml").read_text(encoding="utf-8")
    geos += "  - {code: geo_a, zh: 甲区, en: District A, level: district, parent: china}\n"
    (world / "geographies.yaml").write_text(geos, encoding="utf-8")


#: Each input of a report, and an edit of it (README: "Adding your region"; issue 22).
EDITS = {
    "calibration": lambda w: _append(w / "config" / "calibration.yaml"),
    "geographies": lambda w: _append(
        w / "geographies.yaml",
        "  - {code: geo_z, zh: 乙区, en: District Z, level: district, parent: china}\n",
    ),
    "departments": lambda w: _append(w / "departments.yaml", "  - {zh: 新部门, en: New office}\n"),
    "units": lambda w: _append(w / "units.yaml"),
    "narrative": lambda w: _append(
        w / "narrative" / "geo_a" / "tiny_annual_2023.yaml", "author: 区统计局\noverall: 良好\n"
    ),
    "settings": lambda w: _append(w / "config" / "assessment.yaml"),
    "plans": lambda w: _append(w / "plans" / "tiny.yaml"),
    "observations": lambda w: _append(w / "observations" / "geo_a" / "2021.csv", "\n"),
    "indicators": lambda w: _append(w / "indicators.yaml", "indicators: []\n"),
}


@pytest.mark.parametrize("group", list(EDITS))
def test_editing_any_input_changes_the_fingerprint_in_its_own_group(world, group):
    """Before: calibration.yaml, geographies.yaml, departments.yaml and indicators.yaml were not
    in the fingerprint (a calibration factor of 3.0 changed p for 9 targets, the report was
    "unchanged"). Each edit moves the fingerprint, and the group that moved is the edited one."""
    region_files(world)
    before = fingerprint(world)
    EDITS[group](world)
    after = fingerprint(world)
    assert after["sha256"] != before["sha256"]
    moved = {
        k
        for k in after["inputs"]["files"]
        if before["inputs"]["files"][k] != after["inputs"]["files"][k]
    }
    assert group in moved and moved <= {group, "plan"}  # tiny.yaml is the plan and a plan


def test_provenance_lists_the_same_files_the_fingerprint_hashes(world):
    """One list: every file of the fingerprint is a row of the report's provenance table, with
    the same SHA-256 (before, provenance showed neither calibration nor geographies)."""
    from planeval.reporting.inputs import report_inputs
    from planeval.reporting.provenance import provenance_rows

    region_files(world)
    spec = ReportSpec("tiny", "annual", 2023, "geo_a")
    rows = dict(provenance_rows(spec, report_inputs(spec, world)))
    files = fingerprint(world)["inputs"]["files"]
    for group in ("calibration", "geographies", "departments", "units", "settings", "plan"):
        ((name, sha),) = files[group].items()
        assert rows[f"{group} {name}"] == sha
    assert rows["parameter annex"] == "brief" and rows["parameter year"] == "2023"


def test_fingerprint_follows_the_reference_geography_drawn_beside_the_report(world):
    """A geo_a report draws china's values beside its own (reporting.default_reference): a
    change to china/2021.csv changes geo_a's 2022 fingerprint, china/2023.csv does not."""
    shutil.copytree(world / "observations" / "geo_a", world / "observations" / "china")
    china = world / "observations" / "china"
    before = fingerprint(world, stage="midterm", year=2022)
    assert before["inputs"]["reference_geography"] == "china"
    assert sorted(before["inputs"]["files"]["reference"]) == [
        f"observations/china/{y}.csv" for y in (2019, 2020, 2021, 2022)
    ]
    (china / "2023.csv").write_text("changed", encoding="utf-8")
    assert fingerprint(world, stage="midterm", year=2022) == before
    (china / "2021.csv").write_text(
        (china / "2021.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    assert fingerprint(world, stage="midterm", year=2022) != before
    # china's own report has no reference
    own = fingerprint(world, stage="midterm", year=2022, geography="china")["inputs"]
    assert own["reference_geography"] == "" and own["files"]["reference"] == {}


def test_fingerprint_of_unknown_plan_is_an_input_error(world):
    with pytest.raises(InputError, match="no plan named 'elderly'"):
        fingerprint(world, plan="elderly")


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


def test_a_deleted_word_or_pdf_file_makes_the_report_rebuild_and_is_never_linked(tmp_path):
    """Before (issue 23): a deleted Word or PDF file left the report "skipped" and index.html
    linked the missing file. The metadata now records every output with its SHA-256: a missing
    or changed one makes the report not current; the index links only the files present."""
    import hashlib

    name = "geo_a_tiny_annual_2023.html"
    _fake_report(tmp_path, name, "<p>a</p>")
    meta = json.loads((tmp_path / (name + ".json")).read_text(encoding="utf-8"))
    outputs = {"docx": b"word bytes", "pdf": b"pdf bytes"}
    for fmt, data in outputs.items():
        (tmp_path / f"geo_a_tiny_annual_2023.{fmt}").write_bytes(data)
    meta["files"] = {"html": name, "docx": "geo_a_tiny_annual_2023.docx"}
    meta["files"]["pdf"] = "geo_a_tiny_annual_2023.pdf"
    meta["sha256"] = {fmt: hashlib.sha256(data).hexdigest() for fmt, data in outputs.items()}
    (tmp_path / (name + ".json")).write_text(json.dumps(meta), encoding="utf-8")
    assert is_current(tmp_path, name, "f" * 64)
    (tmp_path / "geo_a_tiny_annual_2023.docx").write_bytes(b"edited by hand")
    assert not is_current(tmp_path, name, "f" * 64)  # changed: rebuilt
    (tmp_path / "geo_a_tiny_annual_2023.docx").unlink()
    assert not is_current(tmp_path, name, "f" * 64)  # missing: rebuilt
    index = write_index(tmp_path).read_text(encoding="utf-8")
    assert 'href="geo_a_tiny_annual_2023.html"' in index  # the HTML is whole: still listed
    assert 'href="geo_a_tiny_annual_2023.pdf"' in index
    assert "geo_a_tiny_annual_2023.docx" not in index


def test_kernel_start_timeout_comes_from_the_settings_file(world, tmp_path, monkeypatch):
    """Before: fixed at papermill's 60 s. ``run.kernel_start_timeout_seconds`` reaches
    papermill's ``start_timeout`` (the call is intercepted: no kernel starts)."""
    import papermill

    settings = world / "config" / "assessment.yaml"
    text = settings.read_text(encoding="utf-8")
    assert "kernel_start_timeout_seconds: 60" in text  # the shipped default
    settings.write_text(
        text.replace("kernel_start_timeout_seconds: 60", "kernel_start_timeout_seconds: 7")
    )
    seen = {}

    def intercepted(*args, **kwargs):
        seen.update(kwargs)
        raise RuntimeError("intercepted")

    monkeypatch.setattr(papermill, "execute_notebook", intercepted)
    with pytest.raises(NotebookError):
        build_report(
            "tiny",
            "annual",
            2023,
            "geo_a",
            world,
            out=tmp_path / "o",
            notebook=mini_notebook(tmp_path / "n.ipynb"),
        )
    assert seen["start_timeout"] == 7 and seen["execution_timeout"] == 600


def test_a_plan_given_as_a_path_takes_the_plans_name_or_is_refused_clearly(world, tmp_path):
    """Before (issue 23): ``--plan data/plans/x.yaml`` failed with "cell None ...
    FileNotFoundError" and nested folders under failed/. A plan file of the data folder names
    the report by its plan; any other path is refused before anything runs, nothing nested."""
    from planeval.plans.requests import check_plan_name

    assert check_plan_name(str(world / "plans" / "tiny.yaml"), world) == "tiny"
    elsewhere = tmp_path / "copy" / "tiny.yaml"
    elsewhere.parent.mkdir()
    shutil.copy(world / "plans" / "tiny.yaml", elsewhere)
    out = tmp_path / "reports"
    for plan in (str(elsewhere), "plans/nothing.yaml", "../../plans/x"):
        with pytest.raises(InputError) as exc:
            build_report(plan, "annual", 2023, "geo_a", world, out=out)
        text = str(exc.value)
        assert "not allowed" in text and "cell None" not in text and "修改方法" in text
    assert not (out / "failed").exists() or not [
        p for p in (out / "failed").iterdir() if p.is_dir()
    ]


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
    assert meta["fingerprint"] == first.fingerprint == fingerprint(world, notebook=ok)["sha256"]
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
    """The tiny plan runs 2021–2025: an annual report takes data years 2020 (base year) ..
    2025, so 2019 (one before the base year) and 2026 (one after the target year) are the
    edges refused; one range in the fix."""
    from planeval.publish.checks import check_inputs

    with pytest.raises(InputError) as info:
        check_inputs(ReportSpec("tiny", "annual", year, "geo_a"), world)
    (problem,) = info.value.problems
    assert problem.file == "--year"
    assert f"data year {year}" in problem.message_en and "2021–2025" in problem.message_en
    assert "2020 and 2025" in problem.fix and "规划期" in problem.message_zh


@pytest.mark.parametrize("stage", ["midterm", "final"])
def test_midterm_and_final_need_a_year_of_the_plan_period(world, stage):
    """Before: a mid-term or final evaluation of the base year 2020 was built (README: the year
    must lie in the plan period); now refused, the fix giving 2021-2025."""
    from planeval.publish.checks import check_inputs

    with pytest.raises(InputError) as info:
        check_inputs(ReportSpec("tiny", stage, 2020, "geo_a"), world)
    (problem,) = info.value.problems
    assert f"a {stage} evaluation needs data of the plan period" in problem.message_en
    assert "2021 and 2025" in problem.fix and "中期评估和终期评估" in problem.message_zh


@pytest.mark.parametrize(("stage", "year"), [("annual", 2020), ("final", 2021), ("final", 2025)])
def test_base_year_and_target_year_are_accepted(world, stage, year):
    from planeval.publish.checks import check_inputs

    check_inputs(ReportSpec("tiny", stage, year, "geo_a"), world)  # no error


def test_geography_without_data_up_to_the_year_is_refused(world):
    """geo_a has files 2019..2023; remove 2019 and 2020 and ask for data year 2020."""
    from planeval.publish.checks import check_inputs

    for y in (2019, 2020):
        (world / "observations" / "geo_a" / f"{y}.csv").unlink()
    with pytest.raises(InputError, match=r"no observation file of 2020 or earlier.*2021, 2022"):
        check_inputs(ReportSpec("tiny", "annual", 2020, "geo_a"), world)
    with pytest.raises(InputError, match=r"no observation files for geography 'geo_x'.*geo_a"):
        check_inputs(ReportSpec("tiny", "annual", 2023, "geo_x"), world)


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
    [("annual", 1990), ("annual", 2014), ("annual", 23), ("annual", 2035), ("annual", 2026)],
)
def test_report_command_refuses_years_outside_the_plan_on_the_shipped_data(tmp_path, stage, year):
    """The fresh-user trial's commands (children 2021–2025, national data): exit 1 with the
    plan period in the message, before any kernel, and no record under failed/ (an annual
    report may take the base year 2020: the range is 2020-2025)."""
    from typer.testing import CliRunner

    from planeval.cli import app

    out = tmp_path / "reports"
    args = ["report", "--plan", "children", "--stage", stage, "--year", str(year)]
    result = CliRunner().invoke(app, [*args, "--geography", "china", "--out", str(out)])
    assert result.exit_code == 1
    assert f"data year {year} is outside plan 'baijiantan_children_2021_2025'" in result.output
    assert "--year between 2020 and 2025" in result.output
    assert not out.exists()
