"""Complaint figures of the last 12 months: how many per 100 deliveries (by product line, cause
and department), how fast they are acknowledged and resolved, how often the service levels hold,
how satisfied customers are afterwards, and how often the same trouble comes back.

Complaints count by the day they came in, deliveries by the day they shipped. A complaint counts
for the product lines of its delivery (of its order when it names no delivery).
"""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone, translation

from treue.core.models import Department
from treue.orders.models import Delivery, DeliveryLine, OrderLine, ProductLine

from .models import CauseCategory, Complaint, ComplaintStatus

REPEAT_DAYS = 90
CACHE_SECONDS = 600


@dataclass(frozen=True)
class Rate:
    complaints: int
    deliveries: int

    @property
    def per_100(self) -> float | None:
        return 100 * self.complaints / self.deliveries if self.deliveries else None


@dataclass(frozen=True)
class Compliance:
    decided: int
    in_time: int

    @property
    def percent(self) -> float | None:
        return 100 * self.in_time / self.decided if self.decided else None


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    rate: Rate
    median_resolve_hours: float | None = None


@dataclass
class ComplaintFigures:
    first: datetime.date
    total: Rate
    open_now: int
    median_acknowledge_hours: float | None
    median_resolve_hours: float | None
    compliance: dict[str, Compliance]
    satisfaction_average: float | None
    satisfaction_answers: int
    satisfaction_asked: int
    repeats: int
    product_lines: list[Row] = field(default_factory=list)
    causes: list[Row] = field(default_factory=list)
    departments: list[Row] = field(default_factory=list)
    suppliers: list[tuple[str, int]] = field(default_factory=list)

    @property
    def repeat_percent(self) -> float | None:
        return 100 * self.repeats / self.total.complaints if self.total.complaints else None


def _hours(pairs: list[tuple[datetime.datetime, datetime.datetime | None]]) -> float | None:
    values = [(end - start).total_seconds() / 3600 for start, end in pairs if end is not None]
    return statistics.median(values) if values else None


def _repeats(rows: list[tuple[int, str, datetime.datetime]], first: datetime.datetime) -> int:
    """Complaints from `first` on whose customer complained of the same cause within the 90
    days before (`rows` reach 90 days further back)."""
    last_seen: dict[tuple[int, str], datetime.datetime] = {}
    repeats = 0
    window = datetime.timedelta(days=REPEAT_DAYS)
    for customer_id, cause, received_at in sorted(rows, key=lambda row: row[2]):
        if not cause:
            continue
        previous = last_seen.get((customer_id, cause))
        if received_at >= first and previous is not None and received_at - previous <= window:
            repeats += 1
        last_seen[customer_id, cause] = received_at
    return repeats


def complaint_figures(
    *,
    today: datetime.date | None = None,
    customer_id: int | None = None,
    department_id: int | None = None,
) -> ComplaintFigures:
    """The figures of the 12 months up to `today`, for one customer, one responsible department
    or everything. The company-wide ones are kept for CACHE_SECONDS (they read every delivery of
    the year)."""
    today = today or timezone.localdate()
    # Labels are in the reader's language: one entry per language.
    language = translation.get_language()
    key = f"complaints:figures:{today}:{customer_id}:{department_id}:{language}"
    cached: ComplaintFigures | None = cache.get(key)
    if cached is None:
        cached = _figures(today=today, customer_id=customer_id, department_id=department_id)
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def _figures(
    *, today: datetime.date, customer_id: int | None, department_id: int | None
) -> ComplaintFigures:
    first = today - datetime.timedelta(days=365)
    start = datetime.datetime.combine(
        first, datetime.time(), tzinfo=timezone.get_current_timezone()
    )
    complaints = Complaint.objects.filter(is_draft=False)
    deliveries = Delivery.objects.filter(shipped_on__gte=first, shipped_on__lte=today)
    if customer_id is not None:
        complaints = complaints.filter(customer_id=customer_id)
        deliveries = deliveries.filter(order__customer_id=customer_id)
    if department_id is not None:
        complaints = complaints.filter(department_id=department_id)
    open_now = complaints.exclude(
        status__in=[ComplaintStatus.CLOSED, ComplaintStatus.REJECTED]
    ).count()
    period = complaints.filter(received_at__gte=start)
    delivery_count = deliveries.count()
    rows = list(
        period.values_list(
            "pk",
            "received_at",
            "acknowledged_at",
            "resolved_at",
            "cause_category",
            "department_id",
            "delivery_id",
            "order_id",
        )
    )
    total = Rate(complaints=len(rows), deliveries=delivery_count)
    flags = period.aggregate(
        **{
            f"{name}_decided": Count("pk", filter=Q(**{f"{name}_late__isnull": False}))
            for name in ("acknowledged", "proposed", "resolved")
        },
        **{
            f"{name}_in_time": Count("pk", filter=Q(**{f"{name}_late": False}))
            for name in ("acknowledged", "proposed", "resolved")
        },
        satisfaction=Avg("satisfaction_score"),
        answers=Count("pk", filter=Q(satisfaction_score__isnull=False)),
        asked=Count("pk", filter=Q(status=ComplaintStatus.CLOSED)),
    )
    compliance = {
        target: Compliance(decided=flags[f"{name}_decided"], in_time=flags[f"{name}_in_time"])
        for target, name in (
            ("acknowledge", "acknowledged"),
            ("propose", "proposed"),
            ("resolve", "resolved"),
        )
    }
    history = list(
        complaints.filter(
            received_at__gte=start - datetime.timedelta(days=REPEAT_DAYS)
        ).values_list("customer_id", "cause_category", "received_at")
    )
    figures = ComplaintFigures(
        first=first,
        total=total,
        open_now=open_now,
        median_acknowledge_hours=_hours([(r[1], r[2]) for r in rows]),
        median_resolve_hours=_hours([(r[1], r[3]) for r in rows]),
        compliance=compliance,
        satisfaction_average=flags["satisfaction"],
        satisfaction_answers=flags["answers"],
        satisfaction_asked=flags["asked"],
        repeats=_repeats(history, start),
    )
    figures.causes = _by_cause(rows, delivery_count)
    figures.departments = _by_department(rows, delivery_count)
    figures.product_lines = _by_product_line(rows, deliveries)
    figures.suppliers = list(
        period.filter(cause_category=CauseCategory.PURCHASED_COMPONENT)
        .exclude(supplier="")
        .values("supplier")
        .annotate(n=Count("pk"))
        .order_by("-n", "supplier")
        .values_list("supplier", "n")[:10]
    )
    return figures


