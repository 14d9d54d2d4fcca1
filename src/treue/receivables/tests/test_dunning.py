"""Dunning with judgement: the decision for one customer as a pure function (level, tone, action,
fees, and the reason for each), then the run over the database: complaints and promises hold
items, A-customers get a proposal for the account owner, a first-time-late C-customer a friendly
reminder through the communications core, one notice for all overdue items, one step at a time.
"""

import datetime
import itertools
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from treue.activities.models import Activity
from treue.communications.models import Communication
from treue.complaints.models import Complaint
from treue.core.errors import BusinessRuleError
from treue.core.models import User
from treue.core.tests.factories import UserFactory
from treue.customers.models import Address, Contact, Customer
from treue.customers.tests.factories import api_headers
from treue.orders.models import Delivery
from treue.orders.tests.factories import OrderFactory
from treue.receivables.credit import promise_record
from treue.receivables.dunning import (
    Item,
    Proposal,
    Relationship,
    decide,
    dunning_run,
    notice_approve,
    notice_replace_by_call,
    proposals,
)
from treue.receivables.models import (
    DunningItem,
    DunningLevel,
    DunningNotice,
    DunningRun,
    Invoice,
    ReceivablesEvent,
)
from treue.receivables.tests.factories import PaymentFactory


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _base_rate(settings: Any) -> None:
    # 2 % base rate + 9 points: 11 % default interest a year
    settings.BASE_INTEREST_RATE = Decimal("2.00")


# --- decide(): the rules, without a database -----------------------------------------------------

DAY = datetime.date(2025, 6, 30)
_ids = itertools.count(1)


def levels(*codes: str) -> list[DunningLevel]:
    """The levels of migration 0007 (unsaved), or only those named."""
    every = [
        DunningLevel(code="reminder", position=1, days_after_due=7, days_since_previous=0),
        DunningLevel(
            code="first",
            position=2,
            days_after_due=21,
            days_since_previous=14,
            charges_interest=True,
        ),
        DunningLevel(
            code="second",
            position=3,
            days_after_due=35,
            days_since_previous=14,
            flat_fee=Decimal(40),
            charges_interest=True,
        ),
        DunningLevel(
            code="final",
            position=4,
            days_after_due=49,
            days_since_previous=14,
            flat_fee=Decimal(40),
            charges_interest=True,
        ),
    ]
    return [level for level in every if not codes or level.code in codes]


@pytest.mark.django_db
def test_the_levels_here_are_those_the_database_starts_with() -> None:
    fields = ("code", "days_after_due", "days_since_previous", "flat_fee", "charges_interest")

    def rows(found: list[DunningLevel]) -> list[tuple[object, ...]]:
        return [(*(getattr(level, f) for f in fields), level.interest_points) for level in found]

    assert rows(list(DunningLevel.objects.order_by("position"))) == rows(levels())


def rel(**fields: Any) -> Relationship:
    defaults: dict[str, Any] = {
        "customer_id": 1,
        "number": "K1",
        "name": "Kranz Hydraulik GmbH",
        "segment": "c",
        "is_strategic": False,
        "since": datetime.date(2019, 4, 1),
        "paid_24m": 0,
        "late_24m": 0,
        "average_days_late": None,
        "letters_12m": 0,
        "open_complaints": 0,
        "account_owner_id": 7,
    }
    return Relationship(**{**defaults, **fields})


def item(
    number: str,
    days_overdue: int,
    *,
    amount: str = "1190.00",
    last_level: str | None = None,
    days_since_last: int | None = None,
    **fields: Any,
) -> Item:
    due_on = DAY - datetime.timedelta(days=days_overdue)
    defaults: dict[str, Any] = {
        "invoice_id": next(_ids),
        "number": number,
        "issued_on": due_on - datetime.timedelta(days=30),
        "due_on": due_on,
        "open_amount": Decimal(amount),
        "currency": "EUR",
        "exchange_rate": Decimal(1),
        "days_overdue": days_overdue,
        "last_level": last_level,
        "last_level_on": (
            DAY - datetime.timedelta(days=days_since_last) if days_since_last is not None else None
        ),
        "fee_charged": False,
        "complaint": None,
        "promised_on": None,
    }
    return Item(**{**defaults, **fields})


def decided(relationship: Relationship, *items: Item, only: tuple[str, ...] = ()) -> Proposal:
    return decide(relationship, list(items), levels(*only), DAY)


