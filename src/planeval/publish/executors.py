"""Executors: where a batch's reports are built, one task per report.

:func:`run_one` is the task (plain, picklable arguments; never raises for a failed report);
:func:`local_results` runs it on a :class:`concurrent.futures.ProcessPoolExecutor`,
:func:`dask_results` on Dask distributed (a ``LocalCluster`` or the cluster at a scheduler
address). Both yield one :class:`RunResult` per report as it finishes; a worker that dies fails
only the reports it was building.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
import sys
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from planeval.core.errors import InputError, Problem
from planeval.publish.engine import stop_now
from planeval.publish.failures import failed_record_paths, record_failure
from planeval.publish.fingerprint import is_complete, read_metadata
from planeval.publish.index import write_index
from planeval.publish.runner import build_report
from planeval.reporting.spec import ReportSpec


@dataclass
class RunResult:
    """Outcome of one report in a batch (one row of the summary): its :class:`ReportSpec`
    and what happened.

    ``status``: ``done``, ``skipped``, ``failed`` or ``not run`` (batch interrupted before it
    started). ``seconds``: wall time in the worker. ``record``: the failure record under
    ``<out>/failed/`` (``.ipynb`` when a cell failed, else ``.txt``), relative to ``out``.
    """

    spec: ReportSpec
    status: str
    seconds: float = 0.0
    message: str = ""
    record: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def report(self) -> str:
        return self.spec.name

    def row(self) -> dict:
        """The summary row: the report's file name, every field of its spec, the outcome."""
        return {
            "report": self.report,
            **self.spec.fields(),
            "status": self.status,
            "seconds": self.seconds,
            "message": self.message,
            "record": self.record,
            "timings": self.timings,
        }


def run_one(
    run: ReportSpec,
    data_dir: str,
    out: str,
    notebook: str,
    force: bool,
    cell_timeout: float | None = None,
) -> RunResult:
    """Build one report and return its :class:`RunResult`; never raises for a failed report.

    This is the task shipped to worker processes (local pool or Dask workers): arguments are
    plain, picklable values and every path must be valid on the worker. A report built here
    rewrites the index at once (:func:`~planeval.publish.index.write_index`, under its lock),
    so the index never waits for the end of a batch that may be killed.
    """
    t0 = time.perf_counter()
    try:
        outcome = build_report(
            run,
            data_dir=data_dir,
            out=out,
            notebook=notebook,
            force=force,
            cell_timeout=cell_timeout,
        )
    except InputError as exc:
        txt, _ = failed_record_paths(out, run.name)
        return RunResult(
            run,
            status="failed",
            seconds=round(time.perf_counter() - t0, 3),
            message=f"bad input: {exc}",
            record=str(txt.relative_to(out)) if txt.exists() else "",
        )
    except Exception as exc:  # a failing report must not stop the batch
        txt, nb = failed_record_paths(out, run.name)
        record = nb if nb.exists() and hasattr(exc, "ename") else txt
        if hasattr(exc, "ename"):
            message = str(exc)  # NotebookError: the cell, its first line, the error
        else:
            message = f"{type(exc).__name__}: {exc}"
        return RunResult(
            run,
            status="failed",
            seconds=round(time.perf_counter() - t0, 3),
            message=message,
            record=str(record.relative_to(out)) if record.exists() else "",
        )
    if outcome.status == "done":
        with contextlib.suppress(OSError):  # the batch writes it again at its end
            write_index(out)
    return RunResult(
        run,
        status=outcome.status,
        seconds=round(time.perf_counter() - t0, 3),
        timings={k: round(v, 3) for k, v in outcome.timings.items()},
    )


def _lost(run: ReportSpec, out: Path, message: str) -> RunResult:
    """Result of a run whose worker died: recorded as failed, with a text record."""
    record = record_failure(out, run.name, run.fields(), message)
    return RunResult(run, status="failed", message=message, record=str(record.relative_to(out)))


def _finished_since(out: Path, name: str, since: dt.datetime) -> bool:
    """True when report ``name`` is complete and its metadata was written at or after ``since``."""
    meta = read_metadata(out, name)
    return bool(
        meta
        and is_complete(out, meta)
        and meta.get("produced", "") >= since.isoformat(timespec="seconds")
    )


