"""What counts as on time in full, announced before and how long a spare part took."""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

import pytest

from treue.customers.tests.factories import CustomerFactory
from treue.orders.models import OrderLine, PromisedDateChange
from treue.orders.services import order_line_promised_date_change
from treue.orders.tests.factories import OrderFactory, ProductFactory
from treue.scorecards.figures import Window
from treue.scorecards.models import OtifCustomer, OtifMonth
from treue.scorecards.selectors import customer_delivery_figures, delivery_scorecard
from treue.scorecards.services import delivery_figures_refresh

from .helpers import line, ship

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 15)
MAY, JUNE = datetime.date(2025, 5, 1), datetime.date(2025, 6, 1)
BERLIN = datetime.timezone(datetime.timedelta(hours=2))  # summer time, as in June


def day(month: int, d: int) -> datetime.date:
    return datetime.date(2025, month, d)


def month_counts() -> dict[datetime.date, tuple[int, int]]:
    totals: dict[datetime.date, list[int]] = defaultdict(lambda: [0, 0])
    for row in OtifMonth.objects.all():
        totals[row.month][0] += row.decided_lines
        totals[row.month][1] += row.on_time_lines
    return {month: (decided, on_time) for month, (decided, on_time) in totals.items()}


def test_on_time_late_partial_postponed_cancelled_and_undecided_lines() -> None:
    customer = CustomerFactory()
    machines = ProductFactory(product_line="machines")
    kw = {"customer": customer, "product": machines}
    on_time = line(first=day(5, 10), **kw)
    ship(on_time, day(5, 10))
    late = line(first=day(5, 10), **kw)
    ship(late, day(5, 12))
    partial = line(first=day(5, 10), quantity=2, **kw)
    ship(partial, day(5, 9), quantity=1)
    ship(partial, day(5, 20), quantity=1)
    in_two_parts = line(first=day(5, 10), quantity=2, **kw)
    ship(in_two_parts, day(5, 2), quantity=1)
    ship(in_two_parts, day(5, 10), quantity=1)
    never_shipped = line(first=day(5, 31), **kw)
    line(first=day(5, 10), status="cancelled", **kw)  # excluded
    # June: the date lies ahead; announced five days early, a postponement is late all the same
    postponed = line(first=day(6, 20), **kw)
    change = order_line_promised_date_change(
        line=postponed, new_date=day(6, 21), reason="Spindel", by=None, today=TODAY
    )
    early_in_full = line(first=day(6, 20), **kw)
    ship(early_in_full, day(6, 10))
    line(first=day(6, 20), **kw)  # undecided: not counted yet
    line(first=day(6, 15), **kw)  # today is the day: still undecided
    # Next month: postponed now, known to be late already; shown, but not in the last 12 months
    next_month = line(first=day(7, 3), **kw)
    order_line_promised_date_change(
        line=next_month, new_date=day(7, 10), reason="Spindel", by=None, today=TODAY
    )
    line(first=day(7, 3), **kw)

    delivery_figures_refresh(today=TODAY)

    assert change.notice_days == 5
    assert month_counts() == {MAY: (5, 2), JUNE: (2, 1), day(7, 1): (1, 0)}
    assert never_shipped.first_promised_date < TODAY
    card = delivery_scorecard()
    assert [m.month for m in card.months[:3]] == [day(7, 1), JUNE, MAY]
    (may,) = [m for m in card.months if m.month == MAY]
    assert may.otif.percent == 40.0
    assert card.last_12.decided == 7
    assert card.last_12.on_time == 3
    assert [(r.product_line, r.otif.decided, r.otif.on_time) for r in card.product_lines] == [
        ("machines", 7, 3)
    ]
    live = customer_delivery_figures(customer_id=customer.pk, today=TODAY)
    assert (live.otif.decided, live.otif.on_time) == (7, 3)


def test_a_line_pulled_forward_and_back_is_not_known_late_before_its_date() -> None:
    customer = CustomerFactory()
    kw = {"customer": customer, "product": ProductFactory()}
    moved_earlier = line(first=day(6, 20), promised=day(6, 18), **kw)
    postponed_past_first = line(first=day(6, 20), promised=day(6, 27), **kw)

    delivery_figures_refresh(today=TODAY)

    assert moved_earlier.promised_date < moved_earlier.first_promised_date
    assert postponed_past_first.pk
    assert month_counts() == {JUNE: (1, 0)}


