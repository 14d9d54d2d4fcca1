"""Writes on products and orders.

References are ERP numbers: an order names its customer by customer number and each line its
product by article number. Wrong input raises ValidationError keyed by field (``lines.1.product``
for the second line); a refusing rule BusinessRuleError.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from treue.activities.models import Activity, ActivityOrigin, ActivityStatus
from treue.activities.services import activity_complete, activity_create
from treue.communications.models import CommunicationType
from treue.communications.policy import customer_language
from treue.communications.services import communication_plan
from treue.core.errors import BusinessRuleError, FieldErrors, add_error, clean_or_raise
from treue.core.models import User
from treue.core.money import format_number, round_money
from treue.core.numbering import next_yearly_number
from treue.core.roles import Role
from treue.customers.models import Contact, Customer
from treue.scorecards.services import delivery_figures_changed

from . import confirmations, selectors
from .models import (
    ChangeSource,
    Delivery,
    DeliveryLine,
    Incoterm,
    Order,
    OrderConfirmation,
    OrderLine,
    OrderStatus,
    PartialDeliveryAgreement,
    Product,
    ProductionStage,
    ProductLine,
    PromisedDateChange,
    StageEvent,
)
from .selectors import order_tracking_url

if TYPE_CHECKING:
    from treue.receivables.models import CreditHold

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
    incoterm_place: str
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
    incoterm_place: str = "",
    status: str = OrderStatus.OPEN,
    received_at: datetime.datetime | None = None,
    target_lead_hours: int | None = None,
) -> Order:
    """Create an order with its lines; the currency defaults to the customer's.

    An order of spare parts alone gets the spare-part target lead time unless one is given.
    """
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
        incoterm_place=incoterm_place,
        status=status,
        received_at=received_at or timezone.now(),
        target_lead_hours=target_lead_hours,
    )
    if buyer is not None:
        order.customer = buyer
    order_lines = _order_lines(order, lines, errors)
    spare_parts_only = bool(order_lines) and all(line.product.is_spare_part for line in order_lines)
    if target_lead_hours is None and spare_parts_only:
        order.target_lead_hours = settings.SPARE_PART_TARGET_HOURS
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


def _promised_date_errors(
    line: OrderLine, new_date: datetime.date, *, delivered: Decimal, today: datetime.date
) -> None:
    """Refuse moving `line` (locked, with its order) to `new_date`: the rules of every change."""
    _refuse_closed(line.order)
    if delivered >= line.quantity:
        raise BusinessRuleError(
            "line_delivered",
            _("Position %(line)s has been delivered in full; its date no longer changes.")
            % {"line": line.position},
        )
    if new_date < today:
        raise ValidationError(
            {
                "new_date": ValidationError(
                    _("%(date)s is in the past; a new promise must lie ahead.")
                    % {"date": date_format(new_date, "SHORT_DATE_FORMAT")},
                    code="past",
                )
            }
        )
    if new_date == line.promised_date:
        raise ValidationError(
            {
                "new_date": ValidationError(
                    _("The line is promised for %(date)s already.")
                    % {"date": date_format(new_date, "SHORT_DATE_FORMAT")},
                    code="unchanged",
                )
            }
        )


def _required_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Give the reason: the customer reads it."), code="required"
                )
            }
        )
    return reason


# Lines locked and changed per statement in a batch (SQLite allows 32,766 parameters).
LINE_BATCH = 500
# A refused batch names this many lines, then how many more.
MAX_PROBLEMS = 50


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
    delivered = line.delivery_lines.aggregate(total=Sum("quantity"))["total"] or Decimal(0)
    errors: FieldErrors = {}
    try:
        _promised_date_errors(line, new_date, delivered=delivered, today=today)
    except ValidationError as exc:
        errors = exc.error_dict
    try:
        reason = _required_reason(reason)
    except ValidationError as exc:
        errors = {**errors, **exc.error_dict}
    if errors:
        raise ValidationError(errors)
    (change,) = _promised_dates_move(
        [(line, new_date)], reason=reason, by=by, source=source, today=today
    )
    return change


@transaction.atomic
def order_lines_promised_date_change(
    *,
    changes: Sequence[tuple[OrderLine, datetime.date]],
    reason: str,
    by: User | None,
    source: str = ChangeSource.IMPORT,
    today: datetime.date | None = None,
) -> list[PromisedDateChange]:
    """Move the promised dates of many lines at once (a replanning from the ERP), all or none.

    The same rules as for one line; the changes of an order reach each recipient as one notice.
    A refusal names every line it refuses, by order number and position, and changes nothing.
    """
    today = today or timezone.localdate()
    reason = _required_reason(reason)
    wanted: dict[int, datetime.date] = {}
    for line, new_date in changes:
        if wanted.setdefault(line.pk, new_date) != new_date:
            raise ValidationError({"changes": _("A line is given two different new dates.")})
    ids = list(wanted)
    locked: dict[int, OrderLine] = {}
    delivered: dict[int, Decimal] = {}
    for start in range(0, len(ids), LINE_BATCH):
        batch = ids[start : start + LINE_BATCH]
        locked.update(
            (line.pk, line)
            for line in OrderLine.objects.select_for_update(of=("self",))
            .select_related("order__customer", "product")
            .filter(pk__in=batch)
        )
        delivered.update(
            DeliveryLine.objects.filter(order_line_id__in=batch)
            .values("order_line_id")
            .annotate(total=Sum("quantity"))
            .values_list("order_line_id", "total")
        )
    problems = []
    if len(locked) < len(ids):
        problems.append(
            _("%(count)s of the lines do not exist.") % {"count": len(ids) - len(locked)}
        )
    moves = []
    for pk, new_date in wanted.items():
        found = locked.get(pk)
        if found is None:
            continue
        line = found
        try:
            _promised_date_errors(
                line, new_date, delivered=delivered.get(pk) or Decimal(0), today=today
            )
        except (BusinessRuleError, ValidationError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [exc.detail]
            problems.extend(
                _("%(order)s position %(line)s: %(problem)s")
                % {"order": line.order.number, "line": line.position, "problem": message}
                for message in messages
            )
            continue
        moves.append((line, new_date))
    if problems:
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            problems = [
                *problems[:MAX_PROBLEMS],
                ngettext("… and %(count)s more.", "… and %(count)s more.", more) % {"count": more},
            ]
        raise ValidationError({"changes": problems})
    moves.sort(key=lambda move: (move[0].order_id, move[0].position))
    return _promised_dates_move(moves, reason=reason, by=by, source=source, today=today)


def _promised_dates_move(
    moves: Sequence[tuple[OrderLine, datetime.date]],
    *,
    reason: str,
    by: User | None,
    source: str,
    today: datetime.date,
) -> list[PromisedDateChange]:
    """Record and make checked moves of locked lines; plan one delay notice per order."""
    if not moves:
        return []
    changes = PromisedDateChange.objects.bulk_create(
        [
            PromisedDateChange(
                order_line=line,
                old_date=line.promised_date,
                new_date=new_date,
                reason=reason,
                by=by,
                source=source,
                notice_days=(line.promised_date - today).days,
            )
            for line, new_date in moves
        ],
        batch_size=LINE_BATCH,
    )
    for line, new_date in moves:
        line.promised_date = new_date
    OrderLine.objects.bulk_update(
        [line for line, _d in moves], ["promised_date"], batch_size=LINE_BATCH
    )
    delivery_figures_changed()
    by_order: dict[int, list[tuple[OrderLine, PromisedDateChange]]] = {}
    for (line, _new_date), change in zip(moves, changes, strict=True):
        if change.is_postponement:
            by_order.setdefault(line.order_id, []).append((line, change))
    for postponed in by_order.values():
        order = postponed[0][0].order
        communication_plan(
            type=CommunicationType.DELAY_NOTICE,
            customer=order.customer,
            order=order,
            items=[_delay_item(line, change) for line, change in postponed],
            context={"tracking_url": order_tracking_url(order=order)},
            by=by,
        )
    return changes


def _delay_item(line: OrderLine, change: PromisedDateChange) -> dict[str, Any]:
    """What a delay notice says of one change."""
    return {
        "key": change.notice_key,
        "line_no": line.position,
        "article_number": line.product.article_number,
        "product": line.product.name,
        "quantity": f"{line.quantity.normalize():f}",
        "old_date": change.old_date.isoformat(),
        "new_date": change.new_date.isoformat(),
        "days_later": (change.new_date - change.old_date).days,
        "reason": change.reason,
    }


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
    changes = order_lines_promised_date_change(
        changes=[(line, line.promised_date + datetime.timedelta(days=days)) for line in lines],
        reason=reason,
        by=by,
        source=ChangeSource.PAGE,
        today=today,
    )
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


@transaction.atomic
def order_confirm(
    *, order: Order, by: User | None, credit_checked: bool = False
) -> "OrderConfirmation | CreditHold":
    """Issue the next version of the order confirmation and send it through the channel policy.

    The first version confirms the order; each later one lists what changed since the last. An
    order that has not changed since its last version is not confirmed again. An order that
    would take the customer over the credit limit is held instead (receivables.credit), and the
    hold is returned; `credit_checked` skips the check when a hold has just been released.
    """
    from treue.receivables.credit import credit_check

    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("customer__payment_terms")
        .get(pk=order.pk)
    )
    _refuse_closed(order)
    if not order.lines.exists():
        raise BusinessRuleError("order_empty", _("An order without lines cannot be confirmed."))
    last = order.confirmations.order_by("-version").first()
    content = confirmations.confirmation_content(order=order)
    changes = confirmations.confirmation_changes(
        previous=last.content if last else None, current=content
    )
    if last is not None and not changes:
        raise BusinessRuleError(
            "confirmation_unchanged",
            _("Version %(version)s confirms the order as it stands; nothing changed since.")
            % {"version": last.version},
        )
    if not credit_checked:
        hold = credit_check(order=order, by=by)
        if hold is not None:
            return hold
    confirmation = OrderConfirmation.objects.create(
        order=order,
        version=last.version + 1 if last else 1,
        issued_by=by,
        content=content,
        changes=changes,
        pdf=b"",
    )
    confirmation.pdf = confirmations.confirmation_pdf(
        confirmation=confirmation, language=customer_language(order.customer)
    )
    confirmation.save(update_fields=["pdf"])
    communication_plan(
        type=CommunicationType.ORDER_CONFIRMATION,
        customer=order.customer,
        order=order,
        items=[
            {
                "key": f"order-confirmation:{confirmation.pk}",
                "version": confirmation.version,
                "changes": changes,
            }
        ],
        context={"tracking_url": content["tracking_url"]},
        by=by,
    )
    return confirmation


class DeliveryLineData(TypedDict):
    line_no: int
    quantity: Decimal


def can_override_partial_delivery(user: User | None) -> bool:
    """A shipping lead (head of a shipping department) may ship in parts without the customer's
    agreement, giving a reason; so may an administrator."""
    if user is None:
        return False
    return user.role == Role.ADMIN or (user.role == Role.SHIPPING and user.is_department_head)


def _open_quantities(order: Order) -> dict[int, tuple[OrderLine, Decimal]]:
    """Each line by its position, with what is still to be delivered."""
    lines = (
        OrderLine.objects.filter(order=order)
        .select_related("product")
        .annotate(delivered=selectors.delivered_quantity())
        .order_by("position")
    )
    return {line.position: (line, line.quantity - line.delivered) for line in lines}


def delivery_post(
    *,
    order: Order,
    lines: Sequence[DeliveryLineData],
    by: User | None,
    number: str = "",
    shipped_at: datetime.datetime | None = None,
    override_reason: str = "",
    source: str = ChangeSource.PAGE,
) -> Delivery:
    """Post a shipment of `order`.

    A delivery that leaves the order incomplete needs the customer's recorded agreement, or a
    shipping lead's override with a reason. Without either it is refused; the customer is asked
    (a partial-delivery request through the channel policy) and the account owner gets an activity
    to obtain the agreement. That request is kept although the delivery is refused.
    """
    try:
        return _delivery_post(
            order=order,
            lines=lines,
            by=by,
            number=number,
            shipped_at=shipped_at,
            override_reason=override_reason,
            source=source,
        )
    except _AgreementMissing as missing:
        partial_delivery_request(order=order, lines=missing.lines, by=by)
        raise BusinessRuleError(
            "partial_delivery_not_agreed",
            _(
                "This delivery leaves order %(number)s incomplete, and the customer has not agreed "
                "to a partial delivery. The customer has been asked and the account owner has an "
                "activity to obtain the agreement; post the delivery once it is recorded."
            )
            % {"number": order.number},
        ) from None


class _AgreementMissing(Exception):
    def __init__(self, lines: list[dict[str, Any]]) -> None:
        self.lines = lines


@transaction.atomic
def _delivery_post(
    *,
    order: Order,
    lines: Sequence[DeliveryLineData],
    by: User | None,
    number: str,
    shipped_at: datetime.datetime | None,
    override_reason: str,
    source: str,
) -> Delivery:
    order = Order.objects.select_for_update().get(pk=order.pk)
    _refuse_closed(order)
    now = timezone.now()
    shipped_at = shipped_at or now
    override_reason = override_reason.strip()
    number = number.strip() or next_yearly_number(Delivery, prefix="LS", at=shipped_at)
    errors: FieldErrors = {}
    if shipped_at > now + STAGE_CLOCK_TOLERANCE:
        add_error(errors, "shipped_at", _("The shipment lies in the future."), code="future")
    if Delivery.objects.filter(number=number).exists():
        add_error(
            errors,
            "number",
            _("A delivery with the number %s exists already.") % number,
            code="unique",
        )
    if not lines:
        add_error(errors, "lines", _("A delivery needs at least one line."), code="required")
    open_lines = _open_quantities(order)
    shipping: dict[int, Decimal] = {}
    for index, data in enumerate(lines):
        if data["line_no"] not in open_lines:
            add_error(
                errors,
                f"lines.{index}.line_no",
                _("Order %(number)s has no position %(line)s.")
                % {"number": order.number, "line": data["line_no"]},
                code="does_not_exist",
            )
        elif data["line_no"] in shipping:
            add_error(
                errors,
                f"lines.{index}.line_no",
                _("Position %s appears twice in this delivery.") % data["line_no"],
                code="unique",
            )
        elif data["quantity"] <= 0:
            add_error(
                errors,
                f"lines.{index}.quantity",
                _("Give a quantity above 0."),
                code="min_value",
            )
        else:
            shipping[data["line_no"]] = data["quantity"]
    if override_reason and not can_override_partial_delivery(by):
        add_error(
            errors,
            "override_reason",
            _("Only a shipping lead may ship in parts without the customer's agreement."),
            code="forbidden",
        )
    if errors:
        raise ValidationError(errors)
    for line_no, quantity in shipping.items():
        line, still_open = open_lines[line_no]
        if quantity > still_open:
            raise BusinessRuleError(
                "over_delivery",
                _(
                    "Position %(line)s: %(quantity)s is more than the %(open)s still to be "
                    "delivered (%(ordered)s ordered)."
                )
                % {
                    "line": line_no,
                    "quantity": format_number(quantity, 3),
                    "open": format_number(still_open, 3),
                    "ordered": format_number(line.quantity, 3),
                },
            )
    incomplete = any(
        still_open - shipping.get(line_no, Decimal(0)) > 0
        for line_no, (_line, still_open) in open_lines.items()
    )
    agreement = None
    if incomplete:
        agreement = order.partial_delivery_agreements.order_by("-agreed_at").first()
        if agreement is None and not override_reason:
            raise _AgreementMissing(
                [
                    {
                        "line_no": line_no,
                        "product": open_lines[line_no][0].product.name,
                        "quantity": f"{quantity.normalize():f}",
                        "ordered": f"{open_lines[line_no][0].quantity.normalize():f}",
                    }
                    for line_no, quantity in shipping.items()
                ]
            )
    delivery = Delivery.objects.create(
        number=number,
        order=order,
        shipped_on=timezone.localdate(shipped_at),
        shipped_at=shipped_at,
        agreement=agreement,
        override_reason="" if agreement else override_reason,
        source=source,
        posted_by=by,
    )
    DeliveryLine.objects.bulk_create(
        DeliveryLine(delivery=delivery, order_line=open_lines[line_no][0], quantity=quantity)
        for line_no, quantity in shipping.items()
    )
    order.status = OrderStatus.IN_PRODUCTION if incomplete else OrderStatus.SHIPPED
    order.save(update_fields=["status"])
    delivery_figures_changed()
    return delivery


def _agreement_activity_subject(order: Order) -> str:
    return f"orders.order:{order.pk}:partial-delivery"


@transaction.atomic
def partial_delivery_request(*, order: Order, lines: list[dict[str, Any]], by: User | None) -> None:
    """Ask the customer whether the order may arrive in parts, and have the account owner
    obtain the answer. Asking again while an answer is awaited adds nothing."""
    order = Order.objects.select_related("customer__account_owner").get(pk=order.pk)
    key = f"partial-delivery-request:{order.pk}:{order.partial_delivery_agreements.count()}"
    communication_plan(
        type=CommunicationType.PARTIAL_DELIVERY_REQUEST,
        customer=order.customer,
        order=order,
        items=[{"key": key, "lines": lines}],
        context={"tracking_url": order_tracking_url(order=order)},
        by=by,
    )
    owner = order.customer.account_owner
    subject = _agreement_activity_subject(order)
    if (
        owner is None
        or Activity.objects.filter(subject=subject, status=ActivityStatus.OPEN).exists()
    ):
        return
    activity_create(
        title=_("Agree a partial delivery of %(number)s with %(customer)s")
        % {"number": order.number, "customer": order.customer.name},
        owner=owner,
        due_on=timezone.localdate(),
        customer=order.customer,
        subject=subject,
        description=_(
            "Shipping could deliver part of order %(number)s now. The customer has been asked; "
            "record who agreed, when and how on the order page, then shipping can post it."
        )
        % {"number": order.number},
        origin=ActivityOrigin.SYSTEM,
        by=by,
    )


@transaction.atomic
def partial_delivery_agreement_record(
    *,
    order: Order,
    agreed_by: str,
    agreed_at: datetime.datetime,
    channel: str,
    by: User | None,
    contact: Contact | None = None,
    note: str = "",
) -> PartialDeliveryAgreement:
    """The customer agreed that `order` may arrive in parts; the open request is settled."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    _refuse_closed(order)
    agreed_by = agreed_by.strip() or (str(contact) if contact else "")
    errors: FieldErrors = {}
    if not agreed_by:
        add_error(errors, "agreed_by", _("Name who agreed."), code="required")
    if agreed_at > timezone.now() + STAGE_CLOCK_TOLERANCE:
        add_error(errors, "agreed_at", _("The agreement lies in the future."), code="future")
    if contact is not None and contact.customer_id != order.customer_id:
        add_error(errors, "contact", _("The contact belongs to another customer."), code="invalid")
    agreement = PartialDeliveryAgreement(
        order=order,
        contact=contact,
        agreed_by=agreed_by,
        agreed_at=agreed_at,
        channel=channel,
        note=note.strip(),
        recorded_by=by,
    )
    clean_or_raise(agreement, errors, exclude=["order", "contact", "recorded_by"])
    agreement.save()
    if by is not None:
        for activity in Activity.objects.filter(
            subject=_agreement_activity_subject(order), status=ActivityStatus.OPEN
        ):
            activity_complete(activity=activity, by=by)
    return agreement
