"""Money received: payments recorded once by their reference, settling the invoices named or the
oldest open ones (Skonto within its period), unallocated cash applied later, credit notes; and
what accounting reads from it: unallocated payments, aging, DSO and payment behaviour."""

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from treue.core.errors import BusinessRuleError
from treue.customers.models import Customer
from treue.receivables import selectors
from treue.receivables.models import Allocation, Invoice, Payment
from treue.receivables.selectors import Bucket, PaymentYear
from treue.receivables.services import invoice_create, payment_allocate, payment_record
from treue.receivables.tests.factories import InvoiceFactory, PaymentFactory

pytestmark = pytest.mark.django_db

# The `terms` fixture: 2 % Skonto within 14 days, 30 days net.
MARCH_1 = datetime.date(2025, 3, 1)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def k1(make_customer: Callable[..., Customer]) -> Customer:
    return make_customer("K1", "Kranz Hydraulik GmbH")


def invoice(
    customer: Customer,
    number: str,
    *,
    issued_on: datetime.date = MARCH_1,
    gross: str = "1190.00",
    currency: str = "EUR",
    rate: str = "1",
    due_on: datetime.date | None = None,
) -> Invoice:
    gross_amount = Decimal(gross)
    net = (gross_amount / Decimal("1.19")).quantize(Decimal("0.01"))
    return InvoiceFactory(
        number=number,
        customer=customer,
        issued_on=issued_on,
        due_on=due_on or issued_on + datetime.timedelta(days=30),
        currency=currency,
        exchange_rate=Decimal(rate),
        net_amount=net,
        tax_amount=gross_amount - net,
        gross_amount=gross_amount,
    )


def open_amounts() -> dict[str, Decimal]:
    return {
        i.number: i.open_amount
        for i in selectors.invoice_details(invoices=Invoice.objects.order_by("number"))
    }


def shares(payment: Payment) -> list[tuple[str, Decimal, Decimal]]:
    return [
        (a.invoice.number, a.amount, a.cash_discount)
        for a in payment.allocations.select_related("invoice").order_by("id")
    ]


# --- payment_record ------------------------------------------------------------------------------


def test_a_payment_naming_no_invoices_settles_the_oldest_first_with_skonto_in_its_period(
    k1: Customer,
) -> None:
    # R-1 is 19 days old on the day of payment (no Skonto), R-2 only 10 (2 % Skonto)
    invoice(k1, "R-2", issued_on=datetime.date(2025, 3, 10))
    invoice(k1, "R-1", issued_on=MARCH_1)
    invoice(k1, "R-3", issued_on=datetime.date(2025, 3, 15))

    payment, created = payment_record(
        customer="K1",
        reference="ZE-1",
        received_on=datetime.date(2025, 3, 20),
        amount=Decimal("2500.00"),
    )

    assert created is True
    assert shares(payment) == [
        ("R-1", Decimal("1190.00"), Decimal("0.00")),
        ("R-2", Decimal("1166.20"), Decimal("23.80")),
        ("R-3", Decimal("143.80"), Decimal("0.00")),
    ]
    assert open_amounts() == {
        "R-1": Decimal("0.00"),
        "R-2": Decimal("0.00"),
        "R-3": Decimal("1046.20"),
    }


def test_a_payment_naming_invoices_settles_them_in_the_order_named(k1: Customer) -> None:
    invoice(k1, "R-1", issued_on=MARCH_1)
    invoice(k1, "R-2", issued_on=datetime.date(2025, 3, 2))

    payment, _ = payment_record(
        customer="K1",
        reference="ZE-1",
        received_on=datetime.date(2025, 4, 20),
        amount=Decimal("1500.00"),
        invoices=["R-2", "R-1"],
    )

    assert shares(payment) == [
        ("R-2", Decimal("1190.00"), Decimal("0.00")),
        ("R-1", Decimal("310.00"), Decimal("0.00")),
    ]


def test_an_invoice_named_twice_is_settled_once_and_the_rest_stays_unallocated(
    k1: Customer,
) -> None:
    invoice(k1, "R-1")

    payment, _ = payment_record(
        customer="K1",
        reference="ZE-1",
        received_on=datetime.date(2025, 4, 20),
        amount=Decimal("2000.00"),
        invoices=["R-1", "R-1"],
    )

    assert shares(payment) == [("R-1", Decimal("1190.00"), Decimal("0.00"))]
    assert selectors.payment_unallocated(payment=payment) == Decimal("810.00")


