"""Tests of the manifest importer domain and lot-number allocation."""
