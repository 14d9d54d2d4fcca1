import datetime
import functools
from decimal import Decimal
from html import escape

from django import template
from django.core.paginator import Page
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

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
def filter_field(field: BoundField) -> SafeString:
    """A filter as `<div class="field">`: its label, its `<select>` and its error, if any.

    Written directly instead of through the widget templates: Django renders every option of
    a Select through its own template, and for the six filters of the customer list that was
    a third of the page's time (the label and error as template nodes another 3 %). An invalid
    value is marked for assistive technology and points to its message, `<id>_error`.
    """
    value = field.value()
    field_choices = field.field.choices  # type: ignore[attr-defined]
    choices = tuple((str(choice), str(label)) for choice, label in field_choices)
    options = _options(choices, "" if value is None else str(value))
    field_id = escape(field.auto_id)
    errors = field.errors
    invalid = f' aria-invalid="true" aria-describedby="{field_id}_error"' if errors else ""
    error = (
        f'<small class="error" id="{field_id}_error">{escape(str(errors[0]))}</small>'
        if errors
        else ""
    )
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<div class="field"><label for="{field_id}">{escape(str(field.label))}</label>'
        f'<select name="{escape(field.html_name)}" id="{field_id}"{invalid}>{options}</select>'
        f"{error}</div>"
    )


@functools.lru_cache(maxsize=256)
def _options(choices: tuple[tuple[str, str], ...], selected: str) -> str:
    """The `<option>`s, escaped; the same filter with the same choice selected is the same text,
    so each process writes it once per language (the labels are part of the key)."""
    return "".join(
        f'<option value="{escape(choice)}"{" selected" if choice == selected else ""}>'
        f"{escape(label)}</option>"
        for choice, label in choices
    )


@register.filter
def add_days(day: datetime.date, days: int) -> datetime.date:
    """{{ line.promised_date|add_days:3 }}"""
    return day + datetime.timedelta(days=int(days))


@register.simple_tag
def pagination(page: Page, query: str = "", target: str = "", push: bool = False) -> SafeString:
    """Links to the first, previous, next and last page, with htmx attributes for `target`.

    `query` is the rest of the query string (without `page`); with a `target` the links load
    only that part of the page, and `push` puts the URL in the browser history. Written here
    rather than as an included template: that took 5 % of the customer list page.
    """
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return mark_safe("")
    prefix = f"?{escape(query)}&amp;page=" if query else "?page="
    htmx = ""
    if target:
        htmx = f' hx-target="{escape(target)}"' + (' hx-push-url="true"' if push else "")

    def link(number: int, text: str, rel: str = "") -> str:
        href = f"{prefix}{number}"
        hx_get = f' hx-get="{href}"{htmx}' if target else ""
        rel_attr = f' rel="{rel}"' if rel else ""
        return f'  <a href="{href}"{hx_get}{rel_attr}>{text}</a>\n'

    label = gettext("Pages")  # outside the f-string, where makemessages finds it
    html = f'<nav class="pagination" aria-label="{escape(label)}">\n'
    if page.has_previous():
        html += link(1, "« " + escape(gettext("first")))
        html += link(page.previous_page_number(), "‹ " + escape(gettext("previous")), "prev")
    position = gettext("Page %(n)s of %(total)s") % {
        "n": format_number(page.number),
        "total": format_number(paginator.num_pages),
    }
    html += f"  <span>{escape(position)}</span>\n"
    if page.has_next():
        html += link(page.next_page_number(), escape(gettext("next")) + " ›", "next")
        html += link(paginator.num_pages, escape(gettext("last")) + " »")
    return mark_safe(html + "</nav>")  # noqa: S308 - every value above is escaped