def test_lines_by_product_line_and_the_customers_with_the_lowest_otif() -> None:
    good, bad, small = CustomerFactory(name="Gut AG"), CustomerFactory(name="Schlecht AG"), None
    small = CustomerFactory(name="Klein AG")
    tooling = ProductFactory(product_line="tooling")
    spare = ProductFactory(product_line="spare_parts")
    for i in range(10):
        ship(line(customer=good, product=tooling, first=day(4, 1 + i)), day(4, 1 + i))
        late = line(customer=bad, product=spare, first=day(4, 1 + i))
        if i < 3:
            ship(late, day(4, 1 + i))
    line(customer=small, product=spare, first=day(4, 1))  # one line: too few to rank

    delivery_figures_refresh(today=TODAY)

    card = delivery_scorecard()
    assert [(r.label, r.otif.decided, r.otif.on_time) for r in card.product_lines] == [
        ("Werkzeuge", 10, 10),
        ("Ersatzteile", 11, 3),
    ]
    assert [(c.name, c.otif.percent) for c in card.worst_customers] == [
        ("Schlecht AG", 30.0),
        ("Gut AG", 100.0),
    ]
    assert OtifCustomer.objects.get(customer=small).otif == 0.0


def test_the_twelve_months_window_and_older_months() -> None:
    customer = CustomerFactory()
    kw = {"customer": customer, "product": ProductFactory()}
    ship(line(first=datetime.date(2024, 6, 30), **kw), datetime.date(2024, 6, 30))
    line(first=datetime.date(2024, 7, 1), **kw)  # the first day of the last 12 months, late
    line(first=datetime.date(2023, 6, 1), **kw)  # older than the 24 months shown

    delivery_figures_refresh(today=TODAY)

    card = delivery_scorecard()
    assert len(card.months) == 24
    assert card.months[0].month == JUNE
    assert card.months[-1].month == datetime.date(2023, 7, 1)
    assert (card.last_12.decided, card.last_12.on_time) == (1, 0)
    live = customer_delivery_figures(customer_id=customer.pk, today=TODAY)
    assert (live.otif.decided, live.otif.on_time) == (1, 0)
    assert month_counts() == {datetime.date(2024, 6, 1): (1, 1), datetime.date(2024, 7, 1): (1, 0)}


def test_postponements_announced_before_on_the_day_and_late() -> None:
    customer = CustomerFactory()
    kw = {"customer": customer, "product": ProductFactory()}

    def postpone(first: datetime.date, today: datetime.date) -> PromisedDateChange:
        order_line = line(first=first, **kw)
        return order_line_promised_date_change(
            line=order_line,
            new_date=max(first, today) + datetime.timedelta(days=3),
            reason="Material",
            by=None,
            today=today,
        )

    early = postpone(day(6, 13), day(6, 10))
    on_the_day = postpone(day(6, 10), day(6, 10))
    late = postpone(day(6, 8), day(6, 10))
    before_window = postpone(day(6, 30), datetime.date(2024, 5, 20))
    forward = line(first=day(6, 20), **kw)
    order_line_promised_date_change(
        line=forward, new_date=day(6, 18), reason="Früher fertig", by=None, today=day(6, 10)
    )
    other_customer = line(customer=CustomerFactory(), product=kw["product"], first=day(6, 20))
    order_line_promised_date_change(
        line=other_customer, new_date=day(6, 22), reason="Material", by=None, today=day(6, 10)
    )

    delivery_figures_refresh(today=TODAY)

    assert [c.notice_days for c in (early, on_the_day, late)] == [3, 0, -2]
    assert before_window.notice_days > 300
    card = delivery_scorecard()
    june = card.months[0].announcements
    assert (june.postponements, june.before, june.on_the_day, june.late) == (4, 2, 1, 1)
    assert june.before_percent == 50.0
    assert june.average_notice_days == (3 + 0 - 2 + 10) / 4
    live = customer_delivery_figures(customer_id=customer.pk, today=TODAY).announcements
    assert (live.postponements, live.before, live.late, live.notice_days) == (3, 1, 1, 1)


def _berlin(month: int, d: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2025, month, d, hour, minute, tzinfo=BERLIN)


