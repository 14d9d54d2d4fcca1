"""Credit: an order confirmation that takes the customer over the limit holds the order with the
reason and asks the account owner for a conversation about the oldest deliveries; accounting
releases it, or a kept payment promise does; a broken promise goes to the account owner and
accounting. And the credit position the ERP reads from the API."""

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from treue.activities.models import Activity
from treue.communications.models import Communication
from treue.core.errors import BusinessRuleError
from treue.core.models import User
from treue.core.tests.factories import UserFactory
from treue.customers.models import Customer
from treue.customers.services import customer_update
from treue.customers.tests.factories import api_headers
from treue.orders.models import Delivery, Order, OrderConfirmation, OrderLine
from treue.orders.services import order_confirm
from treue.orders.tests.factories import OrderFactory, OrderLineFactory
from treue.receivables.credit import (
    PROMISE_GRACE_DAYS,
    credit_hold_release,
    promise_record,
    promises_check,
)
from treue.receivables.models import (
    CreditHold,
    Invoice,
    Payment,
    PaymentPromise,
    ReceivablesEvent,
)
from treue.receivables.services import invoice_create, payment_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def rep() -> User:
    return UserFactory(username="rep", role="sales", first_name="Anna", language="en")


@pytest.fixture
def accountant() -> User:
    UserFactory(username="fibu2", role="accounting", language="en")  # not the lead
    lead = UserFactory(username="fibu", role="accounting", first_name="Petra", language="en")
    department = lead.department
    department.head = lead
    department.save()
    return lead


@pytest.fixture
def debtor(make_customer: Callable[..., Customer], rep: User) -> Customer:
    return make_customer(
        "K1", "Kranz Hydraulik GmbH", account_owner=rep, credit_limit=Decimal("10000.00")
    )


def order_for(customer: Customer, number: str, net: str, **fields: object) -> Order:
    order = OrderFactory(number=number, customer=customer, **fields)
    OrderLineFactory(order=order, position=10, net_price=Decimal(net), quantity=Decimal(1))
    return order


def invoice(
    customer: Customer,
    number: str,
    gross: str,
    *,
    days_ago: int = 40,
    delivery: Delivery | None = None,
    order: Order | None = None,
    currency: str = "EUR",
    rate: str = "1",
) -> Invoice:
    gross_amount = Decimal(gross)
    net = (gross_amount / Decimal("1.19")).quantize(Decimal("0.01"))
    issued_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    return Invoice.objects.create(
        number=number,
        customer=customer,
        order=order,
        delivery=delivery,
        issued_on=issued_on,
        due_on=issued_on + datetime.timedelta(days=30),
        currency=currency,
        exchange_rate=Decimal(rate),
        net_amount=net,
        tax_amount=gross_amount - net,
        gross_amount=gross_amount,
    )


def delivered(customer: Customer, number: str, gross: str, days_ago: int) -> Invoice:
    """An invoice for a delivery of an old order."""
    order = OrderFactory(customer=customer)
    delivery = Delivery.objects.create(
        number=f"LS-{number}",
        order=order,
        shipped_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )
    return invoice(customer, number, gross, days_ago=days_ago, delivery=delivery, order=order)


@pytest.fixture
def held(debtor: Customer, rep: User, accountant: User) -> CreditHold:
    """9,500 open on three deliveries, a limit of 10,000 and a new order of 5,000: held."""
    delivered(debtor, "RE-1", "3000.00", days_ago=60)
    delivered(debtor, "RE-2", "2500.00", days_ago=45)
    delivered(debtor, "RE-3", "4000.00", days_ago=20)
    result = order_confirm(order=order_for(debtor, "A-NEW", "5000.00"), by=rep)
    assert isinstance(result, CreditHold)
    return result


def events(kind: str) -> list[ReceivablesEvent]:
    return list(ReceivablesEvent.objects.filter(kind=kind).order_by("id"))


# --- the hold ------------------------------------------------------------------------------------


def test_an_order_over_the_limit_is_held_with_the_reason_and_nothing_goes_out(
    held: CreditHold, rep: User
) -> None:
    assert held.order.number == "A-NEW"
    assert held.reason == (
        "Exposure €14,500.00 with this order exceeds the credit limit of €10,000.00 "
        "(open items €9,500.00, other confirmed orders €0.00, this order €5,000.00)."
    )
    assert (held.limit, held.exposure, held.held_by, held.is_open) == (
        Decimal("10000.00"),
        Decimal("14500.00"),
        rep,
        True,
    )
    assert not OrderConfirmation.objects.exists()
    assert not Communication.objects.exists()
    (event,) = events("order_held")
    assert (event.order, event.by, event.reason) == (held.order, rep, held.reason)
    assert event.data == {"exposure": "14500.00", "limit": "10000.00"}


