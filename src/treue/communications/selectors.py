"""Reads of communications."""

from django.db.models import F, QuerySet

from treue.customers.models import Channel
from treue.orders.models import Order

from .models import Communication, CommunicationStatus


def communication_list(*, order: Order | None = None) -> QuerySet[Communication]:
    communications = Communication.objects.annotate(
        customer_number=F("customer__number"), order_number=F("order__number")
    ).order_by("-created_at", "-id")
    if order is not None:
        communications = communications.filter(order=order)
    return communications


def communications_with_item(*, order: Order, key: str) -> list[Communication]:
    """The order's communications that carry the change `key` (a message may carry several)."""
    return [
        c
        for c in communication_list(order=order)
        if any(item.get("key") == key for item in c.items)
    ]


def letters_to_print() -> QuerySet[Communication]:
    return (
        Communication.objects.filter(channel=Channel.LETTER, status=CommunicationStatus.PLANNED)
        .select_related("customer", "contact", "order")
        .order_by("send_after", "id")
    )


def letter_get(*, pk: int) -> Communication | None:
    """A letter (of any status); None for anything else, so a forged id answers 404."""
    return (
        Communication.objects.filter(pk=pk, channel=Channel.LETTER)
        .select_related("customer", "contact", "order")
        .first()
    )
