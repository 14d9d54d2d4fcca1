import datetime

import pytest
from django.test import Client
from django.utils import timezone

from treue.activities.models import Activity
from treue.activities.tests.factories import ActivityFactory
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
