"""The banner image and the per-warehouse site accounts."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from auction_hibid_bot.adapters.banner import HEIGHT, WIDTH, BannerText, draw_banner
from auction_hibid_bot.settings import HibidBotSettings, MissingAccountError, resolve_account

TEXT = BannerText(
    headline="Ending December 4th",
    house_name="702 Auctions",
    footer="Maule warehouse - 1889 E. Maule Ave Suite F, Las Vegas NV 89119",
)


def _image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_banner_is_png_of_banner_size() -> None:
    image = _image(draw_banner(TEXT))

    assert image.format == "PNG"
    assert image.size == (WIDTH, HEIGHT)


def test_banner_shows_the_headline() -> None:
    other = BannerText("Ending January 1st", TEXT.house_name, TEXT.footer)

    difference = ImageChops.difference(
        _image(draw_banner(TEXT)).convert("RGB"), _image(draw_banner(other)).convert("RGB")
    )

    assert difference.getbbox() is not None


def test_banner_without_dejavu_fonts(tmp_path: Path) -> None:
    image = _image(draw_banner(TEXT, font_dir=tmp_path / "no-fonts"))

    assert image.size == (WIDTH, HEIGHT)
    low, high = image.convert("L").getextrema()
    assert isinstance(low, int)
    assert isinstance(high, int)
    assert high - low > 100


def test_banner_fits_a_long_headline() -> None:
    long_text = BannerText("Ending " + "September " * 4 + "30th", "House", "Footer")

    assert _image(draw_banner(long_text)).size == (WIDTH, HEIGHT)


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> HibidBotSettings:
    for name in ("AUCTION_SITE_MAULE_USERNAME", "AUCTION_SITE_MAULE_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return HibidBotSettings.model_validate(
        {"site_accounts": {"maule": {"username": "json-user", "password": "json-pass"}}}
    )


def test_account_from_json_setting(settings: HibidBotSettings) -> None:
    account = resolve_account(settings, "Maule")

    assert (account.username, account.password) == ("json-user", "json-pass")
    assert "json-pass" not in repr(account)


def test_account_from_environment_wins(
    settings: HibidBotSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUCTION_SITE_MAULE_USERNAME", "env-user")
    monkeypatch.setenv("AUCTION_SITE_MAULE_PASSWORD", "env-pass")

    assert resolve_account(settings, "maule").username == "env-user"


def test_account_from_file(settings: HibidBotSettings, tmp_path: Path) -> None:
    path = tmp_path / "accounts.json"
    path.write_text(json.dumps({"Sahara": {"username": "file-user", "password": "file-pass"}}))
    with_file = settings.model_copy(update={"site_accounts_file": path})

    assert resolve_account(with_file, "sahara").password == "file-pass"


def test_missing_account_names_variables(settings: HibidBotSettings) -> None:
    with pytest.raises(MissingAccountError, match="AUCTION_SITE_SAHARA_USERNAME"):
        resolve_account(settings, "sahara")


def test_bad_accounts_file_hides_content(settings: HibidBotSettings, tmp_path: Path) -> None:
    path = tmp_path / "accounts.yaml"
    path.write_text("maule: {username: '', password: secret-value}\n")
    with_file = settings.model_copy(update={"site_accounts_file": path})

    with pytest.raises(MissingAccountError) as raised:
        resolve_account(with_file, "maule")

    assert "secret-value" not in str(raised.value)
