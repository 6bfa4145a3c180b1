"""core.files: one atomic write for every output (reports, store, templates, pages)."""

from __future__ import annotations

import stat

import pytest

from planeval.core.files import atomic_path, atomic_write_bytes


def test_a_writer_that_fails_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "observations.parquet"
    target.write_bytes(b"last good store")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("writer died")
    assert target.read_bytes() == b"last good store"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["observations.parquet"]


def test_the_new_file_replaces_the_old_one_readable_by_others(tmp_path):
    target = tmp_path / "sub" / "report.html"  # the folder is created
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
