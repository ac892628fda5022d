"""The first accounts: the demo account (development and test only), the admin named by
AUCTION_BOOTSTRAP_ADMIN_USER at start-up, and `auction-gateway create-admin`.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence

from auction_gateway.accounts.passwords import Passwords
from auction_gateway.accounts.roles import Role
from auction_gateway.accounts.service import AccountExists, AccountService
from auction_gateway.accounts.store import SqlAccountStore
from auction_gateway.accounts.throttle import LoginThrottle
from auction_gateway.domain import InvalidInput
from auction_gateway.settings import DEMO_ENVIRONMENTS, GatewaySettings
from auction_shared.db import make_engine, make_session_factory
from auction_shared.logging import get_logger

log = get_logger(__name__)

ADMIN_PASSWORD_VARIABLE = "AUCTION_ADMIN_PASSWORD"


async def bootstrap_accounts(accounts: AccountService, settings: GatewaySettings) -> None:
    """Create the demo account (development and test) and the bootstrap admin when missing."""
    if settings.environment in DEMO_ENVIRONMENTS and settings.demo_user:
        created = await accounts.ensure_account(
            settings.demo_user, settings.demo_password.get_secret_value(), Role.ADMIN
        )
        if created:
            log.warning(
                "demo_account_created",
                user=settings.demo_user,
                role=Role.ADMIN.value,
                environment=settings.environment.value,
            )
    if settings.bootstrap_admin_user:
        created = await accounts.ensure_account(
            settings.bootstrap_admin_user,
            settings.bootstrap_admin_password.get_secret_value(),
            Role.ADMIN,
        )
        if created:
            log.info("bootstrap_admin_created", user=settings.bootstrap_admin_user)


def create_admin_command(settings: GatewaySettings, argv: Sequence[str]) -> int:
    """`auction-gateway create-admin --username U`: add an admin account; return the exit code.

    The password comes from AUCTION_ADMIN_PASSWORD or, on a terminal, from a prompt.
    """
    parser = argparse.ArgumentParser(
        prog="auction-gateway create-admin",
        description="Create an admin account in the gateway's database (run migrate first). "
        f"The password is read from {ADMIN_PASSWORD_VARIABLE} or prompted for.",
    )
    parser.add_argument("--username", required=True, help="Name of the new admin account.")
    arguments = parser.parse_args(argv)

    password = os.environ.get(ADMIN_PASSWORD_VARIABLE)
    if password is None:
        if not sys.stdin.isatty():
            sys.stderr.write(
                f"error: no password: set {ADMIN_PASSWORD_VARIABLE} or run on a terminal to be "
                "prompted.\n"
            )
            return 2
        password = getpass.getpass("Password for the new admin: ")
        confirm = getpass.getpass("Repeat the password: ")
    else:
        confirm = password
    return asyncio.run(_create_admin(settings, arguments.username, password, confirm))


async def _create_admin(
    settings: GatewaySettings, username: str, password: str, confirm: str
) -> int:
    engine = make_engine(settings.database_url, settings.database_schema)
    try:
        accounts = AccountService(
            SqlAccountStore(make_session_factory(engine)),
            Passwords(),
            LoginThrottle(),
            session_max_age_seconds=settings.session_max_age_seconds,
        )
        account = await accounts.create_account(username, password, confirm, Role.ADMIN)
    except InvalidInput as error:
        for problem in error.errors:
            sys.stderr.write(f"error: {problem.message}\n")
        return 2
    except AccountExists as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    finally:
        await engine.dispose()
    sys.stdout.write(f"Created admin account {account.username!r}.\n")
    return 0
