"""The plan catalogue for people: CSV and Markdown listings and the audit page.

* :func:`catalogue_table` / :func:`catalogue_csv`: every target of one or more plans, one row per
  target, in the published column order (:data:`planeval.plans.catalogue.CATALOGUE_COLUMNS`), all
  values as text: absent values are empty, numbers are written in their shortest form (``95``,
  ``99.33``, ``-20``; the plan's ``3.0‰`` is written ``3``), booleans ``true``/``false``.
* :func:`catalogue_markdown`: a review table with a heading per plan and per domain.
* :func:`write_catalogue_page`: ``<out_dir>/catalogue_<plan>.html``, one self-contained page
  (no script, no external file) putting each target's original sentence from the plan, with its
  line number in the plan text, beside its encoding, grouped by domain, so that a reviewer can
  check the reading against the plan.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from planeval.plans.catalogue import CATALOGUE_COLUMNS, Plan, Target, load_plan

#: Plain-language meaning of each target type (zh, en), shown on the audit page.
TYPE_MEANING = {
    "at_least": ("目标年达到…以上", "at least the value in the target year"),
    "at_most": ("目标年降至/控制在…以下", "at most the value in the target year"),
    "about": ("目标年在…左右（容差内）", "about the value (within the tolerance)"),
    "maintain_at_least": (
        "规划期内每年保持在…以上",
        "at least the value in every year of the period",
    ),
    "maintain_at_most": (
        "规划期内每年保持在…以下",
        "at most the value in every year of the period",
    ),
    "relative_change": ("较基期年变化…%", "change in % versus the base year"),
    "count_at_least": ("数量达到…以上", "a count of at least the value"),
    "direction": ("朝目标方向变化的趋势", "a trend in the good direction"),
    "maintain": ("保持，不出现恶化趋势", "no worsening trend"),
    "trend_slowing": ("上升趋势减缓", "the rise slows down"),
    "zero_events": ("不发生（每年为零）", "no event in any year"),
    "not_statistical": (
        "无年度统计数可衡量，由责任部门书面说明",
        "no yearly number; the department's written account",
    ),
}


def format_number(value) -> str:
    """A figure in its shortest form: ``95``, ``99.33``, ``-20``; ``""`` for None/NaN."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    return str(value)


def catalogue_table(plans: Plan | Iterable[Plan]) -> pd.DataFrame:
    """Every target of ``plans`` as text, one row per target, columns :data:`CATALOGUE_COLUMNS`.

    Shape: (number of targets, 15). Rows in plan order, then in each plan's own order.
    """
    if isinstance(plans, Plan):
        plans = [plans]
    rows = [
        {col: _cell(value) for col, value in row.items()}
        for plan in plans
        for row in plan.catalogue_frame().astype(object).to_dict(orient="records")
    ]
    return pd.DataFrame(rows, columns=CATALOGUE_COLUMNS, dtype=object)


def catalogue_csv(plans: Plan | Iterable[Plan]) -> str:
    """:func:`catalogue_table` as CSV text (UTF-8, header row, ``\\n`` line ends)."""
    return catalogue_table(plans).to_csv(index=False, lineterminator="\n")


def encoding_text(t: Target, lang: str = "zh") -> str:
    """The machine reading of a target in words.

    Examples: ``≥ 70% (2025)``, ``每年 ≥ 99%``, ``-20% 较 2020 (2025)``, ``趋势: 下降``.
    """
    en = lang == "en"
    unit = t.unit or ""
    value = format_number(t.target_value)
    if unit == "1/10万":
        shown = f"{value}/10万"
    elif unit in ("%", "‰"):
        shown = f"{value}{unit}"
    else:
        shown = f"{value} {unit}".strip()
    year = t.target_year
    good = {"increase": "上升" if not en else "rising", "decrease": "下降" if not en else "falling"}
    tt = t.target_type
    if tt == "at_least":
        return f"≥ {shown} ({year})"
    if tt == "at_most":
        return f"≤ {shown} ({year})"
    if tt == "about":
        return f"≈ {shown} ± {format_number(t.about_tolerance)} ({year})"
    if tt == "maintain_at_least":
        return f"{'every year' if en else '每年'} ≥ {shown}"
    if tt == "maintain_at_most":
        return f"{'every year' if en else '每年'} ≤ {shown}"
    if tt == "count_at_least":
        return f"≥ {shown} ({year})"
    if tt == "relative_change":
        base = f"{t.baseline_year}" + (
            f" = {format_number(t.baseline_value)}" if t.baseline_value is not None else ""
        )
        return f"{value}% {'vs' if en else '较'} {base} ({year})"
    if tt == "direction":
        return f"{'trend' if en else '趋势'}: {good.get(t.direction, t.direction)}"
    if tt == "maintain":
        return (
            "no worsening trend" if en else "不出现恶化趋势"
        ) + f" ({good.get(t.direction, t.direction)})"
    if tt == "trend_slowing":
        return "rise slows down" if en else "上升趋势减缓"
    if tt == "zero_events":
        return "0 every year" if en else "每年为 0"
    return "written account" if en else "部门书面说明"


