"""The evaluation notebook's parameters: one check for every route into a report.

A report is built by ``planeval report``/``batch`` (through :mod:`planeval.publish.runner`),
by papermill directly (README, Airflow's ``PapermillOperator``) or by hand in JupyterLab. All
three end in the notebook's first cell after the parameters, which calls
:func:`check_parameters`; the runner calls it as well before a kernel starts. So the same
mistake gives the same message (zh and en) whichever route was taken.

Two checks live here:

* :func:`check_notebook` (before papermill runs): the notebook has exactly one cell tagged
  ``parameters`` and that cell declares every parameter passed. papermill itself only logs a
  warning for either fault and then runs the notebook's own defaults, which would publish
  the wrong report under the right name.
* :func:`check_parameters` (in the notebook, and in the runner): types, allowed values, the
  data year against the plan period, the geography's data, the reference geography.

Rules for values as papermill's command line delivers them (``-p name value`` guesses a type):

* ``year``: an integer, or text of digits (``"2023"``); ``True``, ``2023.5`` are refused.
* ``plan``, ``stage``, ``geography``, ``lang``, ``data_dir``: text. A geography given as a
  number is refused, never turned back into text: ``-p geography 0101`` arrives as the
  integer 101, and its leading zero cannot be recovered. The fix names papermill's raw
  option ``-r geography 0101``, which keeps the text.
* ``stage`` and ``lang`` are exact (``final``, not ``Final``; ``en``, not ``EN``).
* ``reference_geography``: ``None`` or one of the texts in :data:`NULL_TEXTS` (``"null"``,
  ``"None"``, ...) means "not given" (the default: ``china`` beside any other geography);
  ``""`` means none. A reference geography given by name must have data, else it is refused
  (it was silently left out before).
* ``data_dir`` is returned absolute (relative paths are taken from the kernel's working
  folder, which papermill's ``--cwd`` sets).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from planeval.core.arguments import CLI, Caller
from planeval.core.errors import InputError, Problem
from planeval.intake.observations import list_geographies, observation_files
from planeval.plans.requests import (
    check_geography_code,
    check_plan_name,
    check_report_year,
    read_year,
)
from planeval.reporting.spec import ANNEXES, FORMATS, LANGS, STAGES, ReportSpec

#: The evaluation notebook's parameters, in the order of its parameters cell.
PARAMETERS = (
    "plan",
    "stage",
    "year",
    "geography",
    "data_dir",
    "lang",
    "reference_geography",
    "annex",
)
#: Texts read as "not given" for an optional parameter (YAML's and Python's spellings of null).
NULL_TEXTS = frozenset({"null", "Null", "NULL", "None", "none", "~", "nil"})
__all__ = ["FORMATS", "LANGS", "STAGES", "ReportSpec", "CheckedSpec", "check_parameters"]


class CheckedSpec(NamedTuple):
    """A checked report: its :class:`ReportSpec` (normalised: ``year`` an int, a plan file's
    path replaced by the plan's name) and the absolute data folder."""

    spec: ReportSpec
    data_dir: str


def _problem(name: str, en: str, zh: str, fix: str, fix_zh: str) -> Problem:
    return Problem(f"--{name.replace('_', '-')}", en, zh, fix, fix_zh, code="parameter")


def _text(name: str, value: object, problems: list[Problem]) -> str:
    """``value`` when it is non-empty text; else a problem (and ``""``)."""
    if isinstance(value, str) and value.strip() and value.strip() not in NULL_TEXTS:
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        problems.append(
            _problem(
                name,
                f"{name} must be text, not the number {value!r} (papermill's -p reads digits as "
                "a number and drops leading zeros)",
                f"{name} 须为文本，不能是数字 {value!r}"
                "（papermill 的 -p 会把数字读作数值并去掉开头的 0）",
                f"pass it as text: papermill -r {name} VALUE (raw), or quote it in YAML",
                f"按文本传入：papermill -r {name} 取值（原样传入），或在 YAML 中加引号",
            )
        )
    else:
        problems.append(
            _problem(
                name,
                f"{name} is missing or empty ({value!r})",
                f"缺少参数 {name}（{value!r}）",
                f"pass -p {name} VALUE",
                f"传入 -p {name} 取值",
            )
        )
    return ""


def _choice(name: str, value: object, allowed: tuple[str, ...], problems: list[Problem]) -> str:
    if value in allowed:
        return str(value)
    problems.append(
        _problem(
            name,
            f"unknown {name} {value!r}",
            f"未知的 {name} {value!r}",
            f"use one of {', '.join(allowed)} (lower case)",
            f"取 {', '.join(allowed)} 之一（小写）",
        )
    )
    return ""


def _year(value: object, problems: list[Problem]) -> int:
    try:
        return read_year(value, CLI)
    except InputError as exc:
        problems += exc.problems
        return 0


def _data_dir(value: object, problems: list[Problem]) -> str:
    text = _text("data_dir", str(value) if isinstance(value, Path) else value, problems)
    if not text:
        return ""
    folder = Path(text).expanduser().absolute()
    if not (folder / "plans").is_dir():
        problems.append(
            _problem(
                "data_dir",
                f"the data folder {folder} has no plans/ folder",
                f"数据文件夹 {folder} 中没有 plans/ 文件夹",
                "pass the absolute path of the data folder (the one holding plans/ and "
                'observations/), e.g. -p data_dir "$PWD/data"',
                "传入数据文件夹（含 plans/ 与 observations/）的绝对路径，"
                '如 -p data_dir "$PWD/data"',
            )
        )
    return str(folder)


def _reference(value: object, data_dir: str, problems: list[Problem]) -> str | None:
    if value is None or (isinstance(value, str) and value.strip() in NULL_TEXTS):
        return None
    if value == "":
        return ""
    text = _text("reference_geography", value, problems)
    if text and data_dir and not observation_files(data_dir, text):
        known = ", ".join(list_geographies(data_dir)) or "none"
        problems.append(
            _problem(
                "reference_geography",
                f"no observation files for the reference geography '{text}' (found: {known})",
                f"找不到对比地区 '{text}' 的观测数据文件（现有：{known}）",
                'pass one of the geographies found, None for the default, or "" for none',
                '取现有地区之一；None 表示默认，"" 表示不对比',
            )
        )
    return text


def check_parameters(
    plan: object,
    stage: object,
    year: object,
    geography: object,
    data_dir: object = "../data",
    lang: object = "zh",
    reference_geography: object = None,
    annex: object = "brief",
    formats: tuple[str, ...] = ("html",),
    caller: Caller = CLI,
) -> CheckedSpec:
    """Check a report's parameters; return its :class:`ReportSpec` and the absolute data folder.

    Checks types and allowed values first (every problem at once), then the plan
    (:func:`~planeval.plans.requests.check_plan_name`: a name, or a plan file of the data
    folder, whose name the report takes), the data year against the plan
    (:func:`~planeval.plans.requests.check_report_year`: a mid-term or final evaluation needs
    a year of the plan period, an annual report may take the base year; never a year not yet
    over), the geography's code (:func:`~planeval.plans.requests.check_geography_code`: a
    display name names its code) and its data up to the year (:func:`check_geography`).
    Raises :class:`InputError` naming each parameter, the value and the fix (zh and en).
    """
    from planeval.plans.catalogue import load_plan

    problems: list[Problem] = []
    plan_name = _text("plan", plan, problems)
    stage_name = _choice("stage", stage, STAGES, problems)
    year_int = _year(year, problems)
    geography_name = _text("geography", geography, problems)
    folder = _data_dir(data_dir, problems)
    lang_code = _choice("lang", lang, LANGS, problems)
    annex_kind = _choice("annex", annex, ANNEXES, problems)
    reference = _reference(reference_geography, folder if not problems else "", problems)
    if problems:
        raise InputError(problems)
    plan_name = check_plan_name(plan_name, folder, caller)
    plan_obj = load_plan(plan_name, folder, caller)
    year_int = check_report_year(plan_obj, year_int, stage_name, caller, data_dir=folder)
    geography_name = check_geography_code(geography_name, folder, caller)
    check_geography(folder, geography_name, year_int)
    spec = ReportSpec(
        plan_name,
        stage_name,
        year_int,
        geography_name,
        lang_code,
        tuple(formats),
        annex_kind,
        reference,
    )
    return CheckedSpec(spec, folder)


def check_spec(spec: ReportSpec, data_dir: str | Path, caller: Caller = CLI) -> CheckedSpec:
    """:func:`check_parameters` of a spec (the runner's check before a kernel starts)."""
    return check_parameters(
        spec.plan,
        spec.stage,
        spec.year,
        spec.geography,
        data_dir,
        spec.lang,
        spec.reference_geography,
        spec.annex,
        spec.formats,
        caller,
    )


def check_year(plan, year: int, stage: str | None = None, data_dir=None) -> None:
    """Raise :class:`InputError` unless ``year`` may be the data cut-off of a report of
    ``plan`` at ``stage`` (None: an assessment); see
    :func:`~planeval.plans.requests.check_report_year`."""
    check_report_year(plan, year, stage, data_dir=data_dir)


def check_geography(data_dir: str | Path, geography: str, year: int) -> None:
    """Raise :class:`InputError` unless ``geography`` has a data file of a year <= ``year``."""
    files = observation_files(data_dir, geography)
    if any(file_year <= int(year) for file_year, _ in files):
        return
    folder = Path(data_dir) / "observations" / geography
    if files:
        years = ", ".join(str(y) for y in sorted({y for y, _ in files}))
        raise InputError(
            Problem(
                str(folder),
                f"no observation file of {year} or earlier for '{geography}' (years: {years})",
                f"'{geography}' 没有 {year} 年及以前的观测数据文件（现有年份：{years}）",
                "pass a later --year, or add the submission files of earlier years",
                "改用更晚的 --year，或补充更早年份的数据文件",
            )
        )
    known = ", ".join(list_geographies(data_dir)) or "none"
    raise InputError(
        Problem(
            str(folder),
            f"no observation files for geography '{geography}' (found: {known})",
            f"找不到地区 '{geography}' 的观测数据文件（现有：{known}）",
            "pass --geography with one of the names found, or --data-dir pointing at the data",
            "--geography 取现有地区之一，或用 --data-dir 指向数据文件夹",
        )
    )


def _parameters_cells(nb) -> list[int]:
    return [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", [])
    ]


def check_notebook(notebook: str | Path, parameters: dict) -> None:
    """Raise :class:`InputError` unless ``notebook`` can take ``parameters``.

    The notebook must have exactly one code cell tagged ``parameters`` (papermill injects the
    values after it), and that cell must assign every name in ``parameters`` (read with
    papermill's own parameter inspection). Reads the file only; nothing is executed.
    """
    import nbformat
    from papermill import inspect_notebook

    where = str(notebook)
    try:
        nb = nbformat.read(str(notebook), as_version=4)
    except (OSError, ValueError) as exc:
        raise InputError(
            Problem(
                where,
                f"cannot read the notebook ({type(exc).__name__}: {exc})",
                "无法读取该 notebook",
                "check the path, or restore the notebook from version control",
                "检查路径，或从版本库恢复该 notebook",
                code="notebook",
            )
        ) from None
    tagged = _parameters_cells(nb)
    if len(tagged) != 1:
        found = "no cell" if not tagged else f"{len(tagged)} cells ({tagged})"
        raise InputError(
            Problem(
                where,
                f"{found} tagged 'parameters': the values passed would be ignored and the "
                "notebook's own defaults reported under this report's name",
                f"{'没有' if not tagged else '多个'}单元格带有 'parameters' 标签："
                "传入的参数会被忽略，报告会按 notebook 自带的默认值生成",
                "tag the first code cell (the one assigning plan, stage, year, ...) 'parameters' "
                "and only that one (JupyterLab: Property Inspector, Cell Tags)",
                "给第一个代码单元格（给 plan、stage、year 等赋值的那个）且只给它加 "
                "'parameters' 标签（JupyterLab：属性检查器 → 单元格标签）",
                code="notebook",
            )
        )
    declared = set(inspect_notebook(str(notebook)))
    missing = [name for name in parameters if name not in declared]
    if missing:
        raise InputError(
            Problem(
                where,
                f"the parameters cell does not declare {', '.join(missing)} "
                f"(it declares: {', '.join(sorted(declared)) or 'nothing'})",
                f"parameters 单元格没有声明 {', '.join(missing)}",
                "assign each parameter a default in the cell tagged 'parameters'",
                "在带 'parameters' 标签的单元格中为每个参数赋默认值",
                code="notebook",
            )
        )
