"""Order lines, deliveries and date changes for the figure tests, in few words."""

import datetime
from decimal import Decimal
from itertools import count

from treue.customers.models import Customer
from treue.orders.models import Delivery, DeliveryLine, Order, OrderLine, Product
from treue.orders.tests.factories import OrderFactory, OrderLineFactory

_numbers = count(1)


def line(
    *,
    customer: Customer,
    product: Product,
    first: datetime.date,
    quantity: int = 1,
    promised: datetime.date | None = None,
    status: str = "in_production",
    order: Order | None = None,
) -> OrderLine:
    order = order or OrderFactory(customer=customer, status=status)
    return OrderLineFactory(
        order=order,
        product=product,
        quantity=Decimal(quantity),
        promised_date=promised or first,
        first_promised_date=first,
    )


def ship(
    order_line: OrderLine,
    on: datetime.date,
    quantity: int | None = None,
    at: datetime.datetime | None = None,
) -> Delivery:
    delivery = Delivery.objects.create(
        number=f"LS-{next(_numbers):06d}", order=order_line.order, shipped_on=on, shipped_at=at
    )
    DeliveryLine.objects.create(
        delivery=delivery,
        order_line=order_line,
        quantity=order_line.quantity if quantity is None else Decimal(quantity),
    )
    return delivery
