"""Serves stored attachments at the URLs that records carry."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from airtable_sandbox import errors
from airtable_sandbox.routes.common import sandbox_of

router = APIRouter()


@router.get("/attachments/{attachment_id}/{filename}")
async def download_attachment(attachment_id: str, filename: str, request: Request) -> FileResponse:
    attachments = sandbox_of(request).store.attachments
    meta = attachments.meta(attachment_id)
    path = attachments.file_path(attachment_id)
    if meta is None or path is None or meta["filename"] != filename:
        raise errors.not_found()
    return FileResponse(path, media_type=str(meta["type"]))
