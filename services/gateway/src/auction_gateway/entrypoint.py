"""Entry point of the gateway: `auction-gateway` serves, `auction-gateway migrate` upgrades the schema,
`auction-gateway create-admin --username U` adds an admin account.
"""

from __future__ import annotations

import sys

from fastapi import FastAPI

from auction_gateway import tables
from auction_gateway.accounts.bootstrap import create_admin_command
from auction_gateway.accounts.passwords import Passwords
from auction_gateway.accounts.requests import RequestRecorder
from auction_gateway.accounts.service import AccountService
from auction_gateway.accounts.store import SqlAccountStore
from auction_gateway.accounts.throttle import LoginThrottle
from auction_gateway.app import ROUTERS, configure_app
from auction_gateway.auth import SessionCookies
from auction_gateway.context import Gateway
from auction_gateway.handlers import GatewayHandlers
from auction_gateway.live import ChangeSignal
from auction_gateway.migrate import MIGRATIONS_DIR
from auction_gateway.outcomes import OutcomeHandlers, SqlJobOutcomes
from auction_gateway.repository import sql_unit_of_work
from auction_gateway.results import StoreSideFiles
from auction_gateway.settings import GatewaySettings, load_gateway_settings
from auction_shared.messaging import ServiceRuntime
from auction_shared.service import build_app, run_cli, setup_process


def create_app(settings: GatewaySettings) -> FastAPI:
    """Wire the runtime, the Kafka handlers and the HTTP app."""
    runtime = ServiceRuntime(settings, tables.messaging)
    changes = ChangeSignal()
    GatewayHandlers(changes).subscribe(runtime)
    OutcomeHandlers(changes).subscribe(runtime)
    RequestRecorder(f"/{settings.service_name}", settings.task_retention_hours).subscribe(runtime)

    gateway = Gateway(
        settings=settings,
        unit_of_work=sql_unit_of_work(
            runtime.sessions, runtime.outbox_writer, runtime.relay.notify
        ),
        downloads=runtime.store,
        side_files=StoreSideFiles(runtime.store),
        accounts=AccountService(
            SqlAccountStore(runtime.sessions),
            Passwords(),
            LoginThrottle(),
            session_max_age_seconds=settings.session_max_age_seconds,
        ),
        cookies=SessionCookies(
            settings.session_secret.get_secret_value(),
            settings.session_max_age_seconds,
            secure=settings.cookie_secure,
        ),
        changes=changes,
        objects=runtime.store,
        outcomes=SqlJobOutcomes(runtime.sessions),
    )
    app = build_app(runtime, routers=ROUTERS, title="Auction gateway")
    return configure_app(app, gateway)


def main() -> None:
    settings = load_gateway_settings()
    if sys.argv[1:2] == ["create-admin"]:
        setup_process(settings)
        sys.exit(create_admin_command(settings, sys.argv[2:]))
    run_cli(settings, migrations_dir=MIGRATIONS_DIR, make_app=lambda: create_app(settings))


if __name__ == "__main__":
    main()
