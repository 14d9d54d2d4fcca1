"""Filters for message texts (`{% load treue_messages %}` in communication templates)."""

import datetime
from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import date_format

from treue.core.money import format_money
from treue.orders.confirmations import describe_change

register = template.Library()


@register.filter
def change_text(change: dict[str, Any], currency: str = "EUR") -> str:
    """{{ change|change_text:order.currency }} → "Position 10: quantity 3 instead of 2." """
    return describe_change(change, currency=currency or "EUR")


@register.filter
def money(amount: Any, currency: str = "EUR") -> str:
    """{{ item.open|money:item.currency }} → "1.234,56 €" in the active language."""
    return format_money(Decimal(str(amount)), currency or "EUR")


@register.filter
def isodate(value: str) -> str:
    """{{ "2026-11-30"|isodate }} → "30.11.2026" (items carry dates as ISO text)."""
    return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
