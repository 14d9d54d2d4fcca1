import datetime
from decimal import Decimal

import factory

from treue.customers.tests.factories import CustomerFactory
from treue.receivables.models import Allocation, Invoice, Payment


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
    """A payment of 500 settling part of a new invoice (pass `invoice=` to choose it)."""

    class Meta:
        model = Payment
        exclude = ["invoice"]
        skip_postgeneration_save = True

    invoice = factory.SubFactory(InvoiceFactory)
    customer = factory.SelfAttribute("invoice.customer")
    reference = factory.Sequence(lambda n: f"ZE-2025-{n + 1:07d}")
    received_on = datetime.date(2025, 4, 1)
    currency = factory.SelfAttribute("invoice.currency")
    amount = Decimal("500.00")
    exchange_rate = factory.SelfAttribute("invoice.exchange_rate")
    allocation = factory.RelatedFactory(
        "treue.receivables.tests.factories.AllocationFactory",
        factory_related_name="payment",
        invoice=factory.SelfAttribute("..invoice"),
        amount=factory.SelfAttribute("..amount"),
        allocated_on=factory.SelfAttribute("..received_on"),
    )


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    invoice = factory.SubFactory(InvoiceFactory)
    allocated_on = datetime.date(2025, 4, 1)
    amount = Decimal("500.00")
