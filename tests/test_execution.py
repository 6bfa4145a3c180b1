"""Running the notebook (issue 15, failures 4, 5, 6 and 8): every run ends in bounded time,
writes where it was told whatever other threads do, keeps stderr and the kernel's log out of
the report, and names the cell that failed.

Minimal notebooks (parameters cell, one print, the fault) on the tiny world of test_batch.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_batch import make_tiny_world, mini_notebook, write_runlist
from typer.testing import CliRunner

from planeval.cli import app
from planeval.publish.runner import build_report

try:
    from planeval.publish.execution import NotebookError
except ImportError:  # the code before issue 15: papermill's errors, no cell named
    NotebookError = Exception

pytestmark = pytest.mark.slow
NAME = "geo_a_tiny_annual_2023"


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    return make_tiny_world(tmp_path_factory.mktemp("exec"), geographies=("geo_a", "geo_b"))


def failure_text(out: Path, name: str = NAME) -> str:
    return (out / "failed" / f"{name}.txt").read_text(encoding="utf-8")


# --- 4. time limit ------------------------------------------------------------------------


def test_a_hanging_cell_fails_the_report_after_the_timeout_naming_the_cell(world, tmp_path):
    """Before: no time limit at all (build_report had no cell_timeout; the run hung)."""
    nb = mini_notebook(tmp_path / "hang.ipynb", "import time\ntime.sleep(600)")
    out = tmp_path / "out"
    with pytest.raises(NotebookError) as exc:
        build_report("tiny", "annual", 2023, "geo_a", world, out=out, notebook=nb, cell_timeout=10)
    assert exc.value.ename == "CellTimeoutError" and exc.value.cell_index == 3
    assert "cell 3 (`import time`)" in str(exc.value) and "no result after 10 s" in str(exc.value)
    assert "cell 3 (`import time`)" in failure_text(out)
    assert not (out / f"{NAME}.html").exists()


def test_cell_timeout_comes_from_the_settings_file_and_the_batch_option(world, tmp_path):
    data = make_tiny_world(tmp_path / "w", geographies=("geo_a",))
    settings = data / "config" / "assessment.yaml"
    text = settings.read_text(encoding="utf-8")
    assert "cell_timeout_seconds: 600" in text  # the shipped default
    # 10 s: the trivial cells before the hanging one finish well inside it on a loaded machine
    settings.write_text(text.replace("cell_timeout_seconds: 600", "cell_timeout_seconds: 10"))
    nb = mini_notebook(tmp_path / "hang.ipynb", "import time\ntime.sleep(600)")
    with pytest.raises(NotebookError, match="no result after 10 s"):
        build_report("tiny", "annual", 2023, "geo_a", data, out=tmp_path / "o", notebook=nb)
    # the CLI option wins over the settings file
    settings.write_text(text)
    out = tmp_path / "reports"
    runlist = write_runlist(tmp_path / "r.yaml", data, out, nb, stages=["annual"], years=[2023])
    result = CliRunner().invoke(
        app, ["batch", str(runlist), "--workers", "1", "--cell-timeout", "10"]
    )
    assert result.exit_code == 1, result.output
    summary = json.loads((out / "batch_summary.json").read_text(encoding="utf-8"))
    (row,) = summary["runs"]
    assert row["status"] == "failed" and "CellTimeoutError" in row["message"]
    assert "cell 3 (`import time`)" in row["message"]
    assert (out / "index.html").exists()


def test_a_killed_kernel_is_recorded_with_the_cell_it_was_running(world, tmp_path):
    """Before: "DeadKernelError: Kernel died", no cell named."""
    nb = mini_notebook(
        tmp_path / "die.ipynb", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
    )
    out = tmp_path / "out"
    with pytest.raises(NotebookError) as exc:
        build_report("tiny", "annual", 2023, "geo_a", world, out=out, notebook=nb)
    assert exc.value.ename == "DeadKernelError"
    assert "cell 3 (`import os, signal`)" in failure_text(out)


# --- 8. a failed %magic -------------------------------------------------------------------


def test_a_failed_magic_is_recorded_with_its_message(world, tmp_path):
    """Before: "raised CellExecutionError: " and nothing else."""
    nb = mini_notebook(tmp_path / "magic.ipynb", "%notamagic foo")
    out = tmp_path / "out"
    with pytest.raises(NotebookError) as exc:
        build_report("tiny", "annual", 2023, "geo_a", world, out=out, notebook=nb)
    assert exc.value.ename == "UsageError"
    assert "Line magic function `%notamagic` not found" in exc.value.evalue
    record = failure_text(out)
    assert "cell 3 (`%notamagic foo`) raised UsageError: Line magic function" in record


def test_the_report_after_a_failed_magic_has_its_own_outputs(world, tmp_path):
    """A warm kernel (publish.engine) that ran a failed cell is not reused: nbclient stops
    reading at the error reply, and the failed cell's late messages used to be taken as the
    next report's outputs (its cells came out empty)."""
    failing = mini_notebook(tmp_path / "magic.ipynb", "%notamagic foo")
    with pytest.raises(NotebookError):
        build_report("tiny", "annual", 2023, "geo_a", world, out=tmp_path / "a", notebook=failing)
    good = mini_notebook(tmp_path / "good.ipynb", 'print("the next report")')
    outcome = build_report(
        "tiny", "annual", 2023, "geo_b", world, out=tmp_path / "b", notebook=good
    )
    html = outcome.path.read_text(encoding="utf-8")
    assert "the next report" in html and "report for geo_b 2023" in html


