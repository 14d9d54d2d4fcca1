"""Reads of communications."""

from django.db.models import F, QuerySet

from treue.orders.models import Order

from .models import Communication


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
