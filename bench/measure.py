"""Latency and SQL queries of treue's pages, in-process with Django's test client.

Run by `run.py` against the bench database (DATABASE_URL, TREUE_ENV=demo); writes one JSON file:

    python bench/measure.py --out FILE [--requests 50]

Every URL is requested a few times to warm up (templates compiled, connection open), then once
while the queries are captured (`CaptureQueriesContext`: their number and their summed time),
then `--requests` times with a clock around `client.get` (no query capture, which costs time of
its own). The user is `sales` of the demo company, logged in with a session as in a browser;
the API is called with a bearer token of the same user. The session key and the token go into
the JSON too, so that `run.py` can load the same pages through gunicorn with wrk.

The customer's tracking page is asked anonymously, for the open orders with the most and with
the fewest lines, each with stage events recorded for the run through the real service
(external ids `bench-…`, deleted again afterwards, like the API token of the previous run). Its
rate limit counts per address, so every request comes from an address of its own: the limit is
checked on every request as for real visitors, and never reached.

Complaint pages (the queue, open and all on its first and last page, the complaint with the
longest and the shortest timeline, the figures) are asked as the demo's quality manager
`quality`, who works them: the fullest version of each page.
"""

import argparse
import datetime
import itertools
import json
import math
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

WARMUP = 5
BENCH_EVENTS = "bench-"  # external id prefix of the stage events measure.py records
SECTION_PAGE_SIZE = 20  # treue.customers.views.SECTION_PAGE_SIZE
SECTIONS = ("contacts", "orders", "invoices", "activities", "interactions")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    from treue.cli import settings_module

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
    import django

    django.setup()
    from treue.orders.models import StageEvent

    try:
        result = measure(requests=args.requests)
    finally:
        StageEvent.objects.filter(external_id__startswith=BENCH_EVENTS).delete()
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least p % of all at or below it."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def measure(*, requests: int) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from treue.core.models import User
    from treue.customers import selectors
    from treue.customers.models import Customer

    sales = User.objects.get(username="sales")
    client = Client()
    client.force_login(sales)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    # Complaints are measured as the quality manager who works them (the fullest page).
    quality_client = Client()
    quality_client.force_login(User.objects.get(username="quality"))

    token, api_note = _api_token(sales)
    api_headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    top, small = _customers(client)
    customers = {"top": top, "small": small}

    size = settings.PAGE_SIZE
    total = Customer.objects.count()
    owned = selectors.customer_list(owner_id=sales.pk).count()
    search = top[0].name.split()[0]
    found = selectors.customer_list(search=search).count()

    def last(count: int, page_size: int = size) -> int:
        return max(1, math.ceil(count / page_size))

    # Rows with the same "same" key must need the same number of queries: first and last page
    # of one list, the same section of a large and a small customer.
    urls: list[dict[str, Any]] = [
        {"same": "list", "label": "customer list, page 1", "url": "/customers/"},
        {
            "same": "list",
            "label": f"customer list, last page ({last(total)})",
            "url": f"/customers/?page={last(total)}",
        },
        {
            "same": "list-owner",
            "label": f"customer list, filter owner=sales ({owned} customers), page 1",
            "url": f"/customers/?owner={sales.pk}",
        },
        {
            "same": "list-owner",
            "label": f"customer list, filter owner=sales, last page ({last(owned)})",
            "url": f"/customers/?owner={sales.pk}&page={last(owned)}",
        },
        {
            "same": "list-search",
            "label": f"customer list, search {search!r} ({found} hits), page 1",
            "url": "/customers/?" + urlencode({"q": search}),
        },
    ]
    for kind, (customer, orders) in customers.items():
        who = f"{kind} customer ({orders} orders)"
        base = f"/customers/{customer.number}/"
        urls.append({"same": "360", "label": f"360 page, {who}", "url": base})
        for section in SECTIONS:
            urls.append(
                {
                    "same": f"360-{section}",
                    "label": f"360 {section}, {who}",
                    "url": f"{base}?section={section}",
                    "htmx": True,
                }
            )
        order_pages = last(orders, SECTION_PAGE_SIZE)
        urls.append(
            {
                "same": "360-orders",
                "label": f"360 orders, last page ({order_pages}), {who}",
                "url": f"{base}?section=orders&page={order_pages}",
                "htmx": True,
            }
        )
    figures = _delivery_figures_refresh()
    if figures:
        urls.append({"same": "scorecard", "label": "delivery scorecard", "url": SCORECARD_URL})
    urls += [
        {"same": "api", "label": "API customers, first 50", "url": "/api/v1/customers", "api": 1},
        {
            "same": "api",
            "label": "API customers, last 50",
            "url": f"/api/v1/customers?offset={max(0, total - 50)}",
            "api": 1,
        },
    ]
    complaints = _complaints()
    if complaints["total"]:
        all_pages = last(complaints["total"])
        urls += [
            {
                "same": "complaint-queue",
                "label": f"complaint queue, open ({complaints['open']})",
                "url": "/complaints/",
                "quality": True,
            },
            {
                "same": "complaint-queue",
                "label": f"complaint queue, all ({complaints['total']}), page 1",
                "url": "/complaints/?view=all",
                "quality": True,
            },
            {
                "same": "complaint-queue",
                "label": f"complaint queue, all, last page ({all_pages})",
                "url": f"/complaints/?view=all&page={all_pages}",
                "quality": True,
            },
        ]
        for kind, (number, events) in complaints["detail"].items():
            urls.append(
                {
                    "same": "complaint-detail",
                    "label": f"complaint page, {kind} timeline ({events} events)",
                    "url": f"/complaints/{number}/",
                    "quality": True,
                }
            )
        urls.append(
            {
                "same": "complaint-figures",
                "label": "complaint figures",
                "url": "/complaints/figures/",
                "quality": True,
            }
        )
    for kind, (order, lines, events) in _tracking_orders().items():
        urls.append(
            {
                "same": "tracking",
                "label": f"tracking page, {kind} order ({lines} lines, {events} stage events)",
                "url": reverse("track", args=[order.number, order.tracking_token]),
                "anonymous": True,
            }
        )

    rows = []
    for item in urls:
        headers: dict[str, str] = {}
        if item.get("htmx"):
            headers = {"HTTP_HX_REQUEST": "true"}
        if item.get("api"):
            if not token:
                rows.append({**item, "na": api_note})
                continue
            headers = api_headers
            requester = Client()
        elif item.get("anonymous"):
            requester = Client()
        elif item.get("quality"):
            requester = quality_client
        else:
            requester = client
        row = _time_url(requester, item, headers, requests, connection, CaptureQueriesContext)
        rows.append(row)
        print(f"  {_brief(row)}", flush=True)

    return {
        "customers": total,
        "session_cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}",
        "api_token": token,
        "api_note": api_note,
        "top_customer": top[0].number,
        "small_customer": small[0].number,
        "rows": rows,
        "delivery_figures": figures,
        "complaints": complaints["total"],
    }


