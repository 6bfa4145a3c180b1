"""Fault injection (issue 15): a worker process and a kernel killed with SIGKILL in the middle
of a batch, and a full disk under the output folder. In each case every report ends done or
failed, the summary and the index are written, no partial or wrong report is published and
the last good report stays byte-identical.

Minimal notebooks on the tiny world of test_batch; each test takes 10-40 s.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_batch import TINY_YEARS, assert_whole, make_tiny_world, mini_notebook, write_runlist

from planeval.publish.batch import run_batch

pytestmark = pytest.mark.slow
REPORTS = ("geo_a_tiny_annual_2023.html", "geo_b_tiny_annual_2023.html")


def prebuilt(root: Path, out: Path):
    """Good reports of geo_a and geo_b in ``out`` (minimal notebook); returns the data folder
    and ``{file: bytes}`` of the reports and their metadata."""
    data = make_tiny_world(root, geographies=("geo_a", "geo_b"))
    ok = mini_notebook(root / "ok.ipynb")
    summary = run_batch(
        write_runlist(root / "ok.yaml", data, out, ok, stages=["annual"], years=[2023]),
        workers=1,
    )
    assert summary["counts"]["done"] == 2
    return data, {p.name: p.read_bytes() for p in out.glob("geo_*.html*")}


def marker_notebook(path: Path, marker: Path, pid: str) -> Path:
    """geo_b's run writes ``pid`` (an expression: the kernel's or its worker's process id) to
    ``marker`` and then waits: the test kills that process."""
    return mini_notebook(
        path,
        (
            'import os, pathlib, time\nif geography == "geo_b":\n'
            f"    pathlib.Path({str(marker)!r}).write_text(str({pid}))\n    time.sleep(300)"
        ),
    )


def batch_killing(runlist: Path, marker: Path, cwd: Path) -> dict:
    """Run ``planeval batch`` in a subprocess, SIGKILL the process id geo_b's notebook wrote to
    ``marker``, let the batch finish; return its summary."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "planeval.cli", "batch", str(runlist), "--workers", "2"],
        cwd=cwd,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 900  # only catches a hang: ends when the marker appears
        while time.monotonic() < deadline:
            if marker.exists() and marker.read_text() or proc.poll() is not None:
                break
            time.sleep(0.1)
        assert marker.exists(), proc.communicate()[0].decode()
        os.kill(int(marker.read_text()), signal.SIGKILL)
        output = proc.communicate(timeout=600)[0].decode()  # only catches a hang
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 1, output
    return json.loads((runlist.parent / "reports" / "batch_summary.json").read_text("utf-8"))


def assert_batch_survived(summary: dict, out: Path, before: dict[str, bytes]) -> dict:
    rows = {r["report"]: r for r in summary["runs"]}
    assert {r["status"] for r in rows.values()} <= {"done", "failed"}
    assert rows["geo_b_tiny_annual_2023.html"]["status"] == "failed"
    assert summary["exit_code"] == 1 and (out / "index.html").is_file()
    assert_whole(out, before, {"geo_b_tiny_annual_2023.html"})
    return rows


def test_a_worker_killed_mid_batch_fails_only_its_report(tmp_path):
    out = tmp_path / "reports"
    data, before = prebuilt(tmp_path, out)
    marker = tmp_path / "worker.pid"
    nb = marker_notebook(tmp_path / "w.ipynb", marker, "os.getppid()")  # the worker process
    runlist = write_runlist(tmp_path / "w.yaml", data, out, nb, stages=["annual"], years=[2023])
    summary = batch_killing(runlist, marker, tmp_path)
    rows = assert_batch_survived(summary, out, before)
    assert "worker process died" in rows["geo_b_tiny_annual_2023.html"]["message"]


def test_a_kernel_killed_mid_batch_fails_only_its_report_naming_the_cell(tmp_path):
    out = tmp_path / "reports"
    data, before = prebuilt(tmp_path, out)
    marker = tmp_path / "kernel.pid"
    nb = marker_notebook(tmp_path / "k.ipynb", marker, "os.getpid()")  # the kernel itself
    runlist = write_runlist(tmp_path / "k.yaml", data, out, nb, stages=["annual"], years=[2023])
    summary = batch_killing(runlist, marker, tmp_path)
    rows = assert_batch_survived(summary, out, before)
    message = rows["geo_b_tiny_annual_2023.html"]["message"]
    assert "DeadKernelError" in message and "cell 3 (`import os, pathlib, time`)" in message
    assert rows["geo_a_tiny_annual_2023.html"]["status"] == "done"