def test_a_payment_naming_no_invoices_settles_only_invoices_in_its_currency(
    k1: Customer,
) -> None:
    # The older CHF invoice is passed over: euros do not pay francs.
    invoice(k1, "R-CHF", currency="CHF", rate="1.05", issued_on=datetime.date(2025, 2, 1))
    invoice(k1, "R-EUR")

    payment, _ = payment_record(
        customer="K1",
        reference="ZE-1",
        received_on=datetime.date(2025, 4, 20),
        amount=Decimal("1190.00"),
    )

    assert shares(payment) == [("R-EUR", Decimal("1190.00"), Decimal("0.00"))]
    assert open_amounts()["R-CHF"] == Decimal("1190.00")


def test_the_same_payment_sent_again_is_recorded_once(k1: Customer) -> None:
    invoice(k1, "R-1")
    kwargs = {
        "customer": "K1",
        "reference": "ZE-1",
        "received_on": datetime.date(2025, 4, 20),
        "amount": Decimal("500.00"),
    }
    first, _ = payment_record(**kwargs)

    again, created = payment_record(**{**kwargs, "amount": Decimal("500")})

    assert created is False
    assert again.pk == first.pk
    assert Payment.objects.count() == 1
    assert Allocation.objects.count() == 1
    assert open_amounts() == {"R-1": Decimal("690.00")}


@pytest.mark.parametrize(
    "changed",
    [
        {"amount": Decimal("501.00")},
        {"received_on": datetime.date(2025, 4, 21)},
        {"customer": "K2"},
    ],
)
def test_other_data_under_a_known_reference_is_refused(
    k1: Customer, make_customer: Callable[..., Customer], changed: dict[str, object]
) -> None:
    make_customer("K2", "Schmid Metallbau KG")
    invoice(k1, "R-1")
    kwargs: dict[str, object] = {
        "customer": "K1",
        "reference": "ZE-1",
        "received_on": datetime.date(2025, 4, 20),
        "amount": Decimal("500.00"),
    }
    payment_record(**kwargs)  # type: ignore[arg-type]

    with pytest.raises(ValidationError) as refused:
        payment_record(**{**kwargs, **changed})  # type: ignore[arg-type]

    assert refused.value.message_dict == {
        "reference": ["Payment ZE-1 is known already with other data."]
    }
    assert Payment.objects.get().amount == Decimal("500.00")
    assert Allocation.objects.count() == 1


def test_a_payment_in_another_currency_than_the_invoices_named_is_refused(k1: Customer) -> None:
    invoice(k1, "R-1")

    with pytest.raises(ValidationError) as refused:
        payment_record(
            customer="K1",
            reference="ZE-1",
            received_on=datetime.date(2025, 4, 20),
            amount=Decimal("500.00"),
            currency="CHF",
            exchange_rate=Decimal("1.05"),
            invoices=["R-1"],
        )

    assert refused.value.message_dict == {"invoices": ["Invoices R-1 are not in CHF."]}
    assert not Payment.objects.exists()


def test_a_foreign_currency_payment_without_a_rate_is_refused(k1: Customer) -> None:
    with pytest.raises(ValidationError) as refused:
        payment_record(
            customer="K1",
            reference="ZE-1",
            received_on=datetime.date(2025, 4, 20),
            amount=Decimal("500.00"),
            currency="CHF",
        )

    assert list(refused.value.message_dict) == ["exchange_rate"]
    assert not Payment.objects.exists()


def test_unknown_or_settled_invoices_and_those_of_others_are_refused_by_name(
    k1: Customer, make_customer: Callable[..., Customer]
) -> None:
    invoice(k1, "R-1")
    PaymentFactory(invoice=invoice(k1, "R-PAID"), amount=Decimal("1190.00"))
    invoice(make_customer("K2", "Schmid Metallbau KG"), "R-OTHER")

    with pytest.raises(ValidationError) as refused:
        payment_record(
            customer="K1",
            reference="ZE-1",
            received_on=datetime.date(2025, 4, 20),
            amount=Decimal("500.00"),
            invoices=["R-1", "R-9", "R-PAID", "R-OTHER"],
        )

    assert refused.value.message_dict == {
        "invoices": ["Customer K1 has no open invoice R-9, R-PAID, R-OTHER."]
    }
    assert refused.value.error_dict["invoices"][0].code == "does_not_exist"
    assert Payment.objects.count() == 1  # the factory's
    assert open_amounts()["R-1"] == Decimal("1190.00")


def test_a_payment_of_an_unknown_customer_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        payment_record(
            customer="K9",
            reference="ZE-1",
            received_on=datetime.date(2025, 4, 20),
            amount=Decimal("500.00"),
        )

    assert refused.value.message_dict == {"customer": ["No customer with the number K9."]}
    assert not Payment.objects.exists()


