"""Data intake throughput: reading + validating submissions, loading a geography, the template;
and the large inputs of issue 23 with their goals.

    .venv/bin/python benchmarks/bench_intake.py

Prints figures, asserts nothing. Synthetic submissions are written to a temporary folder from
the shipped plans' indicators (every %/‰ indicator with total, female and male rows), as CSV in
UTF-8 and GBK and as the filled template workbook.

Large inputs (each validated as ``planeval validate`` does, ``check_paths`` against the shipped
catalogue, in its own Python process so that its peak memory is its own): a 10 MB CSV of
200,000 rows (goal: under 10 s and 1 GB), the 5 KB workbook with one blank cell at XFD1048576
(goal: refused in under 2 s), a workbook of 60,000 rows (beyond intake.max_sheet_rows: refused)
and one of 20,000 rows (read). Time is the work inside the process (imports excluded), as wall
and CPU seconds: on a shared machine wall time includes waiting for a core, CPU time does not.
Memory is the process's peak resident set (``resource.getrusage``), imports included.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from planeval.intake.observations import check_submission, load_observations
from planeval.intake.workbook import DATA_SHEET, write_template
from planeval.plans.catalogue import known_units, load_plan

DATA = Path(__file__).resolve().parents[1] / "data"


def timed(fn, repeat=5):
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    units = known_units(DATA)
    plan = load_plan("children", DATA)
    numeric = [t for t in plan.targets if t.unit in ("%", "‰")]
    lines = ["indicator_id,value,unit,sex,source,note"]
    for t in numeric:
        lines += [
            f"{t.indicator_id},50.5,{t.unit},total,dept,",
            f"{t.indicator_id},50.1,{t.unit},female,dept,",
            f"{t.indicator_id},50.9,{t.unit},male,dept,",
        ]
    text = "\n".join(lines) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "2024_utf8.csv").write_bytes(text.encode("utf-8"))
        (tmp / "2024_gbk.csv").write_bytes(text.encode("gbk"))
        xlsx = write_template("children", 2024, "baijiantan", tmp / "2024.xlsx", data_dir=DATA)
        wb = openpyxl.load_workbook(xlsx)
        ws = wb[DATA_SHEET]
        ids = {t.indicator_id for t in numeric}
        for r in range(2, ws.max_row + 1):
            if ws.cell(row=r, column=1).value in ids:
                ws.cell(row=r, column=6).value = 50.5
                ws.cell(row=r, column=7).value = 50.1
                ws.cell(row=r, column=8).value = 50.9
        wb.save(xlsx)
        n_values = 3 * len(numeric)
        print(f"synthetic submission: {len(numeric)} indicators x 3 sexes = {n_values} values")
        for name in ("2024_utf8.csv", "2024_gbk.csv", "2024.xlsx"):
            sec = timed(lambda name=name: check_submission(tmp / name, "baijiantan", 2024, units))
            print(
                f"read + validate {name:14s}: {sec * 1000:7.1f} ms  "
                f"({n_values / sec:,.0f} values/s)"
            )
        sec = timed(
            lambda: write_template(
                "children", 2024, "baijiantan", tmp / "t.xlsx", data_dir=DATA, overwrite=True
            )
        )
        print(f"write template (children, {len(plan.targets)} rows): {sec * 1000:7.1f} ms")
    files = len(list((DATA / "observations" / "china").glob("20*.csv")))
    sec = timed(lambda: load_observations(DATA, "china", units))
    print(f"load_observations(china, {files} files): {sec * 1000:7.1f} ms")


#: Runs in a child process: validates one file, prints its figures as JSON.
_CHILD = """
import json, resource, sys, time
from planeval.intake.observations import check_paths
from planeval.plans.catalogue import known_units
units = known_units(sys.argv[2])
wall, cpu = time.perf_counter(), time.process_time()
checks, problems = check_paths([sys.argv[1]], sys.argv[2], units, geography="baijiantan")
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
found = problems + [p for c in checks for p in c.problems]
print(json.dumps({"wall": wall, "cpu": cpu, "peak": peak, "problems": len(found),
                  "values": sum(len(c.frame) for c in checks),
                  "first": found[0].message_en[:90] if found else ""}))
"""


def _measure(path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(DATA)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _made_up_csv(path: Path, rows: int) -> Path:
    """Rows of distinct indicator ids no catalogue knows: one "unknown indicator" each."""
    lines = ["indicator_id,value,unit,sex,source,note"]
    lines += [f"made_up_{i:06d},{i % 90 + 1}.5,%,total,卫健委," for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _long_csv(path: Path, rows: int) -> Path:
    """Rows of five catalogue indicators over and over: every row after the fifth repeats a
    value (a duplicate problem each), as a file pasted together from many sheets would."""
    ids = [
        ("hospital_delivery_rate", "%"),
        ("under5_mortality", "‰"),
        ("infant_mortality", "‰"),
        ("neonatal_mortality", "‰"),
        ("compulsory_education_retention", "%"),
    ]
    lines = ["indicator_id,value,unit,sex,source,note"]
    lines += [
        f"{ids[i % 5][0]},{1.5 + (i % 90) / 10:.1f},{ids[i % 5][1]},total,卫健委,"
        for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _far_cell_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.append(["indicator_id", "value", "unit"])
    wb.active.append(["hospital_delivery_rate", 99.5, "%"])
    wb.active["XFD1048576"].number_format = "0.0"
    wb.save(path)
    return path


def _long_xlsx(path: Path, rows: int) -> Path:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["indicator_id", "value", "unit", "sex", "source"])
    for i in range(rows):
        ws.append(["hospital_delivery_rate", 90 + (i % 90) / 10, "%", "total", "卫健委"])
    wb.save(path)
    return path


def _line(label: str, path: Path, found: dict, goal: str) -> None:
    size = path.stat().st_size
    size_text = f"{size / 1e6:.1f} MB" if size > 1e6 else f"{size / 1e3:.0f} KB"
    print(
        f"{label:<34s} {size_text:>8s}: {found['wall']:6.2f} s wall, {found['cpu']:6.2f} s CPU, "
        f"peak {found['peak'] / 2**30:5.2f} GB, {found['values']:,} values, "
        f"{found['problems']:,} problems   goal: {goal}"
    )


def large_inputs() -> None:
    """The issue 23 figures: each file validated in its own process."""
    print("large inputs (issue 23), validated as planeval validate does:")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for label, make, goal in [
            ("CSV, 200,000 rows", lambda p: _long_csv(p / "2023.csv", 200_000), "< 10 s, < 1 GB"),
            (
                "CSV, 200,000 made-up indicators",
                lambda p: _made_up_csv(p / "2023.csv", 200_000),
                "< 10 s, < 1 GB",
            ),
            (
                "xlsx, blank cell at XFD1048576",
                lambda p: _far_cell_xlsx(p / "2023.xlsx"),
                "refused < 2 s",
            ),
            (
                "xlsx, 60,000 rows (over the limit)",
                lambda p: _long_xlsx(p / "2023.xlsx", 60_000),
                "refused",
            ),
            ("xlsx, 19,999 rows", lambda p: _long_xlsx(p / "2023.xlsx", 19_999), "read"),
        ]:
            folder = tmp / label.split(",")[0].lower() / str(len(label))
            folder.mkdir(parents=True)
            path = make(folder)
            found = _measure(path)
            _line(label, path, found, goal)
            if found["first"]:
                print(f"{'':36s}first problem: {found['first']}")


if __name__ == "__main__":
    main()
    large_inputs()
