import datetime

import pytest
from django.test import Client
from django.utils import timezone

from treue.communications.models import Communication
from treue.core.tests.factories import UserFactory
from treue.orders.models import OrderLine, PromisedDateChange

pytestmark = pytest.mark.django_db

URL = "/orders/A-2024-0001/"
CHANGE = "/orders/A-2024-0001/lines/10/promised-date/"


def login(client: Client, role: str) -> None:
    client.force_login(UserFactory(username=role, role=role))


def test_the_order_page_shows_lines_promises_and_what_was_told(
    client: Client, customer_world: dict, django_assert_max_num_queries
) -> None:
    login(client, "production")

    with django_assert_max_num_queries(11):
        body = client.get(URL).content.decode()

    assert "Fräszentrum FZ 100" in body
    assert "02.04.2024" in body
    assert "Termin ändern" in body
    assert "Bisher wurde zu diesem Auftrag nichts versandt." in body


def test_a_planner_postpones_a_line_by_one_day_and_the_customer_is_told(
    client: Client, customer_world: dict
) -> None:
    login(client, "production")
    line = OrderLine.objects.get(order__number="A-2024-0001", position=10)
    line.promised_date = timezone.localdate() + datetime.timedelta(days=5)
    line.save()
    new_date = line.promised_date + datetime.timedelta(days=1)

    response = client.post(CHANGE, {"new_date": new_date.isoformat(), "reason": "Spindel fehlt"})
    page = client.get(URL).content.decode()

    assert response.status_code == 302
    assert "Verzögerung" in page
    assert "Spindel fehlt" in page
    assert Communication.objects.get().type == "delay_notice"
    assert PromisedDateChange.objects.get().notice_days == 5


def test_a_past_date_is_refused_on_the_form_and_changes_nothing(
    client: Client, customer_world: dict
) -> None:
    login(client, "production")

    response = client.post(CHANGE, {"new_date": "2020-01-01", "reason": "x"})

    assert response.status_code == 422
    assert "Das neue Datum liegt in der Vergangenheit." in response.content.decode()
    assert PromisedDateChange.objects.count() == 0
    assert Communication.objects.count() == 0


def test_who_may_not_change_orders_sees_no_change_link_and_gets_403(
    client: Client, customer_world: dict
) -> None:
    login(client, "accounting")

    page = client.get(URL).content.decode()
    form = client.get(CHANGE)

    assert "Termin ändern" not in page
    assert form.status_code == 403


def test_an_unknown_order_or_line_answers_404(client: Client, customer_world: dict) -> None:
    login(client, "production")

    assert client.get("/orders/A-0000/").status_code == 404
    assert client.get("/orders/A-2024-0001/lines/99/promised-date/").status_code == 404
