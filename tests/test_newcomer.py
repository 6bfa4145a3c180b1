"""Defects a newcomer met following only README.md: each case as they typed it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planeval.cli import app
from planeval.core.errors import InputError
from planeval.publish.checks import check_can_create, check_out_folder

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

needs_sys = pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux /sys")


@pytest.fixture()
def base(tmp_path: Path) -> Path:
    """A copy of the shipped data folder without its built database."""
    folder = tmp_path / "base"
    shutil.copytree(ROOT / "data", folder, ignore=shutil.ignore_patterns("processed"))
    return folder


# 1. an output folder that cannot be written


@needs_sys
def test_out_folder_that_cannot_be_created_is_refused_up_front():
    with pytest.raises(InputError) as err:
        check_out_folder("/sys/nc_out")
    text = str(err.value)
    assert "/sys" in text and "cannot write" in text and "无法" in text


@needs_sys
def test_report_into_unwritable_folder_is_a_message_not_a_traceback(base: Path):
    result = runner.invoke(
        app,
        ["report", "--plan", "women", "--stage", "midterm", "--year", "2023"]
        + ["--geography", "china", "--data-dir", str(base), "--out", "/sys/nc_out"],
    )
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "cannot write in the folder /sys" in result.output


@needs_sys
def test_batch_into_unwritable_folder_is_refused(tmp_path: Path):
    with pytest.raises(InputError, match="cannot write"):
        check_can_create("/sys/nc_out/deeper", "out")
    check_can_create(tmp_path / "new" / "deeper", "out")  # creatable: no error


def test_os_error_while_writing_is_a_clear_failure(base: Path, tmp_path: Path, monkeypatch):
    """A read-only file system noticed only when writing (EROFS from the atomic write)."""
    import planeval.publish.runner as runner_module

    def read_only(*args, **kwargs):
        raise OSError(30, "Read-only file system", str(tmp_path / ".x.html.tmp"))

    monkeypatch.setattr(runner_module, "build_report", read_only)
    result = runner.invoke(
        app,
        ["report", "--plan", "women", "--stage", "midterm", "--year", "2023"]
        + ["--geography", "china", "--data-dir", str(base), "--out", str(tmp_path)],
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "could not write the report" in result.output and "Read-only" in result.output
    assert "无法" in result.output
