"""Attachments: upload_attachment, URL re-hosting from allowed hosts only, serving the files."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from integration.airtable_sandbox.airtable_conformance import (
    NO_RATE_LIMIT,
    TEST_BASE,
    TEST_SEED,
    error_response,
)
from PIL import Image
from requests.exceptions import HTTPError

from airtable_sandbox.config import AttachmentSettings
from airtable_sandbox.testing import RunningSandbox, run_sandbox


def _jpeg(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_upload_attachment_through_pyairtable(sandbox: RunningSandbox, items: Any) -> None:
    record = items.create({"Name": "bolt"})
    content = _jpeg()

    result = items.upload_attachment(record["id"], "Photo", "bolt.jpg", content=content)

    photo_field_id = items.schema().field("Photo").id
    attachment = result["fields"][photo_field_id][0]
    assert attachment["filename"] == "bolt.jpg"
    assert attachment["type"] == "image/jpeg"
    assert attachment["size"] == len(content)
    assert (attachment["width"], attachment["height"]) == (64, 48)
    assert attachment["url"].startswith(sandbox.url + "/attachments/att")
    assert httpx.get(attachment["url"]).content == content
    assert items.get(record["id"])["fields"]["Photo"][0]["id"] == attachment["id"]


def test_upload_attachment_appends(items: Any) -> None:
    record = items.create({"Name": "bolt"})
    items.upload_attachment(record["id"], "Photo", "one.txt", content=b"first")
    items.upload_attachment(record["id"], "Photo", "two.txt", content=b"second")
    names = [item["filename"] for item in items.get(record["id"])["fields"]["Photo"]]
    assert names == ["one.txt", "two.txt"]


def test_upload_attachment_to_text_field_is_422(items: Any) -> None:
    record = items.create({"Name": "bolt"})
    with pytest.raises(HTTPError) as caught:
        items.upload_attachment(record["id"], "Name", "x.txt", content=b"x")
    assert error_response(caught.value).status_code == 422


def test_url_attachment_is_fetched_and_rehosted(
    sandbox: RunningSandbox, items: Any, file_server: tuple[str, Path]
) -> None:
    server_url, folder = file_server
    content = _jpeg(320, 200)
    (folder / "lot 7.jpg").write_bytes(content)

    record = items.create({"Name": "bolt", "Photo": [{"url": f"{server_url}/lot%207.jpg"}]})

    attachment = record["fields"]["Photo"][0]
    assert attachment["url"].startswith(sandbox.url + "/attachments/")
    assert attachment["filename"] == "lot 7.jpg"
    assert attachment["type"] == "image/jpeg"
    assert (attachment["width"], attachment["height"]) == (320, 200)
    assert set(attachment["thumbnails"]) == {"small", "large", "full"}
    (folder / "lot 7.jpg").unlink()
    downloaded = httpx.get(attachment["url"])
    assert downloaded.content == content
    assert downloaded.headers["content-type"] == "image/jpeg"


def test_url_attachment_keeps_given_filename_and_existing_ids(
    items: Any, file_server: tuple[str, Path]
) -> None:
    server_url, folder = file_server
    (folder / "a.jpg").write_bytes(_jpeg())
    first = items.create({"Photo": [{"url": f"{server_url}/a.jpg", "filename": "front.jpg"}]})
    kept = first["fields"]["Photo"][0]

    second = items.create({"Photo": [{"id": kept["id"]}, {"url": f"{server_url}/a.jpg"}]})

    photos = second["fields"]["Photo"]
    assert kept["filename"] == "front.jpg"
    assert photos[0]["id"] == kept["id"]
    assert photos[1]["filename"] == "a.jpg"


def test_url_attachment_from_other_host_is_rejected(items: Any) -> None:
    with pytest.raises(HTTPError) as caught:
        items.create({"Name": "bolt", "Photo": [{"url": "http://images.example.invalid/x.jpg"}]})
    error = error_response(caught.value).json()["error"]
    assert error["type"] == "INVALID_ATTACHMENT_OBJECT"
    assert "not in the sandbox's allowed hosts" in error["message"]
    assert items.all() == []


def test_url_attachment_failures_write_nothing(items: Any, file_server: tuple[str, Path]) -> None:
    server_url, folder = file_server
    (folder / "ok.jpg").write_bytes(_jpeg())
    records = [
        {"fields": {"Name": "good", "Photo": [{"url": f"{server_url}/ok.jpg"}]}},
        {"fields": {"Name": "bad", "Photo": [{"url": f"{server_url}/missing.jpg"}]}},
    ]
    with pytest.raises(HTTPError) as caught:
        items.api.post(items.urls.records, json={"records": records})
    assert "HTTP 404" in error_response(caught.value).json()["error"]["message"]
    assert items.all() == []


def test_url_attachment_size_cap(tmp_path: Path, file_server: tuple[str, Path]) -> None:
    server_url, folder = file_server
    (folder / "big.bin").write_bytes(b"x" * 5000)
    small = AttachmentSettings(max_bytes=1000)
    with run_sandbox(
        TEST_SEED, data_dir=tmp_path / "data", rate_limit=NO_RATE_LIMIT, attachments=small
    ) as running:
        table = running.api().table(TEST_BASE, "Items")
        with pytest.raises(HTTPError) as caught:
            table.create({"Photo": [{"url": f"{server_url}/big.bin"}]})
    assert (
        "larger than the limit of 1000 bytes"
        in error_response(caught.value).json()["error"]["message"]
    )


def test_seed_attachment_from_local_file(tmp_path: Path) -> None:
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "seeded.jpg").write_bytes(_jpeg(10, 20))
    seed_file = tmp_path / "seed.yaml"
    seed_file.write_text(
        "bases:\n"
        "  - id: appSeedFiles00001\n"
        "    name: Files\n"
        "    tables:\n"
        "      - name: T\n"
        "        fields: [{name: Name, type: singleLineText}, {name: Pic, type: multipleAttachments}]\n"
        "        records:\n"
        "          - fields: {Name: one, Pic: [{path: pics/seeded.jpg}]}\n"
    )
    with run_sandbox(seed_file, data_dir=tmp_path / "data", rate_limit=NO_RATE_LIMIT) as running:
        record = running.api().table("appSeedFiles00001", "T").all()[0]
        picture = record["fields"]["Pic"][0]
        assert picture["filename"] == "seeded.jpg"
        assert (picture["width"], picture["height"]) == (10, 20)
        assert httpx.get(picture["url"]).status_code == 200


def test_attachment_url_with_wrong_filename_is_404(sandbox: RunningSandbox, items: Any) -> None:
    record = items.create({"Name": "bolt"})
    result = items.upload_attachment(record["id"], "Photo", "a.txt", content=b"abc")
    url = next(iter(result["fields"].values()))[0]["url"]
    assert httpx.get(url.replace("a.txt", "b.txt")).status_code == 404
