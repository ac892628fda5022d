"""HTTP layer: the imitated admin pages and the /_sandbox test endpoints."""
