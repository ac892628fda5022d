"""I/O of airtable-sync: the paced Airtable client and the service's PostgreSQL tables."""
