"""Alembic environment of the gateway's schema (run through `auction-gateway migrate`)."""

from auction_gateway.tables import metadata
from auction_shared.db import alembic_env_online

alembic_env_online(metadata)
