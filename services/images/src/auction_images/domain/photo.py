"""The result of converting one lot photo."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProcessedPhoto:
    """A converted photo: progressive RGB JPEG bytes, their size and both checksums.

    Checksums are lowercase hex SHA-256 digests. `source_format` is Pillow's format name
    (JPEG, MPO, PNG, ...) and the source size is the stored size, before EXIF orientation.
    """

    jpeg: bytes
    width: int
    height: int
    sha256: str
    source_sha256: str
    source_format: str
    source_width: int
    source_height: int
