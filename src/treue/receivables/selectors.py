"""Reads of receivables: open items, unallocated cash, credit exposure, aging, DSO and payment
behaviour. Amounts "in EUR" are in the company currency; query counts do not grow with the data.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from treue.core.money import round_money
from treue.orders.models import Order, OrderLine, OrderStatus

from .models import (
    Allocation,
    CreditHold,
    DunningNotice,
    Invoice,
    InvoiceKind,
    Payment,
    PaymentPromise,
    PromiseStatus,
    ReceivablesEvent,
)

_MONEY: DecimalField = DecimalField(max_digits=18, decimal_places=2)
_ZERO = Decimal(0)
# Half a cent of tolerance: SQLite sums decimals as floats (0.1 + 0.2 > 0.3).
_TOLERANCE = Decimal("0.005")
AGING_BUCKETS = ((0, 0), (1, 30), (31, 60), (61, 90), (91, None))  # days overdue, inclusive


def _settled_amount() -> Coalesce:
    """What is allocated to the invoice: money plus Skonto, from payments and credit notes."""
    settled = (
        Allocation.objects.filter(invoice=OuterRef("pk"))
        .values("invoice")
        .annotate(total=Sum(F("amount") + F("cash_discount")))
        .values("total")
    )
    return Coalesce(Subquery(settled, output_field=_MONEY), _ZERO, output_field=_MONEY)


def _applied_amount() -> Coalesce:
    """What of a credit note has been applied to invoices."""
    applied = (
        Allocation.objects.filter(credit_note=OuterRef("pk"))
        .values("credit_note")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(applied, output_field=_MONEY), _ZERO, output_field=_MONEY)


def _allocated_amount() -> Coalesce:
    """What of a payment has been allocated to invoices (money only; Skonto is no money)."""
    allocated = (
        Allocation.objects.filter(payment=OuterRef("pk"))
        .values("payment")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(allocated, output_field=_MONEY), _ZERO, output_field=_MONEY)


def invoice_list(*, customer_number: str = "", is_open: bool | None = None) -> QuerySet[Invoice]:
    """Invoices and credit notes by number; `is_open` keeps invoices with (True) or without
    (False) an open amount."""
    invoices = Invoice.objects.all()
    if customer_number:
        invoices = invoices.filter(customer__number=customer_number)
    if is_open is not None:
        has_open_amount = Q(kind=InvoiceKind.INVOICE) & Q(
            gross_amount__gt=_settled_amount() + _TOLERANCE
        )
        invoices = invoices.filter(has_open_amount if is_open else ~has_open_amount)
    return invoices.order_by("number")


def invoice_details(*, invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """`invoices` with customer and order numbers, paid and open amount, and their allocations."""
    return (
        invoices.annotate(
            customer_number=F("customer__number"),
            order_number=F("order__number"),
            paid_amount=Case(
                When(kind=InvoiceKind.CREDIT_NOTE, then=_applied_amount()),
                default=_settled_amount(),
                output_field=_MONEY,
            ),
        )
        .annotate(
            open_amount=ExpressionWrapper(F("gross_amount") - F("paid_amount"), output_field=_MONEY)
        )
        .prefetch_related(
            Prefetch(
                "allocations", queryset=Allocation.objects.select_related("payment", "credit_note")
            )
        )
    )


def invoice_get(*, number: str) -> Invoice:
    return Invoice.objects.get(number=number)


def invoice_detail(*, number: str) -> Invoice:
    return invoice_details(invoices=Invoice.objects.filter(number=number)).get()


def invoice_settled_amount(*, invoice: Invoice) -> Decimal:
    settled = invoice.allocations.aggregate(total=Sum(F("amount") + F("cash_discount")))["total"]
    # SQLite sums decimals as floats: back to cents.
    return round_money(settled or _ZERO)


def credit_note_available(*, credit_note: Invoice) -> Decimal:
    applied = credit_note.applications.aggregate(total=Sum("amount"))["total"]
    return round_money(credit_note.gross_amount - (applied or _ZERO))


def payment_unallocated(*, payment: Payment) -> Decimal:
    allocated = payment.allocations.aggregate(total=Sum("amount"))["total"]
    return round_money(payment.amount - (allocated or _ZERO))


def invoice_open_items(*, customer_id: int | None = None) -> QuerySet[Invoice]:
    """Open items (invoices not fully settled), oldest due first, with `open_amount`."""
    invoices = invoice_list(is_open=True)
    if customer_id is not None:
        invoices = invoices.filter(customer_id=customer_id)
    return (
        invoices.annotate(settled_amount=_settled_amount())
        .annotate(
            open_amount=ExpressionWrapper(
                F("gross_amount") - F("settled_amount"), output_field=_MONEY
            )
        )
        .order_by("due_on", "id")
    )


def open_amount(invoice: Invoice) -> Decimal:
    """The `open_amount` that `invoice_open_items` annotates."""
    return Decimal(invoice.open_amount)  # type: ignore[attr-defined]


def invoice_overdue_total(*, today: datetime.date) -> tuple[int, Decimal]:
    """How many open items are past due, and how much that is in EUR."""
    totals = (
        invoice_open_items()
        .filter(due_on__lt=today)
        .aggregate(
            n=Count("id"), eur=Sum(F("open_amount") * F("exchange_rate"), output_field=_MONEY)
        )
    )
    return totals["n"], round_money(totals["eur"] or _ZERO)


def payments_with_unallocated() -> QuerySet[Payment]:
    return Payment.objects.annotate(allocated=_allocated_amount()).annotate(
        unallocated=ExpressionWrapper(F("amount") - F("allocated"), output_field=_MONEY)
    )


def unallocated_payments(*, customer_id: int | None = None) -> QuerySet[Payment]:
    """Payments with money not yet applied to an invoice, with `unallocated`, oldest first."""
    payments = payments_with_unallocated()
    if customer_id is not None:
        payments = payments.filter(customer_id=customer_id)
    return (
        payments.filter(amount__gt=F("allocated") + _TOLERANCE)
        .select_related("customer")
        .order_by("received_on", "id")
    )


def unapplied_credit_notes(*, customer_id: int | None = None) -> QuerySet[Invoice]:
    notes = Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).annotate(applied=_applied_amount())
    if customer_id is not None:
        notes = notes.filter(customer_id=customer_id)
    return (
        notes.filter(gross_amount__gt=F("applied") + _TOLERANCE)
        .annotate(
            available=ExpressionWrapper(F("gross_amount") - F("applied"), output_field=_MONEY)
        )
        .order_by("issued_on", "id")
    )


# --- credit exposure -----------------------------------------------------------------------


def _order_net_value() -> Coalesce:
    value = (
        OrderLine.objects.filter(order=OuterRef("pk"))
        .values("order")
        .annotate(total=Sum(F("quantity") * F("net_price")))
        .values("total")
    )
    return Coalesce(Subquery(value, output_field=_MONEY), _ZERO, output_field=_MONEY)


def _order_invoiced_net() -> Coalesce:
    invoiced = (
        Invoice.objects.filter(order=OuterRef("pk"), kind=InvoiceKind.INVOICE)
        .values("order")
        .annotate(total=Sum("net_amount"))
        .values("total")
    )
    return Coalesce(Subquery(invoiced, output_field=_MONEY), _ZERO, output_field=_MONEY)


def open_orders(*, customer_id: int) -> QuerySet[Order]:
    """Confirmed orders not yet fully invoiced, with `uninvoiced` (order currency, net): they
    count towards the credit exposure. One held at a later confirmation counts as it stands
    (its earlier version was confirmed); one held at its first confirmation does not."""
    return (
        Order.objects.filter(customer_id=customer_id, confirmations__isnull=False)
        .exclude(status__in=[OrderStatus.CANCELLED, OrderStatus.COMPLETED])
        .distinct()
        .annotate(
            uninvoiced=Greatest(
                _order_net_value() - _order_invoiced_net(), Value(_ZERO), output_field=_MONEY
            )
        )
    )


def order_uninvoiced_eur(*, order: Order) -> Decimal:
    value = (
        Order.objects.filter(pk=order.pk)
        .annotate(
            uninvoiced=Greatest(
                _order_net_value() - _order_invoiced_net(), Value(_ZERO), output_field=_MONEY
            )
        )
        .values_list("uninvoiced", flat=True)
        .get()
    )
    return round_money(value * order.exchange_rate)


@dataclass(frozen=True)
class CreditPosition:
    """A customer's credit: the limit, what is open, what is coming, and what is held (EUR)."""

    limit: Decimal
    open_items: Decimal
    unallocated: Decimal
    open_orders: Decimal
    held_orders: list[str] = field(default_factory=list)

    @property
    def exposure(self) -> Decimal:
        return self.open_items + self.open_orders

    @property
    def headroom(self) -> Decimal:
        return self.limit - self.exposure


