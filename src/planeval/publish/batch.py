"""Batch runs from a run list: many geographies × plans × stages in one command.

A run list is YAML (see ``data/runs/main.yaml`` and ``docs/batch.md``)::

    data_dir: data          # holds plans/ and observations/ (relative to the working directory)
    out: reports
    notebook: notebooks/evaluation.ipynb   # optional; default: the package's notebook
    runs:
      - geographies: ["*"]  # folder names under observations/, globs allowed
        plans: [women, children]
        stages: [midterm, final]
        years: [2023, 2025] # paired with stages in order, or a single year for all
        langs: [zh]         # optional, default [zh]

:func:`load_runlist` validates it (every problem at once, as :class:`InputError`);
:func:`run_batch` builds the reports in worker processes, on
:class:`concurrent.futures.ProcessPoolExecutor` (``executor="local"``) or on a Dask
distributed cluster (``executor="dask"``), with these properties:

* one failing report does not stop the others; its record is kept under ``<out>/failed/``;
* a report whose inputs are unchanged is skipped unless ``force`` (see
  :func:`planeval.publish.runner.input_fingerprint`);
* reports and the index are written atomically; the index lists complete reports only;
* a JSON summary is written for schedulers, and the return value (the process exit code) is
  non-zero when any report failed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fnmatch
import json
import os
import signal
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from planeval.core.errors import InputError, Problem
from planeval.core.files import atomic_write_text, remove_stale_temp_files
from planeval.core.yamlfiles import read_yaml
from planeval.publish.runner import (
    NOTEBOOK,
    STAGES,
    build_report,
    failed_record_paths,
    is_complete,
    read_metadata,
    record_failure,
    report_name,
    write_index,
)

LANGS = ("zh", "en")
RUNLIST_KEYS = ("data_dir", "out", "notebook", "runs")
BLOCK_KEYS = ("geographies", "plans", "stages", "years", "langs")
REQUIRED_BLOCK_KEYS = ("geographies", "plans", "stages", "years")
EXECUTORS = ("local", "dask")
#: Exit code of an interrupted batch (the shell's code for SIGINT).
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class ReportRun:
    """One report to build: the notebook's parameters (``year`` is the data cut-off)."""

    geography: str
    plan: str
    stage: str
    year: int
    lang: str = "zh"

    @property
    def name(self) -> str:
        return report_name(self.geography, self.plan, self.stage, self.year, self.lang)


@dataclass
class RunList:
    """A validated run list: absolute ``data_dir``, ``out`` and ``notebook``, one run per report."""

    path: Path
    data_dir: Path
    out: Path
    notebook: Path
    runs: list[ReportRun]
    duplicates: int = 0


@dataclass
class RunResult:
    """Outcome of one report in a batch (one row of the summary).

    ``status``: ``done``, ``skipped``, ``failed`` or ``not run`` (batch interrupted before it
    started). ``seconds``: wall time in the worker. ``record``: the failure record under
    ``<out>/failed/`` (``.ipynb`` when a cell failed, else ``.txt``), relative to ``out``.
    """

    report: str
    geography: str
    plan: str
    stage: str
    year: int
    lang: str
    status: str
    seconds: float = 0.0
    message: str = ""
    record: str = ""
    timings: dict[str, float] = field(default_factory=dict)


# --- run list ----------------------------------------------------------------------------


def _few(names: list[str], limit: int = 12) -> str:
    """``a, b, c`` or ``a, b, ... (40 in all)``: names for a message, not a page of them."""
    if not names:
        return "none"
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown}, ... ({len(names)} in all)"


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _plan_names(data_dir: Path) -> list[str]:
    """Plan names (the ``plan:`` key) of the files under ``<data_dir>/plans``."""
    from planeval.plans.catalogue import plan_files

    names = []
    for path in plan_files(data_dir):
        try:
            head = read_yaml(path)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue  # an unreadable plan file fails its own reports, with the loader's message
        if isinstance(head, dict) and head.get("plan"):
            names.append(str(head["plan"]))
    return names


