"""core.yamlfiles: one parse per file per process, a changed file parsed again, item lines."""

from __future__ import annotations

import yaml

from planeval.core import yamlfiles
from planeval.plans.catalogue import load_all_plans, target_lines

TEXT = "plan: tiny\ntargets:\n  - indicator_id: a\n    unit: '%'\n\n  - indicator_id: b\n"


def test_one_parse_per_unchanged_file_and_a_fresh_copy_each_call(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(TEXT, encoding="utf-8")
    yamlfiles.clear_cache()
    before = yamlfiles.PARSE_COUNT
    first = yamlfiles.read_yaml(path)
    first["plan"] = "changed by the caller"
    second = yamlfiles.read_yaml(path)
    assert yamlfiles.PARSE_COUNT == before + 1
    assert second["plan"] == "tiny"  # the caller's change did not reach the cache


def test_an_edited_file_is_parsed_again_even_with_the_same_size(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("plan: aaaa\n", encoding="utf-8")
    assert yamlfiles.read_yaml(path) == {"plan": "aaaa"}
    path.write_text("plan: bbbb\n", encoding="utf-8")  # same size, maybe the same mtime
    assert yamlfiles.read_yaml(path) == {"plan": "bbbb"}


def test_item_lines_come_from_the_same_parse():
    """Items of ``targets`` start on lines 3 and 6 of TEXT (counted by hand, 1-based)."""
    doc = yamlfiles.parse_yaml_text(TEXT)
    assert doc.lines_of("targets") == {1: 3, 2: 6}
    assert target_lines(TEXT) == {1: 3, 2: 6}
    assert doc.data == yaml.safe_load(TEXT)  # libyaml gives what the pure-Python loader gives


def test_loading_every_plan_twice_parses_each_file_once():
    """First load: each plan file plus the departments, units and geographies lists; second
    load: none."""
    yamlfiles.clear_cache()
    before = yamlfiles.PARSE_COUNT
    plans = load_all_plans("data")
    first = yamlfiles.PARSE_COUNT - before
    load_all_plans("data")
    assert first == len(plans) + 3
    assert yamlfiles.PARSE_COUNT - before == first
