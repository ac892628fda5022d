"""Pure rules of airtable-sync: no I/O, table-driven tests in tests/unit/airtable_sync."""
