import datetime

import pytest
from django.test import Client

from treue.orders.models import Delivery, DeliveryLine, Order, OrderLine
from treue.orders.selectors import order_tracking_url
from treue.orders.services import order_line_promised_date_change
from treue.orders.views import TRACKING_LIMIT_PER_MINUTE

pytestmark = pytest.mark.django_db


def _main(content: bytes) -> str:
    """The page's own content (the top bar repeats the address for the language switch)."""
    page = content.decode()
    return page[page.index("<main") : page.index("</main>")]


def _url(order: Order) -> str:
    return order_tracking_url(order=order).removeprefix("http://127.0.0.1:8000")


def test_the_customer_follows_the_order_without_logging_in(
    client: Client, customer_world: dict, django_assert_max_num_queries
) -> None:
    order = customer_world["order"]
    line = OrderLine.objects.get(order=order, position=10)
    delivery = Delivery.objects.create(
        number="L-1", order=order, shipped_on=datetime.date(2024, 4, 1)
    )
    DeliveryLine.objects.create(delivery=delivery, order_line=line, quantity=1)

    with django_assert_max_num_queries(5):
        response = client.get(_url(order))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Ihr Auftrag A-2024-0001" in body
    assert "Fräszentrum FZ 100" in body
    assert "02.04.2024" in body
    assert "L-1 · Versandt am 01.04.2024" in body
    assert "1.234,50" not in body  # no prices
    assert response["X-Robots-Tag"] == "noindex"


def test_a_postponed_line_shows_the_new_date_and_the_first_promise(
    client: Client, customer_world: dict
) -> None:
    order = customer_world["order"]
    order_line_promised_date_change(
        line=OrderLine.objects.get(order=order, position=10),
        new_date=datetime.date(2024, 4, 3),
        reason="Spindel",
        by=None,
        today=datetime.date(2024, 3, 25),
    )

    body = client.get(_url(order)).content.decode()

    assert "03.04.2024" in body
    assert "erstmals zugesagt für den 02.04.2024" in body


def test_a_wrong_token_and_a_wrong_number_answer_the_same_404(
    client: Client, customer_world: dict
) -> None:
    order = customer_world["order"]

    wrong_token = client.get(f"/track/{order.number}/{order.tracking_token[:-1]}x/")
    wrong_number = client.get(f"/track/A-0000-0000/{order.tracking_token}/")

    assert wrong_token.status_code == wrong_number.status_code == 404
    assert _main(wrong_token.content) == _main(wrong_number.content)


def test_guessing_is_slowed_down_per_address(client: Client, customer_world: dict) -> None:
    for _ in range(TRACKING_LIMIT_PER_MINUTE):
        client.get("/track/A-2024-0001/guess/")

    response = client.get(_url(customer_world["order"]))

    assert response.status_code == 429
    assert response["Retry-After"] == "60"


def test_every_order_gets_its_own_unguessable_token(customer_world: dict) -> None:
    other = Order.objects.create(
        number="A-2", customer=customer_world["customer"], order_date=datetime.date(2024, 1, 1),
        currency="EUR",
    )  # fmt: skip

    assert other.tracking_token != customer_world["order"].tracking_token
    assert len(other.tracking_token) == 22
