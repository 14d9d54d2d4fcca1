"""Writes on products and orders.

References are ERP numbers: an order names its customer by customer number and each line its
product by article number. Wrong input raises ValidationError keyed by field (``lines.1.product``
for the second line); a refusing rule BusinessRuleError.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NotRequired, TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from treue.activities.models import Activity, ActivityOrigin
from treue.activities.services import activity_create
from treue.communications.models import CommunicationType
from treue.communications.services import communication_plan
from treue.core.errors import BusinessRuleError, FieldErrors, add_error, clean_or_raise
from treue.core.models import User
from treue.core.money import round_money
from treue.customers.models import Customer
from treue.scorecards.services import delivery_figures_changed

from . import selectors
from .models import (
    ChangeSource,
    Incoterm,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    ProductionStage,
    ProductLine,
    PromisedDateChange,
    StageEvent,
)
from .selectors import order_tracking_url

CLOSED_STATUSES = frozenset({OrderStatus.COMPLETED, OrderStatus.CANCELLED})


class ProductChanges(TypedDict, total=False):
    name: str
    product_line: str
    is_spare_part: bool
    list_price: Decimal
    unit_cost: Decimal


class OrderLineData(TypedDict):
    position: int
    product: str
    quantity: Decimal
    net_price: Decimal
    promised_date: datetime.date
    unit_cost: NotRequired[Decimal | None]


class OrderChanges(TypedDict, total=False):
    order_date: datetime.date
    customer_reference: str
    exchange_rate: Decimal
    incoterm: str
    status: str


@transaction.atomic
def product_create(
    *,
    article_number: str,
    name: str,
    product_line: str,
    list_price: Decimal,
    unit_cost: Decimal,
    is_spare_part: bool = False,
) -> Product:
    product = Product(
        article_number=article_number,
        name=name,
        product_line=product_line,
        is_spare_part=is_spare_part,
        list_price=list_price,
        unit_cost=unit_cost,
    )
    clean_or_raise(product, {})
    product.save()
    return product


@transaction.atomic
def product_update(*, product: Product, data: ProductChanges) -> Product:
    """Change only the fields named in `data`; prices on existing order lines stay as agreed."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    if not data:
        return product
    for field, value in data.items():
        setattr(product, field, value)
    clean_or_raise(product, {})
    product.save(update_fields=list(data))
    return product


def exchange_rate_for(*, currency: str, rate: Decimal | None, errors: FieldErrors) -> Decimal:
    """The exchange rate of a document (order, invoice) in `currency`; 1 in the company currency.

    Problems are added to `errors` under "exchange_rate".
    """
    company_currency = settings.COMPANY_CURRENCY
    if currency == company_currency:
        if rate is not None and rate != 1:
            add_error(
                errors, "exchange_rate", _("In %s the exchange rate is 1.") % company_currency
            )
        return Decimal(1)
    if rate is None:
        add_error(
            errors,
            "exchange_rate",
            _("Give the exchange rate (%(company)s for 1 %(currency)s).")
            % {"company": company_currency, "currency": currency},
        )
        return Decimal(1)
    return rate


def _order_lines(
    order: Order, lines: Sequence[OrderLineData], errors: FieldErrors
) -> list[OrderLine]:
    """Lines with their products looked up in one query, each problem named by its line."""
    products = Product.objects.in_bulk(
        {line["product"] for line in lines}, field_name="article_number"
    )
    seen_positions: set[int] = set()
    order_lines = []
    for index, line in enumerate(lines):
        if line["position"] in seen_positions:
            add_error(
                errors,
                f"lines.{index}.position",
                _("Position %s appears twice in this order.") % line["position"],
                code="unique",
            )
        seen_positions.add(line["position"])
        product = products.get(line["product"])
        if product is None:
            add_error(
                errors,
                f"lines.{index}.product",
                _("No product with the article number %s.") % line["product"],
                code="does_not_exist",
            )
            continue
        unit_cost = line.get("unit_cost")
        if unit_cost is None:
            # Product costs are in the company currency; lines are in the order's currency.
            unit_cost = round_money(product.unit_cost / order.exchange_rate)
        order_lines.append(
            OrderLine(
                order=order,
                position=line["position"],
                product=product,
                quantity=line["quantity"],
                net_price=line["net_price"],
                unit_cost=unit_cost,
                promised_date=line["promised_date"],
                first_promised_date=line["promised_date"],
            )
        )
    return order_lines


