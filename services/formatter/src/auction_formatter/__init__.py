"""Builds the auction site lot import CSV from inventory and processed photos."""
