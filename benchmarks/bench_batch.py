"""Throughput of ``planeval batch`` and where a report's time goes: the floor, the notebook
route, 1 and 2 workers, a fresh clone's ``make report``, peak memory; before and after.

Prints figures and asserts nothing (``make bench``; issue 16 sets the goals printed beside
them). Data: SYNTHETIC regions made by ``scripts/make_synthetic_regions.py`` in a temporary
folder (20 regions × 2 plans = 40 mid-term reports with data through 2023 by default; the
national folder is copied unchanged as the reports' reference line). Nothing is written under
the repository's ``data/`` or ``reports/``.

* **floor**: the same assessment, tables, charts and HTML (the calls the notebook makes) in
  one warm Python process, per report;
* **notebook route**: ``planeval batch --workers 1`` wall time per report (papermill, a warm
  kernel, nbconvert, the checks and writes), and its ratio to the floor (goal ≤ 1.3);
* **throughput** with 1 and 2 workers, reports per minute (goal ≥ 16.7 with 2 workers) and the
  per-worker efficiency: throughput(2) / (2 × throughput(1)) (goal ≥ 0.8);
* **peak memory per worker**: the largest resident set of a worker process plus its kernel,
  sampled every 0.25 s;
* **before**: the code before the refactor (``/work/before-refactor`` or ``--before DIR``, its
  own notebook and synthetic data, run with ``PYTHONPATH=<tree>/src``) on a few reports;
* **make report on a fresh clone**: the committed tree cloned to a temporary folder and its
  main job run there (``planeval batch data/runs/main.yaml``; the installed environment is
  reused, so the clone's first run has no processed store, no byte code and cold caches).

Other processes on the machine slow every figure; ratios measured in one run are what count.

Usage: ``python benchmarks/bench_batch.py [--regions 20] [--before-reports 8] [--no-clone]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
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


def _runlist(path: Path, data: Path, out: Path, geographies: list[str]) -> Path:
    doc = {
        "data_dir": str(data),
        "out": str(out),
        "runs": [
            {"geographies": geographies, "plans": list(PLANS), "stages": [STAGE], "years": [YEAR]}
        ],
    }
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else float("nan")


class PeakMemory:
    """Samples the resident memory of each child process (a worker) plus its descendants (its
    kernel) every ``interval`` seconds; ``peaks`` maps worker pid to its largest total, MiB."""

    def __init__(self, interval: float = 0.25):
        self.interval, self.peaks = interval, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.wait(self.interval):
            try:
                for worker in me.children():
                    kernels = worker.children(recursive=True)
                    if not kernels:
                        continue  # not a worker with a kernel (e.g. the resource tracker)
                    rss = worker.memory_info().rss + sum(p.memory_info().rss for p in kernels)
                    self.peaks[worker.pid] = max(self.peaks.get(worker.pid, 0), rss / 2**20)
            except psutil.Error:
                continue  # a process ended between listing and reading it


def floor_report_html(plan: str, geography: str, data_dir: Path) -> tuple[str, float, float]:
    """The notebook's computation without a notebook: returns (html, seconds in
    ``planeval.assess``, seconds for the report document, its charts and its HTML)."""
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


def measure_batches(data: Path, root: Path, regions: list[str], worker_counts: list[int]) -> list:
    """One forced batch per worker count on every region; rows of figures."""
    from planeval.publish.batch import run_batch

    rows = []
    for workers in worker_counts:
        runlist = _runlist(root / f"runs_w{workers}.yaml", data, root / f"out_w{workers}", regions)
        with PeakMemory() as memory:
            t0 = time.perf_counter()
            summary = run_batch(runlist, workers=workers, force=True)
            wall = time.perf_counter() - t0
        done = [r for r in summary["runs"] if r["status"] == "done"]
        timing = {
            k: _mean([r["timings"].get(k, 0.0) for r in done])
            for k in ("fingerprint", "check", "kernel", "cells", "export", "write", "total")
        }
        peaks = sorted(memory.peaks.values())
        rows.append(
            {
                "workers": workers,
                "wall": wall,
                "done": len(done),
                "failed": summary["counts"]["failed"],
                "timing": timing,
                "peak_mib": peaks,
                "runlist": runlist,
            }
        )
    return rows


def measure_floor(data: Path, regions: list[str], n: int) -> dict:
    """The floor per report on ``n`` reports, after one report that warms the process."""
    floor_report_html(PLANS[0], regions[0], data)  # imports and first-use costs, not counted
    pairs = [(plan, geo) for geo in regions for plan in PLANS][:n]
    assess_s, html_s = [], []
    t0 = time.perf_counter()
    for plan, geo in pairs:
        _, a, h = floor_report_html(plan, geo, data)
        assess_s.append(a)
        html_s.append(h)
    return {
        "n": len(pairs),
        "per_report": (time.perf_counter() - t0) / len(pairs),
        "assess": _mean(assess_s),
        "html": _mean(html_s),
    }


BEFORE_CHILD = """
import json, sys, time
from planeval.batch import run_batch
runlist, workers = sys.argv[1], int(sys.argv[2])
t = time.perf_counter()
s = run_batch(runlist, workers=workers, force=True)
print(json.dumps({"wall": time.perf_counter() - t, "done": s["counts"]["done"],
                  "failed": s["counts"]["failed"]}))
