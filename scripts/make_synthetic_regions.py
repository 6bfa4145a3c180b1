"""Make SYNTHETIC region data for load tests and benchmarks: never real statistics.

Usage::

    python scripts/make_synthetic_regions.py DEST [--n 20] [--seed 20210101] [--source data]

writes a complete data folder ``DEST`` (``plans/``, ``config/``, ``indicators.yaml`` copied from
``--source``; ``observations/synthetic_01 .. synthetic_NN/<year>.csv``) for
``planeval batch`` to run against, e.g. ``data_dir: DEST`` in a run list. The national folder
``observations/china`` is copied unchanged (real data), because a regional report draws the
national values beside its own (``--no-reference`` leaves it out).

Each synthetic region's yearly files are the national files ``<source>/observations/china/
<year>.csv`` with every value multiplied by ``exp(level + noise)``: ``level`` ~ N(0, 0.08²) per
region and indicator (regions differ from the country), ``noise`` ~ N(0, 0.02²) per region,
indicator and year (years wobble). The same factor is used for the total, female and male rows of
one indicator-year, so the total stays between the female and male rates; percentages are kept in
0–100 (gross enrolment ratios excepted); values are rounded to the decimals written in the source.
Every row's ``source`` says SYNTHETIC and its ``note`` gives the generator and seed; ``DEST`` gets
a ``SYNTHETIC_README.txt``. The generator is seeded (numpy ``default_rng(seed)``), so the same
arguments give the same files.

Refuses to write inside the repository's ``data/`` folder: synthetic data is never shipped as
real data.
"""

from __future__ import annotations

import argparse
import csv
import math
import shutil
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
MARKER = "SYNTHETIC_README.txt"
LEVEL_SD = 0.08
NOISE_SD = 0.02
DEFAULT_SEED = 20210101


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def _check_destination(dest: Path) -> None:
    real = (REPO / "data").resolve()
    if dest == real or real in dest.parents:
        raise SystemExit(f"refusing to write synthetic data inside {real}: give a temporary folder")
    if dest.exists() and any(dest.iterdir()) and not (dest / MARKER).exists():
        raise SystemExit(f"{dest} is not empty and not a synthetic data folder: give a new folder")


def make_synthetic_regions(
    dest: str | Path,
    n: int = 20,
    seed: int = DEFAULT_SEED,
    source: str | Path = REPO / "data",
    national: str = "china",
    reference: bool = True,
) -> list[str]:
    """Write ``n`` synthetic regions into the data folder ``dest``; return their names.

    ``dest`` must be outside the repository's ``data/``; an earlier synthetic folder there is
    replaced. ``reference``: also copy the national folder unchanged (the reports' reference
    line). Raises ``SystemExit`` with the reason otherwise.
    """
    from planeval.intake.schema import percent_may_exceed_100

    dest, source = Path(dest).resolve(), Path(source)
    _check_destination(dest)
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "observations").mkdir(parents=True)
    shutil.copytree(source / "plans", dest / "plans")
    shutil.copytree(source / "config", dest / "config")
    if (source / "indicators.yaml").exists():
        shutil.copy(source / "indicators.yaml", dest / "indicators.yaml")
    if reference:
        shutil.copytree(source / "observations" / national, dest / "observations" / national)
    years = sorted((source / "observations" / national).glob("[12][0-9][0-9][0-9].csv"))
    tables = {}
    for path in years:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            tables[path.name] = (reader.fieldnames, list(reader))
    indicators = sorted({r["indicator_id"] for _, rows in tables.values() for r in rows})
    rng = np.random.default_rng(seed)
    names = [f"synthetic_{i:02d}" for i in range(1, n + 1)]
    note = f"SYNTHETIC: scripts/make_synthetic_regions.py seed {seed}; not real statistics"
    for name in names:
        level = dict(zip(indicators, rng.normal(0.0, LEVEL_SD, len(indicators)), strict=True))
        folder = dest / "observations" / name
        folder.mkdir()
        for file_name, (fields, rows) in tables.items():
            noise = dict(zip(indicators, rng.normal(0.0, NOISE_SD, len(indicators)), strict=True))
            out_rows = []
            for row in rows:
                row = dict(row)
                text = row["value"].strip()
                try:
                    value = float(text)
                except ValueError:
                    value = None  # empty or a missing-value marker: kept as written
                if value is not None and math.isfinite(value):
                    ind = row["indicator_id"]
                    value *= math.exp(level[ind] + noise[ind])
                    if row["unit"] == "%" and not percent_may_exceed_100(ind):
                        value = min(value, 100.0)
                    row["value"] = f"{value:.{_decimals(text)}f}"
                row["source"] = f"SYNTHETIC (perturbed from {national} national data)"
                row["note"] = note
                out_rows.append(row)
            with (folder / file_name).open("w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=fields)
                writer.writeheader()
                writer.writerows(out_rows)
    (dest / MARKER).write_text(
        "SYNTHETIC DATA - NOT REAL STATISTICS\n"
        f"Made by scripts/make_synthetic_regions.py (n={n}, seed={seed}) from "
        f"{source / 'observations' / national} with perturbed values, for load tests and "
        "benchmarks of planeval batch. Never copy these files into data/observations.\n",
        encoding="utf-8",
    )
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="new data folder (outside the repository's data/)")
    parser.add_argument("--n", type=int, default=20, help="number of synthetic regions")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--source", type=Path, default=REPO / "data")
    parser.add_argument(
        "--no-reference", action="store_true", help="do not copy the national folder"
    )
    args = parser.parse_args(argv)
    names = make_synthetic_regions(
        args.dest, args.n, args.seed, args.source, reference=not args.no_reference
    )
    print(f"wrote {len(names)} synthetic regions to {args.dest / 'observations'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
