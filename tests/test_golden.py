"""Golden comparison: ``planeval assess`` on the shipped data gives the numbers it gave before.

The golden files (``tests/golden/``) were written by ``scripts/update_golden.py`` before the
package was reorganised into stages; a refactor must not move a single figure or status. An
intended change to a number is made by rerunning that script and listing the change in the
commit message.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("update_golden", ROOT / "scripts/update_golden.py")
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("case", golden.CASES, ids=lambda c: "_".join(map(str, c)))
def test_assess_output_equals_the_golden_copy(case, fmt):
    expected = golden.golden_path(*case, fmt).read_text(encoding="utf-8")
    actual = golden.assess_output(*case, fmt)
    if actual != expected:
        diff = [
            f"line {i + 1}:\n  golden {e}\n  now    {a}"
            for i, (e, a) in enumerate(
                zip(expected.splitlines(), actual.splitlines(), strict=False)
            )
            if e != a
        ]
        pytest.fail(f"{len(diff)} lines differ from the golden copy; first: {diff[:3]}")
