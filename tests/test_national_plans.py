"""The national outlines 2021-2030 as plans: every target is checked against the phrase it was
read in (source_text) and names where it was read (note)."""

from __future__ import annotations

import re

import pytest

from planeval.plans.catalogue import load_plan

WORDS = {"three": 3, "five": 5, "six": 6}


def _numbers(text: str) -> set[float]:
    """Every figure a quote states: digits (38%, 2%) and the number words of the China Daily
    text ("below three per thousand")."""
    found = {float(x) for x in re.findall(r"\d+(?:\.\d+)?", text)}
    found |= {float(v) for w, v in WORDS.items() if re.search(rf"\b{w}\b", text)}
    return found


@pytest.mark.parametrize("name", ["national_children", "national_women"])
def test_every_target_is_its_quote(name):
    plan = load_plan(name, "data")
    assert plan.geography == "china" and plan.period == (2021, 2030)
    for t in plan.targets:
        assert t.target_year == 2030
        assert t.target_value in _numbers(t.source_text), (t.indicator_id, t.source_text)
        below = re.search(r"以下|below|less than", t.source_text)
        above = re.search(r"以上|more than", t.source_text)
        assert (t.target_type == "at_most") == bool(below), t.indicator_id
        assert (t.target_type == "at_least") == bool(above), t.indicator_id
        assert t.note.startswith("read in: ") and "http" in t.note, t.indicator_id


def test_the_national_plans_are_in_the_main_run_list():
    """China against China's own targets: annual 2024 and mid-term with data through 2024."""
    from planeval.publish.runlist import load_runlist

    names = {r.name for r in load_runlist("data/runs/main.yaml").runs}
    for plan in ("national_women", "national_children"):
        for stage in ("annual", "midterm"):
            assert f"china_{plan}_{stage}_2024.html" in names
