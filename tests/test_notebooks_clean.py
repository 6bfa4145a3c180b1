"""Committed notebooks: no outputs, the project's kernel, and a .py pair with the same cells.

The pre-commit hooks (.pre-commit-config.yaml: jupytext --sync, nbstripout) keep these true on
a developer's machine; these tests make CI fail on a clone where the hooks were not installed.
They read what is committed (``git show HEAD:<path>``), not the working file: a researcher's
JupyterLab session (outputs, autosave) is not a commit and must not fail ``make test``. Outside
a git checkout (an unpacked release) the working files are read.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml
from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IDS = [p.name for p in NOTEBOOKS]


def committed_text(path: Path, root: Path = ROOT) -> str:
    """The text of ``path`` as committed at HEAD of the checkout ``root``; the working file
    when ``root`` is not a git checkout or the file is not committed yet."""
    rel = path.resolve().relative_to(root.resolve()).as_posix()
    if shutil.which("git"):
        shown = subprocess.run(
            ["git", "show", f"HEAD:{rel}"], cwd=root, capture_output=True, check=False
        )
        if shown.returncode == 0:
            return shown.stdout.decode("utf-8")
    return path.read_text(encoding="utf-8")


def committed_notebook(path: Path, root: Path = ROOT):
    return nbformat.reads(committed_text(path, root), as_version=4)


def _cells(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


def test_there_are_notebooks():
    assert {"evaluation.ipynb", "explore.ipynb"} <= set(IDS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_has_no_outputs(path):
    nb = committed_notebook(path)
    dirty = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)
    ]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; run nbstripout {path.name}"
    assert "widgets" not in nb.metadata, f"{path.name}: widget state saved; run nbstripout"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_uses_the_planeval_kernel(path):
    nb = committed_notebook(path)
    assert nb.metadata["kernelspec"]["name"] == "planeval"
    assert nb.metadata["kernelspec"]["display_name"] == "Python 3 (planeval)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_paired_script_has_the_same_cells(path):
    script = path.with_suffix(".py")
    assert script.exists(), f"{path.name} has no paired {script.name}: run jupytext --sync"
    nb = committed_notebook(path)
    text = jupytext.reads(committed_text(script), fmt="py:percent")
    assert _cells(text) == _cells(nb), f"{path.name} and {script.name} differ: jupytext --sync"
    assert text.metadata["kernelspec"]["name"] == "planeval"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_parameters_cell_is_tagged(path):
    """papermill injects parameters after the cell tagged ``parameters``."""
    nb = committed_notebook(path)
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


# --- a researcher's session leaves the repository clean (issue 15, failure 9) ---------------


def test_make_lab_opens_a_working_copy_outside_version_control():
    """Before: ``make lab`` opened the tracked notebooks/explore.ipynb, whose autosave wrote
    outputs into it (+1,125 lines) and failed this file's tests."""
    dry = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True)
    assert dry.returncode == 0, dry.stderr
    command = next(line for line in dry.stdout.splitlines() if "explore.ipynb" in line)
    opened = command.split()[-1]
    assert opened != "notebooks/explore.ipynb" and opened.endswith("explore.ipynb")
    ignored = subprocess.run(["git", "check-ignore", "-q", opened], cwd=ROOT, check=False)
    assert ignored.returncode == 0, f"{opened} is not git-ignored"
    assert Path(opened).parent.parent == Path("."), "one level down, so ../data is the data"


def test_lab_workspace_copies_the_notebook_once_and_keeps_the_researchers_work(tmp_path):
    lab = tmp_path / "lab"
    make = ["make", "--no-print-directory", "lab-workspace", f"LAB_DIR={lab}"]
    subprocess.run(make, cwd=ROOT, check=True, capture_output=True)
    copy = lab / "explore.ipynb"
    assert copy.read_bytes() == (ROOT / "notebooks" / "explore.ipynb").read_bytes()
    nb = nbformat.read(copy, as_version=4)  # a session runs it: outputs, counts, widgets
    nb.cells[0]["metadata"]["edited"] = True
    nbformat.write(nb, copy)
    subprocess.run(make, cwd=ROOT, check=True, capture_output=True)
    assert nbformat.read(copy, as_version=4).cells[0]["metadata"]["edited"] is True


def test_the_checks_read_the_committed_notebook_not_the_working_file(tmp_path):
    """A notebook with outputs in the working tree (an autosave) and a clean one committed:
    the check sees the committed one."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    clean = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    path = tmp_path / "nb.ipynb"
    nbformat.write(clean, path)
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "add", "nb.ipynb"], check=True)
    subprocess.run([*git, "commit", "-qm", "clean"], check=True)
    dirty = nbformat.read(path, as_version=4)
    dirty.cells[0].outputs = [nbformat.v4.new_output("stream", text="2")]
    dirty.cells[0].execution_count = 1
    nbformat.write(dirty, path)
    seen = committed_notebook(path, tmp_path)
    assert seen.cells[0].outputs == [] and seen.cells[0].execution_count is None
    untracked = tmp_path / "new.ipynb"
    nbformat.write(dirty, untracked)  # not committed yet: the working file is what there is
    assert committed_notebook(untracked, tmp_path).cells[0].execution_count == 1
