"""The baseline of a target: the plan's stated value, or an observation in or before the base
year. Used by the path, the agency figures and ``relative_change`` targets."""

from __future__ import annotations

from planeval.plans.catalogue import Target


def baseline(target: Target, years, values, period, use_plan_baseline: bool):
    """(year, value, source) of the baseline; (None, None, reason) when there is none.

    ``use_plan_baseline``: take the plan's stated value (true only for the plan's own
    geography). Otherwise, for ``relative_change`` the observation in the plan's base year;
    for other types the year before the plan, else the last year before it, else the first
    year of data in the plan period.
    """
    if use_plan_baseline and target.baseline_value is not None:
        return target.baseline_year, float(target.baseline_value), "plan"
    obs = dict(zip(years.tolist(), values.tolist(), strict=True))
    if target.target_type == "relative_change":
        by = target.baseline_year
        if by in obs:
            return by, float(obs[by]), f"observed in the plan's base year {by}"
        return None, None, f"no observation in the plan's base year {by}"
    base_year = period[0] - 1
    if base_year in obs:
        return base_year, float(obs[base_year]), f"observed in {base_year} (year before the plan)"
    before = years < period[0]
    if before.any():
        y = int(years[before][-1])
        return y, float(obs[y]), f"observed in {y} (last year before the plan)"
    inside = (years >= period[0]) & (years <= period[1])
    if inside.any():
        y = int(years[inside][0])
        return y, float(obs[y]), f"observed in {y} (first year of data in the plan period)"
    return None, None, "no observation before or in the plan period"
