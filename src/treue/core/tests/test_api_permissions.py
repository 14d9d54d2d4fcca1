"""Every API operation asks for a token, and checks its permission from the matrix before it reads
the body: refused without, let through with."""

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from treue.communications.models import Communication
from treue.communications.services import communication_plan
from treue.complaints.models import Complaint, ComplaintEvent
from treue.core.roles import PERMISSION_MATRIX, Perm, Role
from treue.customers.models import Contact, Customer
from treue.customers.tests.factories import ContactFactory, CustomerFactory, api_headers
from treue.orders.models import Order, Product
from treue.orders.tests.factories import OrderFactory, ProductFactory
from treue.receivables.models import Allocation, DunningNotice, Invoice, Payment
from treue.receivables.tests.factories import InvoiceFactory, PaymentFactory

pytestmark = pytest.mark.django_db

OPERATIONS = [
    ("get", "/api/v1/customers", Perm.CUSTOMER_VIEW),
    ("post", "/api/v1/customers", Perm.CUSTOMER_CHANGE),
    ("get", "/api/v1/customers/{number}", Perm.CUSTOMER_VIEW),
    ("patch", "/api/v1/customers/{number}", Perm.CUSTOMER_CHANGE),
    ("get", "/api/v1/customers/{number}/contacts", Perm.CUSTOMER_VIEW),
    ("post", "/api/v1/customers/{number}/contacts", Perm.CONTACT_CHANGE),
    ("get", "/api/v1/contacts/{contact_id}", Perm.CUSTOMER_VIEW),
    ("patch", "/api/v1/contacts/{contact_id}", Perm.CONTACT_CHANGE),
    ("get", "/api/v1/products", Perm.PRODUCT_VIEW),
    ("post", "/api/v1/products", Perm.PRODUCT_CHANGE),
    ("get", "/api/v1/products/{article_number}", Perm.PRODUCT_VIEW),
    ("patch", "/api/v1/products/{article_number}", Perm.PRODUCT_CHANGE),
    ("get", "/api/v1/orders", Perm.ORDER_VIEW),
    ("post", "/api/v1/orders", Perm.ORDER_CHANGE),
    ("get", "/api/v1/orders/{number}", Perm.ORDER_VIEW),
    ("patch", "/api/v1/orders/{number}", Perm.ORDER_CHANGE),
    ("post", "/api/v1/orders/{number}/lines/{line_no}/promised-date", Perm.ORDER_CHANGE),
    ("post", "/api/v1/orders/promised-date-changes", Perm.ORDER_CHANGE),
    ("get", "/api/v1/communications", Perm.ORDER_VIEW),
    ("post", "/api/v1/orders/{number}/stage-events", Perm.ORDER_CHANGE),
    ("post", "/api/v1/orders/{number}/deliveries", Perm.DELIVERY_POST),
    ("post", "/api/v1/orders/{number}/partial-delivery-agreements", Perm.CONTACT_CHANGE),
    ("post", "/api/v1/orders/{number}/confirmations", Perm.ORDER_CHANGE),
    ("get", "/api/v1/orders/{number}/confirmations/{version}.pdf", Perm.ORDER_VIEW),
    ("get", "/api/v1/invoices", Perm.INVOICE_VIEW),
    ("post", "/api/v1/invoices", Perm.INVOICE_CHANGE),
    ("get", "/api/v1/invoices/{number}", Perm.INVOICE_VIEW),
    ("patch", "/api/v1/invoices/{number}", Perm.INVOICE_CHANGE),
    ("post", "/api/v1/invoices/{number}/payments", Perm.INVOICE_CHANGE),
    ("post", "/api/v1/payments", Perm.INVOICE_CHANGE),
    ("get", "/api/v1/payments/{reference}", Perm.INVOICE_VIEW),
    ("get", "/api/v1/customers/{number}/credit", Perm.INVOICE_VIEW),
    ("post", "/api/v1/dunning-runs", Perm.DUNNING_RUN),
    ("get", "/api/v1/complaints", Perm.COMPLAINT_VIEW),
    ("post", "/api/v1/complaints", Perm.COMPLAINT_VIEW),
    ("get", "/api/v1/complaints/{number}", Perm.COMPLAINT_VIEW),
    ("patch", "/api/v1/complaints/{number}", Perm.COMPLAINT_WORK),
    ("post", "/api/v1/complaints/{number}/transitions", Perm.COMPLAINT_WORK),
    ("post", "/api/v1/complaints/{number}/comments", Perm.COMPLAINT_VIEW),
    ("post", "/api/v1/complaints/{number}/attachments", Perm.COMPLAINT_VIEW),
    ("get", "/api/v1/complaints/{number}/attachments/{attachment_id}", Perm.COMPLAINT_VIEW),
]
MODELS = [
    Customer,
    Contact,
    Product,
    Order,
    Invoice,
    Payment,
    Allocation,
    DunningNotice,
    Communication,
    ComplaintEvent,
]


def roles_without(perm: Perm) -> list[Role]:
    return [role for role in Role if role not in PERMISSION_MATRIX[perm]]


