"""Entry point of the gateway: `auction-gateway` serves, `auction-gateway migrate` upgrades the schema."""

from __future__ import annotations

import sys

from fastapi import FastAPI
from minio import Minio

from auction_gateway import tables
from auction_gateway.app import ROUTERS, configure_app
from auction_gateway.auth import DemoLogin, SessionCookies
from auction_gateway.context import Gateway
from auction_gateway.handlers import GatewayHandlers
from auction_gateway.live import ChangeSignal
from auction_gateway.migrate import migrate
from auction_gateway.repository import sql_unit_of_work
from auction_gateway.results import S3SideFiles
from auction_gateway.settings import GatewaySettings
from auction_shared.messaging import ServiceRuntime
from auction_shared.service import build_app, serve, setup_process
from auction_shared.storage import ObjectStore

USAGE = "usage: auction-gateway [serve | migrate]"


def create_app(settings: GatewaySettings) -> FastAPI:
    """Wire the runtime, the Kafka handlers and the HTTP app."""
    s3 = Minio(
        settings.s3_endpoint,
        access_key=settings.s3_access_key.get_secret_value(),
        secret_key=settings.s3_secret_key.get_secret_value(),
        secure=settings.s3_secure,
        region=settings.s3_region,
    )
    store = ObjectStore(settings, client=s3)
    runtime = ServiceRuntime(settings, tables.messaging, store=store)

    changes = ChangeSignal()
    GatewayHandlers(changes).subscribe(runtime)

    gateway = Gateway(
        settings=settings,
        unit_of_work=sql_unit_of_work(runtime.sessions, runtime.relay.notify),
        downloads=store,
        side_files=S3SideFiles(s3),
        login=DemoLogin(settings.demo_user, settings.demo_password.get_secret_value()),
        cookies=SessionCookies(
            settings.session_secret.get_secret_value(),
            settings.session_max_age_seconds,
            secure=settings.cookie_secure,
        ),
        changes=changes,
    )
    app = build_app(runtime, routers=ROUTERS, title="Auction gateway")
    return configure_app(app, gateway)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "serve"
    settings = GatewaySettings()
    setup_process(settings)
    if command == "migrate":
        migrate(settings)
    elif command == "serve":
        serve(create_app(settings), settings)
    else:
        sys.exit(f"{USAGE}\nunknown command {command!r}")


if __name__ == "__main__":
    main()
