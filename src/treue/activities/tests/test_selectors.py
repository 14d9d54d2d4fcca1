import datetime

import pytest
from django.utils import timezone

from treue.activities.selectors import activity_list_for_department, activity_oversight_for
from treue.activities.tests.factories import ActivityFactory
from treue.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_department_list_puts_overdue_first_then_groups_by_owner() -> None:
    today = timezone.localdate()
    berg = UserFactory(username="berg", last_name="Berg", role="sales")
    adam = UserFactory(username="adam", last_name="Adam", role="sales")
    ActivityFactory(owner=berg, title="Berg next week", due_on=today + datetime.timedelta(days=7))
    ActivityFactory(owner=berg, title="Berg overdue", due_on=today - datetime.timedelta(days=1))
    ActivityFactory(owner=adam, title="Adam today", due_on=today)
    ActivityFactory(owner=adam, title="Adam overdue", due_on=today - datetime.timedelta(days=9))
    ActivityFactory(owner=UserFactory(username="other", role="shipping"), title="Shipping")
    ActivityFactory(owner=adam, title="Adam done", status="done", completed_at=timezone.now())

    rows = activity_list_for_department(department_id=adam.department_id, today=today)

    assert [a.title for a in rows] == [
        "Adam overdue",
        "Berg overdue",
        "Adam today",
        "Berg next week",
    ]


def test_oversight_is_the_own_department_for_a_head_and_every_one_for_management() -> None:
    head = UserFactory(username="head", role="quality")
    head.department.head = head
    head.department.save()

    assert activity_oversight_for(user=UserFactory(username="member", role="quality")) is None
    assert activity_oversight_for(user=head).department_id == head.department_id  # type: ignore[union-attr]
    boss = UserFactory(username="boss", role="management")
    assert activity_oversight_for(user=boss).department_id is None  # type: ignore[union-attr]
