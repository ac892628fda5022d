"""Typed model of warehouses.yaml: the warehouses and the lot import rules they share."""

import re
from decimal import Decimal
from typing import Annotated, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Money = Annotated[Decimal, Field(ge=0, decimal_places=2)]

# Columns that the row builder fills from inventory and warehouse values; the file must list
# each of them.
FILLED_COLUMNS = frozenset(
    {
        "EventID", "LotNumber", "Seller", "Category", "Region", "Title", "Subtitle",
        "Description", "Price", "Working Condition", "UPC", "Truck", "Source", "Size",
        "Photo Taker", "Other Notes", "MSRP", "Lot Number", "Location", "Item Condition", "ID",
        "Amazon ID",
    }
)  # fmt: skip

_WAREHOUSE_KEY = re.compile(r"^[a-z][a-z0-9_-]*$")
_SPACES = re.compile(r"\s+")


def normalise_category_name(name: str) -> str:
    """Fold a category name for lookup: ignore case, outer spaces and repeated spaces."""
    return _SPACES.sub(" ", name).strip().casefold()


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Address(_Frozen):
    """Postal address of a warehouse, where buyers collect their lots."""

    street: NonEmptyText
    city: NonEmptyText
    state: NonEmptyText
    postal_code: NonEmptyText

    def one_line(self) -> str:
        """Format the address as "1889 E. Maule Ave Suite F, Las Vegas NV 89119"."""
        return f"{self.street}, {self.city} {self.state} {self.postal_code}"


class AirtableLocation(_Frozen):
    """Names or ids of a warehouse's Airtable base, tables and views."""

    base: NonEmptyText
    inventory_table: NonEmptyText
    send_to_auction_view: NonEmptyText
    remove_dups_view: NonEmptyText
    cancels_table: NonEmptyText


class PriceTier(_Frozen):
    """Starting bid for lots listed at least `min_auction_count` times."""

    min_auction_count: int = Field(ge=1)
    price: Money


class PricingRules(_Frozen):
    """Table of starting bids, used unless the auction has a price override above 0."""

    low_msrp_max: Money
    low_msrp_price: Money
    by_auction_count: tuple[PriceTier, ...] = Field(min_length=1)

    @field_validator("by_auction_count")
    @classmethod
    def _check_tiers(cls, tiers: tuple[PriceTier, ...]) -> tuple[PriceTier, ...]:
        counts = [tier.min_auction_count for tier in tiers]
        if counts[0] != 1:
            raise ValueError(f"the first tier must have min_auction_count 1, got {counts[0]}")
        if counts != sorted(set(counts)):
            raise ValueError(f"min_auction_count values must rise strictly, got {counts}")
        return tiers


class LotOrderRules(_Frozen):
    """Rules for choosing the top lots of the file, which come before the shuffled rest."""

    top_lot_count: int = Field(ge=0)
    excluded_words: tuple[NonEmptyText, ...]


class CategoryRules(_Frozen):
    """Map of Airtable category names to site category ids, with the fallback id."""

    fallback_id: int = Field(gt=0)
    ids_by_name: dict[str, Annotated[int, Field(gt=0)]]

    @field_validator("ids_by_name")
    @classmethod
    def _normalise_names(cls, ids_by_name: dict[str, int]) -> dict[str, int]:
        normalised: dict[str, int] = {}
        for name, category_id in ids_by_name.items():
            key = normalise_category_name(name)
            if not key:
                raise ValueError("a category name is empty")
            if key in normalised:
                raise ValueError(f"category name {name!r} is listed twice (ignoring case)")
            normalised[key] = category_id
        return normalised


class FormattingRules(_Frozen):
    """Rules shared by every warehouse: columns, fixed values, pricing, titles, lot order."""

    title_max_length: int = Field(ge=10)
    subtitle_max_length: int = Field(ge=10)
    max_photos: int = Field(ge=0)
    site_columns: tuple[NonEmptyText, ...]
    custom_field_columns: tuple[NonEmptyText, ...]
    fixed_values: dict[str, str]
    pricing: PricingRules
    auction_count_marks: dict[Annotated[int, Field(ge=1)], str]
    lot_order: LotOrderRules
    categories: CategoryRules

    @property
    def columns(self) -> tuple[str, ...]:
        """All import CSV columns in file order: the site's own, then the custom fields."""
        return self.site_columns + self.custom_field_columns

    @property
    def image_columns(self) -> tuple[str, ...]:
        """Image_1 … Image_<max_photos>, primary photo first."""
        return tuple(f"Image_{n}" for n in range(1, self.max_photos + 1))

    @model_validator(mode="after")
    def _check_columns(self) -> Self:
        columns = self.columns
        repeated = sorted({name for name in columns if columns.count(name) > 1})
        if repeated:
            raise ValueError(f"columns listed more than once: {repeated}")
        missing = sorted(FILLED_COLUMNS - set(columns))
        if missing:
            raise ValueError(f"columns that the formatter fills are missing: {missing}")
        unknown = sorted(set(self.fixed_values) - set(columns))
        if unknown:
            raise ValueError(f"fixed_values names columns that are not listed: {unknown}")
        missing_images = [name for name in self.image_columns if name not in columns]
        if missing_images:
            raise ValueError(
                f"max_photos is {self.max_photos} but these columns are missing: {missing_images}"
            )
        return self


class WarehouseEntry(_Frozen):
    """One warehouse as written under `warehouses` in the file."""

    display_name: NonEmptyText
    lot_prefix: NonEmptyText
    region_id: int = Field(gt=0)
    seller: NonEmptyText
    source: NonEmptyText
    pickup_line: NonEmptyText
    address: Address
    airtable: AirtableLocation


class WarehouseConfig(WarehouseEntry):
    """One warehouse with its key and the shared rules: what the formatter needs for a run."""

    key: str
    rules: FormattingRules


class WarehousesFile(_Frozen):
    """The whole warehouses.yaml file."""

    defaults: FormattingRules
    warehouses: dict[str, WarehouseEntry] = Field(min_length=1)

    @field_validator("warehouses")
    @classmethod
    def _check_warehouses(cls, warehouses: dict[str, WarehouseEntry]) -> dict[str, WarehouseEntry]:
        for key in warehouses:
            if not _WAREHOUSE_KEY.match(key):
                raise ValueError(
                    f"warehouse key {key!r} must be lower case letters, digits, '-' or '_'"
                )
        prefixes = [entry.lot_prefix for entry in warehouses.values()]
        repeated = sorted({prefix for prefix in prefixes if prefixes.count(prefix) > 1})
        if repeated:
            raise ValueError(f"lot_prefix values must differ between warehouses: {repeated}")
        return warehouses
