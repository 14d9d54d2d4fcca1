"""Delay notices and letters at scale, through treue's real services, on a copy of the bench
database that `run.py` throws away afterwards (the bench database stays as it was built).

    python bench/notices.py --out FILE --mailbox FILE [--changes 10000] [--letters 100]

Run by `run.py` with DATABASE_URL naming the copy and EMAIL_HOST/EMAIL_PORT naming the mail
server it started (`smtp_sink.py`, which writes a line per accepted mail to --mailbox):

1. notices: `--changes` open, not fully delivered order lines promised for today or later, of
   customers whose every delay-notice recipient gets e-mail under the channel policy, are
   postponed by 1-5 days as an ERP's replanning sends them: `POST /api/v1/orders/
   promised-date-changes` with a bearer token, 1,000 lines a request (Django's test client, the
   whole request through all middleware): the lines change, the changes are recorded and one
   notice per order and recipient planned and rendered. Then one sweep of
   `communication_deliver_due`, with a `now` past the wait, sends every e-mail to the mail
   server; the mails it wrote down are counted.
2. letters: delay notices planned the same way for customers whose recipients get letters, then
   `--letters` of them from the print queue rendered to PDF with `letter_pdf` (WeasyPrint).
3. escalation: one pass of `complaints_escalate` (the scheduled job) over every open complaint
   of the demo company: due times kept and the escalations that are due raised as activities.
"""

import argparse
import datetime
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

