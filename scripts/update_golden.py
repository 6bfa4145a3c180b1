"""Write the golden copy of ``planeval assess`` (CSV, JSON) that ``tests/test_golden.py`` reads.

Run after an *intended* change to a number, and list the change in the commit message:

    .venv/bin/python scripts/update_golden.py

The test compares with a stated tolerance (``tests/test_golden.py``): floats within a relative
1e-5 or an absolute 1e-9 (one unit of the 4th decimal in the CSV), text, statuses and booleans
exactly, so files written on one machine hold on another CPU or BLAS kernel.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from planeval.cli import app

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
#: (geography, plan, data cut-off year): both plans on the national data at two cut-offs, and on
#: the district's own figures (only 2020 there, so one cut-off is enough).
CASES = [
    ("china", "women", 2023),
    ("china", "women", 2024),
    ("china", "children", 2023),
    ("china", "children", 2024),
    ("baijiantan", "women", 2024),
    ("baijiantan", "children", 2024),
]


def assess_output(geography: str, plan: str, year: int, fmt: str) -> str:
    """The text ``planeval assess`` prints for one case on the shipped data."""
    args = ["assess", "--plan", plan, "--geography", geography, "--year", str(year)]
    args += ["--format", fmt, "--data-dir", str(ROOT / "data")]
    result = CliRunner().invoke(app, args)
    if result.exit_code != 0:
        raise RuntimeError(f"planeval {' '.join(args)} failed:\n{result.output}")
    return result.stdout


def golden_path(geography: str, plan: str, year: int, fmt: str) -> Path:
    return GOLDEN / f"assess_{geography}_{plan}_{year}.{fmt}"


def main() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        for fmt in ("csv", "json"):
            golden_path(*case, fmt).write_text(assess_output(*case, fmt), encoding="utf-8")
            print("wrote", golden_path(*case, fmt).relative_to(ROOT))


if __name__ == "__main__":
    main()
