"""Fixtures shared by the tests of every app: a small, realistic customer world, and a mail
server on localhost that keeps what it accepted."""

import datetime
import socket
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from treue.activities.models import Activity
from treue.core.tests.factories import UserFactory
from treue.customers.models import (
    Address,
    Contact,
    Customer,
    Interaction,
    PaymentTerms,
)
from treue.orders.models import Order, OrderLine, Product
from treue.receivables.models import Allocation, Invoice, Payment


@pytest.fixture
def terms() -> PaymentTerms:
    return PaymentTerms.objects.create(
        code="14-2-30", net_days=30, discount_days=14, discount_percent=Decimal("2.00")
    )


def _make_customer(number: str, name: str, terms: PaymentTerms, **kwargs: object) -> Customer:
    defaults: dict[str, object] = {
        "country": "DE",
        "industry": "automotive",
        "size_class": "medium",
        "credit_limit": Decimal("50000.00"),
        "customer_since": datetime.date(2019, 4, 1),
    }
    defaults.update(kwargs)
    return Customer.objects.create(number=number, name=name, payment_terms=terms, **defaults)


@pytest.fixture
def make_customer(terms: PaymentTerms) -> Callable[..., Customer]:
    """make_customer("K1", "Name", segment="a") with sensible defaults for the rest."""
    return lambda number, name, **kwargs: _make_customer(number, name, terms, **kwargs)


@pytest.fixture
def customer_world(terms: PaymentTerms) -> dict[str, object]:
    """One customer with a bit of everything the 360 page shows."""
    owner = UserFactory(username="rep", first_name="Anna", last_name="Vogel", role="sales")
    customer = _make_customer(
        "K10001",
        "Bergmann Antriebstechnik GmbH",
        terms,
        account_owner=owner,
        segment="a",
        is_strategic=True,
        vat_id="DE123456789",
    )
    Address.objects.create(
        customer=customer,
        kind="billing",
        street="Hauptstr. 1",
        postal_code="70173",
        city="Stuttgart",
        country="DE",
        latitude=Decimal("48.77585"),
        longitude=Decimal("9.18293"),
    )
    contact = Contact.objects.create(
        customer=customer,
        first_name="Jens",
        last_name="Krüger",
        buying_role="commercial_buyer",
        preferred_channels=["letter", "email"],
        preferred_depth="summary",
        topics=["quality"],
        email="jens.krueger@bergmann.example",
    )
    product = Product.objects.create(
        article_number="M-100",
        name="Fräszentrum FZ 100",
        product_line="machines",
        list_price=Decimal("1000.00"),
        unit_cost=Decimal("600.00"),
    )
    order = Order.objects.create(
        number="A-2024-0001",
        customer=customer,
        order_date=datetime.date(2024, 3, 1),
        currency="EUR",
    )
    OrderLine.objects.create(
        order=order,
        position=10,
        product=product,
        quantity=Decimal(2),
        net_price=Decimal("1234.50"),
        unit_cost=Decimal("600.00"),
        promised_date=datetime.date(2024, 4, 2),
    )
    OrderLine.objects.create(
        order=order,
        position=20,
        product=product,
        quantity=Decimal(1),
        net_price=Decimal("100.00"),
        unit_cost=Decimal("40.00"),
        promised_date=datetime.date(2024, 4, 20),
    )
    invoice = Invoice.objects.create(
        number="R-2024-0001",
        customer=customer,
        order=order,
        issued_on=datetime.date(2024, 4, 3),
        due_on=datetime.date(2024, 5, 3),
        currency="EUR",
        net_amount=Decimal("2569.00"),
        tax_amount=Decimal("488.11"),
        gross_amount=Decimal("3057.11"),
    )
    payment = Payment.objects.create(
        customer=customer,
        reference="ZE-2024-0000001",
        received_on=datetime.date(2024, 5, 2),
        currency="EUR",
        amount=Decimal("1000.00"),
    )
    Allocation.objects.create(
        invoice=invoice,
        payment=payment,
        allocated_on=payment.received_on,
        amount=payment.amount,
    )
    Interaction.objects.create(
        customer=customer,
        contact=contact,
        channel="phone",
        user=owner,
        occurred_at=datetime.datetime(2024, 5, 6, 10, 30, tzinfo=datetime.UTC),
        summary="Asked about spare parts lead time.",
    )
    activity = Activity.objects.create(
        title="Call about the delayed spindle",
        owner=owner,
        department=owner.department,
        customer=customer,
        due_on=datetime.date(2024, 6, 1),
    )
    return {
        "owner": owner,
        "customer": customer,
        "contact": contact,
        "order": order,
        "invoice": invoice,
        "activity": activity,
        "product": product,
    }


class Mailbox:
    """An SMTP server on localhost that keeps what it accepted and can refuse recipients."""

    def __init__(self) -> None:
        self.messages: list[Envelope] = []
        self.refuse: set[str] = set()
        # The client's (host, port) of each accepted message: one per connection it came over.
        self.peers: list[object] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.messages.append(envelope)
        self.peers.append(session.peer)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings) -> Iterator[Mailbox]:
    mailbox = Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield mailbox
    finally:
        controller.stop()
