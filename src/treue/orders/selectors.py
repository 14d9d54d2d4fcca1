"""Reads of products and orders; each answers in a fixed number of queries."""

import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import (
    CharField,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from treue.customers.models import Customer, Segment

from .models import (
    Delivery,
    DeliveryLine,
    Order,
    OrderConfirmation,
    OrderLine,
    OrderStatus,
    PartialDeliveryAgreement,
    Product,
    PromisedDateChange,
    StageEvent,
)

_MONEY: DecimalField = DecimalField(max_digits=18, decimal_places=2)
_QUANTITY: DecimalField = DecimalField(max_digits=12, decimal_places=3)


def product_list(*, search: str = "", product_line: str = "") -> QuerySet[Product]:
    products = Product.objects.all()
    search = search.strip()
    if search:
        products = products.filter(Q(article_number__icontains=search) | Q(name__icontains=search))
    if product_line:
        products = products.filter(product_line=product_line)
    return products.order_by("article_number")


def product_get(*, article_number: str) -> Product:
    return Product.objects.get(article_number=article_number)


def order_list(*, customer_number: str = "", status: str = "") -> QuerySet[Order]:
    orders = Order.objects.all()
    if customer_number:
        orders = orders.filter(customer__number=customer_number)
    if status:
        orders = orders.filter(status=status)
    return orders.order_by("number")


_NET_AMOUNT = ExpressionWrapper(F("lines__quantity") * F("lines__net_price"), output_field=_MONEY)
_MARGIN = ExpressionWrapper(
    F("lines__quantity") * (F("lines__net_price") - F("lines__unit_cost")), output_field=_MONEY
)


def delivered_quantity() -> Coalesce:
    """An order line's quantity shipped so far (annotate OrderLine querysets with it)."""
    delivered = (
        DeliveryLine.objects.filter(order_line=OuterRef("pk"))
        .values("order_line")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(delivered), Value(Decimal(0)), output_field=_QUANTITY)


def order_details(*, orders: QuerySet[Order]) -> QuerySet[Order]:
    """`orders` with customer number, lines (with article number and the quantity delivered)
    and totals summed in SQL."""
    lines = (
        OrderLine.objects.select_related("product")
        .annotate(
            article_number=F("product__article_number"),
            delivered_quantity=delivered_quantity(),
        )
        .order_by("position")
    )
    zero = Value(Decimal(0))
    return orders.annotate(
        customer_number=F("customer__number"),
        tracking_url=Concat(
            Value(_tracking_prefix()),
            F("number"),
            Value("/"),
            F("tracking_token"),
            Value("/"),
            output_field=CharField(),
        ),
        net_amount=Coalesce(Sum(_NET_AMOUNT), zero, output_field=_MONEY),
        contribution_margin=Coalesce(Sum(_MARGIN), zero, output_field=_MONEY),
    ).prefetch_related(Prefetch("lines", queryset=lines))


def order_get(*, number: str) -> Order:
    return Order.objects.get(number=number)


def order_detail(*, number: str) -> Order:
    """One order as `order_details` shows it, with its customer."""
    orders = Order.objects.filter(number=number).select_related("customer__payment_terms")
    return order_details(orders=orders).get()


def order_lines_due(*, today: datetime.date, days: int) -> QuerySet[OrderLine]:
    """Lines of orders still in the works promised up to `days` ahead, the late ones first."""
    return (
        OrderLine.objects.filter(
            order__status__in=[OrderStatus.OPEN, OrderStatus.IN_PRODUCTION],
            promised_date__lte=today + datetime.timedelta(days=days),
        )
        .select_related("order__customer", "product")
        .order_by("promised_date", "order__number", "position")
    )


def order_line_get(*, order_number: str, line_no: int) -> OrderLine:
    return OrderLine.objects.select_related("order").get(
        order__number=order_number, position=line_no
    )


def order_lines_by_reference(*, refs: list[tuple[str, int]]) -> dict[tuple[str, int], OrderLine]:
    """The lines named by (order number, position); one that does not exist is refused with a
    ValidationError naming every such reference."""
    wanted = set(refs)
    numbers = sorted({number for number, _position in wanted})
    found: dict[tuple[str, int], OrderLine] = {}
    for start in range(0, len(numbers), 500):
        lines = OrderLine.objects.filter(
            order__number__in=numbers[start : start + 500]
        ).values_list("pk", "order__number", "position")
        for pk, number, position in lines:
            if (number, position) in wanted:
                found[number, position] = OrderLine(pk=pk)
    unknown = [
        _("%(order)s position %(line)s") % {"order": number, "line": line_no}
        for number, line_no in refs
        if (number, line_no) not in found
    ]
    if unknown:
        raise ValidationError(
            {"changes": _("No such order line: %(lines)s.") % {"lines": ", ".join(unknown[:50])}}
        )
    return found


def promised_date_changes(*, order: Order) -> QuerySet[PromisedDateChange]:
    """The order's date changes, newest first, with who made them."""
    return (
        PromisedDateChange.objects.filter(order_line__order=order)
        .select_related("order_line", "by")
        .order_by("-changed_at", "-id")
    )


def order_tracking_url(*, order: Order) -> str:
    """The customer's link to follow the order, absolute for mails and letters."""
    path = reverse("track", args=[order.number, order.tracking_token])
    return f"{settings.TREUE_BASE_URL}{path}"


def _tracking_prefix() -> str:
    """`order_tracking_url` up to the order number, for building the links in SQL."""
    placeholder = Order(number="N", tracking_token="T")  # noqa: S106 - not a secret
    return order_tracking_url(order=placeholder).removesuffix("N/T/")


def order_for_tracking(*, number: str, token: str) -> Order | None:
    """The order if `token` is its tracking token; a wrong number or token look alike (None)."""
    order = (
        Order.objects.filter(number=number)
        .select_related("customer")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=OrderLine.objects.select_related("product")
                .annotate(delivered_quantity=delivered_quantity())
                .order_by("position"),
            ),
            Prefetch("deliveries", queryset=Delivery.objects.order_by("shipped_on", "id")),
        )
        .first()
    )
    if order is None or not secrets.compare_digest(order.tracking_token, token):
        return None
    return order


