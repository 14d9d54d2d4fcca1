"""Letters as PDF (WeasyPrint), in the DIN 5008 layout, from a communication's text."""

from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation

from treue.customers.models import AddressKind

from .documents import documents
from .models import Communication


def letter_pdf(*, communication: Communication) -> bytes:
    """The letter to print; a document that is a letter itself (an order confirmation, a
    dunning letter) is printed as it is."""
    attached = documents(communication)
    if attached:
        return attached[0].content
    return render_letter(communication=communication)


def render_letter(
    *,
    communication: Communication,
    subject: str | None = None,
    body: str | None = None,
    table: dict[str, Any] | None = None,
) -> bytes:
    """`communication` as a DIN 5008 letter; `subject`/`body` replace its texts and `table`
    ({"head": [...], "rows": [[...]], "foot": [[...]], "numeric": {column index}}) is set after
    the text."""
    from weasyprint import CSS, HTML  # heavy import, only where letters are printed

    customer = communication.customer
    address = customer.addresses.filter(kind=AddressKind.BILLING).first()
    with translation.override(communication.language):
        html = render_to_string(
            "communications/letter.html",
            {
                "communication": communication,
                "subject": communication.subject if subject is None else subject,
                "body": communication.body if body is None else body,
                "table": table,
                "customer": customer,
                "contact": communication.contact,
                "address": address,
                "company": settings.COMPANY_NAME,
                "company_address": settings.COMPANY_ADDRESS,
                "company_contact": settings.COMPANY_CONTACT,
                "today": timezone.localdate(),
            },
        )
    stylesheet = CSS(filename=finders.find("treue/letter.css"))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])