def test_a_first_time_late_c_customer_gets_a_friendly_reminder_that_says_why() -> None:
    proposal = decided(rel(), item("RE-1", 10))

    assert (proposal.level, proposal.tone, proposal.action) == ("reminder", "friendly", "send")
    assert proposal.items == ["RE-1"]
    assert (proposal.fees, proposal.interest) == (Decimal(0), Decimal(0))
    # What, which level and why, which tone and why (then why it is sent)
    assert proposal.reason.startswith(
        "1 invoice overdue, 10 days, €1,190.00. "
        "Level Friendly reminder: the oldest invoice is 10 days past due. "
        "Friendly: the first time late in two years. "
    )


def test_nothing_goes_out_before_the_reminder_is_due() -> None:
    proposal = decided(rel(), item("RE-1", 6))

    assert proposal.action == "hold"
    assert "The reminder goes out 7 days after the due date." in proposal.reason


def test_the_first_letter_is_the_reminder_however_late_the_invoice_is() -> None:
    proposal = decided(rel(), item("RE-1", 90))

    assert proposal.level == "reminder"
    assert proposal.lines[0].level == "reminder"


def test_the_next_level_follows_only_when_the_previous_one_is_old_enough() -> None:
    relationship = rel(letters_12m=1)

    too_soon = decided(relationship, item("RE-1", 60, last_level="reminder", days_since_last=13))
    due = decided(relationship, item("RE-1", 60, last_level="reminder", days_since_last=14))

    assert too_soon.action == "hold"
    assert too_soon.level == "reminder"
    last_on = date_format(DAY - datetime.timedelta(days=13), "SHORT_DATE_FORMAT")
    assert (
        f"Last letter (Friendly reminder) on {last_on}; the next step is not due yet."
        in too_soon.reason
    )
    # 60 days overdue would be the final demand by days: one step at a time
    assert (due.level, due.action) == ("first", "send")
    assert "Level First dunning letter: the oldest invoice is 60 days past due." in due.reason


def test_the_next_level_waits_for_its_days_after_the_due_date() -> None:
    proposal = decided(
        rel(letters_12m=1), item("RE-1", 20, last_level="reminder", days_since_last=14)
    )

    assert (proposal.level, proposal.action) == ("reminder", "hold")


def test_after_the_final_demand_there_is_no_further_level() -> None:
    proposal = decided(
        rel(letters_12m=3, paid_24m=4, late_24m=3),
        item("RE-1", 120, last_level="final", days_since_last=30),
    )

    assert (proposal.level, proposal.action) == ("final", "hold")


def test_a_level_removed_by_accounting_is_skipped() -> None:
    # Without the first letter: the reminder is followed by the second, the second by the final
    after_reminder = decided(
        rel(letters_12m=1),
        item("RE-1", 40, last_level="reminder", days_since_last=20),
        only=("reminder", "second", "final"),
    )
    after_second = decided(
        rel(letters_12m=2),
        item("RE-1", 60, last_level="second", days_since_last=20),
        only=("reminder", "second", "final"),
    )

    assert (after_reminder.level, after_reminder.action) == ("second", "send")
    assert (after_second.level, after_second.action) == ("final", "call")


def test_a_habitual_late_payer_gets_a_firm_second_letter() -> None:
    proposal = decided(
        rel(paid_24m=6, late_24m=4, letters_12m=2),
        item("RE-1", 40, last_level="first", days_since_last=15),
    )

    assert (proposal.level, proposal.tone, proposal.action) == ("second", "firm", "send")
    assert "Firm: 4 of 6 invoices of the last two years were paid late." in proposal.reason


def test_a_habitual_late_payer_is_addressed_factually_at_an_early_level() -> None:
    proposal = decided(
        rel(paid_24m=6, late_24m=4, letters_12m=2),
        item("RE-1", 25, last_level="reminder", days_since_last=15),
    )

    assert (proposal.level, proposal.tone) == ("first", "factual")
    assert "Factual: paid late often (4 of 6), but at an early level." in proposal.reason


def test_a_customer_late_before_but_not_habitually_gets_a_factual_letter() -> None:
    proposal = decided(rel(paid_24m=6, late_24m=1), item("RE-1", 10))

    assert (proposal.level, proposal.tone, proposal.action) == ("reminder", "factual", "send")
    assert "Factual: paid late 1 of 6 times in two years." in proposal.reason


def test_open_complaints_of_the_customer_soften_the_tone() -> None:
    proposal = decided(
        rel(paid_24m=6, late_24m=4, letters_12m=2, open_complaints=2),
        item("RE-1", 40, last_level="first", days_since_last=15),
    )

    assert (proposal.level, proposal.tone) == ("second", "friendly")
    assert "Friendly: 2 complaints of the customer are still open." in proposal.reason
    assert (proposal.fees, proposal.interest) == (Decimal(0), Decimal(0))
    assert "No fees or interest in a friendly letter." in proposal.reason


