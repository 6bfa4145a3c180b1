"""plans stage of planeval."""
