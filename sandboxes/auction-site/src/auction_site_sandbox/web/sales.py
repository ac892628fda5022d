"""Event sales transaction report: filter, void and un-void, CSV export."""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from ..rules.sales import (
    export_csv,
    filter_sales,
    format_money,
    format_site_datetime,
    parse_paid_filter,
)
from ..store import ConflictError, NotFoundError
from .context import (
    CurrentUser,
    Site,
    SiteContext,
    check_injected_failure,
    error_page,
    render,
    safe_return_url,
)

log = structlog.get_logger(__name__)
router = APIRouter()

REPORT_PATH = "/Account/EventSalesTransactionReport"


def _event_id(text: str | None) -> int | None:
    try:
        return int(text or "")
    except ValueError:
        return None


@router.get(REPORT_PATH)
def sales_report(
    request: Request,
    user: CurrentUser,
    site: Site,
    # Query parameter names as the site spells them.
    EventID: str = "",
    isPaid: str = "0",
    page: int = 0,
) -> Response:
    event_id = _event_id(EventID)
    event = None if event_id is None else site.store.find_event(event_id)
    if event is None:
        return error_page(request, 404, "Event not found", f"Event {EventID!r} was not found.")
    paid_filter = parse_paid_filter(isPaid)
    sales = filter_sales(site.store.list_sales(event.id), paid_filter)
    page_size = site.settings.report_page_size
    page = max(page, 0)
    page_sales = sales[page * page_size : (page + 1) * page_size]
    return render(
        request,
        "sales_report.html",
        {
            "event": event,
            "sales": page_sales,
            "total_count": len(sales),
            "page": page,
            "page_count": max(1, -(-len(sales) // page_size)),
            "is_paid": int(paid_filter),
            "return_url": request.url.path + "?" + request.url.query,
            "dialog_delay_ms": int(site.faults.config.void_dialog_delay_seconds * 1000),
            "money": format_money,
            "site_datetime": format_site_datetime,
        },
    )


@router.get(REPORT_PATH + "/ExportCSV")
def export_sales(
    user: CurrentUser,
    site: Site,
    request: Request,
    EventID: str = "",
    isPaid: str = "0",
) -> Response:
    event_id = _event_id(EventID)
    event = None if event_id is None else site.store.find_event(event_id)
    if event is None:
        return error_page(request, 404, "Event not found", f"Event {EventID!r} was not found.")
    sales = filter_sales(site.store.list_sales(event.id), parse_paid_filter(isPaid))
    log.info("sales_exported", event_id=event.id, rows=len(sales))
    return Response(
        content=export_csv(sales),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="SalesTransactions_Event_{event.id}.csv"'
        },
    )


SaleId = Annotated[int, Form(alias="saleId")]
ReturnUrl = Annotated[str, Form(alias="returnUrl")]


@router.post("/Account/VoidSale")
def void_sale(
    request: Request, user: CurrentUser, site: Site, sale_id: SaleId, return_url: ReturnUrl = ""
) -> Response:
    return _change_sale(request, site, "void_sale", sale_id, return_url)


@router.post("/Account/UnVoidSale")
def unvoid_sale(
    request: Request, user: CurrentUser, site: Site, sale_id: SaleId, return_url: ReturnUrl = ""
) -> Response:
    return _change_sale(request, site, "unvoid_sale", sale_id, return_url)


def _change_sale(
    request: Request, site: SiteContext, form: str, sale_id: int, return_url: str
) -> Response:
    check_injected_failure(site, form)
    change = site.store.void_sale if form == "void_sale" else site.store.unvoid_sale
    try:
        sale = change(sale_id)
    except NotFoundError as exc:
        return error_page(request, 404, "Sale not found", str(exc))
    except ConflictError as exc:
        return error_page(request, 409, "Sale not changed", str(exc))
    log.info(
        "sale_voided" if sale.voided else "sale_unvoided",
        sale_id=sale.id,
        event_id=sale.event_id,
        invoice_id=sale.invoice_id or sale.removed_from_invoice_id,
    )
    return RedirectResponse(safe_return_url(return_url), status_code=303)
