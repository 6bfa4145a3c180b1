"""What a report reads besides its assessment: the reference geography and revisions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def default_reference(
    geography: str, reference_geography: str | None, data_dir: str | Path | None = None
) -> str:
    """The reference geography to draw beside the report's: the given one, else the top of
    the geography's hierarchy in ``<data_dir>/geographies.yaml`` (the country; none for the
    country itself; ``china`` for a geography not listed). The string ``"None"`` (papermill's
    ``-p reference_geography None``) counts as not given."""
    from planeval.plans.registry import reference_for

    if reference_geography in ("None", "none"):
        reference_geography = None
    if reference_geography is not None:
        return "" if reference_geography == geography else reference_geography
    return reference_for(geography, data_dir)


def load_reference(reference_geography: str, year: int, data_dir) -> pd.DataFrame | None:
    """Observations of the reference geography up to ``year``, or None when it is not given
    or its folder holds no year file (the reference is then silently absent).

    Raises ``InputError`` when the folder exists but its files are invalid.
    """
    from planeval.intake.observations import observation_files
    from planeval.store.database import load_geography

    if not reference_geography or not observation_files(data_dir, reference_geography):
        return None
    return load_geography(data_dir, reference_geography, up_to_year=year)


def load_revisions(geography: str, year: int, data_dir) -> pd.DataFrame:
    """Revision history of a geography's values up to ``year`` from the monitoring database
    (:func:`planeval.store.database.revision_history`); empty when nothing was revised."""
    from planeval.store.database import revision_history

    return revision_history(data_dir, geography, up_to_year=year)


def series_of(obs: pd.DataFrame | None, indicator_id: str, sex: str = "total") -> pd.Series:
    """Values of one indicator and sex indexed by year (empty without data)."""
    from planeval.intake.observations import series_for

    if obs is None or not len(obs):
        return pd.Series(dtype=float)
    return series_for(obs, indicator_id, sex)