def customer_limit_eur(*, customer_id: int, limit: Decimal, currency: str) -> Decimal:
    """The credit limit is kept in the customer's currency; in EUR at the newest order's rate."""
    if currency == settings.COMPANY_CURRENCY:
        return limit
    rate = (
        Order.objects.filter(customer_id=customer_id, currency=currency)
        .order_by("-order_date", "-id")
        .values_list("exchange_rate", flat=True)
        .first()
    )
    return round_money(limit * (rate or Decimal(1)))


def customer_open_items_eur(*, customer_id: int) -> tuple[Decimal, Decimal]:
    """(open invoices less unapplied credit notes, unallocated cash) in EUR; the first already
    has the unallocated cash taken off."""
    invoices = invoice_open_items(customer_id=customer_id).aggregate(
        eur=Sum(F("open_amount") * F("exchange_rate"), output_field=_MONEY)
    )["eur"]
    credits = unapplied_credit_notes(customer_id=customer_id).aggregate(
        eur=Sum(F("available") * F("exchange_rate"), output_field=_MONEY)
    )["eur"]
    cash = unallocated_payments(customer_id=customer_id).aggregate(
        eur=Sum(F("unallocated") * F("exchange_rate"), output_field=_MONEY)
    )["eur"]
    cash = round_money(cash or _ZERO)
    open_eur = round_money((invoices or _ZERO) - (credits or _ZERO)) - cash
    return open_eur, cash


