"""The demo's photo step against a rate-limited in-process Airtable sandbox."""

from pathlib import Path

import yaml

from airtable_sandbox.config import RateLimitSettings
from airtable_sandbox.testing import run_sandbox
from scripts.demo.run import SEND_TO_AUCTION, WAREHOUSES_FILE, attach_photos

REPO_ROOT = Path(__file__).resolve().parents[3]
SEED = REPO_ROOT / "sandboxes/airtable/seeds/demo.yaml"
RECORDS = 12


def test_attach_photos_stays_under_rate_limit() -> None:
    maule = yaml.safe_load(WAREHOUSES_FILE.read_text())["warehouses"]["maule"]
    # The real 5 requests per second with a 3-second lock instead of 30 seconds.
    limit = RateLimitSettings(enabled=True, lock_seconds=3.0)

    with run_sandbox(seed=SEED, rate_limit=limit) as sandbox:
        table = sandbox.api().table(maule["base_id"], maule["inventory_table"])
        table.batch_create(
            [
                {"Product Name": f"Lamp {n}", "Lot Number": 900 + n, "Status": SEND_TO_AUCTION}
                for n in range(RECORDS)
            ]
        )

        attached = attach_photos("maule", airtable_url=sandbox.url)

        records = table.all(view=maule["send_to_auction_view"])

    assert attached >= RECORDS
    assert all(record["fields"].get("Image 1") for record in records)
