"""The HTML validation report for a submitter (``planeval validate ... --html OUT.html``).

One self-contained bilingual page: a summary per file (encoding, sheets, SHA-256, values read,
problems), every problem with file, sheet, row, column, message and fix in Chinese and English,
every value whose reading changed what was written (``parse_note``), and the values read. All
text is HTML-escaped (jinja2 autoescape; template ``templates/validation.html.j2``, words in
``labels.yaml``, group ``page``). Written to a temporary file and renamed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from planeval.core.errors import InputError, Problem
from planeval.core.files import atomic_write_text
from planeval.core.labels import label
from planeval.intake.observations import SubmissionCheck


def _fmt(value) -> str:
    """A value as read, in full precision (``95.25``); ``""`` when missing."""
    return "" if value is None or pd.isna(value) else f"{float(value):.15g}"


def render_validation_report(
    checks: list[SubmissionCheck],
    problems: list[Problem] | None = None,
    data_dir: str | Path = "data",
) -> str:
    """The report as an HTML string (every text escaped)."""
    problems = list(problems or [])
    all_problems = problems + [p for c in checks for p in c.problems]
    files = [
        {
            "path": str(c.path),
            "year": "" if c.year is None else c.year,
            "vintage": c.vintage,
            "encoding": c.encoding or ("xlsx" if c.path.suffix.lower() == ".xlsx" else ""),
            "sheets": ", ".join(c.sheets),
            "n_values": len(c.frame),
            "problems": len(c.problems),
            "sha256": c.sha256 or "",
        }
        for c in checks
    ]
    frames = [c.frame for c in checks if not c.frame.empty]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    rows = []
    for rec in table.to_dict("records") if len(table) else []:
        rec = {
            k: ("" if v is None or (isinstance(v, float) and pd.isna(v)) else v)
            for k, v in rec.items()
        }
        rec["value"] = _fmt(rec["value"]) if rec["value"] != "" else ""
        rows.append(rec)
    notes = [r for r in rows if r.get("parse_note")]
    from planeval.reporting.html import render_page

    return render_page(
        "validation.html.j2",
        f"{label('page', 'validation_title', 'zh')} / {label('page', 'validation_title', 'en')}",
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        data_dir=str(data_dir),
        n_problems=len(all_problems),
        files=files,
        problems=all_problems,
        notes=notes,
        values=rows,
    )


#: Suffixes ``--html`` may have; any other existing file is never replaced.
HTML_SUFFIXES = (".html", ".htm")


def _refuse(path: Path, en: str, zh: str, fix: str, fix_zh: str) -> InputError:
    return InputError(Problem(str(path), en, zh, fix, fix_zh, code="file"))


def check_output_path(
    path: str | Path, inputs: list[str | Path] | tuple = (), force: bool = False
) -> Path:
    """Refuse an ``--html`` path that would destroy something; return it as a Path.

    Raises :class:`InputError` when ``path`` is one of ``inputs`` (or inside an input folder's
    files), is a folder, is an existing file not ending in .html/.htm, exists and ``force`` is
    false, or its parent folder does not exist.
    """
    path = Path(path)
    target = path.resolve()
    for item in inputs:
        item = Path(item).resolve()
        if target == item or (item.is_dir() and item in target.parents):
            raise _refuse(
                path,
                "the report would overwrite a file being checked",
                "校验报告会覆盖正在校验的文件",
                "pass --html with another file name ending in .html",
                "--html 换一个以 .html 结尾的文件名",
            )
    if path.is_dir():
        raise _refuse(
            path,
            "--html names a folder",
            "--html 指定的是文件夹",
            "pass --html FILE.html",
            "使用 --html 文件名.html",
        )
    if path.exists() and path.suffix.lower() not in HTML_SUFFIXES:
        raise _refuse(
            path,
            "the file exists and is not an .html file: it is not overwritten",
            "文件已存在且不是 .html 文件，不会被覆盖",
            "pass --html with a file name ending in .html",
            "--html 使用以 .html 结尾的文件名",
        )
    if path.exists() and not force:
        raise _refuse(
            path,
            "the file already exists and is not overwritten",
            "文件已存在，不会被覆盖",
            "choose another --html, or pass --force to replace it",
            "换一个 --html 文件名，或加 --force 覆盖",
        )
    if not path.parent.is_dir():
        raise _refuse(
            path,
            f"folder '{path.parent}' does not exist",
            f"文件夹 '{path.parent}' 不存在",
            "create the folder first or choose another --html",
            "先创建该文件夹，或换一个 --html 路径",
        )
    return path


def write_validation_report(
    path: str | Path,
    checks: list[SubmissionCheck],
    problems: list[Problem] | None = None,
    data_dir: str | Path = "data",
    inputs: list[str | Path] | tuple = (),
    force: bool = True,
) -> Path:
    """Write :func:`render_validation_report` to ``path`` (temporary file, then rename).

    ``path`` is first checked by :func:`check_output_path` (``inputs``: the files and folders
    validated; ``force``: replace an existing .html file). Raises :class:`InputError` for a
    refused or unwritable path; never a half-written file.
    """
    path = Path(path)
    check_output_path(path, inputs, force)
    html = render_validation_report(checks, problems, data_dir)
    try:
        atomic_write_text(path, html)
    except OSError as exc:
        raise _refuse(
            path,
            f"cannot write the report ({exc.strerror or type(exc).__name__})",
            "无法写入校验报告",
            "choose a folder you can write to for --html",
            "--html 选择有写入权限的目录",
        ) from None
    return path
