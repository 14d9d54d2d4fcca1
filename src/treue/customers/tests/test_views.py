import pytest
from django.test import Client
from django.utils import translation

from treue.core.tests.factories import UserFactory
from treue.customers.models import Customer, PaymentTerms

pytestmark = pytest.mark.django_db


def login(client: Client, role: str, username: str | None = None) -> None:
    client.force_login(UserFactory(username=username or role, role=role))


def test_customer_list_shows_customers_sorted_by_name_with_billing_city(
    client: Client, customer_world: dict, make_customer
) -> None:
    make_customer("K10002", "Aachener Feinmechanik AG", country="DE")
    login(client, "production")

    response = client.get("/customers/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "2 Kunden" in body
    assert body.index("Aachener Feinmechanik AG") < body.index("Bergmann Antriebstechnik GmbH")
    assert "Stuttgart" in body


def test_customer_list_filters_by_segment_and_search(
    client: Client, customer_world: dict, make_customer
) -> None:
    make_customer("K10002", "Aachener Feinmechanik AG", segment="c")
    login(client, "sales")

    by_segment = client.get("/customers/", {"segment": "a"}).content.decode()
    by_number = client.get("/customers/", {"q": "k10002"}).content.decode()

    assert "Bergmann" in by_segment
    assert "Aachener" not in by_segment
    assert "Aachener" in by_number
    assert "Bergmann" not in by_number


def test_customer_list_ignores_invalid_filter_values(client: Client, customer_world: dict) -> None:
    login(client, "sales")

    response = client.get("/customers/", {"segment": "z", "owner": "abc", "sort": "password"})

    assert response.status_code == 200
    assert "Bergmann" in response.content.decode()


def test_customer_list_empty_state(client: Client, db: None) -> None:
    login(client, "sales")

    response = client.get("/customers/", {"q": "does not exist"})

    assert "Kein Kunde entspricht diesen Filtern." in response.content.decode() or (
        "No customer matches these filters." in response.content.decode()
    )


def test_customer_list_htmx_request_returns_only_the_table(
    client: Client, customer_world: dict
) -> None:
    login(client, "sales")

    response = client.get(
        "/customers/", {"q": "Berg"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="customer-table"
    )

    body = response.content.decode()
    assert "Bergmann" in body
    assert "<html" not in body
    assert "<form" not in body


def test_customer_list_query_count_does_not_grow_with_customers(
    client: Client, terms: PaymentTerms, django_assert_max_num_queries
) -> None:
    login(client, "sales")
    Customer.objects.bulk_create(
        Customer(
            number=f"K{n}",
            name=f"Kunde {n}",
            country="DE",
            industry="food",
            size_class="small",
            payment_terms=terms,
        )
        for n in range(120)
    )

    with django_assert_max_num_queries(8):
        response = client.get("/customers/", {"page": "3"})

    assert response.status_code == 200
    assert "Seite 3 von 3" in response.content.decode()


def test_customer_360_page_shows_master_data_and_section_placeholders(
    client: Client, customer_world: dict, django_assert_max_num_queries
) -> None:
    login(client, "sales")

    with django_assert_max_num_queries(10):
        response = client.get("/customers/K10001/")

    body = response.content.decode()
    assert "Bergmann Antriebstechnik GmbH" in body
    assert "DE123456789" in body
    assert "50.000,00\xa0€" in body
    assert "14 Tage 2 % Skonto, 30 Tage netto" in body or "14 days 2 % cash discount" in body
    assert 'hx-get="?section=orders"' in body
    assert 'hx-get="?section=invoices"' in body


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("contacts", "Jens Krüger"),
        ("orders", "A-2024-0001"),
        ("invoices", "2.057,11\xa0€"),
        ("activities", "Call about the delayed spindle"),
        ("interactions", "Asked about spare parts lead time."),
    ],
)
def test_customer_360_sections_load_as_partials(
    client: Client,
    customer_world: dict,
    section: str,
    expected: str,
    django_assert_max_num_queries,
) -> None:
    login(client, "sales")

    with django_assert_max_num_queries(8):
        response = client.get("/customers/K10001/", {"section": section}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert response.status_code == 200
    assert expected in body
    assert "<html" not in body


def test_orders_section_shows_net_amount_and_margin_to_sales(
    client: Client, customer_world: dict
) -> None:
    login(client, "sales")

    body = client.get("/customers/K10001/", {"section": "orders"}).content.decode()

    # 2 x 1,234.50 + 100.00 = 2,569.00 net; margin 2 x 634.50 + 60.00 = 1,329.00
    assert "2.569,00\xa0€" in body
    assert "1.329,00\xa0€" in body


def test_orders_section_hides_margin_from_production(client: Client, customer_world: dict) -> None:
    login(client, "production")

    body = client.get("/customers/K10001/", {"section": "orders"}).content.decode()

    assert "2.569,00\xa0€" in body
    assert "1.329,00" not in body


def test_invoices_section_is_forbidden_without_invoice_permission(
    client: Client, customer_world: dict
) -> None:
    login(client, "production")

    page = client.get("/customers/K10001/").content.decode()
    section = client.get("/customers/K10001/", {"section": "invoices"})

    assert "section=invoices" not in page
    assert section.status_code == 403


def test_customer_360_unknown_number_or_section_is_404(
    client: Client, customer_world: dict
) -> None:
    login(client, "sales")

    assert client.get("/customers/K99999/").status_code == 404
    assert client.get("/customers/K10001/", {"section": "secrets"}).status_code == 404


def test_customer_360_in_english_formats_money_the_english_way(
    client: Client, customer_world: dict
) -> None:
    login(client, "sales")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    body = client.get("/customers/K10001/").content.decode()
    translation.activate("de")

    assert "€50,000.00" in body
    assert "Credit limit" in body
