"""The Create Event texts (description, terms, shipping) of a warehouse, filled for one event."""

from __future__ import annotations

import html
from dataclasses import dataclass
from string import Template

from auction_hibid_bot.domain.schedule import EventSchedule, ending_text, form_time

PLACEHOLDERS = frozenset({"house", "warehouse", "address", "ending", "end_date", "end_time"})
TEXT_NAMES = ("description", "terms", "shipping")


class TemplateError(ValueError):
    """A template names a placeholder that does not exist or is malformed."""


@dataclass(frozen=True)
class WarehouseTexts:
    """One warehouse's display name, pickup address and HTML templates."""

    warehouse_id: str
    name: str
    address: str
    description: str
    terms: str
    shipping: str


@dataclass(frozen=True)
class EventTexts:
    description_html: str
    terms_html: str
    shipping_html: str


def check_template(text: str, where: str) -> None:
    """Raise TemplateError when `text` uses a placeholder outside PLACEHOLDERS or a bad `$`."""
    template = Template(text)
    if not template.is_valid():
        raise TemplateError(
            f"{where}: a '$' does not start a placeholder; write '$$' for a dollar sign"
        )
    unknown = sorted(set(template.get_identifiers()) - PLACEHOLDERS)
    if unknown:
        raise TemplateError(
            f"{where}: unknown placeholder(s) {', '.join('$' + name for name in unknown)}; "
            f"known: {', '.join('$' + name for name in sorted(PLACEHOLDERS))}"
        )


def render_texts(texts: WarehouseTexts, house_name: str, schedule: EventSchedule) -> EventTexts:
    """Fill the warehouse's templates for an event; the values are HTML-escaped."""
    ends_at = schedule.ends_at
    values = {
        "house": house_name,
        "warehouse": texts.name,
        "address": texts.address,
        "ending": ending_text(ends_at.date()),
        "end_date": f"{ends_at:%A}, {ends_at:%B} {ends_at.day}, {ends_at.year}",
        "end_time": form_time(ends_at.time()),
    }
    escaped = {name: html.escape(value) for name, value in values.items()}
    return EventTexts(
        description_html=Template(texts.description).substitute(escaped).strip(),
        terms_html=Template(texts.terms).substitute(escaped).strip(),
        shipping_html=Template(texts.shipping).substitute(escaped).strip(),
    )
