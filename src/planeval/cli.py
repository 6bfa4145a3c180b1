"""Command line: ``planeval report|batch|assess|calibrate|catalogue|template|validate|kernel``.

A thin shell over the package: every command calls functions that tests call too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from planeval.core.arguments import CLI
from planeval.core.errors import InputError, Problem

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="planeval: monitoring and evaluation of development plans.",
)


def _year(text: str) -> int:
    """``--year`` as an int; anything but a whole number is refused in both languages."""
    cleaned = str(text).strip()
    if not cleaned.isdigit():
        raise typer.BadParameter(
            f"'{text}' is not a year / '{text}' 不是年份. Fix: write the year as four digits, "
            "e.g. --year 2024 / 修改方法：用四位数字写年份，如 --year 2024"
        )
    return int(cleaned)


def _fail(exc: InputError) -> None:
    typer.echo(f"planeval: {len(exc.problems)} problem(s) in the input:", err=True)
    for p in exc.problems:
        typer.echo(f"  - {p}", err=True)
    raise typer.Exit(code=1)


def _write_error(out: Path, exc: OSError) -> InputError:
    """An OSError while writing reports as a message naming the folder and the fix."""
    where = exc.filename or out
    return InputError(
        Problem(
            str(where),
            f"could not write the report in {out}: {exc.strerror or exc}",
            f"无法在 {out} 中写入报告：{exc.strerror or exc}",
            "give a folder you may write to with free space (--out); the last good report "
            "was left as it was",
            "请用 --out 指定有写入权限且有剩余空间的文件夹；原有报告未被改动",
        )
    )


@app.command()
def report(
    plan: str = typer.Option(
        ..., help="Plan name: women or children (a file under DATA_DIR/plans)."
    ),
    stage: str = typer.Option(..., help="annual, midterm or final."),
    year: int = typer.Option(
        ..., parser=_year, help="Data cut-off year: data after it is never used."
    ),
    geography: str = typer.Option(..., help="Folder under DATA_DIR/observations, e.g. china."),
    data_dir: Path = typer.Option(Path("data"), help="Folder holding plans/ and observations/."),
    lang: str = typer.Option("zh", help="Report language: zh (default) or en."),
    out: Path = typer.Option(Path("reports"), help="Output folder."),
    format: str = typer.Option(
        "html", "--format", help="Formats, comma-separated: html (always), docx, pdf."
    ),
    cell_timeout: float = typer.Option(
        None,
        min=1,
        help="Seconds a notebook cell may run before the report fails "
        "(default: run.cell_timeout_seconds of the settings file).",
    ),
    annex: str = typer.Option("brief", help="Appendix: brief (default) or full."),
) -> None:
    """Run the evaluation notebook (papermill) and write <geography>_<plan>_<stage>_<year>.html
    (and .docx, .pdf with --format html,docx,pdf)."""
    from planeval.plans.requests import check_plan_name
    from planeval.publish.checks import check_formats
    from planeval.publish.execution import NotebookError
    from planeval.publish.failures import WriteError, failed_record_paths
    from planeval.publish.index import write_index
    from planeval.publish.runner import run_report
    from planeval.reporting.spec import ReportSpec

    spec = ReportSpec(plan, stage, year, geography, lang, annex=annex)
    try:  # bad input: print the message only, no record under OUT/failed (batch keeps those)
        spec = spec.with_(formats=check_formats(format), plan=check_plan_name(plan, data_dir))
        path = run_report(
            spec,
            data_dir=data_dir,
            out=out,
            record_input_errors=False,
            cell_timeout=cell_timeout,
        )
    except InputError as exc:
        _fail(exc)
    except NotebookError as exc:
        txt, record = failed_record_paths(out, spec.name)
        typer.echo(f"planeval: {exc}\n  failure record: {txt}", err=True)
        if record.exists():
            typer.echo(f"  executed notebook (with the error cell): {record}", err=True)
        raise typer.Exit(code=1) from None
    except WriteError as exc:  # full disk, read-only folder: nothing was published
        typer.echo(f"planeval: {exc}", err=True)
        raise typer.Exit(code=1) from None
    except OSError as exc:  # the folder became unwritable or full while writing
        _fail(_write_error(out, exc))
    write_index(out)
    for fmt in spec.formats:
        typer.echo(f"wrote {path.with_suffix('.' + fmt)}")


@app.command()
def overview(
    plan: str = typer.Option(..., help="Plan name or alias (a file under DATA_DIR/plans)."),
    stage: str = typer.Option(..., help="annual, midterm or final."),
    year: int = typer.Option(..., parser=_year, help="Data cut-off year."),
    parent: str = typer.Option(
        ..., help="Parent geography (geographies.yaml): its regions are the rows, e.g. china."
    ),
    data_dir: Path = typer.Option(Path("data"), help="Folder holding plans/ and observations/."),
    lang: str = typer.Option("zh", help="Language: zh (default) or en."),
    out: Path = typer.Option(
        Path("reports"),
        help="Output folder (also where the regions' "
        "own reports and their stored verdicts are looked for).",
    ),  # fmt: skip
    format: str = typer.Option(
        "html", "--format", help="Formats, comma-separated: html (always), docx, pdf."
    ),
) -> None:
    """Write <parent>_<plan>_overview_<stage>_<year>.html: every region's verdicts, 达标率 and
    rank, per-target counts, small multiples and findings (regions' stored verdicts are read
    back when their reports are current)."""
    from planeval.publish.checks import check_formats, check_out_folder
    from planeval.publish.index import write_index
    from planeval.publish.overview_run import build_overview_files

    try:
        formats = check_formats(format)
        check_out_folder(out.absolute())
        result = build_overview_files(plan, stage, year, parent, data_dir, out, lang, formats)
    except InputError as exc:
        _fail(exc)
    except OSError as exc:
        _fail(_write_error(out, exc))
    write_index(out)
    for f in result["files"].values():
        typer.echo(f"wrote {out / f}")
    assessed = sum(v == "assessed" for v in result["sources"].values())
    if assessed:  # the region reports were not built: the overview compared nothing with them
        from planeval.reporting.overview import w

        n = len(result["sources"])
        typer.echo(w("notice_assessed", "zh" if lang != "en" else "en", k=assessed, n=n, out=out))


@app.command()
def assess(
    plan: str = typer.Option(..., help="Plan name: women or children."),
    geography: str = typer.Option(..., help="Folder under DATA_DIR/observations."),
    year: int = typer.Option(..., parser=_year, help="Data cut-off year."),
    data_dir: Path = typer.Option(Path("data")),
    format: str = typer.Option("csv", "--format", help="csv or json."),
    stage: str = typer.Option("midterm", help="Stage of the verdict: annual, midterm or final."),
) -> None:
    """Print one row per indicator: forecast, interval, probability of attainment, status,
    and the verdict of the stage (status 已实现/提前实现/…, reason, 达标率 membership, gap).

    CSV: the columns of ``planeval.assessment.assess.ASSESS_COLUMNS`` first, then a few more, values
    rounded to 4 decimals. JSON: every field at full precision, with each indicator's ``audit``
    (data points, candidate models and their errors, parameters, thresholds, the rule that fired).
    """
    from planeval.api import assess as run_assess
    from planeval.assessment.assess import assessment_csv, assessment_json

    if format not in ("csv", "json"):
        typer.echo(f"planeval: --format must be csv or json, not {format!r}", err=True)
        raise typer.Exit(code=2)
    if stage not in ("annual", "midterm", "final"):
        typer.echo(
            f"planeval: --stage 应为 annual、midterm 或 final / must be annual, midterm or final, "
            f"not {stage!r}",
            err=True,
        )
        raise typer.Exit(code=2)
    try:  # the API checks plan, year and geography, naming the command's options
        result = run_assess(plan, geography, year, data_dir=data_dir, stage=stage, caller=CLI)
    except InputError as exc:
        _fail(exc)
    text = assessment_json(result) if format == "json" else assessment_csv(result)
    sys.stdout.write(text)


@app.command()
def calibrate(
    data_dir: Path = typer.Option(Path("data")),
) -> None:
    """Rebuild the calibration file (DATA_DIR/config/calibration.yaml) from the panel of
    out-of-sample errors of every shipped series; prints what was written."""
    from planeval.core.settings import load_settings
    from planeval.forecasting.calibration_file import calibrate as run_calibrate
    from planeval.forecasting.calibration_file import load_calibration

    try:
        path = run_calibrate(data_dir, load_settings(data_dir))
        cal = load_calibration(path)
    except InputError as exc:
        _fail(exc)
    prov = cal.provenance
    filled = sorted(y for y, t in cal.tables.items() if t.cells)
    typer.echo(
        f"wrote {path}: {prov.get('forecasts')} out-of-sample forecasts of "
        f"{prov.get('series_with_forecasts')} series; tables for cut-off years "
        f"{filled[0] if filled else '-'}–{filled[-1] if filled else '-'}"
    )


@app.command()
def batch(
    runlist: Path = typer.Argument(..., help="Run list YAML (see data/runs/main.yaml)."),
    workers: int = typer.Option(
        None, help="Parallel worker processes (1 or more); default: one per CPU, at most 4."
    ),
    force: bool = typer.Option(False, help="Rebuild reports whose inputs have not changed."),
    executor: str = typer.Option("local", help="local (process pool) or dask (Dask distributed)."),
    scheduler: str = typer.Option(
        None, help="Dask scheduler address (tcp://host:8786); implies --executor dask."
    ),
    summary_json: Path = typer.Option(
        None, help="Write the machine-readable summary here (default: OUT/batch_summary.json)."
    ),
    cell_timeout: float = typer.Option(
        None,
        min=1,
        help="Seconds a notebook cell may run before its report fails "
        "(default: run.cell_timeout_seconds of the settings file).",
    ),
) -> None:
    """Build every report of a run list in parallel, then write the index and a summary.

    Unchanged reports are skipped. Exit code: 0 all built or skipped, 1 any failed, 130 stopped.
    """
    from planeval.publish.batch import EXIT_INTERRUPTED, run_batch
    from planeval.publish.console import progress_printer, summary_table

    try:
        with progress_printer() as on_result:
            summary = run_batch(
                runlist,
                workers=workers,
                force=force,
                executor=executor,
                scheduler=scheduler,
                summary_json=summary_json,
                on_result=on_result,
                cell_timeout=cell_timeout,
            )
    except InputError as exc:
        _fail(exc)
    except KeyboardInterrupt:  # before the batch began: nothing was started or written
        typer.echo("planeval batch: interrupted before any report started", err=True)
        raise typer.Exit(code=EXIT_INTERRUPTED) from None
    summary_table(summary)
    raise typer.Exit(code=summary["exit_code"])


@app.command()
def catalogue(
    plan: str = typer.Option("", help="Plan name: women or children (both when omitted)."),
    format: str = typer.Option("csv", "--format", help="csv, markdown (stdout) or html (pages)."),
    data_dir: Path = typer.Option(Path("data"), help="Folder holding plans/."),
    out: Path = typer.Option(
        None,
        help="html: output folder (default reports). csv/markdown: write this file instead of "
        "stdout (CSV files get a UTF-8 BOM so that Excel reads the Chinese text).",
    ),
) -> None:
    """Print every target of the plan(s) as CSV or Markdown, or write the HTML audit page(s)."""
    from planeval.core.files import atomic_write_text
    from planeval.plans.catalogue import load_all_plans, load_plan
    from planeval.publish.checks import check_out_folder
    from planeval.reporting.catalogue_page import (
        catalogue_csv,
        catalogue_markdown,
        write_catalogue_page,
    )

    if format not in ("csv", "markdown", "html"):
        typer.echo("--format must be csv, markdown or html", err=True)
        raise typer.Exit(code=2)
    try:
        plans = [load_plan(plan, data_dir)] if plan else load_all_plans(data_dir)
        if format == "html":
            folder = out if out is not None else Path("reports")
            check_out_folder(folder)
            for p in plans:
                typer.echo(f"wrote {write_catalogue_page(p, folder)}")
            return
        text = catalogue_csv(plans) if format == "csv" else catalogue_markdown(plans)
        if out is None:
            sys.stdout.write(text)
            return
        if out.is_dir():
            hint = out / ("catalogue.csv" if format == "csv" else "catalogue.md")
            raise InputError(
                Problem(
                    "--out",
                    f"{out} is a folder; --format {format} writes one file",
                    f"{out} 是文件夹；--format {format} 输出为单个文件",
                    f"give a file name, e.g. --out {hint}",
                    "请给出文件名",
                )
            )
        check_out_folder(out.absolute().parent)
        # CSV for Excel: a UTF-8 byte-order mark, else Excel on Windows decodes it as GBK
        atomic_write_text(out, ("\ufeff" + text) if format == "csv" else text)
        typer.echo(f"wrote {out}")
    except InputError as exc:
        _fail(exc)


@app.command()
def template(
    plan: str = typer.Option(
        None, help="Plan name or alias, e.g. women (a file under DATA_DIR/plans)."
    ),
    year: int = typer.Option(..., parser=_year, help="Data year the workbook collects."),
    geography: str = typer.Option(..., help="Folder under DATA_DIR/observations, e.g. baijiantan."),
    out: Path = typer.Option(..., help="Workbook to write (.xlsx); name it <year>.xlsx."),
    data_dir: Path = typer.Option(Path("data"), help="Folder holding plans/."),
    force: bool = typer.Option(False, help="Replace --out if it exists."),
    department: str = typer.Option(
        None, help="A department (e.g. 卫健委): its indicators from every plan, instead of --plan."
    ),
) -> None:
    """Write the submission workbook: one row per indicator, locked header, unit and checks
    (of one plan, or of one department across every plan)."""
    from planeval.intake.workbook import write_template
    from planeval.plans.requests import check_submission

    try:
        check_submission(year, geography, data_dir, CLI)
        if (plan is None) == (department is None):
            raise InputError(
                Problem(
                    "--plan/--department",
                    "give either --plan or --department",
                    "请给出 --plan 或 --department 之一",
                    "e.g. --department 卫健委 (every plan) or --plan women",
                    "如 --department 卫健委（所有规划）或 --plan women",
                )
            )
        path = write_template(
            plan, year, geography, out, data_dir=data_dir, overwrite=force, department=department
        )
    except InputError as exc:
        _fail(exc)
    typer.echo(f"wrote {path}")


@app.command()
def status(
    geography: str = typer.Option(..., help="Folder under DATA_DIR/observations."),
    year: int = typer.Option(..., parser=_year, help="Data year."),
    out: Path = typer.Option(..., help="HTML page to write, e.g. reports/status_X_2025.html."),
    data_dir: Path = typer.Option(Path("data"), help="Folder holding plans/ and observations/."),
) -> None:
    """Submission status (报送情况): which departments filed, what is still missing, and when."""
    from planeval.plans.requests import check_submission
    from planeval.publish.checks import check_out_folder
    from planeval.reporting.status_page import write_status_page

    try:
        check_submission(year, geography, data_dir, CLI)
        check_out_folder(out.absolute().parent)
        path = write_status_page(data_dir, geography, year, out)
    except InputError as exc:
        _fail(exc)
    except OSError as exc:
        _fail(_write_error(out.absolute().parent, exc))
    typer.echo(f"wrote {path}")


def _echo_problems(problems: list, limit: int) -> None:
    """The first ``limit`` problems on stderr, then how many more and where to see them all."""
    for p in problems[:limit]:
        typer.echo(f"  - {p}", err=True)
    if len(problems) > limit:
        rest = len(problems) - limit
        typer.echo(
            f"  ... and {rest} more problem(s) not listed here: --html FILE writes every one; "
            f"另有 {rest} 个问题未在此列出：使用 --html 文件 可列出全部",
            err=True,
        )


@app.command()
def validate(
    paths: list[Path] = typer.Argument(
        None, help="Files (.csv/.xlsx) or folders; default: every file under DATA_DIR/observations."
    ),
    data_dir: Path = typer.Option(Path("data"), help="Folder holding plans/ and indicators.yaml."),
    html: Path = typer.Option(None, help="Also write the HTML validation report here (.html)."),
    year: int = typer.Option(
        None, parser=_year, help="Data year, when the file name does not say it."
    ),
    geography: str = typer.Option(None, help="Geography, when the folder does not say it."),
    force: bool = typer.Option(False, help="Replace an existing --html report."),
) -> None:
    """Check submissions; exit 0 when clean, 1 listing every problem. Without PATHS, check all
    of DATA_DIR/observations and rebuild DATA_DIR/processed (the Parquet store)."""
    from planeval.intake.observations import check_paths, require_catalogue
    from planeval.plans.catalogue import known_units
    from planeval.plans.requests import check_data_year, check_geography_code
    from planeval.reporting.narrative import check_narrative_files
    from planeval.reporting.validation_page import check_output_path, write_validation_report
    from planeval.store.database import build_store

    inputs = list(paths or [data_dir / "observations"])
    try:
        require_catalogue(data_dir)
        units = known_units(data_dir)
        # the request checks every command makes, before any file is called ok: a display
        # name (白碱滩区) gets the code it matches, a year no data can have the one range
        if geography is not None:
            check_geography_code(geography, data_dir)
        if year is not None:
            check_data_year(year, data_dir)
        if html is not None:
            check_output_path(html, inputs, force)
    except InputError as exc:
        _fail(exc)
    whole = not paths
    checks, problems = check_paths(
        paths or [data_dir / "observations"], data_dir, units, geography=geography, year=year
    )
    for c in checks:
        status = "ok  " if c.ok else "FAIL"
        typer.echo(
            f"{status} {c.path}: {len(c.frame)} values, {len(c.notes)} normalised, "
            f"{len(c.problems)} problem(s)"
        )
    # the office's narrative files of the geographies checked, as the reports check them
    narratives, found = check_narrative_files(
        data_dir, None if whole else {c.geography for c in checks if c.geography}
    )
    for path in narratives:
        own = [p for p in found if p.file == str(path)]
        typer.echo(f"{'FAIL' if own else 'ok  '} {path}: narrative, {len(own)} problem(s)")
    problems += found
    every = problems + [p for c in checks for p in c.problems]
    if html is not None:
        try:
            written = write_validation_report(html, checks, problems, data_dir, inputs, force)
        except InputError as exc:
            _fail(exc)
        typer.echo(f"wrote {written}")
    if every:
        typer.echo(f"planeval: {len(every)} problem(s) in the input:", err=True)
        from planeval.core.settings import load_settings

        _echo_problems(every, load_settings(data_dir)["intake"]["max_problems_listed"])
        if whole:
            typer.echo(
                "planeval: the processed store (DATA_DIR/processed) was not rebuilt; "
                "未重建处理后的数据存储",
                err=True,
            )
        raise typer.Exit(code=1)
    if whole:
        try:
            typer.echo(f"store rebuilt: {build_store(data_dir)}")
        except InputError as exc:
            _fail(exc)
    typer.echo(f"clean: {len(checks)} file(s)")


@app.command()
def kernel() -> None:
    """Register this environment as the Jupyter kernel 'planeval' (papermill and JupyterLab)."""
    from planeval.publish.kernel import ensure_kernel

    typer.echo(f"kernel '{ensure_kernel()}' -> {sys.executable}")


if __name__ == "__main__":
    app()
