import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from treue.customers.tests.factories import CustomerFactory, api_headers
from treue.orders.models import Order, OrderLine, Product
from treue.orders.tests.factories import OrderFactory, OrderLineFactory, ProductFactory

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data: object, headers: dict[str, str]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)


def patch(client: Client, url: str, data: object, headers: dict[str, str]) -> Any:
    return client.patch(url, json.dumps(data), content_type="application/json", headers=headers)


def new_order(**fields: object) -> dict[str, object]:
    return {
        "number": "A-2025-0100",
        "customer": "K10001",
        "order_date": "2025-03-03",
        "customer_reference": "PO 4711",
        "lines": [
            {
                "position": 10,
                "product": "A-1000",
                "quantity": "2",
                "net_price": "1234.50",
                "unit_cost": "600.00",
                "promised_date": "2025-04-02",
            },
            {
                "position": 20,
                "product": "A-2000",
                "quantity": "1.5",
                "net_price": "100.00",
                "promised_date": "2025-04-20",
            },
        ],
        **fields,
    }


@pytest.fixture
def catalogue() -> None:
    CustomerFactory(number="K10001")
    ProductFactory(article_number="A-1000", name="Spindel", unit_cost=Decimal("550.00"))
    ProductFactory(article_number="A-2000", name="Lager", unit_cost=Decimal("40.00"))


# Products


def test_product_list_shows_costs_only_to_who_may_see_them(client: Client) -> None:
    ProductFactory(
        article_number="A-1000",
        name="Spindel",
        product_line="spare_parts",
        is_spare_part=True,
        list_price=Decimal("1000"),
        unit_cost=Decimal("600"),
    )

    shipping = client.get("/api/v1/products", headers=api_headers("shipping"))
    sales = client.get("/api/v1/products", headers=api_headers("sales"))
    purchasing = client.get("/api/v1/products", headers=api_headers("purchasing"))

    assert shipping.json() == {
        "count": 1,
        "items": [
            {
                "article_number": "A-1000",
                "name": "Spindel",
                "product_line": "spare_parts",
                "is_spare_part": True,
                "list_price": "1000.00",
                "currency": "EUR",
            }
        ],
    }
    assert sales.json()["items"][0]["unit_cost"] == "600.00"
    assert purchasing.json()["items"][0]["unit_cost"] == "600.00"


def test_product_list_pages_and_filters(client: Client, django_assert_max_num_queries) -> None:
    for number in ["A-3", "A-1", "B-2", "A-2"]:
        ProductFactory(article_number=number)
    ProductFactory(article_number="M-1", product_line="machines")
    headers = api_headers("sales")
    client.get("/api/v1/products", headers=headers)

    with django_assert_max_num_queries(3):
        page = client.get("/api/v1/products", {"limit": 2, "offset": 1}, headers=headers)
    by_search = client.get("/api/v1/products", {"search": "a-"}, headers=headers)
    by_line = client.get("/api/v1/products", {"product_line": "machines"}, headers=headers)

    assert page.json()["count"] == 5
    assert [p["article_number"] for p in page.json()["items"]] == ["A-2", "A-3"]
    assert [p["article_number"] for p in by_search.json()["items"]] == ["A-1", "A-2", "A-3"]
    assert [p["article_number"] for p in by_line.json()["items"]] == ["M-1"]


def test_product_create_answers_201_and_refusals_store_nothing(client: Client) -> None:
    payload = {
        "article_number": "A-1000",
        "name": "Spindel",
        "product_line": "spare_parts",
        "list_price": "1000",
        "unit_cost": "600.5",
    }

    forbidden = post(client, "/api/v1/products", payload, api_headers("sales"))
    negative = post(
        client, "/api/v1/products", {**payload, "list_price": "-1"}, api_headers("production")
    )
    created = post(client, "/api/v1/products", payload, api_headers("production"))
    duplicate = post(client, "/api/v1/products", payload, api_headers("production"))

    assert forbidden.status_code == 403
    assert negative.status_code == 422
    assert negative.json()["detail"][0]["loc"] == ["body", "payload", "list_price"]
    assert created.status_code == 201
    assert created.json()["unit_cost"] == "600.50"
    assert duplicate.status_code == 422
    assert duplicate.json()["detail"][0]["loc"] == ["body", "payload", "article_number"]
    product = Product.objects.get()
    assert (product.list_price, product.unit_cost) == (Decimal("1000.00"), Decimal("600.50"))


