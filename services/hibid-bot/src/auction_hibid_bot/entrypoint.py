"""Wiring of the site bot: settings, the three request subscriptions, Chromium and the app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from auction_hibid_bot.adapters.session import BrowserOptions, BrowserPool
from auction_hibid_bot.config import load_templates
from auction_hibid_bot.handlers import (
    BotDeps,
    make_create_handler,
    make_upload_handler,
    make_void_handler,
)
from auction_hibid_bot.repository import messaging
from auction_hibid_bot.settings import HibidBotSettings
from auction_shared.events import AuctionCreateRequested, UploadRequested, VoidRequested
from auction_shared.messaging import ServiceRuntime
from auction_shared.service import build_app, run_cli
from auction_shared.settings import load_settings

MIGRATIONS = Path(__file__).with_name("migrations")
# A browser job (an import report can take minutes) runs longer than aiokafka's 5-minute default
# poll interval; past this bound the consumer would leave the group and the job be redelivered.
MAX_JOB_MINUTES = 30


def create_app(settings: HibidBotSettings) -> FastAPI:
    runtime = ServiceRuntime(settings, messaging)
    templates = (
        load_templates(settings.templates_file) if settings.templates_file else load_templates()
    )
    browsers = BrowserPool(
        BrowserOptions(
            executable_path=settings.chromium_path,
            headless=settings.browser_headless,
            action_timeout_seconds=settings.action_timeout_seconds,
            navigation_timeout_seconds=settings.navigation_timeout_seconds,
        )
    )
    deps = BotDeps(settings=settings, store=runtime.store, browsers=browsers, templates=templates)
    poll_interval_ms = MAX_JOB_MINUTES * 60 * 1000
    runtime.subscribe(
        AuctionCreateRequested, make_create_handler(deps), max_poll_interval_ms=poll_interval_ms
    )
    runtime.subscribe(
        UploadRequested, make_upload_handler(deps), max_poll_interval_ms=poll_interval_ms
    )
    runtime.subscribe(VoidRequested, make_void_handler(deps), max_poll_interval_ms=poll_interval_ms)
    return build_app(runtime, title="hibid-bot", on_shutdown=[browsers.close])


def main() -> None:
    settings = load_settings(
        "hibid-bot", schema="hibid_bot", http_port=8014, settings_class=HibidBotSettings
    )
    run_cli(settings, migrations_dir=MIGRATIONS, make_app=lambda: create_app(settings))


if __name__ == "__main__":
    main()
