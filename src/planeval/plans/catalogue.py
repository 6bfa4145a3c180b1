"""The plan catalogue: every target of a plan, read from ``data/plans/*.yaml``.

The stage's public face. The pieces live in one module each: :mod:`planeval.plans.model`
(:class:`Plan`, :class:`Target`, vocabularies), :mod:`planeval.plans.loading` (reading files,
:func:`load_plan`, :func:`load_all_plans`, :func:`known_units`), :mod:`planeval.plans.checks`
(:func:`validate_catalogue`, one function per family of rules) and
:mod:`planeval.plans.registry` (departments and units as data files). See
``docs/catalogue_schema.md`` for the file format.
"""

from __future__ import annotations

from planeval.plans.checks import validate_catalogue
from planeval.plans.loading import (
    known_units,
    load_all_plans,
    load_plan,
    plan_files,
    plans_by_name,
    read_plan_file,
    target_lines,
)
from planeval.plans.model import (
    ABOUT_TOLERANCE_PP,
    ABOUT_TOLERANCE_REL,
    CATALOGUE_COLUMNS,
    DIRECTIONS,
    NUMERIC_TYPES,
    QUALITATIVE_TYPES,
    TARGET_TYPES,
    Plan,
    Target,
)
from planeval.plans.registry import Vocabulary, load_vocabulary

#: Units of the package's default list (``plans/defaults/units.yaml``); a data folder may have
#: its own ``units.yaml``.
UNITS = frozenset(load_vocabulary(None).units)

__all__ = [
    "ABOUT_TOLERANCE_PP",
    "ABOUT_TOLERANCE_REL",
    "CATALOGUE_COLUMNS",
    "DIRECTIONS",
    "NUMERIC_TYPES",
    "QUALITATIVE_TYPES",
    "TARGET_TYPES",
    "UNITS",
    "Plan",
    "Target",
    "Vocabulary",
    "known_units",
    "load_all_plans",
    "load_plan",
    "load_vocabulary",
    "plan_files",
    "plans_by_name",
    "read_plan_file",
    "target_lines",
    "validate_catalogue",
]