def test_product_detail_and_patch_by_article_number(client: Client) -> None:
    ProductFactory(article_number="A-1000", name="Spindel", list_price=Decimal("10"))
    headers = api_headers("production")

    changed = patch(client, "/api/v1/products/A-1000", {"list_price": "12.5"}, headers)
    detail = client.get("/api/v1/products/A-1000", headers=headers)
    missing = client.get("/api/v1/products/A-9", headers=headers)

    assert changed.status_code == 200
    assert detail.json()["list_price"] == "12.50"
    assert detail.json()["name"] == "Spindel"
    assert missing.status_code == 404
    assert missing.json() == {"code": "not_found", "detail": "Product not found."}


# Orders


def test_order_detail_with_lines_and_totals_for_who_may_see_margins(
    client: Client, catalogue: None
) -> None:
    order = OrderFactory(
        number="A-2025-0001", customer=CustomerFactory(number="K2"), customer_reference="PO 1"
    )
    OrderLineFactory(
        order=order,
        position=10,
        product=Product.objects.get(article_number="A-1000"),
        quantity=Decimal("2"),
        net_price=Decimal("1234.50"),
        unit_cost=Decimal("600.00"),
        promised_date=datetime.date(2025, 4, 2),
    )
    OrderLineFactory(
        order=order,
        position=20,
        product=Product.objects.get(article_number="A-2000"),
        quantity=Decimal("1.5"),
        net_price=Decimal("100.00"),
        unit_cost=Decimal("40.00"),
        promised_date=datetime.date(2025, 4, 20),
    )

    response = client.get("/api/v1/orders/A-2025-0001", headers=api_headers("accounting"))

    assert response.status_code == 200
    token = Order.objects.get(number="A-2025-0001").tracking_token
    assert response.json() == {
        "number": "A-2025-0001",
        "customer": "K2",
        "order_date": "2025-03-03",
        "customer_reference": "PO 1",
        "currency": "EUR",
        "exchange_rate": "1.000000",
        "incoterm": "DAP",
        "incoterm_place": "",
        "status": "open",
        "received_at": None,
        "target_lead_hours": None,
        "tracking_url": f"http://127.0.0.1:8000/track/A-2025-0001/{token}/",
        "net_amount": "2619.00",
        "contribution_margin": "1359.00",
        "lines": [
            {
                "position": 10,
                "line_no": 10,
                "product": "A-1000",
                "quantity": "2.000",
                "net_price": "1234.50",
                "net_amount": "2469.00",
                "promised_date": "2025-04-02",
                "first_promised_date": "2025-04-02",
                "delivered_quantity": "0.000",
                "unit_cost": "600.00",
                "contribution_margin": "1269.00",
            },
            {
                "position": 20,
                "line_no": 20,
                "product": "A-2000",
                "quantity": "1.500",
                "net_price": "100.00",
                "net_amount": "150.00",
                "promised_date": "2025-04-20",
                "first_promised_date": "2025-04-20",
                "delivered_quantity": "0.000",
                "unit_cost": "40.00",
                "contribution_margin": "90.00",
            },
        ],
    }


