"""Writes on activities: create, complete, postpone, hand over — each leaves an event behind."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from treue.core.errors import BusinessRuleError
from treue.core.models import User
from treue.core.services import user_assignee_on
from treue.customers.models import Customer

from .models import Activity, ActivityEvent, ActivityOrigin, ActivityStatus
from .selectors import activity_oversight_for


def _require_open(activity: Activity) -> None:
    if activity.status != ActivityStatus.OPEN:
        raise BusinessRuleError("activity_closed", _("This activity is already done."))


def activity_can_change(*, activity: Activity, user: User) -> bool:
    """The owner changes their own activities; heads and management those of the department."""
    if activity.owner_id == user.pk:
        return True
    oversight = activity_oversight_for(user=user)
    return oversight is not None and oversight.covers(activity.department_id)


@transaction.atomic
def activity_create(
    *,
    title: str,
    owner: User,
    due_on: datetime.date,
    customer: Customer | None = None,
    subject: str = "",
    description: str = "",
    origin: str = ActivityOrigin.MANUAL,
    by: User | None = None,
) -> Activity:
    """Create a follow-up; while the owner is absent it goes to the deputy instead."""
    assignee = user_assignee_on(user=owner, day=timezone.localdate())
    if assignee.department_id is None:
        raise BusinessRuleError(
            "owner_without_department", _("The owner belongs to no department.")
        )
    activity = Activity.objects.create(
        title=title,
        description=description,
        owner=assignee,
        department_id=assignee.department_id,
        customer=customer,
        subject=subject,
        due_on=due_on,
        origin=origin,
    )
    ActivityEvent.objects.create(activity=activity, kind=ActivityEvent.Kind.CREATED, by=by)
    if assignee.pk != owner.pk:
        ActivityEvent.objects.create(
            activity=activity,
            kind=ActivityEvent.Kind.REDIRECTED,
            by=by,
            note=_("%(absent)s is absent; deputy %(deputy)s")
            % {"absent": owner, "deputy": assignee},
        )
    return activity


@transaction.atomic
def activity_complete(*, activity: Activity, by: User) -> Activity:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _require_open(activity)
    activity.status = ActivityStatus.DONE
    activity.completed_at = timezone.now()
    activity.save(update_fields=["status", "completed_at"])
    ActivityEvent.objects.create(activity=activity, kind=ActivityEvent.Kind.DONE, by=by)
    return activity


@transaction.atomic
def activity_postpone(*, activity: Activity, due_on: datetime.date, by: User) -> Activity:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _require_open(activity)
    if due_on < timezone.localdate():
        raise BusinessRuleError("due_in_past", _("The new due date lies in the past."))
    old = activity.due_on
    activity.due_on = due_on
    activity.save(update_fields=["due_on"])
    ActivityEvent.objects.create(
        activity=activity,
        kind=ActivityEvent.Kind.POSTPONED,
        by=by,
        note=f"{old.isoformat()} → {due_on.isoformat()}",
    )
    return activity


@transaction.atomic
def activity_hand_over(*, activity: Activity, to: User, by: User, note: str = "") -> Activity:
    """Give the activity to another active person; it moves to their department."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _require_open(activity)
    if not to.is_active or to.department_id is None:
        raise BusinessRuleError("invalid_recipient", _("This person cannot take over activities."))
    if to.pk == activity.owner_id:
        raise BusinessRuleError("same_owner", _("The activity already belongs to this person."))
    assignee = user_assignee_on(user=to, day=timezone.localdate())
    activity.owner = assignee
    activity.department = assignee.department  # type: ignore[assignment]
    activity.save(update_fields=["owner", "department"])
    ActivityEvent.objects.create(
        activity=activity,
        kind=ActivityEvent.Kind.HANDED_OVER,
        by=by,
        note=(note or "")[:250] + (f" → {assignee}" if assignee.pk != to.pk else ""),
    )
    return activity


@transaction.atomic
def activity_redirect_absent_owners(*, day: datetime.date) -> int:
    """Hand the open activities of people absent on `day` to their deputies (a daily job)."""
    moved = 0
    absent = User.objects.filter(absent_from__lte=day, deputy__isnull=False).exclude(
        absent_until__lt=day
    )
    for user in absent:
        assignee = user_assignee_on(user=user, day=day)
        if assignee.pk == user.pk:
            continue
        for activity in Activity.objects.select_for_update().filter(
            owner=user, status=ActivityStatus.OPEN
        ):
            activity.owner = assignee
            activity.department = assignee.department  # type: ignore[assignment]
            activity.save(update_fields=["owner", "department"])
            ActivityEvent.objects.create(
                activity=activity,
                kind=ActivityEvent.Kind.REDIRECTED,
                note=_("%(absent)s is absent; deputy %(deputy)s")
                % {"absent": user, "deputy": assignee},
            )
            moved += 1
    return moved
