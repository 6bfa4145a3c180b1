"""reporting stage of planeval."""