def test_order_detail_hides_costs_and_margins_from_who_may_not_see_them(
    client: Client, catalogue: None
) -> None:
    OrderLineFactory(order=OrderFactory(number="A-1"), position=10)

    body = client.get("/api/v1/orders/A-1", headers=api_headers("production")).json()

    assert "contribution_margin" not in body
    assert body["net_amount"] == "100.00"
    assert set(body["lines"][0]) == {
        "position",
        "line_no",
        "product",
        "quantity",
        "delivered_quantity",
        "net_price",
        "net_amount",
        "promised_date",
        "first_promised_date",
    }


def test_order_list_pages_by_number_in_constant_queries(
    client: Client, django_assert_max_num_queries
) -> None:
    for number in ["A-3", "A-1", "A-4", "A-2"]:
        OrderLineFactory.create_batch(3, order=OrderFactory(number=number))
    headers = api_headers("sales")
    client.get("/api/v1/orders", headers=headers)

    # token, count, orders with totals, their lines with products
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/orders", {"limit": 2, "offset": 1}, headers=headers)

    body = response.json()
    assert body["count"] == 4
    assert [o["number"] for o in body["items"]] == ["A-2", "A-3"]
    assert [o["net_amount"] for o in body["items"]] == ["300.00", "300.00"]
    assert [len(o["lines"]) for o in body["items"]] == [3, 3]


def test_order_list_filters_by_customer_and_status(client: Client) -> None:
    OrderFactory(number="A-1", customer=CustomerFactory(number="K1"))
    OrderFactory(number="A-2", customer=CustomerFactory(number="K2"), status="completed")
    OrderFactory(number="A-3", customer=CustomerFactory(number="K3"), status="completed")
    headers = api_headers("shipping")

    by_customer = client.get("/api/v1/orders", {"customer": "K2"}, headers=headers).json()
    by_status = client.get("/api/v1/orders", {"status": "completed"}, headers=headers).json()

    assert [o["number"] for o in by_customer["items"]] == ["A-2"]
    assert [o["number"] for o in by_status["items"]] == ["A-2", "A-3"]


def test_order_create_with_lines_answers_201(client: Client, catalogue: None) -> None:
    response = post(client, "/api/v1/orders", new_order(), api_headers("sales"))

    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["customer"], body["currency"], body["status"]) == (
        "A-2025-0100",
        "K10001",
        "EUR",
        "open",
    )
    assert (body["net_amount"], body["contribution_margin"]) == ("2619.00", "1359.00")
    order = Order.objects.get()
    lines = list(order.lines.values_list("position", "product__article_number", "unit_cost"))
    # The second line takes its cost from the product.
    assert lines == [(10, "A-1000", Decimal("600.00")), (20, "A-2000", Decimal("40.00"))]


def test_order_create_in_a_foreign_currency_converts_default_costs(
    client: Client, catalogue: None
) -> None:
    payload = new_order(currency="CHF", exchange_rate="1.25")

    response = post(client, "/api/v1/orders", payload, api_headers("sales"))

    assert response.status_code == 201
    assert OrderLine.objects.get(position=20).unit_cost == Decimal("32.00")  # 40 EUR / 1.25


def test_order_create_names_each_wrong_reference(client: Client, catalogue: None) -> None:
    payload = new_order(customer="K9", currency="CHF")
    payload["lines"][1].update(product="A-9", position=10)  # type: ignore[index]

    response = post(client, "/api/v1/orders", payload, api_headers("sales"))

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "does_not_exist",
                "loc": ["body", "payload", "customer"],
                "msg": "No customer with the number K9.",
            },
            {
                "type": "invalid",
                "loc": ["body", "payload", "exchange_rate"],
                "msg": "Give the exchange rate (EUR for 1 CHF).",
            },
            {
                "type": "unique",
                "loc": ["body", "payload", "lines", 1, "position"],
                "msg": "Position 10 appears twice in this order.",
            },
            {
                "type": "does_not_exist",
                "loc": ["body", "payload", "lines", 1, "product"],
                "msg": "No product with the article number A-9.",
            },
        ]
    }
    assert (Order.objects.count(), OrderLine.objects.count()) == (0, 0)


