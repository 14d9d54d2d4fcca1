import datetime
from decimal import Decimal

import factory

from treue.customers.tests.factories import CustomerFactory
from treue.orders.models import Order, OrderLine, Product


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    article_number = factory.Sequence(lambda n: f"A-{1000 + n}")
    name = factory.Sequence(lambda n: f"Spindel {n}")
    product_line = "spare_parts"
    list_price = Decimal("100.00")
    unit_cost = Decimal("60.00")


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"A-2025-{n + 1:04d}")
    customer = factory.SubFactory(CustomerFactory)
    order_date = datetime.date(2025, 3, 3)
    currency = "EUR"


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    position = factory.Sequence(lambda n: 10 * (n + 1))
    product = factory.SubFactory(ProductFactory)
    quantity = Decimal("1.000")
    net_price = Decimal("100.00")
    unit_cost = Decimal("60.00")
    promised_date = datetime.date(2025, 4, 1)
