import datetime
import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from treue.core.models import ApiToken
from treue.core.tests.factories import UserFactory
from treue.core.tokens import api_token_create

pytestmark = pytest.mark.django_db


def create_token(*args: str) -> list[str]:
    out = StringIO()
    call_command("api_token", "create", *args, stdout=out)
    return out.getvalue().splitlines()


def test_api_token_create_prints_the_token_alone_on_the_last_line_and_it_works(
    client: Client,
) -> None:
    UserFactory(username="erp", role="sales")

    lines = create_token("erp", "--name", "ERP sync")

    key = lines[-1]
    token = ApiToken.objects.get()
    assert lines[:-1] == [
        f"API token 'ERP sync' for erp (starts with {token.prefix}). "
        "Store it now: it cannot be shown again."
    ]
    assert (token.name, token.user.username, token.prefix) == ("ERP sync", "erp", key[:8])
    response = client.get("/api/v1/customers", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200


def test_only_the_hash_of_the_key_is_stored() -> None:
    user = UserFactory(username="erp")

    _, key = api_token_create(user=user)

    row = ApiToken.objects.values().get()
    assert len(key) >= 40
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert row["prefix"] == key[:8]
    assert key not in row.values()


def test_api_token_create_for_an_unknown_user_fails_and_creates_nothing() -> None:
    with pytest.raises(CommandError, match=r"No user with the username 'nobody'\."):
        create_token("nobody")

    assert ApiToken.objects.count() == 0


def test_api_token_create_for_an_inactive_user_fails() -> None:
    UserFactory(username="left", is_active=False)

    with pytest.raises(CommandError, match="inactive"):
        create_token("left")

    assert ApiToken.objects.count() == 0


def test_using_a_token_notes_when_but_not_on_every_request(
    client: Client, django_assert_num_queries
) -> None:
    _, key = api_token_create(user=UserFactory(username="erp", role="sales"))
    headers = {"Authorization": f"Bearer {key}"}

    client.get("/api/v1/products", headers=headers)
    first_use = ApiToken.objects.get().last_used_at
    # token, count, page: no write
    with django_assert_num_queries(3):
        client.get("/api/v1/products", headers=headers)

    assert first_use is not None
    assert timezone.now() - first_use < datetime.timedelta(minutes=1)
    assert ApiToken.objects.get().last_used_at == first_use


def test_a_token_without_the_bearer_scheme_is_refused(client: Client) -> None:
    _, key = api_token_create(user=UserFactory(username="erp"))

    response = client.get("/api/v1/customers", headers={"Authorization": f"Token {key}"})

    assert response.status_code == 401


def test_the_api_answers_in_english_unless_the_client_asks(client: Client) -> None:
    _, key = api_token_create(user=UserFactory(username="erp"))
    headers = {"Authorization": f"Bearer {key}"}

    default = client.get("/api/v1/customers/K9", headers=headers)
    german = client.get("/api/v1/customers/K9", headers={**headers, "Accept-Language": "de"})

    assert default.headers["Content-Language"] == "en"
    assert german.headers["Content-Language"] == "de"


def test_a_body_that_is_not_json_answers_400(client: Client) -> None:
    _, key = api_token_create(user=UserFactory(username="erp", role="sales"))

    response = client.post(
        "/api/v1/customers",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_the_openapi_schema_needs_no_token_and_names_every_resource(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert sorted(schema["paths"]) == [
        "/api/v1/communications",
        "/api/v1/complaints",
        "/api/v1/complaints/{number}",
        "/api/v1/complaints/{number}/attachments",
        "/api/v1/complaints/{number}/attachments/{attachment_id}",
        "/api/v1/complaints/{number}/comments",
        "/api/v1/complaints/{number}/transitions",
        "/api/v1/contacts/{contact_id}",
        "/api/v1/customers",
        "/api/v1/customers/{number}",
        "/api/v1/customers/{number}/contacts",
        "/api/v1/customers/{number}/credit",
        "/api/v1/dunning-runs",
        "/api/v1/invoices",
        "/api/v1/invoices/{number}",
        "/api/v1/invoices/{number}/payments",
        "/api/v1/orders",
        "/api/v1/orders/promised-date-changes",
        "/api/v1/orders/{number}",
        "/api/v1/orders/{number}/confirmations",
        "/api/v1/orders/{number}/confirmations/{version}.pdf",
        "/api/v1/orders/{number}/deliveries",
        "/api/v1/orders/{number}/lines/{line_no}/promised-date",
        "/api/v1/orders/{number}/partial-delivery-agreements",
        "/api/v1/orders/{number}/stage-events",
        "/api/v1/payments",
        "/api/v1/payments/{reference}",
        "/api/v1/products",
        "/api/v1/products/{article_number}",
    ]
    assert schema["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"}
    }
