"""Checks made before a kernel starts: parameters, output folder, data year, geography, inputs.

Each raises :class:`InputError` with the problem and the fix in Chinese and English.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from planeval.core.errors import InputError, Problem
from planeval.intake.observations import observation_files
from planeval.publish.fingerprint import catalogue_state, plan_file
from planeval.publish.parameters import (  # noqa: F401 - re-exported: one owner, parameters.py
    CheckedSpec,
    check_geography,
    check_parameters,
    check_spec,
    check_year,
)
from planeval.reporting.spec import (  # noqa: F401 - re-exported: one owner, reporting/spec.py
    ANNEXES,
    FORMATS,
    LANGS,
    STAGES,
    ReportSpec,
)
from planeval.store.database import load_geography


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
    created); a path naming an existing file, or whose parent is missing, or a folder where no
    file can be created (read-only, no permission, /sys) is refused.
    """
    out = Path(out)
    if out.is_dir():
        check_writable(out, option)
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
    check_writable(parent, option)


def check_can_create(out: str | Path, option: str = "out") -> None:
    """Raise :class:`InputError` when ``out`` (created with its parents when missing) could not
    be written: its nearest existing folder refuses new files."""
    folder = Path(out).absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if folder.is_dir():
        check_writable(folder, option)


def check_writable(folder: Path, option: str = "--out") -> None:
    """Raise :class:`InputError` unless a file can be created in ``folder`` (a temporary file
    is made and removed: permission bits alone do not show a read-only file system or /sys)."""
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".planeval-probe-"):
            pass
    except OSError as exc:
        raise InputError(
            Problem(
                option,
                f"cannot write in the folder {folder} ({exc.strerror or exc})",
                f"无法在文件夹 {folder} 中写入文件（{exc.strerror or exc}）",
                "give a folder you may write to, e.g. --out reports, or change its permissions",
                "请指定有写入权限的文件夹（如 --out reports），或修改其权限",
            )
        ) from None


def check_inputs(spec: ReportSpec, data_dir: str | Path) -> CheckedSpec:
    """Fail early, before a kernel starts, with a clear message on bad parameters or data;
    return the checked spec (a plan file's path replaced by the plan's name).

    Checks the parameters (:func:`~planeval.publish.parameters.check_spec`: types, stage,
    language and annex, the plan, the data year against the plan, the geography's code and
    data), loads the geography's observations up to ``year`` and those of the reference
    geography the report draws beside it (when present), and the office's narrative file
    (its keys against the plan's domains and indicators). Raises :class:`InputError` listing
    the problems.
    """
    from planeval.reporting.inputs import default_reference
    from planeval.reporting.narrative import check_narrative

    checked = check_spec(spec, data_dir)
    spec = checked.spec
    plans, _ = catalogue_state(data_dir)  # every plan file parsed and validated
    plan_file(spec.plan, Path(data_dir), plans)
    # through the monitoring database: each file is read and validated once, when its
    # partition is built, not again for every report
    load_geography(data_dir, spec.geography, up_to_year=spec.year)
    reference = default_reference(spec.geography, spec.reference_geography, data_dir)
    if reference and observation_files(data_dir, reference):
        load_geography(data_dir, reference, up_to_year=spec.year)
    # shape, domains, indicator ids
    check_narrative(data_dir, spec.geography, spec.plan, spec.stage, spec.year)
    return checked
