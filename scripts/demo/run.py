"""The demo: inventory (bundled or `--manifest`) → photos → one event per warehouse → formatted CSVs.

Runs against the platform that `python -m scripts.platform up` started, through the same CLI staff
use (`auctionctl`). The photo step replaces staff photographing the lots: it attaches generated
product photos to every record of a warehouse's "Send to Auction" view that has none, through the
Airtable API of the sandbox. A second run reuses what the first one made.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import yaml

from scripts.demo.inventory import demo_manifest, product_photo
from scripts.platform.cli import AIRTABLE_PORT, AIRTABLE_TOKEN, STATE, VENV_BIN
from scripts.stack.config import REPO_ROOT

DEMO_DIR = STATE / "demo"
WAREHOUSES_FILE = REPO_ROOT / "services/airtable-sync/src/auction_airtable_sync/warehouses.yaml"
GATEWAY_URL = os.environ.get(
    "AUCTION_GATEWAY_URL", f"http://127.0.0.1:{os.environ.get('AUCTION_GATEWAY_PORT', '8000')}"
)
DEMO_USER = "demo"
DEMO_PASSWORD = "auction-demo-dev-password"  # the gateway's development default
DEMO_EVENTS = {"maule": "7001", "sahara": "7002"}
SEND_TO_AUCTION = "Send to Auction"
# Airtable allows 5 requests per second per base and locks the base for 30 seconds after a 429.
UPLOAD_INTERVAL_SECONDS = 0.25
RATE_LIMIT_RETRIES = 6  # urllib3 waits 0, 2, 4, 8, 16, 32 s: 62 s in all, past the 30-second lock
RATE_LIMIT_BACKOFF_SECONDS = 1.0


def say(message: str) -> None:
    sys.stdout.write(f"demo: {message}\n")
    sys.stdout.flush()


def auctionctl(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "AUCTION_GATEWAY_URL": GATEWAY_URL,
        "AUCTION_DEMO_USER": DEMO_USER,
        "AUCTION_DEMO_PASSWORD": DEMO_PASSWORD,
    }
    result = subprocess.run(
        [str(VENV_BIN / "auctionctl"), *args],
        env=env,
        text=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if check and result.returncode != 0:
        raise SystemExit(
            f"demo: `auctionctl {' '.join(args)}` failed with exit code {result.returncode}:\n"
            f"{result.stdout}{result.stderr}"
        )
    return result


def import_inventory(warehouse: str, manifest: Path) -> None:
    """Import the manifest once per warehouse; a marker file with its checksum skips a repeat."""
    digest = hashlib.sha256(manifest.read_bytes()).hexdigest()
    marker = DEMO_DIR / f"imported-{warehouse}-{digest[:16]}"
    if marker.exists():
        say(f"{warehouse}: {manifest.name} was imported before; skipping the import")
        return
    say(f"{warehouse}: importing {manifest} through airtable-sync")
    result = auctionctl(
        "inventory",
        "import",
        str(manifest),
        "--warehouse",
        warehouse,
        "--status",
        SEND_TO_AUCTION,
        "--wait",
    )
    say(result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "imported")
    marker.write_text(f"{manifest}\n")


def attach_photos(warehouse: str, airtable_url: str | None = None) -> int:
    """Attach 1 to 3 generated photos to each record in the view that has no Image 1.

    Uploads are paced below Airtable's 5 requests per second per base, and a 429 is retried
    until the base's 30-second lock has passed.
    """
    from pyairtable import Api, retry_strategy

    from airtable_sandbox.testing import AIRTABLE_CONTENT_HOST, ContentHostRedirect

    locations = yaml.safe_load(WAREHOUSES_FILE.read_text())["warehouses"][warehouse]
    url = airtable_url or f"http://127.0.0.1:{AIRTABLE_PORT}"
    retries = retry_strategy(total=RATE_LIMIT_RETRIES, backoff_factor=RATE_LIMIT_BACKOFF_SECONDS)
    api = Api(AIRTABLE_TOKEN, endpoint_url=url, retry_strategy=retries)
    # pyairtable sends upload_attachment to content.airtable.com, so route it to the sandbox too.
    for scheme in ("http", "https"):
        api.session.mount(
            f"{scheme}://{AIRTABLE_CONTENT_HOST}/", ContentHostRedirect(url, max_retries=retries)
        )
    table = api.table(locations["base_id"], locations["inventory_table"])
    attached = 0
    for record in table.all(view=locations["send_to_auction_view"]):
        fields = record["fields"]
        if fields.get("Image 1"):
            continue
        title = str(fields.get("Product Name", "Lot"))
        lot = str(fields.get("Lot Number", "?"))
        count = 1 + int(hashlib.sha256(record["id"].encode()).hexdigest(), 16) % 3
        for variant in range(1, count + 1):
            time.sleep(UPLOAD_INTERVAL_SECONDS)
            table.upload_attachment(
                record["id"],
                f"Image {variant}",
                f"lot-{lot}-{variant}.jpg",
                product_photo(title, lot, variant),
            )
        attached += 1
    return attached


def ensure_event(warehouse: str, event_id: str) -> None:
    """Add the demo event to the gateway's catalogue unless it is there already."""
    end = date.today() + timedelta(days=6)
    result = auctionctl(
        "events",
        "add",
        "--id",
        event_id,
        "--warehouse",
        warehouse,
        "--title",
        f"{warehouse.title()} demo auction ending {end:%B} {end.day}",
        "--start",
        f"{date.today():%Y-%m-%d}T01:00",
        "--end",
        f"{end:%Y-%m-%d}T18:30",
        check=False,
    )
    output = result.stdout + result.stderr
    if result.returncode == 0:
        say(f"{warehouse}: added event {event_id} to the catalogue")
    elif "already" in output.lower():
        say(f"{warehouse}: event {event_id} is in the catalogue")
    else:
        raise SystemExit(f"demo: adding event {event_id} failed:\n{output}")