# --- 5. threads and the working folder -----------------------------------------------------


def test_two_threads_with_relative_out_folders_write_into_their_own(world, tmp_path, monkeypatch):
    """Before: papermill's cwd option chdir'ed the whole process into the notebook's folder
    while thread A's kernel ran, so thread B's relative ``outB`` landed in ``notebooks/outB``."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notebooks").mkdir()
    started, release = tmp_path / "a_started", tmp_path / "a_release"
    # thread A's notebook holds its kernel until B's report is written: no sleep decides
    # whether the two overlap
    slow = mini_notebook(
        tmp_path / "notebooks" / "slow.ipynb",
        f"import pathlib, time\npathlib.Path({str(started)!r}).write_text('x')\n"
        f"while not pathlib.Path({str(release)!r}).exists():\n    time.sleep(0.05)",
    )
    quick = mini_notebook(tmp_path / "notebooks" / "quick.ipynb")
    errors = []

    def build(geography, out, nb):
        try:
            build_report("tiny", "annual", 2023, geography, world, out=out, notebook=nb)
        except Exception as exc:  # reported below
            errors.append(exc)

    a = threading.Thread(target=build, args=("geo_a", "outA", slow))
    b = threading.Thread(target=build, args=("geo_b", "outB", quick))
    a.start()
    try:
        while not started.exists() and a.is_alive():  # A's kernel is inside its notebook
            time.sleep(0.05)
        assert started.exists(), errors
        b.start()
        b.join(300)
    finally:
        release.write_text("go")
    a.join(300)
    assert not errors
    assert (tmp_path / "outA" / f"{NAME}.html").is_file()
    assert (tmp_path / "outB" / "geo_b_tiny_annual_2023.html").is_file()
    assert not list((tmp_path / "notebooks").glob("out*"))
    assert Path.cwd() == tmp_path


# --- 6. stderr and the kernel's log stay out of the report and the batch log ------------------


def test_stderr_and_an_unwritable_matplotlib_cache_leave_no_block_in_the_report(
    world, tmp_path, monkeypatch
):
    """Before: each stderr stream was a red block (with local paths) in the report body."""
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MPLCONFIGDIR", str(blocker / "mpl"))
    monkeypatch.setenv("PLANEVAL_WARM_KERNELS", "0")  # a fresh kernel, started with that env
    nb = mini_notebook(
        tmp_path / "noisy.ipynb",
        "import sys\nimport matplotlib.pyplot as plt\n"
        'print("stderr-probe from the notebook", file=sys.stderr)\nprint("visible text")',
    )
    out = tmp_path / "out"
    outcome = build_report("tiny", "annual", 2023, "geo_a", world, out=out, notebook=nb)
    html = outcome.path.read_text(encoding="utf-8")
    assert "visible text" in html
    assert "stderr-probe" not in html and "Matplotlib" not in html
    assert str(blocker) not in html
    assert "output_stderr" not in html
    meta = json.loads((out / f"{NAME}.html.json").read_text(encoding="utf-8"))
    logged = "".join(s["text"] for s in meta["stderr"])
    assert "stderr-probe from the notebook" in logged and "Matplotlib" in logged


def test_the_kernels_own_log_goes_to_the_run_record_not_the_batch_log(world, tmp_path):
    """ipykernel logs to its process's stderr (e.g. "[IPKernelApp] ERROR | KeyboardInterrupt
    caught in kernel" when jupyter_client interrupts it before shutdown); a probe logged at
    ERROR by the kernel stands for those lines. Before: it reached the caller's stderr."""
    nb = mini_notebook(tmp_path / "log.ipynb", 'get_ipython().kernel.log.error("kernel-log-probe")')
    out = tmp_path / "out"
    code = (
        "from planeval.publish.runner import build_report\n"
        f"build_report('tiny', 'annual', 2023, 'geo_a', {str(world)!r}, out={str(out)!r}, "
        f"notebook={str(nb)!r})"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=900, env=os.environ
    )
    assert proc.returncode == 0, proc.stderr
    assert "kernel-log-probe" not in proc.stderr + proc.stdout
    assert "IPKernelApp" not in proc.stderr
    meta = json.loads((out / f"{NAME}.html.json").read_text(encoding="utf-8"))
    assert "kernel-log-probe" in meta["kernel_log"]
