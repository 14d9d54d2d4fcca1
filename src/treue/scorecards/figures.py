"""Delivery reliability: what each figure means, and the SQL that counts it.

**On time in full (OTIF)**, measured against the *first* confirmed date
(`OrderLine.first_promised_date`): a postponement, even an announced one, counts as late; the
announcement figures below show the other side.

- An order line of an order that is not cancelled counts in the month of its first promised
  date once it is *decided*: its first promised date has passed (lies before today), or it has
  been delivered in full, or it has been postponed past its first promised date (then it is
  known to be late already). Undecided lines are not counted yet.
- It is *on time in full* when the quantity delivered up to and including its first promised
  date (the delivery lines whose delivery was shipped on or before that day) reaches the ordered
  quantity. A partial delivery by the date is late, however much of the rest follows.
- OTIF % = on-time-in-full lines / decided lines, by month, by customer and by product line
  (of the product). "Last 12 months" is the current month and the eleven before it; a later
  month shows once lines of it are decided (postponed, or delivered early in full).

**Announcement** of postponements (a `PromisedDateChange` whose new date is later than the old
one): *before* when the customer was told at least a day before the old promised date
(`notice_days` > 0), *on the day* (= 0), *late* when told after the old date had passed (< 0).
Every postponement counts, also of lines of orders cancelled since. They are counted in the
month of the day of the change (old date − notice days). The average notice is over all
postponements, late ones with their negative days.

**Spare-part lead time**: orders with a target lead time (`Order.target_lead_hours`), not
cancelled, received (`received_at`) in the last 12 months. The achieved lead time runs from
`received_at` to the shipping time of the delivery that completed the order (the last delivery
once every line is delivered in full; a delivery that knows only its day counts as shipped at
noon, company time), rounded up to whole hours. Orders not delivered in full are "not yet
shipped"; *within target* means within the order's own target.

The scorecard reads a snapshot (`services.delivery_figures_refresh`) that these statements count
in the database; no line travels to Python, only the aggregates (a few thousand rows). The
customer 360 page counts one customer live with the same statements.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper

from treue.orders.models import (
    Delivery,
    DeliveryLine,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    PromisedDateChange,
)

from .models import (
    LocalNoon,
)

MONTHS_SHOWN = 24
# Lines first promised for up to this many months ahead count once decided (a postponement).
MONTHS_AHEAD = 12
# Quantities have three decimals; SQLite sums them as floating point.
QUANTITY_TOLERANCE = "0.0005"


@dataclass(frozen=True)
class Window:
    """The months a snapshot covers: `first` (first day of its first month) up to the end of the
    month of `today` (`end` is the day after), and the months ahead up to `ahead_end`;
    `last_12` is the first day of the last twelve months."""

    today: datetime.date
    first: datetime.date
    last_12: datetime.date
    end: datetime.date
    ahead_end: datetime.date

    @classmethod
    def ending(cls, today: datetime.date, months: int = MONTHS_SHOWN) -> "Window":
        this_month = today.replace(day=1)
        return cls(
            today=today,
            first=add_months(this_month, -(months - 1)),
            last_12=add_months(this_month, -11),
            end=add_months(this_month, 1),
            ahead_end=add_months(this_month, 1 + MONTHS_AHEAD),
        )

    def months(self) -> list[datetime.date]:
        """Every month up to the current one, the newest first."""
        count = (self.end.year - self.first.year) * 12 + self.end.month - self.first.month
        return [add_months(self.end, -i) for i in range(1, count + 1)]


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _month_of(column: str) -> str:
    if _postgres():
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"strftime('%%Y-%%m-01', {column})"


def _change_day(change: str) -> str:
    """The day a date change was made, from what it recorded: old date − notice days."""
    if _postgres():
        return f"({change}.old_date - {change}.notice_days)"
    return f"date({change}.old_date, printf('%%+d days', -{change}.notice_days))"


def _minutes_between(start: str, end: str) -> str:
    if _postgres():
        return f"GREATEST(CAST(ROUND(EXTRACT(EPOCH FROM ({end} - {start})) / 60) AS integer), 0)"
    return f"MAX(CAST(ROUND((julianday({end}) - julianday({start})) * 1440) AS INTEGER), 0)"


def _date(value: datetime.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def _datetime(value: datetime.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _otif_select(
    *,
    columns: str,
    first: datetime.date,
    end: datetime.date,
    today: datetime.date,
    customer_id: int | None = None,
) -> tuple[str, list[Any]]:
    """`SELECT <columns>, decided, on_time` over the decided lines whose first promised date
    lies in [first, end), of one customer or all; `columns` of `ol` (order line) and `o`
    (order). The statement ends in its WHERE clause: a caller adds `GROUP BY`."""
    on_time = f"COALESCE(dv.by_first, 0) >= ol.quantity - {QUANTITY_TOLERANCE}"
    in_full = f"COALESCE(dv.total, 0) >= ol.quantity - {QUANTITY_TOLERANCE}"
    # The delivered quantities are summed for the lines counted only: of the customer, too.
    line_filter = customer_filter = ""
    customer_params: list[Any] = []
    if customer_id is not None:
        line_filter = f"JOIN {_table(Order)} lo ON lo.id = l.order_id AND lo.customer_id = %s"
        customer_filter = "AND o.customer_id = %s"
        customer_params = [customer_id]
    sql = f"""
        SELECT {columns}{", " if columns else ""}
               COUNT(*) AS decided,
               COALESCE(SUM(CASE WHEN {on_time} THEN 1 ELSE 0 END), 0) AS on_time
        FROM {_table(OrderLine)} ol
        JOIN {_table(Order)} o ON o.id = ol.order_id
        LEFT JOIN (
            SELECT dl.order_line_id AS line_id,
                   SUM(dl.quantity) AS total,
                   SUM(CASE WHEN d.shipped_on <= l.first_promised_date
                            THEN dl.quantity ELSE 0 END) AS by_first
            FROM {_table(DeliveryLine)} dl
            JOIN {_table(Delivery)} d ON d.id = dl.delivery_id
            JOIN {_table(OrderLine)} l ON l.id = dl.order_line_id
            {line_filter}
            WHERE l.first_promised_date >= %s AND l.first_promised_date < %s
            GROUP BY dl.order_line_id
        ) dv ON dv.line_id = ol.id
        WHERE o.status <> %s {customer_filter}
          AND ol.first_promised_date >= %s AND ol.first_promised_date < %s
          AND (ol.first_promised_date < %s
               OR ol.promised_date > ol.first_promised_date
               OR {in_full})
    """  # noqa: S608 - table names from the models, values as parameters
    params = [
        *customer_params,
        _date(first),
        _date(end),
        OrderStatus.CANCELLED,
        *customer_params,
        _date(first),
        _date(end),
        _date(today),
    ]
    return sql, params


@dataclass(frozen=True)
class Snapshot:
    """The aggregates of a snapshot, as the database counted them (a few thousand rows)."""

    months: list[tuple[datetime.date, str, int, int]]  # month, product line, decided, on time
    customers: list[tuple[int, int, int]]  # customer id, decided, on time
    announcements: list[tuple[datetime.date, int, int, int, int, int]]
    spare_parts: list[tuple[int | None, bool, int]]  # hours, within target, orders


def snapshot_compute(*, window: Window) -> Snapshot:
    """Count the snapshot for `window` in SQL.

    Only reads (but for the few noons of `LocalNoon`): on SQLite the counting takes seconds, and
    a write transaction that long would keep every planner waiting.
    """
    _local_noons(_window_datetimes(window.last_12, window.end))
    with connection.cursor() as cursor:
        month = _month_of("ol.first_promised_date")
        select, params = _otif_select(
            columns=f"{month}, ol.product_id",
            first=window.first,
            end=window.ahead_end,
            today=window.today,
        )
        cursor.execute(f"{select} GROUP BY 1, 2", params)
        by_product = cursor.fetchall()
        lines = dict(Product.objects.values_list("pk", "product_line"))
        months: dict[tuple[datetime.date, str], list[int]] = {}
        for month_start, product_id, decided, on_time in by_product:
            totals = months.setdefault((_as_date(month_start), lines[product_id]), [0, 0])
            totals[0] += int(decided)
            totals[1] += int(on_time)
        select, params = _otif_select(
            columns="o.customer_id", first=window.last_12, end=window.end, today=window.today
        )
        cursor.execute(f"{select} GROUP BY o.customer_id", params)
        customers = [(int(c), int(d), int(t)) for c, d, t in cursor.fetchall()]
        return Snapshot(
            months=[(m, pl, d, t) for (m, pl), (d, t) in sorted(months.items())],
            customers=customers,
            announcements=_announcements(cursor, window),
            spare_parts=_spare_parts(cursor, window),
        )


def _as_date(value: Any) -> datetime.date:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _announcement_select(*, customer: bool) -> str:
    day = _change_day("c")
    join = ""
    if customer:
        join = (
            f"JOIN {_table(OrderLine)} ol ON ol.id = c.order_line_id "
            f"JOIN {_table(Order)} o ON o.id = ol.order_id AND o.customer_id = %s"
        )
    return f"""
        SELECT COUNT(*) AS postponements,
               COALESCE(SUM(CASE WHEN c.notice_days > 0 THEN 1 ELSE 0 END), 0) AS before,
               COALESCE(SUM(CASE WHEN c.notice_days = 0 THEN 1 ELSE 0 END), 0) AS on_the_day,
               COALESCE(SUM(CASE WHEN c.notice_days < 0 THEN 1 ELSE 0 END), 0) AS late,
               COALESCE(SUM(c.notice_days), 0) AS notice_days
        FROM {_table(PromisedDateChange)} c
        {join}
        WHERE c.new_date > c.old_date AND {day} >= %s AND {day} < %s
    """  # noqa: S608 - table names from the models, values as parameters


def _announcements(
    cursor: CursorWrapper, window: Window
) -> list[tuple[datetime.date, int, int, int, int, int]]:
    select = _announcement_select(customer=False)
    month = _month_of(_change_day("c"))
    select = select.replace("SELECT ", f"SELECT {month} AS m, ", 1) + " GROUP BY 1"
    cursor.execute(select, [_date(window.first), _date(window.end)])
    return [
        (_as_date(m), int(n), int(before), int(day), int(late), int(notice))
        for m, n, before, day, late, notice in cursor.fetchall()
    ]


def _window_datetimes(start: datetime.date, end: datetime.date) -> list[Any]:
    from django.utils import timezone

    zone = timezone.get_default_timezone()
    return [
        _datetime(datetime.datetime.combine(day, datetime.time(0), tzinfo=zone))
        for day in (start, end)
    ]


def _spare_parts(cursor: CursorWrapper, window: Window) -> list[tuple[int | None, bool, int]]:
    received = _window_datetimes(window.last_12, window.end)
    minutes = _minutes_between("o.received_at", "s.shipped")
    tolerance = QUANTITY_TOLERANCE
    spare_orders = (
        "o.target_lead_hours IS NOT NULL AND o.received_at IS NOT NULL AND o.status <> %s "
        "AND o.received_at >= %s AND o.received_at < %s"
    )
    cursor.execute(
        f"""
        SELECT hours, within_target, COUNT(*) FROM (
            SELECT CASE WHEN s.shipped IS NULL THEN NULL ELSE ({minutes} + 59) / 60 END AS hours,
                   CASE WHEN s.shipped IS NOT NULL AND {minutes} <= o.target_lead_hours * 60
                        THEN 1 ELSE 0 END AS within_target
            FROM {_table(Order)} o
            LEFT JOIN (
                SELECT d.order_id, MAX(COALESCE(d.shipped_at, n.noon)) AS shipped
                FROM {_table(Delivery)} d
                JOIN {_table(Order)} o ON o.id = d.order_id
                LEFT JOIN {_table(LocalNoon)} n ON n.day = d.shipped_on
                WHERE {spare_orders}
                GROUP BY d.order_id
            ) s ON s.order_id = o.id AND NOT EXISTS (
                SELECT 1 FROM {_table(OrderLine)} l
                WHERE l.order_id = o.id AND l.quantity - {tolerance} > COALESCE(
                    (SELECT SUM(dl.quantity) FROM {_table(DeliveryLine)} dl
                     WHERE dl.order_line_id = l.id), 0)
            )
            WHERE {spare_orders}
        ) lead_times
        GROUP BY hours, within_target
        """,  # noqa: S608 - table names from the models, values as parameters
        [OrderStatus.CANCELLED, *received, OrderStatus.CANCELLED, *received],
    )
    return [
        (None if hours is None else int(hours), bool(within), int(orders))
        for hours, within, orders in cursor.fetchall()
    ]


def _local_noons(received: list[Any]) -> None:
    """Noon of every day on which a delivery of a spare-part order without a shipping time
    left, in the company's time zone (a short write of its own)."""
    from django.db import transaction
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT MIN(d.shipped_on), MAX(d.shipped_on) FROM {_table(Delivery)} d
            JOIN {_table(Order)} o ON o.id = d.order_id
            WHERE d.shipped_at IS NULL AND o.target_lead_hours IS NOT NULL
              AND o.received_at >= %s AND o.received_at < %s
            """,  # noqa: S608 - table names from the models, values as parameters
            received,
        )
        first, last = cursor.fetchone()
    zone = timezone.get_default_timezone()
    noons = []
    if first is not None:
        first, last = _as_date(first), _as_date(last)
        noons = [
            LocalNoon(day=day, noon=datetime.datetime.combine(day, datetime.time(12), tzinfo=zone))
            for day in (first + datetime.timedelta(days=i) for i in range((last - first).days + 1))
        ]
    with transaction.atomic():
        LocalNoon.objects.all().delete()
        LocalNoon.objects.bulk_create(noons)


@dataclass(frozen=True)
class OtifCount:
    decided: int
    on_time: int

    @property
    def percent(self) -> float | None:
        return 100 * self.on_time / self.decided if self.decided else None


@dataclass(frozen=True)
class AnnouncementCount:
    postponements: int
    before: int
    on_the_day: int
    late: int
    notice_days: int

    @property
    def before_percent(self) -> float | None:
        return 100 * self.before / self.postponements if self.postponements else None

    @property
    def average_notice_days(self) -> float | None:
        return self.notice_days / self.postponements if self.postponements else None


def otif_for_customer(
    *, customer_id: int, first: datetime.date, end: datetime.date, today: datetime.date
) -> OtifCount:
    """OTIF of one customer's lines first promised in [first, end), counted live."""
    sql, params = _otif_select(
        columns="", first=first, end=end, today=today, customer_id=customer_id
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        decided, on_time = cursor.fetchone()
    return OtifCount(decided=int(decided), on_time=int(on_time))


def announcements_for_customer(
    *, customer_id: int, first: datetime.date, end: datetime.date
) -> AnnouncementCount:
    """How one customer's postponements made in [first, end) were announced, counted live."""
    with connection.cursor() as cursor:
        cursor.execute(_announcement_select(customer=True), [customer_id, _date(first), _date(end)])
        row = [int(x) for x in cursor.fetchone()]
    return AnnouncementCount(*row)
