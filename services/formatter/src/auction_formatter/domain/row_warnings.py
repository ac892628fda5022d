"""Row warnings: problems found in inventory records while building import rows."""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

_MAX_VALUE_LENGTH = 200


class Severity(StrEnum):
    """Weight of a row warning: ERROR means the record has no row, WARNING that it has one."""

    ERROR = "ERROR"
    WARNING = "WARNING"


class RowWarning(BaseModel):
    """One problem in one inventory record, with what staff should change in Airtable."""

    model_config = ConfigDict(frozen=True)

    severity: Severity
    record_id: str
    lot_number: str
    field: str
    value: str
    message: str


def make_warning(
    severity: Severity,
    record_id: str,
    lot_number: str,
    field: str,
    value: object,
    message: str,
) -> RowWarning:
    """Build a RowWarning, shortening the shown value to 200 characters."""
    display_value = value if isinstance(value, str) else repr(value)
    if len(display_value) > _MAX_VALUE_LENGTH:
        display_value = display_value[: _MAX_VALUE_LENGTH - 1] + "…"
    return RowWarning(
        severity=severity,
        record_id=record_id,
        lot_number=lot_number,
        field=field,
        value=display_value,
        message=message,
    )