@pytest.mark.parametrize(
    ("segment", "is_strategic", "who"),
    [("a", False, "A customer"), ("b", True, "strategic customer")],
)
def test_a_strategic_customer_gets_a_proposal_for_the_account_owner(
    segment: str, is_strategic: bool, who: str
) -> None:
    proposal = decided(rel(segment=segment, is_strategic=is_strategic), item("RE-1", 10))

    assert (proposal.level, proposal.action) == ("reminder", "propose")
    assert (
        f"Proposed, not sent: {who}; the account owner approves, edits or calls." in proposal.reason
    )


def test_a_strategic_customer_is_called_instead_of_a_final_demand_and_never_charged() -> None:
    proposal = decided(
        rel(segment="a", paid_24m=6, late_24m=5, letters_12m=3),
        item("RE-1", 60, last_level="second", days_since_last=15),
    )

    assert (proposal.level, proposal.tone, proposal.action) == ("final", "firm", "call")
    assert "A call, not a final demand: A customer; the account owner calls." in proposal.reason
    assert (proposal.fees, proposal.interest) == (Decimal(0), Decimal(0))
    assert "No fees or interest: strategic customer." in proposal.reason


def test_a_long_standing_customer_is_called_before_the_final_demand() -> None:
    long_standing = decided(
        rel(since=datetime.date(2015, 1, 1), paid_24m=6, late_24m=1, letters_12m=3),
        item("RE-1", 60, last_level="second", days_since_last=15),
    )
    habitual = decided(
        rel(since=datetime.date(2015, 1, 1), paid_24m=6, late_24m=4, letters_12m=3),
        item("RE-1", 60, last_level="second", days_since_last=15),
    )
    new = decided(
        rel(since=datetime.date(2023, 1, 1), paid_24m=6, late_24m=1, letters_12m=3),
        item("RE-1", 60, last_level="second", days_since_last=15),
    )

    assert (long_standing.level, long_standing.action) == ("final", "call")
    assert "A call before the final demand: a customer for 10 years." in long_standing.reason
    assert (habitual.action, new.action) == ("send", "send")


def test_fees_and_interest_come_from_the_level_and_a_fee_is_charged_once() -> None:
    proposal = decided(
        rel(paid_24m=6, late_24m=1, letters_12m=2),
        item("RE-1", 40, last_level="first", days_since_last=15),
        item(
            "RE-2", 40, amount="2000.00", last_level="first", days_since_last=15, fee_charged=True
        ),
        item("RE-3", 25, amount="500.00", last_level="reminder", days_since_last=15),
        item("RE-4", 8, amount="100.00"),
    )

    by_number = {line.item.number: line for line in proposal.lines}
    assert (proposal.level, proposal.tone, proposal.action) == ("second", "factual", "send")
    assert {n: line.level for n, line in by_number.items()} == {
        "RE-1": "second",
        "RE-2": "second",
        "RE-3": "first",
        "RE-4": "reminder",
    }
    # 11 % a year for the days overdue; EUR 40 per invoice at the second level, once
    assert {n: (line.fee, line.interest) for n, line in by_number.items()} == {
        "RE-1": (Decimal(40), Decimal("14.35")),  # 1,190 × 11 % × 40 / 365
        "RE-2": (Decimal(0), Decimal("24.11")),  # 2,000 × 11 % × 40 / 365
        "RE-3": (Decimal(0), Decimal("3.77")),  # 500 × 11 % × 25 / 365
        "RE-4": (Decimal(0), Decimal(0)),  # the reminder charges nothing
    }
    assert (proposal.fees, proposal.interest) == (Decimal(40), Decimal("42.23"))


def test_one_proposal_covers_every_overdue_item_and_names_the_oldest() -> None:
    proposal = decided(
        rel(),
        item("RE-2", 8, amount="100.00"),
        item("RE-1", 12, amount="200.00"),
        item("RE-3", 3, amount="50.00"),
    )

    assert proposal.items == ["RE-1", "RE-2", "RE-3"]
    assert proposal.total == Decimal("350.00")
    assert proposal.reason.startswith("3 invoices overdue, the oldest 12 days, €350.00 in all.")


def test_an_item_under_an_open_complaint_is_not_dunned_but_the_others_are() -> None:
    proposal = decided(rel(), item("RE-1", 10), item("RE-2", 12, complaint="RK-7"))

    assert proposal.action == "send"
    assert proposal.items == ["RE-1"]
    assert [(i.number, why) for i, why in proposal.held] == [("RE-2", "open complaint RK-7")]
    assert "Not dunned: RE-2 (open complaint RK-7)." in proposal.reason


