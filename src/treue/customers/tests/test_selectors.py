import datetime
from decimal import Decimal

import pytest

from treue.customers import selectors
from treue.orders.models import Order, OrderLine
from treue.receivables.selectors import invoice_open_items
from treue.receivables.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def test_key_figures_add_up_last_12_months_in_euro(customer_world: dict) -> None:
    customer, product = customer_world["customer"], customer_world["product"]
    chf = Order.objects.create(
        number="A-2024-0002",
        customer=customer,
        order_date=datetime.date(2024, 5, 1),
        currency="CHF",
        exchange_rate=Decimal("1.050000"),
    )
    OrderLine.objects.create(
        order=chf,
        position=10,
        product=product,
        quantity=Decimal(10),
        net_price=Decimal("100.00"),
        unit_cost=Decimal("70.00"),
        promised_date=datetime.date(2024, 6, 1),
    )

    figures = selectors.customer_key_figures(customer=customer, today=datetime.date(2024, 6, 1))

    # EUR order 2,569.00 + CHF 1,000.00 x 1.05; margin 1,329.00 + 300.00 x 1.05
    assert figures.revenue_12m == Decimal("3619.00")
    assert figures.margin_12m == Decimal("1644.00")
    assert figures.orders_12m == 2
    assert figures.last_order_on == datetime.date(2024, 5, 1)
    assert figures.open_items == Decimal("2057.11")
    assert figures.overdue_items == Decimal("2057.11")
    assert figures.last_contact_at == datetime.datetime(2024, 5, 6, 10, 30, tzinfo=datetime.UTC)


def test_key_figures_of_a_new_customer_are_zero(make_customer) -> None:
    customer = make_customer("K2", "Neukunde GmbH")

    figures = selectors.customer_key_figures(customer=customer, today=datetime.date(2024, 6, 1))

    assert figures.revenue_12m == Decimal("0.00")
    assert figures.orders_12m == 0
    assert figures.last_order_on is None
    assert figures.open_items == Decimal("0.00")
    assert figures.last_contact_at is None


def test_open_invoices_exclude_fully_paid_ones(customer_world: dict) -> None:
    invoice = customer_world["invoice"]
    PaymentFactory(
        invoice=invoice, received_on=datetime.date(2024, 5, 20), amount=Decimal("2057.11")
    )

    open_items = invoice_open_items(customer_id=customer_world["customer"].pk)

    assert list(open_items) == []


def test_customer_list_search_matches_name_part_number_and_vat_id(make_customer) -> None:
    make_customer("K1", "Müller Präzision GmbH", vat_id="DE111111111")
    make_customer("K2", "Schmidt Hydraulik KG")

    def numbers(search: str) -> list[str]:
        return [c.number for c in selectors.customer_list(search=search)]

    assert numbers("präzision") == ["K1"]
    assert numbers("k2") == ["K2"]
    assert numbers("DE111111111") == ["K1"]
    assert numbers("") == ["K1", "K2"]


def test_customer_list_page_rows_show_the_city_of_the_first_billing_address(make_customer) -> None:
    both = make_customer("K1", "Mit zwei Rechnungsadressen GmbH")
    delivery_only = make_customer("K2", "Nur Lieferadresse AG")
    for customer, kind, city in [
        (both, "delivery", "Aalen"),
        (both, "billing", "Bonn"),
        (both, "billing", "Celle"),
        (delivery_only, "delivery", "Dessau"),
    ]:
        customer.addresses.create(
            kind=kind,
            street="Weg 1",
            postal_code="12345",
            city=city,
            country="DE",
            latitude=Decimal(50),
            longitude=Decimal(10),
        )

    rows = selectors.customer_list_page_rows(customers=selectors.customer_list())

    assert [(row.number, row.city) for row in rows] == [("K1", "Bonn"), ("K2", "–")]
