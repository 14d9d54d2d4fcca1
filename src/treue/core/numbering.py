"""Document numbers of the form PREFIX-YEAR-00001 (delivery notes, complaints)."""

import datetime

from django.db.models import Model
from django.utils import timezone


def next_yearly_number(model: type[Model], *, prefix: str, at: datetime.datetime) -> str:
    """The number after the highest one of `model` (field `number`) in the year of `at`.

    Two writers at the same moment may draw the same number; the unique field refuses the second.
    """
    start = f"{prefix}-{timezone.localdate(at).year}-"
    last = (
        model._default_manager.filter(number__startswith=start)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    tail = last[len(start) :] if last else ""
    sequence = int(tail) + 1 if tail.isdigit() else 1
    return f"{start}{sequence:05d}"
