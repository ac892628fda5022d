"""Provisioning of a running stack: Kafka topics, database roles and schemas, S3 buckets.

This module needs the project's virtual environment (aiokafka, psycopg, minio). `make up` runs it
against the local servers; in docker-compose.yml the `provision` container runs it against the
containers, with the same settings read from its environment.
"""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from .config import service_password
from .procs import StackError, say

# Kafka error codes that mean "nothing to do" when creating a topic.
_TOPIC_CREATED_OR_EXISTS = {0, 36}
_PROBE_KEY = ".stack-probe"


@dataclass(frozen=True)
class Targets:
    """Server addresses and the names to create on them, read from connection settings."""

    kafka_bootstrap: str
    topic_partitions: int
    admin_database_url: str
    service_roles: tuple[str, ...]
    s3_endpoint: str
    s3_secure: bool
    s3_access_key: str
    s3_secret_key: str
    s3_region: str
    public_bucket: str
    private_bucket: str

    @property
    def s3_url(self) -> str:
        return f"{'https' if self.s3_secure else 'http'}://{self.s3_endpoint}"

    @classmethod
    def from_settings(cls, settings: dict[str, str], roles: tuple[str, ...]) -> Targets:
        try:
            return cls(
                kafka_bootstrap=settings["AUCTION_KAFKA_BOOTSTRAP"],
                topic_partitions=int(settings["AUCTION_TOPIC_PARTITIONS"]),
                admin_database_url=settings["AUCTION_ADMIN_DATABASE_URL"],
                service_roles=roles,
                s3_endpoint=settings["AUCTION_S3_ENDPOINT"],
                s3_secure=settings.get("AUCTION_S3_SECURE", "false").lower() == "true",
                s3_access_key=settings["AUCTION_S3_ACCESS_KEY"],
                s3_secret_key=settings["AUCTION_S3_SECRET_KEY"],
                s3_region=settings["AUCTION_S3_REGION"],
                public_bucket=settings["AUCTION_S3_PUBLIC_BUCKET"],
                private_bucket=settings["AUCTION_S3_PRIVATE_BUCKET"],
            )
        except KeyError as missing:
            raise StackError(f"setting {missing.args[0]} is missing from the environment") from None


def catalogue_topics() -> list[str]:
    """Return the catalogue topics and their dead-letter twins (`python -m auction_shared.topics`)."""
    result = subprocess.run(
        [sys.executable, "-m", "auction_shared.topics"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise StackError(
            f"`python -m auction_shared.topics` failed with exit code {result.returncode}: "
            f"{result.stderr.strip()}"
        )
    topics = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    if not topics:
        raise StackError("`python -m auction_shared.topics` printed no topic names")
    return topics


# --- Kafka -------------------------------------------------------------------------------


async def _kafka_topics(targets: Targets, topics: list[str], timeout_s: float) -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import KafkaError

    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while True:
        admin = AIOKafkaAdminClient(
            bootstrap_servers=targets.kafka_bootstrap,
            client_id="auction-stack",
            request_timeout_ms=10_000,
        )
        try:
            await admin.start()
            await admin.describe_cluster()
            existing = set(await admin.list_topics())
            missing = [name for name in topics if name not in existing]
            if missing:
                say(f"creating {len(missing)} Kafka topics")
                response = await admin.create_topics(
                    [
                        NewTopic(
                            name=name,
                            num_partitions=targets.topic_partitions,
                            replication_factor=1,
                        )
                        for name in missing
                    ]
                )
                _raise_topic_errors(response)
            existing = set(await admin.list_topics())
            if all(name in existing for name in topics):
                await _add_partitions(admin, topics, targets.topic_partitions)
                return
            last_error = None
        except (KafkaError, OSError) as error:
            last_error = error
        finally:
            await admin.close()
        if time.monotonic() >= deadline:
            cause = f": {last_error!r}" if last_error else ": topics still missing from metadata"
            raise StackError(
                f"the Kafka admin client at {targets.kafka_bootstrap} did not succeed within "
                f"{timeout_s:.0f} s{cause}"
            )
        await asyncio.sleep(1.0)


async def _add_partitions(admin: Any, topics: list[str], partitions: int) -> None:
    """Grow topics that have fewer partitions than configured; Kafka cannot shrink a topic."""
    from aiokafka.admin import NewPartitions

    described = await admin.describe_topics(topics)
    counts = {entry["topic"]: len(entry["partitions"]) for entry in described}
    grow = {
        name: NewPartitions(total_count=partitions) for name in topics if counts[name] < partitions
    }
    if grow:
        say(f"raising {len(grow)} Kafka topics to {partitions} partitions")
        await admin.create_partitions(grow)
    larger = sorted(name for name in topics if counts[name] > partitions)
    if larger:
        say(
            f"{len(larger)} Kafka topics keep more than {partitions} partitions, because Kafka "
            f"cannot remove partitions (for example {larger[0]}); `make clean` recreates them"
        )


def _raise_topic_errors(response: Any) -> None:
    errors = [
        f"{entry[0]} (error code {entry[1]}: {entry[2] if len(entry) > 2 else ''})"
        for entry in getattr(response, "topic_errors", [])
        if entry[1] not in _TOPIC_CREATED_OR_EXISTS
    ]
    if errors:
        raise StackError(f"Kafka rejected topic creation: {', '.join(errors)}")


def provision_kafka(targets: Targets, timeout_s: float) -> None:
    """Wait until the broker serves admin requests, then create missing catalogue topics."""
    asyncio.run(_kafka_topics(targets, catalogue_topics(), timeout_s))


# --- PostgreSQL --------------------------------------------------------------------------


def libpq_url(url: str) -> str:
    """Turn a SQLAlchemy URL (`postgresql+psycopg://…`) into a libpq connection URL."""
    scheme, sep, rest = url.partition("://")
    return scheme.split("+", 1)[0] + sep + rest


def provision_postgres(targets: Targets, timeout_s: float) -> None:
    """Give each service a login role and its own schema, with no access to the others.

    Idempotent: roles and schemas are created when missing, and passwords, ownership, grants and
    search_path are set again on every run.
    """
    from psycopg import sql

    conninfo = libpq_url(targets.admin_database_url)
    connection = _connect_with_retry(conninfo, timeout_s)
    with connection:
        database = connection.info.dbname
        # Only the service roles may connect (and create temporary tables), and only the admin
        # may use the public schema.
        connection.execute(
            sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(database))
        )
        connection.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
        for role in targets.service_roles:
            name = sql.Identifier(role)
            exists = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
            if exists.fetchone() is None:
                connection.execute(sql.SQL("CREATE ROLE {} LOGIN").format(name))
            connection.execute(
                sql.SQL(
                    "ALTER ROLE {} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                    "NOBYPASSRLS PASSWORD {}"
                ).format(name, sql.Literal(service_password(role)))
            )
            connection.execute(
                sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
                    sql.Identifier(database), name
                )
            )
            connection.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {} AUTHORIZATION {}").format(name, name)
            )
            connection.execute(sql.SQL("ALTER SCHEMA {} OWNER TO {}").format(name, name))
            connection.execute(sql.SQL("REVOKE ALL ON SCHEMA {} FROM PUBLIC").format(name))
            connection.execute(
                sql.SQL("ALTER ROLE {} IN DATABASE {} SET search_path = {}").format(
                    name, sql.Identifier(database), name
                )
            )


