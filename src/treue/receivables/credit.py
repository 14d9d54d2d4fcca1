"""Credit: the check when an order is confirmed, holds and their release, and the conversation
over the limit (seed 002): the account owner agrees with the customer to pay the oldest one to
three deliveries, the promise is recorded, and incoming payments keep or break it.

Credit exposure = open items (less unallocated cash and credit notes) + confirmed, not yet
invoiced orders (net), in EUR. It is checked when an order is confirmed for the first time and
whenever a new confirmation raises its value.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from treue.activities.models import Activity, ActivityOrigin
from treue.activities.services import activity_create
from treue.core.errors import BusinessRuleError
from treue.core.models import User
from treue.core.money import format_money, round_money
from treue.core.roles import Perm, Role
from treue.customers.models import Contact, Customer
from treue.orders.models import Order

from . import selectors
from .models import (
    CreditHold,
    EventKind,
    Invoice,
    Payment,
    PaymentPromise,
    PromiseStatus,
    ReceivablesEvent,
)

# A promise counts as kept when the money is in by this many days after the promised date
# (bank days in between), and as broken after that.
PROMISE_GRACE_DAYS = 3


def event_log(
    *,
    kind: str,
    customer: Customer | int,
    by: User | None = None,
    order: Order | None = None,
    reason: str = "",
    data: dict[str, object] | None = None,
) -> ReceivablesEvent:
    customer_id = customer if isinstance(customer, int) else customer.pk
    return ReceivablesEvent.objects.create(
        kind=kind, customer_id=customer_id, order=order, by=by, reason=reason, data=data or {}
    )


def credit_position(*, customer: Customer) -> selectors.CreditPosition:
    return selectors.customer_credit(
        customer_id=customer.pk, limit=customer.credit_limit, currency=customer.currency
    )


def _confirmed_net(order: Order) -> Decimal | None:
    """The order's net total (its currency) in its last confirmation, if confirmed before."""
    last = order.confirmations.order_by("-version").values_list("content", flat=True).first()
    if last is None:
        return None
    return Decimal(str(last.get("net_total", "0")))


def credit_check(*, order: Order, by: User | None) -> CreditHold | None:
    """Hold `order` at confirmation when it would take the customer over the credit limit.

    Called inside the confirmation's transaction. A hold gives the reason, tells the account
    owner to agree payment of the oldest deliveries, and is logged. Returns the hold, or None
    when the order may be confirmed.
    """
    open_hold = CreditHold.objects.filter(order=order, released_at__isnull=True).first()
    if open_hold is not None:
        raise BusinessRuleError(
            "order_on_credit_hold",
            _("Order %(order)s is on credit hold since %(date)s: %(reason)s")
            % {
                "order": order.number,
                "date": date_format(timezone.localtime(open_hold.held_at), "SHORT_DATE_FORMAT"),
                "reason": open_hold.reason,
            },
        )
    customer = order.customer
    previous = _confirmed_net(order)
    if previous is not None and order_net_total(order) <= previous:
        return None  # confirmed before and not grown: already part of the exposure
    position = credit_position(customer=customer)
    value = selectors.order_uninvoiced_eur(order=order)
    # A confirmed order counts among the open orders already, at its current value.
    others = position.open_orders - (value if previous is not None else Decimal(0))
    exposure = position.open_items + others + value
    if exposure <= position.limit:
        return None
    company = settings.COMPANY_CURRENCY
    reason = _(
        "Exposure %(exposure)s with this order exceeds the credit limit of %(limit)s "
        "(open items %(open)s, other confirmed orders %(orders)s, this order %(value)s)."
    ) % {
        "exposure": format_money(exposure, company),
        "limit": format_money(position.limit, company),
        "open": format_money(position.open_items, company),
        "orders": format_money(others, company),
        "value": format_money(value, company),
    }
    hold = CreditHold.objects.create(
        order=order, reason=reason, limit=position.limit, exposure=exposure, held_by=by
    )
    event_log(
        kind=EventKind.ORDER_HELD,
        customer=customer,
        order=order,
        by=by,
        reason=reason,
        data={"exposure": str(exposure), "limit": str(position.limit)},
    )
    _ask_for_conversation(hold=hold, needed=exposure - position.limit, by=by)
    return hold


def order_net_total(order: Order) -> Decimal:
    total = order.lines.aggregate(total=Sum(F("quantity") * F("net_price")))["total"]
    return round_money(total or Decimal(0))


def _accounting_lead() -> User | None:
    accounting = User.objects.filter(role=Role.ACCOUNTING, is_active=True)
    return (
        accounting.filter(headed_departments__isnull=False).first()
        or accounting.order_by("id").first()
    )


