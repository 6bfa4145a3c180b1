"""A papermill engine that keeps one warm kernel per process and reuses it across reports.

Starting a kernel and importing planeval, pandas, statsmodels and matplotlib in it cost about
2.5 s of every report, more than assessing a plan. The engine ``planeval-warm`` (registered
with papermill's engine registry, so papermill and nbclient still execute every cell) starts
the kernel once per worker process and runs each report's notebook on it:

* **clean namespace per report**: before the notebook's first cell, a reset cell
  (:data:`RESET_CODE`) clears the user namespace (``%reset -f``: every variable, function and
  import name of the previous report), closes open figures, restores matplotlib's settings and
  moves to the notebook's folder. Imported modules stay in ``sys.modules``: that is the saving.
  What survives the reset (modules, caches) is then frozen (:func:`gc.freeze`), so the next
  reset's garbage collection looks only at the objects of one report (0.6 s -> 0.02 s).
  The reset cell is removed from the executed notebook, so cell numbers and the report are
  those of the notebook itself;
* **a kernel in doubt is replaced**: after a failed cell, a timeout, a dead kernel or any error
  outside a cell the kernel is shut down and the next report starts a fresh one; after
  ``max_uses`` reports too (memory growth stays bounded);
* **the kernel ends with its worker**: at process exit, and ipykernel also exits when its parent
  process dies (it polls the parent), so a killed worker leaves no kernel behind;
* **a report told to stop stops** (:func:`stop_now`, a batch worker's SIGTERM): the kernels in
  use are killed and no further cell starts, even where the ``KeyboardInterrupt`` raised with
  it is lost (Python drops one raised inside a weakref callback or ``__del__``).

``PLANEVAL_WARM_KERNELS=0`` in the environment turns reuse off (papermill's own engine, one
kernel per report).
"""

from __future__ import annotations

import atexit
import os
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path

ENGINE_NAME = "planeval-warm"
#: Reports one kernel runs before it is replaced by a fresh one.
MAX_USES = 200
#: Set by :func:`stop_now`: the report running in this process stops (no cell starts after it).
STOP = threading.Event()

#: The cell run before each report on a reused kernel (``{workdir}`` filled in).
RESET_CODE = """\
import os as _planeval_os
_planeval_os.chdir({workdir!r})
del _planeval_os
%reset -f
import sys as _planeval_sys
if "matplotlib.pyplot" in _planeval_sys.modules:
    _planeval_sys.modules["matplotlib.pyplot"].close("all")
    _planeval_sys.modules["matplotlib"].rcdefaults()
del _planeval_sys
import gc as _planeval_gc
_planeval_gc.freeze()
del _planeval_gc
"""


def warm_kernels_enabled() -> bool:
    """True unless ``PLANEVAL_WARM_KERNELS`` is ``0``/``false``/``no``."""
    return os.environ.get("PLANEVAL_WARM_KERNELS", "1").lower() not in ("0", "false", "no")


@dataclass
class WarmKernel:
    """One kernel manager and client kept between reports; ``uses`` counts the reports."""

    km: object
    kc: object = None
    uses: int = 0
    pid: int | None = field(default=None)


class KernelPool:
    """The warm kernels of this process, one per kernel name and thread (a worker runs one
    report at a time, so one kernel each). Thread-safe; :meth:`shutdown` ends them all."""

    def __init__(self, max_uses: int = MAX_USES):
        self.max_uses = max_uses
        # keyed by kernel name and thread: a kernel's client and its zmq sockets belong to the
        # event loop of the thread that started it; used from another thread (two
        # build_report calls in threads) its messages went astray and later runs timed out
        self._kernels: dict[tuple[str, int], WarmKernel] = {}
        self._in_use: dict[int, WarmKernel] = {}  # taken and not given back: running a report
        self._lock = threading.Lock()

    def take(self, kernel_name: str, manager_class=None) -> WarmKernel:
        """The warm kernel for ``kernel_name`` (removed from the pool while in use); a new
        manager, started by nbclient on first use, when there is none or it is worn out."""
        with self._lock:
            warm = self._kernels.pop((kernel_name, threading.get_ident()), None)
        if warm is None or warm.uses >= self.max_uses or not _alive(warm):
            if warm is not None:
                _shutdown(warm)
            if manager_class is None:
                from jupyter_client.manager import AsyncKernelManager as manager_class
            warm = WarmKernel(km=manager_class(kernel_name=kernel_name))
        with self._lock:
            self._in_use[id(warm)] = warm
        return warm

    def release(self, warm: WarmKernel) -> None:
        """``warm`` no longer runs a report (given back, or shut down)."""
        with self._lock:
            self._in_use.pop(id(warm), None)

    def in_use(self) -> list[WarmKernel]:
        with self._lock:
            return list(self._in_use.values())

    def give_back(self, kernel_name: str, warm: WarmKernel) -> None:
        self.release(warm)
        with self._lock:
            key = (kernel_name, threading.get_ident())
            old = self._kernels.pop(key, None)
            self._kernels[key] = warm
        if old is not None and old is not warm:
            _shutdown(old)

    def shutdown(self) -> None:
        """Shut down every kernel of the pool (at process exit)."""
        with self._lock:
            kernels, self._kernels = list(self._kernels.values()), {}
        for warm in kernels:
            _shutdown(warm)


