"""Periodic jobs: each worker ticks `treue.schedules.SCHEDULES`; the database decides who runs them.

Several workers (on one machine or many) tick the same list. For every schedule a tick computes the
latest cron fire time at or before *now* and tries to insert `ScheduleRun(job, period_start)`; the
unique constraint lets exactly one insert win, and only the winner enqueues the task, after commit.
Only the latest period is ever claimed, so a worker that was down for a week runs each job once,
not once per missed period.
"""

import datetime
import logging
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from croniter import croniter
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string
from django_tasks.base import Task

from treue.core.models import ScheduleRun
from treue.schedules import SCHEDULES, Schedule

logger = logging.getLogger(__name__)

SCHEDULE_TIME_ZONE = ZoneInfo("Europe/Berlin")
JOB_NAME_MAX_LENGTH = ScheduleRun._meta.get_field("job").max_length or 100


class ScheduleError(ValueError):
    pass


def latest_fire_time(cron: str, now: datetime.datetime) -> datetime.datetime:
    """The latest time at or before `now` at which `cron` fires, read in Europe/Berlin, in UTC."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    # croniter's get_prev() is strictly before its start; starting at the next whole minute makes
    # a fire time equal to the current minute count as "at or before now". The arithmetic is done
    # in UTC: on local wall time it would lose which of the two 02:30 of the autumn change it is.
    start = now.astimezone(datetime.UTC).replace(second=0, microsecond=0)
    start += datetime.timedelta(minutes=1)
    fire: datetime.datetime = croniter(cron, start.astimezone(SCHEDULE_TIME_ZONE)).get_prev(
        datetime.datetime
    )
    return fire.astimezone(datetime.UTC)


def schedule_task(schedule: Schedule) -> Task:
    task = import_string(schedule.task)
    if not isinstance(task, Task):
        raise ScheduleError(f"{schedule.task} is not a task (decorate it with @task)")
    return task


def schedules_validate(schedules: Iterable[Schedule]) -> None:
    """Raise ScheduleError for the first mistake in the list; the worker refuses to start on one."""
    seen: set[str] = set()
    for schedule in schedules:
        if not schedule.name or len(schedule.name) > JOB_NAME_MAX_LENGTH:
            raise ScheduleError(f"schedule name {schedule.name!r} must have 1-100 characters")
        if schedule.name in seen:
            raise ScheduleError(f"schedule {schedule.name!r} is declared twice")
        seen.add(schedule.name)
        if not croniter.is_valid(schedule.cron):
            raise ScheduleError(f"schedule {schedule.name!r}: invalid cron {schedule.cron!r}")
        try:
            schedule_task(schedule)
        except ImportError as exc:
            raise ScheduleError(f"schedule {schedule.name!r}: {exc}") from exc


def schedule_tick(
    *,
    now: datetime.datetime,
    worker_id: str,
    schedules: Iterable[Schedule] | None = None,
) -> list[str]:
    """Claim and enqueue every job whose latest period nobody has claimed; return their names."""
    claimed: list[str] = []
    for schedule in SCHEDULES if schedules is None else schedules:
        period_start = latest_fire_time(schedule.cron, now)
        if _claimed_already(job=schedule.name, period_start=period_start):
            continue
        task = schedule_task(schedule)
        try:
            with transaction.atomic():
                ScheduleRun.objects.create(
                    job=schedule.name,
                    period_start=period_start,
                    claimed_by=worker_id,
                    claimed_at=now,
                )
                transaction.on_commit(task.enqueue)
        except IntegrityError:
            # Another worker inserted the same period between our check and our insert.
            continue
        logger.info("Claimed %s for %s (worker %s)", schedule.name, period_start, worker_id)
        claimed.append(schedule.name)
    return claimed


def _claimed_already(*, job: str, period_start: datetime.datetime) -> bool:
    # Saves a failing INSERT (and an error line in PostgreSQL's log) on almost every tick.
    return ScheduleRun.objects.filter(job=job, period_start=period_start).exists()
