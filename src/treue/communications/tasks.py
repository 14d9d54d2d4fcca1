"""Jobs of communications; each calls one service and is safe to run twice."""

from django_tasks import task

from .services import communication_deliver, communication_deliver_due


@task()
def communication_deliver_task(communication_id: int) -> str:
    return communication_deliver(communication_id=communication_id).status


@task()
def communications_deliver_due() -> int:
    return communication_deliver_due()
