"""Failure records under ``<out>/failed/``: ``<name>.txt`` (message) and ``<name>.ipynb``
(the executed notebook with the error cell). A successful build removes them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from planeval.core.errors import PlanevalError
from planeval.core.files import atomic_write_text


class WriteError(PlanevalError):
    """A report (or the index) could not be written: full disk, read-only or missing folder.

    Nothing was published: the writes are atomic, so the last good file is unchanged and no
    truncated file is left. ``path`` is the file, ``reason`` the system's message.
    """

    def __init__(self, path: str | Path, exc: OSError):
        self.path, self.reason = Path(path), exc.strerror or str(exc)
        super().__init__(
            f"cannot write {path}: {self.reason}; nothing was published (the last good report, "
            f"if any, is unchanged) / 无法写入 {path}：{self.reason}；"
            "未发布任何内容（原有报告不变）. "
            f"Fix: free space on the disk of {Path(path).parent} or choose another out folder, "
            "then run again / 修改方法：清理该磁盘空间或改用其他输出文件夹后重新运行"
        )


def failed_record_paths(out: str | Path, name: str) -> tuple[Path, Path]:
    """``(<out>/failed/<stem>.txt, <out>/failed/<stem>.ipynb)`` for report file ``name``.

    ``name`` must be a plain file name (no folder part, not ``..``): a record is never written
    outside ``<out>/failed`` (``ValueError`` otherwise: names come from
    :func:`~planeval.publish.runner.report_name`, which checks the codes)."""
    stem = name[: -len(".html")] if name.endswith(".html") else name
    if Path(stem).name != stem or stem in ("", ".", "..") or "\\" in stem:
        raise ValueError(f"not a plain report name: {name!r}")
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
