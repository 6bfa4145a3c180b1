"""One line for the end of ``make report``: how many reports the main job made and how long it
took, from the batch summary (``reports/batch_summary.json``).

Usage: ``python scripts/report_summary.py SUMMARY_JSON [WALL_SECONDS]``
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def summary_line(summary: dict, wall_seconds: float | None = None) -> str:
    """``make report: 12 reports made (0 unchanged, 0 failed) in 41 s ...``."""
    c = summary["counts"]
    line = (
        f"make report: {c['done']} reports made ({c['skipped']} unchanged and skipped, "
        f"{c['failed']} failed) in {summary['seconds']:.0f} s of batch with "
        f"{summary['workers']} worker(s)"
    )
    overviews = summary.get("overviews", [])
    if overviews:
        failed = sum(o["status"] == "failed" for o in overviews)
        seconds = sum(o["seconds"] for o in overviews)
        line += f"; {len(overviews)} overviews ({failed} failed, {seconds:.0f} s of it)"
    if wall_seconds is not None:
        line += f"; {wall_seconds:.0f} s for the whole command"
    return line


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else Path("reports/batch_summary.json")
    wall = float(argv[1]) if len(argv) > 1 else None
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        print(f"make report: no batch summary at {path} (the batch did not start)")
        return 0
    print(summary_line(summary, wall))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