def test_money_beyond_the_open_items_stays_unallocated(k1: Customer) -> None:
    invoice(k1, "R-1")

    payment, _ = payment_record(
        customer="K1",
        reference="ZE-1",
        received_on=datetime.date(2025, 4, 20),
        amount=Decimal("2000.00"),
    )

    assert shares(payment) == [("R-1", Decimal("1190.00"), Decimal("0.00"))]
    assert selectors.payment_unallocated(payment=payment) == Decimal("810.00")


# --- payment_allocate ----------------------------------------------------------------------------


def _cash(customer: Customer, amount: str = "1000.00", reference: str = "ZE-CASH") -> Payment:
    payment, _ = payment_record(
        customer=customer.number,
        reference=reference,
        received_on=datetime.date(2025, 4, 1),
        amount=Decimal(amount),
    )
    return payment


def test_unallocated_cash_is_applied_to_an_invoice_later(k1: Customer) -> None:
    payment = _cash(k1)
    later = invoice(k1, "R-1", issued_on=datetime.date(2025, 4, 5))

    allocation = payment_allocate(payment=payment, invoice=later, amount=Decimal("600.00"))

    assert (allocation.amount, allocation.allocated_on) == (
        Decimal("600.00"),
        datetime.date(2025, 4, 1),
    )
    assert selectors.payment_unallocated(payment=payment) == Decimal("400.00")
    assert open_amounts() == {"R-1": Decimal("590.00")}


def test_allocating_more_than_the_unallocated_cash_or_the_open_amount_is_refused(
    k1: Customer,
) -> None:
    payment = _cash(k1, "2000.00")
    later = invoice(k1, "R-1", issued_on=datetime.date(2025, 4, 5))

    with pytest.raises(BusinessRuleError) as beyond_cash:
        payment_allocate(payment=payment, invoice=later, amount=Decimal("2000.01"))
    with pytest.raises(BusinessRuleError) as beyond_open:
        payment_allocate(payment=payment, invoice=later, amount=Decimal("1190.01"))
    with pytest.raises(BusinessRuleError) as nothing:
        payment_allocate(payment=payment, invoice=later, amount=Decimal("0"))

    assert beyond_cash.value.code == "allocation_exceeds_payment"
    assert beyond_cash.value.detail == "Payment ZE-CASH has 2000.00 unallocated."
    assert beyond_open.value.code == "payment_exceeds_open_amount"
    assert nothing.value.code == "allocation_exceeds_payment"
    assert not Allocation.objects.exists()


def test_cash_is_not_applied_to_another_customer_a_credit_note_or_another_currency(
    k1: Customer, make_customer: Callable[..., Customer]
) -> None:
    payment = _cash(k1)
    other = invoice(make_customer("K2", "Schmid Metallbau KG"), "R-OTHER")
    chf = invoice(k1, "R-CHF", currency="CHF", rate="1.05")
    note = InvoiceFactory(
        number="G-1",
        customer=k1,
        kind="credit_note",
        issued_on=MARCH_1,
        due_on=MARCH_1,
    )

    codes = []
    for target in (other, note, chf):
        with pytest.raises(BusinessRuleError) as refused:
            payment_allocate(payment=payment, invoice=target, amount=Decimal("100.00"))
        codes.append(refused.value.code)

    assert codes == [
        "allocation_other_customer",
        "allocation_other_customer",
        "allocation_currency",
    ]
    assert not Allocation.objects.exists()


def test_unallocated_payments_lists_those_with_money_left_oldest_first(
    k1: Customer, make_customer: Callable[..., Customer]
) -> None:
    k2 = make_customer("K2", "Schmid Metallbau KG")
    invoice(k1, "R-1")
    payment_record(
        customer="K1",
        reference="ZE-FULL",
        received_on=datetime.date(2025, 4, 1),
        amount=Decimal("1190.00"),
    )
    payment_record(
        customer="K1",
        reference="ZE-LATER",
        received_on=datetime.date(2025, 4, 2),
        amount=Decimal("300.00"),
    )
    payment_record(
        customer="K2",
        reference="ZE-K2",
        received_on=datetime.date(2025, 4, 1),
        amount=Decimal("50.00"),
    )

    everyone = [(p.reference, p.unallocated) for p in selectors.unallocated_payments()]
    only_k2 = [p.reference for p in selectors.unallocated_payments(customer_id=k2.pk)]

    assert everyone == [("ZE-K2", Decimal("50.00")), ("ZE-LATER", Decimal("300.00"))]
    assert only_k2 == ["ZE-K2"]


