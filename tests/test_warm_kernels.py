"""The warm-kernel papermill engine (planeval.publish.engine): one kernel reused across reports,
a clean namespace for each report, a kernel in doubt replaced."""

from __future__ import annotations

import json

import nbformat
import papermill as pm
import pytest

from planeval.publish.engine import POOL, register
from planeval.publish.kernel import ensure_kernel


def _notebook(path, code: str):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("tag = ''")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {
        "name": "planeval",
        "display_name": "planeval",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


# report 1 leaves every kind of state a notebook can leave in its namespace
REPORT_1 = """
import os, json
import numpy as np
leaked_value = 42
def leaked_function():
    return 1
class LeakedClass:
    pass
print(json.dumps({"pid": os.getpid(), "cwd": os.getcwd()}))
"""

# report 2 says what it finds
REPORT_2 = """
import os, json, sys
names = sorted(k for k in globals() if not k.startswith("_"))
print(json.dumps({"pid": os.getpid(), "cwd": os.getcwd(), "names": names,
                  "numpy_loaded": "numpy" in sys.modules}))
"""


def _printed(nb) -> dict:
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    return json.loads(text.strip().splitlines()[-1])


@pytest.fixture
def engine():
    ensure_kernel()
    POOL.shutdown()
    yield register()
    POOL.shutdown()


def test_second_report_runs_on_the_same_kernel_with_a_clean_namespace(tmp_path, engine):
    """Report 2 runs in the kernel process of report 1 (same pid: no start, imports kept in
    sys.modules) but sees none of report 1's names: only its own parameters and what it
    defines itself, in its own notebook's folder."""
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    nb1 = pm.execute_notebook(
        str(_notebook(first / "a.ipynb", REPORT_1)),
        str(first / "a_out.ipynb"),
        parameters={"tag": "one"},
        kernel_name="planeval",
        engine_name=engine,
        progress_bar=False,
        cwd=str(first),
    )
    nb2 = pm.execute_notebook(
        str(_notebook(second / "b.ipynb", REPORT_2)),
        str(second / "b_out.ipynb"),
        parameters={"tag": "two"},
        kernel_name="planeval",
        engine_name=engine,
        progress_bar=False,
        cwd=str(second),
    )
    one, two = _printed(nb1), _printed(nb2)
    assert one["pid"] == two["pid"]  # the kernel was reused
    assert two["numpy_loaded"]  # modules imported by report 1 stay loaded
    for name in ("leaked_value", "leaked_function", "LeakedClass", "np"):
        assert name not in two["names"]
    # all report 2 sees besides IPython's own names: its parameter and its imports
    ipython = {"In", "Out", "exit", "quit", "get_ipython", "open"}
    assert set(two["names"]) - ipython == {"tag", "os", "json", "sys"}
    assert two["cwd"] == str(second) and one["cwd"] == str(first)
    # the reset cell is not part of the executed notebook: cell numbers are the notebook's own
    assert [c.metadata.get("tags", []) for c in nb2.cells][0] == ["parameters"]
    assert not any("planeval-reset" in c.metadata.get("tags", []) for c in nb2.cells)


def test_a_failed_report_leaves_nothing_for_the_next(tmp_path, engine):
    """A cell error fails its report; the next report on the kernel starts clean."""
    bad = _notebook(tmp_path / "bad.ipynb", "half_done = 1\nraise ValueError('boom')")
    with pytest.raises(pm.PapermillExecutionError, match="boom"):
        pm.execute_notebook(
            str(bad), str(tmp_path / "bad_out.ipynb"), kernel_name="planeval",
            engine_name=engine, progress_bar=False, cwd=str(tmp_path),
        )  # fmt: skip
    good = _notebook(tmp_path / "good.ipynb", REPORT_2)
    nb = pm.execute_notebook(
        str(good), str(tmp_path / "good_out.ipynb"), kernel_name="planeval",
        engine_name=engine, progress_bar=False, cwd=str(tmp_path),
    )  # fmt: skip
    assert "half_done" not in _printed(nb)["names"]


def test_stop_now_ends_a_long_cell_and_starts_no_other_even_without_its_exception(tmp_path, engine):
    """What a batch worker's SIGTERM does when Python drops the KeyboardInterrupt raised with
    it (seen in a batch: raised inside a weakref callback, "Exception ignored"): stop_now is
    called from another thread here, so no exception reaches the engine at all. The kernel is
    killed, the run ends as interrupted (KeyboardInterrupt, not a failed report) without the
    next cell, and a new report starts once the flag is cleared. No duration is asserted; the
    waits are bounds that only catch a hang."""
    import threading
    import time

    from test_batch import _gone

    from planeval.publish.engine import STOP, stop_now

    started, after = tmp_path / "started", tmp_path / "after"
    nb = _notebook(
        tmp_path / "long.ipynb",
        f"import os, pathlib, time\npathlib.Path({str(started)!r}).write_text(str(os.getpid()))\n"
        "time.sleep(900)",
    )
    nb_obj = nbformat.read(nb, as_version=4)
    nb_obj.cells.append(nbformat.v4.new_code_cell(f"open({str(after)!r}, 'w').write('x')"))
    nbformat.write(nb_obj, nb)

    def stop_once_running():
        deadline = time.monotonic() + 600
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        stop_now()

    stopper = threading.Thread(target=stop_once_running)
    stopper.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            pm.execute_notebook(
                str(nb), str(tmp_path / "long_out.ipynb"), kernel_name="planeval",
                engine_name=engine, progress_bar=False, cwd=str(tmp_path),
            )  # fmt: skip
        stopper.join(600)
        assert not after.exists() and not POOL.in_use()
        kernel = int(started.read_text())
        assert _gone(kernel)  # killed (and shut down by its manager)
    finally:
        STOP.clear()
    good = _notebook(tmp_path / "good.ipynb", REPORT_2)
    nb = pm.execute_notebook(
        str(good), str(tmp_path / "good_out.ipynb"), kernel_name="planeval",
        engine_name=engine, progress_bar=False, cwd=str(tmp_path),
    )  # fmt: skip
    assert _printed(nb)["pid"] != kernel


def test_a_kernel_that_dies_before_the_first_cell_is_replaced_once(tmp_path, engine):
    """Seen in a fresh-clone `make test` at load 16: a kernel's port was taken by another
    process between jupyter_client choosing it and the kernel binding it ("Address already in
    use"), the kernel died and the report failed. A kernel that fails before any cell ran is
    now replaced once; here the first kernel exits at once, the second runs the report."""
    import sys

    from jupyter_client.manager import AsyncKernelManager

    commands = []

    class FirstKernelDies(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            command = super().format_kernel_cmd(extra_arguments)
            commands.append(command)
            return [sys.executable, "-c", "raise SystemExit(1)"] if len(commands) == 1 else command

    good = _notebook(tmp_path / "good.ipynb", REPORT_2)
    nb = pm.execute_notebook(
        str(good), str(tmp_path / "good_out.ipynb"), kernel_name="planeval",
        engine_name=engine, progress_bar=False, cwd=str(tmp_path),
        kernel_manager_class=FirstKernelDies,
    )  # fmt: skip
    assert len(commands) == 2
    assert "tag" in _printed(nb)["names"]  # the report ran, on the second kernel


def test_a_cell_that_fails_is_not_run_twice(tmp_path, engine):
    """The retry is for a kernel that never ran a cell: a report whose cell fails is failed at
    once (its side effect happens once)."""
    counter = tmp_path / "runs"
    bad = _notebook(
        tmp_path / "bad.ipynb",
        f"with open({str(counter)!r}, 'a') as fh:\n    fh.write('x')\nraise ValueError('boom')",
    )
    with pytest.raises(pm.PapermillExecutionError, match="boom"):
        pm.execute_notebook(
            str(bad), str(tmp_path / "bad_out.ipynb"), kernel_name="planeval",
            engine_name=engine, progress_bar=False, cwd=str(tmp_path),
        )  # fmt: skip
    assert counter.read_text() == "x"
