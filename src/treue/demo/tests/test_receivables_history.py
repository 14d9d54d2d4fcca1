"""The demo company's receivables history: dunning letters, payment promises and credit holds
as the rules of `receivables.dunning` and `receivables.credit` would have written them, so that
the next dunning run carries on from where the history stops."""

import datetime as dt
import itertools
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from treue.activities.models import Activity
from treue.complaints.models import Complaint
from treue.core.money import CENT
from treue.demo.company import BERLIN, DUNNING_LEVELS
from treue.demo.generator import demo_build
from treue.orders.models import Delivery
from treue.receivables import credit, dunning, selectors
from treue.receivables.models import (
    Allocation,
    CreditHold,
    DunningItem,
    DunningLevel,
    DunningNotice,
    DunningRun,
    Invoice,
    Payment,
    PaymentPromise,
    ReceivablesEvent,
)

TODAY = dt.date(2025, 6, 30)
SMALL = {"customers": 40, "years": 2, "seed": 7, "today": TODAY}
MEDIUM = {**SMALL, "customers": 120}
LEVELS = [code for code, *_rest in DUNNING_LEVELS]
DAYS_AFTER_DUE = {code: days for code, days, *_rest in DUNNING_LEVELS}
pytestmark = pytest.mark.django_db(transaction=True)


def settlements() -> dict[int, list[tuple[dt.date, Decimal]]]:
    """Per invoice the (day, amount with Skonto) of what was allocated to it."""
    rows: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for invoice_id, day, amount, discount in Allocation.objects.values_list(
        "invoice_id", "allocated_on", "amount", "cash_discount"
    ):
        rows[invoice_id].append((day, amount + discount))
    return rows


def settled_on(invoice: Invoice, paid: dict[int, list[tuple[dt.date, Decimal]]]) -> dt.date | None:
    """The day the invoice was paid in full; None while it is open."""
    rows = paid.get(invoice.pk, [])
    if sum((amount for _day, amount in rows), Decimal(0)) < invoice.gross_amount:
        return None
    return max(day for day, _amount in rows)


def paid_before(invoice_id: int, day: dt.date, paid: dict[int, list[Any]]) -> Decimal:
    return sum((amount for on, amount in paid.get(invoice_id, []) if on < day), Decimal(0))


def monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=-day.weekday() % 7)


def at_seven(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(7), tzinfo=BERLIN)


def is_key_account(customer: Any) -> bool:
    return customer.segment == "a" or customer.is_strategic


def payment_history() -> dict[int, list[tuple[dt.date, bool]]]:
    """Per customer the days its invoices were paid in full, and whether late."""
    paid = settlements()
    history: dict[int, list[tuple[dt.date, bool]]] = defaultdict(list)
    for invoice in Invoice.objects.all():
        settled = settled_on(invoice, paid)
        if settled is not None:
            late = (settled - invoice.due_on).days > dunning.LATE_TOLERANCE_DAYS
            history[invoice.customer_id].append((settled, late))
    return history


def two_years_before(
    history: dict[int, list[tuple[dt.date, bool]]], customer_id: int, day: dt.date
) -> tuple[int, int]:
    """(paid, paid late) of the customer's invoices in the two years before `day`."""
    window = [late for on, late in history[customer_id] if day - dt.timedelta(730) <= on < day]
    return len(window), sum(window)


def is_habitual(paid: int, late: int) -> bool:
    return paid >= dunning.HABITUAL_MIN_INVOICES and late >= dunning.HABITUAL_LATE_SHARE * paid


def test_the_demo_seeds_the_dunning_levels_its_history_follows():
    demo_build(**SMALL)
    demo_build(**SMALL, wipe=True)  # the wipe deletes them and seeds them again

    levels = [
        (lv.code, lv.days_after_due, lv.days_since_previous, lv.flat_fee, lv.charges_interest)
        for lv in DunningLevel.objects.order_by("position")
    ]

    assert levels == [
        (code, days, since, Decimal(fee) / 100, interest)
        for code, days, since, fee, interest in DUNNING_LEVELS
    ]


