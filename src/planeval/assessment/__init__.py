"""assessment stage of planeval."""
