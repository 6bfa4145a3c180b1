"""The HTML validation report for a submitter (``planeval validate ... --html OUT.html``).

One self-contained bilingual page: a summary per file (encoding, sheets, SHA-256, values read,
problems), every problem with file, sheet, row, column, message and fix in Chinese and English,
every value whose reading changed what was written (``parse_note``), and the values read. All
text is HTML-escaped (jinja2 autoescape). Written to a temporary file and renamed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
import pandas as pd

from planeval.core.errors import InputError, Problem
from planeval.core.files import atomic_write_text
from planeval.intake.observations import SubmissionCheck

_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>数据校验报告 / Validation report</title>
<style>
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}
th,td{border:1px solid #bbb;padding:4px 8px;vertical-align:top;text-align:left;
overflow-wrap:anywhere}
th{background:#eef3f8} .ok{color:#1a7f37;font-weight:bold} .bad{color:#b42318;font-weight:bold}
.mono{font-family:monospace;font-size:12px} summary{cursor:pointer;margin:1em 0}
</style></head><body>
<h1>数据校验报告 <small>Validation report</small></h1>
<p>生成时间 Generated: {{ generated }} · 数据目录 Data folder: {{ data_dir }}</p>
{% if n_problems == 0 %}
<p class="ok">通过：未发现问题。 Clean: no problems found.</p>
{% else %}
<p class="bad">发现 {{ n_problems }} 个问题，请修改后重新提交。
Found {{ n_problems }} problem(s); please correct them and submit again.</p>
{% endif %}
<h2>文件 Files</h2>
<table><thead><tr><th>文件 File</th><th>年份 Year</th><th>版本 Vintage</th><th>编码 Encoding</th>
<th>工作表 Sheets</th><th>读取数值 Values read</th><th>问题 Problems</th>
<th>SHA-256</th></tr></thead>
<tbody>{% for f in files %}<tr><td>{{ f.path }}</td><td>{{ f.year }}</td>
<td>{{ f.vintage }}</td>
<td>{{ f.encoding }}</td><td>{{ f.sheets }}</td><td>{{ f.n_values }}</td>
<td class="{{ 'ok' if f.problems == 0 else 'bad' }}">{{ f.problems }}</td>
<td class="mono" title="{{ f.sha256 }}">{{ f.sha256[:16] }}</td></tr>{% endfor %}</tbody></table>
{% if problems %}
<h2>问题 Problems</h2>
<table><thead><tr><th>#</th><th>文件 File</th><th>工作表 Sheet</th><th>行 Row</th><th>列 Column</th>
<th>问题</th><th>Problem</th><th>修改方法</th><th>Fix</th></tr></thead><tbody>
{% for p in problems %}<tr><td>{{ loop.index }}</td><td>{{ p.file }}</td>
<td>{{ p.sheet or "" }}</td>
<td>{{ p.row if p.row is not none else "" }}</td><td>{{ p.column or "" }}</td>
<td>{{ p.message_zh }}</td><td>{{ p.message_en }}</td><td>{{ p.fix_zh }}</td>
<td>{{ p.fix }}</td>
</tr>{% endfor %}</tbody></table>
{% endif %}
{% if notes %}
<h2>已规范的写法 Values read with a normalisation</h2>
<p>以下数值按常见写法读取，请确认。
These values were read from the way they were written; please check.</p>
<table><thead><tr><th>文件 File</th><th>工作表 Sheet</th><th>行 Row</th><th>列 Column</th>
<th>指标 Indicator</th><th>读作 Read as</th><th>说明 Note</th></tr></thead><tbody>
{% for n in notes %}<tr><td>{{ n.file }}</td><td>{{ n.sheet }}</td><td>{{ n.row }}</td>
<td>{{ n.column }}</td>
<td>{{ n.indicator_id }}</td><td>{{ n.value }}</td><td>{{ n.parse_note }}</td></tr>{% endfor %}
</tbody></table>
{% endif %}
{% if values %}
<details><summary>读取的全部数值（{{ values|length }}） All values read</summary>
<table><thead><tr><th>文件 File</th><th>行 Row</th><th>指标 Indicator</th><th>性别 Sex</th>
<th>数值 Value</th><th>单位 Unit</th><th>来源 Source</th><th>备注 Note</th>
<th>文字说明 Account</th></tr></thead>
<tbody>{% for v in values %}<tr><td>{{ v.file }}</td><td>{{ v.row }}</td>
<td>{{ v.indicator_id }}</td>
<td>{{ v.sex }}</td><td>{{ v.value }}</td><td>{{ v.unit }}</td><td>{{ v.source }}</td>
<td>{{ v.note }}</td>
<td>{{ v.account }}</td></tr>{% endfor %}</tbody></table></details>
{% endif %}
</body></html>
"""


def _fmt(value) -> str:
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
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(_TEMPLATE).render(
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