def test_weekly_runs_on_mondays_before_today():
    demo_build(**SMALL)

    runs = list(DunningRun.objects.order_by("run_on").select_related("by"))

    assert runs[0].run_on == dt.date(2023, 7, 3)  # the first Monday of the two years
    assert runs[-1].run_on == dt.date(2025, 6, 23)  # today's run is the next one
    assert [b.run_on - a.run_on for a, b in itertools.pairwise(runs)] == [dt.timedelta(days=7)] * (
        len(runs) - 1
    )
    assert all(run.started_at == at_seven(run.run_on) for run in runs)
    assert {run.by.username for run in runs} == {"accounting"}


def test_no_letter_for_an_invoice_after_it_was_paid():
    demo_build(**SMALL)
    paid = settlements()

    items = list(DunningItem.objects.select_related("notice__run", "invoice"))

    assert len(items) > 300
    for item in items:
        run_on, invoice = item.notice.run.run_on, item.invoice
        settled = settled_on(invoice, paid)
        assert settled is None or run_on < settled
        assert run_on < TODAY
        assert item.open_amount == invoice.gross_amount - paid_before(invoice.pk, run_on, paid)
        assert item.open_amount > 0
        assert item.days_overdue == (run_on - invoice.due_on).days


def test_every_late_invoice_climbs_the_levels_in_order_two_weeks_apart():
    demo_build(**SMALL)
    paid = settlements()
    complained = set(Complaint.objects.values_list("delivery__invoices", flat=True))
    got: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    for invoice_id, level, run_on in DunningItem.objects.order_by(
        "notice__run__run_on"
    ).values_list("invoice_id", "level", "notice__run__run_on"):
        got[invoice_id].append((level, run_on))
    checked = 0

    for invoice in Invoice.objects.all():
        steps = got.get(invoice.pk, [])
        assert [level for level, _run in steps] == LEVELS[: len(steps)]
        for k, (level, run_on) in enumerate(steps):
            assert run_on - invoice.due_on >= dt.timedelta(days=DAYS_AFTER_DUE[level])
            if k:
                assert run_on - steps[k - 1][1] >= dt.timedelta(days=14)
        if invoice.pk in complained:  # a complaint holds its letters back until it is closed
            continue
        # Each level on the first run on or after its day, while the invoice is open.
        settled = settled_on(invoice, paid) or dt.date.max
        expected = []
        for code in LEVELS:
            run_on = monday_on_or_after(invoice.due_on + dt.timedelta(DAYS_AFTER_DUE[code]))
            if run_on >= min(settled, TODAY):
                break
            expected.append((code, run_on))
        assert steps == expected
        checked += bool(steps)
    assert checked > 150


def test_one_notice_per_customer_and_run_for_the_items_due_then():
    demo_build(**SMALL)

    notices = list(DunningNotice.objects.prefetch_related("items__invoice"))

    assert len({(n.run_id, n.customer_id) for n in notices}) == len(notices)
    for notice in notices:
        items = list(notice.items.all())
        assert items
        assert {item.invoice.customer_id for item in items} == {notice.customer_id}
        assert len({item.invoice_id for item in items}) == len(items)
        assert notice.level == max((item.level for item in items), key=LEVELS.index)
        assert notice.fees == sum(item.fee for item in items)
        assert notice.interest == sum(item.interest for item in items)
        assert notice.held_items == []
        assert notice.reason.startswith(f"{len(items)} Rechnung")
    assert Counter(n.level for n in notices).keys() == set(LEVELS)


