"""Executing the notebook with papermill: bounded, in no shared working folder, noise kept out.

:func:`execute` wraps :func:`papermill.execute_notebook` so that

* **no cell runs for ever**: each cell has ``cell_timeout`` seconds (settings file
  ``run.cell_timeout_seconds``, CLI ``--cell-timeout``); a cell over it fails the report;
* **the process's working folder is never changed**: papermill's ``cwd`` option calls
  ``os.chdir`` for the whole process, which moves the relative paths of every other thread
  (two ``build_report`` calls in threads wrote one report into the other's folder). The
  kernel is started in ``workdir`` through nbclient's ``resources`` instead, and every path
  handed to the notebook is absolute;
* **the kernel's own log stays out of the batch log**: the kernel process writes its stdout
  and stderr (start-up warnings, "KeyboardInterrupt caught in kernel" when jupyter_client
  interrupts it before shutdown) to one log file per process (:func:`kernel_log_file`; a
  warm kernel of :mod:`planeval.publish.engine` serves several reports), and each report's
  share of it goes to the run or failure record;
* **a failure names the cell**: :class:`NotebookError` says which cell (number and first line)
  raised what, also for a timeout, a killed kernel and a failed ``%magic`` (whose message
  papermill loses: "raised CellExecutionError: ").

:func:`take_stderr` removes stderr streams from an executed notebook (they never reach the
report's HTML) and returns them for the run record.
"""

from __future__ import annotations

import atexit
import tempfile
import threading
from pathlib import Path
from typing import IO

from planeval.core.errors import PlanevalError

_LOG: dict[str, object] = {}
_LOG_LOCK = threading.Lock()


class NotebookError(PlanevalError):
    """A notebook cell failed, timed out or lost its kernel.

    ``cell_index`` (0-based, as papermill numbers cells), ``ename`` and ``evalue`` (the error's
    type and message) and ``cell`` (a short description: number and first line of code).
    """

    def __init__(self, cell_index: int | None, ename: str, evalue: str, cell: str):
        self.cell_index, self.ename, self.evalue, self.cell = cell_index, ename, evalue, cell
        self.kernel_log = ""  # the kernel process's log during this run (set by execute)
        super().__init__(f"notebook {cell} raised {ename}: {evalue}")


def kernel_log_file() -> tuple[IO, type]:
    """``(log file, kernel manager class)`` of this process: every kernel it starts writes its
    stdout and stderr to the one log file (removed at exit)."""
    with _LOG_LOCK:
        if not _LOG:
            log = tempfile.NamedTemporaryFile(
                "a+", prefix="planeval-kernel-", suffix=".log", encoding="utf-8", delete=False
            )
            atexit.register(Path(log.name).unlink, missing_ok=True)
            _LOG.update(file=log, manager=_kernel_manager_class(log))
        return _LOG["file"], _LOG["manager"]


def _log_since(log: IO, offset: int) -> str:
    with open(log.name, encoding="utf-8", errors="replace") as fh:
        fh.seek(offset)
        return fh.read()


def _kernel_manager_class(log: IO):
    """An AsyncKernelManager whose kernel process writes stdout and stderr to ``log``."""
    from jupyter_client.manager import AsyncKernelManager

    class LoggedKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw):
            kw.setdefault("stdout", log)
            kw.setdefault("stderr", log)
            return await super().start_kernel(**kw)

    return LoggedKernelManager


def describe_cell(nb, index: int | None) -> str:
    """``cell 3 (`time.sleep(60)`)``: the cell's number and first non-empty line of code."""
    if index is None or not 0 <= index < len(nb.cells):
        return "an unknown cell"
    lines = [ln.strip() for ln in nb.cells[index].source.splitlines() if ln.strip()]
    first = lines[0] if lines else ""
    first = first if len(first) <= 60 else first[:57] + "..."
    return f"cell {index} (`{first}`)" if first else f"cell {index}"


def running_cell(nb) -> int | None:
    """Index of the last cell papermill started (the one running when execution stopped)."""
    started = [
        i
        for i, c in enumerate(nb.cells)
        if c.get("metadata", {}).get("papermill", {}).get("start_time")
    ]
    return started[-1] if started else None


