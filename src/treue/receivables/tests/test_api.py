import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from treue.customers.tests.factories import CustomerFactory, PaymentTermsFactory, api_headers
from treue.orders.tests.factories import OrderFactory
from treue.receivables.models import Invoice, Payment
from treue.receivables.tests.factories import InvoiceFactory, PaymentFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/invoices"


def post(client: Client, url: str, data: object, headers: dict[str, str]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)


def patch(client: Client, url: str, data: object, headers: dict[str, str]) -> Any:
    return client.patch(url, json.dumps(data), content_type="application/json", headers=headers)


def new_invoice(**fields: object) -> dict[str, object]:
    return {
        "number": "R-2025-0100",
        "customer": "K1",
        "issued_on": "2025-03-10",
        "net_amount": "1000.00",
        "tax_amount": "190.00",
        "gross_amount": "1190.00",
        **fields,
    }


def test_invoice_detail_with_payments_and_open_amount(client: Client) -> None:
    customer = CustomerFactory(number="K1")
    invoice = InvoiceFactory(
        number="R-2025-0001",
        customer=customer,
        order=OrderFactory(number="A-1", customer=customer),
        currency="CHF",
        exchange_rate=Decimal("1.05"),
        net_amount=Decimal("2569.00"),
        tax_amount=Decimal("488.11"),
        gross_amount=Decimal("3057.11"),
    )
    first = PaymentFactory(
        invoice=invoice, received_on=datetime.date(2025, 4, 1), amount=Decimal("1000")
    )
    second = PaymentFactory(
        invoice=invoice, received_on=datetime.date(2025, 4, 5), amount=Decimal("57.11")
    )

    response = client.get(f"{URL}/R-2025-0001", headers=api_headers("accounting"))

    assert response.status_code == 200
    assert response.json() == {
        "number": "R-2025-0001",
        "kind": "invoice",
        "customer": "K1",
        "order": "A-1",
        "issued_on": "2025-03-10",
        "due_on": "2025-04-09",
        "currency": "CHF",
        "exchange_rate": "1.050000",
        "net_amount": "2569.00",
        "tax_amount": "488.11",
        "gross_amount": "3057.11",
        "paid_amount": "1057.11",
        "open_amount": "2000.00",
        "allocations": [
            {
                "reference": second.reference,
                "kind": "payment",
                "received_on": "2025-04-05",
                "amount": "57.11",
                "cash_discount": "0.00",
                "exchange_rate": "1.050000",
            },
            {
                "reference": first.reference,
                "kind": "payment",
                "received_on": "2025-04-01",
                "amount": "1000.00",
                "cash_discount": "0.00",
                "exchange_rate": "1.050000",
            },
        ],
    }


def test_invoice_detail_permissions_and_unknown_number(client: Client) -> None:
    InvoiceFactory(number="R-1")

    sales = client.get(f"{URL}/R-1", headers=api_headers("sales"))
    production = client.get(f"{URL}/R-1", headers=api_headers("production"))
    missing = client.get(f"{URL}/R-9", headers=api_headers("sales"))

    assert sales.status_code == 200
    assert production.status_code == 403
    assert production.json() == {
        "code": "permission_denied",
        "detail": "This needs the permission 'invoice.view'.",
    }
    assert missing.status_code == 404
    assert missing.json() == {"code": "not_found", "detail": "Invoice not found."}


def test_invoice_list_pages_by_number_in_constant_queries(
    client: Client, django_assert_max_num_queries
) -> None:
    for number in ["R-3", "R-1", "R-4", "R-2"]:
        PaymentFactory.create_batch(2, invoice=InvoiceFactory(number=number))
    headers = api_headers("accounting")
    client.get(URL, headers=headers)

    # token, count, invoices with amounts, their payments
    with django_assert_max_num_queries(4):
        response = client.get(URL, {"limit": 2, "offset": 1}, headers=headers)

    body = response.json()
    assert body["count"] == 4
    assert [i["number"] for i in body["items"]] == ["R-2", "R-3"]
    assert [i["open_amount"] for i in body["items"]] == ["190.00", "190.00"]
    assert [len(i["allocations"]) for i in body["items"]] == [2, 2]