def _complaints() -> dict[str, Any]:
    """How many complaints there are, how many open, and the ones with the longest and the
    shortest timeline (for the detail page)."""
    from django.db.models import Count

    from treue.complaints.models import OPEN_STATUSES, Complaint

    total = Complaint.objects.count()
    if not total:
        return {"total": 0}
    by_events = Complaint.objects.annotate(n=Count("events")).order_by("-n", "pk")
    longest = by_events.values_list("number", "n").first()
    shortest = by_events.order_by("n", "pk").values_list("number", "n").first()
    return {
        "total": total,
        "open": Complaint.objects.filter(status__in=OPEN_STATUSES, is_draft=False).count(),
        "detail": {"longest": longest, "shortest": shortest},
    }


SCORECARD_URL = "/scorecards/delivery/"
SCORECARD_P95_TARGET_MS = 300
REFRESH_RUNS = 3


def _delivery_figures_refresh() -> dict[str, Any]:
    """The scorecard's snapshot, computed REFRESH_RUNS times (median wall time); {} before the
    scorecards app exists."""
    try:
        from treue.scorecards.services import delivery_figures_refresh
    except ImportError:
        return {}
    import statistics

    times = []
    for _ in range(REFRESH_RUNS):
        began = time.perf_counter()
        delivery_figures_refresh()
        times.append((time.perf_counter() - began) * 1000)
    print(f"  delivery figures refresh: {statistics.median(times):.0f} ms (median of {len(times)})")
    return {"refresh_ms": statistics.median(times), "refresh_runs_ms": times}


def _customers(client: Any) -> tuple[tuple[Any, int], tuple[Any, int]]:
    """The customers with the most and with the fewest orders among those whose 360 sections all
    show rows (an empty section skips its row query, which is no sign of size dependence).

    Whether a section shows rows is asked of the page itself (no `class="empty"` paragraph), so
    that the choice follows the app's rules (what counts as an open item, say) as they change.
    """
    from django.db.models import Count

    from treue.activities.models import Activity
    from treue.customers.models import Customer
    from treue.orders.models import Order
    from treue.receivables.models import Invoice

    per_customer = list(
        Order.objects.values_list("customer_id")
        .annotate(n=Count("id"))
        .order_by("n", "customer_id")
    )
    if not per_customer:
        raise SystemExit("measure: the bench database holds no orders")
    # Customers with few orders have mostly paid everything: look first among those with an
    # unpaid invoice and an activity (the page has the last word below).
    likely = set(
        Invoice.objects.filter(allocations__isnull=True).values_list("customer_id", flat=True)
    ) & set(Activity.objects.values_list("customer_id", flat=True))
    per_customer = [c for c in per_customer if c[0] in likely] or per_customer

    def every_section_has_rows(customer: Any) -> bool:
        for section in SECTIONS:
            url = f"/customers/{customer.number}/?section={section}"
            response = client.get(url, HTTP_HX_REQUEST="true")
            if response.status_code != 200 or b'class="empty"' in response.content:
                return False
        return True

    def first_with_rows(candidates: list[tuple[int, int]]) -> tuple[Any, int]:
        for customer_id, orders in candidates[:200]:
            customer = Customer.objects.get(pk=customer_id)
            if every_section_has_rows(customer):
                return customer, orders
        return Customer.objects.get(pk=candidates[0][0]), candidates[0][1]

    return first_with_rows(per_customer[::-1]), first_with_rows(per_customer)