@transaction.atomic
def order_create(
    *,
    number: str,
    customer: str,
    order_date: datetime.date,
    lines: Sequence[OrderLineData],
    customer_reference: str = "",
    currency: str | None = None,
    exchange_rate: Decimal | None = None,
    incoterm: str = Incoterm.DAP,
    status: str = OrderStatus.OPEN,
) -> Order:
    """Create an order with its lines; the currency defaults to the customer's."""
    errors: FieldErrors = {}
    buyer = Customer.objects.filter(number=customer).first()
    if buyer is None:
        add_error(
            errors,
            "customer",
            _("No customer with the number %s.") % customer,
            code="does_not_exist",
        )
    currency = currency or (buyer.currency if buyer else settings.COMPANY_CURRENCY)
    order = Order(
        number=number,
        order_date=order_date,
        customer_reference=customer_reference,
        currency=currency,
        exchange_rate=exchange_rate_for(currency=currency, rate=exchange_rate, errors=errors),
        incoterm=incoterm,
        status=status,
    )
    if buyer is not None:
        order.customer = buyer
    order_lines = _order_lines(order, lines, errors)
    clean_or_raise(order, errors, exclude=["customer"])
    order.save()
    OrderLine.objects.bulk_create(order_lines)
    delivery_figures_changed()
    return order


def _refuse_closed(order: Order) -> None:
    if order.status in CLOSED_STATUSES:
        raise BusinessRuleError(
            "order_closed",
            _("Order %(number)s is %(status)s and can no longer be changed.")
            % {"number": order.number, "status": order.get_status_display().lower()},
        )


@transaction.atomic
def order_line_promised_date_change(
    *,
    line: OrderLine,
    new_date: datetime.date,
    reason: str,
    by: User | None,
    source: str = ChangeSource.PAGE,
    today: datetime.date | None = None,
) -> PromisedDateChange:
    """Move the promised date of one line and record why.

    Any postponement, one day is enough, plans a delay notice to the customer through the
    channel policy; how many days before the old date it was told is kept for the figures.
    """
    today = today or timezone.localdate()
    line = (
        OrderLine.objects.select_for_update(of=("self",))
        .select_related("order__customer", "product")
        .get(pk=line.pk)
    )
    order = line.order
    _refuse_closed(order)
    delivered = line.delivery_lines.aggregate(total=Sum("quantity"))["total"] or 0
    if delivered >= line.quantity:
        raise BusinessRuleError(
            "line_delivered",
            _("Position %(line)s has been delivered in full; its date no longer changes.")
            % {"line": line.position},
        )
    reason = reason.strip()
    errors: FieldErrors = {}
    if new_date < today:
        add_error(
            errors,
            "new_date",
            _("%(date)s is in the past; a new promise must lie ahead.")
            % {"date": date_format(new_date, "SHORT_DATE_FORMAT")},
            code="past",
        )
    elif new_date == line.promised_date:
        add_error(
            errors,
            "new_date",
            _("The line is promised for %(date)s already.")
            % {"date": date_format(new_date, "SHORT_DATE_FORMAT")},
            code="unchanged",
        )
    if not reason:
        add_error(errors, "reason", _("Give the reason: the customer reads it."), code="required")
    if errors:
        raise ValidationError(errors)
    change = PromisedDateChange.objects.create(
        order_line=line,
        old_date=line.promised_date,
        new_date=new_date,
        reason=reason,
        by=by,
        source=source,
        notice_days=(line.promised_date - today).days,
    )
    line.promised_date = new_date
    line.save(update_fields=["promised_date"])
    delivery_figures_changed()
    if change.is_postponement:
        communication_plan(
            type=CommunicationType.DELAY_NOTICE,
            customer=order.customer,
            order=order,
            item={
                "key": change.notice_key,
                "line_no": line.position,
                "article_number": line.product.article_number,
                "product": line.product.name,
                "quantity": f"{line.quantity.normalize():f}",
                "old_date": change.old_date.isoformat(),
                "new_date": change.new_date.isoformat(),
                "days_later": (change.new_date - change.old_date).days,
                "reason": reason,
            },
            context={"tracking_url": order_tracking_url(order=order)},
            by=by,
        )
    return change


