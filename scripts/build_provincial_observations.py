"""Build ``data/observations/<region>/<year>.csv`` for the provinces and cities from the raw file.

Source: ``data/raw/provincial_observations.csv`` (copied unchanged from the project's shared
data folder ``shared/data/provinces/observations.csv``; its description, with what every column
and note means, is ``data/raw/provincial_observations.README.md``). Every row is one value read
in a published source (provincial statistics bulletins, health white papers, government work
reports, news quoting them). Several region-indicator-years have more than one row.

The regions: each ``geography`` of the raw file is a region folder. A city is written
``<province>_<city>`` in the raw file (``gansu_wuwei``); its code here is the city's own name
(``wuwei``), as the other codes of ``data/geographies.yaml`` are (``karamay``). Every region
must be listed in ``data/geographies.yaml``; the script stops otherwise.

Indicator keys follow the national data; where the raw file names an indicator differently from
the catalogue (``child_myopia_rate`` for the register's ``myopia_overall``), the catalogue's key
is used (:data:`KEY_MAP`) and the log says so.

Resolution rule, applied in order per region and indicator (the national rule of
``scripts/build_national_observations.py``, so the two builds read sources the same way):

1. **One unit per indicator.** The unit of the plan catalogue or the indicator register
   (``data/indicators.yaml``); rows in another unit are not used.
2. **Read beats derived.** Per year, a value read directly from a source is preferred to one
   derived from a stated change (note starting ``derived:``); a derived value alone is kept.
3. **A bound is not a value.** A row whose note says ``LOWER BOUND`` is logged, never written.
4. **Later release wins a disagreement.** When the remaining rows disagree, the row whose
   source names the latest year is kept (later releases revise earlier ones); on a tie, the
   first row in the file. When they agree, the first row is kept and the others are logged as
   confirmations.

Caveats the sources state (population base 户籍/常住, a year assumed from "目前"/"so far", a
value identical to an earlier year's) stay in each written row's ``note``, so a report's
sources table shows them.

Run: ``python scripts/build_provincial_observations.py`` (idempotent; rewrites the year files and
``resolution_log.csv`` of every region folder it writes, nothing else).
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw" / "provincial_observations.csv"
OBSERVATIONS = ROOT / "data" / "observations"
#: Raw indicator keys renamed to the catalogue's / register's key for the same indicator.
KEY_MAP = {
    "child_myopia_rate": "myopia_overall",
    "maternal_system_management_rate": "maternal_system_management",
}
LOG_FIELDS = [
    "raw_row",
    "geography",
    "raw_geography",
    "indicator_id",
    "year",
    "value",
    "unit",
    "decision",
    "reason",
    "source",
    "source_url",
    "note",
]
_YEAR = re.compile(r"(20\d\d)")


def region_code(raw_geography: str) -> str:
    """``gansu_wuwei`` -> ``wuwei``: a city's code is its own name; a province keeps its own."""
    return raw_geography.rsplit("_", 1)[-1]


def known_units() -> dict[str, str]:
    """Unit of every indicator of the plan catalogue and the indicator register."""
    units: dict[str, str] = {}
    for path in sorted((ROOT / "data" / "plans").glob("*.yaml")):
        for t in yaml.safe_load(path.read_text(encoding="utf-8")).get("targets", []):
            units.setdefault(t["indicator_id"], t["unit"])
    register = ROOT / "data" / "indicators.yaml"
    for entry in yaml.safe_load(register.read_text(encoding="utf-8")).get("indicators", []):
        units.setdefault(entry["indicator_id"], entry["unit"])
    return units


def listed_geographies() -> set[str]:
    path = ROOT / "data" / "geographies.yaml"
    return {str(g["code"]) for g in yaml.safe_load(path.read_text(encoding="utf-8"))["geographies"]}


def release_year(row: dict) -> int:
    years = [int(y) for y in _YEAR.findall(row["source_title"])]
    return max(years) if years else 0


def read_raw() -> list[dict]:
    with RAW.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for i, r in enumerate(rows, start=2):
        r["raw_row"] = i
        r["code"] = region_code(r["geography"])
        r["indicator_id"] = KEY_MAP.get(r["indicator_key"], r["indicator_key"])
    return rows