def _md(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def catalogue_markdown(plans: Plan | Iterable[Plan]) -> str:
    """A review table in Markdown: ``#`` heading per plan, ``##`` per domain, one row per target."""
    if isinstance(plans, Plan):
        plans = [plans]
    out: list[str] = []
    header = [
        "条目 Item",
        "indicator_id",
        "指标 Indicator",
        "单位 Unit",
        "类型 Type",
        "编码 Encoding",
        "基期 Baseline",
        "分性别 By sex",
        "部门 Department",
        "规划原文 Plan text (line)",
    ]
    for plan in plans:
        out.append(f"# {plan.title_zh} · {plan.title_en}\n")
        for d in plan.domains:
            targets = [t for t in plan.targets if t.domain == d["zh"]]
            out.append(f"## {d['zh']} · {d['en']} ({len(targets)})\n")
            out.append("| " + " | ".join(header) + " |")
            out.append("|" + "---|" * len(header))
            for t in targets:
                baseline = "" if t.baseline_year is None else f"{t.baseline_year}"
                if t.baseline_value is not None:
                    baseline += f" = {format_number(t.baseline_value)}"
                cells = [
                    t.item,
                    t.indicator_id,
                    f"{t.name_zh} / {t.name_en}",
                    t.unit,
                    t.target_type,
                    encoding_text(t, "en"),
                    baseline,
                    "yes" if t.sex_disaggregated else "",
                    t.department,
                    f"{t.source_text} (L{t.source_line})",
                ]
                out.append("| " + " | ".join(_md(c) for c in cells) + " |")
            out.append("")
    return "\n".join(out)


_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;
max-width:1280px;margin:1.5em auto;padding:0 16px;color:#222}
h1{font-size:1.6em;margin-bottom:.2em}
h2{font-size:1.3em;border-bottom:2px solid #0072B2;padding-bottom:3px;margin-top:1.6em}
table{border-collapse:collapse;width:100%;font-size:12.5px;margin:8px 0 14px}
th,td{border:1px solid #c8c8c8;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#eef3f8}td.num{text-align:right;white-space:nowrap}.plan{background:#fffbea}
.enc{white-space:nowrap;font-weight:600}.muted{color:#555;font-size:.92em}.note{color:#6b3b00}
code{font-size:.95em}@media print{h2{page-break-before:always}tr{page-break-inside:avoid}}
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def catalogue_page_html(plan: Plan) -> str:
    """The audit page of one plan as a complete HTML document (text escaped, no script)."""
    types = Counter(t.target_type for t in plan.targets)
    per_domain = Counter(t.domain for t in plan.targets)
    items = {
        d["zh"]: len(
            {t.item for t in plan.targets if t.domain == d["zh"] and t.item.startswith("T")}
        )
        for d in plan.domains
    }
    summary = "".join(
        f"<tr><td>{_e(d['zh'])} · {_e(d['en'])}</td><td class='num'>{items[d['zh']]}</td>"
        f"<td class='num'>{per_domain[d['zh']]}</td></tr>"
        for d in plan.domains
    )
    type_rows = "".join(
        f"<tr><td><code>{_e(k)}</code></td>"
        f"<td>{_e(TYPE_MEANING[k][0])} · {_e(TYPE_MEANING[k][1])}</td>"
        f"<td class='num'>{types[k]}</td></tr>"
        for k in TYPE_MEANING
        if types[k]
    )
    sections = []
    for d in plan.domains:
        rows = []
        for t in (t for t in plan.targets if t.domain == d["zh"]):
            baseline = "" if t.baseline_year is None else f"{t.baseline_year}"
            if t.baseline_value is not None:
                baseline += f" = {format_number(t.baseline_value)}"
            sdg = f"SDG {t.sdg}" if t.sdg else ""
            note = f'<div class="note">{_e(t.note)}</div>' if t.note else ""
            dept = f"{t.department} · {t.department_name('en')}" if t.department else ""
            enc_zh, enc_en = encoding_text(t, "zh"), encoding_text(t, "en")
            enc_en = "" if enc_en == enc_zh else f'<span class="muted">{_e(enc_en)}</span><br>'
            rows.append(
                f'<tr id="t-{_e(t.indicator_id)}"><td>{_e(t.item)}</td>'
                f'<td class="plan">{_e(t.source_text)}'
                f'<div class="muted">L{_e(t.source_line)}</div></td>'
                f'<td><span class="enc">{_e(enc_zh)}</span><br>{enc_en}'
                f"<code>{_e(t.target_type)}</code>"
                f" · {_e(t.direction)}{note}</td>"
                f"<td><code>{_e(t.indicator_id)}</code><br>{_e(t.name_zh)}<br>"
                f'<span class="muted">{_e(t.name_en)}</span></td>'
                f"<td>{_e(t.unit)}</td><td>{_e(baseline)}</td>"
                f"<td>{'是 yes' if t.sex_disaggregated else ''}</td>"
                f"<td>{_e(dept)}</td><td>{_e(t.definition)}</td><td>{_e(sdg)}</td></tr>"
            )
        sections.append(
            f'<h2 id="d-{_e(d["zh"])}">{_e(d["zh"])} · {_e(d["en"])} '
            f'<span class="muted">({items[d["zh"]]} 主要目标 items, '
            f"{per_domain[d['zh']]} targets)</span></h2>"
            "<table><thead><tr><th>条目<br>Item</th><th>规划原文（行号）<br>Plan text (line)</th>"
            "<th>编码<br>Encoding</th><th>指标<br>Indicator</th><th>单位<br>Unit</th>"
            "<th>基期<br>Baseline</th><th>分性别<br>By sex</th><th>部门<br>Department</th>"
            "<th>统计口径<br>Definition</th><th>SDG</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{_e(plan.title_zh)} · 目标编码审核 · Catalogue audit</title>"
        f"<style>{_CSS}</style></head><body>"
        f"<h1>{_e(plan.title_zh)}<br><span class='muted'>{_e(plan.title_en)}</span></h1>"
        "<p>目标编码审核：每个目标的规划原文与机器编码并列，供核对。"
        "T<i>n</i> = 主要目标第 <i>n</i> 条，M<i>n</i> = 策略措施第 <i>n</i> 条。<br>"
        "<span class='muted'>Catalogue audit: each target's sentence from the plan beside its "
        "encoding. T<i>n</i> = main target <i>n</i>, M<i>n</i> = "
        f"measure <i>n</i>. Line numbers refer to the plan text: {_e(plan.source)}. "
        f"Catalogue file: {_e(Path(plan.path).name)}.</span></p>"
        f"<table style='width:auto'><thead><tr><th>领域 Domain</th><th>主要目标条数 Items</th>"
        f"<th>目标数 Targets</th></tr></thead><tbody>{summary}<tr><td>合计 Total</td>"
        f"<td class='num'>{sum(items.values())}</td><td class='num'>{len(plan.targets)}</td></tr>"
        "</tbody></table><table style='width:auto'><thead><tr><th>类型 Type</th>"
        "<th>含义 Meaning</th>"
        f"<th>目标数 Targets</th></tr></thead><tbody>{type_rows}</tbody></table>"
        f"{''.join(sections)}</body></html>\n"
    )


def write_catalogue_page(
    plan: Plan | str, out_dir: str | Path = "reports", data_dir: str | Path = "data"
) -> Path:
    """Write ``<out_dir>/catalogue_<plan>.html`` (the audit page) and return its path.

    ``plan`` is a loaded :class:`Plan` or a plan name (``women``, ``children``) looked up under
    ``<data_dir>/plans``. The page is written to a temporary file and renamed, so a failure never
    leaves a half-written page. Raises :class:`planeval.core.errors.InputError` for an unknown plan
    name or an invalid plan file.
    """
    from planeval.core.files import atomic_write_text

    if not isinstance(plan, Plan):
        plan = load_plan(plan, data_dir)
    target = Path(out_dir) / f"catalogue_{plan.plan}.html"
    atomic_write_text(target, catalogue_page_html(plan))
    return target
