"""Airtable's error responses: status codes and JSON bodies as the REST API v0 returns them."""

from __future__ import annotations

from typing import Any


class AirtableError(Exception):
    """An error that the sandbox returns to the client in Airtable's JSON shape."""

    def __init__(self, status: int, error_type: str, message: str | None = None) -> None:
        super().__init__(f"{status} {error_type}: {message or ''}".rstrip(": "))
        self.status = status
        self.error_type = error_type
        self.message = message

    def body(self) -> dict[str, Any]:
        """Build the JSON body: `{"error": {"type", "message"}}`, or `{"error": TYPE}` alone."""
        if self.message is None:
            return {"error": self.error_type}
        return {"error": {"type": self.error_type, "message": self.message}}


class RateLimitError(AirtableError):
    """429 with the plural `errors` list that Airtable sends for rate limits."""

    def __init__(self) -> None:
        super().__init__(429, "RATE_LIMIT_REACHED", "Rate limit exceeded. Please try again later")

    def body(self) -> dict[str, Any]:
        return {"errors": [{"error": self.error_type, "message": self.message}]}


def authentication_required() -> AirtableError:
    return AirtableError(401, "AUTHENTICATION_REQUIRED", "Authentication required")


def model_not_found() -> AirtableError:
    return AirtableError(
        403,
        "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND",
        "Invalid permissions, or the requested model was not found. Check that both your user"
        " and your token have the required permissions, and that the model names and/or ids"
        " are correct.",
    )


def not_found() -> AirtableError:
    return AirtableError(404, "NOT_FOUND")


def table_not_found(table: str, base_id: str) -> AirtableError:
    return AirtableError(
        404, "TABLE_NOT_FOUND", f"Could not find table {table} in application {base_id}"
    )


def invalid_request(message: str) -> AirtableError:
    return AirtableError(422, "INVALID_REQUEST_UNKNOWN", f"Invalid request: {message}")


def invalid_records(maximum: int) -> AirtableError:
    return AirtableError(
        422,
        "INVALID_RECORDS",
        f"You must provide an array of up to {maximum} record objects.",
    )


def unknown_field(name: str) -> AirtableError:
    return AirtableError(422, "UNKNOWN_FIELD_NAME", f'Unknown field name: "{name}"')


def invalid_value(field: str, detail: str) -> AirtableError:
    return AirtableError(
        422,
        "INVALID_VALUE_FOR_COLUMN",
        f'Field "{field}" cannot accept the provided value: {detail}',
    )


def invalid_choice(field: str, option: str) -> AirtableError:
    return AirtableError(
        422,
        "INVALID_MULTIPLE_CHOICE_OPTIONS",
        f'Insufficient permissions to create new select option ""{option}"" in field'
        f' "{field}": add the option to the seed or send typecast: true',
    )


def row_does_not_exist(record_id: str) -> AirtableError:
    return AirtableError(
        422, "ROW_DOES_NOT_EXIST", f"Record ID {record_id} does not exist in this table"
    )


def invalid_formula(detail: str) -> AirtableError:
    return AirtableError(
        422,
        "INVALID_FILTER_BY_FORMULA",
        f"The formula for filtering records is invalid: {detail}",
    )


def view_not_found(view: str) -> AirtableError:
    return AirtableError(422, "VIEW_NAME_NOT_FOUND", f'View "{view}" not found')


def iterator_not_available() -> AirtableError:
    return AirtableError(
        422,
        "LIST_RECORDS_ITERATOR_NOT_AVAILABLE",
        "The offset is unknown or expired: restart listing without an offset",
    )


def invalid_attachment(field: str, detail: str) -> AirtableError:
    return AirtableError(
        422, "INVALID_ATTACHMENT_OBJECT", f'Field "{field}" has an invalid attachment: {detail}'
    )


def server_error(status: int) -> AirtableError:
    error_type = {
        500: "SERVER_ERROR",
        502: "BAD_GATEWAY",
        503: "SERVICE_UNAVAILABLE",
        504: "GATEWAY_TIMEOUT",
    }.get(status, "SERVER_ERROR")
    return AirtableError(status, error_type, "Injected server error from the sandbox fault plan")
