import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from treue.core.models import User
from treue.core.tests.factories import UserFactory
from treue.customers.models import Contact, Customer
from treue.customers.tests.factories import (
    ContactFactory,
    CustomerFactory,
    PaymentTermsFactory,
    api_headers,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers"


def post(client: Client, url: str, data: object, headers: dict[str, str]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)


def patch(client: Client, url: str, data: object, headers: dict[str, str]) -> Any:
    return client.patch(url, json.dumps(data), content_type="application/json", headers=headers)


def new_customer(**fields: object) -> dict[str, object]:
    PaymentTermsFactory(code="30-net", net_days=30)
    return {
        "number": "K20001",
        "name": "Hoffmann Verpackung GmbH",
        "country": "DE",
        "industry": "packaging",
        "size_class": "small",
        "payment_terms": "30-net",
        **fields,
    }


def test_customer_list_without_token_answers_401(client: Client) -> None:
    CustomerFactory()

    response = client.get(URL)

    assert response.status_code == 401
    assert response.json() == {
        "code": "not_authenticated",
        "detail": "Send a valid API token: Authorization: Bearer <token>.",
    }
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_customer_list_with_unknown_token_answers_401(client: Client) -> None:
    api_headers("sales")

    response = client.get(URL, headers={"Authorization": "Bearer not-a-token"})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_token_of_an_inactive_user_is_refused(client: Client) -> None:
    headers = api_headers("sales", username="left")
    User.objects.filter(username="left").update(is_active=False)

    response = client.get(URL, headers=headers)

    assert response.status_code == 401


def test_a_method_the_path_lacks_answers_405_as_json_with_allow(client: Client) -> None:
    CustomerFactory(number="K1")
    headers = api_headers("admin")

    on_list = client.delete(URL, headers=headers)
    on_detail = client.put(f"{URL}/K1", headers=headers)

    assert on_list.status_code == 405
    assert on_list.headers["Content-Type"] == "application/json; charset=utf-8"
    assert on_list.headers["Allow"] == "GET, POST"
    assert on_list.json() == {
        "code": "method_not_allowed",
        "detail": "DELETE is not allowed here; use GET, POST.",
    }
    assert on_detail.status_code == 405
    assert on_detail.headers["Allow"] == "GET, PATCH"
    assert on_detail.json()["code"] == "method_not_allowed"
    assert Customer.objects.filter(number="K1").exists()


def test_customer_list_pages_by_number_with_the_exact_total(client: Client) -> None:
    for number in ["K3", "K1", "K4", "K2"]:
        CustomerFactory(number=number)

    response = client.get(URL, {"limit": 2, "offset": 1}, headers=api_headers("quality"))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert [item["number"] for item in body["items"]] == ["K2", "K3"]


def test_customer_list_shows_money_as_decimal_string_with_currency(client: Client) -> None:
    owner = UserFactory(username="vogel", role="sales")
    CustomerFactory(
        number="K10001",
        name="Bergmann Antriebstechnik GmbH",
        vat_id="DE123456789",
        account_owner=owner,
        segment="a",
        is_strategic=True,
        credit_limit=Decimal("50000"),
        currency="CHF",
        payment_terms=PaymentTermsFactory(code="14-2-30", net_days=30),
        customer_since=datetime.date(2019, 4, 1),
    )

    response = client.get(URL, headers=api_headers("sales"))

    assert response.json()["items"] == [
        {
            "number": "K10001",
            "name": "Bergmann Antriebstechnik GmbH",
            "vat_id": "DE123456789",
            "country": "DE",
            "industry": "mechanical_engineering",
            "size_class": "medium",
            "account_owner": "vogel",
            "segment": "a",
            "is_strategic": True,
            "credit_limit": "50000.00",
            "currency": "CHF",
            "payment_terms": "14-2-30",
            "customer_since": "2019-04-01",
            "status": "active",
        }
    ]


def test_customer_list_filters_like_the_list_page(client: Client) -> None:
    owner = UserFactory(username="vogel", role="sales")
    CustomerFactory(number="K1", name="Bergmann AG", segment="a", account_owner=owner)
    CustomerFactory(number="K2", name="Bergmann Süd AG", segment="b", account_owner=owner)
    CustomerFactory(number="K3", name="Aachener AG", segment="a", country="AT")
    headers = api_headers("sales")

    def numbers(**filters: object) -> list[str]:
        response = client.get(URL, filters, headers=headers)
        assert response.status_code == 200
        return [item["number"] for item in response.json()["items"]]

    assert numbers(search="bergmann") == ["K1", "K2"]
    assert numbers(segment="a") == ["K1", "K3"]
    assert numbers(owner="vogel", segment="a") == ["K1"]
    assert numbers(owner="nobody") == []
    assert numbers(country="AT", industry="mechanical_engineering", status="active") == ["K3"]


def test_customer_list_refuses_an_unknown_filter_value_and_a_limit_above_the_maximum(
    client: Client,
) -> None:
    headers = api_headers("sales")

    bad_segment = client.get(URL, {"segment": "x"}, headers=headers)
    too_many = client.get(URL, {"limit": 501}, headers=headers)

    assert bad_segment.status_code == 422
    assert bad_segment.json()["detail"][0]["loc"] == ["query", "segment"]
    assert too_many.status_code == 422
    assert too_many.json()["detail"][0]["loc"] == ["query", "limit"]
    assert too_many.json()["detail"][0]["msg"] == "Input should be less than or equal to 500"


def test_customer_list_needs_the_same_queries_for_many_customers(
    client: Client, django_assert_max_num_queries
) -> None:
    owner = UserFactory(username="vogel", role="sales")
    CustomerFactory.create_batch(60, account_owner=owner)
    headers = api_headers("sales")
    client.get(URL, headers=headers)  # the first request notes when the token was used

    # token with user and department, count, page
    with django_assert_max_num_queries(3):
        response = client.get(URL, {"limit": 500}, headers=headers)

    assert len(response.json()["items"]) == 60


def test_customer_detail_by_number(client: Client) -> None:
    CustomerFactory(number="K10001", name="Bergmann AG")

    response = client.get(f"{URL}/K10001", headers=api_headers("production"))

    assert response.status_code == 200
    assert response.json()["name"] == "Bergmann AG"


def test_customer_detail_of_an_unknown_number_answers_404(client: Client) -> None:
    response = client.get(f"{URL}/K99999", headers=api_headers("sales"))

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Customer not found."}


def test_customer_create_answers_201_with_the_customer(client: Client) -> None:
    UserFactory(username="vogel", role="sales")
    payload = new_customer(account_owner="vogel", credit_limit="25000.5", segment="a")

    response = post(client, URL, payload, api_headers("sales"))

    assert response.status_code == 201
    assert response.json() == {
        "number": "K20001",
        "name": "Hoffmann Verpackung GmbH",
        "vat_id": "",
        "country": "DE",
        "industry": "packaging",
        "size_class": "small",
        "account_owner": "vogel",
        "segment": "a",
        "is_strategic": False,
        "credit_limit": "25000.50",
        "currency": "EUR",
        "payment_terms": "30-net",
        "customer_since": None,
        "status": "active",
    }
    customer = Customer.objects.get(number="K20001")
    assert customer.credit_limit == Decimal("25000.50")
    assert customer.account_owner is not None
    assert customer.account_owner.username == "vogel"


def test_customer_create_without_the_permission_answers_403(client: Client) -> None:
    response = post(client, URL, new_customer(), api_headers("production"))

    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "detail": "This needs the permission 'customer.change'.",
    }
    assert Customer.objects.count() == 0