REASON = "Lieferverzug eines Zulieferers"
WARMUP_PDFS = 2


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--mailbox", type=Path, required=True, help="smtp_sink.py's --out")
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--letters", type=int, default=100)
    args = parser.parse_args()

    from treue.cli import settings_module

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
    import django

    django.setup()
    result = {
        "notices": notices(changes=args.changes, mailbox=args.mailbox),
        "letters": letters(count=args.letters),
        "escalation": escalation(),
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


class QueryCounter:
    """Counts the statements of a block (an execute wrapper costs next to nothing)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def _customers_by_channel() -> dict[int, str]:
    """customer id → the one channel every delay-notice recipient of theirs gets ("mixed" when
    they differ), decided by the channel policy itself."""
    from treue.communications import policy
    from treue.communications.models import CommunicationType, RecipientRule
    from treue.customers.models import Address, AddressKind, Contact, Customer

    rule = RecipientRule.objects.filter(type=CommunicationType.DELAY_NOTICE).first()
    contacts: dict[int, list[Any]] = {}
    for contact in Contact.objects.order_by("customer_id", "last_name", "first_name", "id"):
        contacts.setdefault(contact.customer_id, []).append(contact)
    with_address = set(
        Address.objects.filter(kind=AddressKind.BILLING).values_list("customer_id", flat=True)
    )
    channels = {}
    for customer_id in Customer.objects.values_list("pk", flat=True):
        chosen = policy.recipients(
            rule=rule,
            contacts=contacts.get(customer_id, []),
            has_postal_address=customer_id in with_address,
            customer_language="de",
        )
        kinds = {r.channel if r.contact else "owner" for r in chosen}
        channels[customer_id] = kinds.pop() if len(kinds) == 1 else "mixed"
    return channels


def _open_lines(customer_ids: set[int], *, exclude: set[int] | None = None) -> list[Any]:
    """(line id, promised date, order id) of open, not fully delivered lines promised for today
    or later (a new promise must lie ahead), order by order."""
    from django.db.models import DecimalField, F, Sum, Value
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from treue.orders.models import OrderLine, OrderStatus

    lines = (
        OrderLine.objects.filter(
            order__status__in=[OrderStatus.OPEN, OrderStatus.IN_PRODUCTION],
            promised_date__gte=timezone.localdate(),
        )
        .annotate(
            delivered=Coalesce(
                Sum("delivery_lines__quantity"), Value(0), output_field=DecimalField()
            )
        )
        .filter(delivered__lt=F("quantity"))
        .order_by("order__number", "position")
        .values_list("pk", "promised_date", "order_id", "order__customer_id")
    )
    exclude = exclude or set()
    return [row[:3] for row in lines if row[3] in customer_ids and row[0] not in exclude]


def _moves(lines: list[Any]) -> list[dict[str, Any]]:
    """The API's moves for `lines`: each postponed by 1-5 days."""
    from treue.orders.models import OrderLine

    refs = {
        pk: (number, position)
        for pk, number, position in OrderLine.objects.filter(
            pk__in=[pk for pk, _d, _o in lines]
        ).values_list("pk", "order__number", "position")
    }
    return [
        {
            "order": refs[pk][0],
            "line_no": refs[pk][1],
            "new_date": (promised + datetime.timedelta(days=1 + i % 5)).isoformat(),
        }
        for i, (pk, promised, _order) in enumerate(lines)
    ]


def _replan(moves: list[dict[str, Any]], *, by: Any) -> None:
    """Send `moves` through the API's replanning, `MAX_BULK_CHANGES` a request."""
    from django.test import Client

    from treue.core.tokens import api_token_create
    from treue.orders.schemas import MAX_BULK_CHANGES

    token, key = api_token_create(user=by, name="bench notices")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    try:
        for start in range(0, len(moves), MAX_BULK_CHANGES):
            response = client.post(
                "/api/v1/orders/promised-date-changes",
                {"reason": REASON, "changes": moves[start : start + MAX_BULK_CHANGES]},
                content_type="application/json",
            )
            if response.status_code != 200:
                raise SystemExit(f"replanning refused: {response.status_code} {response.content!r}")
    finally:
        token.delete()


def notices(*, changes: int, mailbox: Path) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from treue.communications.models import (
        Communication,
        CommunicationStatus,
        CommunicationType,
        RecipientRule,
    )
    from treue.communications.policy import DEFAULT_WAIT_SECONDS
    from treue.communications.services import communication_deliver_due
    from treue.core.models import User

    channels = _customers_by_channel()
    email_customers = {pk for pk, channel in channels.items() if channel == "email"}
    lines = _open_lines(email_customers)[:changes]
    if len(lines) < changes:
        # Not enough e-mail customers: the rest from anyone, the channel policy decides.
        chosen = {pk for pk, _d, _o in lines}
        lines += _open_lines(set(channels), exclude=chosen)[: changes - len(lines)]
    planner = User.objects.get(username="production")
    first_id = (Communication.objects.order_by("-pk").values_list("pk", flat=True).first()) or 0
    print(
        f"  delay notices: {len(lines):,} promised-date changes on "
        f"{len({o for _p, _d, o in lines}):,} orders",
        flush=True,
    )

    moves = _moves(lines)
    plan_queries = QueryCounter()
    began = time.perf_counter()
    with connection.execute_wrapper(plan_queries):
        _replan(moves, by=planner)
    planned_at = time.perf_counter()

    ours = Communication.objects.filter(pk__gt=first_id, type=CommunicationType.DELAY_NOTICE)
    by_channel = Counter(ours.values_list("channel", flat=True))
    rule = RecipientRule.objects.filter(type=CommunicationType.DELAY_NOTICE).first()
    wait = rule.wait_seconds if rule else DEFAULT_WAIT_SECONDS
    later = timezone.now() + datetime.timedelta(seconds=wait + 1)
    arrived_before = _mailbox_lines(mailbox)

    send_queries = QueryCounter()
    sent_at = time.perf_counter()
    with connection.execute_wrapper(send_queries):
        delivered = communication_deliver_due(now=later)
    done = time.perf_counter()

    arrived = _mailbox_lines(mailbox)[len(arrived_before) :]
    emails = ours.filter(channel="email")
    statuses = Counter(emails.values_list("status", flat=True))
    result = {
        "changes": len(lines),
        "orders": len({o for _p, _d, o in lines}),
        "communications": sum(by_channel.values()),
        "by_channel": dict(by_channel),
        "plan_s": planned_at - began,
        "send_s": done - sent_at,
        "total_s": done - began,
        "delivered": delivered,
        "emails": sum(statuses.values()),
        "emails_sent": statuses.get(CommunicationStatus.SENT, 0),
        "email_statuses": dict(statuses),
        "arrived": len(arrived),
        "arrived_distinct": len({line.split("\t")[0] for line in arrived}),
        "queries_per_change": plan_queries.count / max(1, len(lines)),
        "queries_per_mail": send_queries.count / max(1, sum(statuses.values())),
        "wait_s": wait,
    }
    print(
        f"  planned {result['communications']:,} notices ({_channels(by_channel)}) in "
        f"{result['plan_s']:.1f} s ({result['queries_per_change']:.1f} queries per change); "
        f"sent {result['emails_sent']:,} e-mails in {result['send_s']:.1f} s "
        f"({result['queries_per_mail']:.1f} queries per mail); {result['arrived']:,} arrived",
        flush=True,
    )
    return result


def _channels(counts: Counter[str]) -> str:
    return ", ".join(f"{n:,} {channel}" for channel, n in counts.most_common())


def _mailbox_lines(mailbox: Path) -> list[str]:
    if not mailbox.exists():
        return []
    return mailbox.read_text(encoding="utf-8").splitlines()


def letters(*, count: int) -> dict[str, Any]:
    """PDFs per second of `letter_pdf` for letters in the print queue."""
    from treue.communications.letters import letter_pdf
    from treue.communications.selectors import letters_to_print
    from treue.core.models import User

    needed = count + WARMUP_PDFS
    queue = list(letters_to_print()[:needed])
    if len(queue) < needed:
        channels = _customers_by_channel()
        letter_customers = {pk for pk, channel in channels.items() if channel == "letter"}
        one_per_order: dict[int, Any] = {}
        for line in _open_lines(letter_customers):
            one_per_order.setdefault(line[2], line)
        _replan(
            _moves(list(one_per_order.values())[:needed]),
            by=User.objects.get(username="production"),
        )
        queue = list(letters_to_print()[:needed])
    if len(queue) <= WARMUP_PDFS:
        return {"na": "no letters in the print queue and no letter customers to plan some for"}
    for communication in queue[:WARMUP_PDFS]:  # WeasyPrint's import, fonts and stylesheet
        letter_pdf(communication=communication)
    sizes = []
    began = time.perf_counter()
    for communication in queue[WARMUP_PDFS:]:
        sizes.append(len(letter_pdf(communication=communication)))
    seconds = time.perf_counter() - began
    result = {
        "count": len(sizes),
        "seconds": seconds,
        "per_second": len(sizes) / seconds,
        "mean_kb": sum(sizes) / len(sizes) / 1024,
    }
    print(
        f"  letters: {result['count']} PDFs in {seconds:.1f} s, {result['per_second']:.1f}/s, "
        f"{result['mean_kb']:.0f} KB each",
        flush=True,
    )
    return result


def escalation() -> dict[str, Any]:
    """The SLA escalation pass over all open complaints, on the wall clock."""
    from treue.activities.models import Activity
    from treue.complaints.models import OPEN_STATUSES, Complaint
    from treue.complaints.services import complaints_escalate

    open_count = Complaint.objects.filter(status__in=OPEN_STATUSES, is_draft=False).count()
    if not open_count:
        return {"na": "no open complaints"}
    activities = Activity.objects.count()
    began = time.perf_counter()
    raised = complaints_escalate()
    seconds = time.perf_counter() - began
    result = {
        "open": open_count,
        "total": Complaint.objects.count(),
        "seconds": seconds,
        "warnings": raised.warnings,
        "breaches": raised.breaches,
        "activities": Activity.objects.count() - activities,
    }
    print(
        f"  escalation pass: {open_count:,} open complaints in {seconds:.2f} s "
        f"({raised.warnings} warnings, {raised.breaches} breaches)",
        flush=True,
    )
    return result


if __name__ == "__main__":
    sys.exit(main())