def order_timeline(*, order: Order) -> list[StageEvent]:
    """The stages the order reached, in the order they happened."""
    return list(
        StageEvent.objects.filter(order=order).select_related("stage").order_by("occurred_at", "id")
    )


OPEN_STATUSES = (OrderStatus.OPEN, OrderStatus.IN_PRODUCTION)


def production_cycle_affected_lines(
    *, product_line: str, from_date: datetime.date, today: datetime.date
) -> QuerySet[OrderLine]:
    """Open, not fully delivered lines of `product_line` promised on or after `from_date`.

    Lines whose date has passed already are late; the cycle change does not re-promise them
    (a person does, with a date that lies ahead), so the earliest date counted is today.
    """
    return (
        OrderLine.objects.filter(
            product__product_line=product_line,
            promised_date__gte=max(from_date, today),
            order__status__in=OPEN_STATUSES,
        )
        .annotate(delivered_quantity=delivered_quantity())
        .filter(delivered_quantity__lt=F("quantity"))
        .select_related("order__customer__account_owner", "product")
        .order_by("promised_date", "order__number", "position")
    )


def production_cycle_a_customers(*, lines: list[OrderLine]) -> list[Customer]:
    """The A customers among the affected lines, by name: their account owners agree the dates."""
    customers = {line.order.customer_id: line.order.customer for line in lines}
    return sorted((c for c in customers.values() if c.segment == Segment.A), key=lambda c: c.name)


def order_confirmations(*, order: Order) -> QuerySet[OrderConfirmation]:
    """The order's confirmation versions, newest first, without their PDFs."""
    return order.confirmations.defer("pdf").order_by("-version")


def order_confirmation_get(*, number: str, version: int) -> OrderConfirmation | None:
    return (
        OrderConfirmation.objects.select_related("order")
        .filter(order__number=number, version=version)
        .first()
    )


def order_deliveries(*, order: Order) -> QuerySet[Delivery]:
    return (
        order.deliveries.select_related("agreement", "posted_by")
        .prefetch_related(
            Prefetch("lines", queryset=DeliveryLine.objects.select_related("order_line"))
        )
        .order_by("shipped_on", "id")
    )


def partial_delivery_agreements(*, order: Order) -> QuerySet[PartialDeliveryAgreement]:
    return order.partial_delivery_agreements.select_related("contact", "recorded_by")


@dataclass(frozen=True)
class OpenLine:
    line: OrderLine
    open_quantity: Decimal

    @property
    def position(self) -> int:
        return self.line.position


def order_open_lines(*, order: Order) -> list[OpenLine]:
    """The lines with something still to deliver, with how much."""
    lines = (
        OrderLine.objects.filter(order=order)
        .select_related("product")
        .annotate(delivered=delivered_quantity())
        .order_by("position")
    )
    return [
        OpenLine(line=line, open_quantity=line.quantity - line.delivered)
        for line in lines
        if line.quantity > line.delivered
    ]


def order_lead_time(*, order: Order, deliveries: list[Delivery]) -> datetime.timedelta | None:
    """A spare-part order's lead time: from coming in to the shipment that completed it."""
    if order.target_lead_hours is None or order.received_at is None:
        return None
    if order.status not in {OrderStatus.SHIPPED, OrderStatus.COMPLETED} or not deliveries:
        return None
    last = deliveries[-1]
    shipped_at = last.shipped_at or datetime.datetime.combine(
        last.shipped_on, datetime.time(12), tzinfo=timezone.get_current_timezone()
    )
    return shipped_at - order.received_at