def settle_list(invoices: list[Invoice]) -> str:
    lines = []
    for invoice in invoices:
        delivery = invoice.delivery.number if invoice.delivery_id else "–"  # type: ignore[union-attr]
        lines.append(
            _("- invoice %(invoice)s (delivery %(delivery)s of %(date)s): %(amount)s open")
            % {
                "invoice": invoice.number,
                "delivery": delivery,
                "date": date_format(invoice.issued_on, "SHORT_DATE_FORMAT"),
                "amount": format_money(selectors.open_amount(invoice), invoice.currency),
            }
        )
    return "\n".join(lines)


def _ask_for_conversation(*, hold: CreditHold, needed: Decimal, by: User | None) -> None:
    """A conversation, not a letter: the account owner agrees payment of the oldest 1-3
    deliveries with the customer and records the promise."""
    customer = hold.order.customer
    owner = customer.account_owner or _accounting_lead()
    if owner is None:
        return
    invoices = selectors.oldest_open_deliveries(customer_id=customer.pk, needed=needed)
    with override(owner.language):
        if invoices:
            description = _(
                "Order %(order)s is held: %(reason)s\n\nAgree with the customer to pay these "
                "deliveries, then record the payment promise (amount, date, who agreed) on the "
                "customer's page; when it is kept, the order is released.\n%(items)s\n\n"
                "%(link)s"
            ) % {
                "order": hold.order.number,
                "reason": hold.reason,
                "items": settle_list(invoices),
                "link": settings.TREUE_BASE_URL
                + reverse("receivables:promise_new", args=[customer.number]),
            }
        else:
            description = _(
                "Order %(order)s is held: %(reason)s\n\nThere are no open invoices to settle; "
                "talk about the limit with accounting."
            ) % {"order": hold.order.number, "reason": hold.reason}
        title = ngettext(
            "Agree payment of the oldest delivery with %(customer)s",
            "Agree payment of the oldest %(n)s deliveries with %(customer)s",
            max(len(invoices), 1),
        ) % {"n": max(len(invoices), 1), "customer": customer.name}
    activity_create(
        title=title[:200],
        owner=owner,
        due_on=timezone.localdate() + datetime.timedelta(days=1),
        customer=customer,
        subject=f"receivables.credithold:{hold.pk}",
        description=description,
        origin=ActivityOrigin.SYSTEM,
        by=by,
    )


def can_release(user: User | None) -> bool:
    return user is not None and user.has_treue_perm(Perm.CREDIT_RELEASE)


@transaction.atomic
def credit_hold_release(
    *, hold: CreditHold, by: User | None, reason: str, confirm: bool = True
) -> CreditHold:
    """Release a held order with a logged reason (accounting or management; the system when a
    promise is kept); then the order confirmation goes out."""
    if by is not None and not can_release(by):
        raise BusinessRuleError(
            "release_not_allowed", _("Only accounting or management may release an order.")
        )
    reason = reason.strip()
    if not reason:
        raise BusinessRuleError("reason_required", _("Give the reason for the release."))
    hold = CreditHold.objects.select_for_update().select_related("order__customer").get(pk=hold.pk)
    if not hold.is_open:
        raise BusinessRuleError("hold_released", _("This hold has been released already."))
    hold.released_at = timezone.now()
    hold.released_by = by
    hold.release_reason = reason[:500]
    hold.save(update_fields=["released_at", "released_by", "release_reason"])
    event_log(
        kind=EventKind.ORDER_RELEASED,
        customer=hold.order.customer,
        order=hold.order,
        by=by,
        reason=hold.release_reason,
    )
    if confirm:
        from treue.orders.services import order_confirm

        order_confirm(order=hold.order, by=by, credit_checked=True)
    return hold


