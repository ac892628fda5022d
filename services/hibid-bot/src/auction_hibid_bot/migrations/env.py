from auction_hibid_bot.repository import metadata
from auction_shared.db import alembic_env_online

alembic_env_online(metadata)
