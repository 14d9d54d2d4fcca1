import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from treue.activities.tests.factories import ActivityFactory
from treue.core.tests.factories import UserFactory
from treue.orders.models import OrderLine

pytestmark = pytest.mark.django_db


def test_home_shows_my_overdue_and_due_activities(client: Client) -> None:
    me = UserFactory(username="me")
    today = timezone.localdate()
    ActivityFactory(owner=me, due_on=today - datetime.timedelta(days=2), title="Angebot K1")
    ActivityFactory(owner=me, due_on=today, title="Rückruf K2")
    client.force_login(me)

    response = client.get("/")

    overview = response.context["overview"]
    assert (overview.overdue, overview.due_today, overview.open_total) == (1, 1, 2)
    assert [a.title for a in overview.next_up] == ["Angebot K1", "Rückruf K2"]


def test_home_shows_production_the_lines_promised_soon_late_first(
    client: Client, customer_world: dict
) -> None:
    today = timezone.localdate()
    OrderLine.objects.filter(position=10).update(promised_date=today - datetime.timedelta(days=1))
    OrderLine.objects.filter(position=20).update(promised_date=today + datetime.timedelta(days=30))
    client.force_login(UserFactory(username="planner", role="production"))

    response = client.get("/")

    assert [(line.order.number, line.position) for line in response.context["lines_due"]] == [
        ("A-2024-0001", 10)
    ]
    assert response.context["overdue"] is None


def test_home_shows_accounting_the_overdue_total_in_euro(
    client: Client, customer_world: dict, django_assert_max_num_queries
) -> None:
    client.force_login(UserFactory(username="acc", role="accounting"))

    with django_assert_max_num_queries(8):
        response = client.get("/")

    assert response.context["overdue"] == (1, Decimal("2057.11"))
    assert response.context["lines_due"] is None


def _nav(client: Client, path: str = "/") -> dict[str, bool]:
    return {item.label: item.active for item in client.get(path).context["nav_items"]}


def test_navigation_offers_department_activities_to_heads_and_management_only(
    client: Client,
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    head = UserFactory(username="head", role="shipping")
    head.department.head = head
    head.department.save()
    users = [
        head,
        UserFactory(username="boss", role="management"),
        UserFactory(username="member", role="shipping"),
    ]
    seen = {}
    for user in users:
        client.force_login(user)
        seen[user.username] = "Department activities" in _nav(client)

    assert seen == {"head": True, "boss": True, "member": False}


def test_navigation_marks_department_activities_current_not_my_activities(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(UserFactory(username="boss", role="management"))

    nav = _nav(client, "/activities/department/")

    assert nav["Department activities"] is True
    assert nav["My activities"] is False
    assert _nav(client, "/activities/")["My activities"] is True


def test_home_leads_a_head_from_the_department_tile_to_department_activities(
    client: Client,
) -> None:
    head = UserFactory(username="head", role="quality")
    head.department.head = head
    head.department.save()
    member = UserFactory(username="member", role="quality")

    client.force_login(head)
    for_head = client.get("/").content.decode()
    client.force_login(member)
    for_member = client.get("/").content.decode()

    assert f'href="/activities/department/?department={head.department_id}"' in for_head
    assert "/activities/department/" not in for_member
