"""The Airtable client: pyairtable on a requests session that paces and retries every request.

pyairtable's own retry (429 only, about 3 s in total) is turned off: the session below waits out
Airtable's 30-second lock instead, and retries 5xx responses and broken connections with backoff.
Every call here is synchronous; handlers run them in worker threads (see `iterate_in_thread`).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from pyairtable import Api, Table

from auction_airtable_sync.adapters.metrics import AIRTABLE_RATE_LIMITED, AIRTABLE_REQUESTS
from auction_airtable_sync.adapters.pacer import Pacer
from auction_airtable_sync.domain.retry import (
    Outcome,
    RetryPolicy,
    classify,
    decide,
    parse_retry_after,
)
from auction_shared.logging import get_logger

log = get_logger(__name__)

T = TypeVar("T")

# Records per page of "list records"; Airtable's maximum.
PAGE_SIZE = 100
# Records per create, update or upsert request; Airtable's maximum.
WRITE_BATCH_SIZE = 10

_BASE_ID = re.compile(r"/(app[A-Za-z0-9]{14})(?:/|$)")
# Requests that name no base (e.g. /v0/meta/whoami) share one pacing key.
NO_BASE = "-"


def base_id_of(url: str) -> str:
    """Return the base id a request URL addresses, or NO_BASE."""
    path = urlsplit(url).path
    match = _BASE_ID.search(path)
    return match.group(1) if match else NO_BASE


class AirtableError(Exception):
    """Airtable rejected a request with a status that no retry fixes, or retries ran out."""

    def __init__(self, status: int | None, error_type: str, message: str, url: str) -> None:
        self.status = status
        self.error_type = error_type
        self.message = message
        self.url = url
        super().__init__(f"Airtable returned {status or 'no response'} {error_type}: {message}")

    @property
    def is_permanent(self) -> bool:
        """True when repeating the request fails the same way (4xx other than 429)."""
        return self.status is not None and 400 <= self.status < 500 and self.status != 429


class PacedSession(requests.Session):
    """A requests session that sends each request in a slot of its base and retries failures."""

    def __init__(
        self, pacer: Pacer, policy: RetryPolicy, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        super().__init__()
        self._pacer = pacer
        self._policy = policy
        self._sleep = sleep

    def request(  # type: ignore[override]
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        method_name = method.decode() if isinstance(method, bytes) else method
        url_text = url.decode() if isinstance(url, bytes) else url
        base_id = base_id_of(url_text)
        rate_limited = 0
        retries = 0
        while True:
            self._pacer.acquire(base_id)
            response: requests.Response | None = None
            failure: requests.RequestException | None = None
            try:
                response = super().request(method_name, url_text, *args, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as error:
                failure = error
            status = response.status_code if response is not None else None
            AIRTABLE_REQUESTS.labels(
                base=base_id, method=method_name.upper(), status=str(status or "error")
            ).inc()

            outcome = classify(status)
            retry_after = parse_retry_after(
                response.headers.get("Retry-After") if response is not None else None
            )
            decision = decide(
                outcome,
                rate_limited_so_far=rate_limited,
                retries_so_far=retries,
                policy=self._policy,
                retry_after_seconds=retry_after,
            )
            if outcome is Outcome.RATE_LIMITED:
                AIRTABLE_RATE_LIMITED.labels(base=base_id).inc()
                self._pacer.block(base_id, decision.lock_seconds)
                rate_limited += 1
            elif outcome is Outcome.TRANSIENT:
                retries += 1

            if not decision.retry:
                if response is None:
                    assert failure is not None
                    raise failure
                return response
            log.warning(
                "airtable_request_retried",
                base_id=base_id,
                method=method_name.upper(),
                status=status,
                error=type(failure).__name__ if failure else None,
                rate_limited=rate_limited,
                retries=retries,
                backoff_seconds=decision.backoff_seconds,
            )
            if response is not None:
                response.close()
            if decision.backoff_seconds:
                self._sleep(decision.backoff_seconds)


@dataclass(frozen=True)
class Location:
    """A table of a base, and optionally one of its views."""

    base_id: str
    table: str
    view: str | None = None

    def describe(self) -> str:
        view = f" view {self.view!r}" if self.view else ""
        return f"table {self.table!r}{view} of base {self.base_id}"


class AirtableClient:
    """The Airtable operations airtable-sync needs, each request paced and retried."""

    def __init__(
        self,
        *,
        endpoint_url: str,
        token: str,
        pacer: Pacer,
        policy: RetryPolicy,
        timeout_seconds: float = 30.0,
    ) -> None:
        self._api = Api(
            token,
            endpoint_url=endpoint_url,
            timeout=(timeout_seconds, timeout_seconds),  # type: ignore[arg-type]
            retry_strategy=None,
        )
        session = PacedSession(pacer, policy)
        session.headers.update(self._api.session.headers)
        self._api.session = session

    def iterate_records(
        self, location: Location, fields: Sequence[str] | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """Yield the records of a table (or view) page by page, 100 per page."""
        options: dict[str, Any] = {"page_size": PAGE_SIZE}
        if location.view:
            options["view"] = location.view
        if fields is not None:
            options["fields"] = list(fields)
        pages = self._api.table(location.base_id, location.table).iterate(**options)
        while True:
            try:
                page = next(pages)
            except StopIteration:
                return
            except requests.HTTPError as error:
                raise _airtable_error(error) from error
            yield [dict(record) for record in page]

    def upsert(
        self, location: Location, records: Sequence[Mapping[str, Any]], key_fields: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Create or update up to 10 records matched on `key_fields`; return them as Airtable did."""
        payload = [{"fields": dict(fields)} for fields in records]
        return self._write(
            location,
            payload,
            lambda table: table.batch_upsert(payload, key_fields=list(key_fields))["records"],
        )

    def create(
        self, location: Location, records: Sequence[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        """Create up to 10 records; return them as Airtable did."""
        payload = [dict(fields) for fields in records]
        return self._write(location, payload, lambda table: table.batch_create(payload))

    def update(
        self, location: Location, records: Sequence[Mapping[str, Any]], *, typecast: bool = False
    ) -> list[dict[str, Any]]:
        """Update up to 10 records given as `{id, fields}` (only the given fields change).

        `typecast` lets Airtable add a new option to a select field instead of rejecting it.
        """
        payload = [{"id": record["id"], "fields": dict(record["fields"])} for record in records]
        return self._write(
            location,
            payload,
            lambda table: table.batch_update(payload, typecast=typecast),  # type: ignore[arg-type]
        )

    def _write(
        self,
        location: Location,
        payload: Sequence[Mapping[str, Any]],
        write: Callable[[Table], Sequence[Mapping[str, Any]]],
    ) -> list[dict[str, Any]]:
        # One request per call, so that the caller can record each batch it got back.
        if len(payload) > WRITE_BATCH_SIZE:
            raise ValueError(f"{len(payload)} records in one write; Airtable takes 10 at most")
        table = self._api.table(location.base_id, location.table)
        try:
            written = write(table)
        except requests.HTTPError as error:
            raise _airtable_error(error) from error
        return [dict(record) for record in written]


def _airtable_error(error: requests.HTTPError) -> AirtableError:
    response = error.response
    status = response.status_code if response is not None else None
    error_type = "ERROR"
    message = str(error)
    if response is not None:
        try:
            body = response.json()
        except ValueError:
            body = None
        detail = body.get("error") if isinstance(body, dict) else None
        if isinstance(detail, dict):
            error_type = str(detail.get("type") or error_type)
            message = str(detail.get("message") or message)
        elif isinstance(detail, str):
            error_type = detail
    url = response.url if response is not None else ""
    return AirtableError(status, error_type, message, url)


async def iterate_in_thread(iterator: Iterator[T]) -> AsyncIterator[T]:
    """Advance a blocking iterator in a worker thread, one item at a time."""
    done = object()
    while True:
        item = await asyncio.to_thread(next, iterator, done)
        if item is done:
            return
        yield item  # type: ignore[misc]