def _lost_or_finished(run: ReportSpec, out: Path, submitted: dt.datetime) -> RunResult:
    """Result of a run on a pool that broke: ``done`` when its own worker still finished and
    published the report before the pool went down (its result was lost with the pool, its
    file was not), else failed with a record."""
    if _finished_since(out, run.name, submitted):
        return RunResult(
            run,
            status="done",
            message="finished by its worker before another worker died and broke the pool",
        )
    return _lost(
        run,
        out,
        "the worker process died while this report was being built "
        "(killed, or out of memory); nothing was written. Run the batch again: "
        "finished reports are skipped",
    )


def unfinished(run: ReportSpec, out: Path, started: dt.datetime) -> RunResult:
    """Result of a run the batch did not hear back from (interrupted): ``done`` when its worker
    still completed the report after the interrupt, else ``not run``."""
    if _finished_since(out, run.name, started):
        return RunResult(
            run, status="done", message="finished by its worker after the batch was interrupted"
        )
    return RunResult(
        run, status="not run", message="batch interrupted before this report was finished"
    )


#: True while this worker process builds a report (see :func:`_worker_signal`).
_BUILDING = False


def _worker_signal(signum, frame) -> None:
    """SIGTERM in a pool worker: the report being built stops (its kernel killed, no further
    cell, see :func:`planeval.publish.engine.stop_now`) and unwinds like Ctrl-C (temporary
    files removed); a worker between reports exits quietly (a KeyboardInterrupt there printed
    a traceback)."""
    if _BUILDING:
        stop_now()
        raise KeyboardInterrupt
    raise SystemExit(0)


def quiet_dropped_interrupts(unraisable) -> None:
    """``sys.unraisablehook``: a KeyboardInterrupt that Python dropped (raised by a signal
    handler inside a weakref callback or ``__del__``) is not printed as "Exception ignored";
    the stop it carried is acted on anyway (the engine's :data:`~planeval.publish.engine.STOP`,
    the batch's polling of its interrupt flag). Anything else goes to the default hook."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        return
    sys.__unraisablehook__(unraisable)


def _worker_init() -> None:
    """Signals in a pool worker: the batch's process decides when its workers stop.

    SIGINT (Ctrl-C reaches the whole process group) is ignored here: the batch process gets it
    too and then sends each worker one SIGTERM (:func:`_stop_workers`), which also stops the
    workers when only the batch process was signalled (``kill -INT <pid>``, a scheduler's
    timeout). SIGTERM: :func:`_worker_signal`.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_signal)
    sys.unraisablehook = quiet_dropped_interrupts


def _run_in_worker(*args) -> RunResult:
    """:func:`run_one` in a pool worker, with :data:`_BUILDING` set while it runs."""
    global _BUILDING
    _BUILDING = True
    try:
        return run_one(*args)
    finally:
        _BUILDING = False


def _stop_workers(workers: set) -> None:
    """Send each live worker process one SIGTERM: the report it builds unwinds (see
    :func:`_worker_init`); a worker already gone is skipped."""
    for proc in workers:
        with contextlib.suppress(OSError, ValueError):  # exited, or already closed
            if proc.is_alive():
                proc.terminate()


def _close_pool(pool, workers: Callable[[], set], stopping: bool) -> None:
    """Shut ``pool`` down and wait for its workers; ``stopping`` (the batch was interrupted or
    stopped reading): first tell the workers to stop, so that nobody waits for a running
    report. An interrupt during the wait stops the workers and waits again, then propagates."""
    try:
        if stopping:
            _stop_workers(workers())
        pool.shutdown(wait=True, cancel_futures=True)
    except KeyboardInterrupt:
        _stop_workers(workers())
        pool.shutdown(wait=True, cancel_futures=True)
        raise


def _broke(fut) -> bool:
    """True when ``fut`` failed because its process pool broke (a worker died)."""
    from concurrent.futures.process import BrokenProcessPool

    return isinstance(fut.exception(), BrokenProcessPool)


def _outcome(fut, run: ReportSpec, submitted: dt.datetime, out: Path) -> RunResult:
    """The result of a finished future of the local pool."""
    exc = fut.exception()
    if exc is None:
        return fut.result()
    if _broke(fut):
        return _lost_or_finished(run, out, submitted)
    # the task could not be sent or its result read
    return _lost(
        run,
        out,
        f"the worker could not run this report ({type(exc).__name__}: {exc}); nothing was written",
    )


