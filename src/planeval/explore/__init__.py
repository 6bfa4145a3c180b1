"""explore stage of planeval."""