def customer_credit(*, customer_id: int, limit: Decimal, currency: str) -> CreditPosition:
    open_eur, cash = customer_open_items_eur(customer_id=customer_id)
    orders_eur = open_orders(customer_id=customer_id).aggregate(
        eur=Sum(F("uninvoiced") * F("exchange_rate"), output_field=_MONEY)
    )["eur"]
    held = list(
        CreditHold.objects.filter(order__customer_id=customer_id, released_at__isnull=True)
        .exclude(order__status__in=[OrderStatus.CANCELLED, OrderStatus.COMPLETED])
        .order_by("held_at", "id")
        .values_list("order__number", flat=True)
    )
    return CreditPosition(
        limit=customer_limit_eur(customer_id=customer_id, limit=limit, currency=currency),
        open_items=open_eur,
        unallocated=cash,
        open_orders=round_money(orders_eur or _ZERO),
        held_orders=held,
    )


def open_holds(*, customer_id: int | None = None) -> QuerySet[CreditHold]:
    # A held order cancelled meanwhile holds nothing any more.
    holds = (
        CreditHold.objects.filter(released_at__isnull=True)
        .exclude(order__status__in=[OrderStatus.CANCELLED, OrderStatus.COMPLETED])
        .select_related("order__customer__account_owner", "held_by")
    )
    if customer_id is not None:
        holds = holds.filter(order__customer_id=customer_id)
    return holds.order_by("held_at", "id")


def order_open_hold(*, order: Order) -> CreditHold | None:
    return CreditHold.objects.filter(order=order, released_at__isnull=True).first()


def hold_get(*, pk: int) -> CreditHold | None:
    return CreditHold.objects.select_related("order__customer").filter(pk=pk).first()


def oldest_open_deliveries(*, customer_id: int, needed: Decimal, most: int = 3) -> list[Invoice]:
    """The oldest open invoices (deliveries) whose payment would bring the customer back under
    the limit: as few as cover `needed` EUR, at least one and at most `most`."""
    chosen: list[Invoice] = []
    covered = _ZERO
    for invoice in invoice_open_items(customer_id=customer_id).select_related("delivery")[:most]:
        chosen.append(invoice)
        covered += open_amount(invoice) * invoice.exchange_rate
        if covered >= needed:
            break
    return chosen


# --- aging, DSO, payment behaviour ------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    low: int
    high: int | None
    amount: Decimal
    count: int


def aging(*, today: datetime.date, customer_id: int | None = None) -> list[Bucket]:
    """Open items in EUR by days overdue: not due, 1-30, 31-60, 61-90, over 90."""
    items = invoice_open_items(customer_id=customer_id)
    aggregates: dict[str, Sum | Count] = {}
    for i, (low, high) in enumerate(AGING_BUCKETS):
        if low == 0:
            q = Q(due_on__gte=today)
        else:
            q = Q(due_on__lte=today - datetime.timedelta(days=low))
            if high is not None:
                q &= Q(due_on__gte=today - datetime.timedelta(days=high))
        aggregates[f"a{i}"] = Sum(
            F("open_amount") * F("exchange_rate"), filter=q, output_field=_MONEY
        )
        aggregates[f"n{i}"] = Count("id", filter=q)
    totals = items.aggregate(**aggregates)
    return [
        Bucket(low, high, round_money(totals[f"a{i}"] or _ZERO), totals[f"n{i}"])
        for i, (low, high) in enumerate(AGING_BUCKETS)
    ]