def test_a_customer_whose_items_are_all_under_complaint_or_promised_is_held() -> None:
    promised_on = DAY + datetime.timedelta(days=5)

    proposal = decided(
        rel(),
        item("RE-1", 20, complaint="RK-7"),
        item("RE-2", 10, promised_on=promised_on),
    )

    assert (proposal.action, proposal.items) == ("hold", [])
    assert proposal.reason == (
        "Every overdue invoice is held. Not dunned: RE-1 (open complaint RK-7); "
        f"RE-2 (payment promised by {date_format(promised_on, 'SHORT_DATE_FORMAT')})."
    )


def test_a_proposal_awaiting_the_account_owner_holds_the_next_one() -> None:
    since = DAY - datetime.timedelta(days=5)

    proposal = decided(rel(segment="a", pending_since=since), item("RE-1", 20))

    assert proposal.action == "hold"
    assert proposal.reason.startswith(
        f"The proposal of {date_format(since, 'SHORT_DATE_FORMAT')} awaits the account owner's "
        "decision."
    )


# --- the run, with the database ------------------------------------------------------------------


@pytest.fixture
def rep() -> User:
    return UserFactory(username="rep", role="sales", first_name="Anna", language="en")


@pytest.fixture
def accountant() -> User:
    lead = UserFactory(username="fibu", role="accounting", language="en")
    department = lead.department
    department.head = lead
    department.save()
    return lead


@pytest.fixture
def debtor(make_customer: Callable[..., Customer], rep: User) -> Callable[..., Customer]:
    """A customer with a commercial buyer who reads e-mail, owned by the rep."""

    def make(number: str, name: str, **fields: Any) -> Customer:
        fields.setdefault("account_owner", rep)
        customer = make_customer(number, name, **fields)
        Address.objects.create(
            customer=customer,
            kind="billing",
            street="Hauptstraße 1",
            postal_code="70173",
            city="Stuttgart",
            country="DE",
            latitude=Decimal("48.77"),
            longitude=Decimal("9.18"),
        )
        Contact.objects.create(
            customer=customer,
            first_name="Karl",
            last_name=name.split()[0],
            email=f"buchhaltung@{number.lower()}.example",
            buying_role="commercial_buyer",
            preferred_channels=["email"],
            language="de",
        )
        return customer

    return make


def today() -> datetime.date:
    return timezone.localdate()


def overdue(
    customer: Customer, number: str, days: int, gross: str = "1190.00", **fields: Any
) -> Invoice:
    gross_amount = Decimal(gross)
    net = (gross_amount / Decimal("1.19")).quantize(Decimal("0.01"))
    due_on = today() - datetime.timedelta(days=days)
    return Invoice.objects.create(
        number=number,
        customer=customer,
        issued_on=due_on - datetime.timedelta(days=30),
        due_on=due_on,
        currency="EUR",
        net_amount=net,
        tax_amount=gross_amount - net,
        gross_amount=gross_amount,
        **fields,
    )


def complaint(customer: Customer, number: str, **about: Any) -> Complaint:
    return Complaint.objects.create(
        number=number,
        customer=customer,
        category="quality_defect",
        severity="medium",
        description="Bohrungen versetzt",
        received_at=timezone.now(),
        **about,
    )


def days_ago(days: int) -> datetime.datetime:
    """Noon of a day before today (local time)."""
    day = today() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def sent_days_ago(notice: DunningNotice, days: int) -> None:
    """As if the notice, and the letter with it, had gone out `days` ago."""
    DunningNotice.objects.filter(pk=notice.pk).update(sent_at=days_ago(days))
    notice.communications.update(status="sent", sent_at=days_ago(days))


def by_customer(found: list[Proposal]) -> dict[str, Proposal]:
    return {p.customer: p for p in found}


