"""The ERP posts deliveries, records partial-delivery agreements and has orders confirmed."""

import io
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from treue.customers.tests.factories import api_headers
from treue.orders.models import Delivery, Order

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders/A-2024-0001"


def post(client: Client, url: str, data: object, headers: dict[str, str]) -> Any:
    return client.post(url, data, content_type="application/json", headers=headers)


def test_a_complete_delivery_answers_201_with_its_lines(
    client: Client, customer_world: dict
) -> None:
    response = post(
        client,
        f"{URL}/deliveries",
        {
            "number": "LS-4711",
            "shipped_at": "2024-04-02T09:30:00+02:00",
            "lines": [{"line_no": 10, "quantity": "2"}, {"line_no": 20, "quantity": "1"}],
        },
        api_headers("shipping"),
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["order"], body["shipped_on"]) == (
        "LS-4711",
        "A-2024-0001",
        "2024-04-02",
    )
    assert body["lines"] == [
        {"line_no": 10, "quantity": "2.000"},
        {"line_no": 20, "quantity": "1.000"},
    ]
    detail = client.get(URL, headers=api_headers("sales")).json()
    assert [line["delivered_quantity"] for line in detail["lines"]] == ["2.000", "1.000"]
    assert detail["status"] == "shipped"


def test_over_delivery_answers_409_and_changes_nothing(
    client: Client, customer_world: dict
) -> None:
    response = post(
        client,
        f"{URL}/deliveries",
        {"lines": [{"line_no": 10, "quantity": "5"}, {"line_no": 20, "quantity": "1"}]},
        api_headers("shipping"),
    )

    assert response.status_code == 409
    assert response.json()["code"] == "over_delivery"
    assert not Delivery.objects.exists()


def test_a_partial_delivery_needs_the_agreement_recorded_first(
    client: Client, customer_world: dict
) -> None:
    shipping = api_headers("shipping")
    partial = {"lines": [{"line_no": 10, "quantity": "1"}]}

    refused = post(client, f"{URL}/deliveries", partial, shipping)
    asked = client.get(
        "/api/v1/communications?order=A-2024-0001", headers=api_headers("sales")
    ).json()
    agreed = post(
        client,
        f"{URL}/partial-delivery-agreements",
        {
            "contact": customer_world["contact"].pk,
            "agreed_at": "2024-03-28T10:00:00+01:00",
            "channel": "phone",
        },
        api_headers("sales", username="rep-api"),
    )
    posted = post(client, f"{URL}/deliveries", partial, shipping)

    assert refused.status_code == 409
    assert refused.json()["code"] == "partial_delivery_not_agreed"
    assert [c["type"] for c in asked["items"]] == ["partial_delivery_request"]
    assert agreed.status_code == 201, agreed.content
    assert agreed.json()["agreed_by"] == "Jens Krüger"
    assert posted.status_code == 201
    assert posted.json()["partial_delivery_agreement"] == agreed.json()["id"]


def test_a_contact_of_another_customer_and_an_unknown_channel_answer_422(
    client: Client, customer_world: dict
) -> None:
    response = post(
        client,
        f"{URL}/partial-delivery-agreements",
        {"contact": 999999, "agreed_at": "2024-03-28T10:00:00+01:00", "channel": "fax"},
        api_headers("sales"),
    )

    assert response.status_code == 422
    fields = {tuple(error["loc"][-1:]) for error in response.json()["detail"]}
    assert ("channel",) in fields


def test_only_shipping_posts_deliveries(client: Client, customer_world: dict) -> None:
    response = post(
        client,
        f"{URL}/deliveries",
        {"lines": [{"line_no": 10, "quantity": "2"}, {"line_no": 20, "quantity": "1"}]},
        api_headers("sales"),
    )

    assert response.status_code == 403
    assert not Delivery.objects.exists()


def test_confirming_answers_the_version_and_its_pdf(client: Client, customer_world: dict) -> None:
    first = post(client, f"{URL}/confirmations", {}, api_headers("sales"))
    again = post(client, f"{URL}/confirmations", {}, api_headers("sales"))
    Order.objects.filter(number="A-2024-0001").update(customer_reference="PO-99")
    second = post(client, f"{URL}/confirmations", {}, api_headers("sales"))
    pdf = client.get(second.json()["pdf_url"], headers=api_headers("shipping"))

    assert first.status_code == 201, first.content
    assert first.json()["version"] == 1
    assert [c["type"] for c in first.json()["communications"]] == ["order_confirmation"]
    assert again.status_code == 409
    assert again.json()["code"] == "confirmation_unchanged"
    assert second.json()["version"] == 2
    assert second.json()["changes"] == [{"field": "customer_reference", "old": "", "new": "PO-99"}]
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Auftragsbestätigung A-2024-0001, Version 2" in text
    assert "PO-99" in text
    missing = client.get(f"{URL}/confirmations/7.pdf", headers=api_headers("shipping"))
    assert missing.status_code == 404
