"""Owns all Airtable traffic: inventory snapshots, imports, dedupe and cancels."""