@pytest.mark.django_db
def test_a_run_skips_the_disputed_invoice_proposes_for_a_and_sends_a_friendly_reminder_to_c(
    debtor: Callable[..., Customer], rep: User
) -> None:
    small = debtor("K-C", "Schmid Metallbau KG", segment="c")
    overdue(small, "RE-1001", 10)
    complaint(small, "RK-0001", invoice=overdue(small, "RE-1002", 12, "595.00"))
    key = debtor("K-A", "Aurum Werke AG", segment="a")
    overdue(key, "RE-2001", 10, "23800.00")

    result = dunning_run(by=rep, today=today())

    notices = {n.customer.number: n for n in result.notices}
    assert set(notices) == {"K-A", "K-C"}
    # The C-customer, late for the first time: a friendly reminder, the disputed invoice left out
    reminder = notices["K-C"]
    assert (reminder.level, reminder.tone, reminder.action, reminder.status) == (
        "reminder",
        "friendly",
        "send",
        "sent",
    )
    assert [i.invoice.number for i in reminder.items.all()] == ["RE-1001"]
    assert reminder.held_items == [{"invoice": "RE-1002", "why": "open complaint RK-0001"}]
    assert "Not dunned: RE-1002 (open complaint RK-0001)." in reminder.reason
    (letter,) = Communication.objects.filter(customer=small)
    assert (letter.type, letter.status, letter.channel) == ("dunning", "planned", "email")
    assert letter.contact == small.contacts.get()
    assert [i["number"] for i in letter.items[0]["invoices"]] == ["RE-1001"]
    assert list(reminder.communications.all()) == [letter]
    # The A-customer: proposed to the account owner, nothing sent
    proposal = notices["K-A"]
    assert (proposal.action, proposal.status, proposal.sent_at) == ("propose", "proposed", None)
    assert not Communication.objects.filter(customer=key).exists()
    (activity,) = Activity.objects.filter(subject=f"receivables.dunningnotice:{proposal.pk}")
    assert (activity.owner, activity.customer) == (rep, key)
    assert activity.title == "Approve the dunning letter to Aurum Werke AG"
    assert proposal.reason in activity.description
    # Every decision is in the audit trail
    decisions = ReceivablesEvent.objects.filter(kind="dunning_decided")
    assert sorted((e.customer.number, e.data["action"]) for e in decisions) == [
        ("K-A", "propose"),
        ("K-C", "send"),
    ]
    assert {e.by for e in decisions} == {rep}


@pytest.mark.django_db
def test_a_customer_whose_overdue_items_are_all_under_complaint_is_held(
    debtor: Callable[..., Customer],
) -> None:
    customer = debtor("K-H", "Haller Guss GmbH")
    order = OrderFactory(customer=customer)
    delivery = Delivery.objects.create(number="LS-1", order=order, shipped_on=today())
    overdue(customer, "RE-1", 20, order=order, delivery=delivery)
    overdue(customer, "RE-2", 15, order=order)
    complaint(customer, "RK-1", delivery=delivery)
    complaint(customer, "RK-2", order=order)

    (proposal,) = proposals(today=today())
    result = dunning_run(by=None, today=today())

    assert (proposal.action, proposal.items) == ("hold", [])
    assert [(i.number, why) for i, why in proposal.held] == [
        ("RE-1", "open complaint RK-1"),
        ("RE-2", "open complaint RK-2"),
    ]
    (notice,) = result.notices
    assert (notice.action, notice.status) == ("hold", "held")
    assert not notice.items.exists()
    assert not Communication.objects.exists()


@pytest.mark.django_db
def test_an_invoice_is_dunned_again_once_its_complaint_is_resolved(
    debtor: Callable[..., Customer],
) -> None:
    customer = debtor("K-C", "Schmid Metallbau KG")
    disputed = complaint(customer, "RK-1", invoice=overdue(customer, "RE-1", 10))
    held = by_customer(proposals(today=today()))["K-C"]

    Complaint.objects.filter(pk=disputed.pk).update(status="closed")
    resolved = by_customer(proposals(today=today()))["K-C"]

    assert (held.action, held.items) == ("hold", [])
    assert (resolved.action, resolved.items) == ("send", ["RE-1"])


@pytest.mark.django_db
def test_an_invoice_the_customer_promised_to_pay_is_not_dunned(
    debtor: Callable[..., Customer], rep: User
) -> None:
    customer = debtor("K-C", "Schmid Metallbau KG")
    promised = overdue(customer, "RE-1", 10)
    overdue(customer, "RE-2", 12)
    promise_record(
        customer=customer,
        amount=Decimal("1190.00"),
        promised_on=today() + datetime.timedelta(days=7),
        agreed_by="Karl Schmid",
        by=rep,
        invoices=[promised],
    )

    proposal = by_customer(proposals(today=today()))["K-C"]

    assert proposal.items == ["RE-2"]
    assert [i.number for i, _why in proposal.held] == ["RE-1"]


@pytest.mark.django_db
def test_a_reminder_about_one_invoice_never_suppresses_the_others(
    debtor: Callable[..., Customer],
) -> None:
    customer = debtor("K-C", "Schmid Metallbau KG")
    overdue(customer, "RE-1", 10)
    (first,) = dunning_run(by=None, today=today()).notices
    sent_days_ago(first, 3)
    overdue(customer, "RE-2", 8, "595.00")

    (second,) = dunning_run(by=None, today=today()).notices

    assert (second.action, second.status) == ("send", "sent")
    assert [(i.invoice.number, i.level) for i in second.items.order_by("invoice__number")] == [
        ("RE-1", "reminder"),
        ("RE-2", "reminder"),
    ]
    assert Communication.objects.filter(type="dunning").count() == 2


