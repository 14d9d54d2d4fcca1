import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tasks import task, task_backends
from django_tasks_db.models import DBTaskResult

from treue.core import scheduling
from treue.core.models import ScheduleRun, WorkerHeartbeat
from treue.core.scheduling import (
    ScheduleError,
    latest_fire_time,
    schedule_tick,
    schedules_validate,
)
from treue.core.tasks import prune_task_results, worker_heartbeat_prune
from treue.schedules import SCHEDULES, Schedule

BERLIN = ZoneInfo("Europe/Berlin")
UTC = datetime.UTC


@task()
def tick_probe() -> None:
    """A task for schedules in these tests; it does nothing."""


HOURLY = Schedule(
    name="probe", cron="0 * * * *", task="treue.core.tests.test_scheduling.tick_probe"
)


@pytest.fixture
def enqueued(settings):
    """The tasks enqueued during the test (a backend that records instead of running)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return task_backends["default"].results


def berlin(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BERLIN)


def test_schedules_declared_in_treue_are_valid():
    schedules_validate(SCHEDULES)

    assert {s.name for s in SCHEDULES} >= {"prune_task_results", "worker_heartbeat_prune"}


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (Schedule("bad", "61 * * * *", HOURLY.task), "invalid cron"),
        (Schedule("bad", "every day", HOURLY.task), "invalid cron"),
        (Schedule("bad", "0 * * * *", "treue.core.tasks.no_such_task"), "no_such_task"),
        (Schedule("bad", "0 * * * *", "treue.core.scheduling.latest_fire_time"), "not a task"),
        (Schedule("x" * 101, "0 * * * *", HOURLY.task), "1-100 characters"),
    ],
)
def test_schedules_validate_rejects_mistakes(schedule, message):
    with pytest.raises(ScheduleError, match=message):
        schedules_validate([HOURLY, schedule])


def test_schedules_validate_rejects_duplicate_names():
    with pytest.raises(ScheduleError, match="declared twice"):
        schedules_validate([HOURLY, HOURLY])


@pytest.mark.parametrize(
    ("cron", "now", "expected"),
    [
        ("15 3 * * *", berlin(2025, 3, 10, 3, 15, 0), berlin(2025, 3, 10, 3, 15)),
        ("15 3 * * *", berlin(2025, 3, 10, 3, 15, 59), berlin(2025, 3, 10, 3, 15)),
        ("15 3 * * *", berlin(2025, 3, 10, 3, 14, 59), berlin(2025, 3, 9, 3, 15)),
        ("15 3 * * *", berlin(2025, 7, 1, 12, 0), berlin(2025, 7, 1, 3, 15)),
        ("0 * * * *", berlin(2025, 7, 1, 12, 59, 59), berlin(2025, 7, 1, 12, 0)),
        ("*/15 * * * *", berlin(2025, 7, 1, 12, 44), berlin(2025, 7, 1, 12, 30)),
        ("0 9 * * 1", berlin(2025, 7, 3, 8, 0), berlin(2025, 6, 30, 9, 0)),
    ],
)
def test_latest_fire_time_is_at_or_before_now_in_berlin_time(cron, now, expected):
    assert latest_fire_time(cron, now) == expected
    assert latest_fire_time(cron, now).tzinfo == UTC


def test_latest_fire_time_reads_the_cron_in_berlin_whatever_zone_now_is_in():
    now_utc = datetime.datetime(2025, 7, 1, 1, 30, tzinfo=UTC)  # 03:30 in Berlin (CEST)

    assert latest_fire_time("15 3 * * *", now_utc) == datetime.datetime(
        2025, 7, 1, 1, 15, tzinfo=UTC
    )


def test_latest_fire_time_tells_the_two_hours_of_the_autumn_change_apart():
    first = datetime.datetime(2025, 10, 26, 0, 30, tzinfo=UTC)  # 02:30 CEST
    second = datetime.datetime(2025, 10, 26, 1, 30, tzinfo=UTC)  # 02:30 CET

    assert latest_fire_time("0 * * * *", first) != latest_fire_time("0 * * * *", second)


def test_latest_fire_time_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="timezone-aware"):
        latest_fire_time("0 * * * *", datetime.datetime(2025, 7, 1, 12, 0))  # noqa: DTZ001


@pytest.mark.django_db
def test_two_workers_in_the_same_period_run_the_job_once(
    enqueued, django_capture_on_commit_callbacks
):
    now = berlin(2025, 7, 1, 12, 5)

    with django_capture_on_commit_callbacks(execute=True):
        first = schedule_tick(now=now, worker_id="host-a-1", schedules=[HOURLY])
        second = schedule_tick(
            now=now + datetime.timedelta(seconds=15), worker_id="host-b-2", schedules=[HOURLY]
        )

    assert first == ["probe"]
    assert second == []
    run = ScheduleRun.objects.get()
    assert (run.job, run.period_start, run.claimed_by) == (
        "probe",
        berlin(2025, 7, 1, 12, 0),
        "host-a-1",
    )
    assert [r.task.name for r in enqueued] == ["tick_probe"]


@pytest.mark.django_db
def test_the_loser_of_a_race_enqueues_nothing_and_its_transaction_stays_usable(
    enqueued, django_capture_on_commit_callbacks, monkeypatch
):
    now = berlin(2025, 7, 1, 12, 5)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_tick(now=now, worker_id="host-a-1", schedules=[HOURLY])
    # Worker b checked before worker a's insert committed, so its own insert collides.
    monkeypatch.setattr(scheduling, "_claimed_already", lambda **kwargs: False)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        claimed = schedule_tick(now=now, worker_id="host-b-2", schedules=[HOURLY])

    assert claimed == []
    assert callbacks == []
    assert len(enqueued) == 1
    assert ScheduleRun.objects.filter(claimed_by="host-a-1").count() == 1


@pytest.mark.django_db
def test_the_next_period_is_claimed_again(enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        schedule_tick(now=berlin(2025, 7, 1, 12, 5), worker_id="a", schedules=[HOURLY])
        later = schedule_tick(now=berlin(2025, 7, 1, 13, 0), worker_id="b", schedules=[HOURLY])

    assert later == ["probe"]
    assert list(
        ScheduleRun.objects.order_by("period_start").values_list("period_start", flat=True)
    ) == [
        berlin(2025, 7, 1, 12, 0),
        berlin(2025, 7, 1, 13, 0),
    ]
    assert len(enqueued) == 2


@pytest.mark.django_db
def test_a_worker_that_was_down_runs_only_the_latest_missed_period(
    enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        schedule_tick(now=berlin(2025, 7, 1, 12, 5), worker_id="a", schedules=[HOURLY])
        schedule_tick(now=berlin(2025, 7, 3, 9, 30), worker_id="a", schedules=[HOURLY])

    assert ScheduleRun.objects.count() == 2
    assert ScheduleRun.objects.latest("period_start").period_start == berlin(2025, 7, 3, 9, 0)
    assert len(enqueued) == 2


@pytest.mark.django_db
def test_nothing_is_enqueued_when_the_claim_is_rolled_back(enqueued):
    # Without a commit (the test's transaction is never committed) no task may be enqueued.
    schedule_tick(now=berlin(2025, 7, 1, 12, 5), worker_id="a", schedules=[HOURLY])

    assert enqueued == []


@pytest.mark.django_db
def test_prune_task_results_keeps_recent_rows_and_each_jobs_latest_claim():
    now = timezone.now()
    old, recent = now - datetime.timedelta(days=15), now - datetime.timedelta(days=13)
    for finished_at in (old, recent, None):
        DBTaskResult.objects.create(
            task_path="treue.core.tasks.worker_heartbeat_prune",
            args_kwargs={"args": [], "kwargs": {}},
            backend_name="default",
            finished_at=finished_at,
        )
    for job, days in [("daily", 40), ("daily", 35), ("daily", 1), ("yearly", 200)]:
        ScheduleRun.objects.create(
            job=job, period_start=now - datetime.timedelta(days=days), claimed_by="a"
        )

    result = prune_task_results.call()

    assert result == {"task_results": 1, "schedule_runs": 2}
    assert sorted(DBTaskResult.objects.values_list("finished_at", flat=True), key=str) == sorted(
        [recent, None], key=str
    )
    assert sorted(ScheduleRun.objects.values_list("job", flat=True)) == ["daily", "yearly"]
    assert prune_task_results.call() == {"task_results": 0, "schedule_runs": 0}


@pytest.mark.django_db
def test_worker_heartbeat_prune_deletes_workers_gone_for_a_day():
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="gone", last_seen=now - datetime.timedelta(hours=25))
    WorkerHeartbeat.objects.create(worker_id="alive", last_seen=now - datetime.timedelta(hours=23))

    assert worker_heartbeat_prune.call() == 1
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["alive"]
    assert worker_heartbeat_prune.call() == 0
