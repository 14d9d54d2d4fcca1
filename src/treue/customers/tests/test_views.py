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


def test_customer_list_keeps_the_valid_filters_and_explains_the_invalid_one(
    client: Client, customer_world: dict, make_customer
) -> None:
    make_customer("K10002", "Aachener Feinmechanik AG", country="AT")
    login(client, "sales")

    body = client.get("/customers/", {"segment": "zz", "country": "AT"}).content.decode()

    assert "Aachener" in body
    assert "Bergmann" not in body
    assert 'id="id_segment" aria-invalid="true" aria-describedby="id_segment_error"' in body
    assert '<small class="error" id="id_segment_error">' in body


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
    body = response.content.decode()
    assert "Seite 3 von 3" in body
    # Paging keeps the address bar in step, so that back and reload show the same page.
    assert 'hx-get="?page=2" hx-target="#customer-table" hx-push-url="true" rel="prev"' in body


def test_customer_360_page_shows_master_data_and_section_placeholders(
    client: Client, customer_world: dict, django_assert_max_num_queries
) -> None:
    login(client, "sales")

    # Ten for the page itself, two for the complaints tile.
    with django_assert_max_num_queries(12):
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
    # Open items come with credit (open items, credit notes, cash, confirmed orders, holds),
    # aging, DSO, payment behaviour, promises, dunning, credit decisions and unallocated cash.
    budget = 18 if section == "invoices" else 8

    with django_assert_max_num_queries(budget):
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


def test_customer_list_row_shows_labels_owner_badge_and_link_in_german(
    client: Client, customer_world: dict
) -> None:
    login(client, "sales")

    body = client.get("/customers/").content.decode()

    assert '<a href="/customers/K10001/">Bergmann Antriebstechnik GmbH</a>' in body
    assert 'title="Strategischer Kunde"' in body
    assert "<td>Stuttgart</td><td>Deutschland</td><td>Automobilindustrie</td>" in body
    assert '<span class="seg seg-a">A</span></td><td>Anna Vogel</td><td>Aktiv</td>' in body


def test_customer_list_rows_in_english(client: Client, customer_world: dict) -> None:
    login(client, "sales")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    body = client.get("/customers/").content.decode()
    translation.activate("de")

    assert "<td>Stuttgart</td><td>Germany</td><td>Automotive</td>" in body
    assert 'title="Strategic customer"' in body
    assert "<td>Active</td>" in body


def test_customer_list_escapes_names_and_shows_a_dash_without_owner_or_city(
    client: Client, db: None, make_customer
) -> None:
    make_customer("K10009", "<script>alert(1)</script> & Söhne")
    login(client, "sales")

    body = client.get("/customers/").content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Söhne" in body
    assert "<td>–</td>" in body


def test_customer_list_filters_by_owner_and_keeps_the_choice_selected(
    client: Client, customer_world: dict, make_customer
) -> None:
    make_customer("K10002", "Aachener Feinmechanik AG")
    owner = customer_world["customer"].account_owner
    login(client, "sales")

    body = client.get("/customers/", {"owner": str(owner.pk)}).content.decode()

    assert "Bergmann" in body
    assert "Aachener" not in body
    assert f'<option value="{owner.pk}" selected>Anna Vogel</option>' in body
    assert '<option value="">Alle Kundenbetreuer</option>' in body


def test_customer_list_owner_filter_offers_only_active_sales_and_management(
    client: Client, customer_world: dict
) -> None:
    UserFactory(username="prod", first_name="Paul", last_name="Presse", role="production")
    UserFactory(username="gone", first_name="Gerd", last_name="Weg", role="sales", is_active=False)
    UserFactory(username="boss", first_name="", last_name="", role="management")
    login(client, "accounting")

    body = client.get("/customers/").content.decode()

    assert ">Anna Vogel</option>" in body
    assert ">boss</option>" in body
    assert "Paul Presse" not in body
    assert "Gerd Weg" not in body


def test_the_unfiltered_total_is_kept_briefly_and_a_new_customer_counts_at_once(
    client: Client,
    customer_world: dict,
    make_customer,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
) -> None:
    from treue.customers.services import customer_create

    login(client, "sales")
    client.get("/customers/")

    with django_assert_max_num_queries(3):  # session, user, rows: no count, no owners
        cached = client.get("/customers/").content.decode()
    make_customer("K10002", "Aachener Feinmechanik AG")  # a write outside the services
    still = client.get("/customers/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        customer_create(
            number="K10003",
            name="Chemnitzer Antriebe GmbH",
            country="DE",
            industry="automotive",
            size_class="small",
            payment_terms=customer_world["customer"].payment_terms.code,
        )
    fresh = client.get("/customers/").content.decode()
    filtered = client.get("/customers/", {"q": "Aachener"}).content.decode()

    assert "1 Kunde<" in cached
    assert "1 Kunde<" in still
    assert "3 Kunden" in fresh
    assert "1 Kunde<" in filtered
    assert "Aachener" in filtered