def test_customer_create_names_unknown_references_per_field(client: Client) -> None:
    payload = new_customer(payment_terms="60-net", account_owner="nobody")

    response = post(client, URL, payload, api_headers("sales"))

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "does_not_exist",
                "loc": ["body", "payload", "payment_terms"],
                "msg": "No payment terms with the code 60-net.",
            },
            {
                "type": "does_not_exist",
                "loc": ["body", "payload", "account_owner"],
                "msg": "No active user with the username nobody.",
            },
        ]
    }
    assert Customer.objects.count() == 0


def test_customer_create_refuses_a_duplicate_number(client: Client) -> None:
    CustomerFactory(number="K20001", name="Erste GmbH")

    response = post(client, URL, new_customer(), api_headers("sales"))

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "payload", "number"]
    assert error["type"] == "unique"
    assert Customer.objects.get().name == "Erste GmbH"


def test_customer_create_validates_the_schema(client: Client) -> None:
    payload = new_customer(country="FR", credit_limit="1.005", unknown="x")
    del payload["name"]

    response = post(client, URL, payload, api_headers("sales"))

    assert response.status_code == 422
    errors = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert errors == {
        ("body", "payload", "name"): "Field required",
        ("body", "payload", "country"): "Input should be 'DE', 'AT' or 'CH'",
        (
            "body",
            "payload",
            "credit_limit",
        ): "Decimal input should have no more than 2 decimal places",
        ("body", "payload", "unknown"): "Extra inputs are not permitted",
    }
    assert Customer.objects.count() == 0