def dso(
    *,
    today: datetime.date,
    customer_id: int | None = None,
    days: int = 365,
    open_eur: Decimal | None = None,
) -> Decimal | None:
    """Days sales outstanding: open items / invoiced gross of the last `days` days × `days`
    (`open_eur`: the open items when the caller has summed them already, e.g. from `aging`)."""
    since = today - datetime.timedelta(days=days)
    invoices = Invoice.objects.filter(kind=InvoiceKind.INVOICE, issued_on__gt=since)
    if customer_id is not None:
        invoices = invoices.filter(customer_id=customer_id)
    sales = invoices.aggregate(
        eur=Sum(F("gross_amount") * F("exchange_rate"), output_field=_MONEY)
    )["eur"]
    if not sales:
        return None
    if open_eur is None:
        open_eur = invoice_open_items(customer_id=customer_id).aggregate(
            eur=Sum(F("open_amount") * F("exchange_rate"), output_field=_MONEY)
        )["eur"]
    return round((open_eur or _ZERO) / sales * days, 1)


def _settled_on() -> Subquery:
    """The day an invoice was settled in full: its last allocation."""
    return Subquery(
        Allocation.objects.filter(invoice=OuterRef("pk"))
        .values("invoice")
        .annotate(last=Max("allocated_on"))
        .values("last")
    )


@dataclass(frozen=True)
class PaymentYear:
    """Payment behaviour over a half year: how many invoices were paid, how late on average."""

    start: datetime.date
    paid: int
    late: int
    average_days_late: Decimal | None


@dataclass(frozen=True)
class PaymentBehaviour:
    periods: list[PaymentYear]
    average_days_late: Decimal | None
    late_share: Decimal | None
    trend: str  # "better", "worse", "steady", ""

    @property
    def is_habitually_late(self) -> bool:
        return self.late_share is not None and self.late_share >= Decimal("0.5")


def payment_behaviour(
    *, customer_id: int, today: datetime.date, periods: int = 4
) -> PaymentBehaviour:
    """Settled invoices of the last `periods` half years: days paid after the due date (early
    payments count 0). The trend compares the last half year with the one before."""
    start = _half_year_start(today, periods - 1)
    settled = (
        Invoice.objects.filter(customer_id=customer_id, kind=InvoiceKind.INVOICE)
        .filter(due_on__gte=start, due_on__lte=today)
        .annotate(settled_on=_settled_on(), settled=_settled_amount())
        .filter(settled__gte=F("gross_amount") - _TOLERANCE)
        .values_list("due_on", "settled_on")
    )
    buckets: dict[datetime.date, list[int]] = {
        _half_year_start(today, i): [] for i in range(periods - 1, -1, -1)
    }
    for due_on, settled_on in settled:
        late = max((settled_on - due_on).days, 0) if settled_on else 0
        key = datetime.date(due_on.year, 1 if due_on.month <= 6 else 7, 1)
        if key in buckets:
            buckets[key].append(late)
    rows = [
        PaymentYear(
            start=key,
            paid=len(values),
            late=sum(1 for v in values if v > 0),
            average_days_late=round(Decimal(sum(values)) / len(values), 1) if values else None,
        )
        for key, values in buckets.items()
    ]
    everything = [v for values in buckets.values() for v in values]
    average = round(Decimal(sum(everything)) / len(everything), 1) if everything else None
    late_share = (
        round(Decimal(sum(1 for v in everything if v > 0)) / len(everything), 2)
        if everything
        else None
    )
    trend = ""
    last, before = rows[-1].average_days_late, rows[-2].average_days_late if len(rows) > 1 else None
    if last is not None and before is not None:
        trend = "worse" if last > before + 3 else "better" if last < before - 3 else "steady"
    return PaymentBehaviour(rows, average, late_share, trend)


def _half_year_start(today: datetime.date, back: int) -> datetime.date:
    half = (today.year * 2 + (0 if today.month <= 6 else 1)) - back
    return datetime.date(half // 2, 1 if half % 2 == 0 else 7, 1)


# --- promises, dunning history, audit -----------------------------------------------------------


def promises(*, customer_id: int) -> QuerySet[PaymentPromise]:
    return (
        PaymentPromise.objects.filter(customer_id=customer_id)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")
    )


def open_promises() -> QuerySet[PaymentPromise]:
    return PaymentPromise.objects.filter(status=PromiseStatus.OPEN).select_related(
        "customer__account_owner"
    )


def dunning_history(*, customer_id: int) -> QuerySet[DunningNotice]:
    return (
        DunningNotice.objects.filter(customer_id=customer_id)
        .select_related("run", "decided_by")
        .order_by("-run__started_at", "-id")
    )


def receivables_events(*, customer_id: int) -> QuerySet[ReceivablesEvent]:
    return (
        ReceivablesEvent.objects.filter(customer_id=customer_id)
        .select_related("by", "order")
        .order_by("-at", "-id")
    )


def first_due_overdue(*, customer_id: int, today: datetime.date) -> datetime.date | None:
    return (
        invoice_open_items(customer_id=customer_id)
        .filter(due_on__lt=today)
        .aggregate(first=Min("due_on"))["first"]
    )