def _tracking_orders() -> dict[str, tuple[Any, int, int]]:
    """The open orders with the most and with the fewest lines, with stage
    events: three rounds through every stage for the large one (rework, partial lots), the
    first stage for the small one. Returns kind → (order, lines, stage events)."""
    from django.db.models import Count
    from django.utils import timezone

    from treue.orders.models import Order, OrderStatus, ProductionStage, StageEvent
    from treue.orders.services import order_stage_event_record

    StageEvent.objects.filter(external_id__startswith=BENCH_EVENTS).delete()  # a killed run's
    open_orders = (
        Order.objects.filter(status__in=[OrderStatus.OPEN, OrderStatus.IN_PRODUCTION])
        .annotate(n=Count("lines"))
        .order_by("-n", "id")
    )
    large = open_orders.first()
    small = open_orders.order_by("n", "id").first()
    if large is None or small is None:
        raise SystemExit("measure: the bench database holds no open orders")
    stages = list(ProductionStage.objects.order_by("position").values_list("code", flat=True))
    start = timezone.now() - datetime.timedelta(days=60)
    plan = {"large": (large, stages * 3), "small": (small, stages[:1])}
    result = {}
    for kind, (order, codes) in plan.items():
        for i, code in enumerate(codes):
            order_stage_event_record(
                order=order,
                stage=code,
                occurred_at=start + datetime.timedelta(days=i),
                external_id=f"{BENCH_EVENTS}{order.pk}-{i}",
            )
        result[kind] = (order, order.n, len(codes))
    return result


def _addresses() -> Iterator[str]:
    """A fresh client address per request (10.0.0.1, 10.0.0.2, …): the rate limit of the
    tracking page counts per address."""
    for n in itertools.count(1):
        yield f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def _api_token(user: Any) -> tuple[str, str]:
    """A fresh bench token of `user`, or "" and why the API cannot be measured."""
    try:
        from treue.core.models import ApiToken
        from treue.core.tokens import api_token_create
    except ImportError as exc:
        return "", f"no API tokens yet ({exc})"
    from django.urls import Resolver404, resolve

    try:
        resolve("/api/v1/customers")
    except Resolver404:
        return "", "GET /api/v1/customers does not exist yet"
    ApiToken.objects.filter(user=user, name="bench").delete()  # the previous run's
    _token, key = api_token_create(user=user, name="bench")
    return key, ""


def _time_url(
    client: Any,
    item: dict[str, Any],
    headers: dict[str, str],
    requests: int,
    connection: Any,
    capture: Any,
) -> dict[str, Any]:
    url = item["url"]
    addresses = _addresses() if item.get("anonymous") else None

    def get() -> Any:
        extra = {"REMOTE_ADDR": next(addresses)} if addresses else {}
        return client.get(url, **headers, **extra)

    for _ in range(WARMUP):
        response = get()
        if response.status_code != 200:
            raise SystemExit(f"measure: GET {url} answered {response.status_code}")
    # Django logs query times to the millisecond; an execute wrapper times them exactly.
    timings: list[float] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - began) * 1000)

    with capture(connection) as context, connection.execute_wrapper(timed):
        get()
    # A copy now: captured_queries reads the connection's log, which the next request empties.
    queries = [
        {"ms": ms, "sql": q["sql"]} for q, ms in zip(context.captured_queries, timings, strict=True)
    ]
    sql_ms = sum(q["ms"] for q in queries)
    slowest = max(queries, key=lambda q: q["ms"], default=None)
    samples = []
    size = 0
    for _ in range(requests):
        began = time.perf_counter()
        response = get()
        samples.append((time.perf_counter() - began) * 1000)
        size = len(response.content)
    return {
        **item,
        "p50_ms": percentile(samples, 50),
        "p95_ms": percentile(samples, 95),
        "max_ms": max(samples),
        "queries": len(queries),
        "sql_ms": sql_ms,
        "slowest_sql": slowest,
        "all_sql": queries,
        "bytes": size,
    }


def _brief(row: dict[str, Any]) -> str:
    return (
        f"{row['label']:<60} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  "
        f"{row['queries']:3d} queries ({row['sql_ms']:.1f} ms SQL)"
    )


if __name__ == "__main__":
    sys.exit(main())