#: Seconds between two looks at the batch's interrupt flag while waiting for reports.
POLL_SECONDS = 1.0


def local_results(
    runs: list[ReportSpec],
    args: tuple,
    workers: int,
    out: Path,
    stopping: Callable[[], bool] = lambda: False,
) -> Iterator[RunResult]:
    """Run on a :class:`ProcessPoolExecutor` (spawned processes), at most ``workers`` at a time.

    A worker that dies (killed, out of memory) breaks the pool: the reports it and the other
    workers were building are recorded as failed and a fresh pool takes the remaining ones.
    An interrupt (``KeyboardInterrupt`` here, or ``stopping()`` true: the batch's flag, looked
    at every :data:`POLL_SECONDS` in case Python dropped the exception) stops every worker and
    ends the stream.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    ctx = multiprocessing.get_context("spawn")
    queue = deque(runs)
    before = set(multiprocessing.active_children())

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init)

    def own_workers() -> set:
        return set(multiprocessing.active_children()) - before

    pool = new_pool()
    inflight: dict = {}
    try:
        while queue or inflight:
            while queue and len(inflight) < workers:
                run = queue.popleft()
                inflight[pool.submit(_run_in_worker, run, *args)] = (run, dt.datetime.now())
            done, _ = wait(inflight, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            if stopping():
                raise KeyboardInterrupt
            if any(_broke(fut) for fut in done):
                # the pool is gone and every future still on it fails. Shut it down first (its
                # workers terminated and joined), so that whether a lost run's own worker still
                # published its report is decided once no worker can write any more
                pool.shutdown(wait=True, cancel_futures=True)
                lost, inflight, pool = inflight, {}, new_pool()
                for fut, (run, submitted) in lost.items():
                    if fut.cancelled():  # never started: the fresh pool takes it
                        queue.appendleft(run)
                    else:
                        yield _outcome(fut, run, submitted, out)
                continue
            for fut in done:
                run, submitted = inflight.pop(fut)
                yield _outcome(fut, run, submitted, out)
    except BaseException:  # KeyboardInterrupt, or GeneratorExit: the batch stopped reading
        _close_pool(pool, own_workers, stopping=True)
        raise
    _close_pool(pool, own_workers, stopping=False)


def dask_results(
    runs: list[ReportSpec], args: tuple, workers: int, out: Path, scheduler: str | None
) -> Iterator[RunResult]:
    """Run on Dask distributed: a :class:`distributed.LocalCluster` with ``workers`` single-thread
    worker processes, or the cluster whose scheduler is at ``scheduler`` (e.g.
    ``tcp://10.0.0.5:8786``). Dask retries a task whose worker died (its ``allowed-failures``
    setting) before reporting it lost."""
    from distributed import Client, LocalCluster, as_completed

    cluster, futures = None, {}
    if scheduler:
        try:
            client = Client(scheduler)  # waits distributed.comm.timeouts.connect (30 s)
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(
                Problem(
                    "--scheduler",
                    f"cannot reach the Dask scheduler at {scheduler} "
                    f"({type(exc).__name__}: {exc}); nothing was run",
                    f"无法连接 Dask 调度器 {scheduler}，未运行任何报告",
                    "check the address (tcp://HOST:8786) and that the scheduler is running",
                    "请检查地址（tcp://主机:8786）及调度器是否已启动",
                )
            ) from None
    else:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    try:
        token = uuid.uuid4().hex[:8]  # unique task keys on a scheduler shared by several batches
        futures = {
            client.submit(run_one, run, *args, key=f"planeval-{run.name}-{token}", pure=False): run
            for run in runs
        }
        for fut in as_completed(futures):
            run = futures[fut]
            try:
                yield fut.result()
            except Exception as exc:  # KilledWorker, CommClosedError, ...
                yield _lost(
                    run,
                    out,
                    f"the Dask task failed outside the report ({type(exc).__name__}: "
                    f"{exc}); nothing was written. Run the batch again: finished reports "
                    "are skipped",
                )
    finally:
        with contextlib.suppress(Exception):
            client.cancel(list(futures))
        client.close()
        if cluster is not None:
            cluster.close()
