"""Housekeeping jobs of the core app; `treue.schedules` says when they run.

Both are safe to run twice or concurrently: they delete by age, and a second run finds nothing.
"""

import datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from treue.core.models import ScheduleRun, WorkerHeartbeat

TASK_RESULT_RETENTION = datetime.timedelta(days=14)
SCHEDULE_RUN_RETENTION = datetime.timedelta(days=30)
HEARTBEAT_RETENTION = datetime.timedelta(days=1)


@task()
def prune_task_results() -> dict[str, int]:
    """Finished task results and schedule claims are only useful for recent troubleshooting."""
    now = timezone.now()
    results, _ = DBTaskResult.objects.filter(
        finished_at__isnull=False, finished_at__lt=now - TASK_RESULT_RETENTION
    ).delete()
    # A job's latest claim stays, however old: without it a monthly job would be claimed again.
    latest_claim = ScheduleRun.objects.filter(job=OuterRef("job")).order_by("-period_start")
    runs, _ = (
        ScheduleRun.objects.filter(period_start__lt=now - SCHEDULE_RUN_RETENTION)
        .exclude(period_start=Subquery(latest_claim.values("period_start")[:1]))
        .delete()
    )
    return {"task_results": results, "schedule_runs": runs}


@task()
def worker_heartbeat_prune() -> int:
    """Workers that were replaced (new host name or pid) would otherwise stay listed forever."""
    deleted, _ = WorkerHeartbeat.objects.filter(
        last_seen__lt=timezone.now() - HEARTBEAT_RETENTION
    ).delete()
    return deleted