@transaction.atomic
def order_update(*, order: Order, data: OrderChanges) -> Order:
    """Change header fields named in `data`; a completed or cancelled order stays as it is."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if not data:
        return order
    _refuse_closed(order)
    errors: FieldErrors = {}
    if "exchange_rate" in data:
        exchange_rate_for(currency=order.currency, rate=data["exchange_rate"], errors=errors)
    for field, value in data.items():
        setattr(order, field, value)
    clean_or_raise(order, errors, exclude=["customer"])
    order.save(update_fields=list(data))
    if "status" in data:  # a cancelled order leaves the figures
        delivery_figures_changed()
    return order


STAGE_CLOCK_TOLERANCE = datetime.timedelta(hours=1)


@transaction.atomic
def order_stage_event_record(
    *,
    order: Order,
    stage: str,
    occurred_at: datetime.datetime,
    source: str = ChangeSource.PAGE,
    external_id: str = "",
    by: User | None = None,
) -> tuple[StageEvent, bool]:
    """Record that `order` reached `stage`; returns the event and whether it is new.

    An event whose `external_id` was recorded before changes nothing (an ERP may send it twice).
    """
    external_id = external_id.strip()
    if external_id:
        existing = StageEvent.objects.filter(external_id=external_id).first()
        if existing is not None:
            if existing.order_id != order.pk:
                raise ValidationError(
                    {
                        "external_id": _("The event %(id)s was recorded for another order.")
                        % {"id": external_id}
                    }
                )
            return existing, False
    errors: FieldErrors = {}
    production_stage = ProductionStage.objects.filter(code=stage).first()
    if production_stage is None:
        add_error(
            errors,
            "stage",
            _("No production stage %(stage)s; known are: %(known)s.")
            % {
                "stage": stage,
                "known": ", ".join(ProductionStage.objects.values_list("code", flat=True)),
            },
            code="does_not_exist",
        )
    if occurred_at > timezone.now() + STAGE_CLOCK_TOLERANCE:
        add_error(errors, "occurred_at", _("The event lies in the future."), code="future")
    if errors or production_stage is None:
        raise ValidationError(errors)
    event = StageEvent.objects.create(
        order=order,
        stage=production_stage,
        occurred_at=occurred_at,
        source=source,
        external_id=external_id,
        by=by,
    )
    return event, True


@dataclass(frozen=True)
class ProductionCycleResult:
    changes: list[PromisedDateChange]
    agreement_activities: list[Activity]


@transaction.atomic
def production_cycle_change(
    *,
    product_line: str,
    days: int,
    from_date: datetime.date,
    reason: str,
    by: User | None,
    today: datetime.date | None = None,
) -> ProductionCycleResult:
    """The lead time of a product line grows by `days` from `from_date`: every affected open line
    is promised that much later (each customer hears of it through the delay notices), and the
    account owner of every affected A customer gets an activity to agree the new lead times."""
    today = today or timezone.localdate()
    if days < 1:
        raise ValidationError({"days": _("The lead time must grow by at least one day.")})
    lines = list(
        selectors.production_cycle_affected_lines(
            product_line=product_line, from_date=from_date, today=today
        )
    )
    changes = [
        order_line_promised_date_change(
            line=line,
            new_date=line.promised_date + datetime.timedelta(days=days),
            reason=reason,
            by=by,
            today=today,
        )
        for line in lines
    ]
    activities = []
    for customer in selectors.production_cycle_a_customers(lines=lines):
        owner = customer.account_owner
        if owner is None:
            continue
        activities.append(
            activity_create(
                title=_("Agree the longer lead times with %(customer)s")
                % {"customer": customer.name},
                owner=owner,
                due_on=today + datetime.timedelta(days=2),
                customer=customer,
                description=_(
                    "The lead time of %(line)s grows by %(days)s days from %(date)s (%(reason)s). "
                    "The delay notices are planned; talk the new dates through with the customer."
                )
                % {
                    "line": ProductLine(product_line).label,
                    "days": days,
                    "date": date_format(from_date, "SHORT_DATE_FORMAT"),
                    "reason": reason,
                },
                origin=ActivityOrigin.SYSTEM,
                by=by,
            )
        )
    return ProductionCycleResult(changes=changes, agreement_activities=activities)
