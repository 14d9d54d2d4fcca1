"""Order confirmations: a PDF whose figures match the order, numbered versions that say what
changed, sent through the channel policy."""

import datetime
import io
from decimal import Decimal
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message

import pytest
from pypdf import PdfReader

from treue.communications.letters import letter_pdf
from treue.communications.models import Communication
from treue.communications.services import communication_deliver_due
from treue.core.errors import BusinessRuleError
from treue.customers.models import Contact
from treue.orders.models import Order, OrderConfirmation, OrderLine
from treue.orders.services import order_confirm

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return "\n".join(page.extract_text() for page in pages).replace("\xa0", " ")


def later() -> datetime.datetime:
    return datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=5)


@pytest.fixture
def order(customer_world: dict) -> Order:
    order = customer_world["order"]
    Order.objects.filter(pk=order.pk).update(
        customer_reference="PO-4711", incoterm="DAP", incoterm_place="Stuttgart"
    )
    order.refresh_from_db()
    return order


def test_the_first_confirmation_pdf_reads_back_with_the_figures_of_the_order(
    order: Order, customer_world: dict
) -> None:
    confirmation = order_confirm(order=order, by=customer_world["owner"])

    assert confirmation.version == 1
    assert confirmation.changes == []
    text = pdf_text(bytes(confirmation.pdf))
    assert "Auftragsbestätigung A-2024-0001" in text
    assert "Version" not in text
    assert "Bergmann Antriebstechnik GmbH" in text
    assert "Hauptstr. 1" in text
    assert "PO-4711" in text
    # Each line: position, quantity, unit price, amount, promised date
    assert "Fräszentrum FZ 100" in text
    assert "1.234,50 €" in text  # line 10: unit price
    assert "2.469,00 €" in text  # line 10: 2 × 1.234,50
    assert "02.04.2024" in text
    assert "100,00 €" in text  # line 20
    assert "20.04.2024" in text
    assert "2.569,00 €" in text  # net total
    assert "DAP Stuttgart (Incoterms® 2020)" in text
    assert str(customer_world["customer"].payment_terms) in text
    assert f"/track/A-2024-0001/{order.tracking_token}/" in text.replace("\n", "")


def test_a_changed_order_issues_version_two_that_says_what_changed(
    order: Order, customer_world: dict
) -> None:
    order_confirm(order=order, by=None)
    OrderLine.objects.filter(order=order, position=10).update(quantity=Decimal(3))
    OrderLine.objects.filter(order=order, position=20).update(
        promised_date=datetime.date(2024, 4, 26)
    )

    second = order_confirm(order=order, by=None)

    assert second.version == 2
    assert [(c["field"], c.get("line_no")) for c in second.changes] == [
        ("quantity", 10),
        ("promised_date", 20),
    ]
    text = pdf_text(bytes(second.pdf))
    assert "Auftragsbestätigung A-2024-0001, Version 2" in text
    assert "ersetzt Version 1" in text
    assert "Position 10: Menge 3 statt 2." in text
    assert "Position 20: zugesagt für 26.04.2024 statt 20.04.2024." in text
    assert "3.703,50 €" in text  # 3 × 1.234,50
    assert list(order.confirmations.values_list("version", flat=True)) == [2, 1]


def test_an_unchanged_order_is_not_confirmed_again(order: Order) -> None:
    order_confirm(order=order, by=None)

    with pytest.raises(BusinessRuleError) as refused:
        order_confirm(order=order, by=None)

    assert refused.value.code == "confirmation_unchanged"
    assert OrderConfirmation.objects.count() == 1


def test_a_cancelled_order_is_not_confirmed(order: Order) -> None:
    Order.objects.filter(pk=order.pk).update(status="cancelled")

    with pytest.raises(BusinessRuleError) as refused:
        order_confirm(order=order, by=None)

    assert refused.value.code == "order_closed"
    assert not OrderConfirmation.objects.exists()
    assert not Communication.objects.exists()


def _attachment(mail: Message) -> tuple[str, bytes]:
    (part,) = [p for p in mail.walk() if p.get_content_disposition() == "attachment"]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return str(part.get_filename()), payload


def test_the_contact_receives_the_confirmation_with_the_pdf_attached(
    order: Order, customer_world: dict, smtp_server
) -> None:
    Contact.objects.filter(pk=customer_world["contact"].pk).update(preferred_channels=["email"])
    order_confirm(order=order, by=None)
    OrderLine.objects.filter(order=order, position=10).update(net_price=Decimal("1200.00"))
    order_confirm(order=order, by=None)

    communication_deliver_due(now=later())

    # Both versions were issued within the wait: one mail with the newest version
    (envelope,) = smtp_server.messages
    mail = message_from_bytes(envelope.original_content)
    subject = str(make_header(decode_header(mail["Subject"])))
    assert subject == "Auftragsbestätigung A-2024-0001, Version 2"
    body = next(
        p.get_payload(decode=True).decode()
        for p in mail.walk()
        if p.get_content_type() == "text/plain" and p.get_content_disposition() is None
    )
    assert "Position 10: Stückpreis 1.200,00 € statt 1.234,50 €." in body.replace("\xa0", " ")
    filename, pdf = _attachment(mail)
    assert filename == "auftragsbestaetigung-A-2024-0001-v2.pdf"
    assert "Auftragsbestätigung A-2024-0001, Version 2" in pdf_text(pdf)
    communication = Communication.objects.get()
    assert (communication.type, communication.status) == ("order_confirmation", "sent")


def test_a_contact_who_prefers_letters_finds_the_confirmation_in_the_print_queue(
    order: Order,
) -> None:
    confirmation = order_confirm(order=order, by=None)

    letter = Communication.objects.get()

    assert letter.channel == "letter"
    assert letter_pdf(communication=letter) == bytes(confirmation.pdf)


def test_an_english_contact_gets_the_confirmation_in_english(
    order: Order, customer_world: dict, smtp_server
) -> None:
    Contact.objects.filter(pk=customer_world["contact"].pk).update(
        preferred_channels=["email"], language="en"
    )
    order_confirm(order=order, by=None)

    communication_deliver_due(now=later())

    mail = message_from_bytes(smtp_server.messages[0].original_content)
    filename, pdf = _attachment(mail)
    text = pdf_text(pdf)
    assert filename == "order-confirmation-A-2024-0001-v1.pdf"
    assert "Order confirmation A-2024-0001" in text
    assert "€1,234.50" in text
    assert "02/04/2024" in text  # British day-month order
