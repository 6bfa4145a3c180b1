"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Every file planeval writes (reports, run records, the Parquet store, templates, validation
pages, catalogue exports) goes through :func:`atomic_path`: the content is written to a
temporary file ``.<name>.<random>.tmp`` in the same folder, made readable (0644: ``mkstemp``
creates 0600, and outputs are for people to read) and renamed over the target with
``os.replace``, which is atomic on one file system. If anything fails, the temporary file is
removed and the old file stays as it was, so a failed run never overwrites the last good output.
A writer killed mid-write leaves only a ``.<name>.*.tmp`` file, which
:func:`remove_stale_temp_files` clears.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

#: Glob of the temporary files :func:`atomic_path` creates (and a killed writer may leave).
TEMP_GLOB = ".*.tmp"


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on normal exit it replaces ``path``.

    For writers that want a file name (``DataFrame.to_parquet``, ``Workbook.save``)::

        with atomic_path(out) as tmp:
            frame.to_parquet(tmp)

    The parent folder is created when missing. On an exception the temporary file is removed
    and the exception propagates (``OSError`` for an unwritable folder).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_path`)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically (see :func:`atomic_path`)."""
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)


def remove_stale_temp_files(out: str | Path) -> list[Path]:
    """Delete temporary files left by writers that were killed (``.<name>.*.tmp``).

    Only files matching :data:`TEMP_GLOB` in ``out`` and ``out/failed`` are touched. Call it only
    when no other process writes to ``out`` (the batch runner holds a lock while it does).
    Returns the removed paths.
    """
    out = Path(out)
    removed = []
    for folder in (out, out / "failed"):
        for tmp in folder.glob(TEMP_GLOB):
            if tmp.is_file():
                tmp.unlink(missing_ok=True)
                removed.append(tmp)
    return removed
