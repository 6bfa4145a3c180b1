"""forecasting stage of planeval."""