def test_customer_create_refuses_a_negative_credit_limit_as_a_field_error(client: Client) -> None:
    response = post(client, URL, new_customer(credit_limit="-1.00"), api_headers("sales"))

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "greater_than_equal",
                "loc": ["body", "payload", "credit_limit"],
                "msg": "Input should be greater than or equal to 0",
                "ctx": {"ge": "0"},
            }
        ]
    }
    assert Customer.objects.count() == 0


def test_a_write_refused_by_the_database_answers_409_not_500(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if another request created the same number between our check and our insert.
    CustomerFactory(number="K20001")
    monkeypatch.setattr("treue.customers.services.clean_or_raise", lambda *a, **k: None)

    response = post(client, URL, new_customer(), api_headers("sales"))

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert Customer.objects.count() == 1


def test_customer_patch_changes_only_the_fields_sent(client: Client) -> None:
    CustomerFactory(number="K1", name="Alt GmbH", segment="c", credit_limit=Decimal("100.00"))
    PaymentTermsFactory(code="60-net", net_days=60)

    response = patch(
        client,
        f"{URL}/K1",
        {"segment": "a", "credit_limit": "2000", "payment_terms": "60-net"},
        api_headers("sales"),
    )

    assert response.status_code == 200
    assert response.json()["segment"] == "a"
    assert response.json()["credit_limit"] == "2000.00"
    customer = Customer.objects.get(number="K1")
    assert (
        customer.name,
        customer.segment,
        customer.credit_limit,
        customer.payment_terms.code,
    ) == (
        "Alt GmbH",
        "a",
        Decimal("2000.00"),
        "60-net",
    )


def test_customer_patch_can_remove_the_owner_but_not_null_the_name(client: Client) -> None:
    owner = UserFactory(username="vogel", role="sales")
    CustomerFactory(number="K1", name="Alt GmbH", account_owner=owner)
    headers = api_headers("sales")

    no_owner = patch(client, f"{URL}/K1", {"account_owner": None}, headers)
    no_name = patch(client, f"{URL}/K1", {"name": None}, headers)

    assert no_owner.status_code == 200
    assert no_owner.json()["account_owner"] is None
    assert no_name.status_code == 422
    assert no_name.json()["detail"][0]["loc"] == ["body", "payload", "name"]
    assert Customer.objects.get(number="K1").name == "Alt GmbH"


def test_customer_patch_refusals_change_nothing(client: Client) -> None:
    CustomerFactory(number="K1", name="Alt GmbH", credit_limit=Decimal("100.00"))

    negative = patch(client, f"{URL}/K1", {"credit_limit": "-5"}, api_headers("sales"))
    forbidden = patch(client, f"{URL}/K1", {"name": "Neu"}, api_headers("accounting"))
    renumber = patch(client, f"{URL}/K1", {"number": "K2"}, api_headers("sales"))
    unknown = patch(client, f"{URL}/K9", {"name": "Neu"}, api_headers("sales"))

    assert negative.status_code == 422
    assert negative.json()["detail"][0]["loc"] == ["body", "payload", "credit_limit"]
    assert negative.json()["detail"][0]["type"] == "greater_than_equal"
    assert forbidden.status_code == 403
    assert renumber.status_code == 422
    assert unknown.status_code == 404
    customer = Customer.objects.get()
    assert (customer.number, customer.name, customer.credit_limit) == (
        "K1",
        "Alt GmbH",
        Decimal("100.00"),
    )


def test_contact_list_of_a_customer(client: Client, django_assert_max_num_queries) -> None:
    customer = CustomerFactory(number="K1")
    ContactFactory(customer=customer, first_name="Jens", last_name="Krüger")
    ContactFactory(customer=customer, first_name="Anna", last_name="Berg")
    ContactFactory(customer=CustomerFactory(number="K2"))
    headers = api_headers("service")
    client.get(f"{URL}/K1/contacts", headers=headers)

    with django_assert_max_num_queries(3):
        response = client.get(f"{URL}/K1/contacts", {"limit": 1}, headers=headers)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["items"] == [
        {
            "id": Contact.objects.get(last_name="Berg").pk,
            "customer": "K1",
            "first_name": "Anna",
            "last_name": "Berg",
            "job_title": "",
            "email": "",
            "phone": "",
            "buying_role": "technical_buyer",
            "preferred_channels": ["email"],
            "preferred_depth": "summary",
            "topics": [],
            "language": "de",
            "marketing_consent": False,
            "consent_at": None,
            "consent_source": "",
        }
    ]


def test_contact_create_answers_201_and_dates_the_consent(client: Client) -> None:
    CustomerFactory(number="K1")
    payload = {
        "first_name": "Jens",
        "last_name": "Krüger",
        "email": "jens@bergmann.example",
        "buying_role": "decision_maker",
        "preferred_channels": ["letter", "email"],
        "topics": ["quality"],
        "marketing_consent": True,
        "consent_source": "Messe 2025, Formular",
    }

    response = post(client, f"{URL}/K1/contacts", payload, api_headers("service"))

    assert response.status_code == 201
    contact = Contact.objects.get()
    assert response.json()["id"] == contact.pk
    assert response.json()["preferred_channels"] == ["letter", "email"]
    assert contact.customer.number == "K1"
    assert contact.preferred_channels == ["letter", "email"]
    assert contact.consent_at is not None


def test_contact_create_refusals_store_nothing(client: Client) -> None:
    CustomerFactory(number="K1")
    consent_without_source = {
        "first_name": "Jens",
        "last_name": "Krüger",
        "buying_role": "decision_maker",
        "preferred_channels": ["email"],
        "marketing_consent": True,
    }
    bad_email = {**consent_without_source, "marketing_consent": False, "email": "jens@"}

    no_source = post(client, f"{URL}/K1/contacts", consent_without_source, api_headers("sales"))
    invalid_email = post(client, f"{URL}/K1/contacts", bad_email, api_headers("sales"))
    forbidden = post(client, f"{URL}/K1/contacts", bad_email, api_headers("production"))
    unknown_customer = post(client, f"{URL}/K9/contacts", bad_email, api_headers("sales"))

    assert no_source.status_code == 422
    assert no_source.json()["detail"] == [
        {
            "type": "invalid",
            "loc": ["body", "payload", "consent_source"],
            "msg": "Say where the marketing consent comes from (e.g. the signed form).",
        }
    ]
    assert invalid_email.status_code == 422
    assert invalid_email.json()["detail"][0]["loc"] == ["body", "payload", "email"]
    assert forbidden.status_code == 403
    assert unknown_customer.status_code == 404
    assert Contact.objects.count() == 0


def test_contact_detail_and_patch_by_id(client: Client) -> None:
    contact = ContactFactory(customer=CustomerFactory(number="K1"), job_title="Einkauf")
    headers = api_headers("sales")

    detail = client.get(f"/api/v1/contacts/{contact.pk}", headers=headers)
    changed = patch(
        client, f"/api/v1/contacts/{contact.pk}", {"preferred_channels": ["phone"]}, headers
    )
    missing = client.get(f"/api/v1/contacts/{contact.pk + 1}", headers=headers)

    assert detail.status_code == 200
    assert detail.json()["customer"] == "K1"
    assert changed.status_code == 200
    assert changed.json()["preferred_channels"] == ["phone"]
    contact.refresh_from_db()
    assert (contact.preferred_channels, contact.job_title) == (["phone"], "Einkauf")
    assert missing.status_code == 404
    assert missing.json() == {"code": "not_found", "detail": "Contact not found."}


def test_contact_patch_without_the_permission_changes_nothing(client: Client) -> None:
    contact = ContactFactory(job_title="Einkauf")

    response = patch(
        client, f"/api/v1/contacts/{contact.pk}", {"job_title": "CEO"}, api_headers("quality")
    )

    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.job_title == "Einkauf"


def contact_payload(**fields: object) -> dict[str, object]:
    return {
        "first_name": "Jens",
        "last_name": "Krüger",
        "buying_role": "decision_maker",
        "preferred_channels": ["email"],
        **fields,
    }


DUPLICATE_CHANNELS = [
    {
        "type": "duplicate",
        "loc": ["body", "payload", "preferred_channels"],
        "msg": "Name each channel only once, in order of preference.",
    }
]


def test_contact_create_refuses_a_channel_named_twice(client: Client) -> None:
    CustomerFactory(number="K1")
    payload = contact_payload(preferred_channels=["email", "letter", "email"])

    response = post(client, f"{URL}/K1/contacts", payload, api_headers("sales"))

    assert response.status_code == 422
    assert response.json() == {"detail": DUPLICATE_CHANNELS}
    assert Contact.objects.count() == 0


def test_contact_patch_refuses_a_channel_named_twice(client: Client) -> None:
    contact = ContactFactory(preferred_channels=["letter", "email"])

    response = patch(
        client,
        f"/api/v1/contacts/{contact.pk}",
        {"preferred_channels": ["email", "email"]},
        api_headers("sales"),
    )

    assert response.status_code == 422
    assert response.json() == {"detail": DUPLICATE_CHANNELS}
    contact.refresh_from_db()
    assert contact.preferred_channels == ["letter", "email"]


def test_contact_channels_are_documented_as_distinct(client: Client) -> None:
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]

    for name in ["ContactIn", "ContactPatch"]:
        channels = schemas[name]["properties"]["preferred_channels"]
        assert (channels["uniqueItems"], channels["minItems"]) == (True, 1)