def load_runlist(path: str | Path) -> RunList:
    """Read and validate a run list; expand it to one :class:`ReportRun` per report.

    Relative ``data_dir``, ``out`` and ``notebook`` are taken from the working directory.
    Geography patterns are matched (:mod:`fnmatch`) against the folders under
    ``<data_dir>/observations`` that hold yearly files. The same report named twice is built
    once (counted in ``duplicates``). Raises :class:`InputError` listing every problem: unknown
    keys, missing keys, unknown plan, stage or language, a year that is not a whole number,
    stages and years of different lengths, a geography pattern that matches no folder.
    """
    from planeval.intake.observations import list_geographies

    path = Path(path)
    name = str(path)
    try:
        raw = read_yaml(path)
    except OSError as exc:
        raise InputError(
            Problem(
                name,
                f"cannot read the run list ({exc.strerror})",
                "无法读取运行清单",
                "check the path",
                "检查路径",
            )
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            Problem(
                name,
                f"not valid YAML: {getattr(exc, 'problem', exc)}",
                "不是有效的 YAML 文件",
                "fix the indentation or quoting there",
                "修改该处的缩进或引号",
                row=mark.line + 1 if mark else None,
            )
        ) from None
    if not isinstance(raw, dict):
        raise InputError(
            Problem(
                name,
                "a run list is a mapping with data_dir, out and runs",
                "运行清单应包含 data_dir、out 和 runs",
                "see data/runs/main.yaml for an example",
                "参照 data/runs/main.yaml",
            )
        )
    problems: list[Problem] = []
    for key in raw:
        if key not in RUNLIST_KEYS:
            problems.append(
                Problem(
                    name,
                    f"unknown key '{key}'",
                    f"未知字段 '{key}'",
                    f"use only {', '.join(RUNLIST_KEYS)}",
                    f"只能使用 {', '.join(RUNLIST_KEYS)}",
                    column=str(key),
                )
            )
    data_dir = Path(str(raw.get("data_dir", "data"))).resolve()
    out = Path(str(raw.get("out", "reports"))).resolve()
    notebook = Path(str(raw.get("notebook", NOTEBOOK))).resolve()
    blocker = next((p for p in (out, *out.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        problems.append(
            Problem(
                name,
                f"out {out} cannot be a folder: {blocker} is an existing file",
                f"out 不能作为文件夹：{blocker} 是已有的文件",
                "give a folder for the reports (it is created when missing)",
                "out 应为存放报告的文件夹（不存在时会自动创建）",
                column="out",
            )
        )
    if not notebook.is_file():
        problems.append(
            Problem(
                name,
                f"notebook {notebook} does not exist",
                "找不到 notebook 文件",
                "give the path of an .ipynb file, or leave notebook out",
                "给出 .ipynb 文件路径，或删去 notebook",
                column="notebook",
            )
        )
    if not (data_dir / "observations").is_dir():
        problems.append(
            Problem(
                name,
                f"data_dir {data_dir} has no observations/ folder",
                "data_dir 下没有 observations 文件夹",
                "data_dir is taken from the working directory; give the folder "
                "holding plans/ and observations/",
                "data_dir 相对于当前工作目录；应指向包含 plans/ 和 observations/ 的文件夹",
                column="data_dir",
            )
        )
        raise InputError(problems)
    geographies = list_geographies(data_dir)
    plans = _plan_names(data_dir)
    blocks = raw.get("runs")
    if not isinstance(blocks, list) or not blocks:
        problems.append(
            Problem(
                name,
                "no runs: 'runs' must be a list of run blocks",
                "缺少 runs 列表",
                "add runs: with at least one block",
                "添加 runs:，至少一个运行块",
                column="runs",
            )
        )
        blocks = []
    runs: list[ReportRun] = []
    for i, block in enumerate(blocks, start=1):
        where = f"runs[{i}]"
        if not isinstance(block, dict):
            problems.append(
                Problem(
                    name,
                    f"{where} is not a mapping",
                    f"第{i}个运行块格式错误",
                    f"give {', '.join(REQUIRED_BLOCK_KEYS)}",
                    f"写明 {', '.join(REQUIRED_BLOCK_KEYS)}",
                    column=where,
                )
            )
            continue
        before = len(problems)
        for key in block:
            if key not in BLOCK_KEYS:
                problems.append(
                    Problem(
                        name,
                        f"{where}: unknown key '{key}'",
                        f"第{i}个运行块：未知字段 '{key}'",
                        f"use only {', '.join(BLOCK_KEYS)}",
                        f"只能使用 {', '.join(BLOCK_KEYS)}",
                        column=f"{where}.{key}",
                    )
                )
        missing = [
            key for key in REQUIRED_BLOCK_KEYS if key not in block or block[key] in (None, [])
        ]
        for key in missing:
            problems.append(
                Problem(
                    name,
                    f"{where}: missing '{key}'",
                    f"第{i}个运行块：缺少 '{key}'",
                    f"add {key}: [...]",
                    f"添加 {key}: [...]",
                    column=f"{where}.{key}",
                )
            )
        if missing:
            continue
        patterns = [str(g) for g in _as_list(block["geographies"])]
        block_plans = [str(p) for p in _as_list(block["plans"])]
        stages = [str(s) for s in _as_list(block["stages"])]
        years_raw = _as_list(block["years"])
        langs = [str(x) for x in _as_list(block.get("langs", ["zh"]))]
        matched: list[str] = []
        for pattern in patterns:
            hits = fnmatch.filter(geographies, pattern)
            if not hits:
                problems.append(
                    Problem(
                        name,
                        f"{where}: geography '{pattern}' matches no folder under "
                        f"{data_dir / 'observations'} (found: {_few(geographies)})",
                        f"第{i}个运行块：地区 '{pattern}' 没有对应的数据文件夹",
                        "use a folder name (globs allowed) of observations/",
                        "使用 observations/ 下的文件夹名（可用通配符）",
                        column=f"{where}.geographies",
                    )
                )
            matched += [g for g in hits if g not in matched]
        for p in block_plans:
            if p not in plans:
                problems.append(
                    Problem(
                        name,
                        f"{where}: unknown plan '{p}' (found: {', '.join(plans) or 'none'})",
                        f"第{i}个运行块：未知规划 '{p}'",
                        f"use one of {', '.join(plans)}",
                        f"使用 {', '.join(plans)} 之一",
                        column=f"{where}.plans",
                    )
                )
        for s in stages:
            if s not in STAGES:
                problems.append(
                    Problem(
                        name,
                        f"{where}: unknown stage '{s}'",
                        f"第{i}个运行块：未知报告类型 '{s}'",
                        f"use one of {', '.join(STAGES)}",
                        f"使用 {', '.join(STAGES)} 之一",
                        column=f"{where}.stages",
                    )
                )
        for x in langs:
            if x not in LANGS:
                problems.append(
                    Problem(
                        name,
                        f"{where}: unknown language '{x}'",
                        f"第{i}个运行块：未知语言 '{x}'",
                        "use zh or en",
                        "使用 zh 或 en",
                        column=f"{where}.langs",
                    )
                )
        years = []
        for y in years_raw:
            if isinstance(y, bool) or not isinstance(y, int) or not 1900 <= y <= 2200:
                problems.append(
                    Problem(
                        name,
                        f"{where}: year '{y}' is not a four-digit year",
                        f"第{i}个运行块：年份 '{y}' 无效",
                        "write the data cut-off year, e.g. 2023",
                        "写数据截止年份，如 2023",
                        column=f"{where}.years",
                    )
                )
            years.append(y)
        if len(years) == 1:
            years = years * len(stages)
        if len(years) != len(stages):
            problems.append(
                Problem(
                    name,
                    f"{where}: {len(stages)} stages but {len(years)} years",
                    f"第{i}个运行块：报告类型与年份数量不符",
                    "give one year per stage (paired in order), or a single year for all",
                    "每个报告类型给一个年份（按顺序配对），或只给一个年份",
                    column=f"{where}.years",
                )
            )
        if len(problems) > before:
            continue
        for geo in matched:
            for plan in block_plans:
                for stage, year in zip(stages, years, strict=True):
                    for lang in langs:
                        runs.append(ReportRun(geo, plan, stage, int(year), lang))
    if problems:
        raise InputError(problems)
    unique = list(dict.fromkeys(runs))
    return RunList(path, data_dir, out, notebook, unique, duplicates=len(runs) - len(unique))


# --- one report in a worker ----------------------------------------------------------------


def run_one(run: ReportRun, data_dir: str, out: str, notebook: str, force: bool) -> RunResult:
    """Build one report and return its :class:`RunResult`; never raises for a failed report.

    This is the task shipped to worker processes (local pool or Dask workers): arguments are
    plain, picklable values and every path must be valid on the worker.
    """
    t0 = time.perf_counter()
    base = {"report": run.name, **asdict(run)}
    try:
        outcome = build_report(
            run.plan,
            run.stage,
            run.year,
            run.geography,
            data_dir,
            run.lang,
            out,
            notebook,
            force=force,
        )
    except InputError as exc:
        txt, _ = failed_record_paths(out, run.name)
        return RunResult(
            **base,
            status="failed",
            seconds=round(time.perf_counter() - t0, 3),
            message=f"bad input: {exc}",
            record=str(txt.relative_to(out)),
        )
    except Exception as exc:  # a failing report must not stop the batch
        txt, nb = failed_record_paths(out, run.name)
        record = nb if nb.exists() and hasattr(exc, "ename") else txt
        if hasattr(exc, "ename"):
            message = f"cell {exc.cell_index} raised {exc.ename}: {exc.evalue}"
        else:
            message = f"{type(exc).__name__}: {exc}"
        return RunResult(
            **base,
            status="failed",
            seconds=round(time.perf_counter() - t0, 3),
            message=message,
            record=str(record.relative_to(out)) if record.exists() else "",
        )
    return RunResult(
        **base,
        status=outcome.status,
        seconds=round(time.perf_counter() - t0, 3),
        timings={k: round(v, 3) for k, v in outcome.timings.items()},
    )


def _lost(run: ReportRun, out: Path, message: str) -> RunResult:
    """Result of a run whose worker died: recorded as failed, with a text record."""
    record = record_failure(out, run.name, asdict(run), message)
    return RunResult(
        report=run.name,
        **asdict(run),
        status="failed",
        message=message,
        record=str(record.relative_to(out)),
    )


def _unfinished(run: ReportRun, out: Path, started: dt.datetime) -> RunResult:
    """Result of a run the batch did not hear back from (interrupted): ``done`` when its worker
    still completed the report after the interrupt, else ``not run``."""
    meta = read_metadata(out, run.name)
    if (
        meta
        and is_complete(out, meta)
        and meta.get("produced", "") >= started.isoformat(timespec="seconds")
    ):
        return RunResult(
            report=run.name,
            **asdict(run),
            status="done",
            message="finished by its worker after the batch was interrupted",
        )
    return RunResult(
        report=run.name,
        **asdict(run),
        status="not run",
        message="batch interrupted before this report was finished",
    )


# --- executors -----------------------------------------------------------------------------


def _worker_init() -> None:
    # a worker stopped with SIGTERM (systemd stop, pool shutdown) unwinds like Ctrl-C, so that
    # temporary files are removed and the kernel is shut down
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def _local_results(
    runs: list[ReportRun], args: tuple, workers: int, out: Path
) -> Iterator[RunResult]:
    """Run on a :class:`ProcessPoolExecutor` (spawned processes), at most ``workers`` at a time.

    A worker that dies (killed, out of memory) breaks the pool: the reports it and the other
    workers were building are recorded as failed and a fresh pool takes the remaining ones.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    ctx = multiprocessing.get_context("spawn")
    queue = deque(runs)

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init)

    pool = new_pool()
    inflight: dict = {}
    try:
        while queue or inflight:
            while queue and len(inflight) < workers:
                run = queue.popleft()
                inflight[pool.submit(run_one, run, *args)] = run
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                run = inflight.pop(fut)
                try:
                    yield fut.result()
                except BrokenProcessPool:
                    broken = True
                    yield _lost(
                        run,
                        out,
                        "the worker process died while this report was being built "
                        "(killed, or out of memory); nothing was written. Run the batch again: "
                        "finished reports are skipped",
                    )
                except Exception as exc:  # the task could not be sent or its result read
                    yield _lost(
                        run,
                        out,
                        f"the worker could not run this report "
                        f"({type(exc).__name__}: {exc}); nothing was written",
                    )
            if broken:
                pool.shutdown(wait=True, cancel_futures=True)
                pool = new_pool()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _dask_results(
    runs: list[ReportRun], args: tuple, workers: int, out: Path, scheduler: str | None
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


# --- the batch -----------------------------------------------------------------------------


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


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """Treat SIGTERM (``systemctl stop``, a scheduler's timeout) like Ctrl-C in this process."""
    try:
        previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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


def run_batch(
    runlist: str | Path,
    workers: int | None = 1,
    force: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
    summary_json: str | Path | None = None,
    on_result: Callable[[RunResult, int, int], None] | None = None,
) -> dict:
    """Build every report of a run list; return the summary (also written as JSON).

    ``workers``: parallel worker processes (local pool, or LocalCluster workers; None means
    one per CPU, at most 4; 0 or negative raises :class:`InputError`); ignored with
    ``scheduler``. ``executor``: ``local`` or ``dask``
    (``scheduler`` implies ``dask``).
    ``summary_json``: where to write the summary, default ``<out>/batch_summary.json``.
    ``on_result(result, n_finished, n_total)`` is called as each report finishes (progress).

    The summary dict has ``exit_code`` (0 all built or skipped, 1 any failed, 130 interrupted),
    ``counts`` per status, ``runs`` (one :class:`RunResult` dict each), ``index``,
    ``catalogue_pages`` and timing fields. Raises :class:`InputError` for an invalid run list
    or when another batch holds the output folder; a failing report never raises.
    """
    if executor not in EXECUTORS:
        raise InputError(
            Problem(
                "--executor",
                f"unknown executor '{executor}'",
                f"未知执行器 '{executor}'",
                f"use one of {', '.join(EXECUTORS)}",
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
    workers = int(workers)
    spec = load_runlist(runlist)
    out = spec.out
    started = dt.datetime.now()
    t0 = time.perf_counter()
    results: dict[ReportRun, RunResult] = {}
    interrupted = False
    with _batch_lock(out), _sigterm_as_interrupt():
        stale = remove_stale_temp_files(out)
        args = (str(spec.data_dir), str(out), str(spec.notebook), force)
        if executor == "dask":
            stream = _dask_results(spec.runs, args, workers, out, scheduler)
        else:
            stream = _local_results(spec.runs, args, workers, out)
        by_name = {run.name: run for run in spec.runs}
        try:
            for result in stream:
                results[by_name[result.report]] = result
                if on_result is not None:
                    on_result(result, len(results), len(spec.runs))
        except KeyboardInterrupt:
            interrupted = True
        finally:
            stream.close()
        for run in spec.runs:
            if run not in results:
                results[run] = _unfinished(run, out, started)
        stale += remove_stale_temp_files(out)  # left by workers killed mid-write
        catalogue = (
            {}
            if interrupted
            else write_catalogue_pages(dict.fromkeys(r.plan for r in spec.runs), spec.data_dir, out)
        )
        index = write_index(out)
    rows = [results[run] for run in spec.runs]
    counts = {s: sum(r.status == s for r in rows) for s in ("done", "skipped", "failed", "not run")}
    catalogue_failed = any(v.startswith("failed") for v in catalogue.values())
    exit_code = EXIT_INTERRUPTED if interrupted else int(bool(counts["failed"]) or catalogue_failed)
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
        "interrupted": interrupted,
        "exit_code": exit_code,
        "counts": counts,
        "duplicates_ignored": spec.duplicates,
        "stale_temp_files_removed": [str(p) for p in stale],
        "index": str(index),
        "catalogue_pages": catalogue,
        "runs": [asdict(r) for r in rows],
    }
    target = Path(summary_json) if summary_json else out / "batch_summary.json"
    atomic_write_text(target, json.dumps(summary, ensure_ascii=False, indent=1))
    summary["summary_json"] = str(target)
    return summary


# --- console output --------------------------------------------------------------------------


@contextlib.contextmanager
def progress_printer():
    """A rich progress bar on stderr; yields the ``on_result`` callback for :func:`run_batch`.

    Each finished report also prints one line (status, name, seconds), so that a log file of a
    scheduled run (no terminal, no bar) still shows the progress.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    progress = Progress(
        TextColumn("[bold]reports"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = None
    style = {"done": "green", "skipped": "dim", "failed": "bold red"}

    def on_result(result: RunResult, finished: int, total: int) -> None:
        nonlocal task
        if task is None:
            task = progress.add_task("reports", total=total)
        progress.update(task, completed=finished)
        colour = style.get(result.status, "")
        progress.console.print(
            f"[{colour}]{result.status:<7}[/] {result.report}  {result.seconds:5.1f} s",
            highlight=False,
        )

    with progress:
        yield on_result


def summary_table(summary: dict) -> None:
    """Print the batch summary: one row per report (status, seconds, message) and the totals."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"planeval batch: {summary['runlist']}")
    for col in ("report", "status", "seconds", "note"):
        table.add_column(col, justify="right" if col == "seconds" else "left", overflow="fold")
    for r in summary["runs"]:
        note = r["message"].replace("\n", " ")
        note = note if len(note) <= 160 else note[:157] + "..."
        if r["record"]:
            note = f"{note} [{r['record']}]"
        table.add_row(r["report"], r["status"], f"{r['seconds']:.1f}", note)
    console.print(table)
    c = summary["counts"]
    pages = ", ".join(f"{k}: {v}" for k, v in summary["catalogue_pages"].items())
    console.print(
        f"done {c['done']}, skipped {c['skipped']}, failed {c['failed']}"
        + (f", not run {c['not run']}" if c["not run"] else "")
        + f" in {summary['seconds']:.1f} s with {summary['workers']} worker(s) "
        f"({summary['executor']}); index: {summary['index']}; summary: "
        f"{summary['summary_json']}" + (f"; catalogue pages: {pages}" if pages else ""),
        highlight=False,
    )