def test_fees_and_interest_never_for_key_accounts_or_in_a_friendly_letter():
    demo_build(**MEDIUM)
    rate = settings.BASE_INTEREST_RATE + 9

    items = list(DunningItem.objects.select_related("notice__customer", "invoice"))

    charged = [item for item in items if item.fee or item.interest]
    assert len(charged) > 50
    for item in items:
        notice, customer = item.notice, item.notice.customer
        charges = not is_key_account(customer) and notice.tone != "friendly"
        if not charges:
            assert (item.fee, item.interest) == (0, 0)
            continue
        interest = (
            item.open_amount * item.invoice.exchange_rate * rate / 100 * item.days_overdue / 365
        ).quantize(CENT, rounding=ROUND_HALF_UP)
        assert item.interest == (0 if item.level == "reminder" else interest)
        if item.level == "second":
            assert item.fee == 40
    assert {item.level for item in items if item.fee} <= {"second", "final"}
    assert {item.fee for item in items} == {Decimal(0), Decimal(40)}
    fees_per_invoice = Counter(item.invoice_id for item in items if item.fee)
    assert set(fees_per_invoice.values()) == {1}


def test_letters_to_key_accounts_and_final_demands_are_the_account_owners_decision():
    demo_build(**MEDIUM)
    history = payment_history()

    notices = list(DunningNotice.objects.select_related("customer", "run"))

    for notice in notices:
        run_on, customer = notice.run.run_on, notice.customer
        years = (run_on - customer.customer_since).days // 365
        loyal = years >= dunning.LONG_TENURE_YEARS and not is_habitual(
            *two_years_before(history, customer.pk, run_on)
        )
        if notice.level == "final" and (is_key_account(customer) or loyal):
            assert notice.action == "call"
        elif is_key_account(customer):
            assert notice.action == "propose"
        else:
            assert notice.action == "send"
        if notice.action != "send":
            assert notice.decided_by_id == customer.account_owner_id
            assert notice.sent_at == notice.decided_at
            assert notice.decided_at > at_seven(run_on)
            assert timezone.localtime(notice.decided_at).date() == run_on
            assert notice.status in (
                {"sent", "replaced_by_call"} if notice.level == "final" else {"sent"}
            )
            assert bool(notice.note) == (notice.status == "replaced_by_call")
        else:
            assert notice.status == "sent"
            assert (notice.decided_by_id, notice.decided_at) == (None, None)
            assert notice.sent_at == at_seven(run_on)
            assert notice.note == ""
    statuses = Counter((n.action, n.status) for n in notices)
    assert set(statuses) == {
        ("send", "sent"),
        ("propose", "sent"),
        ("call", "sent"),
        ("call", "replaced_by_call"),
    }


def test_the_tone_follows_the_relationship():
    demo_build(**MEDIUM)
    history = payment_history()
    notices = list(DunningNotice.objects.select_related("customer", "run"))
    letters: dict[int, list[dt.date]] = defaultdict(list)
    for notice in notices:
        if notice.status == "sent":
            letters[notice.customer_id].append(notice.run.run_on)
    complaints = list(Complaint.objects.values_list("customer_id", "received_at", "closed_at"))

    for notice in notices:
        run_on, customer = notice.run.run_on, notice.customer
        paid, late = two_years_before(history, customer.pk, run_on)
        years = (run_on - customer.customer_since).days // 365
        letter_before = any(
            run_on - dt.timedelta(365) <= day < run_on for day in letters[customer.pk]
        )
        complaint_open = any(
            who == customer.pk
            and came < at_seven(run_on)
            and (went is None or went > at_seven(run_on))
            for who, came, went in complaints
        )
        loyal = (
            years >= dunning.LOYAL_YEARS
            and not is_habitual(paid, late)
            and notice.level in {"reminder", "first"}
        )
        first_time = not late and not letter_before
        friendly = customer.segment == "a" or complaint_open or loyal or first_time
        assert (notice.tone == "friendly") == friendly, notice.reason
        if notice.tone == "firm":
            assert notice.level in {"second", "final"}
    assert Counter(n.tone for n in notices).keys() == {"friendly", "factual", "firm"}