@pytest.mark.django_db
def test_levels_step_one_at_a_time_after_the_days_since_the_previous_letter(
    debtor: Callable[..., Customer],
) -> None:
    customer = debtor("K-C", "Schmid Metallbau KG")
    overdue(customer, "RE-1", 60)
    (reminder,) = dunning_run(by=None, today=today()).notices
    sent_days_ago(reminder, 13)

    too_soon = by_customer(proposals(today=today()))["K-C"]
    sent_days_ago(reminder, 14)
    (first,) = dunning_run(by=None, today=today()).notices

    assert reminder.level == "reminder"
    assert (too_soon.level, too_soon.action) == ("reminder", "hold")
    assert "the next step is not due yet" in too_soon.reason
    assert (first.level, first.action, first.status) == ("first", "send", "sent")
    # No longer late for the first time: factual, with default interest (no fee at this level)
    first_item = first.items.get()
    assert (first.tone, first_item.fee, first_item.interest) == (
        "factual",
        Decimal("0.00"),
        Decimal("21.52"),  # 1,190 × 11 % × 60 / 365
    )
    assert (first.fees, first.interest) == (Decimal("0.00"), Decimal("21.52"))


def sent_notice(customer: Customer, level: str, days: int, *invoices: Invoice) -> None:
    """A notice at `level` about `invoices` that went out `days` ago."""
    run = DunningRun.objects.create(run_on=today() - datetime.timedelta(days=days))
    notice = DunningNotice.objects.create(
        run=run,
        customer=customer,
        level=level,
        tone="factual",
        action="send",
        status="sent",
        reason="-",
        sent_at=days_ago(days),
    )
    for invoice in invoices:
        DunningItem.objects.create(
            notice=notice,
            invoice=invoice,
            level=level,
            open_amount=invoice.gross_amount,
            days_overdue=(notice.run.run_on - invoice.due_on).days,
        )


def _at_second_level(debtor: Callable[..., Customer], number: str, **fields: Any) -> Customer:
    """A customer whose invoice had the first letter 15 days ago and is 40 days overdue."""
    customer = debtor(number, f"{number} GmbH", **fields)
    sent_notice(customer, "first", 15, overdue(customer, f"RE-{number}", 40))
    return customer


@pytest.mark.django_db
def test_restating_an_invoice_in_a_later_notice_does_not_delay_its_next_level(
    debtor: Callable[..., Customer],
) -> None:
    customer = debtor("K-C", "Schmid Metallbau KG")
    old = overdue(customer, "RE-1", 40)
    new = overdue(customer, "RE-2", 20)
    sent_notice(customer, "reminder", 20, old)
    # The reminder about RE-2 listed RE-1 again, still at the reminder
    sent_notice(customer, "reminder", 10, old, new)

    proposal = by_customer(proposals(today=today()))["K-C"]

    # RE-1 has had its reminder for 20 days: the first letter is due, whatever came since
    assert {line.item.number: line.level for line in proposal.lines} == {
        "RE-1": "first",
        "RE-2": "reminder",
    }
    assert (proposal.level, proposal.action) == ("first", "send")


@pytest.mark.django_db
def test_fees_and_interest_only_where_the_level_charges_and_never_to_strategic_customers(
    debtor: Callable[..., Customer],
) -> None:
    _at_second_level(debtor, "K-C", segment="c")
    _at_second_level(debtor, "K-A", segment="a")
    _at_second_level(debtor, "K-S", segment="b", is_strategic=True)
    complained = _at_second_level(debtor, "K-F", segment="c")
    complaint(complained, "RK-1")  # about something else: the tone turns friendly

    found = by_customer(proposals(today=today()))

    charged = found["K-C"]
    assert (charged.level, charged.tone, charged.action) == ("second", "factual", "send")
    assert (charged.fees, charged.interest) == (Decimal(40), Decimal("14.35"))
    for number in ("K-A", "K-S", "K-F"):
        assert found[number].level == "second"
        assert (found[number].fees, found[number].interest) == (Decimal(0), Decimal(0))
    assert "No fees or interest: strategic customer." in found["K-A"].reason
    assert "No fees or interest in a friendly letter." in found["K-F"].reason


@pytest.mark.django_db
def test_a_habitual_late_payer_is_told_firmly_at_the_second_level(
    debtor: Callable[..., Customer],
) -> None:
    customer = _at_second_level(debtor, "K-C", segment="c")
    for n, days_late in enumerate([20, 15, 30, 2]):
        paid = overdue(customer, f"RE-OLD-{n}", 100 + 30 * n)
        PaymentFactory(
            invoice=paid,
            amount=paid.gross_amount,
            received_on=paid.due_on + datetime.timedelta(days=days_late),
        )

    proposal = by_customer(proposals(today=today()))["K-C"]

    assert (proposal.level, proposal.tone) == ("second", "firm")
    assert "Firm: 3 of 4 invoices of the last two years were paid late." in proposal.reason