def roles_with(perm: Perm) -> list[Role]:
    return [role for role in Role if role in PERMISSION_MATRIX[perm]]


def objects_named_n1() -> Contact:
    """One number for every kind of object, so that each path finds one."""
    customer = CustomerFactory(number="N1", name="Alt GmbH")
    contact = ContactFactory(customer=customer)
    ProductFactory(article_number="N1")
    order = OrderFactory(number="N1", customer=customer)
    PaymentFactory(reference="N1", invoice=InvoiceFactory(number="N1", customer=customer))
    Complaint.objects.create(
        number="N1",
        customer=customer,
        category="packaging",
        severity="low",
        description="Karton",
        received_at=timezone.now(),
    )
    communication_plan(
        type="delay_notice", customer=customer, order=order, items=[{"key": "N1", "line_no": 10}]
    )
    return contact


def empty_request(client: Client, method: str, path: str, contact: Contact, **kwargs: Any) -> Any:
    url = path.format(
        number="N1",
        article_number="N1",
        contact_id=contact.pk,
        line_no=10,
        version=1,
        attachment_id=1,
        reference="N1",
    )
    body = {} if method == "get" else {"data": "{}", "content_type": "application/json"}
    return getattr(client, method)(url, **body, **kwargs)


def test_the_table_names_every_operation_of_the_api(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    documented = {(method, path) for path, methods in schema["paths"].items() for method in methods}

    tabled = {(method, path) for method, path, _ in OPERATIONS}

    assert tabled == documented


@pytest.mark.parametrize(
    ("method", "path", "perm", "role"),
    [
        pytest.param(method, path, perm, role, id=f"{method} {path} as {role}")
        for method, path, perm in OPERATIONS
        for role in roles_without(perm)
    ],
)
def test_an_operation_refuses_a_role_without_its_permission(
    client: Client, method: str, path: str, perm: Perm, role: Role
) -> None:
    contact = objects_named_n1()
    before = [model.objects.count() for model in MODELS]

    response = empty_request(client, method, path, contact, headers=api_headers(role))

    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "detail": f"This needs the permission '{perm.value}'.",
    }
    assert [model.objects.count() for model in MODELS] == before
    assert Customer.objects.get().name == "Alt GmbH"


@pytest.mark.parametrize(
    ("method", "path"),
    [pytest.param(method, path, id=f"{method} {path}") for method, path, _ in OPERATIONS],
)
def test_an_operation_refuses_a_request_without_a_token(
    client: Client, method: str, path: str
) -> None:
    contact = objects_named_n1()
    before = [model.objects.count() for model in MODELS]

    response = empty_request(client, method, path, contact)

    assert response.status_code == 401
    assert response.json() == {
        "code": "not_authenticated",
        "detail": "Send a valid API token: Authorization: Bearer <token>.",
    }
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert [model.objects.count() for model in MODELS] == before
    assert Customer.objects.get().name == "Alt GmbH"


# With an empty body: reads find the N1 objects, a PATCH of nothing changes nothing, and a
# create misses its required fields, which the schema names only once the permission let it in.
UPLOADS = {"/api/v1/complaints/{number}/attachments"}
ANSWER_TO_AN_EMPTY_REQUEST = {"get": 200, "patch": 200, "post": 422}
# Operations without a body: confirming N1 (an order without lines) is refused by the rule, and
# N1 has no confirmation version 1 to read.
ANSWER_WITHOUT_A_BODY = {
    "/api/v1/orders/{number}/confirmations": 409,
    "/api/v1/orders/{number}/confirmations/{version}.pdf": 404,
    "/api/v1/complaints/{number}/attachments/{attachment_id}": 404,
}


@pytest.mark.parametrize(
    ("method", "path", "role"),
    [
        pytest.param(method, path, role, id=f"{method} {path} as {role}")
        for method, path, perm in OPERATIONS
        for role in roles_with(perm)
    ],
)
def test_an_operation_lets_a_role_with_its_permission_through(
    client: Client, method: str, path: str, role: Role
) -> None:
    contact = objects_named_n1()
    before = [model.objects.count() for model in MODELS]

    response = empty_request(client, method, path, contact, headers=api_headers(role))

    expected = ANSWER_WITHOUT_A_BODY.get(path, ANSWER_TO_AN_EMPTY_REQUEST[method])
    assert response.status_code == expected
    if path in ANSWER_WITHOUT_A_BODY:
        assert response.json()["code"] in {"order_empty", "not_found"}
    elif method == "post":
        errors = response.json()["detail"]
        assert {error["type"] for error in errors} == {"missing"}
        # Files travel as multipart form fields of their own name, every other body as payload.
        body = ["file", "files"] if path in UPLOADS else ["body", "payload"]
        assert all(error["loc"][:2] == body for error in errors), errors
    else:  # every read and update answers with (a list of) what it found by N1
        assert '"N1"' in response.content.decode()
    assert [model.objects.count() for model in MODELS] == before
    assert Customer.objects.get().name == "Alt GmbH"
