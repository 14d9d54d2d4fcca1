"""`treue worker`: runs background tasks and ticks the periodic jobs of `treue.schedules`.

The task loop is django-tasks-db's own worker; beside it a daemon thread writes this worker's
heartbeat (read by /healthz) and claims due periodic jobs. Run as many workers as you like, on one
machine or several: the database makes sure each periodic job runs once per period.
"""

import logging
import os
import socket
import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from treue.core.models import WorkerHeartbeat
from treue.core.scheduling import ScheduleError, schedule_tick, schedules_validate
from treue.schedules import SCHEDULES

logger = logging.getLogger("treue.worker")

TICK_SECONDS = 15.0


def default_worker_id() -> str:
    pid = f"-{os.getpid()}"
    return socket.gethostname()[: 64 - len(pid)] + pid


def worker_tick(*, worker_id: str) -> list[str]:
    """One heartbeat and one pass over the schedules."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"last_seen": now})
    return schedule_tick(now=now, worker_id=worker_id)


class Ticker(threading.Thread):
    """Ticks until stopped; a failing tick (database restarting, say) is logged and retried."""

    def __init__(self, *, worker_id: str, interval: float) -> None:
        super().__init__(name="treue-ticker", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                worker_tick(worker_id=self.worker_id)
            except Exception:
                logger.exception("Worker tick failed; retrying in %.0f s", self.interval)
            finally:
                close_old_connections()
            self.stopped.wait(self.interval)


class Command(BaseCommand):
    help = "Run background tasks and the periodic jobs (heartbeat for /healthz included)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--worker-id", default=default_worker_id())
        parser.add_argument("--queue", action="append", dest="queues", default=None)
        parser.add_argument(
            "--tick", type=float, default=TICK_SECONDS, help="seconds between heartbeats"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id: str = options["worker_id"]
        if not worker_id or len(worker_id) > 64:
            raise CommandError("--worker-id must have 1-64 characters")
        try:
            schedules_validate(SCHEDULES)
        except ScheduleError as exc:
            raise CommandError(f"treue.schedules is invalid: {exc}") from exc
        if options["verbosity"] >= 1:
            logging.getLogger("treue").setLevel(logging.INFO)
            logging.getLogger("django_tasks").setLevel(logging.INFO)
            logging.getLogger("django_tasks_db").setLevel(logging.INFO)

        worker = Worker(
            queue_names=options["queues"] or ["default"],
            interval=1,
            batch=False,
            backend_name="default",
            startup_delay=True,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        ticker = Ticker(worker_id=worker_id, interval=options["tick"])
        self.stdout.write(f"treue worker {worker_id}: {len(SCHEDULES)} periodic jobs")
        ticker.start()
        worker.configure_signals()
        try:
            worker.run()
        finally:
            ticker.stopped.set()