def _connect_with_retry(conninfo: str, timeout_s: float) -> Any:
    import psycopg

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as error:
            if time.monotonic() >= deadline:
                raise StackError(
                    f"cannot connect to PostgreSQL as the admin role within {timeout_s:.0f} s: "
                    f"{error}"
                ) from None
            time.sleep(1.0)


# --- S3 ----------------------------------------------------------------------------------


def public_read_policy(bucket: str) -> str:
    """Return a bucket policy that lets anyone GET objects, but not list or write them."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicReadObjects",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": ["s3:GetObject"],
                    "Resource": [f"arn:aws:s3:::{bucket}/*"],
                }
            ],
        }
    )


def anonymous_get_status(url: str) -> int:
    """GET a URL without credentials (and without any proxy) and return the HTTP status."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def provision_s3(targets: Targets, timeout_s: float) -> None:
    """Create both buckets, make the public one anonymously readable, and check that it is."""
    from minio import Minio
    from minio.error import S3Error

    client = Minio(
        targets.s3_endpoint,
        access_key=targets.s3_access_key,
        secret_key=targets.s3_secret_key,
        secure=targets.s3_secure,
        region=targets.s3_region,
    )
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            client.list_buckets()
            break
        except (S3Error, OSError) as error:
            if time.monotonic() >= deadline:
                raise StackError(
                    f"the S3 server at {targets.s3_endpoint} did not respond to ListBuckets within "
                    f"{timeout_s:.0f} s: {error}"
                ) from None
            time.sleep(0.5)

    for bucket in (targets.public_bucket, targets.private_bucket):
        if not client.bucket_exists(bucket):
            say(f"creating S3 bucket {bucket}")
            client.make_bucket(bucket)
    client.set_bucket_policy(targets.public_bucket, public_read_policy(targets.public_bucket))
    try:
        client.delete_bucket_policy(targets.private_bucket)
    except S3Error as error:
        if error.code != "NoSuchBucketPolicy":
            raise

    _check_anonymous_access(client, targets)


def _check_anonymous_access(client: Any, targets: Targets) -> None:
    expected = {targets.public_bucket: 200, targets.private_bucket: 403}
    for bucket, expected_status in expected.items():
        client.put_object(bucket, _PROBE_KEY, io.BytesIO(b"probe"), 5)
        try:
            status = anonymous_get_status(f"{targets.s3_url}/{bucket}/{_PROBE_KEY}")
        finally:
            client.remove_object(bucket, _PROBE_KEY)
        if status != expected_status:
            raise StackError(
                f"an anonymous GET on bucket {bucket} returned HTTP {status}, expected {expected_status}: "
                "the bucket policy did not take effect"
            )


def provision_all(targets: Targets, timeout_s: float) -> None:
    """Provision PostgreSQL, S3 and Kafka, in that order (Kafka is usually the last one up)."""
    provision_postgres(targets, timeout_s)
    provision_s3(targets, timeout_s)
    provision_kafka(targets, timeout_s)
