from auction_images.repository import metadata
from auction_shared.db import alembic_env_online

alembic_env_online(metadata)
