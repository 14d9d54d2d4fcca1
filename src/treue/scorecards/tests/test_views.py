"""The scorecard page and the delivery-reliability tile of the customer 360 page."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from treue.core.tests.factories import UserFactory
from treue.customers.tests.factories import CustomerFactory
from treue.orders.models import OrderLine
from treue.orders.services import order_line_promised_date_change
from treue.orders.tests.factories import OrderFactory, ProductFactory
from treue.scorecards.figures import add_months
from treue.scorecards.models import DeliveryFiguresState
from treue.scorecards.services import delivery_figures_refresh, delivery_figures_refresh_due

from .helpers import line, ship

pytestmark = pytest.mark.django_db

GERMAN_MONTHS = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]


def login(client: Client, role: str) -> None:
    client.force_login(UserFactory(username=role, role=role))


def text(response) -> str:
    """The page's text without tags and with plain spaces."""
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("\u00a0", " ").split())


def _a_month_of_lines(today: datetime.date) -> None:
    """Last month: seven of eight lines on time; three spare-part orders."""
    customer = CustomerFactory(name="Bergmann Antriebstechnik GmbH")
    product = ProductFactory(product_line="machines")
    first = add_months(today, -1).replace(day=10)
    for i in range(8):
        order_line = line(customer=customer, product=product, first=first)
        ship(order_line, first + datetime.timedelta(days=1 if i == 0 else 0))
    received = datetime.datetime.combine(
        first.replace(day=15), datetime.time(8), tzinfo=timezone.get_current_timezone()
    )
    spare = ProductFactory(product_line="spare_parts")
    for hours in (20, 30):
        order = OrderFactory(customer=customer, received_at=received, target_lead_hours=48)
        at = received + datetime.timedelta(hours=hours)
        spare_line = line(customer=customer, product=spare, first=at.date(), order=order)
        ship(spare_line, at.date(), at=at)
    OrderFactory(customer=customer, received_at=received, target_lead_hours=48)


def test_the_scorecard_shows_the_figures_in_german_formats(
    client: Client, django_assert_max_num_queries
) -> None:
    today = timezone.localdate()
    _a_month_of_lines(today)
    state = delivery_figures_refresh(today=today)
    login(client, "shipping")

    with django_assert_max_num_queries(12):
        response = client.get("/scorecards/delivery/")

    assert response.status_code == 200
    page = text(response)
    computed = timezone.localtime(state.computed_at)
    assert f"Stand der Zahlen: {computed:%d.%m.%Y %H:%M}." in page
    # 9 of 10 lines on time in full: the 8 machines of last month and the two spare parts
    assert "90,0 % OTIF, letzte 12 Monate (10 Positionen)" in page
    last_month = add_months(today, -1)
    assert f"{GERMAN_MONTHS[last_month.month - 1]} {last_month.year} 10 9 90,0 %" in page
    assert 'value="90.0"' in response.content.decode()
    assert "Maschinen 8 7 87,5 %" in page
    assert "Ersatzteile 2 2 100,0 %" in page
    assert "Bergmann Antriebstechnik GmbH" in page
    assert "bis 24 h 1 33,3 %" in page
    assert "noch nicht vollständig versandt 1 33,3 %" in page
    assert "Median: 20 Stunden." in page  # the lower of the middle two
    assert "Wird aktualisiert" not in page


def test_the_scorecard_says_when_nothing_is_computed_or_counted(client: Client) -> None:
    login(client, "production")

    before = text(client.get("/scorecards/delivery/"))
    delivery_figures_refresh(today=timezone.localdate())
    after = text(client.get("/scorecards/delivery/"))

    assert "Die Zahlen sind noch nicht berechnet" in before
    assert "Es gibt nichts zu zählen." in after
    assert "Stand der Zahlen:" in after


def test_accounting_may_not_see_the_scorecard_nor_find_it_in_the_navigation(
    client: Client,
) -> None:
    login(client, "accounting")

    response = client.get("/scorecards/delivery/")
    home = client.get("/").content.decode()

    assert response.status_code == 403
    assert "/scorecards/delivery/" not in home


def test_production_finds_the_scorecard_in_the_navigation(client: Client) -> None:
    login(client, "production")

    home = client.get("/").content.decode()

    assert '<a href="/scorecards/delivery/">Liefertreue</a>' in home


def test_the_customer_360_page_shows_the_customers_delivery_reliability(
    client: Client, customer_world: dict
) -> None:
    today = timezone.localdate()
    customer = customer_world["customer"]
    product = customer_world["product"]
    first = add_months(today, -1).replace(day=10)
    for days_late in (0, 0, 0, 2):
        ship(line(customer=customer, product=product, first=first), first + datetime.timedelta(
            days=days_late))  # fmt: skip
    postponed = line(customer=customer, product=product, first=today + datetime.timedelta(days=9))
    order_line_promised_date_change(
        line=postponed, new_date=today + datetime.timedelta(days=12), reason="Material", by=None
    )
    login(client, "sales")

    page = text(client.get(f"/customers/{customer.number}/"))

    assert (
        "60,0 % pünktlich und vollständig, letzte 12 Monate (5 Positionen) · "
        "100 % von 1 Verschiebung vorher angekündigt"
    ) in page


def test_the_customer_360_page_hides_the_figure_from_accounting(
    client: Client, customer_world: dict
) -> None:
    login(client, "accounting")

    page = client.get(f"/customers/{customer_world['customer'].number}/").content.decode()

    assert 'id="delivery-reliability"' not in page
    assert "Rechnungen" in page or "Offene" in page


def test_a_postponement_marks_the_figures_stale_and_refreshes_them_after_commit(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    today = timezone.localdate()
    customer = CustomerFactory()
    order_line = line(
        customer=customer, product=ProductFactory(), first=today + datetime.timedelta(days=3)
    )
    delivery_figures_refresh(today=today)
    computed = DeliveryFiguresState.objects.get().computed_at

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for days in (1, 2):  # one transaction, two changes: one refresh
            order_line_promised_date_change(
                line=OrderLine.objects.get(pk=order_line.pk),
                new_date=today + datetime.timedelta(days=3 + days),
                reason="Material",
                by=None,
            )

    state = DeliveryFiguresState.objects.get()
    assert [c.__name__ for c in callbacks].count("_after_change") == 1
    assert state.computed_at > computed
    assert not state.is_stale
    login(client, "production")
    page = text(client.get("/scorecards/delivery/"))
    assert "0,0 % OTIF, letzte 12 Monate (1 Position)" in page


def test_the_periodic_job_refreshes_only_a_stale_snapshot_or_one_of_another_day() -> None:
    now = timezone.now()
    assert delivery_figures_refresh_due(now=now) is True  # none yet
    assert delivery_figures_refresh_due(now=now) is False  # fresh
    DeliveryFiguresState.objects.update(changed_at=timezone.now())
    assert delivery_figures_refresh_due(now=now) is True  # a change since
    assert delivery_figures_refresh_due(now=now + datetime.timedelta(days=1)) is True  # new day
    assert DeliveryFiguresState.objects.get().as_of == timezone.localdate(
        now + datetime.timedelta(days=1)
    )