"""


def measure_before(tree: Path, root: Path, n_reports: int, worker_counts: list[int]) -> list:
    """The old code's batch (its own notebook and synthetic data) on ``n_reports`` reports."""
    data = root / "before_data"
    env = dict(os.environ, PYTHONPATH=str(tree / "src"), PLANEVAL_WARM_KERNELS="0")
    script = tree / "scripts" / "make_synthetic_regions.py"
    n = str(max(1, n_reports // len(PLANS)))
    args = [sys.executable, str(script), str(data), "--n", n, "--source", str(tree / "data")]
    subprocess.run(args, env=env, capture_output=True, check=True)
    regions = sorted(p.name for p in (data / "observations").glob("synthetic_*"))
    rows = []
    for workers in worker_counts:
        runlist = _runlist(
            root / f"before_w{workers}.yaml", data, root / f"before_out{workers}", regions
        )
        out = subprocess.run(
            [sys.executable, "-c", BEFORE_CHILD, str(runlist), str(workers)],
            env=env,
            capture_output=True,
            text=True,
            cwd=tree,
        )
        if out.returncode not in (0, 1):
            print(f"  (before, {workers} worker(s): failed: {out.stderr.strip()[-300:]})")
            continue
        rows.append({"workers": workers, **json.loads(out.stdout.strip().splitlines()[-1])})
    return rows


def measure_fresh_clone(root: Path) -> dict | None:
    """``make report``'s main job in a fresh clone of the committed tree: seconds, reports."""
    clone = root / "clone"
    cloned = subprocess.run(
        ["git", "clone", "--quiet", str(REPO), str(clone)], capture_output=True, text=True
    )
    if cloned.returncode:
        print(f"  (no fresh clone: {cloned.stderr.strip()})")
        return None
    env = dict(os.environ, PYTHONPATH=str(clone / "src"))
    code = "from planeval.cli import app; app()"
    t0 = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", code, "batch", "data/runs/main.yaml"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - t0
    try:
        summary = json.loads((clone / "reports" / "batch_summary.json").read_text("utf-8"))
    except (OSError, ValueError):
        print(f"  (fresh clone: no summary; exit {run.returncode}: {run.stderr.strip()[-300:]})")
        return None
    return {"seconds": seconds, **summary["counts"], "workers": summary["workers"]}


def report(after: list, floor: dict, before: list, clone: dict | None, n_reports: int) -> None:
    by_workers = {r["workers"]: r for r in after}
    print()
    print(f"{'':<44}{'reports':>8}{'failed':>7}{'wall s':>9}{'reports/min':>13}")
    for label, rows in (("before (old code)", before), ("after", after)):
        for r in rows:
            rate = 60 * r["done"] / r["wall"] if r["wall"] else float("nan")
            name = f"{label}: batch, {r['workers']} worker(s)"
            print(f"{name:<44}{r['done']:>8}{r['failed']:>7}{r['wall']:>9.1f}{rate:>13.1f}")
    print(
        f"{'after: floor (one warm process)':<44}{floor['n']:>8}{0:>7}"
        f"{floor['per_report'] * floor['n']:>9.1f}{60 / floor['per_report']:>13.1f}"
    )
    if 1 in by_workers and 2 in by_workers:
        r1 = by_workers[1]["done"] / by_workers[1]["wall"]
        r2 = by_workers[2]["done"] / by_workers[2]["wall"]
        print(
            f"  2 workers: {60 * r2:.1f} reports/min (goal >= 16.7); per-worker efficiency "
            f"{r2 / (2 * r1):.2f} (goal >= 0.8)"
        )
    old = {r["workers"]: r for r in before}
    if 2 in old and 2 in by_workers and old[2]["done"]:
        speedup = (by_workers[2]["done"] / by_workers[2]["wall"]) / (
            old[2]["done"] / old[2]["wall"]
        )
        print(f"  throughput after / before with 2 workers: {speedup:.1f}x")
    if 1 in by_workers:
        route = by_workers[1]["wall"] / max(by_workers[1]["done"], 1)
        print(
            f"notebook route per report (1 worker, wall / reports): {route:.2f} s; floor "
            f"{floor['per_report']:.2f} s (assess {floor['assess']:.2f} + document, charts, "
            f"HTML {floor['html']:.2f}); ratio {route / floor['per_report']:.2f} (goal <= 1.3)"
        )
    print()
    print("seconds per report in the worker, mean (kernel: papermill and the kernel minus cells)")
    print(
        f"{'run':<20}"
        + "".join(f"{k:>9}" for k in ("check", "kernel", "cells", "export", "write", "total"))
    )
    for r in after:
        t = r["timing"]
        name = f"{r['workers']} worker(s)"
        print(
            f"{name:<20}{t['fingerprint'] + t['check']:>9.2f}"
            + "".join(f"{t[k]:>9.2f}" for k in ("kernel", "cells", "export", "write", "total"))
        )
    for r in after:
        peaks = r["peak_mib"]
        if peaks:
            print(
                f"peak memory per worker (worker + its kernel), {r['workers']} worker(s): "
                + ", ".join(f"{p:.0f}" for p in peaks)
                + " MiB"
            )
    if clone:
        print(
            f"make report on a fresh clone (installed environment reused): "
            f"{clone['seconds']:.1f} s "
            f"for {clone['done']} reports made, {clone['failed']} failed, {clone['workers']} "
            "worker(s) (goal < 120 s)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="planeval batch throughput")
    parser.add_argument("--regions", type=int, default=20, help="synthetic regions (x2 plans)")
    parser.add_argument("--workers", default="1,2", help="worker counts to measure, e.g. 1,2")
    parser.add_argument("--floor-reports", type=int, default=8)
    parser.add_argument(
        "--before",
        type=Path,
        default=Path(os.environ.get("PLANEVAL_BEFORE", "/work/before-refactor")),
    )
    parser.add_argument("--before-reports", type=int, default=8, help="0: skip the old code")
    parser.add_argument("--no-clone", action="store_true", help="skip make report on a fresh clone")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    worker_counts = [int(w) for w in args.workers.split(",")]

    from planeval.publish.kernel import ensure_kernel

    ensure_kernel()
    tmp = None
    if args.keep:
        root = args.keep.resolve()
        root.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="planeval-bench-")
        root = Path(tmp.name)
    t_start = time.perf_counter()
    data = root / "data"
    regions = _synthetic_module().make_synthetic_regions(data, n=args.regions)
    n_reports = len(regions) * len(PLANS)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
    print(
        f"bench_batch: {n_reports} mid-term reports ({len(regions)} SYNTHETIC regions x "
        f"{len(PLANS)} plans, data through {YEAR}) in {root}"
    )
    before = []
    if args.before_reports and (args.before / "src" / "planeval" / "batch.py").is_file():
        before = measure_before(args.before, root, args.before_reports, worker_counts)
    after = measure_batches(data, root, regions, worker_counts)
    floor = measure_floor(data, regions, args.floor_reports)
    clone = None if args.no_clone else measure_fresh_clone(root)
    report(after, floor, before, clone, n_reports)
    print(
        f"load average at the end: {os.getloadavg()[0]:.1f} (other processes slow every "
        f"figure); bench time {time.perf_counter() - t_start:.0f} s"
    )
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
