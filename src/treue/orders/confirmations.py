"""Order confirmations (*Auftragsbestätigungen*): what a version confirms, what changed, its PDF.

A version's `content` is a JSON snapshot of the order as confirmed: header terms and each line's
product, quantity, price and promised date. The next version compares its snapshot with the last
one and lists the changes, so that the customer reads exactly what is different.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from treue.core.templatetags.treue import money, number
from treue.customers.models import AddressKind

from .models import Incoterm, Order, OrderConfirmation, OrderLine
from .selectors import order_tracking_url

Content = dict[str, Any]
Change = dict[str, Any]

HEADER_FIELDS = ("customer_reference", "currency", "incoterm", "incoterm_place", "payment_terms")
LINE_FIELDS = ("article_number", "quantity", "net_price", "promised_date")


def _decimal(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _figure(value: str) -> str:
    """A stored quantity or percentage in the active language, with the digits it has."""
    figure = Decimal(value).normalize()
    exponent = figure.as_tuple().exponent
    return number(figure, max(0, -exponent) if isinstance(exponent, int) else 0)


def _payment_terms(order: Order) -> dict[str, Any] | None:
    terms = order.customer.payment_terms
    if terms is None:
        return None
    return {
        "net_days": terms.net_days,
        "discount_days": terms.discount_days,
        "discount_percent": _decimal(terms.discount_percent) if terms.discount_percent else None,
    }


def confirmation_content(*, order: Order, lines: Iterable[OrderLine] | None = None) -> Content:
    """What a confirmation of `order` confirms, as it stands now (JSON-safe).

    `lines` are the order's lines with their products when the caller has them loaded.
    """
    if lines is None:
        lines = order.lines.select_related("product").order_by("position")
    confirmed = []
    net_total = Decimal(0)
    for line in sorted(lines, key=lambda line: line.position):
        amount = line.quantity * line.net_price
        net_total += amount
        confirmed.append(
            {
                "line_no": line.position,
                "article_number": line.product.article_number,
                "product": line.product.name,
                "quantity": _decimal(line.quantity),
                "net_price": f"{line.net_price:.2f}",
                "amount": f"{amount:.2f}",
                "promised_date": line.promised_date.isoformat(),
            }
        )
    return {
        "number": order.number,
        "customer_number": order.customer.number,
        "customer_name": order.customer.name,
        "customer_reference": order.customer_reference,
        "order_date": order.order_date.isoformat(),
        "currency": order.currency,
        "incoterm": order.incoterm,
        "incoterm_place": order.incoterm_place,
        "payment_terms": _payment_terms(order),
        "lines": confirmed,
        "net_total": f"{net_total:.2f}",
        "tracking_url": order_tracking_url(order=order),
    }


def confirmation_changes(*, previous: Content | None, current: Content) -> list[Change]:
    """What `current` confirms differently from `previous`; empty when nothing changed."""
    if previous is None:
        return []
    changes: list[Change] = [
        {"field": field, "old": previous.get(field), "new": current.get(field)}
        for field in HEADER_FIELDS
        if previous.get(field) != current.get(field)
    ]
    before = {line["line_no"]: line for line in previous["lines"]}
    after = {line["line_no"]: line for line in current["lines"]}
    for line_no in sorted(before.keys() | after.keys()):
        old, new = before.get(line_no), after.get(line_no)
        if old is None:
            changes.append({"field": "line_added", "line_no": line_no, "new": new})
        elif new is None:
            changes.append({"field": "line_removed", "line_no": line_no, "old": old})
        else:
            changes.extend(
                {"field": field, "line_no": line_no, "old": old[field], "new": new[field]}
                for field in LINE_FIELDS
                if old[field] != new[field]
            )
    return changes


def confirmation_outdated(
    *, order: Order, last: OrderConfirmation | None, lines: Iterable[OrderLine] | None = None
) -> bool:
    """Whether the order differs from its last confirmation `last` (or was never confirmed)."""
    if last is None:
        return True
    current = confirmation_content(order=order, lines=lines)
    return bool(confirmation_changes(previous=last.content, current=current))


def payment_terms_text(terms: dict[str, Any] | None) -> str:
    if terms is None:
        return _("as agreed")
    if terms["discount_days"]:
        return _("%(d)s days %(p)s %% cash discount, %(n)s days net") % {
            "d": terms["discount_days"],
            "p": _figure(terms["discount_percent"]),
            "n": terms["net_days"],
        }
    return _("%(n)s days net") % {"n": terms["net_days"]}


def incoterm_text(content: Content) -> str:
    """E.g. "DAP Ulm (Incoterms® 2020)"."""
    term = Incoterm(content["incoterm"]).label
    place = content.get("incoterm_place") or ""
    return " ".join(part for part in (term, place, "(Incoterms® 2020)") if part)


def _day(value: str) -> str:
    return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")


def describe_change(change: Change, *, currency: str) -> str:
    """One change in the active language, for the PDF and the covering e-mail."""
    field = change["field"]
    old: Any = change.get("old")
    new: Any = change.get("new")
    position = {"line": change.get("line_no")}
    if field == "line_added":
        return _("Position %(line)s added: %(quantity)s × %(product)s, promised for %(date)s.") % {
            **position,
            "quantity": _figure(new["quantity"]),
            "product": new["product"],
            "date": _day(new["promised_date"]),
        }
    if field == "line_removed":
        return _("Position %(line)s (%(product)s) removed.") % {
            **position,
            "product": old["product"],
        }
    if field == "quantity":
        return _("Position %(line)s: quantity %(new)s instead of %(old)s.") % {
            **position,
            "old": _figure(old),
            "new": _figure(new),
        }
    if field == "net_price":
        return _("Position %(line)s: unit price %(new)s instead of %(old)s.") % {
            **position,
            "old": money(Decimal(old), currency),
            "new": money(Decimal(new), currency),
        }
    if field == "promised_date":
        return _("Position %(line)s: promised for %(new)s instead of %(old)s.") % {
            **position,
            "old": _day(old),
            "new": _day(new),
        }
    if field == "article_number":
        return _("Position %(line)s: article %(new)s instead of %(old)s.") % {
            **position,
            "old": old,
            "new": new,
        }
    if field == "payment_terms":
        return _("Payment terms: %(new)s instead of %(old)s.") % {
            "old": payment_terms_text(old),
            "new": payment_terms_text(new),
        }
    labels = {
        "customer_reference": _("Your reference"),
        "currency": _("Currency"),
        "incoterm": _("Incoterms"),
        "incoterm_place": _("Incoterms place"),
    }
    return _("%(what)s: %(new)s instead of %(old)s.") % {
        "what": labels.get(field, field),
        "old": old or "—",
        "new": new or "—",
    }


def confirmation_pdf(*, confirmation: OrderConfirmation, language: str) -> bytes:
    """The confirmation as a DIN 5008 business letter with the lines, totals and terms."""
    from weasyprint import CSS, HTML  # heavy import, only where documents are rendered

    content = confirmation.content
    customer = confirmation.order.customer
    address = customer.addresses.filter(kind=AddressKind.BILLING).first()
    with translation.override(language):
        html = render_to_string(
            "orders/confirmation_pdf.html",
            {
                "confirmation": confirmation,
                "content": content,
                "lines": [
                    {
                        **line,
                        "quantity": _figure(line["quantity"]),
                        "net_price": Decimal(line["net_price"]),
                        "amount": Decimal(line["amount"]),
                        "promised_date": datetime.date.fromisoformat(line["promised_date"]),
                    }
                    for line in content["lines"]
                ],
                "net_total": Decimal(content["net_total"]),
                "order_date": datetime.date.fromisoformat(content["order_date"]),
                "changes": [
                    describe_change(change, currency=content["currency"])
                    for change in confirmation.changes
                ],
                "incoterm": incoterm_text(content),
                "payment_terms": payment_terms_text(content["payment_terms"]),
                "customer": customer,
                "address": address,
                "company": settings.COMPANY_NAME,
                "company_address": settings.COMPANY_ADDRESS,
                "company_contact": settings.COMPANY_CONTACT,
                "issued_on": timezone.localdate(confirmation.issued_at),
            },
        )
    stylesheet = CSS(filename=finders.find("treue/letter.css"))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])
