import pytest
from pydantic import ValidationError

from auction_shared.settings import Environment, ServiceSettings


def test_development_accepts_local_defaults() -> None:
    settings = ServiceSettings(environment=Environment.DEVELOPMENT)

    assert settings.s3_access_key.get_secret_value() == "auction-dev-access"


def test_production_rejects_default_secrets() -> None:
    with pytest.raises(ValidationError) as caught:
        ServiceSettings(environment=Environment.PRODUCTION)

    message = str(caught.value)
    assert "AUCTION_S3_SECRET_KEY" in message
    assert "AUCTION_DATABASE_URL" in message


def test_production_accepts_real_secrets() -> None:
    settings = ServiceSettings(
        environment=Environment.PRODUCTION,
        s3_access_key="prod-key",  # type: ignore[arg-type]
        s3_secret_key="prod-secret-value",  # type: ignore[arg-type]
        database_url="postgresql+psycopg://svc:s3cret@db:5432/auction",
    )

    assert settings.environment is Environment.PRODUCTION


def test_settings_read_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUCTION_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
    monkeypatch.setenv("AUCTION_S3_PUBLIC_BASE_URL", "https://img.example.test/")

    settings = ServiceSettings()

    assert settings.kafka_bootstrap == "127.0.0.1:19092"
    assert settings.public_base_url == "https://img.example.test"
