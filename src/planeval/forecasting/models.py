"""Temporary: the forecasting package split; import from :mod:`planeval.forecasting`."""

from planeval.forecasting import *  # noqa: F403
