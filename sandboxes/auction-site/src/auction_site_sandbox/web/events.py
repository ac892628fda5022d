"""Create Event form, its image upload, the confirmation page and publishing."""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from ..models import EventStatus
from ..rules.event_form import (
    DEFAULT_LOT_CLOSING_INTERVAL_SECONDS,
    DEFAULT_SOFT_CLOSE_SECONDS,
    EventForm,
    validate_event_form,
)
from ..store import NotFoundError
from .context import CurrentUser, Site, check_injected_failure, error_page, render

log = structlog.get_logger(__name__)
router = APIRouter()

EDITORS = (
    ("EventDescription", "Description"),
    ("TermsAndConditions", "Terms and Conditions"),
    ("ShippingInfo", "Shipping Info"),
)
# Leading bytes of the image formats the upload accepts, with the file extension to store.
IMAGE_SIGNATURES = (
    (b"\xff\xd8\xff", ".jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", ".png", "image/png"),
    (b"GIF87a", ".gif", "image/gif"),
    (b"GIF89a", ".gif", "image/gif"),
)


def _form_page(
    request: Request, form: EventForm, errors: dict[str, str], status_code: int = 200
) -> Response:
    values = {
        "EventDescription": form.description_html,
        "TermsAndConditions": form.terms_html,
        "ShippingInfo": form.shipping_html,
    }
    return render(
        request,
        "create_event.html",
        {"form": form, "errors": errors, "editors": EDITORS, "editor_values": values},
        status_code=status_code,
    )


@router.get("/Event/CreateEvent")
def create_event_page(request: Request, user: CurrentUser) -> Response:
    return _form_page(request, EventForm(), {})


@router.post("/Event/CreateEvent")
def create_event(
    request: Request,
    user: CurrentUser,
    site: Site,
    # Parameter names are the input names of the site's form, so they keep its spelling.
    Title: Annotated[str, Form()] = "",
    Subtitle: Annotated[str, Form()] = "",
    EventDescription: Annotated[str, Form()] = "",
    TermsAndConditions: Annotated[str, Form()] = "",
    ShippingInfo: Annotated[str, Form()] = "",
    ThumbnailRendererState_EventImage: Annotated[str, Form()] = "",
    StartDate: Annotated[str, Form()] = "",
    StartTime: Annotated[str, Form()] = "",
    EndDate: Annotated[str, Form()] = "",
    EndTime: Annotated[str, Form()] = "",
    LotClosingInterval: Annotated[str, Form()] = str(DEFAULT_LOT_CLOSING_INTERVAL_SECONDS),
    SoftClosingSeconds: Annotated[str, Form()] = str(DEFAULT_SOFT_CLOSE_SECONDS),
) -> Response:
    check_injected_failure(site, "create_event")
    form = EventForm(
        title=Title,
        summary=Subtitle,
        description_html=EventDescription,
        terms_html=TermsAndConditions,
        shipping_html=ShippingInfo,
        image_id=ThumbnailRendererState_EventImage.strip(),
        start_date=StartDate,
        start_time=StartTime,
        end_date=EndDate,
        end_time=EndTime,
        lot_closing_interval=LotClosingInterval,
        soft_close_seconds=SoftClosingSeconds,
    )
    image_known = bool(form.image_id) and site.store.image_file(form.image_id) is not None
    new_event, errors = validate_event_form(form, site.now_local(), image_known)
    if new_event is None:
        log.info("create_event_rejected", fields=sorted(errors))
        return _form_page(request, form, errors)
    event = site.store.create_event(new_event, created_by=user)
    log.info("event_created", event_id=event.id, has_image=event.image_id is not None)
    return RedirectResponse(f"/Event/EventConfirmation/{event.id}", status_code=302)


@router.post("/Event/UploadEventImage")
async def upload_event_image(
    user: CurrentUser, site: Site, file: Annotated[UploadFile, File()]
) -> Response:
    check_injected_failure(site, "upload_image")
    limit = site.settings.max_event_image_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        return JSONResponse(
            {"error": f"The image is larger than the {limit // (1024 * 1024)} MB limit."},
            status_code=413,
        )
    for signature, extension, content_type in IMAGE_SIGNATURES:
        if data.startswith(signature):
            image_id = site.store.save_image(
                file.filename or "image", content_type, data, extension
            )
            log.info("event_image_uploaded", image_id=image_id, bytes=len(data))
            return JSONResponse({"imageId": image_id, "url": f"/Media/EventImage/{image_id}"})
    return JSONResponse(
        {"error": "The file is not a JPEG, PNG or GIF image; choose an image file."},
        status_code=400,
    )


@router.get("/Media/EventImage/{image_id}")
def event_image(image_id: str, site: Site, request: Request) -> Response:
    found = site.store.image_file(image_id)
    if found is None:
        return error_page(request, 404, "Image not found", f"Image {image_id} was not found.")
    path, content_type = found
    return FileResponse(path, media_type=content_type)


@router.get("/Event/EventConfirmation/{event_id}")
def event_confirmation(event_id: int, request: Request, user: CurrentUser, site: Site) -> Response:
    event = site.store.find_event(event_id)
    if event is None:
        return error_page(request, 404, "Event not found", f"Event {event_id} was not found.")
    return render(request, "event_confirmation.html", {"event": event})


@router.get("/Event/Details/{event_id}")
def event_details(
    event_id: int, request: Request, user: CurrentUser, site: Site, published: int = 0
) -> Response:
    event = site.store.find_event(event_id)
    if event is None:
        return error_page(request, 404, "Event not found", f"Event {event_id} was not found.")
    return render(
        request,
        "event_details.html",
        {"event": event, "lots": site.store.list_lots(event_id), "published": bool(published)},
    )


@router.post("/Event/Publish/{event_id}")
def publish_event(event_id: int, request: Request, user: CurrentUser, site: Site) -> Response:
    check_injected_failure(site, "publish_event")
    try:
        event = site.store.get_event(event_id)
    except NotFoundError as exc:
        return error_page(request, 404, "Event not found", str(exc))
    if event.status is not EventStatus.DRAFT:
        return error_page(
            request,
            409,
            "Event already published",
            f"Event {event_id} is {event.status.value}; only Draft events can be published.",
        )
    status = EventStatus.PREVIEW if event.starts_at > site.now_local() else EventStatus.ACTIVE
    site.store.set_event_status(event_id, status)
    log.info("event_published", event_id=event_id, status=status.value)
    return RedirectResponse(f"/Event/Details/{event_id}?published=1", status_code=303)
