"""Reads of activities."""

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When

from treue.core.models import Department, User
from treue.core.roles import Perm, Role
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


@dataclass(frozen=True)
class Oversight:
    """Whose activities a user works besides their own: one department, or (None) every one."""

    department_id: int | None

    def covers(self, department_id: int) -> bool:
        return self.department_id is None or self.department_id == department_id


def activity_oversight_for(*, user: User) -> Oversight | None:
    """Management and admin oversee every department, a department head the own one."""
    if not user.has_treue_perm(Perm.ACTIVITY_HAND_OVER_ANY):
        return None
    if user.is_superuser or user.role in {Role.MANAGEMENT, Role.ADMIN}:
        return Oversight(department_id=None)
    if user.department_id is None:
        return None
    return Oversight(department_id=user.department_id)


def activity_list_for_department(
    *, department_id: int | None, today: datetime.date
) -> QuerySet[Activity]:
    """Open activities of one department (None: of all), overdue first, then by owner."""
    activities = Activity.objects.filter(status=ActivityStatus.OPEN)
    if department_id is not None:
        activities = activities.filter(department_id=department_id)
    return (
        activities.annotate(
            is_overdue=Case(
                When(due_on__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("owner", "department", "customer")
        .order_by(
            "-is_overdue", "owner__last_name", "owner__first_name", "owner_id", "due_on", "id"
        )
    )


def activity_department_choices() -> QuerySet[Department]:
    return Department.objects.order_by("name", "id")


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