def _error_from_outputs(cell) -> tuple[str, str]:
    """``(ename, evalue)`` from a cell's outputs: an error output, else the last stderr line
    of the form ``Name: message`` (IPython prints a failed ``%magic`` that way)."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error" and output.get("ename"):
            return output["ename"], output.get("evalue", "")
    for output in reversed(cell.get("outputs", [])):
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            for line in reversed(output.get("text", "").strip().splitlines()):
                name, sep, message = line.partition(": ")
                if sep and name.isidentifier():
                    return name, message.strip()
                if line.strip():
                    return "Error", line.strip()
    return "", ""


def read_executed(path: Path):
    """The executed notebook without the error-marker cells papermill inserts on a failure
    (so that cell numbers are those of papermill's exception); None when unreadable."""
    import nbformat
    from papermill.execute import remove_error_markers

    try:
        return remove_error_markers(nbformat.read(str(path), as_version=4))
    except (OSError, ValueError):
        return None


def notebook_error(exc: Exception, executed: Path, cell_timeout: float | None) -> NotebookError:
    """A :class:`NotebookError` naming the cell for an exception papermill raised."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    nb = read_executed(executed)
    index = getattr(exc, "cell_index", None)
    if index is None and nb is not None:
        index = running_cell(nb)
    cell = describe_cell(nb, index) if nb is not None else f"cell {index}"
    if isinstance(exc, CellTimeoutError):
        return NotebookError(
            index,
            "CellTimeoutError",
            f"no result after {cell_timeout:g} s (run.cell_timeout_seconds in the settings "
            "file, or --cell-timeout); the cell was stopped",
            cell,
        )
    if isinstance(exc, DeadKernelError):
        return NotebookError(
            index,
            "DeadKernelError",
            "the kernel died while running it (killed, out of memory, or a crash in native "
            "code); nothing was written",
            cell,
        )
    ename, evalue = getattr(exc, "ename", type(exc).__name__), getattr(exc, "evalue", str(exc))
    if (not evalue or ename == "CellExecutionError") and nb is not None and index is not None:
        found_name, found_value = _error_from_outputs(nb.cells[index])
        if found_name:
            ename, evalue = found_name, found_value
    return NotebookError(index, ename, evalue, cell)


def execute(
    notebook: Path,
    executed: Path,
    parameters: dict,
    kernel_name: str,
    cell_timeout: float,
    workdir: Path,
    extra_arguments: list[str] | None = None,
    start_timeout: float = 60,
):
    """Run ``notebook`` with ``parameters`` into ``executed``; return ``(executed notebook,
    kernel log of this run)``.

    The kernel starts in ``workdir`` (absolute) and logs to :func:`kernel_log_file`; each
    cell may run ``cell_timeout`` seconds, the kernel ``start_timeout`` seconds to be ready
    (settings ``run.kernel_start_timeout_seconds``). Raises :class:`NotebookError` naming the
    cell (with ``kernel_log``) when a cell fails, times out or the kernel dies (the executed
    notebook, up to that cell, is in ``executed``).
    """
    import papermill as pm

    from planeval.publish.engine import engine_options

    log, manager_class = kernel_log_file()
    offset = Path(log.name).stat().st_size
    try:
        nb = pm.execute_notebook(
            str(notebook),
            str(executed),
            parameters=parameters,
            kernel_name=kernel_name,
            progress_bar=False,
            execution_timeout=cell_timeout,
            start_timeout=start_timeout,
            extra_arguments=extra_arguments or [],
            resources={"metadata": {"path": str(Path(workdir).absolute())}},
            kernel_manager_class=manager_class,
            **engine_options(),  # a warm kernel per worker process (publish.engine)
        )
    except Exception as exc:  # papermill's, nbclient's, jupyter_client's errors
        error = notebook_error(exc, executed, cell_timeout)
        error.kernel_log = _log_since(log, offset)
        raise error from exc
    return nb, _log_since(log, offset)


def take_stderr(nb) -> list[dict]:
    """Remove every stderr stream output from ``nb`` (in place); return them as
    ``[{"cell": index, "text": ...}]`` for the run record."""
    taken = []
    for index, cell in enumerate(nb.cells):
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                taken.append({"cell": index, "text": output.get("text", "")})
            else:
                kept.append(output)
        if "outputs" in cell:
            cell["outputs"] = kept
    return taken