def test_the_account_owner_is_asked_to_agree_payment_of_the_oldest_deliveries(
    held: CreditHold, rep: User
) -> None:
    (activity,) = Activity.objects.filter(subject=f"receivables.credithold:{held.pk}")

    assert activity.owner == rep
    assert activity.customer == held.order.customer
    assert activity.due_on == timezone.localdate() + datetime.timedelta(days=1)
    assert activity.title == "Agree payment of the oldest 2 deliveries with Kranz Hydraulik GmbH"
    # 4,500 over the limit: the two oldest deliveries (3,000 + 2,500) cover it, the third is not
    # asked for
    lines = [line for line in activity.description.splitlines() if line.startswith("- invoice")]
    assert len(lines) == 2
    assert lines[0].startswith("- invoice RE-1 (delivery LS-RE-1 of ")
    assert lines[0].endswith("): €3,000.00 open")
    assert lines[1].startswith("- invoice RE-2 (delivery LS-RE-2 of ")
    assert lines[1].endswith("): €2,500.00 open")
    assert "RE-3" not in activity.description
    assert held.reason in activity.description
    assert reverse("receivables:promise_new", args=["K1"]) in activity.description


def test_a_customer_without_an_account_owner_goes_to_the_accounting_lead(
    make_customer: Callable[..., Customer], accountant: User
) -> None:
    orphan = make_customer("K2", "Ohne Betreuer AG", credit_limit=Decimal("1000.00"))

    hold = order_confirm(order=order_for(orphan, "A-2", "1500.00"), by=None)

    assert isinstance(hold, CreditHold)
    (activity,) = Activity.objects.filter(subject=f"receivables.credithold:{hold.pk}")
    assert activity.owner == accountant
    assert "no open invoices to settle" in activity.description


def test_confirming_a_held_order_again_is_refused_and_changes_nothing(
    held: CreditHold, rep: User
) -> None:
    with pytest.raises(BusinessRuleError) as refused:
        order_confirm(order=held.order, by=rep)

    assert refused.value.code == "order_on_credit_hold"
    assert held.reason in refused.value.detail
    assert CreditHold.objects.count() == 1
    assert not OrderConfirmation.objects.exists()
    assert len(events("order_held")) == 1


def test_an_order_within_the_limit_is_confirmed(debtor: Customer, rep: User) -> None:
    delivered(debtor, "RE-1", "4000.00", days_ago=30)

    result = order_confirm(order=order_for(debtor, "A-1", "6000.00"), by=rep)

    # 4,000 + 6,000 is the limit exactly, not over it
    assert isinstance(result, OrderConfirmation)
    assert not CreditHold.objects.exists()
    assert not ReceivablesEvent.objects.exists()


def test_other_confirmed_orders_count_with_what_is_not_invoiced_yet(
    debtor: Customer, rep: User
) -> None:
    first = order_for(debtor, "A-1", "6000.00")
    order_confirm(order=first, by=rep)
    # 2,000 of the first order's 6,000 are invoiced (2,380 gross, open)
    invoice(debtor, "RE-A1", "2380.00", order=first)

    fits = order_confirm(order=order_for(debtor, "A-2", "3600.00"), by=rep)
    over = order_confirm(order=order_for(debtor, "A-3", "100.00"), by=rep)

    # 2,380 open + 4,000 of A-1 + 3,600 of A-2 = 9,980; A-3 takes it to 10,080
    assert isinstance(fits, OrderConfirmation)
    assert isinstance(over, CreditHold)
    assert over.reason == (
        "Exposure €10,080.00 with this order exceeds the credit limit of €10,000.00 "
        "(open items €2,380.00, other confirmed orders €7,600.00, this order €100.00)."
    )


