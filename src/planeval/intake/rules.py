"""The intake's limits and plausibility thresholds, read from the settings file (section
``intake`` of ``data/config/assessment.yaml``; the package copy when a data folder has none).

No threshold lives in code: :class:`IntakeRules` carries them from the settings to the reader
(sheet size) and the schema (likely fractions, percent ceilings), and :func:`target_levels`
gives the plan levels the fraction rule compares with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from planeval.core.settings import default_settings, load_settings


@dataclass(frozen=True)
class IntakeRules:
    """Limits and thresholds of the intake (see the settings file for each one's meaning).

    ``percent_ceilings``: indicator_id part -> highest plausible % (others: 100);
    ``target_levels``: indicator_id -> the plan levels of its targets (for the fraction rule);
    ``indicator_names``: an indicator's Chinese (and English) catalogue name -> its
    indicator_id, for files that name indicators as people do (``婴儿死亡率``); a name two
    indicators share is left out (it would be a guess).
    """

    max_sheet_rows: int
    max_sheet_columns: int
    fraction_below: float
    fraction_reference_min: float
    percent_ceilings: dict[str, float] = field(default_factory=dict)
    target_levels: dict[str, tuple[float, ...]] = field(default_factory=dict)
    indicator_names: dict[str, str] = field(default_factory=dict)
    history_ratio: float = 0.0  # 0: the history rule is off (rules_from reads the settings)
    history_years: int = 4

    def percent_ceiling(self, indicator_id: str) -> float:
        """Highest plausible percentage of ``indicator_id``: 100 unless a ceiling's key is part
        of its id (``preschool_gross_enrollment`` -> the ``gross_enrollment`` ceiling)."""
        found = [v for k, v in self.percent_ceilings.items() if k in indicator_id]
        return float(max(found)) if found else 100.0


def rules_from(
    settings: dict, target_levels: dict | None = None, indicator_names: dict | None = None
) -> IntakeRules:
    """:class:`IntakeRules` from loaded settings (:func:`planeval.core.settings.load_settings`)."""
    intake = settings["intake"]
    return IntakeRules(
        int(intake["max_sheet_rows"]),
        int(intake["max_sheet_columns"]),
        float(intake["fraction_below"]),
        float(intake["fraction_reference_min"]),
        {str(k): float(v) for k, v in intake["percent_ceilings"].items()},
        dict(target_levels or {}),
        dict(indicator_names or {}),
        float(intake["history_ratio"]),
        int(intake["history_years"]),
    )


def default_rules() -> IntakeRules:
    """The package's own rules (no plan levels: the fraction rule then looks at the file)."""
    return rules_from(default_settings())


def load_rules(data_dir: str | Path) -> IntakeRules:
    """The rules of a data folder: its settings file and its plans' target levels. Raises
    :class:`~planeval.core.errors.InputError` for a bad settings file."""
    return rules_from(load_settings(data_dir), target_levels(data_dir), indicator_names(data_dir))


def target_levels(data_dir: str | Path) -> dict[str, tuple[float, ...]]:
    """indicator_id -> the numeric levels of its targets in every plan under ``data_dir``
    (baseline values too); empty when the plans cannot be read (their own errors are reported
    by the catalogue checks)."""
    from planeval.core.errors import InputError
    from planeval.plans.loading import load_all_plans

    try:
        plans = load_all_plans(data_dir)
    except InputError:
        return {}
    levels: dict[str, list[float]] = {}
    for plan in plans:
        for t in plan.targets:
            for v in (t.target_value, t.baseline_value):
                if isinstance(v, int | float) and not isinstance(v, bool):
                    levels.setdefault(t.indicator_id, []).append(float(v))
    return {k: tuple(v) for k, v in levels.items()}


def indicator_names(data_dir: str | Path) -> dict[str, str]:
    """Catalogue name -> indicator_id: the ``name_zh`` and ``name_en`` of every plan target and
    of every entry of ``indicators.yaml``; a name given to two different indicators is left
    out. Empty when the plans cannot be read."""
    from planeval.core.errors import InputError
    from planeval.plans.loading import load_all_plans, registered_indicators

    try:
        plans = load_all_plans(data_dir)
    except InputError:
        return {}
    pairs = [(t.name_zh, t.indicator_id) for p in plans for t in p.targets]
    pairs += [(t.name_en, t.indicator_id) for p in plans for t in p.targets]
    for entry in registered_indicators(data_dir):
        pairs += [(entry.get(k), str(entry["indicator_id"])) for k in ("name_zh", "name_en")]
    found: dict[str, set[str]] = {}
    for name, indicator in pairs:
        if isinstance(name, str) and name.strip():
            found.setdefault(name.strip(), set()).add(indicator)
    return {name: ids.pop() for name, ids in found.items() if len(ids) == 1}
