"""store stage of planeval."""
