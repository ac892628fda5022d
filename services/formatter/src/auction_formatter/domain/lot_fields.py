"""Rules for the values of one lot row: lot number, title, subtitle, description, price."""

import html
from decimal import ROUND_HALF_UP, Decimal

from auction_formatter.config import CategoryRules, PricingRules, normalise_category_name
from auction_formatter.domain.text import CENT, cut_at_word, format_money, single_line

MSRP_UNKNOWN = "N/A"


def lot_number(lot_prefix: str, airtable_lot_number: str) -> str:
    """Return the site LotNumber: warehouse prefix + Airtable Lot Number, or "" without one."""
    number = airtable_lot_number.strip()
    return f"{lot_prefix}{number}" if number else ""


def title(product_name: str, max_length: int) -> str:
    """Return the lot title: the product name on one line, cut at a word to max_length."""
    return cut_at_word(single_line(product_name), max_length)


def subtitle(
    msrp: Decimal | None,
    auction_count: int | None,
    notes: str,
    auction_count_marks: dict[int, str],
    max_length: int,
) -> str:
    """Return "MSRP: $<msrp>", the Auction Count mark, then " NOTES: <notes>", cut to max_length.

    A missing MSRP reads "MSRP: N/A". A missing Auction Count counts as 1, and counts without
    a mark in the table get none.
    """
    shown_msrp = MSRP_UNKNOWN if msrp is None else "$" + format_money(msrp)
    count = effective_auction_count(auction_count)
    text = f"MSRP: {shown_msrp}{auction_count_marks.get(count, '')}"
    notes_line = single_line(notes)
    if notes_line:
        text += f" NOTES: {notes_line}"
    return cut_at_word(text, max_length)


def description_html(labelled_values: list[tuple[str, str]], pickup_line: str) -> str:
    """Return `<b>Label</b>: value<br>` per non-empty value, then the pickup line.

    Labels and values are HTML-escaped, and line breaks inside a value become <br>.
    """
    lines = []
    for label, value in labelled_values:
        if not value.strip():
            continue
        escaped = html.escape(value.strip(), quote=False).replace("\n", "<br>")
        lines.append(f"<b>{html.escape(label, quote=False)}</b>: {escaped}<br>")
    lines.append(html.escape(pickup_line, quote=False))
    return "".join(lines)


def upc(raw_upc: str) -> str:
    """Return the UPC when it is all ASCII digits after trimming spaces, else ""."""
    text = raw_upc.strip()
    return text if text.isascii() and text.isdigit() else ""


def effective_auction_count(auction_count: int | None) -> int:
    """Return the Auction Count that the rules use: missing or below 1 counts as 1."""
    if auction_count is None or auction_count < 1:
        return 1
    return auction_count


def starting_price(
    msrp: Decimal | None,
    auction_count: int | None,
    price_override: Decimal | None,
    pricing: PricingRules,
) -> Decimal:
    """Return the starting bid with two decimals.

    An override above 0 wins. Otherwise an MSRP above 0 and at most low_msrp_max gets
    low_msrp_price. Otherwise the Auction Count tier applies, and a missing count counts as 1.
    """
    if price_override is not None and price_override > 0:
        return price_override.quantize(CENT, rounding=ROUND_HALF_UP)
    if msrp is not None and 0 < msrp <= pricing.low_msrp_max:
        return pricing.low_msrp_price.quantize(CENT)
    count = effective_auction_count(auction_count)
    price = pricing.by_auction_count[0].price
    for tier in pricing.by_auction_count:
        if count >= tier.min_auction_count:
            price = tier.price
    return price.quantize(CENT)


def category_id(category_name: str, categories: CategoryRules) -> tuple[int, str | None]:
    """Return the site category id for a name (any case) and a warning message when unknown.

    Unknown and empty names get the fallback id.
    """
    key = normalise_category_name(category_name)
    if not key:
        return categories.fallback_id, (
            f"Category is empty, so the lot goes to the fallback category "
            f"{categories.fallback_id}. Set a Category in Airtable."
        )
    known_id = categories.ids_by_name.get(key)
    if known_id is None:
        return categories.fallback_id, (
            f"Unknown Category {category_name.strip()!r}, so the lot goes to the fallback "
            f"category {categories.fallback_id}. Fix the Category in Airtable or add the name "
            f"to the categories map in warehouses.yaml."
        )
    return known_id, None
