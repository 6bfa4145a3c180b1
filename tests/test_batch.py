"""Batch runs (planeval.publish.batch): run-list validation, parallel runs, failure isolation,
incremental rebuilds, atomic output under interruption, and the Dask executor.

The notebook-running tests use a tiny world made in a temporary folder: a plan "tiny" with the
children's plan's three child-mortality targets (renumbered T1-T3) and three geographies whose
yearly files 2019-2023 are copies of the national rows for those indicators. One real report
takes a few seconds; where the test is about the batch machinery rather than the report, a
minimal notebook (parameters cell, one print, an optional failure) is used instead.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import nbformat
import pytest
import yaml

from planeval.core.errors import InputError
from planeval.intake.observations import sha256_of
from planeval.publish.batch import load_runlist, run_batch
from planeval.publish.fingerprint import code_sha256, input_fingerprint
from planeval.publish.index import complete_reports
from planeval.reporting.spec import ReportSpec

REPO = Path(__file__).resolve().parents[1]
TINY_INDICATORS = ("neonatal_mortality", "infant_mortality", "under5_mortality")
TINY_YEARS = range(2019, 2024)


# --- shared helpers (test_report_runner.py imports them) -----------------------------------


def make_tiny_world(root: Path, geographies=("geo_a", "geo_b", "geo_c")) -> Path:
    """``root/data``: plans/tiny.yaml, config/assessment.yaml, observations/<geo>/<year>.csv."""
    src = REPO / "data"
    data = root / "data"
    (data / "plans").mkdir(parents=True)
    (data / "config").mkdir()
    shutil.copy(src / "config" / "assessment.yaml", data / "config" / "assessment.yaml")
    children = next(
        yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((src / "plans").glob("*.yaml"))
        if "children" in yaml.safe_load(p.read_text(encoding="utf-8")).get("aliases", [])
    )
    targets = [t for t in children["targets"] if t["indicator_id"] in TINY_INDICATORS]
    assert len(targets) == len(TINY_INDICATORS)
    per_domain: Counter = Counter()
    for t in targets:
        per_domain[t["domain"]] += 1
        t["item"] = f"T{per_domain[t['domain']]}"
    children.update(
        plan="tiny",
        aliases=[],
        targets=targets,
        domains=[d for d in children["domains"] if d["zh"] in per_domain],
    )
    (data / "plans" / "tiny.yaml").write_text(
        yaml.safe_dump(children, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    for geo in geographies:
        folder = data / "observations" / geo
        folder.mkdir(parents=True)
        for year in TINY_YEARS:
            with (src / "observations" / "china" / f"{year}.csv").open(encoding="utf-8-sig") as fh:
                rows = [r for r in csv.DictReader(fh) if r["indicator_id"] in TINY_INDICATORS]
            with (folder / f"{year}.csv").open("w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
    return data


def mini_notebook(path: Path, body: str = "") -> Path:
    """A notebook with papermill's parameters cell, one print and ``body`` (e.g. a failure)."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(
        'plan = "tiny"\nstage = "annual"\nyear = 2023\ngeography = "geo_a"\n'
        'data_dir = "../data"\nlang = "zh"'
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell('print(f"report for {geography} {year}")')]
    if body:
        nb.cells.append(nbformat.v4.new_code_cell(body))
    nb.metadata["kernelspec"] = {
        "name": "planeval",
        "display_name": "Python 3 (planeval)",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def write_runlist(path: Path, data: Path, out: Path, notebook: Path | None = None, **block) -> Path:
    block = {
        "geographies": ["geo_*"],
        "plans": ["tiny"],
        "stages": ["annual", "midterm"],
        "years": [2023, 2022],
        **block,
    }
    doc = {"data_dir": str(data), "out": str(out), "runs": [block]}
    if notebook is not None:
        doc["notebook"] = str(notebook)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def statuses(summary: dict) -> dict[str, str]:
    return {r["report"]: r["status"] for r in summary["runs"]}


def temp_files(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def break_file(path: Path) -> None:
    """Replace the indicator of the first row of a yearly file by one no catalogue knows."""
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = "not_an_indicator" + lines[1][lines[1].index(",") :]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- run list validation (fast) ------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    return make_tiny_world(tmp_path_factory.mktemp("world"))


def test_runlist_expands_globs_pairs_stages_with_years_and_dedupes(world, tmp_path):
    runlist = tmp_path / "runs.yaml"
    runlist.write_text(
        yaml.safe_dump(
            {
                "data_dir": str(world),
                "out": str(tmp_path / "reports"),
                "runs": [
                    {
                        "geographies": ["geo_[ab]"],
                        "plans": ["tiny"],
                        "stages": ["midterm", "final"],
                        "years": [2022, 2023],
                    },
                    {
                        "geographies": ["*"],
                        "plans": ["tiny"],
                        "stages": ["annual"],
                        "years": [2023],
                        "langs": ["zh", "en"],
                    },
                    {
                        "geographies": ["geo_a"],
                        "plans": ["tiny"],
                        "stages": ["final"],
                        "years": [2023],
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    spec = load_runlist(runlist)
    names = [r.name for r in spec.runs]
    # block 1: 2 geographies x 2 stages; block 2: 3 geographies x 2 languages; block 3 repeats
    # geo_a_tiny_final_2023 of block 1, built once
    assert names == [
        "geo_a_tiny_midterm_2022.html",
        "geo_a_tiny_final_2023.html",
        "geo_b_tiny_midterm_2022.html",
        "geo_b_tiny_final_2023.html",
        "geo_a_tiny_annual_2023.html",
        "geo_a_tiny_annual_2023_en.html",
        "geo_b_tiny_annual_2023.html",
        "geo_b_tiny_annual_2023_en.html",
        "geo_c_tiny_annual_2023.html",
        "geo_c_tiny_annual_2023_en.html",
    ]
    assert spec.duplicates == 1
    assert spec.out == (tmp_path / "reports").resolve()


def test_single_year_applies_to_every_stage(world, tmp_path):
    runlist = write_runlist(
        tmp_path / "r.yaml",
        world,
        tmp_path / "o",
        geographies=["geo_c"],
        stages=["annual", "midterm", "final"],
        years=[2023],
    )
    assert [(r.stage, r.year) for r in load_runlist(runlist).runs] == [
        ("annual", 2023),
        ("midterm", 2023),
        ("final", 2023),
    ]


def test_runlist_problems_are_all_reported_with_their_place(world, tmp_path):
    runlist = tmp_path / "bad.yaml"
    runlist.write_text(
        yaml.safe_dump(
            {
                "data_dir": str(world),
                "out": str(tmp_path / "o"),
                "worker": 4,
                "runs": [
                    {
                        "geographies": ["nowhere_*"],
                        "plans": ["tiny", "elderly"],
                        "stages": ["midterm", "end"],
                        "years": [2022, 2023, 2024],
                        "lang": ["zh"],
                    },
                    {
                        "geographies": ["geo_a"],
                        "plans": ["tiny"],
                        "stages": ["annual"],
                        "years": ["2023x"],
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        load_runlist(runlist)
    text = str(info.value)
    assert "unknown key 'worker'" in text
    assert "runs[1]: unknown key 'lang'" in text
    assert (
        "runs[1]: geography 'nowhere_*' matches no folder" in text and "geo_a, geo_b, geo_c" in text
    )
    assert "runs[1]: unknown plan 'elderly' (found: tiny)" in text
    assert "runs[1]: unknown stage 'end'" in text
    assert "runs[1]: 2 stages but 3 years" in text
    assert "runs[2]: year '2023x' is not a four-digit year" in text
    assert all(p.file == str(runlist) for p in info.value.problems)
    assert len(info.value.problems) == 7


def test_runlist_block_lists_every_problem_with_did_you_mean(tmp_path):
    """newcomer2: 'stage:' for 'stages:' and a plan typo in the same block gave two problems
    (unknown key, missing stages), the plan typo only on the next run; a geography typo got
    the list of folders. Now all three faults, each near miss with "did you mean"."""
    world = make_tiny_world(tmp_path)
    runlist = tmp_path / "typo.yaml"
    runlist.write_text(
        f"data_dir: {world}\nout: {tmp_path / 'o'}\nruns:\n"
        "  - geographies: [geo_a, geo_bb]\n    plans: [tiny, tinny]\n"
        "    stage: [annual]\n    years: [2023]\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        load_runlist(runlist)
    found = [(p.column, p.message_en, p.fix) for p in info.value.problems]
    assert found == [
        ("runs[1].stage", "runs[1]: unknown key 'stage'; did you mean stages?", "write stages"),
        ("runs[1].stages", "runs[1]: missing 'stages'", "add stages: [...]"),
        (
            "runs[1].geographies",
            f"runs[1]: geography 'geo_bb' matches no folder under {world / 'observations'}; "
            "did you mean geo_b?",
            "write geo_b",
        ),
        ("runs[1].plans", "runs[1]: unknown plan 'tinny'; did you mean tiny?", "write tiny"),
    ]
    assert info.value.problems[3].message_zh == "第1个运行块：未知规划 'tinny'；是否应为 tiny？"
    assert info.value.problems[3].fix_zh == "改为 tiny"
    # each at its key's line (a missing key: its block's first line, 4)
    assert [p.row for p in info.value.problems] == [6, 4, 4, 5]


def test_runlist_missing_data_dir_and_yaml_error(tmp_path):
    bad = tmp_path / "r.yaml"
    bad.write_text(f"data_dir: {tmp_path / 'nothing'}\nruns: []\n", encoding="utf-8")
    with pytest.raises(InputError, match="has no observations/ folder"):
        load_runlist(bad)
    bad.write_text("runs:\n  - geographies: [a\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML") as info:
        load_runlist(bad)
    assert info.value.problems[0].row is not None


def test_main_runlist_of_make_report_is_valid():
    """data/runs/main.yaml: china x (women, children) x (annual 2024, midterm 2023, final 2024),
    and china against the national outlines x (annual 2024, midterm 2024), in each language
    it lists; the provinces and cities against the national outlines, mid-term 2024, and
    against the district plans, mid-term 2023 (the reports the overviews over china link and
    read, tests/test_overview.py)."""
    cwd = os.getcwd()
    try:
        os.chdir(REPO)
        runs = load_runlist(REPO / "data" / "runs" / "main.yaml").runs
    finally:
        os.chdir(cwd)
    provincial = {r for r in runs if r.geography != "china"}
    assert len({r.geography for r in provincial}) == 16
    assert {(r.plan, r.stage, r.year, r.lang) for r in provincial} == {
        (plan, "midterm", 2024, "zh") for plan in ("national_women", "national_children")
    } | {(plan, "midterm", 2023, "zh") for plan in ("women", "children")}
    assert len(provincial) == 16 * 4
    runs = [r for r in runs if r.geography == "china"]
    assert {(r.plan, r.stage, r.year) for r in runs} == {
        (plan, stage, year)
        for plan in ("women", "children")
        for stage, year in (("annual", 2024), ("midterm", 2023), ("final", 2024))
    } | {
        (plan, stage, 2024)
        for plan in ("national_women", "national_children")
        for stage in ("annual", "midterm")
    }


# --- a real batch, then reruns (slow; each fixture builds on the previous one) --------------


@pytest.fixture(scope="module")
def batch_runs(tmp_path_factory):
    """Run 1 with geo_c broken; run 2 after fixing it; run 3 unchanged; run 4 after a change to
    geo_a/2023.csv. Returns the summaries and the report files' mtimes after each run."""
    root = tmp_path_factory.mktemp("batch")
    data = make_tiny_world(root)
    out = root / "reports"
    runlist = write_runlist(root / "runs.yaml", data, out)
    good_c = (data / "observations" / "geo_c" / "2021.csv").read_bytes()
    break_file(data / "observations" / "geo_c" / "2021.csv")

    def mtimes():
        return {p.name: p.stat().st_mtime_ns for p in out.glob("geo_*.html")}

    runs = {}
    runs[1] = (run_batch(runlist, workers=2, summary_json=root / "summary1.json"), mtimes())
    runs["failed_records_1"] = sorted(p.name for p in (out / "failed").iterdir())
    (data / "observations" / "geo_c" / "2021.csv").write_bytes(good_c)
    runs[2] = (run_batch(runlist, workers=2), mtimes())
    runs[3] = (run_batch(runlist, workers=2), mtimes())
    a2023 = data / "observations" / "geo_a" / "2023.csv"
    a2023.write_text(a2023.read_text(encoding="utf-8").replace("4.5,‰", "4.4,‰"), encoding="utf-8")
    runs[4] = (run_batch(runlist, workers=2), mtimes())
    runs["out"], runs["data"], runs["root"] = out, data, root
    return runs


@pytest.mark.slow
def test_parallel_batch_builds_every_report_and_isolates_the_broken_geography(batch_runs):
    summary, _ = batch_runs[1]
    assert summary["workers"] == 2
    assert statuses(summary) == {
        "geo_a_tiny_annual_2023.html": "done",
        "geo_a_tiny_midterm_2022.html": "done",
        "geo_b_tiny_annual_2023.html": "done",
        "geo_b_tiny_midterm_2022.html": "done",
        "geo_c_tiny_annual_2023.html": "failed",
        "geo_c_tiny_midterm_2022.html": "failed",
    }
    assert summary["counts"] == {"done": 4, "skipped": 0, "failed": 2, "not run": 0}
    assert summary["exit_code"] == 1
    failed = {r["report"]: r for r in summary["runs"] if r["status"] == "failed"}
    msg = failed["geo_c_tiny_annual_2023.html"]["message"]
    assert "geo_c/2021.csv" in msg and "row 2" in msg and "not_an_indicator" in msg
    assert batch_runs["failed_records_1"] == [
        "geo_c_tiny_annual_2023.txt",
        "geo_c_tiny_midterm_2022.txt",
    ]
    # the summary on disk is the one returned, for a scheduler to read
    on_disk = json.loads((batch_runs["root"] / "summary1.json").read_text(encoding="utf-8"))
    assert on_disk["counts"] == summary["counts"] and on_disk["exit_code"] == 1
    assert on_disk["runs"] == summary["runs"]


@pytest.mark.slow
def test_fixed_geography_is_built_and_the_others_are_skipped(batch_runs):
    summary, mt = batch_runs[2]
    _, mt1 = batch_runs[1]
    assert summary["counts"] == {"done": 2, "skipped": 4, "failed": 0, "not run": 0}
    assert {k for k, v in statuses(summary).items() if v == "done"} == {
        "geo_c_tiny_annual_2023.html",
        "geo_c_tiny_midterm_2022.html",
    }
    assert summary["exit_code"] == 0
    assert all(mt[k] == mt1[k] for k in mt1)  # skipped reports were not rewritten
    # the failure records of geo_c went away with its good reports
    assert not list((batch_runs["out"] / "failed").glob("geo_c*"))


@pytest.mark.slow
def test_second_run_skips_everything(batch_runs):
    summary, mt = batch_runs[3]
    _, mt2 = batch_runs[2]
    assert summary["counts"] == {"done": 0, "skipped": 6, "failed": 0, "not run": 0}
    assert summary["exit_code"] == 0
    assert mt == mt2


@pytest.mark.slow
def test_changed_data_file_rebuilds_only_the_reports_that_read_it(batch_runs):
    """geo_a/2023.csv changed: the annual 2023 report reads it, the mid-term 2022 report
    (cut-off 2022) does not, and no other geography does."""
    summary, mt = batch_runs[4]
    _, mt3 = batch_runs[3]
    assert [k for k, v in statuses(summary).items() if v == "done"] == [
        "geo_a_tiny_annual_2023.html"
    ]
    assert summary["counts"]["skipped"] == 5
    assert {k for k in mt if mt[k] != mt3[k]} == {"geo_a_tiny_annual_2023.html"}
    out, data = batch_runs["out"], batch_runs["data"]
    meta = json.loads((out / "geo_a_tiny_annual_2023.html.json").read_text(encoding="utf-8"))
    assert meta["inputs"]["files"]["observations"]["observations/geo_a/2023.csv"] == sha256_of(
        data / "observations/geo_a/2023.csv"
    )


@pytest.mark.slow
def test_index_lists_exactly_the_complete_reports(batch_runs):
    out = batch_runs["out"]
    listed = re.findall(r'<a href="(geo_[^"]+)"', (out / "index.html").read_text(encoding="utf-8"))
    assert sorted(listed) == sorted(p.name for p in out.glob("geo_*.html"))
    assert len(listed) == 6
    assert not temp_files(out)


# --- failures inside the notebook and interrupted batches (minimal notebook) ----------------


@pytest.mark.slow
def test_failing_cell_fails_alone_and_keeps_the_executed_notebook(tmp_path):
    data = make_tiny_world(tmp_path)
    nb = mini_notebook(
        tmp_path / "nb.ipynb",
        'if geography == "geo_b":\n    raise ValueError("no good for " + geography)',
    )
    break_file(data / "observations" / "geo_c" / "2019.csv")
    out = tmp_path / "reports"
    summary = run_batch(
        write_runlist(tmp_path / "r.yaml", data, out, nb, stages=["annual"], years=[2023]),
        workers=2,
    )
    assert statuses(summary) == {
        "geo_a_tiny_annual_2023.html": "done",
        "geo_b_tiny_annual_2023.html": "failed",
        "geo_c_tiny_annual_2023.html": "failed",
    }
    assert summary["exit_code"] == 1
    rows = {r["report"]: r for r in summary["runs"]}
    assert rows["geo_b_tiny_annual_2023.html"]["record"] == "failed/geo_b_tiny_annual_2023.ipynb"
    assert "ValueError: no good for geo_b" in rows["geo_b_tiny_annual_2023.html"]["message"]
    assert rows["geo_c_tiny_annual_2023.html"]["record"] == "failed/geo_c_tiny_annual_2023.txt"
    executed = nbformat.read(out / "failed" / "geo_b_tiny_annual_2023.ipynb", as_version=4)
    errors = [
        o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert [(e["ename"], e["evalue"]) for e in errors] == [("ValueError", "no good for geo_b")]
    assert sorted(p.name for p in out.glob("geo_*.html")) == ["geo_a_tiny_annual_2023.html"]


@pytest.fixture
def prebuilt(tmp_path):
    """A tiny world with good reports of geo_a..geo_c already built with the minimal notebook;
    returns (data, out, {file: bytes} of every report and metadata before the next run)."""
    data = make_tiny_world(tmp_path)
    out = tmp_path / "reports"
    ok = mini_notebook(tmp_path / "ok.ipynb")
    summary = run_batch(
        write_runlist(tmp_path / "ok.yaml", data, out, ok, stages=["annual"], years=[2023]),
        workers=2,
    )
    assert summary["counts"]["done"] == 3
    before = {p.name: p.read_bytes() for p in out.glob("geo_*.html*")}
    return data, out, before


def assert_whole(out: Path, before: dict[str, bytes], untouched: set[str]) -> None:
    """No temporary file; the reports in ``untouched`` (and their metadata) are byte-identical;
    every report file on disk is complete and the index lists exactly those."""
    assert not temp_files(out)
    for name in untouched:
        assert (out / name).read_bytes() == before[name]
        assert (out / (name + ".json")).read_bytes() == before[name + ".json"]
    complete = {m["file"] for m in complete_reports(out)}
    assert complete == {p.name for p in out.glob("geo_*.html")}
    listed = set(
        re.findall(r'<a href="(geo_[^"]+)"', (out / "index.html").read_text(encoding="utf-8"))
    )
    assert listed == complete


@pytest.mark.slow
def test_killed_worker_leaves_every_existing_report_whole(prebuilt, tmp_path):
    """The kernel of geo_b kills its worker process (SIGKILL) in the middle of the run."""
    data, out, before = prebuilt
    killer = mini_notebook(
        tmp_path / "killer.ipynb",
        (
            'if geography == "geo_b":\n    import os, signal\n'
            "    os.kill(os.getppid(), signal.SIGKILL)\n    os._exit(1)"
        ),
    )
    summary = run_batch(
        write_runlist(tmp_path / "k.yaml", data, out, killer, stages=["annual"], years=[2023]),
        workers=2,
    )
    rows = {r["report"]: r for r in summary["runs"]}
    assert rows["geo_b_tiny_annual_2023.html"]["status"] == "failed"
    assert "worker process died" in rows["geo_b_tiny_annual_2023.html"]["message"]
    assert summary["exit_code"] == 1
    assert (out / "failed" / "geo_b_tiny_annual_2023.txt").exists()
    # geo_b's last good report survives; geo_a/geo_c were rebuilt or, when in flight on the
    # broken pool, failed: either way whole
    assert_whole(out, before, {"geo_b_tiny_annual_2023.html"})
    for name in ("geo_a_tiny_annual_2023.html", "geo_c_tiny_annual_2023.html"):
        if rows[name]["status"] == "failed":
            assert (out / name).read_bytes() == before[name]


def _gone(pid: int) -> bool:
    """True when process ``pid`` has ended (a zombie waiting for its parent counts as ended)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_interrupt_handlers_raise_once_then_record_even_when_sigint_was_ignored():
    """A process started with SIGINT ignored (a script's ``cmd &``) still stops on Ctrl-C: the
    first signal raises KeyboardInterrupt, a second one while the batch winds down is only
    recorded, and the handlers the process had are back afterwards."""
    from planeval.publish.batch import _interrupts

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with _interrupts() as stop:
            with pytest.raises(KeyboardInterrupt):
                signal.raise_signal(signal.SIGINT)
                for _ in range(1000):  # the handler runs at the next bytecode
                    pass
            signal.raise_signal(signal.SIGTERM)  # winding down: recorded, not raised
            assert stop.interrupted and not stop.raising
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.slow
@pytest.mark.parametrize(
    "how",
    [
        # Ctrl-C in a terminal: SIGINT to the whole process group, to a batch that was started
        # with SIGINT ignored (as `make test &` in a script starts it): it once ran to the end
        # and exited 0
        "sigint-to-group-inherited-ignored",
        # a scheduler's timeout or `kill PID`: SIGTERM to the batch process alone, the workers
        # are not signalled by anyone else
        "sigterm-to-batch-only",
    ],
)
def test_ctrl_c_stops_the_batch_and_leaves_reports_whole(prebuilt, tmp_path, how):
    """The signal is sent once geo_b's cell has started (it writes a marker with its kernel's
    and worker's pids, then would sleep 900 s and write ``finished``). The batch must end with
    130 without waiting for that cell: ``finished`` is never written, the kernel and the worker
    are gone, geo_b's last good report is untouched, the index lists whole reports only.
    No duration is asserted; the waits are bounds that only catch a hang."""
    data, out, before = prebuilt
    marker, finished = tmp_path / "geo_b_started", tmp_path / "geo_b_finished"
    slow = mini_notebook(
        tmp_path / "slow.ipynb",
        (
            'import os, pathlib, time\nif geography == "geo_b":\n'
            f"    tmp = pathlib.Path({str(marker)!r} + '.tmp')\n"
            "    tmp.write_text(f'{os.getpid()} {os.getppid()}')\n"
            f"    tmp.replace({str(marker)!r})\n"
            f"    time.sleep(900)\n    pathlib.Path({str(finished)!r}).write_text('x')"
        ),
    )
    runlist = write_runlist(tmp_path / "s.yaml", data, out, slow, stages=["annual"], years=[2023])
    proc = subprocess.Popen(
        [sys.executable, "-m", "planeval.cli", "batch", str(runlist), "--workers", "2"],
        cwd=tmp_path,
        start_new_session=True,
        preexec_fn=_ignore_sigint if how.startswith("sigint") else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        # wait until geo_b's cell runs (the loop ends when the marker is written, however
        # loaded the machine; 900 s only catches a hang)
        deadline = time.monotonic() + 900
        while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.exists(), proc.communicate()[0].decode()
        if how.startswith("sigint"):
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGTERM)
        # a batch that waited for the 900 s cell fails here; a batch that stops never comes near
        output = proc.communicate(timeout=600)[0].decode()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, output
    assert "Traceback" not in output, output
    assert not finished.exists()
    kernel, worker = (int(pid) for pid in marker.read_text().split())
    deadline = time.monotonic() + 120  # the kernel is shut down by its worker; only a hang fails
    while not (_gone(kernel) and _gone(worker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(kernel) and _gone(worker), output
    summary = json.loads((out / "batch_summary.json").read_text(encoding="utf-8"))
    assert summary["interrupted"] is True and summary["exit_code"] == 130
    assert statuses(summary)["geo_b_tiny_annual_2023.html"] in ("failed", "not run")
    assert_whole(out, before, {"geo_b_tiny_annual_2023.html"})


# --- Dask ----------------------------------------------------------------------------------


def _normalised(html: str) -> str:
    """Report HTML without what differs between two builds of the same inputs: the time of
    production, the git commit, papermill's random id of the injected-parameters cell."""
    html = re.sub(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?", "<time>", html)
    html = re.sub(r"\b[0-9a-f]{40}(\+dirty)?", "<commit>", html)
    return re.sub(r'id="cell-id=[^"]*"', "", html)


@pytest.mark.slow
def test_dask_executor_on_local_cluster_produces_the_same_reports(batch_runs, tmp_path):
    data, local_out = batch_runs["data"], batch_runs["out"]
    out = tmp_path / "dask_reports"
    runlist = write_runlist(
        tmp_path / "d.yaml",
        data,
        out,
        geographies=["geo_b", "geo_c"],
        stages=["annual"],
        years=[2023],
    )
    summary = run_batch(runlist, workers=2, executor="dask")
    assert summary["executor"] == "dask"
    assert statuses(summary) == {
        "geo_b_tiny_annual_2023.html": "done",
        "geo_c_tiny_annual_2023.html": "done",
    }
    code_sha256.cache_clear()  # cached per process; the workers computed it afresh
    for name in statuses(summary):
        dask_meta = json.loads((out / (name + ".json")).read_text(encoding="utf-8"))
        geo = name.split("_tiny")[0]
        # same inputs as a local build (computed now: the code may have changed since)
        assert (
            dask_meta["fingerprint"]
            == input_fingerprint(ReportSpec("tiny", "annual", 2023, geo), data)["sha256"]
        )
        assert _normalised((out / name).read_text(encoding="utf-8")) == _normalised(
            (local_out / name).read_text(encoding="utf-8")
        )
    # the same batch run again on Dask skips what is there
    again = run_batch(runlist, workers=2, executor="dask")
    assert again["counts"]["skipped"] == 2


# --- run list and option errors -------------------------------------------------------------


def test_out_pointing_at_a_file_is_a_runlist_problem(tmp_path):
    data = make_tiny_world(tmp_path, geographies=("geo_a",))
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    runlist = write_runlist(tmp_path / "r.yaml", data, afile)
    with pytest.raises(InputError) as info:
        load_runlist(runlist)
    assert [p.column for p in info.value.problems] == ["out"]
    assert "is an existing file" in info.value.problems[0].message_en


@pytest.mark.parametrize("workers", [0, -3])
def test_zero_or_negative_workers_is_an_error(tmp_path, workers):
    data = make_tiny_world(tmp_path, geographies=("geo_a",))
    runlist = write_runlist(tmp_path / "r.yaml", data, tmp_path / "out")
    with pytest.raises(InputError, match=f"must be 1 or more, not {workers}"):
        run_batch(runlist, workers=workers)
    assert not (tmp_path / "out").exists()


def test_unreachable_dask_scheduler_is_a_clear_error(tmp_path):
    import dask

    data = make_tiny_world(tmp_path, geographies=("geo_a",))
    runlist = write_runlist(tmp_path / "r.yaml", data, tmp_path / "out")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        with pytest.raises(InputError) as info:
            run_batch(runlist, scheduler="tcp://127.0.0.1:1")
    (problem,) = info.value.problems
    assert problem.file == "--scheduler" and "cannot reach the Dask scheduler" in str(problem)
    assert not list((tmp_path / "out").glob("*.html"))


# --- issue 22: every input rebuilds; issue 23: records and the index --------------------------


@pytest.mark.slow
def test_editing_calibration_geographies_or_departments_makes_batch_rebuild(tmp_path):
    """Issue 22's "done when": editing config/calibration.yaml, geographies.yaml or
    departments.yaml makes `planeval batch` rebuild the report (before: "skipped", the inputs
    were not in its fingerprint, while a calibration factor of 3.0 changed p_attain for 9
    targets). A batch with no edit between skips it: the edit, not chance, rebuilds."""
    from test_report_runner import EDITS, region_files

    data = make_tiny_world(tmp_path, geographies=("geo_a",))
    region_files(data)
    out = tmp_path / "reports"
    nb = mini_notebook(tmp_path / "nb.ipynb")
    runlist = write_runlist(
        tmp_path / "r.yaml", data, out, nb, geographies=["geo_a"], stages=["annual"], years=[2023]
    )
    assert statuses(run_batch(runlist, workers=1)) == {"geo_a_tiny_annual_2023.html": "done"}
    assert statuses(run_batch(runlist, workers=1)) == {"geo_a_tiny_annual_2023.html": "skipped"}
    for group in ("calibration", "geographies", "departments"):
        EDITS[group](data)
        summary = run_batch(runlist, workers=1)
        assert statuses(summary) == {"geo_a_tiny_annual_2023.html": "done"}, group
    assert statuses(run_batch(runlist, workers=1)) == {"geo_a_tiny_annual_2023.html": "skipped"}


@pytest.mark.slow
def test_failure_record_names_one_cell_number_throughout(tmp_path):
    """Before (issue 23): one record said "cell 4" for the error and "cell 6" for its stderr
    (papermill's error-marker cells counted for one, not the other)."""
    data = make_tiny_world(tmp_path, geographies=("geo_a",))
    nb = mini_notebook(
        tmp_path / "nb.ipynb",
        'import sys\nprint("warn-probe", file=sys.stderr)\nraise ValueError("boom")',
    )
    out = tmp_path / "reports"
    runlist = write_runlist(
        tmp_path / "r.yaml", data, out, nb, geographies=["geo_a"], stages=["annual"], years=[2023]
    )
    (row,) = run_batch(runlist, workers=1)["runs"]
    assert row["status"] == "failed"
    record = (out / "failed" / "geo_a_tiny_annual_2023.txt").read_text(encoding="utf-8")
    raised = re.findall(r"notebook cell (\d+) \(`import sys`\) raised ValueError", record)
    streams = re.findall(r"stderr of cell (\d+):\nwarn-probe", record)
    assert raised and raised == streams, record


@pytest.mark.slow
def test_a_worker_rewrites_the_index_as_soon_as_its_report_is_published(tmp_path):
    """Before (issue 23): the index was written at the end of the batch only, so after a kill
    it showed the previous times as current. The task itself now rewrites it (under a lock)."""
    from planeval.publish.executors import run_one

    data = make_tiny_world(tmp_path, geographies=("geo_a",))
    out = tmp_path / "reports"
    out.mkdir()
    nb = mini_notebook(tmp_path / "nb.ipynb")
    result = run_one(
        ReportSpec("tiny", "annual", 2023, "geo_a"), str(data), str(out), str(nb), True
    )
    assert result.status == "done"
    meta = json.loads((out / "geo_a_tiny_annual_2023.html.json").read_text(encoding="utf-8"))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="geo_a_tiny_annual_2023.html"' in index and meta["produced"] in index