@pytest.mark.django_db
def test_the_account_owner_approves_a_proposal_with_another_tone_and_a_note(
    debtor: Callable[..., Customer], rep: User
) -> None:
    key = debtor("K-A", "Aurum Werke AG", segment="a")
    overdue(key, "RE-1", 10)
    (notice,) = dunning_run(by=None, today=today()).notices

    approved = notice_approve(notice=notice, by=rep, tone="factual", note="  Wie besprochen.  ")

    assert (approved.status, approved.tone, approved.note, approved.decided_by) == (
        "sent",
        "factual",
        "Wie besprochen.",
        rep,
    )
    assert approved.sent_at is not None
    (letter,) = Communication.objects.filter(type="dunning")
    assert (letter.customer, letter.items[0]["tone"], letter.items[0]["note"]) == (
        key,
        "factual",
        "Wie besprochen.",
    )
    (event,) = ReceivablesEvent.objects.filter(kind="dunning_approved")
    assert (event.by, event.data["tone"]) == (rep, "factual")
    # The account owner's to-do to decide is done
    request = Activity.objects.get(subject=f"receivables.dunningnotice:{notice.pk}")
    assert request.status == "done"


@pytest.mark.django_db
def test_only_the_account_owner_accounting_or_management_decide_on_a_proposal(
    debtor: Callable[..., Customer], rep: User, accountant: User
) -> None:
    key = debtor("K-A", "Aurum Werke AG", segment="a")
    overdue(key, "RE-1", 10)
    (notice,) = dunning_run(by=None, today=today()).notices
    other_rep = UserFactory(username="rep2", role="sales")
    shipping = UserFactory(username="versand", role="shipping")

    refusals = []
    for user in (other_rep, shipping):
        with pytest.raises(BusinessRuleError) as refused:
            notice_approve(notice=notice, by=user)
        refusals.append(refused.value.code)
    with pytest.raises(BusinessRuleError) as by_other_rep:
        notice_replace_by_call(notice=notice, by=other_rep, note="Ich rufe an")

    assert refusals == ["not_account_owner", "not_account_owner"]
    assert by_other_rep.value.code == "not_account_owner"
    assert DunningNotice.objects.get().status == "proposed"
    assert not Communication.objects.exists()

    notice_approve(notice=notice, by=accountant)
    with pytest.raises(BusinessRuleError) as again:
        notice_approve(notice=notice, by=rep)

    assert DunningNotice.objects.get().status == "sent"
    assert again.value.code == "notice_decided"


@pytest.mark.django_db
def test_the_account_owner_replaces_the_letter_by_a_call_with_a_note(
    debtor: Callable[..., Customer], rep: User
) -> None:
    key = debtor("K-A", "Aurum Werke AG", segment="a")
    overdue(key, "RE-1", 10)
    (notice,) = dunning_run(by=None, today=today()).notices

    with pytest.raises(BusinessRuleError) as without_note:
        notice_replace_by_call(notice=notice, by=rep, note=" ")
    replaced = notice_replace_by_call(notice=notice, by=rep, note="Zahlt Freitag, Herr Aurum")

    assert without_note.value.code == "reason_required"
    assert (replaced.status, replaced.note, replaced.decided_by) == (
        "replaced_by_call",
        "Zahlt Freitag, Herr Aurum",
        rep,
    )
    assert not Communication.objects.exists()
    (event,) = ReceivablesEvent.objects.filter(kind="dunning_replaced")
    assert (event.by, event.reason) == (rep, "Zahlt Freitag, Herr Aurum")
    request = Activity.objects.get(subject=f"receivables.dunningnotice:{notice.pk}")
    assert request.status == "done"
    # The call counts as the reminder: the next run does not propose it again
    again = by_customer(proposals(today=today()))["K-A"]
    assert again.action == "hold"
    assert "the next step is not due yet" in again.reason


@pytest.mark.django_db
def test_a_pending_proposal_holds_the_next_run_until_it_is_decided(
    debtor: Callable[..., Customer], rep: User
) -> None:
    key = debtor("K-A", "Aurum Werke AG", segment="a")
    overdue(key, "RE-1", 10)
    (notice,) = dunning_run(by=None, today=today()).notices

    (pending,) = dunning_run(by=None, today=today() + datetime.timedelta(days=20)).notices

    assert notice.status == "proposed"
    assert (pending.action, pending.status) == ("hold", "held")
    assert "awaits the account owner's decision" in pending.reason
    assert Activity.objects.filter(subject__startswith="receivables.dunningnotice:").count() == 1


