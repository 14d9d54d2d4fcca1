from decimal import Decimal

from django import template

from treue.core.money import format_money, format_number

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = "EUR") -> str:
    """{{ invoice.gross_amount|money:invoice.currency }} → "1.234,56 €" (German) or "€1,234.56"."""
    return format_money(amount, currency or "EUR")


@register.filter
def number(value: Decimal | float | int | None, digits: int = 0) -> str:
    return format_number(value, digits)
