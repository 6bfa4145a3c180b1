"""The submission workbook: ``planeval template --plan P --year Y --geography G --out F.xlsx``.

One sheet ``填报 data`` with one row per target of the plan, in the plan's order: the
identifying columns (indicator_id, Chinese name, unit, definition, responsible department) are
pre-filled and locked; the data columns (value = total, female, male, source, note, account)
are unlocked. The sheet is protected without a password (so the header and the pre-filled
cells are not changed by accident); numeric cells carry Excel data validation (a number, 0–100
for %, not below zero otherwise) with a bilingual prompt naming the unit. Targets of type
``not_statistical`` have no number: their value cells are locked and shaded, and the
``account`` column takes the department's written account. A second sheet ``说明 about``
records plan, geography and year (checked against the file name when the workbook is read back)
and the instructions.

A filled workbook is read back by :mod:`planeval.intake.observations` like a CSV file when saved as
``data/observations/<geography>/<year>.xlsx``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planeval.core.cells import neutralise_cell
from planeval.core.codes import check_code
from planeval.core.errors import InputError, Problem
from planeval.core.files import atomic_path
from planeval.intake.reading import META_SHEET
from planeval.intake.schema import percent_may_exceed_100
from planeval.plans.catalogue import Plan, Target, load_plan

DATA_SHEET = "填报 data"
#: (our column name, header text, width, locked, filled by the submitter)
COLUMNS = [
    ("indicator_id", "指标代码\nindicator_id", 30, True),
    ("name_zh", "指标名称\nname_zh", 36, True),
    ("unit", "单位\nunit", 8, True),
    ("definition", "指标解释\ndefinition", 36, True),
    ("department", "责任部门\ndepartment", 12, True),
    ("value", "合计\nvalue", 12, False),
    ("female", "女\nfemale", 10, False),
    ("male", "男\nmale", 10, False),
    ("source", "数据来源（部门）\nsource", 20, False),
    ("note", "备注\nnote", 28, False),
    ("account", "文字说明（定性目标）\naccount", 40, False),
]
NUMERIC_COLUMNS = ("value", "female", "male")
TEMPLATE_VERSION = 1

INSTRUCTIONS = [
    "填写说明 / How to fill in",
    "1. 只填写白色单元格：合计(value)、女(female)、男(male)、数据来源(source)、备注(note)、"
    "文字说明(account)。 Fill in the white cells only.",
    "2. 数值按“单位”列填写，不带单位符号；百分比 95.2% 填 95.2。"
    " Write numbers in the unit shown, without the unit sign (95.2 for 95.2 %).",
    "3. 没有数据时留空，并在备注中说明原因。"
    " Leave a cell empty when there is no figure and say why in note.",
    "4. 定性目标（灰色数值格）在“文字说明”列写明进展情况。"
    " Qualitative targets (grey value cells): write the account of progress in 'account'.",
    "5. 不要修改表头、指标代码和单位。 Do not change the header, the indicator codes or the units.",
    "6. 保存为 <年份>.xlsx（如 2024.xlsx），放入 data/observations/<地区>/；"
    "修订已报送的数据另存为 <年份>_rev1.xlsx。"
    " Save as <year>.xlsx in data/observations/<geography>/;"
    " a revision of a year already sent as <year>_rev1.xlsx.",
    "7. 检查：planeval validate <文件>。 Check with: planeval validate <file>.",
]


@dataclass(frozen=True)
class TemplateRow:
    """One row of the template: a plan target or a registered monitoring indicator
    (``indicators.yaml``: no target, filled like a target's row)."""

    indicator_id: str
    name_zh: str
    unit: str
    definition: str
    department: str
    is_statistical: bool = True

    @classmethod
    def of_target(cls, target: Target) -> TemplateRow:
        return cls(
            target.indicator_id,
            target.name_zh,
            target.unit,
            target.definition,
            target.department,
            target.is_statistical,
        )


#: The definition column of a monitoring indicator's row, before its own definition.
MONITORING_NOTE = "监测指标（规划未设目标值） monitoring indicator, no target in the plan"


def monitoring_rows(
    data_dir: str | Path | None, exclude: set[str], department: str | None = None
) -> list[TemplateRow]:
    """Rows of the registered monitoring indicators (``<data_dir>/indicators.yaml``, e.g.
    孕产妇死亡率, 孕产妇住院分娩率) that are not in ``exclude`` (the targets' indicators); with
    ``department``, only the entries that name it in ``department:``. Reports show these
    indicators (the monitoring section), so the templates ask for them."""
    from planeval.plans.loading import registered_indicators

    if data_dir is None:
        return []
    rows = []
    for entry in registered_indicators(data_dir):
        indicator = str(entry["indicator_id"])
        owner = str(entry.get("department") or "")
        if indicator in exclude or (department is not None and owner != department):
            continue
        own = str(entry.get("definition") or "")
        rows.append(
            TemplateRow(
                indicator,
                str(entry.get("name_zh") or indicator),
                str(entry.get("unit") or ""),
                f"{MONITORING_NOTE}{'；' + own if own else ''}",
                owner,
            )
        )
        exclude = exclude | {indicator}
    return rows


def _validation_for(target: TemplateRow):
    from openpyxl.worksheet.datavalidation import DataValidation

    unit = target.unit
    unit_text = unit or "无单位 no unit"
    if unit == "%" and not percent_may_exceed_100(target.indicator_id):
        kind = dict(operator="between", formula1="0", formula2="100")
        rule_zh, rule_en = "0 到 100 之间的数", "a number from 0 to 100"
    else:
        kind = dict(operator="greaterThanOrEqual", formula1="0")
        rule_zh, rule_en = "不小于 0 的数", "a number not below 0"
    return DataValidation(
        type="decimal",
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="stop",
        errorTitle="数值不符合要求 / Invalid value",
        error=f"请填写{rule_zh}（单位：{unit_text}）；无数据请留空并在备注中说明。 "
        f"Enter {rule_en} in {unit_text}; leave empty when missing and explain in note.",
        promptTitle=f"单位 unit: {unit_text}",
        prompt=f"{rule_zh} / {rule_en}",
        **kind,
    )


def build_workbook(plan: Plan, year: int, geography: str, data_dir: str | Path | None = None):
    """The template of one plan as an ``openpyxl.Workbook`` (not saved): one data row per
    plan target, then one per registered monitoring indicator of ``data_dir`` (see
    :func:`monitoring_rows`)."""
    meta = [
        ("plan", plan.plan, "规划 plan"),
        ("plan_title", plan.title_zh, "规划名称 plan title"),
        ("geography", geography, "地区 geography (folder under data/observations)"),
        ("year", year, "数据年份 data year"),
        ("template_version", TEMPLATE_VERSION, "模板版本 template version"),
    ]
    rows = [TemplateRow.of_target(t) for t in plan.targets]
    rows += monitoring_rows(data_dir, {t.indicator_id for t in plan.targets})
    return _workbook(rows, meta)


def department_targets(plans: list[Plan], department: str) -> list[Target]:
    """The targets ``department`` reports across ``plans``, in plan order, each indicator once
    (an indicator in two plans is filled in once)."""
    seen: dict[str, Target] = {}
    for plan in plans:
        for target in plan.targets:
            if target.department == department:
                seen.setdefault(target.indicator_id, target)
    return list(seen.values())


def build_department_workbook(
    plans: list[Plan], department: str, year: int, geography: str, data_dir=None
):
    """One department's workbook (成员单位填报表): its indicators from every plan, then the
    registered monitoring indicators whose entry names the department."""
    meta = [
        ("department", department, "填报部门 department"),
        ("plan", ", ".join(p.plan for p in plans), "规划 plans"),
        ("geography", geography, "地区 geography (folder under data/observations)"),
        ("year", year, "数据年份 data year"),
        ("template_version", TEMPLATE_VERSION, "模板版本 template version"),
    ]
    rows = [TemplateRow.of_target(t) for t in department_targets(plans, department)]
    targets = {t.indicator_id for p in plans for t in p.targets}
    rows += monitoring_rows(data_dir, targets, department)
    return _workbook(rows, meta)


def _workbook(targets: list[TemplateRow], meta: list[tuple]):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    _data_sheet(ws, targets)
    _about_sheet(wb.create_sheet(META_SHEET), meta)
    return wb


def _data_sheet(ws, targets: list[TemplateRow]) -> None:
    """Header, one locked/unlocked row per target, data validation and sheet protection.
    Every text from a plan or register is written through
    :func:`planeval.core.cells.neutralise_cell`: a name starting with ``=`` is text, never a
    live formula in the workbook departments open."""
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    header_fill = PatternFill("solid", fgColor="DDEBF7")
    locked_fill = PatternFill("solid", fgColor="F2F2F2")
    grey_fill = PatternFill("solid", fgColor="BFBFBF")
    for j, (_name, header, width, _locked) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=j, value=header)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.row_dimensions[1].height = 34
    col_index = {name: j for j, (name, *_rest) in enumerate(COLUMNS, start=1)}
    validations: dict[tuple, object] = {}
    for r, target in enumerate(targets, start=2):
        info = {
            "indicator_id": target.indicator_id,
            "name_zh": target.name_zh,
            "unit": target.unit,
            "definition": target.definition,
            "department": target.department,
        }
        for name, _header, _width, locked in COLUMNS:
            cell = ws.cell(row=r, column=col_index[name], value=neutralise_cell(info.get(name)))
            numeric = name in NUMERIC_COLUMNS
            open_cell = not locked and not (numeric and not target.is_statistical)
            cell.protection = Protection(locked=not open_cell)
            if not open_cell:
                cell.fill = grey_fill if numeric else locked_fill
            if name in ("source", "note", "account", "indicator_id", "unit"):
                cell.number_format = "@"
            if locked:
                cell.alignment = Alignment(
                    wrap_text=name in ("name_zh", "definition"), vertical="top"
                )
        if target.is_statistical:
            key = (target.unit, percent_may_exceed_100(target.indicator_id))
            if key not in validations:
                validations[key] = _validation_for(target)
                ws.add_data_validation(validations[key])
            first = get_column_letter(col_index["value"])
            last = get_column_letter(col_index["male"])
            validations[key].add(f"{first}{r}:{last}{r}")
    ws.freeze_panes = "C2"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False


