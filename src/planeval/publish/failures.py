"""Failure records under ``<out>/failed/``: ``<name>.txt`` (message) and ``<name>.ipynb``
(the executed notebook with the error cell). A successful build removes them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from planeval.core.files import atomic_write_text


def failed_record_paths(out: str | Path, name: str) -> tuple[Path, Path]:
    """``(<out>/failed/<stem>.txt, <out>/failed/<stem>.ipynb)`` for report file ``name``."""
    stem = name[: -len(".html")] if name.endswith(".html") else name
    failed = Path(out) / "failed"
    return failed / f"{stem}.txt", failed / f"{stem}.ipynb"


def record_failure(out: Path, name: str, params: dict, message: str) -> Path:
    """Write ``<out>/failed/<stem>.txt``: report name, time, parameters and ``message``."""
    txt, _ = failed_record_paths(out, name)
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    lines = [f"report: {name}", f"failed: {stamp}"]
    lines += [f"{k}: {v}" for k, v in params.items()]
    atomic_write_text(txt, "\n".join(lines) + "\n\n" + message.rstrip() + "\n")
    return txt


def execution_message(exc) -> str:
    """One paragraph naming the failing cell for a papermill ``PapermillExecutionError``."""
    where = f"cell {exc.cell_index}" + (
        f" (execution count {exc.exec_count})" if exc.exec_count else ""
    )
    return f"notebook {where} raised {exc.ename}: {exc.evalue}"


def last_failure(out: str | Path, name: str) -> dict | None:
    """The failure record left by the last (failed) build of report ``name``, or None.

    A successful build removes the record, so a record beside a complete report means that
    report is outdated: the last rebuild failed and the file is the previous good one. Returns
    ``{"failed": <time as written in the record>, "record": <path relative to out>}``.
    """
    txt, nb = failed_record_paths(out, name)
    if not txt.is_file():
        return None
    stamp = ""
    for line in txt.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("failed: "):
            stamp = line[len("failed: ") :].strip()
            break
    record = nb if nb.is_file() else txt
    return {"failed": stamp, "record": record.relative_to(Path(out)).as_posix()}
