"""Sandbox settings and the example configuration files."""

from __future__ import annotations

from pathlib import Path

import pytest

from auction_site_sandbox.faults import load_fault_file
from auction_site_sandbox.settings import SettingsError, load_settings

CONFIG_DIR = Path(__file__).resolve().parents[3] / "sandboxes" / "auction-site" / "config"


def test_defaults_without_file(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)

    assert settings.users == {"admin": "sandbox-password"}
    assert settings.image_hosts == frozenset({"127.0.0.1", "localhost"})
    assert settings.max_csv_bytes == 10 * 1024 * 1024
    assert 162733 in settings.leaf_categories
    assert len(settings.custom_fields) == 14


def test_example_config_loads(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, CONFIG_DIR / "site.example.yaml")

    assert settings.users["clerk"] == "another-sandbox-password"
    assert 9 in settings.parent_categories
    assert 2830927 in settings.leaf_categories


def test_example_faults_load() -> None:
    faults = load_fault_file(CONFIG_DIR / "faults.example.yaml")

    assert faults.fail_submits["void_sale"] == 1
    assert faults.expire_sessions_after_requests == 25


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("colour: red\n", "unknown setting(s) colour"),
        ("users: [admin]\n", "users must map user names"),
        ("categories:\n  abc: Misc\n", "id 'abc' is not an integer"),
        ("- 1\n", "expected a mapping"),
    ],
)
def test_invalid_config_rejected(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "site.yaml"
    path.write_text(text)

    with pytest.raises(SettingsError) as caught:
        load_settings(tmp_path, path)

    assert fragment in str(caught.value)