def test_promise_status_agrees_with_the_payments():
    demo_build(**MEDIUM)
    paid = settlements()
    money_in: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for customer_id, day, amount in Payment.objects.values_list(
        "customer_id", "received_on", "amount"
    ):
        money_in[customer_id].append((day, amount))
    letters = list(DunningItem.objects.values_list("invoice_id", "notice__run__run_on"))

    promises = list(
        PaymentPromise.objects.select_related("customer", "contact").prefetch_related("invoices")
    )

    assert Counter(p.status for p in promises).keys() == {"open", "kept", "broken"}
    for promise in promises:
        customer, contact = promise.customer, promise.contact
        recorded = timezone.localtime(promise.recorded_at).date()
        deadline = promise.promised_on + dt.timedelta(days=credit.PROMISE_GRACE_DAYS)
        invoices = list(promise.invoices.all())
        assert invoices
        assert {i.customer_id for i in invoices} == {customer.pk}
        assert promise.amount == sum(
            i.gross_amount - paid_before(i.pk, recorded, paid) for i in invoices
        )
        assert promise.currency == customer.currency
        assert contact.customer_id == customer.pk
        assert promise.agreed_by == f"{contact.first_name} {contact.last_name}"
        assert promise.recorded_by_id == customer.account_owner_id
        assert recorded < promise.promised_on
        horizon = min(deadline, TODAY)
        money = sum(a for day, a in money_in[customer.pk] if recorded <= day <= horizon)
        settled = [settled_on(i, paid) for i in invoices]
        kept = money >= promise.amount or all(s is not None and s <= horizon for s in settled)
        if promise.status == "open":
            assert not kept
            assert TODAY < promise.promised_on <= TODAY + dt.timedelta(days=14)
            assert promise.resolved_at is None
            end = TODAY
        else:
            assert promise.status == ("kept" if kept else "broken")
            resolved = timezone.localtime(promise.resolved_at).date()
            assert recorded <= resolved < TODAY
            assert (resolved <= deadline) if kept else (resolved > deadline)
            end = resolved
        named = {i.pk for i in invoices}
        assert not [(i, on) for i, on in letters if i in named and recorded <= on <= end]

    assert credit.promises_check(today=TODAY) == (0, 0)  # nothing left to resolve today


def test_orders_over_the_limit_are_held_and_released_with_a_reason():
    demo_build(**MEDIUM)
    holds = list(CreditHold.objects.select_related("order__customer", "released_by"))

    open_holds = [hold for hold in holds if hold.is_open]
    released = [hold for hold in holds if not hold.is_open]

    assert open_holds
    assert released
    for hold in holds:
        assert hold.exposure > hold.limit
        assert hold.reason.startswith("Das Obligo von ")
        assert hold.held_by_id == hold.order.customer.account_owner_id
    for hold in open_holds:
        order, customer = hold.order, hold.order.customer
        position = credit.credit_position(customer=customer)
        exposure = position.open_items + selectors.order_uninvoiced_eur(order=order)
        assert order.status == "open"
        assert not order.deliveries.exists()
        assert hold.limit == position.limit
        assert abs(hold.exposure - exposure) <= CENT
        assert order.number in position.held_orders
        assert Activity.objects.filter(
            subject=f"receivables.credithold:{hold.pk}",
            owner=customer.account_owner_id,
            status="open",
        ).exists()
    for hold in released:
        assert hold.release_reason
        assert hold.released_by.role in {"accounting", "management"}
        assert hold.held_at < hold.released_at
        assert timezone.localtime(hold.released_at).date() < TODAY
        first = Delivery.objects.filter(order=hold.order).order_by("shipped_at").first()
        assert first is None or hold.released_at < first.shipped_at


