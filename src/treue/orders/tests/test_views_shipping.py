"""The order page: confirming the order, posting deliveries, recording the customer's yes to a
partial delivery."""

from decimal import Decimal

import pytest
from django.test import Client

from treue.communications.models import Communication
from treue.core.models import User
from treue.core.tests.factories import UserFactory
from treue.orders.models import Delivery, OrderConfirmation, PartialDeliveryAgreement
from treue.orders.services import delivery_post, order_confirm

pytestmark = pytest.mark.django_db

ORDER = "/orders/A-2024-0001/"


def login(client: Client, role: str) -> User:
    user = UserFactory(username=f"u-{role}", role=role)
    client.force_login(user)
    return user


def test_sales_confirms_the_order_and_opens_its_pdf(client: Client, customer_world: dict) -> None:
    login(client, "sales")

    before = client.get(ORDER).content.decode()
    confirmed = client.post(f"{ORDER}confirm/", follow=True)
    again = client.post(f"{ORDER}confirm/", follow=True).content.decode()
    pdf = client.get(f"{ORDER}confirmations/1.pdf")

    assert "Die Auftragsbestätigung wurde noch nicht an den Kunden geschickt." in before
    assert "Auftragsbestätigung senden" in before
    page = confirmed.content.decode()
    assert "Auftragsbestätigung Version 1 ausgestellt; der Kunde erhält sie." in page
    assert "auftragsbestaetigung-A-2024-0001-v1.pdf" in page
    assert "Die letzte Bestätigung ist aktuell." in page
    assert "nichts geändert" in again
    assert OrderConfirmation.objects.count() == 1
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_quality_sees_no_confirm_button_and_may_not_confirm(
    client: Client, customer_world: dict
) -> None:
    login(client, "quality")

    page = client.get(ORDER).content.decode()
    response = client.post(f"{ORDER}confirm/")

    assert "Auftragsbestätigung senden" not in page
    assert response.status_code == 403
    assert not OrderConfirmation.objects.exists()


def test_shipping_posts_a_complete_delivery(client: Client, customer_world: dict) -> None:
    login(client, "shipping")

    form = client.get(f"{ORDER}deliveries/new/").content.decode()
    response = client.post(
        f"{ORDER}deliveries/new/", {"line_10": "2", "line_20": "1", "number": "LS-77"}, follow=True
    )

    assert "Position 10: Fräszentrum FZ 100 (offen 2)" in form
    assert "ohne Zustimmung" not in form  # no override for a shipper who is not the lead
    assert "Lieferung LS-77 gebucht." in response.content.decode()
    assert Delivery.objects.get().number == "LS-77"


def test_a_partial_delivery_without_agreement_is_refused_on_the_page(
    client: Client, customer_world: dict
) -> None:
    login(client, "shipping")

    response = client.post(f"{ORDER}deliveries/new/", {"line_10": "1", "line_20": "0"})

    assert response.status_code == 409
    assert "hat keiner Teillieferung zugestimmt" in response.content.decode()
    assert not Delivery.objects.exists()
    assert Communication.objects.get().type == "partial_delivery_request"


def test_a_quantity_above_the_open_one_is_refused_on_the_page(
    client: Client, customer_world: dict
) -> None:
    login(client, "shipping")

    response = client.post(f"{ORDER}deliveries/new/", {"line_10": "3", "line_20": "1"})

    assert response.status_code == 409
    assert "ist mehr als die noch zu liefernden" in response.content.decode()
    assert not Delivery.objects.exists()


def test_nothing_entered_is_named(client: Client, customer_world: dict) -> None:
    login(client, "shipping")

    response = client.post(f"{ORDER}deliveries/new/", {"line_10": "", "line_20": "abc"})

    assert response.status_code == 422
    assert not Delivery.objects.exists()


def test_sales_records_the_agreement_and_then_shipping_delivers_in_parts(
    client: Client, customer_world: dict
) -> None:
    login(client, "sales")
    recorded = client.post(
        f"{ORDER}partial-delivery-agreement/",
        {
            "contact": customer_world["contact"].pk,
            "agreed_at": "2024-03-28T10:00",
            "channel": "phone",
            "note": "Gern vorab",
        },
        follow=True,
    )
    login(client, "shipping")
    delivered = client.post(f"{ORDER}deliveries/new/", {"line_10": "1"}, follow=True)

    assert "Die Zustimmung des Kunden ist erfasst" in recorded.content.decode()
    assert PartialDeliveryAgreement.objects.get().agreed_by == "Jens Krüger"
    page = delivered.content.decode()
    assert "zugestimmt von Jens Krüger" in page
    assert Delivery.objects.get().agreement is not None


def test_an_agreement_names_someone(client: Client, customer_world: dict) -> None:
    login(client, "sales")

    response = client.post(
        f"{ORDER}partial-delivery-agreement/", {"agreed_at": "2024-03-28T10:00", "channel": "phone"}
    )

    assert response.status_code == 422
    assert "Wählen Sie den Ansprechpartner oder nennen Sie den Namen." in response.content.decode()
    assert not PartialDeliveryAgreement.objects.exists()


def test_an_unknown_order_answers_404(client: Client, customer_world: dict) -> None:
    login(client, "shipping")

    assert client.get("/orders/A-1999-9999/deliveries/new/").status_code == 404


def test_a_confirmed_and_delivered_order_page_costs_a_fixed_number_of_queries(
    client: Client, customer_world: dict, django_assert_max_num_queries
) -> None:
    order = customer_world["order"]
    order_confirm(order=order, by=None)
    delivery_post(
        order=order,
        lines=[{"line_no": 10, "quantity": Decimal(2)}, {"line_no": 20, "quantity": Decimal(1)}],
        by=None,
    )
    login(client, "shipping")

    with django_assert_max_num_queries(13):
        page = client.get(ORDER).content.decode()

    assert "auftragsbestaetigung-A-2024-0001-v1.pdf" in page
    assert "10: 2, 20: 1" in page
    assert "Lieferung buchen" not in page  # nothing left to ship
