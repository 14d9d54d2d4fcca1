"""Jobs of complaints; each calls one service and is safe to run twice."""

from django_tasks import task

from .services import complaints_escalate


@task()
def complaints_escalate_task() -> dict[str, int]:
    result = complaints_escalate()
    return {"warnings": result.warnings, "breaches": result.breaches}
