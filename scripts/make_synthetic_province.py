"""Make a SYNTHETIC province of N counties for load tests and benchmarks: never real statistics.

Usage::

    python scripts/make_synthetic_province.py DEST [--n 100] [--seed 20240601] [--source data]

writes a complete data folder ``DEST`` (``plans/``, ``config/``, ``indicators.yaml`` copied from
``--source``; ``geographies.yaml`` listing ``china``, the province ``synthetic_province`` and its
counties ``county_001 .. county_NNN``; ``observations/<code>/<year>.csv``; a
``SYNTHETIC_README.txt``). ``planeval overview --parent synthetic_province --data-dir DEST``
shows the province at a glance; ``data/runs/synthetic_province.yaml`` builds every county's
report and the overview from ``build/synthetic_province`` (git-ignored, kept out of
``make report``).

The procedure, simulated from the real provincial series (``<source>/observations/<region>/``
of the regions under ``china`` in ``geographies.yaml``, built by
``scripts/build_provincial_observations.py``) around the complete national series
(``<source>/observations/china/<year>.csv``, 2015–2024):

1. **Provincial level per indicator.** For every real provincial value with a national value of
   the same indicator and year, the log-ratio ``log(region / china)``; per region their mean.
   ``mu`` is the mean over regions (how far the average province lies from the country), ``sd``
   the standard deviation over regions (how far provinces differ), for an indicator reported by
   at least 3 regions; otherwise ``mu = 0`` and ``sd = 0.08`` (the spread
   ``make_synthetic_regions.py`` uses).
2. **The province** (the overview's parent line): the national series × ``exp(mu)``.
3. **Each county**: the national series × ``exp(mu + level + noise)``, ``level`` ~ N(0, sd²)
   per county and indicator, ``noise`` ~ N(0, 0.02²) per county, indicator and year (neonatal
   and under-5 mortality take infant mortality's ``mu``, ``level`` and ``noise``, so the nested
   rates stay ordered as the intake requires);
   percentages kept within 0–100 (gross enrolment ratios excepted); values rounded to the
   decimals of the national value.
4. **Uneven coverage, as in the real data**: each county's latest data year lags the national
   one by 0 (60 %), 1 (20 %), 2 (10 %) or 4 (10 %) years, and each county-indicator-year is left
   out with probability 0.1.

Seeded with numpy ``default_rng(seed)``: the same arguments give the same files. Every row's
``source`` says SYNTHETIC and its ``note`` gives the generator and seed. Refuses to write inside
the repository's ``data/`` folder.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import math
import shutil
import statistics
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SEED = 20240601
PROVINCE = "synthetic_province"
NOISE_SD = 0.02
DEFAULT_SD = 0.08
MIN_REGIONS = 3
LAGS, LAG_P = (0, 1, 2, 4), (0.6, 0.2, 0.1, 0.1)
P_MISSING = 0.1
#: Indicators simulated with another's factor, so nested rates stay ordered (the intake checks
#: neonatal ≤ infant ≤ under-5 mortality): the child mortality rates share infant mortality's.
SHARED = {"neonatal_mortality": "infant_mortality", "under5_mortality": "infant_mortality"}


def _regions_module():
    path = REPO / "scripts" / "make_synthetic_regions.py"
    spec = importlib.util.spec_from_file_location("make_synthetic_regions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read_folder(folder: Path) -> dict[tuple[str, int], tuple[float, str, str]]:
    """``{(indicator, year): (value, value text, unit)}`` of a folder's ``total`` rows."""
    out = {}
    for path in sorted(folder.glob("[12][0-9][0-9][0-9].csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                text = (row.get("value") or "").strip()
                if row.get("sex", "total") != "total" or not text:
                    continue
                try:
                    value = float(text)
                except ValueError:
                    continue
                out[(row["indicator_id"], int(path.stem))] = (value, text, row["unit"])
    return out


def provincial_levels(source: Path, national: str = "china") -> dict[str, tuple[float, float]]:
    """``{indicator: (mu, sd)}`` of step 1 from the real provincial folders under ``china``."""
    geos = yaml.safe_load((source / "geographies.yaml").read_text(encoding="utf-8"))["geographies"]
    china = _read_folder(source / "observations" / national)
    per_region: dict[str, list[float]] = defaultdict(list)
    for g in geos:
        folder = source / "observations" / str(g["code"])
        if g.get("parent") != national or not folder.is_dir():
            continue
        ratios: dict[str, list[float]] = defaultdict(list)
        for (ind, year), (value, _, _) in _read_folder(folder).items():
            base = china.get((ind, year))
            if base and base[0] > 0 and value > 0:
                ratios[ind].append(math.log(value / base[0]))
        for ind, logs in ratios.items():
            per_region[ind].append(statistics.fmean(logs))
    return {
        ind: (statistics.fmean(means), statistics.stdev(means))
        for ind, means in per_region.items()
        if len(means) >= MIN_REGIONS
    }


def _write_year(folder: Path, year: int, rows: list[list[str]]) -> None:
    with (folder / f"{year}.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["indicator_id", "value", "unit", "sex", "source", "note"])
        w.writerows(rows)


def make_synthetic_province(
    dest: str | Path, n: int = 100, seed: int = DEFAULT_SEED, source: str | Path = REPO / "data"
) -> list[str]:
    """Write the province and its ``n`` counties into the data folder ``dest``; return the
    county codes. ``dest`` must be outside the repository's ``data/`` (``SystemExit``
    otherwise); an earlier synthetic folder there is replaced."""
    from planeval.intake.schema import percent_may_exceed_100

    helpers = _regions_module()
    dest, source = Path(dest).resolve(), Path(source)
    helpers._check_destination(dest)
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "observations").mkdir(parents=True)
    for folder in ("plans", "config"):
        shutil.copytree(source / folder, dest / folder)
    for name in ("indicators.yaml", "units.yaml", "departments.yaml"):
        if (source / name).exists():
            shutil.copy(source / name, dest / name)
    shutil.copytree(source / "observations" / "china", dest / "observations" / "china")
    levels = provincial_levels(source)
    china = _read_folder(source / "observations" / "china")
    indicators = sorted({ind for ind, _ in china})
    last_year = max(year for _, year in china)
    rng = np.random.default_rng(seed)
    note = f"SYNTHETIC: scripts/make_synthetic_province.py seed {seed}; not real statistics"

    def value_text(ind, unit, base_text, value):
        if unit == "%" and not percent_may_exceed_100(ind):
            value = min(value, 100.0)
        return f"{value:.{helpers._decimals(base_text)}f}"

    def write_region(code: str, factors: dict, keep) -> None:
        folder = dest / "observations" / code
        folder.mkdir()
        per_year: dict[int, list] = defaultdict(list)
        for (ind, year), (value, text, unit) in sorted(china.items()):
            if keep(ind, year):
                v = value_text(ind, unit, text, value * factors[(ind, year)])
                per_year[year].append([ind, v, unit, "total", "SYNTHETIC", note])
        for year, rows in per_year.items():
            _write_year(folder, year, rows)

    drivers = sorted({SHARED.get(ind, ind) for ind in indicators})
    mu = {ind: levels.get(SHARED.get(ind, ind), (0.0, DEFAULT_SD))[0] for ind in indicators}
    sd = {ind: levels.get(ind, (0.0, DEFAULT_SD))[1] for ind in drivers}
    write_region(PROVINCE, {k: math.exp(mu[k[0]]) for k in china}, lambda ind, year: True)
    counties = [f"county_{i:03d}" for i in range(1, n + 1)]
    for code in counties:
        level = {ind: rng.normal(0.0, sd[ind]) for ind in drivers}
        lag = int(rng.choice(LAGS, p=LAG_P))
        noise = {(d, y): rng.normal(0.0, NOISE_SD) for d in drivers for y in range(2000, 2031)}
        factors, kept = {}, set()
        for ind, year in sorted(china):
            d = SHARED.get(ind, ind)
            factors[(ind, year)] = math.exp(mu[ind] + level[d] + noise[(d, year)])
            if year <= last_year - lag and rng.random() >= P_MISSING:
                kept.add((ind, year))
        write_region(code, factors, lambda ind, year, kept=kept: (ind, year) in kept)
    _geographies(dest, source, counties)
    (dest / helpers.MARKER).write_text(
        "SYNTHETIC DATA - NOT REAL STATISTICS\n"
        f"Made by scripts/make_synthetic_province.py (n={n}, seed={seed}) from the national "
        f"series and the real provincial series of {source}. Never copy these files into "
        "data/observations.\n",
        encoding="utf-8",
    )
    return counties


def _geographies(dest: Path, source: Path, counties: list[str]) -> None:
    # every source geography stays listed (the plans name theirs); the province and counties
    # are added under china
    geos = yaml.safe_load((source / "geographies.yaml").read_text(encoding="utf-8"))["geographies"]
    geos.append(
        {"code": PROVINCE, "zh": "模拟省", "en": "Synthetic province", "level": "province"}
        | {"parent": "china"}
    )
    for i, code in enumerate(counties, start=1):
        geos.append(
            {"code": code, "zh": f"模拟县{i:03d}", "en": f"County {i:03d}", "level": "district"}
            | {"parent": PROVINCE}
        )
    text = "# SYNTHETIC geographies (scripts/make_synthetic_province.py)\n"
    text += yaml.safe_dump({"geographies": geos}, allow_unicode=True, sort_keys=False)
    (dest / "geographies.yaml").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="new data folder (outside the repository's data/)")
    parser.add_argument("--n", type=int, default=100, help="number of counties")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--source", type=Path, default=REPO / "data")
    args = parser.parse_args(argv)
    counties = make_synthetic_province(args.dest, args.n, args.seed, args.source)
    print(f"wrote {PROVINCE} and {len(counties)} counties to {args.dest / 'observations'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