def _about_sheet(about, meta: list[tuple]) -> None:
    """The ``说明 about`` sheet: key/value metadata read back when the file is checked, then
    the instructions."""
    from openpyxl.styles import Font

    for r, (key, value, label) in enumerate(meta, start=1):
        about.cell(row=r, column=1, value=key).font = Font(bold=True)
        about.cell(row=r, column=2, value=neutralise_cell(value))
        about.cell(row=r, column=3, value=label)
    for r, line in enumerate(INSTRUCTIONS, start=len(meta) + 2):
        about.cell(row=r, column=1, value=line)
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 40
    about.column_dimensions["C"].width = 44
    about.protection.sheet = True


def department_workbook(department: str, year: int, geography: str, data_dir: str | Path = "data"):
    """The workbook of ``department`` for every plan under ``data_dir``.

    Raises :class:`InputError` for a department not in the departments file (the list is in
    the message) or one that reports no indicator of any plan.
    """
    from planeval.plans.catalogue import load_all_plans
    from planeval.plans.registry import load_vocabulary

    vocabulary = load_vocabulary(data_dir)
    plans = load_all_plans(data_dir)
    if department not in vocabulary.departments:
        raise InputError(
            Problem(
                vocabulary.departments_file,
                f"unknown department '{department}'",
                f"未知部门 '{department}'",
                f"use one of {', '.join(vocabulary.departments)}, or add it to the departments "
                "file",
                f"取 {', '.join(vocabulary.departments)} 之一，或在部门清单中添加",
                column="--department",
            )
        )
    if not department_targets(plans, department):
        raise InputError(
            Problem(
                str(Path(data_dir) / "plans"),
                f"no plan names '{department}' as the department of any target",
                f"没有任何规划目标由 '{department}' 负责",
                "check --department, or set department: in the plan files",
                "检查 --department，或在规划文件中填写 department:",
                column="--department",
            )
        )
    return build_department_workbook(plans, department, year, geography, data_dir)


