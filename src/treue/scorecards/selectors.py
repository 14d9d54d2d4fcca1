"""Reads of the delivery-reliability figures: the snapshot for the scorecard, one customer live.

Every function answers in a fixed number of queries, whatever the number of order lines.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from treue.orders.models import ProductLine

from .figures import (
    AnnouncementCount,
    OtifCount,
    Window,
    announcements_for_customer,
    otif_for_customer,
)
from .models import (
    AnnouncementMonth,
    DeliveryFiguresState,
    OtifCustomer,
    OtifMonth,
    SparePartLeadTime,
)

# A customer with fewer decided lines in 12 months says little with its OTIF.
RANKING_MIN_LINES = 10
WORST_CUSTOMERS = 20
# Upper bounds of the lead-time buckets in hours; the last bucket is everything longer.
LEAD_TIME_BUCKETS = (24, 48, 72, 120)

_NO_ANNOUNCEMENTS = AnnouncementCount(0, 0, 0, 0, 0)


@dataclass(frozen=True)
class MonthRow:
    month: datetime.date
    otif: OtifCount
    announcements: AnnouncementCount


@dataclass(frozen=True)
class ProductLineRow:
    product_line: str
    label: str
    otif: OtifCount


@dataclass(frozen=True)
class CustomerRow:
    number: str
    name: str
    url: str
    otif: OtifCount


@dataclass(frozen=True)
class LeadTimeBucket:
    up_to_hours: int | None  # None: longer than the last bound
    orders: int
    percent: float | None

    @property
    def label(self) -> str:
        if self.up_to_hours is None:
            return _("longer")
        if self.up_to_hours > 72 and self.up_to_hours % 24 == 0:
            return _("up to %(days)s days") % {"days": self.up_to_hours // 24}
        return _("up to %(hours)s h") % {"hours": self.up_to_hours}


@dataclass(frozen=True)
class SparePartFigures:
    target_hours: int
    buckets: list[LeadTimeBucket]
    shipped: int
    not_shipped: int
    within_target: int
    median_hours: int | None

    @property
    def total(self) -> int:
        return self.shipped + self.not_shipped

    @property
    def within_target_percent(self) -> float | None:
        return 100 * self.within_target / self.shipped if self.shipped else None

    @property
    def not_shipped_percent(self) -> float | None:
        return 100 * self.not_shipped / self.total if self.total else None


@dataclass(frozen=True)
class DeliveryScorecard:
    state: DeliveryFiguresState | None
    months: list[MonthRow]
    last_12: OtifCount
    announcements_12: AnnouncementCount
    product_lines: list[ProductLineRow]
    worst_customers: list[CustomerRow]
    ranking_min_lines: int
    spare_parts: SparePartFigures

    @property
    def has_data(self) -> bool:
        return bool(
            self.last_12.decided
            or any(m.otif.decided or m.announcements.postponements for m in self.months)
            or self.spare_parts.total
        )


def delivery_figures_state() -> DeliveryFiguresState | None:
    return DeliveryFiguresState.objects.filter(pk=1).first()


def delivery_scorecard() -> DeliveryScorecard:
    """The scorecard of shipping and production, from the snapshot (seven queries)."""
    state = delivery_figures_state()
    window = Window.ending(state.as_of) if state and state.as_of else None
    if state is None or window is None:
        return _empty_scorecard(state)
    otif_rows = list(
        OtifMonth.objects.values_list("month", "product_line", "decided_lines", "on_time_lines")
    )
    by_month: dict[datetime.date, list[int]] = {}
    by_line: dict[str, list[int]] = {}
    for month, product_line, decided, on_time in otif_rows:
        totals = by_month.setdefault(month, [0, 0])
        totals[0] += decided
        totals[1] += on_time
        if window.last_12 <= month < window.end:
            line_totals = by_line.setdefault(product_line, [0, 0])
            line_totals[0] += decided
            line_totals[1] += on_time
    announcements = {
        a.month: AnnouncementCount(
            a.postponements,
            a.announced_before,
            a.announced_on_the_day,
            a.announced_late,
            a.notice_days_sum,
        )
        for a in AnnouncementMonth.objects.all()
    }
    ahead = sorted((m for m in by_month if m >= window.end), reverse=True)
    months = [
        MonthRow(
            month=month,
            otif=OtifCount(*by_month.get(month, (0, 0))),
            announcements=announcements.get(month, _NO_ANNOUNCEMENTS),
        )
        for month in [*ahead, *window.months()]
    ]
    last_12 = [m for m in months if window.last_12 <= m.month < window.end]
    labels = dict(ProductLine.choices)
    return DeliveryScorecard(
        state=state,
        months=months,
        last_12=OtifCount(
            decided=sum(m.otif.decided for m in last_12),
            on_time=sum(m.otif.on_time for m in last_12),
        ),
        announcements_12=_sum_announcements([m.announcements for m in last_12]),
        product_lines=[
            ProductLineRow(
                product_line=code, label=str(labels.get(code, code)), otif=OtifCount(*by_line[code])
            )
            for code in sorted(by_line, key=lambda c: list(labels).index(c) if c in labels else 99)
        ],
        worst_customers=_worst_customers(),
        ranking_min_lines=RANKING_MIN_LINES,
        spare_parts=_spare_parts(),
    )


def _empty_scorecard(state: DeliveryFiguresState | None) -> DeliveryScorecard:
    return DeliveryScorecard(
        state=state,
        months=[],
        last_12=OtifCount(0, 0),
        announcements_12=_NO_ANNOUNCEMENTS,
        product_lines=[],
        worst_customers=[],
        ranking_min_lines=RANKING_MIN_LINES,
        spare_parts=_spare_part_figures([]),
    )


def _sum_announcements(counts: list[AnnouncementCount]) -> AnnouncementCount:
    return AnnouncementCount(
        postponements=sum(c.postponements for c in counts),
        before=sum(c.before for c in counts),
        on_the_day=sum(c.on_the_day for c in counts),
        late=sum(c.late for c in counts),
        notice_days=sum(c.notice_days for c in counts),
    )


def _worst_customers() -> list[CustomerRow]:
    rows = (
        OtifCustomer.objects.filter(decided_lines__gte=RANKING_MIN_LINES)
        .order_by("otif", "-decided_lines", "customer__name")
        .values_list("customer__number", "customer__name", "decided_lines", "on_time_lines")[
            :WORST_CUSTOMERS
        ]
    )
    list_url = reverse("customers:list")
    return [
        CustomerRow(
            number=number,
            name=name,
            url=f"{list_url}{quote(number)}/",
            otif=OtifCount(decided=decided, on_time=on_time),
        )
        for number, name, decided, on_time in rows
    ]


def _spare_parts() -> SparePartFigures:
    return _spare_part_figures(
        list(SparePartLeadTime.objects.values_list("hours", "within_target", "orders"))
    )


def _spare_part_figures(rows: list[tuple[int | None, bool, int]]) -> SparePartFigures:
    """Buckets, share within target and median from the histogram of whole hours."""
    shipped_hours: dict[int, int] = {}
    not_shipped = within = 0
    for hours, within_target, orders in rows:
        if hours is None:
            not_shipped += orders
            continue
        shipped_hours[hours] = shipped_hours.get(hours, 0) + orders
        within += orders if within_target else 0
    shipped = sum(shipped_hours.values())
    counts = [0] * (len(LEAD_TIME_BUCKETS) + 1)
    for hours, orders in shipped_hours.items():
        index = next(
            (i for i, bound in enumerate(LEAD_TIME_BUCKETS) if hours <= bound),
            len(LEAD_TIME_BUCKETS),
        )
        counts[index] += orders
    total = shipped + not_shipped
    bounds: list[int | None] = [*LEAD_TIME_BUCKETS, None]
    return SparePartFigures(
        target_hours=settings.SPARE_PART_TARGET_HOURS,
        buckets=[
            LeadTimeBucket(up_to_hours=bound, orders=n, percent=100 * n / total if total else None)
            for bound, n in zip(bounds, counts, strict=True)
        ],
        shipped=shipped,
        not_shipped=not_shipped,
        within_target=within,
        median_hours=_median(shipped_hours),
    )


def _median(histogram: dict[int, int]) -> int | None:
    """The lead time of the middle order (nearest rank), in whole hours."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = (total + 1) // 2
    seen = 0
    for hours in sorted(histogram):
        seen += histogram[hours]
        if seen >= rank:
            return hours
    return None  # pragma: no cover - the loop reaches rank


@dataclass(frozen=True)
class CustomerDeliveryFigures:
    otif: OtifCount
    announcements: AnnouncementCount


def customer_delivery_figures(*, customer_id: int, today: datetime.date) -> CustomerDeliveryFigures:
    """One customer's OTIF and announcements of the last 12 months, counted live (two queries)."""
    window = Window.ending(today)
    return CustomerDeliveryFigures(
        otif=otif_for_customer(
            customer_id=customer_id, first=window.last_12, end=window.end, today=today
        ),
        announcements=announcements_for_customer(
            customer_id=customer_id, first=window.last_12, end=window.end
        ),
    )