def test_invoice_list_filters_by_customer_and_open_amount(client: Client) -> None:
    k1 = CustomerFactory(number="K1")
    PaymentFactory(invoice=InvoiceFactory(number="R-1", customer=k1), amount=Decimal("1190"))
    InvoiceFactory(number="R-2", customer=k1)
    PaymentFactory(invoice=InvoiceFactory(number="R-3"), amount=Decimal("100"))
    headers = api_headers("accounting")

    def numbers(**filters: object) -> list[str]:
        return [i["number"] for i in client.get(URL, filters, headers=headers).json()["items"]]

    assert numbers(customer="K1") == ["R-1", "R-2"]
    assert numbers(is_open="true") == ["R-2", "R-3"]
    assert numbers(is_open="false") == ["R-1"]
    assert numbers(customer="K1", is_open="true") == ["R-2"]


def test_invoice_create_answers_201_and_is_due_by_the_customer_terms(client: Client) -> None:
    customer = CustomerFactory(
        number="K1", payment_terms=PaymentTermsFactory(code="14-net", net_days=14)
    )
    OrderFactory(number="A-1", customer=customer)

    response = post(client, URL, new_invoice(order="A-1"), api_headers("accounting"))

    assert response.status_code == 201
    body = response.json()
    assert (body["order"], body["due_on"], body["currency"], body["open_amount"]) == (
        "A-1",
        "2025-03-24",
        "EUR",
        "1190.00",
    )
    assert body["allocations"] == []
    invoice = Invoice.objects.get()
    assert (invoice.number, invoice.due_on) == ("R-2025-0100", datetime.date(2025, 3, 24))


def test_invoice_create_names_each_problem(client: Client) -> None:
    CustomerFactory(number="K1")
    OrderFactory(number="A-2", customer=CustomerFactory(number="K2"))
    payload = new_invoice(order="A-2", gross_amount="1190.01", due_on="2025-03-01")

    response = post(client, URL, payload, api_headers("accounting"))

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "invalid",
                "loc": ["body", "payload", "order"],
                "msg": "Order A-2 belongs to another customer than K1.",
            },
            {
                "type": "invalid",
                "loc": ["body", "payload", "gross_amount"],
                "msg": "The gross amount 1190.01 is not net amount 1000.00 plus tax 190.00.",
            },
            {
                "type": "invalid",
                "loc": ["body", "payload", "due_on"],
                "msg": "An invoice cannot be due before it is issued.",
            },
        ]
    }
    assert Invoice.objects.count() == 0


def test_invoice_create_refusals_store_nothing(client: Client) -> None:
    CustomerFactory(number="K1")

    unknown_customer = post(client, URL, new_invoice(customer="K9"), api_headers("accounting"))
    forbidden = post(client, URL, new_invoice(), api_headers("sales"))

    assert unknown_customer.status_code == 422
    assert unknown_customer.json()["detail"] == [
        {
            "type": "does_not_exist",
            "loc": ["body", "payload", "customer"],
            "msg": "No customer with the number K9.",
        }
    ]
    assert forbidden.status_code == 403
    assert Invoice.objects.count() == 0


def test_invoice_patch_changes_only_the_fields_sent(client: Client) -> None:
    InvoiceFactory(number="R-1", due_on=datetime.date(2025, 4, 9))

    response = patch(
        client,
        f"{URL}/R-1",
        {"net_amount": "900", "tax_amount": "171", "gross_amount": "1071"},
        api_headers("accounting"),
    )

    assert response.status_code == 200
    assert response.json()["open_amount"] == "1071.00"
    invoice = Invoice.objects.get()
    assert (invoice.gross_amount, invoice.due_on) == (Decimal("1071.00"), datetime.date(2025, 4, 9))


