"""Wiring of the formatter service: settings, the `images.ready` subscription and the app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from auction_formatter.config import load_warehouses
from auction_formatter.handlers import FormatterDeps, make_images_ready_handler
from auction_formatter.repository import messaging
from auction_shared.events import ImagesReady
from auction_shared.messaging import ServiceRuntime
from auction_shared.service import build_app, run_cli
from auction_shared.settings import ServiceSettings, load_settings

MIGRATIONS = Path(__file__).with_name("migrations")


class FormatterSettings(ServiceSettings):
    warehouses_file: Path | None = None


def create_app(settings: FormatterSettings) -> FastAPI:
    runtime = ServiceRuntime(settings, messaging)
    warehouses = (
        load_warehouses(settings.warehouses_file) if settings.warehouses_file else load_warehouses()
    )
    deps = FormatterDeps(store=runtime.store, warehouses=warehouses)
    runtime.subscribe(ImagesReady, make_images_ready_handler(deps))
    return build_app(runtime, title="formatter")


def main() -> None:
    settings = load_settings(
        "formatter", schema="formatter", http_port=8011, settings_class=FormatterSettings
    )
    run_cli(settings, migrations_dir=MIGRATIONS, make_app=lambda: create_app(settings))


if __name__ == "__main__":
    main()