def _alive(warm: WarmKernel) -> bool:
    from jupyter_core.utils import ensure_async, run_sync

    try:
        return bool(run_sync(ensure_async)(warm.km.is_alive()))
    except Exception:
        return False


def _kill(warm: WarmKernel) -> None:
    """Kill ``warm``'s kernel process group at once (no message to the kernel, no event loop:
    safe in a signal handler). jupyter_client starts each kernel in its own session."""
    provisioner = getattr(warm.km, "provisioner", None)
    pid = getattr(provisioner, "pid", None)
    if not pid:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:  # already gone
            pass


def stop_now() -> None:
    """Stop the report running in this process: :data:`STOP` is set (the engine starts no
    further cell) and the kernels in use are killed, so a cell that runs for minutes ends now.
    For a signal handler; the caller raises ``KeyboardInterrupt`` too, which unwinds at once
    unless Python drops it, and then the dead kernel ends the report."""
    STOP.set()
    for warm in POOL.in_use():
        _kill(warm)


#: Kernels tried for one report when a kernel dies before running any cell (see
#: :func:`_never_started`).
START_ATTEMPTS = 2


class _NeverStarted(Exception):
    """The kernel failed before the notebook's first cell (the reset cell) began; the
    kernel's error is the ``__cause__``."""


def _run_on(warm: WarmKernel, nb_man, workdir: str, client_kwargs: dict):
    """Run ``nb_man``'s notebook on ``warm`` behind the reset cell; returns ``(client, reset
    cell)``. A kernel that fails before the reset cell starts (its start-up port taken by
    another process between jupyter_client choosing it and the kernel binding it: "Address
    already in use", seen on a busy machine) raises :class:`_NeverStarted` from the error, so
    that the report is tried once more on a fresh kernel; any later failure propagates."""
    from papermill.clientwrap import PapermillNotebookClient

    client = PapermillNotebookClient(nb_man, km=warm.km, **client_kwargs)
    client.kc = warm.kc
    client.on_cell_start = _check_stop
    reset = _reset_cell(workdir)
    nb_man.nb.cells.insert(0, reset)
    try:
        client.execute()
    except BaseException as exc:
        _shutdown(warm)  # timeout, dead kernel, interrupt: never reuse this kernel
        if STOP.is_set():  # told to stop: its kernel was killed, not a failed report
            raise KeyboardInterrupt from None
        if isinstance(exc, Exception) and reset.metadata["papermill"]["status"] == "pending":
            raise _NeverStarted(str(exc)) from exc
        raise
    finally:
        nb_man.nb.cells.pop(0)
        seconds = reset.metadata.get("papermill", {}).get("duration") or 0.0
        nb_man.nb.metadata.setdefault("planeval", {})["reset_seconds"] = seconds
    return client, reset


def _check_stop(**_) -> None:
    """nbclient's ``on_cell_start`` hook: no cell starts once :func:`stop_now` was called."""
    if STOP.is_set():
        raise KeyboardInterrupt


