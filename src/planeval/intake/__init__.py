"""intake stage of planeval."""
