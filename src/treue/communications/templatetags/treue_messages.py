"""Filters for message texts (`{% load treue_messages %}` in communication templates)."""

from typing import Any

from django import template

from treue.orders.confirmations import describe_change

register = template.Library()


@register.filter
def change_text(change: dict[str, Any], currency: str = "EUR") -> str:
    """{{ change|change_text:order.currency }} → "Position 10: quantity 3 instead of 2." """
    return describe_change(change, currency=currency or "EUR")
