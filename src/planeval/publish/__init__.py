"""publish stage of planeval."""
