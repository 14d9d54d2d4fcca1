"""/api/v1/invoices, /api/v1/payments, /api/v1/customers/{number}/credit and
/api/v1/dunning-runs: open items, money received, credit and dunning for the ERP."""

from typing import cast

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Query, Router, Status

from treue.core.roles import Perm
from treue.core.tokens import api_user, can
from treue.customers.models import Customer

from . import selectors, services
from .credit import credit_position
from .dunning import dunning_run, proposals
from .models import Allocation, Invoice, Payment
from .schemas import (
    CreditOut,
    DunningRunIn,
    DunningRunOut,
    InvoiceFilters,
    InvoiceIn,
    InvoiceList,
    InvoiceOut,
    InvoicePatch,
    PaymentIn,
    PaymentOut,
    PaymentRecordIn,
)
from .services import InvoiceChanges

invoices_router = Router(tags=["invoices"])
payments_router = Router(tags=["payments"])
credit_router = Router(tags=["credit"])
dunning_router = Router(tags=["dunning"])


@invoices_router.get("", response=InvoiceList, auth=can(Perm.INVOICE_VIEW), summary="List invoices")
def invoice_list(request: HttpRequest, filters: Query[InvoiceFilters]) -> dict[str, object]:
    invoices = selectors.invoice_list(customer_number=filters.customer, is_open=filters.is_open)
    page = selectors.invoice_details(invoices=invoices)[
        filters.offset : filters.offset + filters.limit
    ]
    return {"count": invoices.count(), "items": list(page)}


@invoices_router.post(
    "",
    response={201: InvoiceOut},
    auth=can(Perm.INVOICE_CHANGE),
    summary="Create an invoice or a credit note",
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
    summary="Record a payment received for this one invoice",
)
def payment_create(request: HttpRequest, number: str, payload: PaymentIn) -> Invoice:
    services.payment_create(invoice=selectors.invoice_get(number=number), **payload.model_dump())
    return selectors.invoice_detail(number=number)


def _payment_out(reference: str) -> Payment:
    return (
        selectors.payments_with_unallocated()
        .select_related("customer")
        .prefetch_related(
            Prefetch("allocations", queryset=Allocation.objects.select_related("invoice"))
        )
        .get(reference=reference)
    )


@payments_router.post(
    "",
    response={200: PaymentOut, 201: PaymentOut},
    auth=can(Perm.INVOICE_CHANGE),
    summary="Record money received and settle invoices with it (200 when the reference is known "
    "with the same data: nothing changes)",
)
def payment_record(request: HttpRequest, payload: PaymentRecordIn) -> Status:
    payment, created = services.payment_record(**payload.model_dump())
    return Status(201 if created else 200, _payment_out(payment.reference))


@payments_router.get(
    "/{reference}", response=PaymentOut, auth=can(Perm.INVOICE_VIEW), summary="Get a payment"
)
def payment_detail(request: HttpRequest, reference: str) -> Payment:
    return _payment_out(reference)


@credit_router.get(
    "/{number}/credit",
    response=CreditOut,
    auth=can(Perm.INVOICE_VIEW),
    summary="The customer's credit: limit, open items, open orders, exposure, held orders",
)
def customer_credit(request: HttpRequest, number: str) -> dict[str, object]:
    customer = Customer.objects.get(number=number)
    position = credit_position(customer=customer)
    return {
        "customer": customer.number,
        "currency": settings.COMPANY_CURRENCY,
        "limit": position.limit,
        "open_items": position.open_items,
        "open_orders": position.open_orders,
        "exposure": position.exposure,
        "headroom": position.headroom,
        "unallocated": position.unallocated,
        "held_orders": position.held_orders,
    }


@dunning_router.post(
    "",
    response={200: DunningRunOut, 201: DunningRunOut},
    auth=can(Perm.DUNNING_RUN),
    summary="Preview (preview: true) or execute a dunning run: one proposal per customer with "
    "overdue items, with level, tone, action and the reason",
)
def dunning_runs(request: HttpRequest, payload: DunningRunIn) -> Status:
    customer_ids = None
    if payload.customers is not None:
        customer_ids = list(
            Customer.objects.filter(number__in=payload.customers).values_list("pk", flat=True)
        )
    if payload.preview:
        found = proposals(customer_ids=customer_ids)
        return Status(200, {"preview": True, "run": None, "proposals": [p.as_api() for p in found]})
    result = dunning_run(by=api_user(request), customer_ids=customer_ids)
    return Status(
        201,
        {
            "preview": False,
            "run": result.run.pk,
            "proposals": [notice_as_api(n) for n in result.notices],
        },
    )


def notice_as_api(notice: object) -> dict[str, object]:
    from .models import DunningNotice

    assert isinstance(notice, DunningNotice)  # noqa: S101 - typed for mypy
    items = list(notice.items.select_related("invoice"))
    return {
        "customer": notice.customer.number,
        "name": notice.customer.name,
        "items": [item.invoice.number for item in items],
        "held_items": [held["invoice"] for held in notice.held_items],
        "level": notice.level,
        "tone": notice.tone,
        "action": notice.action,
        "reason": notice.reason,
        "fees": notice.fees,
        "interest": notice.interest,
    }
