"""Alembic environment: migrate the service's schema online."""

from auction_airtable_sync.adapters.tables import Tables
from auction_airtable_sync.settings import DATABASE_SCHEMA
from auction_shared.db import alembic_env_online

alembic_env_online(Tables(DATABASE_SCHEMA).metadata)