# --- credit notes --------------------------------------------------------------------------------


def test_a_credit_note_settles_the_invoice_it_credits_and_keeps_the_rest_available(
    k1: Customer,
) -> None:
    credited = invoice(k1, "R-1")
    PaymentFactory(invoice=credited, amount=Decimal("890.00"))

    note = invoice_create(
        number="G-1",
        customer="K1",
        issued_on=datetime.date(2025, 3, 20),
        net_amount=Decimal("420.17"),
        tax_amount=Decimal("79.83"),
        gross_amount=Decimal("500.00"),
        kind="credit_note",
        credited_invoice="R-1",
    )

    assert (note.kind, note.due_on) == ("credit_note", datetime.date(2025, 3, 20))
    details = {i.number: i for i in selectors.invoice_details(invoices=Invoice.objects.all())}
    assert details["R-1"].open_amount == Decimal("0.00")
    assert (details["G-1"].paid_amount, details["G-1"].open_amount) == (
        Decimal("300.00"),
        Decimal("200.00"),
    )
    application = Allocation.objects.get(credit_note=note)
    assert (application.invoice, application.amount) == (credited, Decimal("300.00"))
    assert [(n.number, n.available) for n in selectors.unapplied_credit_notes()] == [
        ("G-1", Decimal("200.00"))
    ]


def test_a_credit_note_must_credit_an_invoice_of_the_customer_in_its_currency(
    k1: Customer, make_customer: Callable[..., Customer]
) -> None:
    invoice(make_customer("K2", "Schmid Metallbau KG"), "R-OTHER")
    invoice(k1, "R-CHF", currency="CHF", rate="1.05")
    amounts = {
        "customer": "K1",
        "issued_on": datetime.date(2025, 3, 20),
        "net_amount": Decimal("100.00"),
        "tax_amount": Decimal("19.00"),
        "gross_amount": Decimal("119.00"),
    }

    with pytest.raises(ValidationError) as other_customer:
        invoice_create(number="G-1", kind="credit_note", credited_invoice="R-OTHER", **amounts)
    with pytest.raises(ValidationError) as other_currency:
        invoice_create(number="G-2", kind="credit_note", credited_invoice="R-CHF", **amounts)
    with pytest.raises(ValidationError) as not_a_credit_note:
        invoice_create(
            number="R-2",
            credited_invoice="R-CHF",
            currency="CHF",
            exchange_rate=Decimal("1.05"),
            **amounts,
        )

    assert other_customer.value.message_dict == {
        "credited_invoice": ["Customer K1 has no invoice R-OTHER."]
    }
    assert other_currency.value.message_dict == {
        "currency": ["A credit note is in the currency of the invoice it credits (CHF)."]
    }
    assert not_a_credit_note.value.message_dict == {
        "credited_invoice": ["Only a credit note credits an invoice."]
    }
    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["R-CHF", "R-OTHER"]
    assert not Allocation.objects.exists()


# --- aging, DSO, payment behaviour ---------------------------------------------------------------

TODAY = datetime.date(2025, 6, 30)


def test_aging_puts_open_items_in_eur_into_buckets_by_days_overdue(
    k1: Customer, make_customer: Callable[..., Customer]
) -> None:
    def due(days_ago: int, gross: str, **kwargs: str) -> None:
        due_on = TODAY - datetime.timedelta(days=days_ago)
        issued_on = due_on - datetime.timedelta(days=30)
        invoice(k1, f"R{days_ago}", issued_on=issued_on, due_on=due_on, gross=gross, **kwargs)

    due(0, "100.00")  # due today: not overdue
    due(-10, "50.00")
    due(30, "200.00")
    due(31, "300.00", currency="CHF", rate="1.10")  # 330.00 EUR
    due(90, "400.00")
    due(91, "500.00")
    _paid(k1, "R-PAID", due_on=TODAY - datetime.timedelta(days=45), days_late=0)
    k2 = make_customer("K2", "Schmid Metallbau KG")
    invoice(k2, "R-K2", issued_on=TODAY - datetime.timedelta(days=35), gross="70.00")

    everyone = selectors.aging(today=TODAY)
    only_k1 = selectors.aging(today=TODAY, customer_id=k1.pk)

    assert only_k1 == [
        Bucket(0, 0, Decimal("150.00"), 2),
        Bucket(1, 30, Decimal("200.00"), 1),
        Bucket(31, 60, Decimal("330.00"), 1),
        Bucket(61, 90, Decimal("400.00"), 1),
        Bucket(91, None, Decimal("500.00"), 1),
    ]
    assert everyone[1] == Bucket(1, 30, Decimal("270.00"), 2)


