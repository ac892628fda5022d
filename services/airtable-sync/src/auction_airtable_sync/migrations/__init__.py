"""Alembic migrations of the `airtable_sync` schema; run them with `auction-airtable-sync migrate`."""