def _shutdown(warm: WarmKernel) -> None:
    from jupyter_core.utils import ensure_async, run_sync

    POOL.release(warm)
    try:
        if warm.kc is not None:
            warm.kc.stop_channels()
        if warm.km.has_kernel:
            run_sync(ensure_async)(warm.km.shutdown_kernel(now=True))
    except Exception:  # a kernel already gone needs no shutdown
        pass


POOL = KernelPool()
atexit.register(POOL.shutdown)


def _register_exit_in_workers() -> None:
    # multiprocessing workers end with os._exit, which skips atexit: a Finalize runs there too
    try:
        from multiprocessing import util

        util.Finalize(POOL, POOL.shutdown, exitpriority=10)
    except Exception:
        pass


_register_exit_in_workers()


def _error_text(cell) -> str:
    """The error a cell's outputs show (``Name: message``), else a placeholder."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output.get('ename')}: {output.get('evalue')}"
    return "no error output"


def _failed(nb) -> bool:
    """True when papermill marked a cell of ``nb`` as failed."""
    return any(c.get("metadata", {}).get("papermill", {}).get("exception") for c in nb.cells)


def _reset_cell(workdir: str):
    import nbformat

    cell = nbformat.v4.new_code_cell(RESET_CODE.format(workdir=workdir))
    cell.metadata["tags"] = ["planeval-reset"]
    # the fields papermill's notebook_start gives every cell before execution
    cell.metadata["papermill"] = {
        "exception": None,
        "start_time": None,
        "end_time": None,
        "duration": None,
        "status": "pending",
    }
    return cell


def engine_options() -> dict:
    """Keyword arguments for :func:`papermill.execute_notebook`: the warm engine, unless
    ``PLANEVAL_WARM_KERNELS=0``."""
    return {"engine_name": register()} if warm_kernels_enabled() else {}


def register() -> str:
    """Register :class:`WarmKernelEngine` with papermill (idempotent); returns its name."""
    from papermill.engines import papermill_engines

    if ENGINE_NAME not in papermill_engines._engines:
        papermill_engines.register(ENGINE_NAME, _engine_class())
    return ENGINE_NAME


def _engine_class():
    from papermill.engines import NBClientEngine
    from papermill.iorw import write_ipynb
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class WarmKernelEngine(NBClientEngine):
        """papermill's nbclient engine on a kernel kept warm in :data:`POOL`.

        The executed notebook is written once, at the end (papermill writes it after a failed
        cell; this engine after a timeout or a dead kernel), not after every cell: with the
        report's charts inside, those writes cost more than half a second per report."""

        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, **kwargs):
            kwargs["autosave_cell_every"] = 0
            try:
                return super().execute_notebook(nb, kernel_name, output_path=None, **kwargs)
            except BaseException:
                if output_path:
                    write_ipynb(nb, output_path)  # the cells run so far, for the record
                raise

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            **kwargs,
        ):
            manager_class = kwargs.pop("kernel_manager_class", None)
            kwargs = remove_args(["input_path"], **kwargs)
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(
                safe_kwargs,
                timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            workdir = kwargs.get("resources", {}).get("metadata", {}).get("path") or os.getcwd()
            workdir = str(Path(workdir).absolute())
            for attempt in range(1, START_ATTEMPTS + 1):
                _check_stop()
                warm = POOL.take(kernel_name, manager_class)
                try:
                    client, reset = _run_on(warm, nb_man, workdir, final_kwargs)
                    break
                except _NeverStarted as exc:
                    if attempt == START_ATTEMPTS:
                        raise exc.__cause__ from None  # the kernel's own error
                    logger.warning(f"kernel did not start ({exc}); starting another one")
            warm.kc, warm.uses = client.kc, warm.uses + 1
            if reset.metadata.get("papermill", {}).get("exception"):
                # papermill stops at a failed cell: not one cell of the report ran. Without
                # this the report came out empty and "done" (the kernel's folder was gone).
                _shutdown(warm)
                raise RuntimeError(f"the warm kernel could not be reset: {_error_text(reset)}")
            if _failed(nb_man.nb):
                # a cell failed: nbclient stops reading the kernel's messages at the error
                # reply, so late messages of that cell (a failed %magic's stderr, its idle
                # status) would be taken as the next report's outputs. Never reuse it.
                _shutdown(warm)
            else:
                POOL.give_back(kernel_name, warm)
            return nb_man.nb

    return WarmKernelEngine