def format_event(warehouse: str, event_id: str) -> Path:
    say(f"{warehouse}: formatting event {event_id}")
    result = auctionctl("format", "--warehouse", warehouse, "--event", event_id, "--wait")
    for line in result.stdout.strip().splitlines()[-3:]:
        say(f"  {line}")
    target = DEMO_DIR / f"{warehouse}-event-{event_id}.csv"
    auctionctl("csv", "--event", event_id, "-o", str(target))
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.demo", description=__doc__)
    parser.add_argument(
        "--manifest",
        type=Path,
        default=Path(os.environ["MANIFEST"]) if os.environ.get("MANIFEST") else None,
        help="liquidation manifest (CSV or XLSX) to import instead of the bundled demo inventory",
    )
    args = parser.parse_args(argv)
    DEMO_DIR.mkdir(parents=True, exist_ok=True)

    manifest: Path = args.manifest or DEMO_DIR / "demo-manifest.csv"
    if args.manifest is None:
        manifest.write_bytes(demo_manifest())
    elif not manifest.is_file():
        raise SystemExit(
            f"demo: MANIFEST={manifest} is not a file; give the path of a CSV or XLSX manifest"
        )

    outputs: dict[str, Path] = {}
    for warehouse, event_id in DEMO_EVENTS.items():
        import_inventory(warehouse, manifest)
        attached = attach_photos(warehouse)
        say(f"{warehouse}: attached demo photos to {attached} records")
        ensure_event(warehouse, event_id)
        outputs[warehouse] = format_event(warehouse, event_id)

    say("done. Import CSVs:")
    for warehouse, path in outputs.items():
        say(f"  {warehouse}: {path}")
    say(f"Web UI: {GATEWAY_URL}  (log in as {DEMO_USER} / {DEMO_PASSWORD})")
    say(
        "Everything keeps running; stop it with `make demo-down` (services) and `make down` (stack)."
    )
    return 0
