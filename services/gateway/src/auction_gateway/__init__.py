"""Web UI, JSON API and task read model of the auction platform."""
