"""Codes that become parts of file names: geographies and plans, checked before any path is built.

A geography code is the folder ``observations/<geography>/``, the store partition
``processed/observations/<geography>.parquet``, the narrative folder and the first part of a
report's name; a plan name or alias is part of the report's and the narrative file's name. A
code with ``/``, ``\\`` or ``..`` would reach files outside the data and output folders
(``--geography ../../../evil``), so every code is checked against the one pattern
:data:`SAFE_CODE` — lower-case Latin letters, digits, ``_`` and ``-``, starting with a letter
or digit, at most 64 characters — whether or not the data folder has a ``geographies.yaml``.
Display names (全国, 白碱滩区) live in ``geographies.yaml`` and the plan files, not in codes.
Departments are named in Chinese (卫健委) and never build a path, but their names are written
into workbooks and suggested as file-name parts: :data:`DEPARTMENT_NAME` keeps separators,
dots, spaces and formula starts out of them.
"""

from __future__ import annotations

import difflib
import re

from planeval.core.errors import InputError, Problem

#: The one pattern every geography code and plan name or alias must match.
SAFE_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")

#: A department's name (卫健委, 区人大常委会): it is written into workbooks and suggested as part
#: of a file name (``2024_卫健委.xlsx``), so letters of any script, digits, ``_``, ``-``, ``·``
#: and brackets only — no path separator, dot, space or formula start.
DEPARTMENT_NAME = re.compile(r"[^\W_][\w·（）()-]{0,63}")

#: ``kind`` -> (English, Chinese) word used in messages.
KINDS = {
    "geography": ("geography", "地区"),
    "plan": ("plan", "规划"),
}


def is_safe_code(value: object) -> bool:
    """True when ``value`` is a string matching :data:`SAFE_CODE` as a whole."""
    return isinstance(value, str) and SAFE_CODE.fullmatch(value) is not None


def code_problem(value: object, kind: str = "geography", where: str = "", **at) -> Problem | None:
    """The problem of a code that does not match :data:`SAFE_CODE` (None when it does).

    ``kind`` is ``geography`` or ``plan``; ``where`` names the option or file the value came
    from (``--geography``, a run list); ``at`` takes ``row``/``column``/``sheet``/``code`` of
    :class:`~planeval.core.errors.Problem`.
    """
    if is_safe_code(value):
        return None
    at.setdefault("code", kind)
    en, zh = KINDS[kind]
    shown = repr(value) if isinstance(value, str) else f"{value!r} ({type(value).__name__})"
    return Problem(
        where or f"--{kind}",
        f"{en} code {shown} is not allowed: a code names files and folders, so it may hold only "
        "lower-case Latin letters, digits, '_' and '-' (at most 64, no '/', '\\' or '..')",
        f"{zh}代码 {shown} 不允许使用：代码用作文件和文件夹名称，只能由小写拉丁字母、数字、"
        "'_' 和 '-' 组成（最多 64 个字符，不含 '/'、'\\' 或 '..'）",
        f"use a code such as baijiantan or china_children_2021_2030; write the {en}'s display "
        "name in Chinese in geographies.yaml or the plan file",
        f"使用如 baijiantan 或 china_children_2021_2030 的代码；{zh}的中文名称写在 "
        "geographies.yaml 或规划文件中",
        **at,
    )


def check_code(value: object, kind: str = "geography", where: str = "", **at) -> str:
    """Return ``value`` when it is a safe code; else raise :class:`InputError` (zh + en)
    naming the value, where it came from and the fix (see :func:`code_problem`)."""
    problem = code_problem(value, kind, where, **at)
    if problem is not None:
        raise InputError(problem)
    return value  # type: ignore[return-value]


def department_problem(name: object, file: str, **at) -> Problem | None:
    """The problem of a department name that does not match :data:`DEPARTMENT_NAME` (None
    when it does); ``at`` as for :func:`code_problem`."""
    if isinstance(name, str) and DEPARTMENT_NAME.fullmatch(name):
        return None
    at.setdefault("code", "department")
    return Problem(
        file,
        f"department name {name!r} is not allowed: it becomes part of file names, so it may "
        "hold only letters, digits, '_', '-', '·' and brackets (at most 64, no '/', '.' or space)",
        f"部门名称 {name!r} 不允许使用：名称会用于文件名，只能由文字、数字、'_'、'-'、'·' 和括号"
        "组成（最多 64 个字符，不含 '/'、'.' 或空格）",
        "write the department's short Chinese name, e.g. 卫健委",
        "填写部门的中文简称，如 卫健委",
        **at,
    )


def closest(name: object, known) -> str | None:
    """The name of ``known`` nearest to ``name`` (difflib ratio at least 0.6), else ``None``,
    for "did you mean ...": ``chidren`` -> ``children``, ``gansuu`` -> ``gansu``,
    ``overal`` -> ``overall``."""
    found = difflib.get_close_matches(str(name), [str(k) for k in known], n=1, cutoff=0.6)
    return found[0] if found else None
