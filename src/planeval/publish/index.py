"""``<out>/index.html``: every complete report in an output folder, and the catalogue pages."""

from __future__ import annotations

import html
from pathlib import Path

from planeval.core.files import atomic_write_text
from planeval.publish.checks import STAGES
from planeval.publish.failures import last_failure
from planeval.publish.fingerprint import is_complete, read_metadata


def complete_reports(out: str | Path = "reports") -> list[dict]:
    """Metadata of every complete report in ``out`` (see :func:`is_complete`), sorted by
    geography, plan, year, stage and language."""
    out = Path(out)
    rows = []
    for meta_path in sorted(out.glob("*.html.json")):
        meta = read_metadata(out, meta_path.name[: -len(".json")])
        if meta is not None and is_complete(out, meta):
            rows.append(meta)
    # stages in the plan's own order (annual, midterm, final), not alphabetical
    rank = {stage: i for i, stage in enumerate(STAGES)}
    rows.sort(
        key=lambda m: (m["geography"], m["plan"], rank.get(m["stage"], 9), m["year"], m["lang"])
    )
    return rows


def _outdated_cell(out: Path, name: str) -> str:
    failure = last_failure(out, name)
    if failure is None:
        return "<td>当前 · current</td>"
    link = html.escape(failure["record"], quote=True)
    when = html.escape(failure["failed"])
    return (
        '<td class="outdated"><strong>过期 · outdated</strong>: 最近一次重建失败 / last rebuild '
        f'failed {when}, 见 / see <a href="{link}">{html.escape(failure["record"])}</a></td>'
    )


def write_index(out: str | Path = "reports") -> Path:
    """``reports/index.html``: every complete report in the folder, and the catalogue pages.

    A report is listed only when its metadata exists and the HTML's SHA-256 matches the one
    recorded there, so a report whose writing was interrupted is never linked. A report whose
    last rebuild failed (a record under ``failed/``, see :func:`last_failure`) stays listed
    (the good file is kept) but is marked outdated with the time of the failure and a link to
    the record. Written atomically.
    """
    out = Path(out)
    from planeval.core.labels import geography_name, label

    rows = complete_reports(out)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(c))}</td>"
            for c in (
                f"{geography_name(m['geography'], 'zh')} [{m['geography']}]",
                m["plan"],
                label("stage", m["stage"], "zh") + " / " + label("stage", m["stage"], "en"),
                m["year"],
                m["lang"],
                m["produced"],
            )
        )
        + f'<td><a href="{html.escape(m["file"], quote=True)}">{html.escape(m["file"])}</a></td>'
        f"<td><code>{html.escape(str(m.get('fingerprint', ''))[:12])}</code></td>"
        + _outdated_cell(out, m["file"])
        + "</tr>"
        for m in rows
    )
    pages = sorted(p.name for p in out.glob("catalogue_*.html"))
    catalogue = ""
    if pages:
        links = "".join(
            f'<li><a href="{html.escape(p, quote=True)}">{html.escape(p)}</a></li>' for p in pages
        )
        catalogue = f"<h2>目标目录审核页 · Catalogue audit pages</h2><ul>{links}</ul>"
    style = (
        "body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
        "table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#eef3f8}"
        "td.outdated{background:#fdecea}"
    )
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "地区 Geography",
            "规划 Plan",
            "类型 Stage",
            "数据年份 Data year",
            "语言 Lang",
            "生成时间 Produced",
            "报告 Report",
            "输入指纹 Inputs",
            "状态 State",
        )
    )
    page = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>planeval reports</title><style>{style}</style></head><body>\n"
        "<h1>评估报告目录 · Evaluation reports</h1>\n"
        f"<table><thead><tr>{head}</tr></thead>\n<tbody>{body}</tbody></table>{catalogue}\n"
        "</body></html>"
    )
    target = out / "index.html"
    atomic_write_text(target, page)
    return target
