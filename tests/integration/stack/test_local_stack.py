"""The running local stack: Kafka topics, per-service database isolation, S3 buckets."""

from __future__ import annotations

import io
import tomllib
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from minio import Minio
from psycopg import errors, sql

from auction_shared.topics import all_topics

DEFAULTS = tomllib.loads(
    (Path(__file__).resolve().parents[3] / "scripts" / "stack" / "defaults.toml").read_text()
)
SERVICE_ROLES: list[str] = DEFAULTS["postgres"]["service_roles"]


def libpq_url(url: str) -> str:
    """Drop the SQLAlchemy driver suffix: `postgresql+psycopg://` -> `postgresql://`."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def role_url(stack_env: dict[str, str], role: str) -> str:
    return libpq_url(stack_env[f"AUCTION_{role.upper()}_DATABASE_URL"])


def anonymous_get(url: str) -> tuple[int, bytes]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as error:
        return int(error.code), b""


# --- Kafka ---------------------------------------------------------------------------------


async def test_kafka_has_catalogue_topics(stack_env: dict[str, str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=stack_env["AUCTION_KAFKA_BOOTSTRAP"])
    await admin.start()
    try:
        cluster = await admin.describe_cluster()
        existing = set(await admin.list_topics())
        described = await admin.describe_topics(all_topics())
    finally:
        await admin.close()

    assert len(cluster["brokers"]) == 1
    missing = sorted(set(all_topics()) - existing)
    assert missing == []
    # Kafka cannot remove partitions, so a topic created under a larger setting keeps its count.
    minimum = int(stack_env["AUCTION_TOPIC_PARTITIONS"])
    too_few = {
        topic["topic"]: len(topic["partitions"])
        for topic in described
        if len(topic["partitions"]) < minimum
    }
    assert too_few == {}


# --- PostgreSQL ----------------------------------------------------------------------------


@pytest.fixture
def probe_tables(stack_env: dict[str, str]) -> Iterator[dict[str, str]]:
    """Create one probe table per service, owned by that service's role, and drop them after."""
    name = f"stack_probe_{uuid.uuid4().hex[:8]}"
    for role in SERVICE_ROLES:
        with psycopg.connect(role_url(stack_env, role), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE TABLE {} (id int)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("INSERT INTO {} VALUES (1)").format(sql.Identifier(name)))
    yield dict.fromkeys(SERVICE_ROLES, name)
    with psycopg.connect(libpq_url(stack_env["AUCTION_ADMIN_DATABASE_URL"])) as conn:
        for role in SERVICE_ROLES:
            conn.execute(
                sql.SQL("DROP TABLE IF EXISTS {}.{}").format(
                    sql.Identifier(role), sql.Identifier(name)
                )
            )


@pytest.mark.parametrize("role", SERVICE_ROLES)
def test_role_works_in_own_schema(stack_env: dict[str, str], role: str) -> None:
    with psycopg.connect(role_url(stack_env, role)) as conn:
        schema = conn.execute("SELECT current_schema()").fetchone()
        table = f"own_probe_{uuid.uuid4().hex[:8]}"
        conn.execute(sql.SQL("CREATE TEMP TABLE {} (id int)").format(sql.Identifier(table)))
        conn.execute(sql.SQL("CREATE TABLE {} (id int)").format(sql.Identifier(table + "_t")))
        conn.execute(sql.SQL("INSERT INTO {} VALUES (7)").format(sql.Identifier(table + "_t")))
        row = conn.execute(
            sql.SQL("SELECT id FROM {}.{}").format(
                sql.Identifier(role), sql.Identifier(table + "_t")
            )
        ).fetchone()
        conn.rollback()

    assert schema == (role,)
    assert row == (7,)


@pytest.mark.parametrize("role", SERVICE_ROLES)
def test_role_cannot_read_other_schemas(
    stack_env: dict[str, str], probe_tables: dict[str, str], role: str
) -> None:
    others = [other for other in SERVICE_ROLES if other != role]
    denied: list[str] = []
    with psycopg.connect(role_url(stack_env, role), autocommit=True) as conn:
        own = conn.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(probe_tables[role]))
        ).fetchone()
        for other in others:
            query = sql.SQL("SELECT * FROM {}.{}").format(
                sql.Identifier(other), sql.Identifier(probe_tables[other])
            )
            try:
                conn.execute(query)
            except errors.InsufficientPrivilege:
                denied.append(other)

    assert own == (1,)
    assert denied == others


@pytest.mark.parametrize("role", SERVICE_ROLES)
def test_role_cannot_use_public_schema(stack_env: dict[str, str], role: str) -> None:
    with (
        psycopg.connect(role_url(stack_env, role)) as conn,
        pytest.raises(errors.InsufficientPrivilege),
    ):
        conn.execute("CREATE TABLE public.stack_probe_public (id int)")


def test_admin_role_is_superuser(stack_env: dict[str, str]) -> None:
    with psycopg.connect(libpq_url(stack_env["AUCTION_ADMIN_DATABASE_URL"])) as conn:
        row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()

    assert row == (True,)


# --- S3 ------------------------------------------------------------------------------------


@pytest.fixture
def s3(stack_env: dict[str, str]) -> Minio:
    return Minio(
        stack_env["AUCTION_S3_ENDPOINT"],
        access_key=stack_env["AUCTION_S3_ACCESS_KEY"],
        secret_key=stack_env["AUCTION_S3_SECRET_KEY"],
        secure=stack_env["AUCTION_S3_SECURE"] == "true",
        region=stack_env["AUCTION_S3_REGION"],
    )


@pytest.mark.parametrize("bucket_key", ["AUCTION_S3_PUBLIC_BUCKET", "AUCTION_S3_PRIVATE_BUCKET"])
def test_s3_put_then_get(stack_env: dict[str, str], s3: Minio, bucket_key: str) -> None:
    bucket = stack_env[bucket_key]
    key = f"tests/stack/{uuid.uuid4().hex}.txt"
    body = b"lot 17: box of assorted tools"
    s3.put_object(bucket, key, io.BytesIO(body), len(body), content_type="text/plain")
    try:
        response = s3.get_object(bucket, key)
        try:
            fetched = response.read()
        finally:
            response.close()
            response.release_conn()
    finally:
        s3.remove_object(bucket, key)

    assert fetched == body


def test_s3_anonymous_get_public_only(stack_env: dict[str, str], s3: Minio) -> None:
    base = f"http://{stack_env['AUCTION_S3_ENDPOINT']}"
    public, private = stack_env["AUCTION_S3_PUBLIC_BUCKET"], stack_env["AUCTION_S3_PRIVATE_BUCKET"]
    key = f"tests/stack/{uuid.uuid4().hex}.jpg"
    body = b"\xff\xd8\xff\xe0 not really a photo"
    for bucket in (public, private):
        s3.put_object(bucket, key, io.BytesIO(body), len(body), content_type="image/jpeg")
    try:
        public_status, public_body = anonymous_get(f"{base}/{public}/{key}")
        private_status, _ = anonymous_get(f"{base}/{private}/{key}")
        listing_status, _ = anonymous_get(f"{base}/{public}")
    finally:
        for bucket in (public, private):
            s3.remove_object(bucket, key)

    assert public_status == 200
    assert public_body == body
    assert private_status == 403
    assert listing_status == 403
