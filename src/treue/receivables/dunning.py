"""Dunning with judgement (seed 000): one notice per customer for all overdue items, its level
from the days overdue and the letters sent before, its tone and path from the relationship.

- An invoice under an open complaint is not dunned until the complaint is resolved; nor is one the
  customer promised to pay (an open payment promise).
- Strategic customers (segment A or flagged) never get an automatic letter: the run proposes it to
  the account owner, who approves, edits or replaces it with a call; a final demand to them is a
  call.
- The tone is friendly for a customer late for the first time (none of the invoices of the last
  24 months paid late, no letter in the last 12 months), with open complaints, or of ten years
  and more who is no habitual late payer (at the reminder and the first letter); firm for a
  habitual late payer at the second level or above; factual otherwise.
- Fees and default interest come from the level and are never charged to strategic customers or
  in the friendly tone.
- Every proposal says why, in the reader's language.

`proposals()` is the preview (reads only, a fixed number of queries); `dunning_run()` executes it.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from treue.activities.models import Activity, ActivityOrigin, ActivityStatus
from treue.activities.services import activity_complete, activity_create
from treue.communications.models import CommunicationType
from treue.communications.services import communication_plan
from treue.core.errors import BusinessRuleError
from treue.core.models import User
from treue.core.money import CENT, format_money
from treue.core.roles import Perm, Role
from treue.customers.models import Customer, Segment

from . import selectors
from .credit import _accounting_lead, event_log
from .models import (
    DunningAction,
    DunningItem,
    DunningLevel,
    DunningLevelCode,
    DunningNotice,
    DunningRun,
    DunningTone,
    EventKind,
    Invoice,
    NoticeStatus,
    PaymentPromise,
    PromiseStatus,
    ReceivablesEvent,
)

LEVEL_ORDER = list(DunningLevelCode.values)
# Paid up to this many days after the due date is not "late" (bank days, weekends).
LATE_TOLERANCE_DAYS = 5
HISTORY_DAYS = 730
HABITUAL_LATE_SHARE = 0.5
HABITUAL_MIN_INVOICES = 3
LONG_TENURE_YEARS = 5
# A customer this long who is no habitual late payer hears the early levels in a friendly tone.
LOYAL_YEARS = 10


@dataclass(frozen=True)
class Item:
    invoice_id: int
    number: str
    issued_on: datetime.date
    due_on: datetime.date
    open_amount: Decimal
    currency: str
    exchange_rate: Decimal
    days_overdue: int
    last_level: str | None
    last_level_on: datetime.date | None
    fee_charged: bool
    complaint: str | None
    promised_on: datetime.date | None


@dataclass(frozen=True)
class Relationship:
    customer_id: int
    number: str
    name: str
    segment: str
    is_strategic: bool
    since: datetime.date | None
    paid_24m: int
    late_24m: int
    average_days_late: float | None
    letters_12m: int
    open_complaints: int
    account_owner_id: int | None
    # A proposal or call of an earlier run that the account owner has not decided yet.
    pending_since: datetime.date | None = None

    @property
    def is_key_account(self) -> bool:
        return self.segment == Segment.A or self.is_strategic

    def tenure_years(self, today: datetime.date) -> int:
        return (today - self.since).days // 365 if self.since else 0

    @property
    def is_habitual(self) -> bool:
        if self.paid_24m < HABITUAL_MIN_INVOICES:
            return False
        return self.late_24m / self.paid_24m >= HABITUAL_LATE_SHARE

    @property
    def is_first_time(self) -> bool:
        return self.late_24m == 0 and self.letters_12m == 0


@dataclass
class Line:
    """An overdue invoice in a proposal, with the level it is dunned at now."""

    item: Item
    level: str
    fee: Decimal = Decimal(0)
    interest: Decimal = Decimal(0)


@dataclass
class Proposal:
    relationship: Relationship
    level: str
    tone: str
    action: str
    reason: str
    lines: list[Line] = field(default_factory=list)
    held: list[tuple[Item, str]] = field(default_factory=list)

    @property
    def customer(self) -> str:
        return self.relationship.number

    @property
    def items(self) -> list[str]:
        return [line.item.number for line in self.lines]

    @property
    def fees(self) -> Decimal:
        return sum((line.fee for line in self.lines), Decimal(0))

    @property
    def interest(self) -> Decimal:
        return sum((line.interest for line in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal:
        return sum((line.item.open_amount for line in self.lines), Decimal(0))

    @property
    def level_label(self) -> str:
        return str(DunningLevelCode(self.level).label)

    @property
    def tone_label(self) -> str:
        return str(DunningTone(self.tone).label)

    @property
    def action_label(self) -> str:
        return str(DunningAction(self.action).label)

    def as_api(self) -> dict[str, Any]:
        return {
            "customer": self.customer,
            "name": self.relationship.name,
            "items": self.items,
            "held_items": [item.number for item, _why in self.held],
            "level": self.level,
            "tone": self.tone,
            "action": self.action,
            "reason": self.reason,
            "fees": self.fees,
            "interest": self.interest,
        }


# --- reading what the decision needs ---------------------------------------------------------


def _levels() -> list[DunningLevel]:
    levels = sorted(DunningLevel.objects.all(), key=lambda level: LEVEL_ORDER.index(level.code))
    if not levels:
        raise BusinessRuleError(
            "no_dunning_levels", _("No dunning levels are set up (administration).")
        )
    return levels


def _overdue_items(today: datetime.date, customer_ids: list[int] | None) -> list[dict[str, Any]]:
    items = selectors.invoice_open_items().filter(due_on__lt=today)
    if customer_ids is not None:
        items = items.filter(customer_id__in=customer_ids)
    return list(
        items.values(  # type: ignore[misc]  # open_amount is annotated by the selector
            "id",
            "number",
            "customer_id",
            "order_id",
            "delivery_id",
            "issued_on",
            "due_on",
            "open_amount",
            "currency",
            "exchange_rate",
        )
    )


def _complaints_by_invoice(rows: list[dict[str, Any]]) -> dict[int, str]:
    """Open complaints that cover an invoice: they name it, its delivery, or (without a
    delivery) its whole order."""
    from treue.complaints.models import OPEN_STATUSES, Complaint

    complaints = Complaint.objects.filter(status__in=OPEN_STATUSES, is_draft=False).values_list(
        "number", "invoice_id", "delivery_id", "order_id"
    )
    by_invoice, by_delivery, by_order = {}, {}, {}
    for number, invoice_id, delivery_id, order_id in complaints:
        if invoice_id:
            by_invoice[invoice_id] = number
        elif delivery_id:
            by_delivery[delivery_id] = number
        elif order_id:
            by_order[order_id] = number
    covered: dict[int, str] = {}
    for row in rows:
        complaint = (
            by_invoice.get(row["id"])
            or by_delivery.get(row["delivery_id"])
            or by_order.get(row["order_id"])
        )
        if complaint:
            covered[row["id"]] = complaint
    return covered


def _open_complaint_counts() -> dict[int, int]:
    from treue.complaints.models import OPEN_STATUSES, Complaint

    counts: dict[int, int] = defaultdict(int)
    for customer_id in Complaint.objects.filter(
        status__in=OPEN_STATUSES, is_draft=False
    ).values_list("customer_id", flat=True):
        counts[customer_id] += 1
    return counts


def _dunned(today: datetime.date) -> tuple[dict[int, tuple[str, datetime.date]], set[int]]:
    """Per invoice the highest level sent and when it was first reached (a later notice that
    lists the invoice again at that level does not restart its clock); and the invoices
    charged a flat fee."""
    since = today - datetime.timedelta(days=HISTORY_DAYS)
    sent = DunningItem.objects.filter(
        notice__sent_at__isnull=False, notice__sent_at__date__gte=since
    )
    highest: dict[int, tuple[str, datetime.date]] = {}
    fee_charged: set[int] = set()
    for invoice_id, level, sent_at, fee in sent.values_list(
        "invoice_id", "level", "notice__sent_at", "fee"
    ):
        if fee:
            fee_charged.add(invoice_id)
        current = highest.get(invoice_id)
        day = timezone.localtime(sent_at).date()
        if current is None or (LEVEL_ORDER.index(level), -day.toordinal()) > (
            LEVEL_ORDER.index(current[0]),
            -current[1].toordinal(),
        ):
            highest[invoice_id] = (level, day)
    return highest, fee_charged


def _promises(today: datetime.date) -> dict[int, tuple[datetime.date, set[int] | None]]:
    """Open promises per customer: the latest promised date and the invoices named (None: the
    promise covers all of the customer's items)."""
    result: dict[int, tuple[datetime.date, set[int] | None]] = {}
    promises = PaymentPromise.objects.filter(
        status=PromiseStatus.OPEN, promised_on__gte=today - datetime.timedelta(days=3)
    ).prefetch_related("invoices")
    for promise in promises:
        named = {invoice.pk for invoice in promise.invoices.all()} or None
        day, before = result.get(promise.customer_id, (promise.promised_on, set()))
        covered = None if named is None or before is None else before | named
        result[promise.customer_id] = (max(day, promise.promised_on), covered)
    return result


def _relationships(customer_ids: set[int], today: datetime.date) -> dict[int, Relationship]:
    since = today - datetime.timedelta(days=HISTORY_DAYS)
    paid: dict[int, list[int]] = defaultdict(list)
    settled = (
        Invoice.objects.filter(kind="invoice", due_on__gte=since, due_on__lt=today)
        .filter(allocations__isnull=False)
        .values("id", "customer_id", "due_on")
        .annotate(last=Max("allocations__allocated_on"), gross=F("gross_amount"))
    )
    for row in settled.values_list("customer_id", "due_on", "last"):
        customer_id, due_on, last = row
        if customer_id in customer_ids:
            paid[customer_id].append((last - due_on).days)
    letters: dict[int, int] = defaultdict(int)
    for customer_id in DunningNotice.objects.filter(
        status=NoticeStatus.SENT, sent_at__date__gte=today - datetime.timedelta(days=365)
    ).values_list("customer_id", flat=True):
        letters[customer_id] += 1
    complaints = _open_complaint_counts()
    pending = {
        customer_id: timezone.localtime(started).date()
        for customer_id, started in DunningNotice.objects.filter(
            status__in=[NoticeStatus.PROPOSED, NoticeStatus.CALL]
        ).values_list("customer_id", "run__started_at")
    }
    result = {}
    # A few customers by id; many (a whole run) by reading them all, which is one cheap scan
    # where a long IN list would not be.
    customers = (
        Customer.objects.filter(pk__in=customer_ids)
        if len(customer_ids) < 500
        else Customer.objects.all()
    )
    for customer in customers.values_list(
        "id", "number", "name", "segment", "is_strategic", "customer_since", "account_owner_id"
    ):
        pk = customer[0]
        if pk not in customer_ids:
            continue
        days = paid.get(pk, [])
        late = [d for d in days if d > LATE_TOLERANCE_DAYS]
        result[pk] = Relationship(
            customer_id=pk,
            number=customer[1],
            name=customer[2],
            segment=customer[3],
            is_strategic=customer[4],
            since=customer[5],
            paid_24m=len(days),
            late_24m=len(late),
            average_days_late=(sum(max(d, 0) for d in days) / len(days)) if days else None,
            letters_12m=letters.get(pk, 0),
            open_complaints=complaints.get(pk, 0),
            account_owner_id=customer[6],
            pending_since=pending.get(pk),
        )
    return result


# --- deciding --------------------------------------------------------------------------------


def _interest(item: Item, level: DunningLevel, today: datetime.date) -> Decimal:
    rate = settings.BASE_INTEREST_RATE + level.interest_points
    amount = item.open_amount * item.exchange_rate * rate / 100 * item.days_overdue / 365
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _item_level(item: Item, levels: list[DunningLevel], today: datetime.date) -> str | None:
    """The level an overdue invoice is due for now: by its days overdue, but one step at a time
    and only when the previous step is old enough."""
    by_days = None
    for level in levels:
        if item.days_overdue >= level.days_after_due:
            by_days = level.code
    if item.last_level is None:
        return levels[0].code if by_days is not None else None
    # Positions among the levels set up (accounting may have removed one), not in LEVEL_ORDER.
    rank = LEVEL_ORDER.index(item.last_level)
    last = sum(1 for level in levels if LEVEL_ORDER.index(level.code) <= rank) - 1
    wanted = [level.code for level in levels].index(by_days) if by_days is not None else last
    if wanted <= last or last + 1 >= len(levels):
        return item.last_level
    step = levels[last + 1]
    assert item.last_level_on is not None  # noqa: S101 - set with last_level
    if (today - item.last_level_on).days < step.days_since_previous:
        return item.last_level
    return step.code


def decide(
    relationship: Relationship,
    items: list[Item],
    levels: list[DunningLevel],
    today: datetime.date,
) -> Proposal:
    """The proposal for one customer with overdue `items` (pure; no database)."""
    by_code = {level.code: level for level in levels}
    held: list[tuple[Item, str]] = []
    candidates: list[Item] = []
    for item in sorted(items, key=lambda i: (i.due_on, i.number)):
        if item.complaint:
            held.append((item, _("open complaint %(complaint)s") % {"complaint": item.complaint}))
        elif item.promised_on is not None:
            held.append(
                (
                    item,
                    _("payment promised by %(date)s")
                    % {"date": date_format(item.promised_on, "SHORT_DATE_FORMAT")},
                )
            )
        else:
            candidates.append(item)
    reasons: list[str] = []
    if held:
        reasons.append(
            _("Not dunned: %(items)s.")
            % {"items": "; ".join(f"{item.number} ({why})" for item, why in held)}
        )
    if relationship.pending_since is not None and candidates:
        return Proposal(
            relationship,
            level=levels[0].code,
            tone=DunningTone.FACTUAL,
            action=DunningAction.HOLD,
            reason=" ".join(
                [
                    _("The proposal of %(date)s awaits the account owner's decision.")
                    % {"date": date_format(relationship.pending_since, "SHORT_DATE_FORMAT")},
                    *reasons,
                ]
            ),
            lines=[Line(item, item.last_level or levels[0].code) for item in candidates],
            held=held,
        )
    if not candidates:
        return Proposal(
            relationship,
            level=levels[0].code,
            tone=DunningTone.FRIENDLY,
            action=DunningAction.HOLD,
            reason=" ".join([_("Every overdue invoice is held."), *reasons]),
            held=held,
        )

    lines = []
    stepped = False
    for item in candidates:
        level = _item_level(item, levels, today)
        if level is None:
            level = levels[0].code
        else:
            stepped = stepped or level != item.last_level
        lines.append(Line(item, level))
    level = max((line.level for line in lines), key=LEVEL_ORDER.index)
    oldest = max(candidates, key=lambda i: i.days_overdue)
    summary = ngettext(
        "%(n)s invoice overdue, %(days)s days, %(amount)s.",
        "%(n)s invoices overdue, the oldest %(days)s days, %(amount)s in all.",
        len(candidates),
    ) % {
        "n": len(candidates),
        "days": oldest.days_overdue,
        "amount": format_money(sum((i.open_amount for i in candidates), Decimal(0)),
                               oldest.currency),
    }  # fmt: skip
    reasons.insert(0, summary)

    if not stepped:
        first_level = by_code[levels[0].code]
        letters = [
            (i.last_level_on, i.last_level) for i in candidates if i.last_level and i.last_level_on
        ]
        if not letters:
            why = _("The reminder goes out %(days)s days after the due date.") % {
                "days": first_level.days_after_due
            }
        else:
            on, last_level = max(letters)
            why = _("Last letter (%(level)s) on %(date)s; the next step is not due yet.") % {
                "level": DunningLevelCode(last_level).label,
                "date": date_format(on, "SHORT_DATE_FORMAT"),
            }
        return Proposal(
            relationship,
            level=level,
            tone=DunningTone.FACTUAL,
            action=DunningAction.HOLD,
            reason=" ".join([summary, why, *reasons[1:]]),
            lines=lines,
            held=held,
        )

    reasons.append(
        _("Level %(level)s: the oldest invoice is %(days)s days past due.")
        % {"level": DunningLevelCode(level).label, "days": oldest.days_overdue}
    )
    tenure = relationship.tenure_years(today)
    if relationship.is_first_time:
        tone = DunningTone.FRIENDLY
        reasons.append(_("Friendly: the first time late in two years."))
    elif relationship.open_complaints:
        tone = DunningTone.FRIENDLY
        reasons.append(
            ngettext(
                "Friendly: %(n)s complaint of the customer is still open.",
                "Friendly: %(n)s complaints of the customer are still open.",
                relationship.open_complaints,
            )
            % {"n": relationship.open_complaints}
        )
    elif tenure >= LOYAL_YEARS and not relationship.is_habitual and LEVEL_ORDER.index(level) < 2:
        tone = DunningTone.FRIENDLY
        reasons.append(
            _("Friendly: a customer for %(years)s years who does not pay late as a habit.")
            % {"years": tenure}
        )
    elif relationship.is_habitual and LEVEL_ORDER.index(level) >= 2:
        tone = DunningTone.FIRM
        reasons.append(
            _("Firm: %(late)s of %(paid)s invoices of the last two years were paid late.")
            % {"late": relationship.late_24m, "paid": relationship.paid_24m}
        )
    else:
        tone = DunningTone.FACTUAL
        if relationship.is_habitual:
            reasons.append(
                _("Factual: paid late often (%(late)s of %(paid)s), but at an early level.")
                % {"late": relationship.late_24m, "paid": relationship.paid_24m}
            )
        elif relationship.late_24m == 0:
            reasons.append(_("Factual: a letter went out in the last twelve months already."))
        else:
            reasons.append(
                _("Factual: paid late %(late)s of %(paid)s times in two years.")
                % {"late": relationship.late_24m, "paid": relationship.paid_24m}
            )

    if relationship.is_key_account:
        who = _("strategic customer") if relationship.is_strategic else _("A customer")
        if level == DunningLevelCode.FINAL:
            action = DunningAction.CALL
            reasons.append(
                _("A call, not a final demand: %(who)s; the account owner calls.") % {"who": who}
            )
        else:
            action = DunningAction.PROPOSE
            reasons.append(
                _("Proposed, not sent: %(who)s; the account owner approves, edits or calls.")
                % {"who": who}
            )
    elif (
        level == DunningLevelCode.FINAL
        and tenure >= LONG_TENURE_YEARS
        and not (relationship.is_habitual)
    ):
        action = DunningAction.CALL
        reasons.append(
            _("A call before the final demand: a customer for %(years)s years.") % {"years": tenure}
        )
    else:
        action = DunningAction.SEND
        reasons.append(
            _("A letter goes out: segment %(segment)s, not strategic.")
            % {"segment": relationship.segment.upper()}
        )

    charge = not relationship.is_key_account and tone != DunningTone.FRIENDLY
    for line in lines:
        step = by_code[line.level]
        if not charge:
            continue
        if step.flat_fee and not line.item.fee_charged:
            line.fee = step.flat_fee
        if step.charges_interest:
            line.interest = _interest(line.item, step, today)
    chargeable = any(
        by_code[line.level].flat_fee or by_code[line.level].charges_interest for line in lines
    )
    if chargeable and not charge:
        reasons.append(
            _("No fees or interest: strategic customer.")
            if relationship.is_key_account
            else _("No fees or interest in a friendly letter.")
        )
    return Proposal(
        relationship,
        level=level,
        tone=tone,
        action=action,
        reason=" ".join(reasons),
        lines=lines,
        held=held,
    )


def proposals(
    *, today: datetime.date | None = None, customer_ids: list[int] | None = None
) -> list[Proposal]:
    """What a dunning run would do now: one proposal per customer with overdue items."""
    today = today or timezone.localdate()
    levels = _levels()
    rows = _overdue_items(today, customer_ids)
    if not rows:
        return []
    complaints = _complaints_by_invoice(rows)
    dunned, fee_charged = _dunned(today)
    promises = _promises(today)
    by_customer: dict[int, list[Item]] = defaultdict(list)
    for row in rows:
        promise = promises.get(row["customer_id"])
        promised_on = None
        if promise is not None and (promise[1] is None or row["id"] in promise[1]):
            promised_on = promise[0]
        last = dunned.get(row["id"])
        by_customer[row["customer_id"]].append(
            Item(
                invoice_id=row["id"],
                number=row["number"],
                issued_on=row["issued_on"],
                due_on=row["due_on"],
                open_amount=Decimal(row["open_amount"]).quantize(CENT),
                currency=row["currency"],
                exchange_rate=row["exchange_rate"],
                days_overdue=(today - row["due_on"]).days,
                last_level=last[0] if last else None,
                last_level_on=last[1] if last else None,
                fee_charged=row["id"] in fee_charged,
                complaint=complaints.get(row["id"]),
                promised_on=promised_on,
            )
        )
    relationships = _relationships(set(by_customer), today)
    result = [
        decide(relationships[customer_id], items, levels, today)
        for customer_id, items in by_customer.items()
        if customer_id in relationships
    ]
    result.sort(key=lambda p: (p.relationship.name, p.relationship.number))
    return result


# --- executing -------------------------------------------------------------------------------

STATUS_BY_ACTION = {
    DunningAction.SEND: NoticeStatus.SENT,
    DunningAction.PROPOSE: NoticeStatus.PROPOSED,
    DunningAction.CALL: NoticeStatus.CALL,
    DunningAction.HOLD: NoticeStatus.HELD,
}


@dataclass(frozen=True)
class RunResult:
    run: DunningRun
    notices: list[DunningNotice]

    def count(self, status: str) -> int:
        return sum(1 for notice in self.notices if notice.status == status)


@transaction.atomic
def dunning_run(
    *, by: User | None, today: datetime.date | None = None, customer_ids: list[int] | None = None
) -> RunResult:
    """Execute the preview: letters go out through the communications core, proposals and
    calls become activities of the account owner, holds are recorded with their reason."""
    today = today or timezone.localdate()
    run = DunningRun.objects.create(run_on=today, by=by)
    notices = []
    for proposal in proposals(today=today, customer_ids=customer_ids):
        notice = DunningNotice.objects.create(
            run=run,
            customer_id=proposal.relationship.customer_id,
            level=proposal.level,
            tone=proposal.tone,
            action=proposal.action,
            status=STATUS_BY_ACTION[DunningAction(proposal.action)],
            reason=proposal.reason,
            fees=proposal.fees,
            interest=proposal.interest,
            held_items=[{"invoice": item.number, "why": why} for item, why in proposal.held],
        )
        DunningItem.objects.bulk_create(
            DunningItem(
                notice=notice,
                invoice_id=line.item.invoice_id,
                level=line.level,
                open_amount=line.item.open_amount,
                days_overdue=line.item.days_overdue,
                fee=line.fee,
                interest=line.interest,
            )
            for line in proposal.lines
        )
        notices.append(notice)
        event_log(
            kind=EventKind.DUNNING_DECIDED,
            customer=notice.customer_id,
            by=by,
            reason=proposal.reason,
            data={
                "notice": notice.pk,
                "level": notice.level,
                "tone": notice.tone,
                "action": notice.action,
                "items": proposal.items,
            },
        )
        if notice.action == DunningAction.SEND:
            _send(notice, by=by)
        elif notice.action in {DunningAction.PROPOSE, DunningAction.CALL}:
            _ask_account_owner(notice, by=by)
    return RunResult(run, notices)


def notice_items(notice: DunningNotice) -> list[dict[str, Any]]:
    return [
        {
            "number": item.invoice.number,
            "issued_on": item.invoice.issued_on.isoformat(),
            "due_on": item.invoice.due_on.isoformat(),
            "open": f"{item.open_amount:.2f}",
            "currency": item.invoice.currency,
            "days": item.days_overdue,
            "level": item.level,
            "fee": f"{item.fee:.2f}",
            "interest": f"{item.interest:.2f}",
        }
        for item in notice.items.select_related("invoice").order_by("invoice__due_on", "id")
    ]


def notice_communication_item(notice: DunningNotice) -> dict[str, Any]:
    """What the communication of a notice carries: its invoices, totals, tone and note."""
    items = notice_items(notice)
    total = sum((Decimal(i["open"]) for i in items), Decimal(0))
    return {
        "key": f"dunning:{notice.pk}",
        "notice": notice.pk,
        "level": notice.level,
        "tone": notice.tone,
        "invoices": items,
        "total": f"{total:.2f}",
        "currency": items[0]["currency"] if items else notice.customer.currency,
        "fees": f"{notice.fees:.2f}",
        "interest": f"{notice.interest:.2f}",
        "note": notice.note,
    }


def _send(notice: DunningNotice, *, by: User | None) -> None:
    customer = Customer.objects.get(pk=notice.customer_id)
    communications = communication_plan(
        type=CommunicationType.DUNNING,
        customer=customer,
        items=[notice_communication_item(notice)],
        by=by,
    )
    notice.communications.set(communications)
    notice.status = NoticeStatus.SENT
    notice.sent_at = timezone.now()
    notice.save(update_fields=["status", "sent_at"])


def _ask_account_owner(notice: DunningNotice, *, by: User | None) -> None:
    customer = Customer.objects.select_related("account_owner").get(pk=notice.customer_id)
    owner = customer.account_owner or _accounting_lead()
    if owner is None:
        return
    link = settings.TREUE_BASE_URL + reverse("receivables:notice", args=[notice.pk])
    with override(owner.language):
        if notice.action == DunningAction.CALL:
            title = _("Call %(customer)s about overdue invoices") % {"customer": customer.name}
        else:
            title = _("Approve the dunning letter to %(customer)s") % {"customer": customer.name}
        description = f"{notice.reason}\n\n{link}"
    activity_create(
        title=title[:200],
        owner=owner,
        due_on=timezone.localdate() + datetime.timedelta(days=2),
        customer=customer,
        subject=f"receivables.dunningnotice:{notice.pk}",
        description=description,
        origin=ActivityOrigin.SYSTEM,
        by=by,
    )


def may_decide(*, user: User, notice: DunningNotice) -> bool:
    """The account owner decides on a proposal for their customer; accounting and management
    on any."""
    if not user.has_treue_perm(Perm.DUNNING_DECIDE):
        return False
    if user.role in {Role.ACCOUNTING, Role.MANAGEMENT, Role.ADMIN} or user.is_superuser:
        return True
    return notice.customer.account_owner_id == user.pk


def _decidable(notice: DunningNotice, user: User) -> DunningNotice:
    notice = DunningNotice.objects.select_for_update().select_related("customer").get(pk=notice.pk)
    if not may_decide(user=user, notice=notice):
        raise BusinessRuleError(
            "not_account_owner",
            _("Only the account owner, accounting or management decide on this letter."),
        )
    if notice.status not in {NoticeStatus.PROPOSED, NoticeStatus.CALL}:
        raise BusinessRuleError(
            "notice_decided", _("This dunning notice has been decided already.")
        )
    return notice


def _request_done(notice: DunningNotice, by: User) -> None:
    """The decision is taken: the account owner's activity asking for it is done."""
    for activity in Activity.objects.filter(
        subject=f"receivables.dunningnotice:{notice.pk}", status=ActivityStatus.OPEN
    ):
        activity_complete(activity=activity, by=by)


@transaction.atomic
def notice_approve(
    *, notice: DunningNotice, by: User, tone: str | None = None, note: str = ""
) -> DunningNotice:
    """The account owner sends the proposed letter, in the tone chosen and with a personal note."""
    notice = _decidable(notice, by)
    if tone is not None:
        if tone not in DunningTone.values:
            raise BusinessRuleError("tone_unknown", _("Unknown tone %s.") % tone)
        notice.tone = tone
    notice.note = note.strip()
    notice.decided_by = by
    notice.decided_at = timezone.now()
    notice.save(update_fields=["tone", "note", "decided_by", "decided_at"])
    ReceivablesEvent.objects.create(
        kind=EventKind.DUNNING_APPROVED,
        customer_id=notice.customer_id,
        by=by,
        reason=notice.note,
        data={"notice": notice.pk, "tone": notice.tone, "level": notice.level},
    )
    _send(notice, by=by)
    _request_done(notice, by)
    return notice


@transaction.atomic
def notice_replace_by_call(*, notice: DunningNotice, by: User, note: str) -> DunningNotice:
    """No letter: the account owner calls (and records the conversation as an interaction)."""
    notice = _decidable(notice, by)
    note = note.strip()
    if not note:
        raise BusinessRuleError("reason_required", _("Say what the call agreed or why."))
    notice.status = NoticeStatus.REPLACED_BY_CALL
    notice.note = note
    notice.decided_by = by
    # The call dunned the items at this level: the next step follows from its date.
    notice.decided_at = notice.sent_at = timezone.now()
    notice.save(update_fields=["status", "note", "decided_by", "decided_at", "sent_at"])
    ReceivablesEvent.objects.create(
        kind=EventKind.DUNNING_REPLACED,
        customer_id=notice.customer_id,
        by=by,
        reason=note,
        data={"notice": notice.pk, "level": notice.level},
    )
    _request_done(notice, by)
    return notice
