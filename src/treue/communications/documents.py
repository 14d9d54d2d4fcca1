"""Documents that travel with a communication: the order confirmation's PDF, the dunning
letter.

An e-mail carries them as attachments; in the print queue the document is the letter itself (an
order confirmation is a DIN 5008 letter of its own).
"""

from dataclasses import dataclass

from django.utils import translation

from treue.orders.confirmations import confirmation_pdf
from treue.orders.models import OrderConfirmation

from .models import Communication, CommunicationType
from .policy import customer_language


@dataclass(frozen=True)
class Document:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


def confirmation_of(communication: Communication) -> OrderConfirmation | None:
    """The newest confirmation version a communication announces (versions issued within the
    wait join one message; the customer needs only the last)."""
    if communication.type != CommunicationType.ORDER_CONFIRMATION or communication.order is None:
        return None
    versions = [item["version"] for item in communication.items if "version" in item]
    if not versions:
        return None
    return (
        OrderConfirmation.objects.select_related("order__customer")
        .filter(order=communication.order, version=max(versions))
        .first()
    )


def documents(communication: Communication) -> list[Document]:
    if communication.type == CommunicationType.DUNNING:
        from treue.receivables.letters import dunning_filename, dunning_pdf

        return [
            Document(
                filename=dunning_filename(communication),
                content=dunning_pdf(communication=communication),
            )
        ]
    confirmation = confirmation_of(communication)
    if confirmation is None:
        return []
    stored_language = customer_language(confirmation.order.customer)
    if communication.language == stored_language:
        pdf = bytes(confirmation.pdf)
    else:
        pdf = confirmation_pdf(confirmation=confirmation, language=communication.language)
    with translation.override(communication.language):
        filename = confirmation.filename
    return [Document(filename=filename, content=pdf)]


def attachments(communication: Communication) -> list[tuple[str, bytes, str]]:
    """For `EmailMessage(attachments=…)`."""
    return [(d.filename, d.content, d.mimetype) for d in documents(communication)]
