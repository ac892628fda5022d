"""Common library of the auction services: settings, logging, telemetry, events, Kafka plumbing, database and object storage."""
