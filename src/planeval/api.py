"""The notebook-facing API: the same functions the reports use, with friendly arguments."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .assessment import Assessment
from .assessment import assess as _assess
from .catalogue import Plan, known_units
from .catalogue import load_plan as _load_plan
from .observations import load_observations as _load_observations


def load_plan(plan: str | Path, data_dir: str | Path = "data") -> Plan:
    """Load a plan by name (``women``/``children``) or YAML path. Raises ``InputError``."""
    return _load_plan(plan, data_dir)


def load_observations(geography: str, data_dir: str | Path = "data", plan: Plan | None = None,
                      up_to_year: int | None = None) -> pd.DataFrame:
    """Tidy observations of a geography (every year up to ``up_to_year``).

    Indicators and units are checked against all plans of ``data_dir`` and its indicator
    register (``indicators.yaml``). Raises ``InputError`` listing every problem.
    """
    return _load_observations(data_dir, geography, units=known_units(data_dir), up_to_year=up_to_year)


def assess(plan: str | Plan, geography: str, year: int, data_dir: str | Path = "data") -> Assessment:
    """Assess every target of ``plan`` for ``geography`` with data up to ``year``."""
    p = plan if isinstance(plan, Plan) else load_plan(plan, data_dir)
    obs = load_observations(geography, data_dir, plan=p, up_to_year=year)
    return _assess(p, obs, year, geography=geography, data_dir=str(data_dir))