def test_a_reconfirmation_that_does_not_raise_the_value_is_not_checked_again(
    debtor: Customer, rep: User
) -> None:
    order = order_for(debtor, "A-1", "5000.00")
    order_confirm(order=order, by=rep)
    # Meanwhile 8,000 fall open: the customer is over the limit with this order
    invoice(debtor, "RE-1", "8000.00")
    OrderLine.objects.filter(order=order).update(promised_date=datetime.date(2025, 5, 2))

    later = order_confirm(order=order, by=rep)
    OrderLine.objects.filter(order=order).update(quantity=Decimal(2))
    grown = order_confirm(order=order, by=rep)

    assert isinstance(later, OrderConfirmation)
    assert later.version == 2
    assert isinstance(grown, CreditHold)
    assert grown.reason == (
        "Exposure €18,000.00 with this order exceeds the credit limit of €10,000.00 "
        "(open items €8,000.00, other confirmed orders €0.00, this order €10,000.00)."
    )
    assert order.confirmations.count() == 2


# --- release -------------------------------------------------------------------------------------


def test_accounting_releases_a_hold_with_a_reason_and_the_confirmation_goes_out(
    held: CreditHold, accountant: User
) -> None:
    released = credit_hold_release(
        hold=held, by=accountant, reason="  Zahlungseingang telefonisch bestätigt  "
    )

    assert (released.is_open, released.released_by, released.release_reason) == (
        False,
        accountant,
        "Zahlungseingang telefonisch bestätigt",
    )
    assert OrderConfirmation.objects.get().order == held.order
    assert list(Communication.objects.values_list("type", flat=True)) == ["order_confirmation"]
    (event,) = events("order_released")
    assert (event.order, event.by, event.reason) == (
        held.order,
        accountant,
        "Zahlungseingang telefonisch bestätigt",
    )


@pytest.mark.parametrize("role", ["management", "admin"])
def test_management_may_release_too(held: CreditHold, role: str) -> None:
    boss = UserFactory(username=f"boss-{role}", role=role)

    credit_hold_release(hold=held, by=boss, reason="Großkunde, Zahlung zugesagt")

    assert not CreditHold.objects.get().is_open


def test_a_sales_rep_may_not_release_and_a_reason_is_required(
    held: CreditHold, rep: User, accountant: User
) -> None:
    with pytest.raises(BusinessRuleError) as by_sales:
        credit_hold_release(hold=held, by=rep, reason="Kunde drängt")
    with pytest.raises(BusinessRuleError) as without_reason:
        credit_hold_release(hold=held, by=accountant, reason="   ")

    assert by_sales.value.code == "release_not_allowed"
    assert without_reason.value.code == "reason_required"
    assert CreditHold.objects.get().is_open
    assert not OrderConfirmation.objects.exists()
    assert not events("order_released")


def test_a_released_hold_is_not_released_twice(held: CreditHold, accountant: User) -> None:
    credit_hold_release(hold=held, by=accountant, reason="Zahlung eingegangen")

    with pytest.raises(BusinessRuleError) as again:
        credit_hold_release(hold=held, by=accountant, reason="noch einmal")

    assert again.value.code == "hold_released"
    assert OrderConfirmation.objects.count() == 1
    assert len(events("order_released")) == 1


# --- promises ------------------------------------------------------------------------------------


def _promise(customer: Customer, rep: User, *, amount: str, on: datetime.date) -> PaymentPromise:
    settle = list(Invoice.objects.filter(number__in=["RE-1", "RE-2"]).order_by("number"))
    return promise_record(
        customer=customer,
        amount=Decimal(amount),
        promised_on=on,
        agreed_by="Karl Kranz",
        by=rep,
        invoices=settle,
        note="Zahlung der zwei ältesten Lieferungen",
    )


def test_a_recorded_promise_is_logged_and_closes_the_conversation_activity(
    held: CreditHold, debtor: Customer, rep: User
) -> None:
    on = timezone.localdate() + datetime.timedelta(days=7)

    promise = _promise(debtor, rep, amount="5500.00", on=on)

    assert (promise.status, promise.currency, promise.recorded_by) == ("open", "EUR", rep)
    (event,) = events("promise_recorded")
    assert (event.by, event.reason) == (rep, "Zahlung der zwei ältesten Lieferungen")
    assert event.data == {
        "amount": "5500.00",
        "currency": "EUR",
        "promised_on": on.isoformat(),
        "agreed_by": "Karl Kranz",
        "invoices": ["RE-1", "RE-2"],
    }
    activity = Activity.objects.get(subject=f"receivables.credithold:{held.pk}")
    assert activity.status == "done"


