import datetime
from decimal import Decimal

import factory

from treue.customers.tests.factories import CustomerFactory
from treue.receivables.models import Invoice, Payment


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice

    number = factory.Sequence(lambda n: f"R-2025-{n + 1:04d}")
    customer = factory.SubFactory(CustomerFactory)
    issued_on = datetime.date(2025, 3, 10)
    due_on = datetime.date(2025, 4, 9)
    currency = "EUR"
    net_amount = Decimal("1000.00")
    tax_amount = Decimal("190.00")
    gross_amount = Decimal("1190.00")


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    invoice = factory.SubFactory(InvoiceFactory)
    received_on = datetime.date(2025, 4, 1)
    amount = Decimal("500.00")
    exchange_rate = factory.SelfAttribute("invoice.exchange_rate")
