"""Entry point of the gateway: `auction-gateway` serves, `auction-gateway migrate` upgrades the schema."""

from __future__ import annotations

from fastapi import FastAPI

from auction_gateway import tables
from auction_gateway.app import ROUTERS, configure_app
from auction_gateway.auth import DemoLogin, SessionCookies
from auction_gateway.context import Gateway
from auction_gateway.handlers import GatewayHandlers
from auction_gateway.live import ChangeSignal
from auction_gateway.migrate import MIGRATIONS_DIR
from auction_gateway.repository import sql_unit_of_work
from auction_gateway.results import StoreSideFiles
from auction_gateway.settings import GatewaySettings, load_gateway_settings
from auction_shared.messaging import ServiceRuntime
from auction_shared.service import build_app, run_cli


def create_app(settings: GatewaySettings) -> FastAPI:
    """Wire the runtime, the Kafka handlers and the HTTP app."""
    runtime = ServiceRuntime(settings, tables.messaging)
    changes = ChangeSignal()
    GatewayHandlers(changes).subscribe(runtime)

    gateway = Gateway(
        settings=settings,
        unit_of_work=sql_unit_of_work(
            runtime.sessions, runtime.outbox_writer, runtime.relay.notify
        ),
        downloads=runtime.store,
        side_files=StoreSideFiles(runtime.store),
        login=DemoLogin(settings.demo_user, settings.demo_password.get_secret_value()),
        cookies=SessionCookies(
            settings.session_secret.get_secret_value(),
            settings.session_max_age_seconds,
            secure=settings.cookie_secure,
        ),
        changes=changes,
        objects=runtime.store,
    )
    app = build_app(runtime, routers=ROUTERS, title="Auction gateway")
    return configure_app(app, gateway)


def main() -> None:
    settings = load_gateway_settings()
    run_cli(settings, migrations_dir=MIGRATIONS_DIR, make_app=lambda: create_app(settings))


if __name__ == "__main__":
    main()
