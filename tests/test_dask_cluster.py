"""A real Dask cluster: `dask scheduler` and two `dask worker` processes on 127.0.0.1, a batch
through ``--scheduler``, one worker killed with SIGKILL in the middle of the run.

The kill is part of the run, not of a clock: the kernel of one report (geo_b's annual report,
the first time it runs) kills the worker process running it. Before, the test watched the
output folder and killed a worker once the first report appeared; on a loaded machine that
moment could come after the other reports, and the test failed once on timing.

Every report must end done or failed, none half-written (no temporary file, every report file
matches its metadata, the index lists exactly the complete ones), and a rerun completes the
rest (nothing failed, finished reports skipped)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import dask
import pytest
from test_batch import make_tiny_world, mini_notebook, temp_files, write_runlist

from planeval.publish.batch import run_batch
from planeval.publish.index import complete_reports
from planeval.publish.kernel import ensure_kernel

DASK = str(Path(sys.executable).with_name("dask"))
#: The batch's connection to the scheduler: 300 s only catches a hang (default 30 s).
CONNECT = {"distributed.comm.timeouts.connect": "300s"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], log: Path) -> subprocess.Popen:
    fh = open(log, "w")  # noqa: SIM115 (closed with the process in the fixture)
    return subprocess.Popen([DASK, *args], stdout=fh, stderr=subprocess.STDOUT)


@pytest.fixture
def cluster(tmp_path):
    """``(address, [worker processes])``: a scheduler and two single-thread workers without
    nannies (a killed worker stays dead), all stopped at the end."""
    from distributed import Client

    ensure_kernel()
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [
        _start(
            ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            tmp_path / "scheduler.log",
        )
    ]
    try:
        for i in range(2):
            procs.append(
                _start(
                    ["worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                     "--host", "127.0.0.1", "--name", f"w{i}"],
                    tmp_path / f"worker{i}.log",
                )
            )  # fmt: skip
        # bounds that only catch a hang: on a loaded machine the three processes may take
        # minutes to import distributed and connect
        with Client(address, timeout=300) as client:
            client.wait_for_workers(2, timeout=600)
        yield address, procs[1:]
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            proc.stdout and proc.stdout.close()


@pytest.mark.slow
def test_worker_killed_mid_run_leaves_no_partial_report_and_a_rerun_completes(cluster, tmp_path):
    address, workers = cluster
    data = make_tiny_world(tmp_path)
    out = tmp_path / "reports"
    marker = tmp_path / "killed_once"
    killer = mini_notebook(
        tmp_path / "killer.ipynb",
        f"import os, pathlib, signal\nflag = pathlib.Path({str(marker)!r})\n"
        'if geography == "geo_b" and stage == "annual" and not flag.exists():\n'
        "    flag.write_text(str(os.getppid()))\n"
        "    os.kill(os.getppid(), signal.SIGKILL)  # the worker running this report\n"
        "    os._exit(1)",
    )
    runlist = write_runlist(tmp_path / "runs.yaml", data, out, killer)  # 3 geos x 2 stages

    with dask.config.set(CONNECT):
        result = run_batch(runlist, scheduler=address)

    assert marker.exists(), "the killing report never ran"
    killed = int(marker.read_text())
    assert killed in {w.pid for w in workers}
    statuses = {r["report"]: r["status"] for r in result["runs"]}
    assert len(statuses) == 6
    assert set(statuses.values()) <= {"done", "failed"}
    # none partial: no temporary file; every report on disk is either complete (metadata and
    # checksum agree) or a whole document that is not listed and is rebuilt by the rerun
    assert not temp_files(out)
    complete = {m["file"] for m in complete_reports(out)}
    for path in out.glob("geo_*.html"):
        assert path.name in complete or path.read_bytes().rstrip().endswith(b"</html>"), path.name
    assert {r for r, s in statuses.items() if s == "done"} <= complete
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(name in index for name in complete)

    with dask.config.set(CONNECT):  # the surviving worker finishes the rest
        again = run_batch(runlist, scheduler=address)
    assert again["counts"]["failed"] == 0 and again["exit_code"] == 0
    assert {r["status"] for r in again["runs"]} <= {"done", "skipped"}
    assert {m["file"] for m in complete_reports(out)} == set(statuses)
    dead = [w.pid for w in workers if w.poll() is not None]
    assert dead == [killed]  # the killed worker stayed dead, the other one ran on
