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

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from planeval.core.cells import csv_text
from planeval.core.labels import _labels, label
from planeval.plans.catalogue import (
    CATALOGUE_COLUMNS,
    Plan,
    Target,
    load_plan,
)
from planeval.reporting.formatting import shortest
from planeval.reporting.wording import target_text


def format_number(value) -> str:
    """A figure in its shortest form (see :func:`planeval.reporting.formatting.shortest`)."""
    return shortest(value)


def _cell(value) -> str:
    return value if isinstance(value, str) else shortest(value)


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
    """:func:`catalogue_table` as CSV text (UTF-8, header row, ``\\n`` line ends); text that a
    spreadsheet would run as a formula (``=…``) is written with a leading ``'``
    (:func:`planeval.core.cells.csv_text`)."""
    return csv_text(catalogue_table(plans), lineterminator="\n")


def encoding_text(t: Target, lang: str = "zh") -> str:
    """The reading of a target in words, with unit and target year: ``≥ 70% (2025)``,
    ``每年 ≥ 99%``, ``较2020年 -20% (2025)``, ``提高`` (see
    :func:`planeval.reporting.wording.target_text`)."""
    return target_text(t, lang, with_unit=True, with_year=True)


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


def _baseline(t: Target) -> str:
    out = "" if t.baseline_year is None else f"{t.baseline_year}"
    if t.baseline_value is not None:
        out += f" = {shortest(t.baseline_value)}"
    return out


def _target_row(t: Target) -> dict:
    """One target of the audit page as plain text fields."""
    enc_zh, enc_en = encoding_text(t, "zh"), encoding_text(t, "en")
    dept = f"{t.department} · {t.department_name('en')}" if t.department else ""
    return {
        "target": t,
        "enc_zh": enc_zh,
        "enc_en": "" if enc_en == enc_zh else enc_en,
        "baseline": _baseline(t),
        "department": dept,
        "sdg": f"SDG {t.sdg}" if t.sdg else "",
    }


def catalogue_page_html(plan: Plan) -> str:
    """The audit page of one plan as a complete HTML document (text escaped, no script)."""
    from planeval.reporting.html import render_page

    types = Counter(t.target_type for t in plan.targets)
    per_domain = Counter(t.domain for t in plan.targets)
    domains = []
    for d in plan.domains:
        targets = [t for t in plan.targets if t.domain == d["zh"]]
        items = len({t.item for t in targets if t.item.startswith("T")})
        domains.append(
            {
                "zh": d["zh"],
                "en": d["en"],
                "item_count": items,
                "n": per_domain[d["zh"]],
                "rows": [_target_row(t) for t in targets],
            }  # fmt: skip
        )
    meanings = [
        {
            "type": k,
            "zh": label("target_meaning", k, "zh"),
            "en": label("target_meaning", k, "en"),
            "n": types[k],
        }  # fmt: skip
        for k in _labels()["target_meaning"]
        if types[k]
    ]
    intro = {
        lang: label("page", "catalogue_intro", lang).format(
            source=plan.source, file=Path(plan.path).name
        )
        for lang in ("zh", "en")
    }
    name = [label("page", "catalogue_title", lang) for lang in ("zh", "en")]
    return render_page(
        "catalogue.html.j2",
        " · ".join([plan.title_zh, *name]),
        plan=plan,
        intro=intro,
        domains=domains,
        meanings=meanings,
        total_items=sum(d["item_count"] for d in domains),
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
    target = Path(out_dir) / f"catalogue_{plan.short_name}.html"
    atomic_write_text(target, catalogue_page_html(plan))
    return target