def _checked_request(year, geography, data_dir) -> tuple[int, str]:
    """The year and geography of a template, refused as every command refuses them
    (:func:`planeval.plans.requests.check_submission`: a year no data can have, 1925 or 2031,
    a display name instead of a code); the fix names Python arguments (``year=2024``)."""
    from planeval.core.arguments import PYTHON
    from planeval.plans.requests import check_submission

    return check_submission(year, geography, data_dir, PYTHON)


def write_template(
    plan: str | Plan | None,
    year: int,
    geography: str,
    out: str | Path,
    data_dir: str | Path = "data",
    overwrite: bool = False,
    department: str | None = None,
) -> Path:
    """Write the submission workbook for ``plan`` (or, with ``department``, that department's
    indicators from every plan), ``year`` and ``geography`` to ``out`` (.xlsx).

    Written to a temporary file beside ``out`` and renamed, so a failure leaves no half file.
    Raises :class:`InputError` when the geography is not a safe code
    (:mod:`planeval.core.codes`), the plan is unknown, ``out`` is not ``.xlsx``, or ``out``
    exists and ``overwrite`` is false (a filled submission is never overwritten by accident),
    or ``out`` cannot be written (its folder cannot be created, no permission).
    """
    year, geography = _checked_request(year, geography, data_dir)  # names the code matched
    check_code(geography, "geography", "--geography")  # written in the 说明 sheet, read back
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise InputError(
            Problem(
                str(out),
                "the template must be written as .xlsx",
                "模板须保存为 .xlsx 文件",
                "pass --out FILE.xlsx",
                "使用 --out 文件名.xlsx",
                code="file",
            )
        )
    if out.exists() and not overwrite:
        raise InputError(
            Problem(
                str(out),
                "the file already exists and is not overwritten",
                "文件已存在，不会被覆盖",
                "choose another --out, or pass --force to replace it",
                "换一个 --out 文件名，或加 --force 覆盖",
                code="file",
            )
        )
    if department is not None:
        wb = department_workbook(department, year, geography, data_dir)
    else:
        p = plan if isinstance(plan, Plan) else load_plan(plan, data_dir)
        wb = build_workbook(p, year, geography, data_dir)
    try:
        with atomic_path(out) as tmp:
            wb.save(tmp)
    except OSError as exc:
        raise InputError(
            Problem(
                str(out),
                f"cannot write the workbook ({exc.strerror or type(exc).__name__})",
                "无法写入模板工作簿",
                "choose a folder you can write to for --out",
                "--out 选择有写入权限的目录",
                code="file",
            )
        ) from None
    return out
