"""The visible text of one report per stage equals the text of the reports made before the
report model and templates (``tests/golden/report_text_<stage>.txt``, extracted from the
nbconvert reports of 2026-12-01 with :func:`report_text.visible_text`; time produced and
provenance values masked).

The document is built and rendered in this process, the way the notebook does it (same
builders, same templates), so a change of a number, a status or a sentence shows up here as
a diff. An intended change: rerun with ``PLANEVAL_UPDATE_GOLDEN=1`` and list the change in the
commit message.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from report_text import visible_text

import planeval
from planeval.reporting import build
from planeval.reporting.html import render_section
from planeval.reporting.provenance import provenance_rows

GOLDEN = Path(__file__).parent / "golden"
CASES = {
    "midterm": ("children", "midterm", 2023, "zh"),
    "annual": ("women", "annual", 2024, "zh"),
    "final": ("children", "final", 2024, "zh"),
    "midterm_en": ("women", "midterm", 2023, "en"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_report_text_equals_golden(name):
    plan, stage, year, lang = CASES[name]
    assessment = planeval.assess(plan, "china", year, data_dir="data")
    ctx = build.context_for(
        assessment,
        stage,
        lang,
        "data",
        produced="2026-01-01 00:00",
        provenance=provenance_rows,
        plan_name=plan,
    )
    document = build.build_document(ctx)
    got = visible_text("".join(render_section(s) for s in document.sections()))
    path = GOLDEN / f"report_text_{name}.txt"
    if os.environ.get("PLANEVAL_UPDATE_GOLDEN"):
        path.write_text(got, encoding="utf-8")
    want = path.read_text(encoding="utf-8")
    diff = "\n".join(difflib.unified_diff(want.splitlines(), got.splitlines(), lineterm="", n=1))
    assert got == want, f"report text differs from {path.name}:\n{diff[:4000]}"
