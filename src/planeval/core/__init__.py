"""core stage of planeval."""
