"""Every API operation checks its permission from the matrix before it reads the body."""

import pytest
from django.test import Client

from treue.core.roles import PERMISSION_MATRIX, Perm, Role
from treue.customers.models import Contact, Customer
from treue.customers.tests.factories import ContactFactory, CustomerFactory, api_headers
from treue.orders.models import Order, Product
from treue.orders.tests.factories import OrderFactory, ProductFactory
from treue.receivables.models import Invoice, Payment
from treue.receivables.tests.factories import InvoiceFactory

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
    ("get", "/api/v1/invoices", Perm.INVOICE_VIEW),
    ("post", "/api/v1/invoices", Perm.INVOICE_CHANGE),
    ("get", "/api/v1/invoices/{number}", Perm.INVOICE_VIEW),
    ("patch", "/api/v1/invoices/{number}", Perm.INVOICE_CHANGE),
    ("post", "/api/v1/invoices/{number}/payments", Perm.INVOICE_CHANGE),
]
MODELS = [Customer, Contact, Product, Order, Invoice, Payment]


def roles_without(perm: Perm) -> list[Role]:
    return [role for role in Role if role not in PERMISSION_MATRIX[perm]]


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
    # One number for every kind of object, so that each path finds one.
    customer = CustomerFactory(number="N1", name="Alt GmbH")
    contact = ContactFactory(customer=customer)
    ProductFactory(article_number="N1")
    OrderFactory(number="N1", customer=customer)
    InvoiceFactory(number="N1", customer=customer)
    before = [model.objects.count() for model in MODELS]

    url = path.format(number="N1", article_number="N1", contact_id=contact.pk)
    body = {} if method == "get" else {"data": "{}", "content_type": "application/json"}

    response = getattr(client, method)(url, headers=api_headers(role), **body)

    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "detail": f"This needs the permission '{perm.value}'.",
    }
    assert [model.objects.count() for model in MODELS] == before
    assert Customer.objects.get().name == "Alt GmbH"
