"""The plan catalogue's model: a :class:`Plan` and its :class:`Target` entries (no I/O).

The vocabularies a plan file may use (target types, directions) and the published column
order of the catalogue live here too; how files are read is in :mod:`planeval.plans.loading`,
what makes a file valid in :mod:`planeval.plans.checks`, and the departments, units and
geographies a region uses in its data files (:mod:`planeval.plans.registry`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

import pandas as pd

#: Target types with a number (``target_value`` required).
NUMERIC_TYPES = frozenset(
    {
        "at_least",
        "at_most",
        "about",
        "maintain_at_least",
        "maintain_at_most",
        "relative_change",
        "count_at_least",
    }
)
#: Target types without a number: the target is a direction, a state or a narrative.
QUALITATIVE_TYPES = frozenset(
    {"direction", "maintain", "trend_slowing", "zero_events", "not_statistical"}
)
TARGET_TYPES = NUMERIC_TYPES | QUALITATIVE_TYPES
DIRECTIONS = frozenset({"increase", "decrease", "none"})
#: Target types that need ``direction: increase`` / ``direction: decrease``: the target's own
#: wording fixes the good direction (达到…以上 is a rise, 降至…以下 a fall).
NEEDS_INCREASE = frozenset({"at_least", "maintain_at_least", "count_at_least"})
NEEDS_DECREASE = frozenset({"at_most", "maintain_at_most", "zero_events", "trend_slowing"})
#: Qualitative types judged from a trend: they need a good direction (increase or decrease).
NEEDS_SIGN = frozenset({"direction", "maintain"})


#: Tolerance of an ``about`` (左右) target when neither the plan file nor the settings give
#: one (the assessment takes the settings' ``targets.about_tolerance_points`` / ``_share``,
#: :func:`planeval.assessment.assess.with_about_tolerance`): ±2 percentage points for %
#: indicators, otherwise ±5 % of the target value.
ABOUT_TOLERANCE_PP = 2.0
ABOUT_TOLERANCE_REL = 0.05

CATALOGUE_COLUMNS = [
    "plan",
    "domain",
    "item",
    "indicator_id",
    "name_zh",
    "name_en",
    "unit",
    "direction",
    "target_type",
    "target_value",
    "target_year",
    "baseline_year",
    "baseline_value",
    "sex_disaggregated",
    "source_text",
]


@dataclass(frozen=True)
class Target:
    """One target of a plan, as the plan states it.

    ``target_value`` is in ``unit`` (%, ‰, 1/10万 = per 100,000 ...); for ``relative_change``
    it is the change in percent versus ``baseline_year`` (−20 means "下降20%").
    """

    indicator_id: str
    plan: str
    domain: str
    item: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    target_type: str
    target_value: float | None
    target_year: int
    source_text: str
    baseline_year: int | None = None
    baseline_value: float | None = None
    tolerance: float | None = None
    sex_disaggregated: bool = False
    department: str = ""
    definition: str = ""
    sdg: str | None = None
    source_line: int | None = None
    domain_en: str = ""
    note: str = ""
    department_en: str = ""

    @property
    def is_numeric(self) -> bool:
        return self.target_type in NUMERIC_TYPES

    @property
    def is_statistical(self) -> bool:
        return self.target_type != "not_statistical"

    @property
    def about_tolerance(self) -> float:
        """Half-width of the ``about`` band, in the indicator's unit."""
        if self.tolerance is not None:
            return float(self.tolerance)
        if self.unit == "%":
            return ABOUT_TOLERANCE_PP
        return abs(self.target_value or 0.0) * ABOUT_TOLERANCE_REL

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang == "en" else self.name_zh

    def department_name(self, lang: str = "zh") -> str:
        """The source department in ``lang`` (English from the departments file, filled in
        ``department_en`` when the plan is loaded)."""
        if lang == "en":
            return self.department_en or self.department
        return self.department


@dataclass(frozen=True)
class Plan:
    """A development plan: metadata and its targets in the plan's order."""

    plan: str
    geography: str
    title_zh: str
    title_en: str
    region_zh: str
    region_en: str
    period_start: int
    period_end: int
    source: str
    domains: list[dict]
    targets: list[Target] = field(default_factory=list)
    path: str = ""
    aliases: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        """The plan's name and its short aliases (``baijiantan_women_2021_2025``, ``women``)."""
        return [self.plan, *self.aliases]

    @property
    def short_name(self) -> str:
        """The first alias, else the name: what output file names use (``catalogue_women``)."""
        return self.aliases[0] if self.aliases else self.plan

    @property
    def period(self) -> tuple[int, int]:
        """``(period_start, period_end)``: the years the plan covers."""
        return int(self.period_start), int(self.period_end)

    def target(self, indicator_id: str) -> Target:
        for t in self.targets:
            if t.indicator_id == indicator_id:
                return t
        raise KeyError(f"{indicator_id!r} is not a target of plan {self.plan!r}")

    @property
    def indicator_ids(self) -> list[str]:
        return [t.indicator_id for t in self.targets]

    def title(self, lang: str = "zh") -> str:
        return self.title_en if lang == "en" else self.title_zh

    def region(self, lang: str = "zh") -> str:
        return self.region_en if lang == "en" else self.region_zh

    def domain_name(self, domain_zh: str, lang: str = "zh") -> str:
        if lang != "en":
            return domain_zh
        for d in self.domains:
            if d["zh"] == domain_zh:
                return d["en"]
        return domain_zh

    def to_frame(self) -> pd.DataFrame:
        """All targets as a table, one row per target, every field as a column."""
        rows = [asdict(t) for t in self.targets]
        return pd.DataFrame(rows, columns=[f.name for f in fields(Target)])

    def catalogue_frame(self) -> pd.DataFrame:
        """The catalogue in the published column order (:data:`CATALOGUE_COLUMNS`)."""
        return self.to_frame()[CATALOGUE_COLUMNS]
