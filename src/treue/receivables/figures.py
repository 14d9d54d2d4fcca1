"""Receivables figures for accounting and management: DSO, overdue share, promises kept,
letters by level and segment, and the retention side of dunning (seed 000): did customers buy
less or stop within 12 months after a letter, by the letter's tone?

Company-wide figures read every invoice and order line; they are cached for ten minutes.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, DecimalField, F, Min, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from treue.customers.models import Segment
from treue.orders.models import OrderLine, OrderStatus

from . import selectors
from .models import DunningLevelCode, DunningNotice, DunningTone, NoticeStatus, PaymentPromise

CACHE_SECONDS = 600
_MONEY: DecimalField = DecimalField(max_digits=18, decimal_places=2)
# A letter needs this long behind it before its effect on buying is judged.
RETENTION_MIN_DAYS = 180
LESS = Decimal("0.8")


@dataclass(frozen=True)
class Retention:
    tone: str
    letters: int
    stopped: int
    bought_less: int

    @property
    def kept(self) -> int:
        return self.letters - self.stopped - self.bought_less

    def share(self, n: int) -> float | None:
        return 100 * n / self.letters if self.letters else None

    @property
    def stopped_percent(self) -> float | None:
        return self.share(self.stopped)

    @property
    def less_percent(self) -> float | None:
        return self.share(self.bought_less)

    @property
    def label(self) -> str:
        return str(DunningTone(self.tone).label)


@dataclass(frozen=True)
class ReceivablesFigures:
    today: datetime.date
    open_items: Decimal
    overdue: Decimal
    dso: Decimal | None
    dso_by_segment: dict[str, Decimal | None]
    aging: list[selectors.Bucket]
    promises_kept: int
    promises_broken: int
    promises_open: int
    letters: dict[str, dict[str, int]] = field(default_factory=dict)  # level -> segment -> n
    retention: list[Retention] = field(default_factory=list)

    @property
    def overdue_percent(self) -> float | None:
        return float(100 * self.overdue / self.open_items) if self.open_items else None

    @property
    def promises_kept_percent(self) -> float | None:
        decided = self.promises_kept + self.promises_broken
        return 100 * self.promises_kept / decided if decided else None

    @property
    def letter_rows(self) -> list[tuple[str, list[int], int]]:
        rows = []
        for level in DunningLevelCode:
            counts = [self.letters.get(level, {}).get(s, 0) for s in Segment.values]
            rows.append((str(level.label), counts, sum(counts)))
        return rows


def receivables_figures(*, today: datetime.date | None = None) -> ReceivablesFigures:
    today = today or timezone.localdate()
    key = f"receivables-figures:{today.isoformat()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    figures = _compute(today)
    cache.set(key, figures, CACHE_SECONDS)
    return figures


def _compute(today: datetime.date) -> ReceivablesFigures:
    year_ago = today - datetime.timedelta(days=365)
    aging = selectors.aging(today=today)
    open_items = sum((b.amount for b in aging), Decimal(0))
    overdue = sum((b.amount for b in aging if b.low > 0), Decimal(0))
    promises = dict(
        PaymentPromise.objects.filter(recorded_at__date__gt=year_ago)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    letters: dict[str, dict[str, int]] = defaultdict(dict)
    for level, segment, n in (
        DunningNotice.objects.filter(status=NoticeStatus.SENT, sent_at__date__gt=year_ago)
        .values_list("level", "customer__segment")
        .annotate(n=Count("id"))
        .values_list("level", "customer__segment", "n")
    ):
        letters[level][segment] = n
    return ReceivablesFigures(
        today=today,
        open_items=open_items,
        overdue=overdue,
        dso=selectors.dso(today=today),
        dso_by_segment={s: _segment_dso(today, s) for s in Segment.values},
        aging=aging,
        promises_kept=promises.get("kept", 0),
        promises_broken=promises.get("broken", 0),
        promises_open=promises.get("open", 0),
        letters=dict(letters),
        retention=retention_after_letters(today=today),
    )


def _segment_dso(today: datetime.date, segment: str) -> Decimal | None:
    from .models import Invoice, InvoiceKind

    since = today - datetime.timedelta(days=365)
    sales = Invoice.objects.filter(
        kind=InvoiceKind.INVOICE, issued_on__gt=since, customer__segment=segment
    ).aggregate(eur=Sum(F("gross_amount") * F("exchange_rate"), output_field=_MONEY))["eur"]
    if not sales:
        return None
    open_eur = (
        selectors.invoice_open_items()
        .filter(customer__segment=segment)
        .aggregate(eur=Sum(F("open_amount") * F("exchange_rate"), output_field=_MONEY))["eur"]
    )
    return round((open_eur or Decimal(0)) / sales * 365, 1)


def retention_after_letters(*, today: datetime.date) -> list[Retention]:
    """Per tone, customers whose first letter of the last three years lies at least half a year
    back: how many ordered nothing since (stopped), and how many bought less than 80 % of the
    twelve months before (per day, over at most twelve months after)."""
    since = today - datetime.timedelta(days=3 * 365)
    latest = today - datetime.timedelta(days=RETENTION_MIN_DAYS)
    first_letters = (
        DunningNotice.objects.filter(status=NoticeStatus.SENT, sent_at__date__gte=since)
        .values("customer_id")
        .annotate(first=Min("sent_at"))
    )
    letters: dict[int, datetime.date] = {}
    for row in first_letters:
        day = timezone.localtime(row["first"]).date()
        if day <= latest:
            letters[row["customer_id"]] = day
    if not letters:
        return [Retention(tone, 0, 0, 0) for tone in DunningTone.values]
    # The tone of each customer's first letter: newest first, so the oldest is written last.
    first_tone: dict[int, str] = {}
    for customer_id, tone, _sent in (
        DunningNotice.objects.filter(status=NoticeStatus.SENT, sent_at__date__gte=since)
        .order_by("-sent_at")
        .values_list("customer_id", "tone", "sent_at")
    ):
        first_tone[customer_id] = tone
    monthly: dict[int, dict[datetime.date, Decimal]] = defaultdict(dict)
    rows = (
        OrderLine.objects.filter(
            order__order_date__gte=since - datetime.timedelta(days=365),
        )
        .exclude(order__status=OrderStatus.CANCELLED)
        .annotate(month=TruncMonth("order__order_date"))
        .values("order__customer_id", "month")
        .annotate(
            eur=Sum(F("quantity") * F("net_price") * F("order__exchange_rate"), output_field=_MONEY)
        )
        .values_list("order__customer_id", "month", "eur")
    )
    for customer_id, month, eur in rows:
        if customer_id in letters:
            monthly[customer_id][month] = Decimal(eur or 0)
    counts: dict[str, list[int]] = {tone: [0, 0, 0] for tone in DunningTone.values}
    for customer_id, day in letters.items():
        months = monthly.get(customer_id, {})
        before = sum(
            (v for m, v in months.items() if day - datetime.timedelta(days=365) <= m < day),
            Decimal(0),
        )
        after_days = min((today - day).days, 365)
        after = sum(
            (v for m, v in months.items() if day <= m < day + datetime.timedelta(days=365)),
            Decimal(0),
        )
        tone = first_tone.get(customer_id, DunningTone.FACTUAL)
        counts[tone][0] += 1
        if after == 0:
            counts[tone][1] += 1
        elif before and after / after_days < LESS * before / 365:
            counts[tone][2] += 1
    return [Retention(tone, *counts[tone]) for tone in DunningTone.values]
