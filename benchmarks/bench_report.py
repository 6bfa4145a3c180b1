"""One report computed in-process: its time (assess + charts + render) and the share of it spent
parsing YAML, for today's code and for the code before the layered refactor.

Prints figures and asserts nothing (``make bench``). The report is the children's mid-term
report for ``china`` with data through 2023, in Chinese: the code cells of
``notebooks/evaluation.ipynb`` of each tree, run in a fresh Python process after its imports
(``display`` collects the HTML instead of showing it), under :mod:`cProfile`. YAML time is the
own time of every function of PyYAML (pure-Python ``yaml/`` modules and the libyaml
``_yaml`` extension); "parses" counts the YAML documents composed (``get_single_node``,
either loader).

The old tree is ``/work/before-refactor`` (or ``$PLANEVAL_BEFORE``), run with
``PYTHONPATH=<tree>/src`` and this environment's packages; it is skipped when absent.

Usage: ``python benchmarks/bench_report.py [--before DIR] [--runs 2]``
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PARAMS = {"plan": "children", "stage": "midterm", "year": 2023, "geography": "china", "lang": "zh"}


def _cells(tree: Path) -> tuple[str, str]:
    """``(imports, body)``: the import lines of the notebook's code cells, and all its code
    after the parameters cell, with the parameters set as in a papermill run."""
    nb = json.loads((tree / "notebooks" / "evaluation.ipynb").read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    tagged = ["parameters" in c.get("metadata", {}).get("tags", []) for c in cells]
    defaults = ["".join(c["source"]) for c, is_param in zip(cells, tagged, strict=True) if is_param]
    code = ["".join(c["source"]) for c, is_param in zip(cells, tagged, strict=True) if not is_param]
    params = {**PARAMS, "data_dir": str(tree / "data"), "reference_geography": None}
    # the notebook's own defaults first (parameters added later, e.g. word_path), then ours,
    # as papermill injects them after the parameters cell
    head = "\n".join(defaults + [f"{k} = {v!r}" for k, v in params.items()])
    body = head + "\n" + "\n".join(code)
    imports = "\n".join(line for line in body.splitlines() if line.startswith(("import ", "from ")))
    return imports, body


def _yaml_figures(profile: cProfile.Profile) -> tuple[float, int]:
    """Seconds of own time in PyYAML's functions, and the number of parse calls."""
    stats = pstats.Stats(profile)
    seconds, parses = 0.0, 0
    for (filename, _line, name), (_cc, ncalls, tottime, _ct, _callers) in stats.stats.items():
        in_yaml = f"{os.sep}yaml{os.sep}" in filename or "_yaml" in name
        if in_yaml:
            seconds += tottime
        if name == "get_single_node" or "get_single_node" in name and "_yaml" in name:
            parses += ncalls  # one per document, pure-Python composer or libyaml
    return seconds, parses


def child(tree: Path, runs: int) -> None:
    """Run the report ``runs`` times in this process (the first one cold) and print JSON."""
    imports, body = _cells(tree)
    os.chdir(tree / "notebooks")
    t = time.perf_counter()
    exec(compile(imports, "imports", "exec"), {})
    import_seconds = time.perf_counter() - t
    import IPython.display as ipd

    shown: list = []
    ipd.display = lambda *objs, **kw: shown.extend(objs)  # the page's parts, not shown
    figures = []
    for _ in range(runs):
        shown.clear()
        profile = cProfile.Profile()
        t = time.perf_counter()
        profile.enable()
        exec(compile(body, "evaluation.ipynb", "exec"), {"__name__": "__main__"})
        profile.disable()
        total = time.perf_counter() - t
        yaml_seconds, parses = _yaml_figures(profile)
        html = sum(len(getattr(o, "data", "") or "") for o in shown)
        figures.append({"total": total, "yaml": yaml_seconds, "parses": parses, "html": html})
    print(json.dumps({"imports": import_seconds, "runs": figures}))


def measure(tree: Path, runs: int) -> dict:
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(tree / "src"))
    cmd = [sys.executable, __file__, "--child", str(tree), "--runs", str(runs)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--before", default=os.environ.get("PLANEVAL_BEFORE", "/work/before-refactor")
    )
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), args.runs)
        return
    trees = [("after (this tree)", REPO)]
    if (Path(args.before) / "notebooks" / "evaluation.ipynb").is_file():
        trees.insert(0, (f"before ({args.before})", Path(args.before)))
    else:
        print(f"(no tree before the refactor at {args.before}: only this tree is measured)")
    print(
        "One report in-process (children, mid-term, china, 2023, zh): assess + charts + render, "
        "under cProfile (profiling adds overhead to both alike); run 1 cold, run 2 warm"
    )
    print(f"{'code':<34} {'run':>4} {'seconds':>8} {'YAML s':>7} {'YAML %':>7} {'parses':>7}")
    for name, tree in trees:
        try:
            result = measure(tree, args.runs)
        except subprocess.CalledProcessError as exc:
            print(f"{name:<34} failed: {exc.stderr.strip().splitlines()[-1:]}")
            continue
        for i, r in enumerate(result["runs"], start=1):
            share = 100 * r["yaml"] / r["total"] if r["total"] else 0.0
            print(
                f"{name if i == 1 else '':<34} {i:>4} {r['total']:>8.2f} {r['yaml']:>7.2f} "
                f"{share:>6.1f}% {r['parses']:>7}"
            )
        print(f"{'':<34} imports before run 1: {result['imports']:.2f} s")
    print("goal: YAML parsing under 5 % of one report (issue 11)")


if __name__ == "__main__":
    main()
