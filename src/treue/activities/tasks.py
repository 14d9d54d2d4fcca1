"""Jobs of the activities app; `treue.schedules` says when they run."""

from django.utils import timezone
from django_tasks import task

from . import services


@task()
def activities_redirect_absent_owners() -> int:
    """Each morning, work of people who are absent today moves to their deputies.

    Safe to run twice: a second run finds no open activity left with an absent owner.
    """
    return services.activity_redirect_absent_owners(day=timezone.localdate())
