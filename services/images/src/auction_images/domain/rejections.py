"""Reasons a lot photo is rejected, shared by the download and the conversion steps."""

from __future__ import annotations

from enum import StrEnum


class RejectionCode(StrEnum):
    """Machine-readable reason for a rejected photo; the values appear in events and logs."""

    BAD_URL = "bad_url"
    HOST_NOT_ALLOWED = "host_not_allowed"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    DOWNLOAD_FAILED = "download_failed"
    BAD_CONTENT_TYPE = "bad_content_type"
    TOO_SMALL = "too_small"
    TOO_LARGE = "too_large"
    NOT_AN_IMAGE = "not_an_image"
    UNSUPPORTED_FORMAT = "unsupported_format"
    TRUNCATED = "truncated"
    CORRUPT = "corrupt"
    TOO_MANY_PIXELS = "too_many_pixels"
    BAD_DIMENSIONS = "bad_dimensions"
    UNSUPPORTED_MODE = "unsupported_mode"


class PhotoRejected(Exception):
    """A photo that cannot be used, with a code for machines and a message for staff.

    The message names the offending value and what to do about it. Instances pickle, so a
    rejection raised in a worker process reaches the caller intact.
    """

    def __init__(self, code: RejectionCode, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