def test_every_decision_is_in_the_audit_trail():
    demo_build(**MEDIUM)
    notices = list(DunningNotice.objects.select_related("customer", "run"))
    events = list(ReceivablesEvent.objects.all())
    kinds = Counter(event.kind for event in events)

    assert kinds["dunning_decided"] == len(notices)
    assert kinds["dunning_approved"] == sum(
        n.action != "send" and n.status == "sent" for n in notices
    )
    assert kinds["dunning_replaced"] == sum(n.status == "replaced_by_call" for n in notices)
    promises = Counter(PaymentPromise.objects.values_list("status", flat=True))
    assert kinds["promise_recorded"] == promises.total()
    assert (kinds["promise_kept"], kinds["promise_broken"]) == (
        promises["kept"],
        promises["broken"],
    )
    holds = CreditHold.objects
    assert kinds["order_held"] == holds.count()
    assert kinds["order_released"] == holds.filter(released_at__isnull=False).count()
    decided = {e.data["notice"]: e for e in events if e.kind == "dunning_decided"}
    for notice in notices:
        event = decided[notice.pk]
        assert event.customer_id == notice.customer_id
        assert event.at == notice.run.started_at
        assert event.reason == notice.reason
        assert (event.data["level"], event.data["tone"], event.data["action"]) == (
            notice.level,
            notice.tone,
            notice.action,
        )
    assert all(timezone.localtime(event.at).date() <= TODAY for event in events)
    ids_in_time_order = [e.pk for e in sorted(events, key=lambda e: (e.at, e.pk))]
    assert ids_in_time_order == sorted(ids_in_time_order)


def test_the_next_dunning_run_carries_on_from_the_history():
    demo_build(**SMALL)
    sent: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    for invoice_id, level, run_on in DunningItem.objects.order_by(
        "notice__run__run_on"
    ).values_list("invoice_id", "level", "notice__run__run_on"):
        sent[invoice_id].append((level, run_on))
    complained = set(Complaint.objects.values_list("delivery__invoices", flat=True))
    promised = {
        (p.customer_id, i.number)
        for p in PaymentPromise.objects.filter(status="open").prefetch_related("invoices")
        for i in p.invoices.all()
    }

    proposals = dunning.proposals(today=TODAY)

    overdue = selectors.invoice_open_items().filter(due_on__lt=TODAY)
    assert {p.relationship.customer_id for p in proposals} == set(
        overdue.values_list("customer_id", flat=True)
    )
    stepped = 0
    for proposal in proposals:
        customer_id = proposal.relationship.customer_id
        assert {(customer_id, item.number) for item, _why in proposal.held} >= {
            pair for pair in promised if pair[0] == customer_id
        }
        for line in proposal.lines:
            history = sent.get(line.item.invoice_id, [])
            if not history:
                assert line.level == "reminder"
                assert line.item.days_overdue < 14 or line.item.invoice_id in complained
                continue
            last_level, last_on = history[-1]
            assert (line.item.last_level, line.item.last_level_on) == (last_level, last_on)
            step = LEVELS.index(line.level) - LEVELS.index(last_level)
            assert step in (0, 1)  # the level it had, or the next; never one it got before
            if step:
                stepped += 1
                assert (TODAY - last_on).days >= 14
                assert line.item.days_overdue >= DAYS_AFTER_DUE[line.level]
        if proposal.action != "hold":
            new = [line for line in proposal.lines if line.level != line.item.last_level]
            assert new, proposal.reason
    assert stepped


def test_the_result_counts_the_history_and_the_seed_repeats_it():
    result = demo_build(**SMALL)
    first = list(
        DunningNotice.objects.order_by("id").values_list(
            "customer__number", "run__run_on", "level", "tone", "status", "fees", "reason"
        )
    )
    models = (
        DunningRun,
        DunningNotice,
        DunningItem,
        PaymentPromise,
        PaymentPromise.invoices.through,
        CreditHold,
        ReceivablesEvent,
    )

    for model in models:
        assert result.counts[model._meta.label] == model.objects.count() > 0
    demo_build(**SMALL, wipe=True)
    assert (
        list(
            DunningNotice.objects.order_by("id").values_list(
                "customer__number", "run__run_on", "level", "tone", "status", "fees", "reason"
            )
        )
        == first
    )
