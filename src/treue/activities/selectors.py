"""Reads of activities."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from treue.core.models import User
from treue.customers.models import Customer

from .models import Activity, ActivityStatus


def activity_list_for_owner(*, user: User, status: str = ActivityStatus.OPEN) -> QuerySet[Activity]:
    return (
        Activity.objects.filter(owner=user, status=status)
        .select_related("customer", "department")
        .order_by("due_on", "id")
    )


def activity_list_for_customer(*, customer: Customer) -> QuerySet[Activity]:
    return (
        Activity.objects.filter(customer=customer)
        .select_related("owner", "department")
        .order_by("status", "due_on", "id")
    )


def activity_hand_over_candidates(*, activity: Activity) -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, department__isnull=False)
        .exclude(pk=activity.owner_id)
        .select_related("department")
        .order_by("department__name", "last_name", "first_name")
    )


@dataclass(frozen=True)
class ActivityOverview:
    overdue: int
    due_today: int
    open_total: int
    department_open: int
    next_up: list[Activity]


def activity_overview_for_user(*, user: User, today: datetime.date) -> ActivityOverview:
    mine = Activity.objects.filter(owner=user, status=ActivityStatus.OPEN)
    counts = mine.aggregate(
        overdue=Count("id", filter=Q(due_on__lt=today)),
        due_today=Count("id", filter=Q(due_on=today)),
        open_total=Count("id"),
    )
    department_open = (
        Activity.objects.filter(
            department_id=user.department_id, status=ActivityStatus.OPEN
        ).count()
        if user.department_id
        else 0
    )
    next_up = list(mine.select_related("customer").order_by("due_on", "id")[:5])
    return ActivityOverview(department_open=department_open, next_up=next_up, **counts)