def test_order_create_validates_lines_in_the_schema(client: Client, catalogue: None) -> None:
    payload = new_order()
    payload["lines"][0]["quantity"] = "0"  # type: ignore[index]

    empty = post(client, "/api/v1/orders", new_order(lines=[]), api_headers("sales"))
    zero = post(client, "/api/v1/orders", payload, api_headers("sales"))

    assert empty.status_code == 422
    assert empty.json()["detail"][0]["loc"] == ["body", "payload", "lines"]
    assert zero.status_code == 422
    assert zero.json()["detail"][0]["loc"] == ["body", "payload", "lines", 0, "quantity"]
    assert Order.objects.count() == 0


def test_order_create_refusals_store_nothing(client: Client, catalogue: None) -> None:
    OrderFactory(number="A-2025-0100")

    forbidden = post(client, "/api/v1/orders", new_order(number="A-9"), api_headers("quality"))
    duplicate = post(client, "/api/v1/orders", new_order(), api_headers("sales"))

    assert forbidden.status_code == 403
    assert forbidden.json()["code"] == "permission_denied"
    assert duplicate.status_code == 422
    assert duplicate.json()["detail"][0]["loc"] == ["body", "payload", "number"]
    assert (Order.objects.count(), OrderLine.objects.count()) == (1, 0)


def test_order_patch_changes_only_the_header_fields_sent(client: Client) -> None:
    OrderFactory(number="A-1", customer_reference="PO 1", incoterm="DAP")

    response = patch(
        client, "/api/v1/orders/A-1", {"status": "in_production"}, api_headers("production")
    )

    assert response.status_code == 200
    assert response.json()["status"] == "in_production"
    order = Order.objects.get()
    assert (order.status, order.customer_reference, order.incoterm) == (
        "in_production",
        "PO 1",
        "DAP",
    )


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_order_patch_of_a_closed_order_answers_409(client: Client, status: str) -> None:
    OrderFactory(number="A-1", status=status, customer_reference="PO 1")

    response = patch(
        client, "/api/v1/orders/A-1", {"customer_reference": "PO 2"}, api_headers("sales")
    )

    assert response.status_code == 409
    assert response.json()["code"] == "order_closed"
    assert Order.objects.get().customer_reference == "PO 1"


def test_order_patch_refusals_change_nothing(client: Client) -> None:
    OrderFactory(number="A-1", exchange_rate=Decimal(1))

    eur_rate = patch(client, "/api/v1/orders/A-1", {"exchange_rate": "1.1"}, api_headers("sales"))
    forbidden = patch(client, "/api/v1/orders/A-1", {"status": "shipped"}, api_headers("quality"))
    missing = patch(client, "/api/v1/orders/A-9", {"status": "shipped"}, api_headers("sales"))

    assert eur_rate.status_code == 422
    assert eur_rate.json()["detail"] == [
        {
            "type": "invalid",
            "loc": ["body", "payload", "exchange_rate"],
            "msg": "In EUR the exchange rate is 1.",
        }
    ]
    assert forbidden.status_code == 403
    assert missing.status_code == 404
    order = Order.objects.get()
    assert (order.exchange_rate, order.status) == (Decimal(1), "open")


def test_postponing_a_line_through_the_api_plans_the_delay_notice(
    client: Client, customer_world: dict
) -> None:
    headers = api_headers("production")
    new_date = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()

    response = client.post(
        "/api/v1/orders/A-2024-0001/lines/10/promised-date",
        {"new_date": new_date, "reason": "Spindel verspätet"},
        content_type="application/json",
        headers=headers,
    )
    listed = client.get("/api/v1/communications?order=A-2024-0001", headers=headers)
    detail = client.get("/api/v1/orders/A-2024-0001", headers=headers)

    assert response.status_code == 201
    body = response.json()
    assert (body["line_no"], body["new_date"], body["announced_late"]) == (10, new_date, True)
    (notice,) = body["communications"]
    assert (notice["type"], notice["channel"], notice["status"]) == (
        "delay_notice",
        "letter",
        "planned",
    )
    assert notice["contact"] == customer_world["contact"].pk
    assert listed.json()["count"] == 1
    line = detail.json()["lines"][0]
    assert (line["line_no"], line["promised_date"], line["first_promised_date"]) == (
        10,
        new_date,
        "2024-04-02",
    )
    assert line["delivered_quantity"] == "0.000"


