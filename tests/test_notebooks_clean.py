"""Committed notebooks: no outputs, the project's kernel, and a .py pair with the same cells.

The pre-commit hooks (.pre-commit-config.yaml: jupytext --sync, nbstripout) keep these true on
a developer's machine; these tests make CI fail on a clone where the hooks were not installed.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml
from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IDS = [p.name for p in NOTEBOOKS]


def _cells(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


def test_there_are_notebooks():
    assert {"evaluation.ipynb", "explore.ipynb"} <= set(IDS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_has_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)
    ]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; run nbstripout {path.name}"
    assert "widgets" not in nb.metadata, f"{path.name}: widget state saved; run nbstripout"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_uses_the_planeval_kernel(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "planeval"
    assert nb.metadata["kernelspec"]["display_name"] == "Python 3 (planeval)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_paired_script_has_the_same_cells(path):
    script = path.with_suffix(".py")
    assert script.exists(), f"{path.name} has no paired {script.name}: run jupytext --sync"
    nb = nbformat.read(path, as_version=4)
    text = jupytext.read(script)
    assert _cells(text) == _cells(nb), f"{path.name} and {script.name} differ: jupytext --sync"
    assert text.metadata["kernelspec"]["name"] == "planeval"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_parameters_cell_is_tagged(path):
    """papermill injects parameters after the cell tagged ``parameters``."""
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"


def test_jupytext_config_pairs_every_notebook_with_percent_script():
    config_file = find_jupytext_configuration_file(str(ROOT / "notebooks"))
    assert config_file is not None and Path(config_file).name == "jupytext.toml"
    config = load_jupytext_configuration_file(config_file)
    for path in NOTEBOOKS:
        formats = config.default_formats(str(path))
        assert formats is not None and "py:percent" in formats, path.name
    assert config.default_formats(str(ROOT / "reports" / "some_run.ipynb")) is None


def test_pre_commit_runs_jupytext_sync_then_nbstripout():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [h for repo in config["repos"] for h in repo["hooks"]]
    ids = [h["id"] for h in hooks]
    assert ids.index("jupytext-sync") < ids.index("nbstripout")  # sync first: a newer .py wins
    entries = {h["id"]: h["entry"] for h in hooks}
    assert "--sync" in entries["jupytext-sync"] and "nbstripout" in entries["nbstripout"]
