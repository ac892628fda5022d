"""The local stack without Docker: Kafka, PostgreSQL and an S3 server under `.state/`.

Run it from the repository root as `python -m scripts.stack up|down|status|logs|clean`
(the Makefile does).
"""
