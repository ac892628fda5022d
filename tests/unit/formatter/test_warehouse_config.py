"""Tests of warehouses.yaml and its loader."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from auction_formatter.config import (
    DEFAULT_WAREHOUSES_PATH,
    UnknownWarehouseError,
    WarehouseConfigError,
    load_warehouses,
)

EXPECTED_COLUMNS = [
    "EventID", "LotNumber", "Seller", "ConsignorNumber", "Category", "Region", "ListingType",
    "Currency", "Title", "Subtitle", "Description", "Price", "Quantity", "IsTaxable",
    *[f"Image_{n}" for n in range(1, 11)],
    "YouTubeID", "PdfAttachments", "Bold", "Badge", "Highlight", "ShippingOptions", "Duration",
    "StartDTTM", "EndDTTM", "AutoRelist", "GoodTilCanceled",
    "Working Condition", "UPC", "Truck", "Source", "Size", "Photo Taker", "Packaging",
    "Other Notes", "MSRP", "Lot Number", "Location", "Item Condition", "ID", "Amazon ID",
]  # fmt: skip


def _raw_config() -> dict[str, Any]:
    loaded = yaml.safe_load(DEFAULT_WAREHOUSES_PATH.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "warehouses.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_shipped_file_has_both_warehouses() -> None:
    warehouses = load_warehouses()

    assert warehouses.keys == ("maule", "sahara")


@pytest.mark.parametrize(
    ("key", "prefix", "region", "address"),
    [
        ("maule", "M", 88850842, "1889 E. Maule Ave Suite F, Las Vegas NV 89119"),
        ("sahara", "S", 88850843, "3775 E Sahara Ave, Las Vegas NV 89104"),
    ],
)
def test_warehouse_constants(key: str, prefix: str, region: int, address: str) -> None:
    warehouse = load_warehouses().get(key)

    assert warehouse.key == key
    assert warehouse.lot_prefix == prefix
    assert warehouse.region_id == region
    assert warehouse.address.one_line() == address
    assert warehouse.seller == "702Auctions"
    assert warehouse.source == "AMZ FC"
    assert warehouse.pickup_line == "LOCAL PICKUP ONLY"
    assert warehouse.airtable.inventory_table == "Inventory"
    assert warehouse.airtable.send_to_auction_view == "Send to Auction"
    assert warehouse.airtable.remove_dups_view == "Remove Dups"
    assert warehouse.airtable.cancels_table == "Cancels"


def test_columns_are_the_49_in_order() -> None:
    rules = load_warehouses().get("maule").rules

    assert list(rules.columns) == EXPECTED_COLUMNS
    assert len(rules.custom_field_columns) == 14
    assert rules.site_columns[-1] == "GoodTilCanceled"
    assert list(rules.custom_field_columns) == EXPECTED_COLUMNS[35:]


def test_fixed_values() -> None:
    rules = load_warehouses().get("sahara").rules

    assert rules.fixed_values == {
        "ListingType": "Auction",
        "Currency": "USD",
        "Quantity": "1",
        "IsTaxable": "true",
        "Bold": "false",
        "Highlight": "false",
        "AutoRelist": "0",
        "GoodTilCanceled": "false",
    }


def test_rule_tables() -> None:
    rules = load_warehouses().get("maule").rules

    assert rules.title_max_length == 80
    assert rules.subtitle_max_length == 80
    assert rules.max_photos == 10
    assert rules.auction_count_marks == {1: " -", 2: " --", 3: " ---", 4: " ----"}
    assert rules.pricing.low_msrp_max == Decimal("20.00")
    assert rules.pricing.low_msrp_price == Decimal("1.00")
    assert [(t.min_auction_count, t.price) for t in rules.pricing.by_auction_count] == [
        (1, Decimal("5.00")),
        (2, Decimal("2.50")),
        (3, Decimal("1.00")),
    ]
    assert rules.lot_order.top_lot_count == 50
    assert rules.lot_order.excluded_words == ("missing", "damaged")


@pytest.mark.parametrize(
    ("name", "category_id"),
    [
        ("appliances", 2830472),
        ("electronics", 339723),
        ("computers & accessories", 339723),
        ("home & kitchen", 162703),
        ("toys & games", 2830927),
        ("misc", 162733),
    ],
)
def test_known_category_ids(name: str, category_id: int) -> None:
    categories = load_warehouses().get("maule").rules.categories

    assert categories.ids_by_name[name] == category_id


def test_category_map_size_and_fallback() -> None:
    categories = load_warehouses().get("maule").rules.categories

    assert 30 <= len(categories.ids_by_name) <= 40
    assert categories.fallback_id == 162733


def test_unknown_warehouse_names_known_keys() -> None:
    with pytest.raises(UnknownWarehouseError) as caught:
        load_warehouses().get("henderson")

    assert "'henderson'" in str(caught.value)
    assert "maule, sahara" in str(caught.value)


def test_bad_value_names_file_key_and_value(tmp_path: Path) -> None:
    data = _raw_config()
    data["warehouses"]["sahara"]["region_id"] = "eighty"
    path = _write(tmp_path, data)

    with pytest.raises(WarehouseConfigError) as caught:
        load_warehouses(path)

    message = str(caught.value)
    assert str(path) in message
    assert "warehouses.sahara.region_id" in message
    assert "'eighty'" in message


@pytest.mark.parametrize(
    ("change", "expected_key", "expected_text"),
    [
        (
            lambda d: d["defaults"]["pricing"]["by_auction_count"].pop(0),
            "defaults.pricing.by_auction_count",
            "min_auction_count 1",
        ),
        (
            lambda d: d["defaults"]["pricing"].update(low_msrp_price="1.005"),
            "defaults.pricing.low_msrp_price",
            "decimal places",
        ),
        (
            lambda d: d["defaults"]["categories"]["ids_by_name"].update({"APPLIANCES": 1}),
            "defaults.categories.ids_by_name",
            "listed twice",
        ),
        (
            lambda d: d["defaults"]["fixed_values"].update(Colour="red"),
            "defaults",
            "Colour",
        ),
        (
            lambda d: d["defaults"]["custom_field_columns"].remove("Amazon ID"),
            "defaults",
            "['Amazon ID']",
        ),
        (
            lambda d: d["defaults"]["site_columns"].append("UPC"),
            "defaults",
            "more than once",
        ),
        (
            lambda d: d["defaults"].update(max_photos=11),
            "defaults",
            "Image_11",
        ),
        (
            lambda d: d["warehouses"]["sahara"].update(lot_prefix="M"),
            "warehouses",
            "lot_prefix",
        ),
        (
            lambda d: d["warehouses"]["maule"].update(pickup_lines="typo"),
            "warehouses.maule.pickup_lines",
            "Extra inputs",
        ),
        (
            lambda d: d["warehouses"]["maule"].pop("seller"),
            "warehouses.maule.seller",
            "Field required",
        ),
        (
            lambda d: d["warehouses"].update(Maule2=d["warehouses"].pop("maule")),
            "warehouses",
            "lower case",
        ),
    ],
)
def test_invalid_file_is_rejected(
    tmp_path: Path, change: Any, expected_key: str, expected_text: str
) -> None:
    data = _raw_config()
    change(data)
    path = _write(tmp_path, data)

    with pytest.raises(WarehouseConfigError) as caught:
        load_warehouses(path)

    message = str(caught.value)
    assert f"  {expected_key}" in message
    assert expected_text in message


def test_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"

    with pytest.raises(WarehouseConfigError, match=r"absent\.yaml"):
        load_warehouses(path)


def test_invalid_yaml_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("defaults: [unclosed\n", encoding="utf-8")

    with pytest.raises(WarehouseConfigError, match=r"broken\.yaml is not valid YAML"):
        load_warehouses(path)


def test_empty_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")

    with pytest.raises(WarehouseConfigError, match=r"empty\.yaml"):
        load_warehouses(path)
