import datetime

import pytest
from django.test import Client
from django.utils import timezone

from treue.activities.models import Activity
from treue.communications.models import Communication
from treue.core.tests.factories import UserFactory
from treue.orders.models import OrderLine, PromisedDateChange
from treue.orders.services import production_cycle_change

pytestmark = pytest.mark.django_db

# Both lines of the customer world's order are machines promised 2024-04-02 and 2024-04-20;
# its customer is an A customer.
TODAY = datetime.date(2024, 3, 25)


def test_a_longer_cycle_re_promises_every_affected_line_and_asks_for_agreement(
    customer_world: dict,
) -> None:
    result = production_cycle_change(
        product_line="machines",
        days=7,
        from_date=datetime.date(2024, 4, 10),
        reason="Neue Lackieranlage",
        by=None,
        today=TODAY,
    )

    dates = dict(
        OrderLine.objects.filter(order=customer_world["order"]).values_list(
            "position", "promised_date"
        )
    )
    assert dates == {10: datetime.date(2024, 4, 2), 20: datetime.date(2024, 4, 27)}
    assert [c.order_line.position for c in result.changes] == [20]
    (notice,) = Communication.objects.all()
    assert notice.items[0]["line_no"] == 20
    (activity,) = result.agreement_activities
    assert activity.owner == customer_world["owner"]
    assert activity.title == "Längere Lieferzeiten mit Bergmann Antriebstechnik GmbH abstimmen"


def test_the_page_shows_who_is_affected_before_anything_changes_then_confirms(
    client: Client, customer_world: dict
) -> None:
    OrderLine.objects.filter(order=customer_world["order"]).update(
        promised_date=timezone.localdate() + datetime.timedelta(days=10)
    )
    client.force_login(UserFactory(username="planner", role="production"))
    params = {
        "product_line": "machines",
        "days": "3",
        "from_date": timezone.localdate().isoformat(),
        "reason": "Neue Lackieranlage",
    }

    preview = client.get("/orders/production-cycle/", params).content.decode()
    before = PromisedDateChange.objects.count()
    confirmed = client.post("/orders/production-cycle/", params)

    assert "2 betroffene Positionen · 1 Kunde" in preview
    assert "Bergmann Antriebstechnik GmbH" in preview
    assert before == 0
    assert confirmed.status_code == 302
    assert PromisedDateChange.objects.count() == 2
    assert Activity.objects.filter(title__contains="Bergmann").count() == 1


def test_a_non_positive_number_of_days_is_refused_on_the_page(
    client: Client, customer_world: dict
) -> None:
    client.force_login(UserFactory(username="planner", role="production"))

    response = client.post(
        "/orders/production-cycle/",
        {"product_line": "machines", "days": "0", "from_date": "2030-01-01", "reason": "x"},
    )

    assert response.status_code == 422
    assert PromisedDateChange.objects.count() == 0


def test_lines_whose_date_has_passed_are_left_to_a_person(customer_world: dict) -> None:
    # Line 10 (2024-04-02) has passed on 2024-04-05, line 20 (2024-04-20) lies ahead.
    result = production_cycle_change(
        product_line="machines",
        days=1,
        from_date=datetime.date(2024, 3, 1),
        reason="Engpass",
        by=None,
        today=datetime.date(2024, 4, 5),
    )

    assert [c.order_line.position for c in result.changes] == [20]