def test_spare_part_lead_times_in_buckets_with_the_share_within_target_and_the_median() -> None:
    customer = CustomerFactory()
    spare = ProductFactory(product_line="spare_parts")
    received = _berlin(6, 2, 8)

    def spare_order(hours: float | None, *, target: int = 48, shipped_at: bool = True) -> None:
        order = OrderFactory(customer=customer, received_at=received, target_lead_hours=target)
        order_line = line(customer=customer, product=spare, first=day(6, 4), order=order)
        if hours is None:
            return
        at = received + datetime.timedelta(hours=hours)
        ship(order_line, at.date(), at=at if shipped_at else None)

    for hours in (5, 24, 24.5, 48, 60, 100, 200):
        spare_order(hours)
    spare_order(20, target=12)  # over its own, shorter target
    spare_order(None)  # not shipped yet
    partial = OrderFactory(customer=customer, received_at=received, target_lead_hours=48)
    ship(line(customer=customer, product=spare, first=day(6, 4), order=partial, quantity=2),
         day(6, 3), quantity=1, at=_berlin(6, 3, 9))  # fmt: skip
    # Only the day is known: shipped at noon, 28 hours after 8:00 the day before
    spare_order(28, shipped_at=False)
    # Not a spare-part order, received before the window, cancelled: not counted
    OrderFactory(customer=customer, received_at=received)
    OrderFactory(
        customer=customer, received_at=_berlin(6, 2, 8) - datetime.timedelta(days=400),
        target_lead_hours=48,
    )  # fmt: skip
    OrderFactory(customer=customer, received_at=received, target_lead_hours=48, status="cancelled")

    delivery_figures_refresh(today=TODAY)

    spare_parts = delivery_scorecard().spare_parts
    assert [(b.label, b.orders) for b in spare_parts.buckets] == [
        ("bis 24 h", 3),
        ("bis 48 h", 3),
        ("bis 72 h", 1),
        ("bis 5 Tage", 1),
        ("länger", 1),
    ]
    assert (spare_parts.shipped, spare_parts.not_shipped) == (9, 2)
    assert spare_parts.within_target == 5  # 5, 24, 24.5, 48 and the one shipped at noon
    assert spare_parts.median_hours == 28
    assert spare_parts.target_hours == 48


def test_the_snapshot_equals_a_count_line_by_line_and_the_live_count_per_customer() -> None:
    rng = random.Random(7)
    customers = [CustomerFactory() for _ in range(4)]
    products = [ProductFactory(product_line=pl) for pl in ("machines", "tooling", "spare_parts")]
    for _ in range(120):
        first = TODAY + datetime.timedelta(days=rng.randint(-420, 60))
        status = rng.choice(["in_production"] * 9 + ["cancelled"])
        order_line = line(
            customer=rng.choice(customers),
            product=rng.choice(products),
            first=first,
            quantity=rng.randint(1, 3),
            promised=first + datetime.timedelta(days=rng.choice([0, 0, 0, -2, 3])),
            status=status,
        )
        for _ in range(rng.randint(0, 2)):
            ship(
                order_line,
                first + datetime.timedelta(days=rng.randint(-5, 5)),
                quantity=rng.randint(1, int(order_line.quantity)),
            )

    delivery_figures_refresh(today=TODAY)

    expected_months, expected_customers = _count_line_by_line(Window.ending(TODAY))
    assert {
        (r.month, r.product_line): (r.decided_lines, r.on_time_lines)
        for r in OtifMonth.objects.all()
    } == expected_months
    assert {
        r.customer_id: (r.decided_lines, r.on_time_lines) for r in OtifCustomer.objects.all()
    } == expected_customers
    for customer in customers:
        live = customer_delivery_figures(customer_id=customer.pk, today=TODAY).otif
        assert (live.decided, live.on_time) == expected_customers.get(customer.pk, (0, 0))


def _count_line_by_line(
    window: Window,
) -> tuple[dict[tuple[datetime.date, str], tuple[int, int]], dict[int, tuple[int, int]]]:
    """The definitions of figures.py, applied to each line in Python."""
    months: dict[tuple[datetime.date, str], list[int]] = defaultdict(lambda: [0, 0])
    customers: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    lines = OrderLine.objects.select_related("order", "product").prefetch_related(
        "delivery_lines__delivery"
    )
    for ol in lines:
        if (
            ol.order.status == "cancelled"
            or not window.first <= ol.first_promised_date < window.ahead_end
        ):
            continue
        shipped = ol.delivery_lines.all()
        delivered = sum((d.quantity for d in shipped), Decimal(0))
        by_first = sum(
            (d.quantity for d in shipped if d.delivery.shipped_on <= ol.first_promised_date),
            Decimal(0),
        )
        decided = (
            ol.first_promised_date < window.today
            or ol.promised_date > ol.first_promised_date
            or delivered >= ol.quantity
        )
        if not decided:
            continue
        on_time = int(by_first >= ol.quantity)
        key = (ol.first_promised_date.replace(day=1), ol.product.product_line)
        months[key][0] += 1
        months[key][1] += on_time
        if window.last_12 <= ol.first_promised_date < window.end:
            customers[ol.order.customer_id][0] += 1
            customers[ol.order.customer_id][1] += on_time
    return (
        {k: (v[0], v[1]) for k, v in months.items()},
        {k: (v[0], v[1]) for k, v in customers.items()},
    )
