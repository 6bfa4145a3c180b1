"""Checks made before a kernel starts: parameters, output folder, data year, geography, inputs.

Each raises :class:`InputError` with the problem and the fix in Chinese and English.
"""

from __future__ import annotations

from pathlib import Path

from planeval.core.errors import InputError, Problem
from planeval.intake.observations import observation_files
from planeval.plans.catalogue import load_plan
from planeval.publish.fingerprint import catalogue_state, plan_file
from planeval.store.database import load_geography

STAGES = ("annual", "midterm", "final")
LANGS = ("zh", "en")
#: Output formats of a report: the HTML page, an editable Word file, a PDF printed from the HTML.
FORMATS = ("html", "docx", "pdf")


def check_formats(formats, option: str = "--format") -> tuple[str, ...]:
    """``"html,docx"`` or ``["html", "docx"]`` as a tuple in :data:`FORMATS` order (HTML is
    always built: Word and PDF are made beside it). Raises :class:`InputError` naming an
    unknown format."""
    items = formats.split(",") if isinstance(formats, str) else list(formats or [])
    items = [str(x).strip().lower() for x in items if str(x).strip()]
    unknown = [x for x in items if x not in FORMATS]
    if unknown:
        raise InputError(
            Problem(
                option,
                f"unknown format '{unknown[0]}'",
                f"未知的格式 '{unknown[0]}'",
                f"use one or more of {', '.join(FORMATS)}, e.g. html,docx,pdf",
                f"请使用 {', '.join(FORMATS)} 中的一个或多个，如 html,docx,pdf",
            )
        )
    return tuple(f for f in FORMATS if f == "html" or f in items)


def check_out_folder(out: str | Path, option: str = "--out") -> None:
    """Raise :class:`InputError` unless ``out`` can be an output folder.

    ``out`` must be an existing folder, or not exist while its parent folder does (it is then
    created); a path naming an existing file, or whose parent is missing, is refused.
    """
    out = Path(out)
    if out.is_dir():
        return
    if out.exists():
        raise InputError(
            Problem(
                option,
                f"{out} is an existing file, not a folder",
                f"{out} 是已有的文件，不是文件夹",
                "give a folder for the reports (it is created when missing)",
                "请给出用于存放报告的文件夹（不存在时会自动创建）",
            )
        )
    parent = out.absolute().parent
    if not parent.is_dir():
        raise InputError(
            Problem(
                option,
                f"the folder {parent} holding {out.name} does not exist or is not a folder",
                f"上级文件夹 {parent} 不存在或不是文件夹",
                "create the parent folder first, or fix the path",
                "请先创建上级文件夹，或改正路径",
            )
        )


def check_year(plan, year: int) -> None:
    """Raise :class:`InputError` unless ``year`` lies in the base year through the target year.

    The accepted data years are ``plan.period_start - 1`` (the base year, e.g. 2020 for a
    2021–2025 plan) through ``plan.period_end`` (the target year), both included.
    """
    first, last = plan.period_start - 1, plan.period_end
    if not first <= int(year) <= last:
        raise InputError(
            Problem(
                "--year",
                f"data year {year} is outside plan '{plan.plan}' (period "
                f"{plan.period_start}–{plan.period_end}; base year {first})",
                f"数据年份 {year} 不在规划 '{plan.plan}' 的期限内（规划期 "
                f"{plan.period_start}–{plan.period_end} 年，基期 {first} 年）",
                f"pass --year between {first} and {last}",
                f"--year 取 {first} 至 {last} 之间的年份",
            )
        )


def check_geography(data_dir: str | Path, geography: str, year: int) -> None:
    """Raise :class:`InputError` unless ``geography`` has a data file of a year <= ``year``."""
    from planeval.intake.observations import list_geographies

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


def check_inputs(
    plan: str, stage: str, year: int, geography: str, data_dir: str | Path, lang: str
) -> None:
    """Fail early, before a kernel starts, with a clear message on bad parameters or data.

    Checks the stage and language, the data year against the plan period (:func:`check_year`),
    that the geography has data up to ``year`` (:func:`check_geography`), loads the plan and the
    geography's observations up to
    ``year`` and those of the reference geography the report draws beside it (when present).
    Raises :class:`InputError` listing the problems.
    """
    if stage not in STAGES:
        raise InputError(
            Problem(
                "--stage",
                f"unknown stage '{stage}'",
                f"未知报告类型 '{stage}'",
                f"use one of {', '.join(STAGES)}",
            )
        )
    if lang not in ("zh", "en"):
        raise InputError(
            Problem("--lang", f"unknown language '{lang}'", f"未知语言 '{lang}'", "use zh or en")
        )
    from planeval.reporting.inputs import default_reference

    plans, _ = catalogue_state(data_dir)  # every plan file parsed and validated
    plan_path = plan_file(plan, Path(data_dir), plans)
    check_year(load_plan(plan_path, data_dir), year)
    check_geography(data_dir, geography, year)
    # through the monitoring database: each file is read and validated once, when its
    # partition is built, not again for every report
    load_geography(data_dir, geography, up_to_year=year)
    reference = default_reference(geography, None, data_dir)
    if reference and observation_files(data_dir, reference):
        load_geography(data_dir, reference, up_to_year=year)
