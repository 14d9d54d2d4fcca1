"""/api/v1/invoices by invoice number, with payments and the amount still open."""

from typing import cast

from django.http import HttpRequest
from ninja import Query, Router

from treue.core.roles import Perm
from treue.core.tokens import can

from . import selectors, services
from .models import Invoice
from .schemas import InvoiceFilters, InvoiceIn, InvoiceList, InvoiceOut, InvoicePatch, PaymentIn
from .services import InvoiceChanges

invoices_router = Router(tags=["invoices"])


@invoices_router.get("", response=InvoiceList, auth=can(Perm.INVOICE_VIEW), summary="List invoices")
def invoice_list(request: HttpRequest, filters: Query[InvoiceFilters]) -> dict[str, object]:
    invoices = selectors.invoice_list(customer_number=filters.customer, is_open=filters.is_open)
    page = selectors.invoice_details(invoices=invoices)[
        filters.offset : filters.offset + filters.limit
    ]
    return {"count": invoices.count(), "items": list(page)}


@invoices_router.post(
    "", response={201: InvoiceOut}, auth=can(Perm.INVOICE_CHANGE), summary="Create an invoice"
)
def invoice_create(request: HttpRequest, payload: InvoiceIn) -> Invoice:
    invoice = services.invoice_create(**payload.model_dump())
    return selectors.invoice_detail(number=invoice.number)


@invoices_router.get(
    "/{number}", response=InvoiceOut, auth=can(Perm.INVOICE_VIEW), summary="Get an invoice"
)
def invoice_detail(request: HttpRequest, number: str) -> Invoice:
    return selectors.invoice_detail(number=number)


@invoices_router.patch(
    "/{number}",
    response=InvoiceOut,
    auth=can(Perm.INVOICE_CHANGE),
    summary="Change an invoice; only the fields sent change",
)
def invoice_update(request: HttpRequest, number: str, payload: InvoicePatch) -> Invoice:
    changes = cast(InvoiceChanges, payload.model_dump(exclude_unset=True))
    services.invoice_update(invoice=selectors.invoice_get(number=number), data=changes)
    return selectors.invoice_detail(number=number)


@invoices_router.post(
    "/{number}/payments",
    response={201: InvoiceOut},
    auth=can(Perm.INVOICE_CHANGE),
    summary="Record a payment received for the invoice",
)
def payment_create(request: HttpRequest, number: str, payload: PaymentIn) -> Invoice:
    services.payment_create(invoice=selectors.invoice_get(number=number), **payload.model_dump())
    return selectors.invoice_detail(number=number)
