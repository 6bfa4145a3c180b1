"""Throughput of ``planeval batch``: reports per minute with 1 and 2 workers, where the time of
one report goes, and the floor (the same computation in one plain Python process).

Prints figures and asserts nothing (``make bench``). Data: SYNTHETIC regions made by
``scripts/make_synthetic_regions.py`` in a temporary folder (20 regions × 2 plans = 40 mid-term
reports with data through 2023 by default; the national folder is copied unchanged as the
reports' reference line). Nothing is written under the repository's ``data/`` or ``reports/``.

Per report (from the metadata :func:`planeval.publish.runner.build_report` records):

* check: input fingerprint and input validation in the worker, before any kernel;
* kernel: kernel start and shutdown plus papermill's own work (execution wall time minus the
  time spent in cells);
* cells: the notebook's computation (imports of planeval/pandas/statsmodels/matplotlib in the
  first cell included), summed from papermill's per-cell ``duration`` metadata;
* export: nbconvert to one HTML page.

Floor: ``planeval.assess`` and the report's HTML sections and charts (the calls the notebook
makes, through :func:`planeval.reporting.build.build_document` and the HTML renderer) for
every report in one process, without kernels or nbconvert.

Usage: ``python benchmarks/bench_batch.py [--regions 20] [--workers 1,2] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
PLANS = ("women", "children")
STAGE, YEAR = "midterm", 2023


def _synthetic_module():
    path = REPO / "scripts" / "make_synthetic_regions.py"
    spec = importlib.util.spec_from_file_location("make_synthetic_regions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _runlist(path: Path, data: Path, out: Path) -> Path:
    doc = {
        "data_dir": str(data),
        "out": str(out),
        "runs": [
            {
                "geographies": ["synthetic_*"],
                "plans": list(PLANS),
                "stages": [STAGE],
                "years": [YEAR],
            }
        ],
    }
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else float("nan")


def floor_report_html(plan: str, geography: str, data_dir: Path) -> tuple[str, float, float]:
    """The notebook's computation without a notebook: returns (html, seconds in
    ``planeval.assess``, seconds for the report's sections and charts)."""
    import planeval
    from planeval.reporting import build
    from planeval.reporting.html import render_report
    from planeval.reporting.provenance import provenance_rows

    t0 = time.perf_counter()
    assessment = planeval.assess(plan, geography, YEAR, data_dir=data_dir)
    t1 = time.perf_counter()
    context = build.context_for(
        assessment,
        STAGE,
        "zh",
        data_dir,
        produced=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        provenance=provenance_rows,
    )
    html = render_report(build.build_document(context))
    return html, t1 - t0, time.perf_counter() - t1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="planeval batch throughput")
    parser.add_argument("--regions", type=int, default=20, help="synthetic regions (x2 plans)")
    parser.add_argument("--workers", default="1,2", help="worker counts to measure, e.g. 1,2")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    worker_counts = [int(w) for w in args.workers.split(",")]

    from planeval.publish.batch import run_batch
    from planeval.publish.kernel import ensure_kernel

    ensure_kernel()
    tmp = None
    if args.keep:
        root = args.keep.resolve()
        root.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="planeval-bench-")
        root = Path(tmp.name)
    data = root / "data"
    regions = _synthetic_module().make_synthetic_regions(data, n=args.regions)
    n_reports = len(regions) * len(PLANS)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
    print(
        f"bench_batch: {n_reports} mid-term reports ({len(regions)} SYNTHETIC regions x "
        f"{len(PLANS)} plans, data through {YEAR}) in {root}"
    )

    rows = []
    last = None
    for workers in worker_counts:
        out = root / f"reports_w{workers}"
        runlist = _runlist(root / f"runs_w{workers}.yaml", data, out)
        t0 = time.perf_counter()
        summary = run_batch(runlist, workers=workers, force=True)
        wall = time.perf_counter() - t0
        done = [r for r in summary["runs"] if r["status"] == "done"]
        timing = {
            k: _mean([r["timings"].get(k, 0.0) for r in done])
            for k in ("fingerprint", "check", "kernel", "cells", "export", "total")
        }
        rows.append(
            (
                workers,
                wall,
                len(done),
                summary["counts"]["failed"],
                timing,
                _mean([r["seconds"] for r in done]),
            )
        )
        last = runlist, workers

    # incremental: the same batch again, nothing changed -> every report skipped
    t0 = time.perf_counter()
    skip = run_batch(last[0], workers=last[1])
    skip_wall = time.perf_counter() - t0

    # floor: one plain process, no kernels, no nbconvert (imports timed in a fresh process)
    probe = (
        "import time; t = time.perf_counter(); "
        "import planeval.reporting.build, planeval.reporting.html; "
        "print(time.perf_counter() - t)"
    )
    import_s = float(
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout
    )
    assess_s, html_s, each_s = [], [], []
    t0 = time.perf_counter()
    for geo in regions:
        for plan in PLANS:
            t1 = time.perf_counter()
            _, a, h = floor_report_html(plan, geo, data)
            each_s.append(time.perf_counter() - t1)
            assess_s.append(a)
            html_s.append(h)
    floor_wall = time.perf_counter() - t0

    print()
    print("throughput (wall time of the whole batch, force: every report built)")
    print(f"{'run':<28}{'reports':>8}{'failed':>7}{'wall s':>9}{'reports/min':>13}")
    for workers, wall, n_done, n_failed, _, _ in rows:
        print(
            f"{f'planeval batch, {workers} worker(s)':<28}{n_done:>8}{n_failed:>7}"
            f"{wall:>9.1f}{60 * n_done / wall:>13.1f}"
        )
    print(
        f"{'floor: one process':<28}{n_reports:>8}{0:>7}{floor_wall:>9.1f}"
        f"{60 * n_reports / floor_wall:>13.1f}"
    )
    rebuilt = skip["counts"]["done"]
    print(
        f"{'rerun, nothing changed':<28}{skip['counts']['skipped']:>8}{skip['counts']['failed']:>7}"
        f"{skip_wall:>9.1f}   skipped"
        + (f"; {rebuilt} REBUILT: code or data changed during the benchmark" if rebuilt else "")
    )
    print()
    print("seconds per report, mean (check = fingerprint + validation before the kernel)")
    print(f"{'run':<28}{'check':>8}{'kernel':>8}{'cells':>8}{'export':>8}{'total':>8}{'task':>8}")
    for workers, _, _, _, t, task in rows:
        print(
            f"{f'batch, {workers} worker(s)':<28}{t['fingerprint'] + t['check']:>8.2f}"
            f"{t['kernel']:>8.2f}{t['cells']:>8.2f}{t['export']:>8.2f}{t['total']:>8.2f}"
            f"{task:>8.2f}"
        )
    print(
        f"{'floor: one process':<28}{'':>8}{'':>8}{_mean(assess_s) + _mean(html_s):>8.2f}"
        f"{'':>8}{floor_wall / n_reports:>8.2f}"
    )
    print(
        f"  floor split: assess {_mean(assess_s):.2f} s, sections and charts "
        f"{_mean(html_s):.2f} s per report; first report in the process {each_s[0]:.2f} s, "
        f"the others {_mean(each_s[1:]):.2f} s; imports (planeval, pandas, statsmodels, "
        f"matplotlib) {import_s:.2f} s once per process"
    )
    print(
        "  task: wall time of the task in the worker (total + worker-side imports on a "
        "worker's first report)"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (other processes slow every figure)")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