def test_a_promised_date_in_the_past_answers_422_and_changes_nothing(
    client: Client, customer_world: dict
) -> None:
    response = client.post(
        "/api/v1/orders/A-2024-0001/lines/10/promised-date",
        {"new_date": "2020-01-01", "reason": "x"},
        content_type="application/json",
        headers=api_headers("production"),
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "new_date"]
    assert OrderLine.objects.get(order__number="A-2024-0001", position=10).promised_date == (
        datetime.date(2024, 4, 2)
    )


def test_an_unknown_line_answers_404(client: Client, customer_world: dict) -> None:
    response = client.post(
        "/api/v1/orders/A-2024-0001/lines/99/promised-date",
        {"new_date": "2030-01-01", "reason": "x"},
        content_type="application/json",
        headers=api_headers("production"),
    )

    assert response.status_code == 404


def test_a_replanning_through_the_api_moves_all_lines_and_plans_one_notice(
    client: Client, customer_world: dict
) -> None:
    later = timezone.localdate() + datetime.timedelta(days=30)
    response = post(
        client,
        "/api/v1/orders/promised-date-changes",
        {
            "reason": "Härterei ausgefallen",
            "changes": [
                {"order": "A-2024-0001", "line_no": 10, "new_date": later.isoformat()},
                {"order": "A-2024-0001", "line_no": 20, "new_date": later.isoformat()},
            ],
        },
        api_headers("production"),
    )

    assert response.status_code == 200, response.json()
    assert response.json() == {"changes": 2, "orders": 1, "postponements": 2}
    lines = OrderLine.objects.filter(order__number="A-2024-0001").order_by("position")
    assert [line.promised_date for line in lines] == [later, later]
    listed = client.get(
        "/api/v1/communications?order=A-2024-0001", headers=api_headers("production")
    )
    assert listed.json()["count"] == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ([{"order": "A-2024-0001", "line_no": 99, "new_date": "2099-01-01"}], " 99"),
        ([{"order": "A-9999", "line_no": 10, "new_date": "2099-01-01"}], "A-9999"),
        ([{"order": "A-2024-0001", "line_no": 10, "new_date": "2020-01-01"}], "2020"),
    ],
)
def test_a_replanning_with_a_bad_line_answers_422_and_moves_nothing(
    client: Client, customer_world: dict, changes: list, message: str
) -> None:
    response = post(
        client,
        "/api/v1/orders/promised-date-changes",
        {
            "reason": "x",
            "changes": [
                {"order": "A-2024-0001", "line_no": 20, "new_date": "2099-01-01"},
                *changes,
            ],
        },
        api_headers("production"),
    )

    assert response.status_code == 422
    assert message in response.json()["detail"][0]["msg"]
    assert not OrderLine.objects.filter(promised_date=datetime.date(2099, 1, 1)).exists()


def test_a_replanning_needs_the_right_to_change_orders(
    client: Client, customer_world: dict
) -> None:
    response = post(
        client,
        "/api/v1/orders/promised-date-changes",
        {
            "reason": "x",
            "changes": [{"order": "A-2024-0001", "line_no": 20, "new_date": "2099-01-01"}],
        },
        api_headers("accounting"),
    )

    assert response.status_code == 403
    assert not OrderLine.objects.filter(promised_date=datetime.date(2099, 1, 1)).exists()