class Log:
    """Every raw row with its decision and reason (``resolution_log.csv`` per region)."""

    def __init__(self) -> None:
        self.entries: list[dict] = []

    def record(self, r: dict, decision: str, reason: str) -> None:
        if r["indicator_id"] != r["indicator_key"]:
            reason += f"; raw key {r['indicator_key']} is the catalogue's {r['indicator_id']}"
        self.entries.append(
            {
                "raw_row": r["raw_row"],
                "geography": r["code"],
                "raw_geography": r["geography"],
                "indicator_id": r["indicator_id"],
                "year": r["year"],
                "value": r["value"],
                "unit": r["unit"],
                "decision": decision,
                "reason": reason,
                "source": r["source_title"],
                "source_url": r["source_url"],
                "note": r["note"],
            }
        )


def resolve_year(cands: list[dict], log: Log) -> dict | None:
    """The one row kept for a region-indicator-year (rules 2-4), every other row logged."""
    pool = cands
    direct = [r for r in pool if not r["note"].startswith("derived:")]
    if direct and len(direct) < len(pool):
        for r in pool:
            if r not in direct:
                log.record(r, "discarded", "derived value; a value read directly exists")
        pool = direct
    points = [r for r in pool if "LOWER BOUND" not in r["note"]]
    for r in pool:
        if r not in points:
            log.record(r, "discarded", "lower bound, not a point value")
    if not points:
        return None
    values = {float(r["value"]) for r in points}
    if len(values) == 1:
        chosen, why_other = points[0], "same value as the kept row (confirmation)"
    else:
        chosen = max(points, key=lambda r: (release_year(r), -r["raw_row"]))
        why_other = f"disagrees with a later release (kept row {chosen['raw_row']})"
    log.record(chosen, "kept", "only row" if len(cands) == 1 else f"chosen among {len(cands)} rows")
    for r in points:
        if r is not chosen:
            log.record(r, "discarded", why_other)
    return chosen


def resolve(rows: list[dict], units: dict[str, str], log: Log) -> list[dict]:
    """One row per region, indicator and year (rules 1-4)."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        groups[(r["code"], r["indicator_id"])].append(r)
    kept = []
    for (_code, indicator), group in groups.items():
        unit = units.get(indicator)
        by_year: dict[str, list[dict]] = defaultdict(list)
        for r in group:
            if unit is None:
                log.record(r, "discarded", "indicator in neither the catalogue nor the register")
            elif r["unit"] != unit:
                log.record(r, "discarded", f"unit {r['unit']} differs from the indicator's {unit}")
            else:
                by_year[r["year"]].append(r)
        for _year, cands in sorted(by_year.items()):
            chosen = resolve_year(cands, log)
            if chosen is not None:
                kept.append(chosen)
    return kept


def write_region(code: str, rows: list[dict], entries: list[dict]) -> int:
    """Write one region's year files and resolution log; returns the number of year files."""
    folder = OBSERVATIONS / code
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("[12][0-9][0-9][0-9].csv"):
        old.unlink()
    per_year: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        per_year[r["year"]].append(r)
    for year, year_rows in sorted(per_year.items()):
        with (folder / f"{year}.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["indicator_id", "value", "unit", "sex", "source", "note"])
            for r in sorted(year_rows, key=lambda r: r["indicator_id"]):
                note = f"raw row {r['raw_row']}; {r['note']}".strip("; ")
                w.writerow(
                    [r["indicator_id"], r["value"], r["unit"], "total", r["source_title"], note]
                )
    with (folder / "resolution_log.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=LOG_FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(sorted(entries, key=lambda e: e["raw_row"]))
    return len(per_year)


def main() -> None:
    rows = read_raw()
    missing = sorted({r["code"] for r in rows} - listed_geographies())
    if missing:
        raise SystemExit(f"add these regions to data/geographies.yaml first: {', '.join(missing)}")
    log = Log()
    kept = resolve(rows, known_units(), log)
    codes = sorted({r["code"] for r in rows})
    n_files = 0
    for code in codes:
        n_files += write_region(
            code,
            [r for r in kept if r["code"] == code],
            [e for e in log.entries if e["geography"] == code],
        )
    decisions = Counter(e["decision"] for e in log.entries)
    print(
        f"{len(rows)} raw rows -> {len(kept)} values for {len(codes)} regions in {n_files} year "
        f"files; {decisions['discarded']} rows discarded (logged in each resolution_log.csv)"
    )


if __name__ == "__main__":
    main()
