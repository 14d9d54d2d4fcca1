"""Delivery through a real SMTP server on localhost (aiosmtpd)."""

import datetime
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest

from treue.activities.models import Activity
from treue.communications.models import Communication, CommunicationStatus, CommunicationType
from treue.communications.services import (
    communication_deliver,
    communication_deliver_due,
    communication_plan,
)
from treue.customers.models import Contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def email_contact(customer_world: dict) -> Contact:
    contact = customer_world["contact"]
    Contact.objects.filter(pk=contact.pk).update(preferred_channels=["email"])
    return contact


def _plan(world: dict, item: dict) -> Communication:
    (communication,) = communication_plan(
        type=CommunicationType.DELAY_NOTICE,
        customer=world["customer"],
        order=world["order"],
        items=[item],
    )
    return communication


def test_the_mailbox_receives_the_german_delay_notice(
    smtp_server, customer_world: dict, email_contact: Contact, delay_item: dict, later
) -> None:
    communication = _plan(customer_world, delay_item)

    communication_deliver(communication_id=communication.pk, now=later)

    (envelope,) = smtp_server.messages
    message = message_from_bytes(envelope.original_content)
    assert envelope.rcpt_tos == ["jens.krueger@bergmann.example"]
    assert message["Message-ID"] == communication.message_id
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject == "Neuer Liefertermin für Ihren Auftrag A-2024-0001"
    body = message.get_payload(decode=True).decode()
    assert "neu am 03.04.2024 statt am 02.04.2024" in body
    communication.refresh_from_db()
    assert communication.status == CommunicationStatus.SENT


def test_a_refused_recipient_fails_with_the_reason_and_the_owner_gets_an_activity(
    smtp_server, customer_world: dict, email_contact: Contact, delay_item: dict, later
) -> None:
    smtp_server.refuse.add("jens.krueger@bergmann.example")
    communication = _plan(customer_world, delay_item)

    communication_deliver(communication_id=communication.pk, now=later)

    communication.refresh_from_db()
    assert communication.status == CommunicationStatus.FAILED
    assert "550" in communication.reason
    assert communication.next_attempt_at is None
    assert Activity.objects.get(pk=communication.activity_id).owner == customer_world["owner"]
    assert smtp_server.messages == []


def test_a_server_that_is_down_is_retried_later_and_the_mail_arrives_once(
    smtp_server, settings, customer_world: dict, email_contact: Contact, delay_item: dict, later
) -> None:
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    communication = _plan(customer_world, delay_item)

    communication_deliver(communication_id=communication.pk, now=later)
    communication.refresh_from_db()
    failed_reason, retry_at = communication.reason, communication.next_attempt_at
    settings.EMAIL_PORT = port
    assert communication_deliver_due(now=later) == 0  # the backoff has not passed
    communication_deliver_due(now=later + datetime.timedelta(minutes=2))
    communication_deliver_due(now=later + datetime.timedelta(minutes=30))

    assert "Connection" in failed_reason or "refused" in failed_reason
    assert retry_at == later + datetime.timedelta(minutes=1)
    communication.refresh_from_db()
    assert communication.status == CommunicationStatus.SENT
    assert communication.attempts == 2
    assert len(smtp_server.messages) == 1


@pytest.fixture
def three_email_contacts(customer_world: dict, email_contact: Contact) -> list[Contact]:
    """Jens and two colleagues the delay notices reach, all by e-mail."""
    customer = customer_world["customer"]
    others = [
        Contact.objects.create(
            customer=customer,
            first_name=first,
            last_name=last,
            buying_role=role,
            preferred_channels=["email"],
            email=f"{first.lower()}@bergmann.example",
        )
        for first, last, role in [
            ("Anja", "Albrecht", "technical_buyer"),
            ("Uwe", "Zander", "user"),
        ]
    ]
    return [email_contact, *others]


def test_a_sweep_sends_its_mails_over_one_connection_and_marks_each(
    smtp_server, customer_world: dict, three_email_contacts: list, delay_item: dict, later
) -> None:
    planned = communication_plan(
        type=CommunicationType.DELAY_NOTICE,
        customer=customer_world["customer"],
        order=customer_world["order"],
        items=[delay_item],
    )

    assert communication_deliver_due(now=later) == 3

    assert sorted(rcpt for e in smtp_server.messages for rcpt in e.rcpt_tos) == [
        "anja@bergmann.example",
        "jens.krueger@bergmann.example",
        "uwe@bergmann.example",
    ]
    assert len(set(smtp_server.peers)) == 1
    for communication in planned:
        communication.refresh_from_db()
        assert communication.status == CommunicationStatus.SENT
        assert [e.status for e in communication.events.all()] == ["planned", "sent"]


def test_a_refused_recipient_in_a_sweep_fails_alone(
    smtp_server, customer_world: dict, three_email_contacts: list, delay_item: dict, later
) -> None:
    smtp_server.refuse.add("anja@bergmann.example")
    communication_plan(
        type=CommunicationType.DELAY_NOTICE,
        customer=customer_world["customer"],
        order=customer_world["order"],
        items=[delay_item],
    )

    communication_deliver_due(now=later)

    statuses = dict(
        Communication.objects.values_list("contact__email", "status").order_by("contact__email")
    )
    assert statuses == {
        "anja@bergmann.example": CommunicationStatus.FAILED,
        "jens.krueger@bergmann.example": CommunicationStatus.SENT,
        "uwe@bergmann.example": CommunicationStatus.SENT,
    }
    assert "550" in Communication.objects.get(contact__email="anja@bergmann.example").reason
    assert sorted(rcpt for e in smtp_server.messages for rcpt in e.rcpt_tos) == [
        "jens.krueger@bergmann.example",
        "uwe@bergmann.example",
    ]


def test_a_long_sweep_renews_its_connection(
    smtp_server, monkeypatch, customer_world: dict, three_email_contacts: list, delay_item, later
) -> None:
    monkeypatch.setattr("treue.communications.services.MESSAGES_PER_CONNECTION", 2, raising=True)
    communication_plan(
        type=CommunicationType.DELAY_NOTICE,
        customer=customer_world["customer"],
        order=customer_world["order"],
        items=[delay_item],
    )

    communication_deliver_due(now=later)

    assert len(smtp_server.messages) == 3
    assert len(set(smtp_server.peers)) == 2


def test_a_mail_cancelled_after_the_sweep_read_it_is_not_sent(
    smtp_server, customer_world: dict, email_contact: Contact, delay_item: dict, later
) -> None:
    communication = _plan(customer_world, delay_item)
    as_read = Communication.objects.select_related("customer", "contact", "order").get(
        pk=communication.pk
    )
    Communication.objects.filter(pk=communication.pk).update(status=CommunicationStatus.CANCELLED)

    communication_deliver(communication_id=communication.pk, now=later, loaded=as_read)

    assert smtp_server.messages == []
    communication.refresh_from_db()
    assert communication.status == CommunicationStatus.CANCELLED
    assert communication.send_started_at is None


def test_a_mail_another_worker_claimed_after_the_sweep_read_it_is_sent_once(
    smtp_server, customer_world: dict, email_contact: Contact, delay_item: dict, later
) -> None:
    communication = _plan(customer_world, delay_item)
    as_read = Communication.objects.select_related("customer", "contact", "order").get(
        pk=communication.pk
    )
    communication_deliver(communication_id=communication.pk, now=later)  # the other worker

    communication_deliver(communication_id=communication.pk, now=later, loaded=as_read)

    assert len(smtp_server.messages) == 1
    communication.refresh_from_db()
    assert (communication.status, communication.attempts) == (CommunicationStatus.SENT, 1)
