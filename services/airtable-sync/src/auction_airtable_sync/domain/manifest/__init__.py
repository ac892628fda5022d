"""Liquidation manifests (B-Stock CSV and XLSX exports) read into house inventory records.

Pure parsing and validation: the caller writes the records to Airtable only after the whole
file has been read, so a rejected file leaves nothing half-imported.
"""

from .column_map import load_column_map
from .conditions import CONDITIONS, normalise_condition
from .layouts import LAYOUTS, ColumnMap, Layout, detect_layout, header_key
from .model import (
    NEW_ITEM_AUCTION_COUNT,
    REQUIRED_FIELDS,
    ColumnMapError,
    ImportField,
    ImportOptions,
    InventoryRecord,
    ManifestError,
    ManifestRejectedError,
    ParsedManifest,
    RowIssue,
    Severity,
    UnknownLayoutError,
    UnreadableManifestError,
)
from .reader import read_manifest

__all__ = [
    "CONDITIONS",
    "LAYOUTS",
    "NEW_ITEM_AUCTION_COUNT",
    "REQUIRED_FIELDS",
    "ColumnMap",
    "ColumnMapError",
    "ImportField",
    "ImportOptions",
    "InventoryRecord",
    "Layout",
    "ManifestError",
    "ManifestRejectedError",
    "ParsedManifest",
    "RowIssue",
    "Severity",
    "UnknownLayoutError",
    "UnreadableManifestError",
    "detect_layout",
    "header_key",
    "load_column_map",
    "normalise_condition",
    "read_manifest",
]
