"""Batch runs from a run list (first version: sequential; see issue 7 for the full runner)."""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import InputError, Problem
from .report import run_report, write_index


def expand_runlist(path: str | Path) -> tuple[Path, Path, list[dict]]:
    """Read a run list; return ``(data_dir, out, runs)`` with one dict per report."""
    path = Path(path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    data_dir = Path(raw.get("data_dir", "data")).resolve()  # relative to the working directory
    out = Path(raw.get("out", "reports"))
    runs = []
    for i, block in enumerate(raw.get("runs", []), start=1):
        stages, years = block["stages"], block["years"]
        if len(years) == 1:
            years = years * len(stages)
        if len(years) != len(stages):
            raise InputError(Problem(str(path), f"run block {i}: {len(stages)} stages but {len(years)} years",
                                     "阶段与年份数量不符", "give one year per stage, or a single year"))
        for geo in block["geographies"]:
            for plan in block["plans"]:
                for stage, year in zip(stages, years):
                    for lang in block.get("langs", ["zh"]):
                        runs.append({"plan": plan, "stage": stage, "year": int(year), "geography": geo, "lang": lang})
    return data_dir, out, runs


def run_batch(runlist: str | Path, workers: int = 1, force: bool = False) -> int:
    data_dir, out, runs = expand_runlist(runlist)
    failed = 0
    for r in runs:
        try:
            path = run_report(data_dir=data_dir, out=out, **r)
            print(f"done  {path}")
        except Exception as exc:  # one failure does not stop the others
            failed += 1
            print(f"FAIL  {r}: {exc}")
    write_index(out)
    return 1 if failed else 0