def test_a_promise_needs_an_amount_a_date_ahead_and_who_agreed(
    debtor: Customer, rep: User, make_customer: Callable[..., Customer]
) -> None:
    today = timezone.localdate()
    other = invoice(make_customer("K2", "Schmid Metallbau KG"), "RE-K2", "100.00")
    cases = [
        ({"amount": Decimal(0)}, "promise_amount"),
        ({"promised_on": today - datetime.timedelta(days=1)}, "promise_date"),
        ({"agreed_by": "  "}, "promise_agreed_by"),
        ({"invoices": [other]}, "promise_invoices"),
    ]

    codes = []
    for change, _code in cases:
        fields = {
            "customer": debtor,
            "amount": Decimal("100.00"),
            "promised_on": today,
            "agreed_by": "Karl Kranz",
            "by": rep,
            **change,
        }
        with pytest.raises(BusinessRuleError) as refused:
            promise_record(**fields)  # type: ignore[arg-type]
        codes.append(refused.value.code)

    assert codes == [code for _change, code in cases]
    assert not PaymentPromise.objects.exists()
    assert not ReceivablesEvent.objects.exists()


def test_a_kept_promise_releases_the_held_order_and_the_confirmation_goes_out(
    held: CreditHold,
    debtor: Customer,
    rep: User,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    today = timezone.localdate()
    promise = _promise(debtor, rep, amount="5500.00", on=today + datetime.timedelta(days=7))

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        payment_record(
            customer="K1",
            reference="ZE-4711",
            received_on=today,
            amount=Decimal("5500.00"),
            invoices=["RE-1", "RE-2"],
        )

    promise.refresh_from_db()
    held.refresh_from_db()
    assert promise.status == "kept"
    assert not held.is_open
    assert held.released_by is None
    assert held.release_reason.startswith("Payment promise kept: €5,500.00 by ")
    assert held.release_reason.endswith(", agreed by Karl Kranz.")
    confirmation = OrderConfirmation.objects.get()
    assert (confirmation.order, confirmation.version) == (held.order, 1)
    assert Communication.objects.filter(type="order_confirmation").count() == 1
    assert [e.kind for e in ReceivablesEvent.objects.order_by("id")] == [
        "order_held",
        "promise_recorded",
        "promise_kept",
        "order_released",
    ]


def test_a_kept_promise_releases_a_held_order_cancelled_meanwhile_without_confirming_it(
    held: CreditHold,
    debtor: Customer,
    rep: User,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    today = timezone.localdate()
    Order.objects.filter(pk=held.order_id).update(status="cancelled")
    other = order_confirm(order=order_for(debtor, "A-OTHER", "600.00"), by=rep)
    promise = _promise(debtor, rep, amount="5500.00", on=today + datetime.timedelta(days=7))

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        payment_record(
            customer="K1",
            reference="ZE-4711",
            received_on=today,
            amount=Decimal("5500.00"),
            invoices=["RE-1", "RE-2"],
        )

    promise.refresh_from_db()
    assert isinstance(other, CreditHold)
    assert promise.status == "kept"
    assert not CreditHold.objects.filter(released_at__isnull=True).exists()
    assert list(OrderConfirmation.objects.values_list("order__number", flat=True)) == ["A-OTHER"]


def test_a_payment_short_of_the_promise_keeps_the_order_held(
    held: CreditHold,
    debtor: Customer,
    rep: User,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    today = timezone.localdate()
    promise = _promise(debtor, rep, amount="5500.00", on=today + datetime.timedelta(days=7))

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        payment_record(
            customer="K1",
            reference="ZE-4711",
            received_on=today,
            amount=Decimal("3000.00"),
            invoices=["RE-1"],
        )

    promise.refresh_from_db()
    assert promise.status == "open"
    assert CreditHold.objects.get().is_open
    assert not OrderConfirmation.objects.exists()


def test_a_broken_promise_goes_to_the_account_owner_and_the_accounting_lead(
    held: CreditHold, debtor: Customer, rep: User, accountant: User
) -> None:
    today = timezone.localdate()
    promise = _promise(debtor, rep, amount="5500.00", on=today)

    within_grace = promises_check(today=today + datetime.timedelta(days=PROMISE_GRACE_DAYS))
    after_grace = promises_check(today=today + datetime.timedelta(days=PROMISE_GRACE_DAYS + 1))

    assert within_grace == (0, 0)
    assert after_grace == (0, 1)
    promise.refresh_from_db()
    assert promise.status == "broken"
    activities = Activity.objects.filter(subject=f"receivables.paymentpromise:{promise.pk}")
    assert sorted(a.owner.username for a in activities) == ["fibu", "rep"]
    assert {a.title for a in activities} == {"Payment promise broken: Kranz Hydraulik GmbH"}
    assert all("Karl Kranz promised to pay €5,500.00" in a.description for a in activities)
    assert CreditHold.objects.get().is_open
    assert len(events("promise_broken")) == 1
    # Checked again: nothing new
    assert promises_check(today=today + datetime.timedelta(days=10)) == (0, 0)
    assert activities.count() == 2


# --- audit trail of the limit --------------------------------------------------------------------


def test_a_credit_limit_change_is_logged_with_the_old_and_new_limit(
    debtor: Customer, accountant: User
) -> None:
    customer_update(customer=debtor, data={"credit_limit": Decimal("25000.00")}, by=accountant)
    customer_update(customer=debtor, data={"credit_limit": Decimal("25000.00")}, by=accountant)

    (event,) = events("credit_limit_changed")
    assert (event.customer, event.by) == (debtor, accountant)
    assert event.data == {"old": "10000.00", "new": "25000.00", "currency": "EUR"}


# --- the API -------------------------------------------------------------------------------------


def test_the_credit_endpoint_shows_limit_open_items_orders_exposure_and_held_orders(
    client: Client, debtor: Customer, rep: User
) -> None:
    confirmed = order_for(debtor, "A-1", "6000.00")
    order_confirm(order=confirmed, by=rep)
    invoice(debtor, "RE-A1", "2380.00", order=confirmed)  # 2,000 net of A-1 invoiced
    invoice(debtor, "RE-0", "5000.00")
    invoice_create(
        number="G-1",
        customer="K1",
        issued_on=timezone.localdate(),
        net_amount=Decimal("420.17"),
        tax_amount=Decimal("79.83"),
        gross_amount=Decimal("500.00"),
        kind="credit_note",
    )
    Payment.objects.create(
        customer=debtor,
        reference="ZE-1",
        received_on=timezone.localdate(),
        currency="EUR",
        amount=Decimal("300.00"),
    )
    held = order_confirm(order=order_for(debtor, "A-2", "1000.00"), by=rep)
    assert isinstance(held, CreditHold)

    response = client.get("/api/v1/customers/K1/credit", headers=api_headers("accounting"))

    assert response.status_code == 200
    # open items: 2,380 + 5,000 - 500 credit note - 300 cash; the held order does not count
    assert response.json() == {
        "customer": "K1",
        "currency": "EUR",
        "limit": "10000.00",
        "open_items": "6580.00",
        "open_orders": "4000.00",
        "exposure": "10580.00",
        "headroom": "-580.00",
        "unallocated": "300.00",
        "held_orders": ["A-2"],
    }


def test_the_credit_of_a_chf_customer_is_in_eur(
    client: Client, make_customer: Callable[..., Customer], rep: User
) -> None:
    swiss = make_customer(
        "K-CH", "Huber Präzision AG", currency="CHF", credit_limit=Decimal("10000.00")
    )
    chf = {"currency": "CHF"}
    OrderFactory(
        customer=swiss, exchange_rate=Decimal("1.02"), order_date=datetime.date(2025, 1, 10), **chf
    )
    newest = order_for(
        swiss,
        "A-CH",
        "1000.00",
        exchange_rate=Decimal("1.05"),
        order_date=datetime.date(2025, 3, 1),
        **chf,
    )
    order_confirm(order=newest, by=rep)
    invoice(swiss, "RE-CH", "2000.00", currency="CHF", rate="1.04")

    response = client.get("/api/v1/customers/K-CH/credit", headers=api_headers("sales"))

    # The limit at the newest order's rate, the invoice at its own, the order at its own
    body = response.json()
    assert (body["currency"], body["limit"], body["open_items"], body["open_orders"]) == (
        "EUR",
        "10500.00",
        "2080.00",
        "1050.00",
    )
    assert (body["exposure"], body["held_orders"]) == ("3130.00", [])


def test_the_credit_endpoint_needs_the_invoice_permission_and_a_known_customer(
    client: Client, debtor: Customer
) -> None:
    production = client.get("/api/v1/customers/K1/credit", headers=api_headers("production"))
    unknown = client.get("/api/v1/customers/K9/credit", headers=api_headers("accounting"))

    assert production.status_code == 403
    assert unknown.status_code == 404
