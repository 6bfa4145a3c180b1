"""Batch runs from a run list: many geographies × plans × stages in one command.

:func:`run_batch` validates the run list (:mod:`planeval.publish.runlist`), builds the reports
on an executor (:mod:`planeval.publish.executors`: a local process pool or Dask distributed)
and writes the index and a JSON summary, with these properties:

* one failing report does not stop the others; its record is kept under ``<out>/failed/``;
* a report whose inputs are unchanged is skipped unless ``force`` (see
  :func:`planeval.publish.fingerprint.input_fingerprint`);
* reports and the index are written atomically; the index lists complete reports only;
* one batch per output folder at a time (a lock);
* Ctrl-C (SIGINT) or SIGTERM at any moment stops it: the workers are told to stop, the reports
  stay whole, the index and summary are written, exit 130 (even when the process was started
  with SIGINT ignored, as a script's background job is);
* the return value's ``exit_code`` is non-zero when any report failed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from planeval.core.errors import InputError, Problem
from planeval.core.files import atomic_write_text, remove_stale_temp_files
from planeval.publish.checks import check_can_create
from planeval.publish.executors import RunResult, dask_results, local_results, unfinished
from planeval.publish.failures import WriteError
from planeval.publish.index import write_index
from planeval.publish.runlist import RunList, load_runlist
from planeval.reporting.spec import ReportSpec

EXECUTORS = ("local", "dask")
#: Exit code of an interrupted batch (the shell's code for SIGINT).
EXIT_INTERRUPTED = 130


@contextlib.contextmanager
def _batch_lock(out: Path):
    """Exclusive lock on ``<out>/.planeval-batch.lock``: one batch per output folder at a time."""
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".planeval-batch.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError(
                Problem(
                    str(out),
                    "another planeval batch is writing to this folder",
                    "另一个批处理正在写入该文件夹",
                    "wait for it to finish, or give another out folder",
                    "等待其结束，或指定另一个 out 文件夹",
                )
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class _Interrupts:
    """What :func:`_interrupts` saw: ``interrupted`` once SIGINT or SIGTERM came; ``raising``
    while the first one should still raise :class:`KeyboardInterrupt`."""

    def __init__(self) -> None:
        self.interrupted = False
        self.raising = True

    def __call__(self, signum, frame) -> None:
        self.interrupted = True
        if self.raising:
            self.raising = False
            raise KeyboardInterrupt


@contextlib.contextmanager
def _interrupts():
    """Ctrl-C (SIGINT) and SIGTERM (``systemctl stop``, a scheduler's timeout) stop the batch,
    whatever this process inherited.

    Python keeps SIGINT ignored when its process started with it ignored, and a command run in
    the background of a script (``make test &``) starts so: such a batch ran through Ctrl-C to
    the end and exited 0. While the batch runs both signals go to one :class:`_Interrupts`: the
    first raises :class:`KeyboardInterrupt` in the main thread; later ones (and any once the
    batch winds down, ``raising`` False) are only recorded, so that stopping the workers and
    writing the index and summary are never cut short. Python drops an exception raised inside
    a weakref callback or ``__del__``: the executor also looks at ``interrupted`` while it
    waits, and the dropped exception is not printed (``sys.unraisablehook``). Outside the main
    thread the caller's handlers stay.
    """
    from planeval.publish.executors import quiet_dropped_interrupts

    state = _Interrupts()
    signals = (signal.SIGINT, signal.SIGTERM)
    try:
        previous = {s: signal.signal(s, state) for s in signals}
    except ValueError:  # not the main thread
        yield state
        return
    hook, sys.unraisablehook = sys.unraisablehook, quiet_dropped_interrupts
    try:
        yield state
    finally:
        sys.unraisablehook = hook
        for s, handler in previous.items():
            signal.signal(s, handler)


def write_catalogue_pages(plans: Iterable[str], data_dir: Path, out: Path) -> dict[str, str]:
    """Write ``catalogue_<plan>.html`` for each plan with
    :func:`planeval.reporting.catalogue_page.write_catalogue_page` when that module exists.

    Returns ``{plan: file name or "failed: <message>"}``; empty when the function is missing.
    """
    try:
        from planeval.plans.catalogue import load_plan
        from planeval.reporting.catalogue_page import write_catalogue_page
    except (ImportError, AttributeError):
        return {}
    written = {}
    for plan in plans:
        try:
            written[plan] = Path(write_catalogue_page(load_plan(plan, data_dir), out)).name
        except Exception as exc:  # a broken audit page does not hide the reports
            written[plan] = f"failed: {type(exc).__name__}: {exc}"
    return written


def _check_options(workers: int | None, executor: str, scheduler: str | None) -> tuple[int, str]:
    """``(workers, executor)`` after the defaults (one worker per CPU, at most 4; a scheduler
    address implies ``dask``); raises :class:`InputError` for an unknown executor or fewer than
    one worker."""
    if executor not in EXECUTORS:
        raise InputError(
            Problem(
                "--executor",
                f"unknown executor '{executor}'",
                f"未知执行器 '{executor}'",
                f"use one of {', '.join(EXECUTORS)}",
                f"取 {', '.join(EXECUTORS)} 之一",
            )
        )
    if scheduler:
        executor = "dask"
    if workers is None:
        workers = min(4, os.cpu_count() or 1)
    elif int(workers) < 1:
        raise InputError(
            Problem(
                "--workers",
                f"--workers must be 1 or more, not {workers}",
                f"--workers 须为 1 或以上的整数，不能是 {workers}",
                "pass --workers 1, 2, ... or leave it out (one per CPU, at most 4)",
                "--workers 取 1、2……，或省略（每个 CPU 一个，最多 4 个）",
            )
        )
    return int(workers), executor


def _collect(
    spec: RunList,
    stream,
    results: dict[ReportSpec, RunResult],
    on_result: Callable[[RunResult, int, int], None] | None,
) -> None:
    """Put every run's result from the executor's ``stream`` into ``results`` as it comes
    (an interrupt leaves the ones heard back from there)."""
    by_name = {run.name: run for run in spec.runs}
    try:
        for result in stream:
            results[by_name[result.report]] = result
            if on_result is not None:
                on_result(result, len(results), len(spec.runs))
    finally:
        stream.close()  # on an interrupt: stops the workers (see the executors)


def _overviews(spec: RunList, force: bool) -> list[dict]:
    """The run list's overviews, built after its reports (:mod:`planeval.publish.overview_run`)."""
    if not spec.overviews:
        return []
    from planeval.publish.overview_run import run_overviews

    return run_overviews(spec.overviews, spec.data_dir, spec.out, spec.notebook, force)


def run_batch(
    runlist: str | Path,
    workers: int | None = 1,
    force: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
    summary_json: str | Path | None = None,
    on_result: Callable[[RunResult, int, int], None] | None = None,
    cell_timeout: float | None = None,
) -> dict:
    """Build every report of a run list; return the summary (also written as JSON).

    ``workers``: parallel worker processes (local pool, or LocalCluster workers; None means
    one per CPU, at most 4; 0 or negative raises :class:`InputError`); ignored with
    ``scheduler``. ``executor``: ``local`` or ``dask``
    (``scheduler`` implies ``dask``).
    ``summary_json``: where to write the summary, default ``<out>/batch_summary.json``.
    ``on_result(result, n_finished, n_total)`` is called as each report finishes (progress).
    ``cell_timeout``: seconds a notebook cell may run (default: the settings file's
    ``run.cell_timeout_seconds``); a cell over it fails its report, the cell named.

    The summary dict has ``exit_code`` (0 all built or skipped, 1 any failed, 130 interrupted),
    ``counts`` per status, ``runs`` (one :class:`RunResult` dict each), ``index``,
    ``catalogue_pages`` and timing fields. Raises :class:`InputError` for an invalid run list
    or when another batch holds the output folder; a failing report never raises.
    """
    workers, executor = _check_options(workers, executor, scheduler)
    with _interrupts() as stop:
        spec = load_runlist(runlist)
        out = spec.out
        check_can_create(out, "out")
        started = dt.datetime.now()
        t0 = time.perf_counter()
        with _batch_lock(out):
            results: dict[ReportSpec, RunResult] = {}
            stale, overviews, catalogue = [], [], {}
            try:
                stale = remove_stale_temp_files(out)
                args = (str(spec.data_dir), str(out), str(spec.notebook), force, cell_timeout)
                if executor == "dask":
                    stream = dask_results(spec.runs, args, workers, out, scheduler)
                else:
                    stream = local_results(spec.runs, args, workers, out, lambda: stop.interrupted)
                _collect(spec, stream, results, on_result)
                overviews = _overviews(spec, force)
                plans = dict.fromkeys(r.plan for r in spec.runs)
                catalogue = write_catalogue_pages(plans, spec.data_dir, out)
            except KeyboardInterrupt:
                pass  # stop.interrupted says so; what was finished is kept
            stop.raising = False  # winding down: a signal from now on is only recorded
            for run in spec.runs:
                if run not in results:
                    results[run] = unfinished(run, out, started)
            stale += remove_stale_temp_files(out)  # left by workers killed mid-write
            try:
                index = str(write_index(out))
            except OSError as exc:  # full disk: the old index stays (atomic write)
                index = f"failed: {WriteError(out / 'index.html', exc)}"
            rows = [results[run] for run in spec.runs]
            summary = {
                "runlist": str(spec.path),
                "data_dir": str(spec.data_dir),
                "out": str(out),
                "executor": executor,
                "scheduler": scheduler,
                "workers": workers,
                "force": force,
                "started": started.isoformat(timespec="seconds"),
                "finished": dt.datetime.now().isoformat(timespec="seconds"),
                "seconds": round(time.perf_counter() - t0, 2),
                **_outcome(rows, overviews, catalogue, index, stop.interrupted),
                "duplicates_ignored": spec.duplicates,
                "stale_temp_files_removed": [str(p) for p in stale],
                "index": index,
                "catalogue_pages": catalogue,
                "runs": [r.row() for r in rows],
                "overviews": overviews,
            }
            target = Path(summary_json) if summary_json else out / "batch_summary.json"
            atomic_write_text(target, json.dumps(summary, ensure_ascii=False, indent=1))
    summary["summary_json"] = str(target)
    return summary


def _outcome(
    rows: list[RunResult], overviews: list[dict], catalogue: dict, index: str, interrupted: bool
) -> dict:
    """The summary's ``interrupted``, ``exit_code`` (130 interrupted, else 1 when a report, an
    overview, a catalogue page or the index failed, else 0) and ``counts`` per status."""
    counts = {s: sum(r.status == s for r in rows) for s in ("done", "skipped", "failed", "not run")}
    pages_failed = any(v.startswith("failed") for v in [*catalogue.values(), index])
    pages_failed = pages_failed or any(o["status"] == "failed" for o in overviews)
    exit_code = EXIT_INTERRUPTED if interrupted else int(bool(counts["failed"]) or pages_failed)
    return {"interrupted": interrupted, "exit_code": exit_code, "counts": counts}
