"""Local stand-in for the Airtable REST API v0 with rate limits and fault injection."""
