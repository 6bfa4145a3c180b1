"""Console output of a batch: a progress bar with one line per report, and the summary table."""

from __future__ import annotations

import contextlib

from planeval.publish.executors import RunResult


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
    for r in summary.get("overviews", []):  # built after the reports, from their verdicts
        note = r["message"].replace("\n", " ")[:160] or ", ".join(
            f"{k} {v}" for k, v in r.get("sources", {}).items()
        )
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
