"""Build ``data/observations/china/<year>.csv`` from the raw national file.

Source: ``data/raw/china_national_observations.csv`` (copied unchanged from
``shared/data/``; every row is one value read in a public release). Several indicator-years
have more than one row. This script keeps one value per indicator and year by a fixed rule and
writes every source row, kept or not, to ``data/observations/china/resolution_log.csv`` with the
reason, so nothing is lost.

Resolution rule, applied in order per indicator:

1. **One unit per indicator.** The unit of the plan catalogue or the indicator register
   (``data/indicators.yaml``) when the indicator is listed there, otherwise the unit of most
   rows (ties: ``%``). Rows in another unit are not used (e.g.
   ``female_basic_medical_insurance`` in 亿人 beside the share in %).
2. **Read beats derived.** Per year, a value read directly from a release is preferred to one
   derived from a stated change (note starting ``derived:``).
3. **A bound is not a value.** A lower bound (note says ``LOWER BOUND``: "保持在90%以上") is
   never used as an observation: read as a point it would misstate the level (90 for a rate
   that is at least 90) and decide a status on its own. It is logged, not written.
4. **Later release wins a disagreement.** When the remaining rows disagree, the row whose
   source names the latest year is kept (later releases revise earlier ones); on a tie, the
   first row in the file. When they agree, the first row is kept and the others are logged as
   confirmations.

5. **Another measure, another indicator.** A raw row whose own name describes a different
   measure from the plan indicator its key points at is filed under the register indicator of
   that measure (``ANOTHER_MEASURE`` below; logged with both names). The national series
   ``未成年人犯罪人数占同期犯罪总人数比重`` (minors' share of all offenders, 1.94 % in 2022) is not
   the district plan's ``未成年人犯罪人数占未成年人人口数量比重`` (offenders per minor population,
   about 0.01 %): filed under the plan's key it made the plan's target look achieved.

Run: ``python scripts/build_national_observations.py`` (idempotent; rewrites the china folder).
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw" / "china_national_observations.csv"
OUT = ROOT / "data" / "observations" / "china"
_YEAR = re.compile(r"(20\d\d)")
# (raw key, the raw row's own name) -> the register indicator of that measure (rule 5)
ANOTHER_MEASURE = {
    ("juvenile_crime_share", "未成年人犯罪人数占同期犯罪总人数比重"): "juvenile_offenders_share",
}


def catalogue_units() -> dict[str, str]:
    units: dict[str, str] = {}
    for path in sorted((ROOT / "data" / "plans").glob("*.yaml")):
        for t in yaml.safe_load(path.read_text(encoding="utf-8")).get("targets", []):
            units.setdefault(t["indicator_id"], t["unit"])
    register = ROOT / "data" / "indicators.yaml"
    for entry in yaml.safe_load(register.read_text(encoding="utf-8")).get("indicators", []):
        units.setdefault(entry["indicator_id"], entry["unit"])
    return units


def release_year(source: str) -> int:
    years = [int(y) for y in _YEAR.findall(source)]
    return max(years) if years else 0


def main() -> None:
    with RAW.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for i, r in enumerate(rows, start=2):
        r["raw_row"] = i
        r["filed_as"] = ANOTHER_MEASURE.get((r["indicator_key"], r["name_zh"]))
        if r["filed_as"]:
            r["filed_as"], r["indicator_key"] = r["indicator_key"], r["filed_as"]
    cat_units = catalogue_units()
    by_key: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_key[r["indicator_key"]].append(r)

    kept: list[dict] = []
    log: list[dict] = []

    def record(r, decision, reason):
        log.append(
            {
                "raw_row": r["raw_row"],
                "indicator_id": r["indicator_key"],
                "year": r["year"],
                "value": r["value"],
                "unit": r["unit"],
                "decision": decision,
                "reason": reason
                + (
                    f"; filed as {r['indicator_key']} ({r['name_zh']}), not under the raw key "
                    f"{r['filed_as']} (another measure, rule 5)"
                    if r["filed_as"]
                    else ""
                ),
                "source": r["source"],
                "note": r["note"],
            }
        )

    for key, key_rows in by_key.items():
        counts = Counter(r["unit"] for r in key_rows)
        unit = cat_units.get(key) or sorted(counts, key=lambda u: (-counts[u], u != "%"))[0]
        by_year: dict[str, list[dict]] = defaultdict(list)
        for r in key_rows:
            if r["unit"] != unit:
                record(r, "discarded", f"unit {r['unit']} differs from the indicator's unit {unit}")
            else:
                by_year[r["year"]].append(r)
        for _year, cands in by_year.items():
            pool = cands
            direct = [r for r in pool if not r["note"].startswith("derived:")]
            if direct and len(direct) < len(pool):
                for r in pool:
                    if r not in direct:
                        record(r, "discarded", "derived value; a value read directly exists")
                pool = direct
            points = [r for r in pool if "LOWER BOUND" not in r["note"]]
            for r in pool:
                if r not in points:
                    record(r, "discarded", "lower bound, not a point value")
            pool = points
            if not pool:
                continue
            values = {float(r["value"]) for r in pool}
            if len(values) == 1:
                chosen, why_other = pool[0], "same value as the kept row (confirmation)"
            else:
                chosen = max(pool, key=lambda r: (release_year(r["source"]), -r["raw_row"]))
                why_other = f"disagrees with a later release (kept row {chosen['raw_row']})"
            record(
                chosen, "kept", "only row" if len(cands) == 1 else f"chosen among {len(cands)} rows"
            )
            for r in pool:
                if r is not chosen:
                    record(r, "discarded", why_other)
            kept.append(chosen)

    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.csv"):
        old.unlink()
    per_year: dict[str, list[dict]] = defaultdict(list)
    for r in kept:
        per_year[r["year"]].append(r)
    for year, year_rows in sorted(per_year.items()):
        with (OUT / f"{year}.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["indicator_id", "value", "unit", "sex", "source", "note"])
            for r in sorted(year_rows, key=lambda r: r["indicator_key"]):
                note = f"raw row {r['raw_row']}; {r['note']}".strip("; ")
                w.writerow([r["indicator_key"], r["value"], r["unit"], "total", r["source"], note])
    with (OUT / "resolution_log.csv").open("w", encoding="utf-8", newline="") as fh:
        fields = [
            "raw_row",
            "indicator_id",
            "year",
            "value",
            "unit",
            "decision",
            "reason",
            "source",
            "note",
        ]
        w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for entry in sorted(log, key=lambda e: e["raw_row"]):
            w.writerow(entry)
    n_disc = sum(e["decision"] == "discarded" for e in log)
    print(
        f"{len(rows)} raw rows -> {len(kept)} values in {len(per_year)} year files; "
        f"{n_disc} rows discarded (logged)"
    )


if __name__ == "__main__":
    main()
