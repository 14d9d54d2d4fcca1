"""Jobs of receivables; each calls one service and is safe to run twice."""

from django_tasks import task

from .credit import promises_check


@task()
def promises_check_task() -> dict[str, int]:
    """Payment promises against the money received: kept ones release held orders, broken
    ones go to the account owner and accounting. Payments trigger it as well."""
    kept, broken = promises_check()
    return {"kept": kept, "broken": broken}
