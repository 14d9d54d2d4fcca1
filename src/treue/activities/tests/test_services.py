import datetime

import pytest
from django.utils import timezone

from treue.activities import services
from treue.activities.models import Activity, ActivityEvent, ActivityStatus
from treue.activities.tasks import activities_redirect_absent_owners
from treue.activities.tests.factories import ActivityFactory
from treue.core.errors import BusinessRuleError
from treue.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_create_goes_to_the_deputy_while_the_owner_is_absent() -> None:
    today = timezone.localdate()
    deputy = UserFactory(username="deputy")
    owner = UserFactory(
        username="owner",
        absent_from=today - datetime.timedelta(days=1),
        absent_until=today + datetime.timedelta(days=5),
        deputy=deputy,
    )

    activity = services.activity_create(title="Call back", owner=owner, due_on=today)

    assert activity.owner == deputy
    assert list(activity.events.values_list("kind", flat=True)) == ["created", "redirected"]


def test_create_follows_a_chain_of_absent_deputies_but_not_a_cycle() -> None:
    today = timezone.localdate()
    a = UserFactory(username="a", absent_from=today)
    b = UserFactory(username="b", absent_from=today, deputy=a)
    a.deputy = b
    a.save()
    c = UserFactory(username="c")
    owner = UserFactory(username="owner", absent_from=today, deputy=b)

    cyclic = services.activity_create(title="x", owner=owner, due_on=today)
    b.deputy = c
    b.save()
    chained = services.activity_create(title="y", owner=owner, due_on=today)

    assert cyclic.owner == owner
    assert chained.owner == c


def test_complete_marks_done_once() -> None:
    activity = ActivityFactory()

    services.activity_complete(activity=activity, by=activity.owner)

    activity.refresh_from_db()
    assert activity.status == ActivityStatus.DONE
    assert activity.completed_at is not None
    with pytest.raises(BusinessRuleError) as exc:
        services.activity_complete(activity=activity, by=activity.owner)
    assert exc.value.code == "activity_closed"
    assert activity.events.filter(kind="done").count() == 1


def test_postpone_refuses_a_date_in_the_past_and_changes_nothing() -> None:
    activity = ActivityFactory()
    before = activity.due_on

    with pytest.raises(BusinessRuleError):
        services.activity_postpone(
            activity=activity, due_on=before - datetime.timedelta(days=3), by=activity.owner
        )

    activity.refresh_from_db()
    assert activity.due_on == before
    assert not ActivityEvent.objects.filter(kind="postponed").exists()


def test_hand_over_moves_owner_and_department() -> None:
    activity = ActivityFactory()
    colleague = UserFactory(username="acc", role="accounting")

    services.activity_hand_over(
        activity=activity, to=colleague, by=activity.owner, note="Bitte prüfen"
    )

    activity.refresh_from_db()
    assert activity.owner == colleague
    assert activity.department == colleague.department
    assert activity.events.get(kind="handed_over").note == "Bitte prüfen"


def test_hand_over_to_an_inactive_person_is_refused() -> None:
    activity = ActivityFactory()
    gone = UserFactory(username="gone", is_active=False)

    with pytest.raises(BusinessRuleError):
        services.activity_hand_over(activity=activity, to=gone, by=activity.owner)

    activity.refresh_from_db()
    assert activity.owner != gone


def test_redirect_absent_owners_moves_only_open_activities_of_absent_people() -> None:
    today = timezone.localdate()
    deputy = UserFactory(username="deputy")
    absent = UserFactory(username="absent", absent_from=today, deputy=deputy)
    present = UserFactory(username="present")
    open_one = ActivityFactory(owner=absent)
    done_one = ActivityFactory(owner=absent, status="done", completed_at=timezone.now())
    other = ActivityFactory(owner=present)

    moved = services.activity_redirect_absent_owners(day=today)

    assert moved == 1
    assert Activity.objects.get(pk=open_one.pk).owner == deputy
    assert Activity.objects.get(pk=done_one.pk).owner == absent
    assert Activity.objects.get(pk=other.pk).owner == present


def test_the_morning_job_hands_work_of_absent_people_to_deputies() -> None:
    deputy = UserFactory(username="deputy")
    absent = UserFactory(username="absent", absent_from=timezone.localdate(), deputy=deputy)
    activity = ActivityFactory(owner=absent)

    result = activities_redirect_absent_owners.enqueue()

    assert result.return_value == 1
    assert Activity.objects.get(pk=activity.pk).owner == deputy
