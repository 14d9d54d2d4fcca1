import datetime
from datetime import timedelta
from html import escape
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from treue.activities.models import Activity
from treue.activities.tests.factories import ActivityFactory
from treue.core.models import Department, User
from treue.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_my_activities_lists_only_my_open_activities(client: Client) -> None:
    me = UserFactory(username="me")
    ActivityFactory(owner=me, title="Angebot nachfassen")
    ActivityFactory(title="Somebody else's")
    client.force_login(me)

    body = client.get("/activities/").content.decode()

    assert "Angebot nachfassen" in body
    assert "Somebody else" not in body


def test_done_by_htmx_returns_the_updated_row(client: Client) -> None:
    activity = ActivityFactory()
    client.force_login(activity.owner)

    response = client.post(f"/activities/{activity.pk}/done/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert f'id="activity-{activity.pk}"' in response.content.decode()
    assert Activity.objects.get(pk=activity.pk).status == "done"


def test_done_twice_answers_409_and_keeps_completion_time(client: Client) -> None:
    activity = ActivityFactory()
    client.force_login(activity.owner)
    client.post(f"/activities/{activity.pk}/done/")
    first = Activity.objects.get(pk=activity.pk).completed_at

    response = client.post(f"/activities/{activity.pk}/done/", HTTP_HX_REQUEST="true")

    assert response.status_code == 409
    assert Activity.objects.get(pk=activity.pk).completed_at == first


def test_postpone_with_invalid_date_shows_field_error_and_changes_nothing(client: Client) -> None:
    activity = ActivityFactory()
    client.force_login(activity.owner)

    response = client.post(f"/activities/{activity.pk}/postpone/", {"due_on": "31.02.2026"})

    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert Activity.objects.get(pk=activity.pk).due_on == activity.due_on


def test_postpone_moves_the_due_date(client: Client) -> None:
    activity = ActivityFactory()
    client.force_login(activity.owner)
    new = timezone.localdate() + datetime.timedelta(days=7)

    response = client.post(f"/activities/{activity.pk}/postpone/", {"due_on": new.isoformat()})

    assert response.status_code == 302
    assert Activity.objects.get(pk=activity.pk).due_on == new


def test_hand_over_to_a_colleague(client: Client) -> None:
    activity = ActivityFactory()
    colleague = UserFactory(username="colleague", role="service")
    client.force_login(activity.owner)

    client.post(f"/activities/{activity.pk}/hand-over/", {"to": colleague.pk, "note": ""})

    assert Activity.objects.get(pk=activity.pk).owner == colleague


def test_forged_activity_id_of_another_user_answers_404_and_changes_nothing(client: Client) -> None:
    theirs = ActivityFactory()
    intruder = UserFactory(username="intruder", role="shipping")
    client.force_login(intruder)

    responses = [
        client.post(f"/activities/{theirs.pk}/done/"),
        client.get(f"/activities/{theirs.pk}/postpone/"),
        client.post(f"/activities/{theirs.pk}/hand-over/", {"to": intruder.pk}),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    theirs.refresh_from_db()
    assert theirs.status == "open"
    assert theirs.owner != intruder


def test_department_head_may_hand_over_activities_of_the_department(client: Client) -> None:
    activity = ActivityFactory()
    head = UserFactory(username="head", role="sales")
    activity.department.head = head
    activity.department.save()
    client.force_login(head)

    response = client.post(f"/activities/{activity.pk}/hand-over/", {"to": head.pk})

    assert response.status_code == 302
    assert Activity.objects.get(pk=activity.pk).owner == head


def _head_of(role: str, username: str = "head") -> User:
    head = UserFactory(username=username, role=role)
    head.department.head = head
    head.department.save()
    return head


def test_department_page_shows_a_head_the_open_activities_of_colleagues_overdue_first(
    client: Client, django_assert_max_num_queries
) -> None:
    today = timezone.localdate()
    head = _head_of("sales")
    colleague = UserFactory(username="colleague", first_name="Eva", last_name="Roth", role="sales")
    ActivityFactory(owner=colleague, title="Angebot später", due_on=today)
    ActivityFactory(owner=colleague, title="Rückruf überfällig", due_on=today - timedelta(days=3))
    ActivityFactory(owner=UserFactory(username="ship", role="shipping"), title="Versand")
    client.force_login(head)

    with django_assert_max_num_queries(5):
        response = client.get("/activities/department/")

    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Rückruf überfällig") < body.index("Angebot später")
    assert "Eva Roth" in body
    assert "Versand" not in body
    assert f"/activities/{colleague.activities.first().pk}/hand-over/?next=" in body


def test_department_page_answers_403_to_a_plain_member(client: Client) -> None:
    _head_of("sales")
    member = UserFactory(username="member", role="sales")
    ActivityFactory(owner=UserFactory(username="colleague", role="sales"), title="Geheim")
    client.force_login(member)

    response = client.get("/activities/department/")

    assert response.status_code == 403
    assert "Geheim" not in response.content.decode()


def test_a_head_cannot_widen_the_page_to_another_department(client: Client) -> None:
    head = _head_of("sales")
    ActivityFactory(owner=UserFactory(username="ship", role="shipping"), title="Versand")
    client.force_login(head)

    body = client.get(
        f"/activities/department/?department={Department.objects.get(code='shipping').pk}"
    ).content.decode()

    assert "Versand" not in body
    assert 'name="department"' not in body


def test_management_sees_every_department_and_filters_by_one(
    client: Client, django_assert_max_num_queries
) -> None:
    ActivityFactory(owner=UserFactory(username="rep", role="sales"), title="Angebot")
    ActivityFactory(owner=UserFactory(username="ship", role="shipping"), title="Versand")
    client.force_login(UserFactory(username="boss", role="management"))
    shipping = Department.objects.get(code="shipping")

    with django_assert_max_num_queries(6):
        everything = client.get("/activities/department/").content.decode()
    filtered = client.get(
        f"/activities/department/?department={shipping.pk}",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="activity-table",
    ).content.decode()

    assert "Angebot" in everything
    assert "Versand" in everything
    assert "Versand" in filtered
    assert "Angebot" not in filtered
    assert "<h1>" not in filtered  # just the table, for htmx


def test_department_page_is_paginated(client: Client, settings) -> None:
    settings.PAGE_SIZE = 2
    boss = UserFactory(username="boss", role="management")
    for n in range(5):
        ActivityFactory(
            owner=boss, title=f"Aufgabe {n}", due_on=timezone.localdate() + timedelta(days=n)
        )
    client.force_login(boss)

    first = client.get("/activities/department/").content.decode()
    last = client.get("/activities/department/?page=3").content.decode()

    assert "Aufgabe 1" in first
    assert "Aufgabe 2" not in first
    assert "Aufgabe 4" in last
    assert "Aufgabe 0" not in last
    assert 'rel="next"' in first


def test_department_page_says_so_when_nothing_is_open(client: Client) -> None:
    client.force_login(_head_of("quality"))
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"

    body = client.get("/activities/department/").content.decode()

    assert "Your department has no open activities." in body
    assert "<table" not in body


def test_head_marks_a_colleagues_activity_done_from_the_department_page(client: Client) -> None:
    head = _head_of("sales")
    activity = ActivityFactory(owner=UserFactory(username="colleague", role="sales"))
    client.force_login(head)

    response = client.post(
        f"/activities/{activity.pk}/done/",
        {"next": "/activities/department/"},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="activity-{activity.pk}"' in body
    assert str(activity.owner) in body  # the department row, with its owner column
    assert Activity.objects.get(pk=activity.pk).status == "done"


def test_postpone_from_the_department_page_leads_back_there(client: Client) -> None:
    head = _head_of("sales")
    activity = ActivityFactory(owner=UserFactory(username="colleague", role="sales"))
    client.force_login(head)
    back = "/activities/department/?page=1"
    new = timezone.localdate() + timedelta(days=3)

    form = client.get(f"/activities/{activity.pk}/postpone/", {"next": back}).content.decode()
    response = client.post(
        f"/activities/{activity.pk}/postpone/?next={quote(back)}", {"due_on": new.isoformat()}
    )

    assert f'href="{escape(back)}"' in form
    assert response.status_code == 302
    assert response.url == back
    assert Activity.objects.get(pk=activity.pk).due_on == new


def test_a_foreign_next_is_ignored(client: Client) -> None:
    activity = ActivityFactory()
    client.force_login(activity.owner)

    response = client.post(f"/activities/{activity.pk}/done/", {"next": "https://evil.example/"})

    assert response.url == "/activities/"


def test_forged_id_of_another_departments_activity_answers_404_to_a_head(client: Client) -> None:
    theirs = ActivityFactory(owner=UserFactory(username="ship", role="shipping"))
    head = _head_of("sales")
    client.force_login(head)

    responses = [
        client.post(f"/activities/{theirs.pk}/done/", {"next": "/activities/department/"}),
        client.get(f"/activities/{theirs.pk}/postpone/"),
        client.post(f"/activities/{theirs.pk}/hand-over/", {"to": head.pk}),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    theirs.refresh_from_db()
    assert (theirs.status, theirs.owner.username) == ("open", "ship")