# --- a full disk ---------------------------------------------------------------------------


@contextlib.contextmanager
def small_disk(folder: Path, size: str):
    """A tmpfs of ``size`` mounted at ``folder`` (root only); skips the test when it cannot."""
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder`` until about ``leave`` bytes are free."""
    filler = folder / "filler.bin"
    with open(filler, "wb") as fh:
        with contextlib.suppress(OSError):
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
    os.truncate(filler, max(filler.stat().st_size - leave, 0))


def test_a_full_disk_fails_clearly_and_publishes_no_truncated_report(tmp_path):
    with small_disk(tmp_path / "disk", "4m") as disk:
        out = disk / "reports"
        data, before = prebuilt(tmp_path, out)
        fill(disk, leave=96 * 1024)  # room for records and the index, not for a report
        nb = mini_notebook(tmp_path / "new.ipynb", 'print("a new version")')
        summary = run_batch(
            write_runlist(tmp_path / "f.yaml", data, out, nb, stages=["annual"], years=[2023]),
            workers=1,
            summary_json=tmp_path / "summary.json",
        )
        rows = {r["report"]: r for r in summary["runs"]}
        assert summary["exit_code"] == 1
        for name in REPORTS:
            assert rows[name]["status"] == "failed"
            assert "no space left" in rows[name]["message"].lower()
            assert "nothing was published" in rows[name]["message"]
        assert_whole(out, before, set(REPORTS))


def test_a_disk_with_no_room_at_all_still_ends_the_batch_with_a_summary(tmp_path):
    with small_disk(tmp_path / "disk", "4m") as disk:
        out = disk / "reports"
        data, before = prebuilt(tmp_path, out)
        fill(disk, leave=0)
        nb = mini_notebook(tmp_path / "new.ipynb", 'print("a new version")')
        summary = run_batch(
            write_runlist(tmp_path / "f.yaml", data, out, nb, stages=["annual"], years=[2023]),
            workers=1,
            summary_json=tmp_path / "summary.json",
        )
        assert summary["exit_code"] == 1
        assert {r["status"] for r in summary["runs"]} == {"failed"}
        assert json.loads((tmp_path / "summary.json").read_text("utf-8"))["exit_code"] == 1
        for name in REPORTS:
            assert (out / name).read_bytes() == before[name]
        assert not [p for p in out.rglob("*.tmp")]


def test_a_damaged_store_partition_is_rebuilt_and_the_batch_succeeds(tmp_path, caplog, capfd):
    """A truncated observations partition (geo_a) and an empty files partition (geo_b) in the
    store: every report failed with an ArrowInvalid traceback until ``planeval validate`` was
    run by hand; now each partition is rebuilt from the yearly files, a line says so, and
    every report is done."""
    import logging

    import pandas as pd

    from planeval.store.database import build_store

    data = make_tiny_world(tmp_path, geographies=("geo_a", "geo_b"))
    build_store(data)
    store = data / "processed"
    truncated = store / "observations" / "geo_a.parquet"
    truncated.write_bytes(truncated.read_bytes()[:100])
    (store / "files" / "geo_b.parquet").write_bytes(b"")
    ok = mini_notebook(tmp_path / "ok.ipynb")
    runlist = write_runlist(
        tmp_path / "ok.yaml", data, tmp_path / "out", ok, stages=["annual"], years=[2023]
    )
    with caplog.at_level(logging.WARNING, logger="planeval.store"):
        summary = run_batch(runlist, workers=1)
    assert summary["counts"]["done"] == 2 and summary["exit_code"] == 0
    assert len(pd.read_parquet(truncated)) > 0
    assert len(pd.read_parquet(store / "files" / "geo_b.parquet")) == len(TINY_YEARS)
    said = caplog.text + capfd.readouterr().err  # in this process or a worker's stderr
    for geography in ("geo_a", "geo_b"):
        assert f"store partition of '{geography}' rebuilt from the yearly files" in said