@pytest.mark.django_db
def test_the_preview_reads_in_a_fixed_number_of_queries(
    debtor: Callable[..., Customer],
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            proposals(today=today())
        return len(queries)

    first = debtor("K-0", "Erste GmbH")
    overdue(first, "RE-0", 10)
    one = count()
    for n in range(1, 6):
        customer = debtor(f"K-{n}", f"Kunde{n} GmbH", segment="abc"[n % 3])
        overdue(customer, f"RE-{n}", 10 + n)
        complaint(customer, f"RK-{n}", invoice=overdue(customer, f"RE-{n}b", 9))

    assert count() == one


# --- the API -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_preview_answers_one_proposal_per_customer_and_writes_nothing(
    client: Client, debtor: Callable[..., Customer]
) -> None:
    small = debtor("K-C", "Schmid Metallbau KG", segment="c")
    overdue(small, "RE-1001", 10)
    complaint(small, "RK-0001", invoice=overdue(small, "RE-1002", 12, "595.00"))
    key = debtor("K-A", "Aurum Werke AG", segment="a")
    overdue(key, "RE-2001", 10, "23800.00")
    disputed = debtor("K-H", "Haller Guss GmbH", segment="b")
    complaint(disputed, "RK-0002", invoice=overdue(disputed, "RE-3001", 30))

    response = client.post(
        "/api/v1/dunning-runs",
        {"preview": True},
        content_type="application/json",
        headers=api_headers("accounting"),
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["preview"], body["run"]) == (True, None)
    shape = {
        p["customer"]: (p["items"], p["held_items"], p["level"], p["tone"], p["action"])
        for p in body["proposals"]
    }
    assert shape == {
        "K-A": (["RE-2001"], [], "reminder", "friendly", "propose"),
        "K-C": (["RE-1001"], ["RE-1002"], "reminder", "friendly", "send"),
        "K-H": ([], ["RE-3001"], "reminder", "friendly", "hold"),
    }
    reasons = {p["customer"]: p["reason"] for p in body["proposals"]}
    assert "RK-0001" in reasons["K-C"]
    assert "RK-0002" in reasons["K-H"]
    assert all(reasons.values())
    assert not DunningRun.objects.exists()
    assert not Communication.objects.exists()


@pytest.mark.django_db
def test_executing_a_run_through_the_api_sends_and_proposes(
    client: Client, debtor: Callable[..., Customer]
) -> None:
    small = debtor("K-C", "Schmid Metallbau KG", segment="c")
    overdue(small, "RE-1001", 10)
    key = debtor("K-A", "Aurum Werke AG", segment="a")
    overdue(key, "RE-2001", 10)
    debtor("K-X", "Andere AG")
    overdue(Customer.objects.get(number="K-X"), "RE-9", 10)

    response = client.post(
        "/api/v1/dunning-runs",
        {"preview": False, "customers": ["K-C", "K-A"]},
        content_type="application/json",
        headers=api_headers("accounting"),
    )

    assert response.status_code == 201
    body = response.json()
    assert body["run"] == DunningRun.objects.get().pk
    assert sorted((p["customer"], p["action"], p["items"]) for p in body["proposals"]) == [
        ("K-A", "propose", ["RE-2001"]),
        ("K-C", "send", ["RE-1001"]),
    ]
    assert list(Communication.objects.values_list("customer__number", "type")) == [
        ("K-C", "dunning")
    ]
    assert not DunningNotice.objects.filter(customer__number="K-X").exists()


@pytest.mark.django_db
def test_a_sales_rep_may_not_run_dunning_through_the_api(client: Client) -> None:
    response = client.post(
        "/api/v1/dunning-runs",
        {"preview": True},
        content_type="application/json",
        headers=api_headers("sales"),
    )

    assert response.status_code == 403
    assert not DunningRun.objects.exists()


def test_a_customer_of_ten_years_who_is_no_habitual_late_payer_hears_a_friendly_first_letter() -> (
    None
):
    loyal = rel(since=DAY - datetime.timedelta(days=12 * 365), paid_24m=10, late_24m=2)
    habitual = rel(since=DAY - datetime.timedelta(days=12 * 365), paid_24m=10, late_24m=6)
    first = [item("R-1", 25, last_level="reminder", days_since_last=18)]

    kind = decide(loyal, first, levels(), DAY)
    other = decide(habitual, first, levels(), DAY)

    assert (kind.level, kind.tone) == ("first", "friendly")
    assert "12 years" in kind.reason
    assert kind.interest == 0
    assert (other.level, other.tone) == ("first", "factual")
