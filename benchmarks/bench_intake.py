"""Data intake throughput: reading + validating submissions, loading a geography, the template.

    .venv/bin/python benchmarks/bench_intake.py

Prints figures, asserts nothing. Synthetic submissions are written to a temporary folder from
the shipped plans' indicators (every %/‰ indicator with total, female and male rows), as CSV in
UTF-8 and GBK and as the filled template workbook.
"""

from __future__ import annotations

import statistics
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


if __name__ == "__main__":
    main()
