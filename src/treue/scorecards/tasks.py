"""Jobs of the scorecards; each calls one service and is safe to run twice."""

import datetime

from django_tasks import task

from .services import delivery_figures_refresh, delivery_figures_refresh_due


@task()
def delivery_figures_refresh_task(requested_at: str | None = None) -> int:
    """After a change: the refresh takes as long as the snapshot did (its duration in ms)."""
    since = datetime.datetime.fromisoformat(requested_at) if requested_at else None
    return delivery_figures_refresh(requested_at=since).duration_ms


@task()
def delivery_figures_refresh_if_due() -> bool:
    return delivery_figures_refresh_due()
