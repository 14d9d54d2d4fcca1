import datetime

import pytest
from django.core import mail

from treue.activities.models import Activity
from treue.communications.models import (
    Communication,
    CommunicationStatus,
    CommunicationType,
    RecipientRule,
)
from treue.communications.services import (
    SEND_TIMEOUT,
    communication_deliver,
    communication_deliver_due,
    communication_mark_printed,
    communication_plan,
)
from treue.customers.models import Address, Contact

pytestmark = pytest.mark.django_db

DELAY = CommunicationType.DELAY_NOTICE


def plan(world: dict, item: dict) -> list[Communication]:
    return communication_plan(
        type=DELAY, customer=world["customer"], order=world["order"], items=[item]
    )


def test_by_default_gatekeepers_hear_nothing_of_delays(
    customer_world: dict, delay_item: dict
) -> None:
    Contact.objects.filter(pk=customer_world["contact"].pk).update(buying_role="gatekeeper")

    (communication,) = plan(customer_world, delay_item)

    assert communication.contact is None
    assert communication.channel == "phone"


def test_letter_first_contact_gets_a_letter_when_the_customer_has_a_postal_address(
    customer_world: dict, delay_item: dict
) -> None:
    (communication,) = plan(customer_world, delay_item)

    assert communication.channel == "letter"
    assert communication.contact == customer_world["contact"]
    assert communication.status == CommunicationStatus.PLANNED
    assert "neu am 03.04.2024 statt am 02.04.2024" in communication.body
    assert communication.subject == "Neuer Liefertermin für Ihren Auftrag A-2024-0001"


def test_without_a_postal_address_the_contact_gets_the_next_channel_e_mail(
    customer_world: dict, delay_item: dict
) -> None:
    Address.objects.filter(customer=customer_world["customer"]).delete()

    (communication,) = plan(customer_world, delay_item)

    assert communication.channel == "email"
    assert communication.events.get().detail == "no address for letter"


def test_an_english_technical_contact_gets_the_english_technical_text(
    customer_world: dict, delay_item: dict
) -> None:
    Contact.objects.filter(pk=customer_world["contact"].pk).update(
        language="en", preferred_depth="technical", preferred_channels=["email"]
    )

    (communication,) = plan(customer_world, delay_item)

    assert communication.subject == "Date change for order A-2024-0001: 1 item"
    assert "new date:        03/04/2024 (1 day later)" in communication.body
    assert "reason:          Lieferung der Spindel verzögert" in communication.body


def test_changes_of_one_order_within_the_wait_go_out_as_one_notice(
    customer_world: dict, delay_item: dict
) -> None:
    second = {**delay_item, "key": "promised-date-change:2", "line_no": 20}

    first_plan = plan(customer_world, delay_item)
    second_plan = plan(customer_world, second)
    again = plan(customer_world, second)

    assert first_plan == second_plan == again
    communication = Communication.objects.get()
    assert [i["line_no"] for i in communication.items] == [10, 20]
    assert "Position 10" in communication.body
    assert "Position 20" in communication.body


def test_nobody_in_the_rule_makes_the_account_owner_convey_it(
    customer_world: dict, delay_item: dict, later: datetime.datetime
) -> None:
    RecipientRule.objects.filter(type=DELAY).update(roles=["technical_buyer"])

    (communication,) = plan(customer_world, delay_item)
    communication_deliver(communication_id=communication.pk, now=later)

    communication.refresh_from_db()
    assert communication.contact is None
    assert communication.status == CommunicationStatus.SENT
    activity = Activity.objects.get(pk=communication.activity_id)
    assert activity.owner == customer_world["owner"]
    assert "Position 10" in activity.description
    assert mail.outbox == []


def test_an_e_mail_waits_for_more_changes_then_goes_out_once_with_its_message_id(
    customer_world: dict, delay_item: dict, later: datetime.datetime
) -> None:
    Contact.objects.filter(pk=customer_world["contact"].pk).update(preferred_channels=["email"])
    (communication,) = plan(customer_world, delay_item)

    too_early = communication_deliver(communication_id=communication.pk)
    communication_deliver(communication_id=communication.pk, now=later)
    communication_deliver(communication_id=communication.pk, now=later)

    assert too_early.status == CommunicationStatus.PLANNED
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jens.krueger@bergmann.example"]
    assert mail.outbox[0].extra_headers["Message-ID"] == communication.message_id
    communication.refresh_from_db()
    assert communication.status == CommunicationStatus.SENT
    assert [e.status for e in communication.events.all()] == ["planned", "sent"]


def test_a_claim_without_a_result_is_marked_in_doubt_not_sent_again(
    customer_world: dict, delay_item: dict, later: datetime.datetime
) -> None:
    Contact.objects.filter(pk=customer_world["contact"].pk).update(preferred_channels=["email"])
    (communication,) = plan(customer_world, delay_item)
    Communication.objects.filter(pk=communication.pk).update(
        send_started_at=later - SEND_TIMEOUT - datetime.timedelta(seconds=1), attempts=1
    )

    communication_deliver(communication_id=communication.pk, now=later)

    communication.refresh_from_db()
    assert communication.status == CommunicationStatus.IN_DOUBT
    assert communication.message_id in communication.reason
    assert mail.outbox == []


def test_a_letter_waits_in_the_print_queue_until_printed(
    customer_world: dict, delay_item: dict, later: datetime.datetime
) -> None:
    (letter,) = plan(customer_world, delay_item)

    assert communication_deliver_due(now=later) == 0
    printed = communication_mark_printed(communication=letter, by=customer_world["owner"])

    assert printed.status == CommunicationStatus.SENT
    assert mail.outbox == []


def test_a_change_joining_a_waiting_notice_reads_no_customer_contact_or_order_again(
    customer_world: dict, delay_item: dict, django_assert_max_num_queries
) -> None:
    plan(customer_world, delay_item)
    second = {**delay_item, "key": "promised-date-change:2", "line_no": 20}

    # savepoint, rule, contacts, billing address, templates, waiting, update, event, release
    with django_assert_max_num_queries(9) as captured:
        (communication,) = plan(customer_world, second)

    tables = " ".join(q["sql"] for q in captured.captured_queries)
    assert 'FROM "customers_customer"' not in tables
    assert 'FROM "orders_order"' not in tables
    assert "Guten Tag Jens Krüger" in communication.body
