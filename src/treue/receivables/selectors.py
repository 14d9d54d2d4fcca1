"""Reads of invoices with what was paid and what is still open; fixed query counts."""

import datetime
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from treue.core.money import round_money

from .models import Invoice, Payment

_MONEY: DecimalField = DecimalField(max_digits=18, decimal_places=2)


def _paid_amount() -> Coalesce:
    paid = (
        Payment.objects.filter(invoice=OuterRef("pk"))
        .values("invoice")
        .annotate(total=Sum(F("amount") + F("cash_discount")))
        .values("total")
    )
    return Coalesce(Subquery(paid, output_field=_MONEY), Decimal(0), output_field=_MONEY)


def invoice_list(*, customer_number: str = "", is_open: bool | None = None) -> QuerySet[Invoice]:
    """Invoices by number; `is_open` keeps those with (True) or without (False) an open amount."""
    invoices = Invoice.objects.all()
    if customer_number:
        invoices = invoices.filter(customer__number=customer_number)
    if is_open is not None:
        # Half a cent of tolerance: SQLite sums decimals as floats (0.1 + 0.2 > 0.3).
        has_open_amount = Q(gross_amount__gt=_paid_amount() + Decimal("0.005"))
        invoices = invoices.filter(has_open_amount if is_open else ~has_open_amount)
    return invoices.order_by("number")


def invoice_details(*, invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """`invoices` with customer and order numbers, paid and open amount, and their payments."""
    return (
        invoices.annotate(
            customer_number=F("customer__number"),
            order_number=F("order__number"),
            paid_amount=_paid_amount(),
        )
        .annotate(
            open_amount=ExpressionWrapper(F("gross_amount") - F("paid_amount"), output_field=_MONEY)
        )
        .prefetch_related("payments")
    )


def invoice_get(*, number: str) -> Invoice:
    return Invoice.objects.get(number=number)


def invoice_detail(*, number: str) -> Invoice:
    return invoice_details(invoices=Invoice.objects.filter(number=number)).get()


def invoice_paid_amount(*, invoice: Invoice) -> Decimal:
    paid = invoice.payments.aggregate(total=Sum(F("amount") + F("cash_discount")))["total"]
    # SQLite sums decimals as floats: back to cents.
    return round_money(paid or Decimal(0))


def invoice_open_items(*, customer_id: int | None = None) -> QuerySet[Invoice]:
    """Open items (invoices not fully paid), oldest due first, with `open_amount`."""
    invoices = invoice_list(is_open=True)
    if customer_id is not None:
        invoices = invoices.filter(customer_id=customer_id)
    return (
        invoices.annotate(paid_amount=_paid_amount())
        .annotate(
            open_amount=ExpressionWrapper(F("gross_amount") - F("paid_amount"), output_field=_MONEY)
        )
        .order_by("due_on", "id")
    )


def invoice_overdue_total(*, today: datetime.date) -> tuple[int, Decimal]:
    """How many open items are past due, and how much that is in EUR."""
    totals = (
        invoice_open_items()
        .filter(due_on__lt=today)
        .aggregate(
            n=Count("id"), eur=Sum(F("open_amount") * F("exchange_rate"), output_field=_MONEY)
        )
    )
    return totals["n"], round_money(totals["eur"] or Decimal(0))