def test_dso_relates_open_items_to_the_sales_of_the_last_year(k1: Customer) -> None:
    a_year_ago = TODAY - datetime.timedelta(days=365)
    for number, gross in [("R-1", "4000.00"), ("R-2", "6000.00")]:
        invoice(k1, number, issued_on=TODAY - datetime.timedelta(days=100), gross=gross)
    PaymentFactory(invoice=Invoice.objects.get(number="R-2"), amount=Decimal("6000.00"))
    PaymentFactory(invoice=Invoice.objects.get(number="R-1"), amount=Decimal("2000.00"))
    # Older than a year: open, but not among the sales
    invoice(k1, "R-OLD", issued_on=a_year_ago, gross="600.00")

    days = selectors.dso(today=TODAY, customer_id=k1.pk)

    # (2,000 + 600 open) / 10,000 invoiced × 365
    assert days == Decimal("94.9")


def test_dso_without_sales_is_unknown(k1: Customer) -> None:
    invoice(k1, "R-OLD", issued_on=datetime.date(2023, 1, 10))

    assert selectors.dso(today=TODAY, customer_id=k1.pk) is None


def _paid(customer: Customer, number: str, *, due_on: datetime.date, days_late: int) -> None:
    paid = invoice(customer, number, issued_on=due_on - datetime.timedelta(days=30), due_on=due_on)
    PaymentFactory(
        invoice=paid,
        amount=paid.gross_amount,
        received_on=due_on + datetime.timedelta(days=days_late),
    )


def test_payment_behaviour_by_half_year_says_the_customer_pays_later_now(k1: Customer) -> None:
    today = datetime.date(2025, 9, 15)
    _paid(k1, "R-1", due_on=datetime.date(2024, 2, 10), days_late=4)
    _paid(k1, "R-2", due_on=datetime.date(2025, 2, 10), days_late=-3)  # early counts 0
    _paid(k1, "R-3", due_on=datetime.date(2025, 5, 10), days_late=2)
    _paid(k1, "R-4", due_on=datetime.date(2025, 7, 10), days_late=20)
    _paid(k1, "R-5", due_on=datetime.date(2025, 8, 10), days_late=10)
    _paid(k1, "R-OLD", due_on=datetime.date(2023, 10, 10), days_late=90)  # before the periods
    # Paid in part: not settled, so not part of the behaviour
    part = invoice(
        k1, "R-PART", issued_on=datetime.date(2025, 6, 1), due_on=datetime.date(2025, 7, 1)
    )
    PaymentFactory(invoice=part, amount=Decimal("100.00"), received_on=datetime.date(2025, 9, 1))

    behaviour = selectors.payment_behaviour(customer_id=k1.pk, today=today)

    assert behaviour.periods == [
        PaymentYear(datetime.date(2024, 1, 1), paid=1, late=1, average_days_late=Decimal("4.0")),
        PaymentYear(datetime.date(2024, 7, 1), paid=0, late=0, average_days_late=None),
        PaymentYear(datetime.date(2025, 1, 1), paid=2, late=1, average_days_late=Decimal("1.0")),
        PaymentYear(datetime.date(2025, 7, 1), paid=2, late=2, average_days_late=Decimal("15.0")),
    ]
    assert behaviour.average_days_late == Decimal("7.2")
    assert behaviour.late_share == Decimal("0.80")
    assert behaviour.is_habitually_late is True
    assert behaviour.trend == "worse"


def test_payment_behaviour_trend_is_better_or_steady_and_empty_without_history(
    k1: Customer, make_customer: Callable[..., Customer]
) -> None:
    today = datetime.date(2025, 9, 15)
    _paid(k1, "R-1", due_on=datetime.date(2025, 3, 10), days_late=20)
    _paid(k1, "R-2", due_on=datetime.date(2025, 7, 10), days_late=2)
    steady = make_customer("K2", "Schmid Metallbau KG")
    _paid(steady, "R-3", due_on=datetime.date(2025, 3, 10), days_late=5)
    _paid(steady, "R-4", due_on=datetime.date(2025, 7, 10), days_late=7)
    new = make_customer("K3", "Neu GmbH")

    better = selectors.payment_behaviour(customer_id=k1.pk, today=today)
    same = selectors.payment_behaviour(customer_id=steady.pk, today=today)
    nothing = selectors.payment_behaviour(customer_id=new.pk, today=today)

    assert (better.trend, same.trend, nothing.trend) == ("better", "steady", "")
    assert (nothing.average_days_late, nothing.late_share, nothing.is_habitually_late) == (
        None,
        None,
        False,
    )
