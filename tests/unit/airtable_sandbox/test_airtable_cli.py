"""The airtable-sandbox command line: defaults from the environment and check-seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from airtable_sandbox import main as cli
from airtable_sandbox.seed import demo_seed_path


def test_cli_check_seed_prints_demo_ids(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check-seed", str(demo_seed_path())]) == 0
    output = capsys.readouterr().out
    assert "base app8P7o3PcNfZduiu Maule Inventory" in output
    assert "view viwzJ7vv2LMdG0F6e Remove Dups" in output


def test_cli_check_seed_reports_invalid_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("bases: [{name: X}]\n")
    assert cli.main(["check-seed", str(bad)]) == 2
    assert "needs a non-empty `tables` list" in capsys.readouterr().err


def test_cli_serve_defaults_come_from_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AUCTION_HTTP_HOST", "0.0.0.0")
    monkeypatch.setenv("AUCTION_HTTP_PORT", "9999")
    monkeypatch.setenv("AIRTABLE_SANDBOX_DATA", str(tmp_path))
    args = cli.build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.data, args.seed) == ("0.0.0.0", 9999, tmp_path, None)


def test_cli_configure_applies_rate_limit_flags(tmp_path: Path) -> None:
    args = cli.build_parser().parse_args(
        [
            "serve",
            "--data",
            str(tmp_path),
            "--time-scale",
            "0.1",
            "--lock-seconds",
            "2",
            "--token",
            "t1",
        ]
    )
    config = cli.configure(args, demo_seed_path())
    assert config.rate_limit.scaled_lock == pytest.approx(0.2)
    assert [grant.token for grant in config.tokens] == ["t1"]
    assert len(config.seed.bases) == 2