def test_invoice_patch_refusals_change_nothing(client: Client) -> None:
    PaymentFactory(invoice=InvoiceFactory(number="R-1"), amount=Decimal("1000"))
    headers = api_headers("accounting")

    mismatch = patch(client, f"{URL}/R-1", {"gross_amount": "1000"}, headers)
    below_paid = patch(
        client,
        f"{URL}/R-1",
        {"net_amount": "800", "tax_amount": "152", "gross_amount": "952"},
        headers,
    )

    assert mismatch.status_code == 422
    assert mismatch.json()["detail"][0]["loc"] == ["body", "payload", "gross_amount"]
    assert below_paid.status_code == 409
    assert below_paid.json() == {
        "code": "amount_below_paid",
        "detail": "Invoice R-1 has been paid 1000.00 already; its gross amount cannot be less.",
    }
    assert Invoice.objects.get().gross_amount == Decimal("1190.00")


def test_payment_create_answers_201_with_the_invoice(client: Client) -> None:
    InvoiceFactory(number="R-1")

    response = post(
        client,
        f"{URL}/R-1/payments",
        {"received_on": "2025-04-02", "amount": "1190"},
        api_headers("accounting"),
    )

    assert response.status_code == 201
    assert response.json()["open_amount"] == "0.00"
    assert response.json()["allocations"][0]["amount"] == "1190.00"
    assert Payment.objects.get().amount == Decimal("1190.00")


def test_payment_beyond_the_open_amount_answers_409(client: Client) -> None:
    PaymentFactory(invoice=InvoiceFactory(number="R-1"), amount=Decimal("1000"))
    headers = api_headers("accounting")

    too_much = post(
        client, f"{URL}/R-1/payments", {"received_on": "2025-04-02", "amount": "190.01"}, headers
    )
    zero = post(
        client, f"{URL}/R-1/payments", {"received_on": "2025-04-02", "amount": "0"}, headers
    )

    assert too_much.status_code == 409
    assert too_much.json() == {
        "code": "payment_exceeds_open_amount",
        "detail": "Invoice R-1 has 190.00 EUR open; the payment is 190.01.",
    }
    assert zero.status_code == 422
    assert Payment.objects.count() == 1


def test_a_payment_with_skonto_settles_the_invoice(client: Client) -> None:
    # Given an invoice of 1,190.00 under "14 days 2 % Skonto"
    invoice = InvoiceFactory(
        number="RS1",
        net_amount=Decimal("1000.00"),
        tax_amount=Decimal("190.00"),
        gross_amount=Decimal("1190.00"),
    )

    # When the customer pays 1,166.20 and deducts 23.80 cash discount
    response = client.post(
        "/api/v1/invoices/RS1/payments",
        data={"received_on": "2025-04-01", "amount": "1166.20", "cash_discount": "23.80"},
        content_type="application/json",
        headers=api_headers("accounting"),
    )

    # Then nothing is left open
    assert response.status_code == 201
    assert response.json()["open_amount"] == "0.00"
    assert invoice.allocations.get().cash_discount == Decimal("23.80")


def test_a_skonto_beyond_the_open_amount_is_refused(client: Client) -> None:
    invoice = InvoiceFactory(
        number="RS2",
        net_amount=Decimal("1000.00"),
        tax_amount=Decimal("190.00"),
        gross_amount=Decimal("1190.00"),
    )

    response = client.post(
        "/api/v1/invoices/RS2/payments",
        data={"received_on": "2025-04-01", "amount": "1166.20", "cash_discount": "30.00"},
        content_type="application/json",
        headers=api_headers("accounting"),
    )

    assert response.status_code == 409
    assert response.json()["code"] == "payment_exceeds_open_amount"
    assert not invoice.allocations.exists()