def _by_cause(rows: list[tuple], deliveries: int) -> list[Row]:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        if row[4]:
            counts[row[4]] += 1
    return [
        Row(key=cause.value, label=str(cause.label), rate=Rate(counts[cause.value], deliveries))
        for cause in CauseCategory
        if counts[cause.value]
    ]


def _by_department(rows: list[tuple], deliveries: int) -> list[Row]:
    grouped: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        if row[5] is not None:
            grouped[row[5]].append(row)
    names = dict(Department.objects.filter(pk__in=grouped).values_list("pk", "name"))
    return sorted(
        (
            Row(
                key=str(pk),
                label=names.get(pk, "–"),
                rate=Rate(len(items), deliveries),
                median_resolve_hours=_hours([(r[1], r[3]) for r in items]),
            )
            for pk, items in grouped.items()
        ),
        key=lambda row: -row.rate.complaints,
    )


def _by_product_line(rows: list[tuple], deliveries: QuerySet[Delivery]) -> list[Row]:
    """Per product line: complaints about deliveries (or orders) holding it, per 100 of its
    deliveries."""
    shipped = dict(
        DeliveryLine.objects.filter(delivery__in=deliveries)
        .values("order_line__product__product_line")
        .annotate(n=Count("delivery_id", distinct=True))
        .values_list("order_line__product__product_line", "n")
    )
    delivery_ids = {r[6] for r in rows if r[6] is not None}
    order_ids = {r[7] for r in rows if r[6] is None and r[7] is not None}
    lines_of_delivery: dict[int, set[str]] = defaultdict(set)
    for start in range(0, len(delivery_ids), 2000):
        chunk = list(delivery_ids)[start : start + 2000]
        for delivery_id, line in DeliveryLine.objects.filter(delivery_id__in=chunk).values_list(
            "delivery_id", "order_line__product__product_line"
        ):
            lines_of_delivery[delivery_id].add(line)
    lines_of_order: dict[int, set[str]] = defaultdict(set)
    for start in range(0, len(order_ids), 2000):
        chunk = list(order_ids)[start : start + 2000]
        for order_id, line in OrderLine.objects.filter(order_id__in=chunk).values_list(
            "order_id", "product__product_line"
        ):
            lines_of_order[order_id].add(line)
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        held = lines_of_delivery.get(row[6], set()) if row[6] else lines_of_order.get(row[7], set())
        for line in held:
            counts[line] += 1
    return [
        Row(
            key=line.value,
            label=str(line.label),
            rate=Rate(counts[line.value], shipped.get(line.value, 0)),
        )
        for line in ProductLine
        if counts[line.value] or shipped.get(line.value)
    ]


@dataclass(frozen=True)
class CustomerComplaints:
    total: Rate
    open_now: int
    satisfaction_average: float | None
    repeats: int


def customer_complaints(*, customer_id: int, today: datetime.date) -> CustomerComplaints:
    """One customer's complaints for the 360 page, in two queries."""
    first = today - datetime.timedelta(days=365)
    start = datetime.datetime.combine(
        first, datetime.time(), tzinfo=timezone.get_current_timezone()
    )
    rows = list(
        Complaint.objects.filter(
            customer_id=customer_id,
            is_draft=False,
            received_at__gte=start - datetime.timedelta(days=REPEAT_DAYS),
        ).values_list("received_at", "status", "cause_category", "satisfaction_score")
        | Complaint.objects.filter(customer_id=customer_id, is_draft=False)
        .exclude(status__in=[ComplaintStatus.CLOSED, ComplaintStatus.REJECTED])
        .values_list("received_at", "status", "cause_category", "satisfaction_score")
    )
    recent = [row for row in rows if row[0] >= start]
    scores = [row[3] for row in recent if row[3] is not None]
    deliveries = Delivery.objects.filter(
        order__customer_id=customer_id, shipped_on__gte=first, shipped_on__lte=today
    ).count()
    return CustomerComplaints(
        total=Rate(complaints=len(recent), deliveries=deliveries),
        open_now=sum(
            1 for row in rows if row[1] not in (ComplaintStatus.CLOSED, ComplaintStatus.REJECTED)
        ),
        satisfaction_average=statistics.mean(scores) if scores else None,
        repeats=_repeats([(customer_id, row[2], row[0]) for row in rows], start),
    )
