import datetime
from decimal import Decimal
from html import escape

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe

from treue.core.money import format_money, format_number, format_percent

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = "EUR") -> str:
    """{{ invoice.gross_amount|money:invoice.currency }} → "1.234,56 €" (German) or "€1,234.56"."""
    return format_money(amount, currency or "EUR")


@register.filter
def number(value: Decimal | float | int | None, digits: int = 0) -> str:
    return format_number(value, digits)


@register.filter
def percent(value: Decimal | float | int | None, digits: int = 0) -> str:
    """{{ 87.5|percent:1 }} → "87,5 %" (German) or "87.5%"; "–" when there is nothing to count."""
    return format_percent(value, digits)


@register.simple_tag
def filter_select(field: BoundField) -> SafeString:
    """A filter's `<select>`, written directly instead of through the widget templates.

    Django renders every option of a Select through its own template; for the six filters of the
    customer list that was a third of the page's time. An invalid value is marked for assistive
    technology and points to its message, `<id>_error`, which the page shows beside it.
    """
    value = field.value()
    selected = "" if value is None else str(value)
    options = "".join(
        f'<option value="{escape(str(choice))}"'
        f"{' selected' if str(choice) == selected else ''}>{escape(str(label))}</option>"
        for choice, label in field.field.choices  # type: ignore[attr-defined]
    )
    field_id = escape(field.auto_id)
    invalid = f' aria-invalid="true" aria-describedby="{field_id}_error"' if field.errors else ""
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<select name="{escape(field.html_name)}" id="{field_id}"{invalid}>{options}</select>'
    )


@register.filter
def add_days(day: datetime.date, days: int) -> datetime.date:
    """{{ line.promised_date|add_days:3 }}"""
    return day + datetime.timedelta(days=int(days))
