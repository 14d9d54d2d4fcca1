"""Writes of the delivery-reliability snapshot: the refresh, and the note that figures moved.

A service whose write moves the figures (a promised-date change, a posted delivery, a cancelled
or new order) calls `delivery_figures_changed()`; after its transaction commits, the refresh job
is enqueued. The periodic job in `treue.schedules` catches up with whatever was missed and with
the change of day (a line whose first date passed overnight is decided now).
"""

import datetime
import logging
import time

from django.db import connection, transaction
from django.utils import timezone

from .figures import Window, snapshot_compute
from .models import (
    AnnouncementMonth,
    DeliveryFiguresState,
    OtifCustomer,
    OtifMonth,
    SparePartLeadTime,
)

logger = logging.getLogger(__name__)

STATE_PK = 1
# Any number that is the same in every process: the refresh holds it while it rewrites.
_ADVISORY_LOCK = 0x7472_6575  # "treu"


def _state_locked() -> DeliveryFiguresState:
    """The state row, with the refresh lock held until the transaction ends.

    SQLite writes one transaction at a time (treue opens them IMMEDIATE); PostgreSQL gets an
    advisory lock, so that a planner's date change never waits for a refresh on the state row.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK])
    state, _ = DeliveryFiguresState.objects.get_or_create(pk=STATE_PK)
    return state


def delivery_figures_refresh(
    *, today: datetime.date | None = None, requested_at: datetime.datetime | None = None
) -> DeliveryFiguresState:
    """Recompute the snapshot for the months up to `today` (default: the company's today).

    The database counts first, outside any write transaction (seconds at two million lines on
    SQLite, where a write would hold every other writer); the aggregates are then written in
    one short transaction. With `requested_at` (when a change asked for it), a snapshot begun
    after that moment already holds the change and nothing is done: a burst of changes costs
    one refresh. Of two refreshes running at once, the one begun later is kept.
    """
    state = DeliveryFiguresState.objects.filter(pk=STATE_PK).first()
    if _covers(state, requested_at):
        return state  # type: ignore[return-value]
    began = timezone.now()
    clock = time.monotonic()
    today = today or timezone.localdate(began)
    snapshot = snapshot_compute(window=Window.ending(today))
    with transaction.atomic():
        state = _state_locked()
        if state.computed_at is not None and state.computed_at > began:
            return state
        for model in (OtifMonth, OtifCustomer, AnnouncementMonth, SparePartLeadTime):
            model.objects.all().delete()
        OtifMonth.objects.bulk_create(
            OtifMonth(month=m, product_line=pl, decided_lines=d, on_time_lines=t)
            for m, pl, d, t in snapshot.months
        )
        OtifCustomer.objects.bulk_create(
            (
                OtifCustomer(customer_id=c, decided_lines=d, on_time_lines=t, otif=t / d)
                for c, d, t in snapshot.customers
            ),
            batch_size=2000,
        )
        AnnouncementMonth.objects.bulk_create(
            AnnouncementMonth(
                month=m,
                postponements=n,
                announced_before=b,
                announced_on_the_day=o,
                announced_late=late,
                notice_days_sum=notice,
            )
            for m, n, b, o, late, notice in snapshot.announcements
        )
        SparePartLeadTime.objects.bulk_create(
            SparePartLeadTime(hours=h, within_target=w, orders=n)
            for h, w, n in snapshot.spare_parts
        )
        state.computed_at = began
        state.as_of = today
        state.duration_ms = round((time.monotonic() - clock) * 1000)
        state.save(update_fields=["computed_at", "as_of", "duration_ms"])
    logger.info("Delivery figures computed in %s ms", state.duration_ms)
    return state


def _covers(state: DeliveryFiguresState | None, requested_at: datetime.datetime | None) -> bool:
    return (
        requested_at is not None
        and state is not None
        and state.computed_at is not None
        and state.computed_at >= requested_at
    )


def delivery_figures_refresh_due(*, now: datetime.datetime | None = None) -> bool:
    """Refresh when the snapshot is missing, stale, or of another day; whether it did."""
    now = now or timezone.now()
    state = DeliveryFiguresState.objects.filter(pk=STATE_PK).first()
    today = timezone.localdate(now)
    if state is not None and not state.is_stale and state.as_of == today:
        return False
    delivery_figures_refresh(today=today)
    return True


def delivery_figures_changed() -> None:
    """Note that a write of the current transaction moves the figures; after it commits, the
    snapshot is marked as being updated and its refresh job is enqueued (once per
    transaction, however many lines it changed)."""
    # Django keeps the callbacks of the open transaction as (savepoints, func, robust).
    if any(entry[1] is _after_change for entry in connection.run_on_commit):
        return
    # Robust: the change is saved by then; a failing enqueue must not answer it with an error
    # (the periodic job catches up).
    transaction.on_commit(_after_change, robust=True)


def _after_change() -> None:
    from .tasks import delivery_figures_refresh_task

    now = timezone.now()
    DeliveryFiguresState.objects.filter(pk=STATE_PK).update(changed_at=now)
    delivery_figures_refresh_task.enqueue(requested_at=now.isoformat())