@transaction.atomic
def promise_record(
    *,
    customer: Customer,
    amount: Decimal,
    promised_on: datetime.date,
    agreed_by: str,
    by: User,
    invoices: list[Invoice] | None = None,
    contact: Contact | None = None,
    note: str = "",
) -> PaymentPromise:
    """Record what the customer agreed to pay by when; checked against incoming payments."""
    if amount <= 0:
        raise BusinessRuleError("promise_amount", _("A payment promise has an amount."))
    if promised_on < timezone.localdate():
        raise BusinessRuleError("promise_date", _("The promised date lies in the past."))
    if not agreed_by.strip():
        raise BusinessRuleError("promise_agreed_by", _("Say who agreed on the customer's side."))
    invoices = invoices or []
    if any(invoice.customer_id != customer.pk for invoice in invoices):
        raise BusinessRuleError("promise_invoices", _("The invoices belong to another customer."))
    promise = PaymentPromise.objects.create(
        customer=customer,
        amount=amount,
        currency=customer.currency,
        promised_on=promised_on,
        agreed_by=agreed_by.strip(),
        contact=contact,
        note=note,
        recorded_by=by,
    )
    promise.invoices.set(invoices)
    event_log(
        kind=EventKind.PROMISE_RECORDED,
        customer=customer,
        by=by,
        reason=note,
        data={
            "amount": str(amount),
            "currency": customer.currency,
            "promised_on": promised_on.isoformat(),
            "agreed_by": promise.agreed_by,
            "invoices": [i.number for i in invoices],
        },
    )
    # The conversation the hold asked for has taken place.
    Activity.objects.filter(
        customer=customer,
        status="open",
        subject__startswith="receivables.credithold:",
    ).update(status="done", completed_at=timezone.now())
    transaction.on_commit(lambda: promises_check(customer_id=customer.pk))
    return promise


def _promise_kept(promise: PaymentPromise) -> bool:
    paid = (
        Payment.objects.filter(
            customer_id=promise.customer_id,
            currency=promise.currency,
            received_on__gte=timezone.localtime(promise.recorded_at).date(),
            received_on__lte=promise.promised_on + datetime.timedelta(days=PROMISE_GRACE_DAYS),
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    if paid >= promise.amount:
        return True
    invoices = list(promise.invoices.all())
    if not invoices:
        return False
    still_open = selectors.invoice_open_items(customer_id=promise.customer_id).filter(
        pk__in=[i.pk for i in invoices]
    )
    return not still_open.exists()


def promises_check(
    *, customer_id: int | None = None, today: datetime.date | None = None
) -> tuple[int, int]:
    """Compare open promises with the payments received: a kept promise releases the customer's
    held orders, a broken one goes to the account owner and accounting. Returns (kept, broken)."""
    today = today or timezone.localdate()
    promises = selectors.open_promises()
    if customer_id is not None:
        promises = promises.filter(customer_id=customer_id)
    kept = broken = 0
    for promise in promises:
        if _promise_kept(promise):
            _resolve(promise, PromiseStatus.KEPT)
            kept += 1
        elif today > promise.promised_on + datetime.timedelta(days=PROMISE_GRACE_DAYS):
            _resolve(promise, PromiseStatus.BROKEN)
            broken += 1
    return kept, broken


@transaction.atomic
def _resolve(promise: PaymentPromise, status: str) -> None:
    promise = PaymentPromise.objects.select_for_update().get(pk=promise.pk)
    if promise.status != PromiseStatus.OPEN:
        return
    promise.status = status
    promise.resolved_at = timezone.now()
    promise.save(update_fields=["status", "resolved_at"])
    customer = Customer.objects.select_related("account_owner").get(pk=promise.customer_id)
    amount = format_money(promise.amount, promise.currency)
    due = date_format(promise.promised_on, "SHORT_DATE_FORMAT")
    if status == PromiseStatus.KEPT:
        from treue.orders.services import CLOSED_STATUSES

        event_log(
            kind=EventKind.PROMISE_KEPT,
            customer=customer,
            reason=_("%(amount)s by %(date)s") % {"amount": amount, "date": due},
        )
        held = CreditHold.objects.filter(
            order__customer=customer, released_at__isnull=True
        ).select_related("order")
        for hold in held:
            credit_hold_release(
                hold=hold,
                by=None,
                reason=_("Payment promise kept: %(amount)s by %(date)s, agreed by %(who)s.")
                % {"amount": amount, "date": due, "who": promise.agreed_by},
                # An order cancelled or completed while held is not confirmed any more.
                confirm=hold.order.status not in CLOSED_STATUSES,
            )
        return
    event_log(
        kind=EventKind.PROMISE_BROKEN,
        customer=customer,
        reason=_("%(amount)s by %(date)s") % {"amount": amount, "date": due},
    )
    people = [customer.account_owner, _accounting_lead()]
    seen: set[int] = set()
    for person in people:
        if person is None or person.pk in seen:
            continue
        seen.add(person.pk)
        with override(person.language):
            activity_create(
                title=_("Payment promise broken: %(customer)s") % {"customer": customer.name},
                owner=person,
                due_on=timezone.localdate(),
                customer=customer,
                subject=f"receivables.paymentpromise:{promise.pk}",
                description=_(
                    "%(who)s promised to pay %(amount)s by %(date)s; the money has not come in. "
                    "Held orders stay held."
                )
                % {"who": promise.agreed_by, "amount": amount, "date": due},
                origin=ActivityOrigin.SYSTEM,
            )
