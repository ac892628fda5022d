"""The Create Event templates: loading, placeholder checks and the rendered texts per warehouse."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from auction_hibid_bot.config import (
    TemplatesFileError,
    UnknownWarehouseError,
    load_templates,
)
from auction_hibid_bot.domain.schedule import event_schedule
from auction_hibid_bot.domain.templates import TemplateError, WarehouseTexts, render_texts

SCHEDULE = event_schedule(datetime(2026, 12, 1, 20, 0, tzinfo=UTC), date(2026, 12, 4), time(18, 30))

TERMS = [
    "no reserve",
    "15% buyer's premium",
    "charged by 5 pm on the day after",
    "unpaid 24 hours after",
    "relisted",
    "within 5 days",
    "within 48 hours",
    "collected within 10 days",
    "returned within 10 days",
]


@pytest.mark.parametrize(
    ("warehouse", "address"),
    [
        ("maule", "1889 E. Maule Ave Suite F, Las Vegas NV 89119"),
        ("sahara", "3775 E Sahara Ave, Las Vegas NV 89104"),
    ],
)
def test_warehouse_texts(warehouse: str, address: str) -> None:
    templates = load_templates()
    texts = render_texts(templates.get(warehouse), templates.house_name, SCHEDULE)

    for rule in TERMS:
        assert rule in texts.terms_html.replace("&#x27;", "'"), rule
    assert address in texts.terms_html
    assert address in texts.shipping_html
    assert address in texts.description_html
    assert "Ending December 4th" in texts.description_html
    assert "Friday, December 4, 2026" in texts.description_html
    assert "6:30 PM" in texts.description_html
    assert "$" not in texts.description_html + texts.terms_html + texts.shipping_html


def test_warehouse_lookup_ignores_case() -> None:
    assert load_templates().get("Maule").name == "Maule"


def test_unknown_warehouse_names_known_ones() -> None:
    with pytest.raises(UnknownWarehouseError, match="maule, sahara"):
        load_templates().get("henderson")


def test_render_escapes_values() -> None:
    texts = WarehouseTexts(
        warehouse_id="x",
        name="A & B",
        address="<Dock 2>",
        description="$warehouse at $address",
        terms="$house",
        shipping="$ending",
    )

    rendered = render_texts(texts, "House <One>", SCHEDULE)

    assert rendered.description_html == "A &amp; B at &lt;Dock 2&gt;"
    assert rendered.terms_html == "House &lt;One&gt;"
    assert rendered.shipping_html == "Ending December 4th"


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "templates.yaml"
    path.write_text(body)
    return path


VALID_HEAD = """
house_name: House
defaults:
  description: "$house"
  terms: "$address"
  shipping: "pickup"
"""


def test_warehouse_overrides_default_text(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        VALID_HEAD
        + """
warehouses:
  north:
    name: North
    address: "1 Main St"
    terms: "Own terms at $address"
""",
    )

    texts = load_templates(path).get("north")

    assert texts.terms == "Own terms at $address"
    assert texts.description == "$house"


@pytest.mark.parametrize(
    ("warehouses", "error", "match"),
    [
        ("warehouses:\n  north:\n    name: North\n", TemplatesFileError, "'address'"),
        (
            "warehouses:\n  north:\n    name: N\n    address: A\n    terms: '$price'\n",
            TemplateError,
            r"\$price",
        ),
        (
            "warehouses:\n  north:\n    name: N\n    address: A\n    terms: 'costs $ 5'\n",
            TemplateError,
            r"\$\$",
        ),
        ("warehouses: {}\n", TemplatesFileError, "non-empty"),
    ],
)
def test_invalid_templates_file(
    tmp_path: Path, warehouses: str, error: type[Exception], match: str
) -> None:
    path = _write(tmp_path, VALID_HEAD + warehouses)

    with pytest.raises(error, match=match):
        load_templates(path)


def test_missing_templates_file(tmp_path: Path) -> None:
    with pytest.raises(TemplatesFileError, match="cannot read"):
        load_templates(tmp_path / "absent.yaml")
