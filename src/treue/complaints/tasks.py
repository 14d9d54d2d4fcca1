"""Jobs of complaints; each calls one service and is safe to run twice."""

from django_tasks import task

from .services import complaints_escalate


@task()
def complaints_escalate_task() -> dict[str, int]:
    result = complaints_escalate()
    return {"warnings": result.warnings, "breaches": result.breaches}


@task()
def complaints_from_mailbox_task() -> dict[str, int]:
    from .mail import complaints_from_mailbox

    result = complaints_from_mailbox()
    return {"drafts": result.drafts, "unknown_senders": result.unknown_senders}
