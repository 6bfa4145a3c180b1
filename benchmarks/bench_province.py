"""A province at scale: reports per hour for a SYNTHETIC province of 100 counties, the overview's
build time from the stored verdicts, peak memory per worker.

Prints figures and asserts nothing (``make bench``; issue 24's goals printed beside them):

* **reports per hour**: ``planeval batch`` of the counties' mid-term reports (national
  children's outline, data through 2024, HTML only, 2 workers, forced), goal ≥ 3,000/hour;
* **peak memory per worker**: the largest resident set of a worker process plus its kernel;
* **overview build time** for 100 regions read back from their stored verdicts
  (``planeval overview --parent synthetic_province``: gather + document + small multiples +
  HTML), goal < 10 s.

Data: ``scripts/make_synthetic_province.py`` (100 counties simulated from the real provincial
series, seeded) in a temporary folder. To keep ``make bench`` short, the batch builds
``PLANEVAL_BENCH_PROVINCE_REPORTS`` counties' reports (default 20) and the other counties' stored
verdicts are written as the runner writes them (the report's record, its metadata with the
current input fingerprint) from an in-process assessment, not timed; the overview then reads all
100 back exactly as after a full batch. ``PLANEVAL_BENCH_PROVINCE_FULL=1`` builds all 100
reports; ``PLANEVAL_BENCH_PROVINCE_DASK=1`` also runs the batch on a Dask LocalCluster of
2 workers. Other processes on the machine slow every figure (the load average is printed).

Usage: ``python benchmarks/bench_province.py``
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import resource
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
PLAN, STAGE, YEAR = "national_children", "midterm", 2024
PARENT = "synthetic_province"
N_COUNTIES = 100


def _module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _runlist(path: Path, data: Path, out: Path, counties: list[str]) -> Path:
    doc = {
        "data_dir": str(data),
        "out": str(out),
        "runs": [{"geographies": counties, "plans": [PLAN], "stages": [STAGE], "years": [YEAR]}],
    }
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def measure_batch(data: Path, out: Path, counties: list[str], executor: str) -> dict:
    """One forced batch of the counties' reports on 2 workers; figures."""
    from planeval.publish.batch import run_batch

    memory_cls = _module(REPO / "benchmarks" / "bench_batch.py", "bench_batch").PeakMemory
    runlist = _runlist(out.parent / f"runs_{executor}.yaml", data, out, counties)
    with memory_cls() as memory:
        t0 = time.perf_counter()
        summary = run_batch(runlist, workers=2, force=True, executor=executor)
        wall = time.perf_counter() - t0
    done = sum(r["status"] == "done" for r in summary["runs"])
    for r in summary["runs"]:
        if r["status"] == "failed":  # the record is in the temporary folder: print why here
            print(f"  failed: {r.get('report')}: {str(r.get('message', ''))[:300]}")
    return {
        "executor": executor,
        "done": done,
        "failed": summary["counts"]["failed"],
        "wall": wall,
        "per_hour": 3600 * done / wall if wall else float("nan"),
        "peak_mib": sorted(memory.peaks.values()),
    }


def store_verdicts(data: Path, out: Path, counties: list[str]) -> None:
    """For counties without a report in ``out``: the report's stored record and metadata as the
    runner writes them (a stub page in place of the HTML), from an in-process assessment."""
    from planeval.assessment.assess import assess
    from planeval.plans.catalogue import load_plan
    from planeval.publish.fingerprint import NOTEBOOK, input_fingerprint
    from planeval.publish.runner import report_name
    from planeval.reporting.overview_verdicts import region_record
    from planeval.reporting.spec import ReportSpec
    from planeval.store.database import load_geography

    plan = load_plan(PLAN, data)
    for geo in counties:
        name = report_name(geo, PLAN, STAGE, YEAR)
        if (out / (name + ".json")).exists():
            continue
        obs = load_geography(data, geo, up_to_year=YEAR)
        record = region_record(assess(plan, obs, YEAR, geo, data_dir=str(data)), STAGE, PLAN)
        html, verdict = b"<html>stub</html>", json.dumps(record).encode("utf-8")
        fingerprint = input_fingerprint(ReportSpec(PLAN, STAGE, YEAR, geo), data, NOTEBOOK)
        (out / name).write_bytes(html)
        verdict_name = name.replace(".html", ".verdict.json")
        (out / verdict_name).write_bytes(verdict)
        meta = {
            "file": name,
            "plan": PLAN,
            "stage": STAGE,
            "year": YEAR,
            "geography": geo,
            "lang": "zh",
            "produced": "bench",
            "html_sha256": hashlib.sha256(html).hexdigest(),
            "files": {"html": name, "verdict.json": verdict_name},
            "verdict_sha256": hashlib.sha256(verdict).hexdigest(),
            "fingerprint": fingerprint["sha256"],
            "inputs": fingerprint["inputs"],
        }
        (out / (name + ".json")).write_text(json.dumps(meta, ensure_ascii=False), "utf-8")


def measure_overview(data: Path, out: Path) -> dict:
    from planeval.publish.overview_run import build_overview_files

    t0, c0 = time.perf_counter(), time.process_time()
    result = build_overview_files(PLAN, STAGE, YEAR, PARENT, data, out)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"wall": wall, "cpu": cpu, "timings": result["timings"], "sources": result["sources"]}


def main() -> int:
    full = os.environ.get("PLANEVAL_BENCH_PROVINCE_FULL") == "1"
    n_reports = N_COUNTIES if full else int(os.environ.get("PLANEVAL_BENCH_PROVINCE_REPORTS", 20))
    province = _module(REPO / "scripts" / "make_synthetic_province.py", "make_synthetic_province")
    with tempfile.TemporaryDirectory(prefix="planeval-bench-province-") as tmp:
        root = Path(tmp)
        data = root / "data"
        counties = province.make_synthetic_province(data, N_COUNTIES)
        print(f"bench_province: SYNTHETIC province of {len(counties)} counties ({data})")
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        out = root / "reports"
        runs = [measure_batch(data, out, counties[:n_reports], "local")]
        if os.environ.get("PLANEVAL_BENCH_PROVINCE_DASK") == "1":
            runs.append(measure_batch(data, root / "reports_dask", counties[:n_reports], "dask"))
        for r in runs:
            print(
                f"batch ({r['executor']}, 2 workers, HTML): {r['done']} reports "
                f"({r['failed']} failed) in {r['wall']:.0f} s = {r['per_hour']:.0f} reports/hour "
                f"(goal >= 3000/hour: {'met' if r['per_hour'] >= 3000 else 'NOT met'}); "
                "peak memory per worker (worker + its kernel): "
                + (", ".join(f"{p:.0f} MiB" for p in r["peak_mib"]) or "not sampled")
            )
        store_verdicts(data, out, counties)
        ov = measure_overview(data, out)
        t = ov["timings"]
        stored = sum(v == "stored" for v in ov["sources"].values())
        print(
            f"overview of {len(ov['sources'])} regions ({stored} from stored verdicts): "
            f"{ov['wall']:.1f} s (goal < 10 s: {'met' if ov['wall'] < 10 else 'NOT met'}; "
            f"{ov['cpu']:.1f} s of CPU, what it takes on an idle core); "
            f"gather {t['gather']:.1f} s, document and small multiples {t['build']:.1f} s, "
            f"HTML {t['render']:.2f} s; peak memory of this process "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
        )
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        if not full:
            print(
                f"(reports per hour measured on {n_reports} of {N_COUNTIES} counties; "
                "PLANEVAL_BENCH_PROVINCE_FULL=1 builds all of them)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
