"""The dunning letter as a PDF in the DIN 5008 layout: the text in the tone chosen, then the
table of overdue invoices with fees and interest. An e-mail carries it as an attachment; a
letter is printed as it is; a proposal is previewed before it goes."""

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from treue.communications.letters import render_letter
from treue.communications.models import Communication, CommunicationType, RecipientRule
from treue.communications.policy import customer_language, recipients
from treue.communications.rendering import render
from treue.core.money import format_money
from treue.customers.models import AddressKind, Channel

from .models import DunningLevelCode, DunningNotice

ITEMS_MARK = "[[items]]"


def _dunning_item(communication: Communication) -> dict[str, Any]:
    return next(item for item in communication.items if "notice" in item)


def dunning_pdf(*, communication: Communication) -> bytes:
    item = _dunning_item(communication)
    rendered = render(
        type=CommunicationType.DUNNING,
        channel=Channel.LETTER,
        depth=communication.depth,
        language=communication.language,
        context={
            "customer": communication.customer,
            "contact": communication.contact,
            "items": [item],
            "letter": True,
        },
    )
    before, _mark, after = rendered.body.partition(ITEMS_MARK)
    with translation.override(communication.language):
        table = _table(item)
    table["after"] = after.strip()
    return render_letter(
        communication=communication, subject=rendered.subject, body=before.strip(), table=table
    )


def _table(item: dict[str, Any]) -> dict[str, Any]:
    currency = item["currency"]
    rows = []
    for invoice in item["invoices"]:
        rows.append(
            [
                invoice["number"],
                date_format(datetime.date.fromisoformat(invoice["issued_on"]), "SHORT_DATE_FORMAT"),
                date_format(datetime.date.fromisoformat(invoice["due_on"]), "SHORT_DATE_FORMAT"),
                str(invoice["days"]),
                format_money(Decimal(invoice["open"]), invoice["currency"]),
            ]
        )
    foot = [["", "", "", _("Open in total"), format_money(Decimal(item["total"]), currency)]]
    if Decimal(item["fees"]):
        foot.append(
            [
                "",
                "",
                "",
                _("Flat fee (§ 288 (5) BGB)"),
                format_money(Decimal(item["fees"]), settings.COMPANY_CURRENCY),
            ]
        )
    if Decimal(item["interest"]):
        foot.append(
            [
                "",
                "",
                "",
                _("Default interest"),
                format_money(Decimal(item["interest"]), settings.COMPANY_CURRENCY),
            ]
        )
    return {
        "head": [_("Invoice"), _("Date"), _("Due"), _("Days overdue"), _("Open")],
        "rows": rows,
        "foot": foot,
        "numeric": {3, 4},
    }


def dunning_filename(communication: Communication) -> str:
    item = _dunning_item(communication)
    with translation.override(communication.language):
        # A file name: ASCII, no spaces.
        name = _("payment-reminder") if item["level"] == DunningLevelCode.REMINDER else _("dunning")
    return f"{name}-{communication.customer.number}-{item['notice']}.pdf"


def notice_preview_pdf(*, notice: DunningNotice) -> bytes:
    """The letter as it would go to the first recipient the policy chooses, before it goes."""
    from .dunning import notice_communication_item

    customer = notice.customer
    contacts = list(customer.contacts.all())
    chosen = recipients(
        rule=RecipientRule.objects.filter(type=CommunicationType.DUNNING).first(),
        contacts=contacts,
        has_postal_address=customer.addresses.filter(kind=AddressKind.BILLING).exists(),
        customer_language=customer_language(customer),
    )
    recipient = chosen[0]
    communication = Communication(
        type=CommunicationType.DUNNING,
        customer=customer,
        contact=recipient.contact,
        channel=Channel.LETTER,
        language=recipient.language,
        depth=recipient.depth,
        items=[notice_communication_item(notice)],
    )
    return dunning_pdf(communication=communication)
