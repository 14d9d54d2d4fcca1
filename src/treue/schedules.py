"""Every periodic job of treue, in one list.

The worker (`treue worker`) ticks this list every few seconds; `treue.core.scheduling` claims each
period once across all workers and enqueues the job's task. A job here says only *when* something
is evaluated; what it does lives in the task and the service it calls. Cron expressions are read in
Europe/Berlin, the company's wall-clock time: keep daily jobs out of 02:00-02:59, an hour that
happens twice in October and not at all in March.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    name: str
    cron: str
    task: str  # dotted path of a django_tasks task that takes no arguments


SCHEDULES: list[Schedule] = [
    Schedule(
        name="prune_task_results",
        cron="15 3 * * *",
        task="treue.core.tasks.prune_task_results",
    ),
    Schedule(
        name="activities_redirect_absent_owners",
        cron="30 5 * * *",
        task="treue.activities.tasks.activities_redirect_absent_owners",
    ),
    Schedule(
        name="communications_deliver_due",
        cron="* * * * *",
        task="treue.communications.tasks.communications_deliver_due",
    ),
    # After a change the refresh is enqueued at once; this catches up with a missed one and
    # with the new day (lines whose first promised date passed overnight are decided now).
    Schedule(
        name="scorecards_delivery_figures_refresh",
        cron="*/10 * * * *",
        task="treue.scorecards.tasks.delivery_figures_refresh_if_due",
    ),
    # Escalations at 75 % and at the breach of a complaint's service levels; a status change
    # checks its complaint at once.
    Schedule(
        name="complaints_escalate",
        cron="*/5 * * * *",
        task="treue.complaints.tasks.complaints_escalate_task",
    ),
    # Complaints by e-mail become drafts (TREUE_COMPLAINT_MAILBOX; nothing when unset).
    Schedule(
        name="complaints_from_mailbox",
        cron="*/5 * * * *",
        task="treue.complaints.tasks.complaints_from_mailbox_task",
    ),
    # Payments recorded trigger the check at once; this catches the promises whose day passed.
    Schedule(
        name="receivables_promises_check",
        cron="20 * * * *",
        task="treue.receivables.tasks.promises_check_task",
    ),
    Schedule(
        name="worker_heartbeat_prune",
        cron="0 * * * *",
        task="treue.core.tasks.worker_heartbeat_prune",
    ),
]
