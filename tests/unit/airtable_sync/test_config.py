"""Warehouses file and settings of airtable-sync."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from auction_airtable_sync.config import WarehouseConfigError, load_warehouses
from auction_airtable_sync.settings import AirtableSyncSettings, load_settings


def test_packaged_file_has_both_warehouses() -> None:
    warehouses = load_warehouses()
    assert warehouses.ids == ["maule", "sahara"]
    assert warehouses["maule"].base_id.startswith("app")
    assert "boulder" not in warehouses
    assert warehouses.get("boulder") is None


def test_invalid_file_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "warehouses.yaml"
    path.write_text("warehouses:\n  maule:\n    base_id: nope\n")
    with pytest.raises(WarehouseConfigError) as caught:
        load_warehouses(path)
    message = str(caught.value)
    assert str(path) in message
    assert "warehouses.maule.base_id" in message
    assert "warehouses.maule.inventory_table" in message


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(WarehouseConfigError, match="cannot read"):
        load_warehouses(tmp_path / "absent.yaml")


def test_token_required_outside_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUCTION_AIRTABLE_TOKEN", raising=False)
    monkeypatch.setenv("AUCTION_ENVIRONMENT", "test")
    with pytest.raises(ValidationError, match="AUCTION_AIRTABLE_TOKEN"):
        AirtableSyncSettings()


def test_token_optional_in_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUCTION_AIRTABLE_TOKEN", raising=False)
    monkeypatch.setenv("AUCTION_ENVIRONMENT", "development")
    settings = AirtableSyncSettings()
    assert settings.airtable_url == "https://api.airtable.com"
    assert settings.service_name == "airtable-sync"
    assert settings.http_port == 8013
    assert settings.database_schema == "airtable_sync"


def test_request_interval_below_limit_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUCTION_ENVIRONMENT", "development")
    monkeypatch.setenv("AUCTION_AIRTABLE_REQUEST_INTERVAL_MS", "150")
    with pytest.raises(ValidationError, match="airtable_request_interval_ms"):
        AirtableSyncSettings()


def test_service_database_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUCTION_ENVIRONMENT", "development")
    monkeypatch.setenv("AUCTION_DATABASE_URL", "postgresql+psycopg://shared@127.0.0.1/auction")
    monkeypatch.setenv(
        "AUCTION_AIRTABLE_SYNC_DATABASE_URL", "postgresql+psycopg://own@127.0.0.1/auction"
    )
    assert load_settings().database_url == "postgresql+psycopg://own@127.0.0.1/auction"
    monkeypatch.delenv("AUCTION_AIRTABLE_SYNC_DATABASE_URL")
    assert load_settings().database_url == "postgresql+psycopg://shared@127.0.0.1/auction"
