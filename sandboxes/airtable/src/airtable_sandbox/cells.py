"""Cell values: validation and typecast on write, rendering on read, formula and sort views.

Stored values are JSON values keyed by field id. Empty values (None, "", [], False) are not
stored, because Airtable omits empty cells from its responses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from airtable_sandbox import errors
from airtable_sandbox.formula import Value
from airtable_sandbox.schema import NUMBER_TYPES, TEXT_TYPES, Field

# Builds the public URL of a stored attachment from its metadata.
UrlBuilder = Callable[[dict[str, Any]], str]

_TRUE_WORDS = frozenset({"true", "1", "yes", "checked", "on", "x"})
_FALSE_WORDS = frozenset({"false", "0", "no", "unchecked", "off", ""})


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def coerce(field: Field, value: Any, typecast: bool, new_choices: list[str]) -> Any:
    """Validate one written value (attachments excepted) and return the value to store.

    With `typecast`, convert text to numbers, booleans, dates and select options as Airtable
    does, and append select options the field lacks to `new_choices` (the caller adds them
    once the whole request is valid). Raise AirtableError 422 naming the field otherwise.
    """
    if value is None:
        return None
    kind = field.type
    if kind in TEXT_TYPES:
        return _coerce_text(field, value, typecast)
    if kind in NUMBER_TYPES:
        return _coerce_number(field, value, typecast)
    if kind == "checkbox":
        return _coerce_checkbox(field, value, typecast)
    if kind == "singleSelect":
        name = _coerce_text(field, value, typecast)
        return _check_choices(field, [name], typecast, new_choices)[0] if name else None
    if kind == "multipleSelects":
        return _check_choices(
            field, _coerce_option_list(field, value, typecast), typecast, new_choices
        )
    if kind == "date":
        return _coerce_date(field, value, typecast)
    if kind == "dateTime":
        return _coerce_datetime(field, value)
    raise errors.invalid_value(field.name, f"the sandbox cannot write fields of type {kind}")


def _coerce_text(field: Field, value: Any, typecast: bool) -> str:
    if isinstance(value, str):
        return value
    if typecast and isinstance(value, bool | int | float):
        return str(value).lower() if isinstance(value, bool) else _number_text(value)
    if typecast and isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(value)
    raise errors.invalid_value(field.name, f"expected text, got {_describe(value)}")


def _number_text(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _coerce_number(field: Field, value: Any, typecast: bool) -> int | float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if typecast and isinstance(value, str):
        cleaned = value.strip().replace("$", "").replace(",", "").rstrip("%").strip()
        try:
            number = float(cleaned)
        except ValueError:
            pass
        else:
            return int(number) if number.is_integer() and "." not in cleaned else number
    raise errors.invalid_value(field.name, f"expected a number, got {_describe(value)}")


def _coerce_checkbox(field: Field, value: Any, typecast: bool) -> bool:
    if isinstance(value, bool):
        return value
    if typecast and isinstance(value, str | int | float):
        word = str(value).strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    raise errors.invalid_value(field.name, f"expected true or false, got {_describe(value)}")


def _coerce_option_list(field: Field, value: Any, typecast: bool) -> list[str]:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        items = value
    elif typecast and isinstance(value, str):
        items = [part.strip() for part in value.split(",")]
    elif (
        typecast
        and isinstance(value, list)
        and all(isinstance(item, str | int | float) for item in value)
    ):
        items = [_coerce_text(field, item, True) for item in value]
    else:
        raise errors.invalid_value(
            field.name, f"expected a list of option names, got {_describe(value)}"
        )
    unique: list[str] = []
    for item in items:
        if item and item not in unique:
            unique.append(item)
    return unique


def _check_choices(
    field: Field, names: list[str], typecast: bool, new_choices: list[str]
) -> list[str]:
    known = field.choice_names()
    for name in names:
        if name in known or name in new_choices:
            continue
        if not typecast:
            raise errors.invalid_choice(field.name, name)
        new_choices.append(name)
    return names


def _coerce_date(field: Field, value: Any, typecast: bool) -> str:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            if typecast:
                try:
                    return datetime.fromisoformat(value).date().isoformat()
                except ValueError:
                    pass
    raise errors.invalid_value(field.name, f"expected a date as YYYY-MM-DD, got {_describe(value)}")


def _coerce_datetime(field: Field, value: Any) -> str:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return format_timestamp(moment)
    raise errors.invalid_value(
        field.name, f"expected an ISO 8601 date and time, got {_describe(value)}"
    )


def format_timestamp(moment: datetime) -> str:
    """Format like Airtable: UTC with milliseconds, e.g. 2026-12-04T20:13:02.000Z."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def render(field: Field, stored: Any, url_for: UrlBuilder) -> Any:
    """Render a stored value as the JSON cell value of a response (cellFormat=json)."""
    if field.type == "multipleAttachments":
        return [attachment_object(item, url_for) for item in stored]
    return stored


def render_string(field: Field, stored: Any, url_for: UrlBuilder) -> str:
    """Render a stored value as text (cellFormat=string)."""
    precision = int(field.to_dict().get("options", {}).get("precision", 0))
    if field.type == "currency":
        symbol = field.to_dict()["options"].get("symbol", "$")
        return f"{symbol}{float(stored):,.{precision}f}"
    if field.type == "percent":
        return f"{float(stored) * 100:.{precision}f}%"
    if field.type == "number":
        return f"{float(stored):.{precision}f}"
    if field.type == "checkbox":
        return "checked"
    if field.type == "multipleSelects":
        return ", ".join(stored)
    if field.type == "multipleAttachments":
        return ", ".join(f"{item['filename']} ({url_for(item)})" for item in stored)
    return str(stored)


def attachment_object(meta: dict[str, Any], url_for: UrlBuilder) -> dict[str, Any]:
    """Build Airtable's attachment object from stored metadata.

    NOTE: the thumbnails point at the original file with its own size; the sandbox does not
    resize images as Airtable does.
    """
    url = url_for(meta)
    result: dict[str, Any] = {
        "id": meta["id"],
        "url": url,
        "filename": meta["filename"],
        "size": meta["size"],
        "type": meta["type"],
    }
    if "width" in meta and "height" in meta:
        result["width"] = meta["width"]
        result["height"] = meta["height"]
        thumbnail = {"url": url, "width": meta["width"], "height": meta["height"]}
        result["thumbnails"] = {"small": thumbnail, "large": thumbnail, "full": thumbnail}
    return result


def formula_value(field: Field, stored: Any, url_for: UrlBuilder) -> Value:
    """Convert a stored value to the value a formula reads: lists become lists of text."""
    if stored is None:
        return None
    if field.type == "multipleAttachments":
        return [f"{item['filename']} ({url_for(item)})" for item in stored]
    if isinstance(stored, list):
        return [str(item) for item in stored]
    if isinstance(stored, bool | int | float | str):
        return stored
    return str(stored)


def sort_key(field: Field, stored: Any) -> tuple[int, float, str]:
    """Order blanks first, then numbers by value, then text case-insensitively."""
    if is_empty(stored):
        return (0, 0.0, "")
    if field.type in NUMBER_TYPES and isinstance(stored, int | float):
        return (1, float(stored), "")
    if field.type == "checkbox":
        return (1, 1.0, "")
    if field.type == "multipleAttachments":
        return (2, 0.0, ", ".join(item["filename"].lower() for item in stored))
    if isinstance(stored, list):
        return (2, 0.0, ", ".join(str(item) for item in stored).lower())
    return (2, 0.0, str(stored).lower())
