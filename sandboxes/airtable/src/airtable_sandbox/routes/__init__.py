"""HTTP routes: Airtable's API (records, metadata, uploads), attachment files, admin endpoints."""
