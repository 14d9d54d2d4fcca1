"""Open items as a CSV file for German Excel: semicolons, UTF-8 with BOM (without it Excel reads
Windows-1252), decimal commas and DD.MM.YYYY dates, so that Excel opens it as numbers and dates.

Text that came from outside (customer names, invoice numbers from an ERP import) may start like a
formula (`=HYPERLINK(…)`, `@SUM(…)`); such cells get a leading apostrophe (OWASP CSV injection),
so the spreadsheet shows the text instead of running it.
"""

import csv
import datetime
import io
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from treue.core.money import round_money
from treue.core.tabular import spreadsheet_safe

from .selectors import invoice_open_items, open_amount


def _number(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def open_items_csv(*, customer_id: int | None = None, today: datetime.date) -> bytes:
    """The open invoices (of one customer, or all), oldest due first, with the days overdue on
    `today` and the open amount in its currency and in the company currency (EUR)."""
    items = (
        invoice_open_items(customer_id=customer_id)
        .select_related("customer")
        .only(
            "number", "customer__number", "customer__name", "issued_on", "due_on", "gross_amount",
            "currency", "exchange_rate",
        )
    )  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Invoice number"),
            _("Customer number"),
            _("Customer"),
            _("Issued"),
            _("Due"),
            _("Days overdue"),
            _("Open amount"),
            _("Currency"),
            _("Open amount (%(currency)s)") % {"currency": settings.COMPANY_CURRENCY},
        ]
    )
    for invoice in items:
        amount = round_money(open_amount(invoice))
        writer.writerow(
            [
                spreadsheet_safe(invoice.number),
                spreadsheet_safe(invoice.customer.number),
                spreadsheet_safe(invoice.customer.name),
                f"{invoice.issued_on:%d.%m.%Y}",
                f"{invoice.due_on:%d.%m.%Y}",
                max((today - invoice.due_on).days, 0),
                _number(amount),
                invoice.currency,
                _number(round_money(amount * invoice.exchange_rate)),
            ]
        )
    return out.getvalue().encode("utf-8-sig")
