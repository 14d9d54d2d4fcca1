"""Planning the demo company in memory: numpy arrays and plain rows, no database.

Every random number comes from a generator seeded with (seed, stage name), so the same seed gives
the same company and a change in one stage does not reshuffle the others.
"""

import datetime as dt
import random
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.utils.translation import gettext as _

from . import catalogue, places
from .company import (
    ACCOUNTING_USERNAME,
    BERLIN,
    BUYING_ROLES,
    CHANNELS,
    COMPLAINT_CATEGORIES,
    COMPLAINT_SEVERITIES,
    COMPLAINTS_PER_CUSTOMER,
    CONSENT_SOURCES,
    COUNTRIES,
    COUNTRY_P,
    DUNNING_INTEREST_POINTS,
    DUNNING_LEVEL_DATIVE,
    DUNNING_LEVEL_NAMES,
    DUNNING_LEVELS,
    FIRST_CHANNEL_P,
    HABITUAL_LATE_SHARE,
    HABITUAL_MIN_INVOICES,
    INDUSTRIES,
    INDUSTRY_P,
    INTERACTION_TOPICS,
    JOB_TITLES,
    JOB_TITLES_EN,
    LATE_TOLERANCE_DAYS,
    LINES_PER_ORDER,
    LINES_PER_ORDER_P,
    LONG_TENURE_YEARS,
    LOYAL_YEARS,
    MANAGEMENT_USERNAME,
    MANUAL_ACTIVITIES,
    ORDERS_PER_CUSTOMER_YEAR,
    PAYER_P,
    PAYMENT_TERMS,
    PHONE_PREFIX,
    PROMISE_GRACE_DAYS,
    ROLE_TOPICS,
    TECHNICAL_ROLES,
    USERS,
    UTC,
    VAT_PERCENT,
)

Arr = npt.NDArray[Any]
Progress = Callable[[str], None]


def _days(day: dt.date) -> int:
    return int(np.datetime64(day, "D").astype(np.int64))


def _weekday(days: Arr) -> Arr:
    return (days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0


def _to_weekday_back(days: Arr) -> Arr:
    wd = _weekday(days)
    return days - np.where(wd == 5, 1, np.where(wd == 6, 2, 0))


def _to_weekday_forward(days: Arr) -> Arr:
    wd = _weekday(days)
    return days + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))


def _years(days: Arr) -> Arr:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def month_index(days: Arr) -> Arr:
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


class DateText:
    """ISO date strings for day numbers, looked up instead of formatted one by one."""

    def __init__(self, first: int, last: int) -> None:
        self.first = first
        self.text = np.arange(first, last + 1).astype("datetime64[D]").astype(str)

    def __call__(self, days: Arr) -> list[str]:
        return list(self.text[days - self.first].tolist())


def money_text(cents: Arr) -> list[str]:
    return [f"{c // 100}.{c % 100:02d}" for c in cents.tolist()]


def per_year_numbers(prefix: str, days: Arr, width: int = 6) -> list[str]:
    """Document numbers counted per year, in the order of `days` (which must be sorted)."""
    years = _years(days)
    first_of_year = np.searchsorted(years, years, side="left")
    seq = np.arange(len(days)) - first_of_year + 1
    return [
        f"{prefix}-{y}-{s:0{width}d}" for y, s in zip(years.tolist(), seq.tolist(), strict=True)
    ]


def local_datetimes(days: Arr, minutes: Arr) -> list[dt.datetime]:
    """Aware datetimes (UTC) for local Berlin days and minutes after midnight."""
    naive = utc_seconds(days, minutes).astype("datetime64[s]").tolist()
    return [d.replace(tzinfo=UTC) for d in naive]


def utc_seconds(days: Arr, minutes: Arr) -> Arr:
    """Seconds since 1970 (UTC) of local Berlin days and minutes after midnight."""
    unique_days, which = np.unique(days, return_inverse=True)
    offsets = []
    for day in unique_days.tolist():
        noon = dt.datetime.combine(
            dt.date.fromordinal(day + 719163), dt.time(12), tzinfo=BERLIN
        )  # 719163 = date(1970, 1, 1).toordinal()
        delta = noon.utcoffset()
        offsets.append(int(delta.total_seconds()) if delta is not None else 0)
    offset = np.array(offsets, dtype=np.int64)[which.reshape(-1)] if len(offsets) else 0
    return np.asarray(days * 86400 + minutes * 60 - offset, dtype=np.int64)


def _transliterate(text: str) -> str:
    table = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e", "à": "a", "ç": "c"}
    lowered = text.lower()
    return "".join(table.get(ch, ch) for ch in lowered)


def slug(text: str) -> str:
    out = []
    for ch in _transliterate(text):
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


def _vat_id(country: str, rnd: random.Random) -> str:
    """A VAT number in the national format with a valid check digit."""
    if country == "DE":
        digits = [rnd.randint(1, 9)] + [rnd.randint(0, 9) for _ in range(7)]
        product = 10
        for d in digits:
            total = (d + product) % 10 or 10
            product = (2 * total) % 11
        check = (11 - product) % 10
        return "DE" + "".join(map(str, digits)) + str(check)
    if country == "AT":
        digits = [rnd.randint(0, 9) for _ in range(7)]
        total = 0
        for i, d in enumerate(digits):
            total += d if i % 2 == 0 else (2 * d) // 10 + (2 * d) % 10
        check = (96 - total) % 10
        return "ATU" + "".join(map(str, digits)) + str(check)
    weights = (5, 4, 3, 2, 7, 6, 5, 4)
    while True:
        digits = [rnd.randint(1, 9)] + [rnd.randint(0, 9) for _ in range(7)]
        check = 11 - sum(w * d for w, d in zip(weights, digits, strict=True)) % 11
        if check == 11:
            check = 0
        if check < 10:
            break
    n = "".join(map(str, digits)) + str(check)
    return f"CHE-{n[:3]}.{n[3:6]}.{n[6:]} MWST"


@dataclass
class Plan:
    """The whole company as arrays and rows, before anything is written."""

    seed: int
    today: dt.date
    years: int
    start: int = 0
    end: int = 0
    fx_month0: int = 0
    fx: Arr = field(default_factory=lambda: np.ones(1))
    # products
    product_rows: list[tuple[Any, ...]] = field(default_factory=list)
    # customers (index = customer number order)
    n: int = 0
    cust: dict[str, Any] = field(default_factory=dict)
    addresses: list[tuple[Any, ...]] = field(default_factory=list)
    contacts: list[tuple[Any, ...]] = field(default_factory=list)
    contact_start: Arr = field(default_factory=lambda: np.zeros(0))
    contact_count: Arr = field(default_factory=lambda: np.zeros(0))
    contact_channel: Arr = field(default_factory=lambda: np.zeros(0))
    orders: dict[str, Arr] = field(default_factory=dict)
    lines: dict[str, Arr] = field(default_factory=dict)
    deliveries: dict[str, Arr] = field(default_factory=dict)
    delivery_lines: dict[str, Arr] = field(default_factory=dict)
    invoices: dict[str, Arr] = field(default_factory=dict)
    payments: dict[str, Arr] = field(default_factory=dict)
    interactions: dict[str, Any] = field(default_factory=dict)
    activities: list[dict[str, Any]] = field(default_factory=list)
    complaints: dict[str, Arr] = field(default_factory=dict)
    dunning: dict[str, Any] = field(default_factory=dict)
    promises: dict[str, Any] = field(default_factory=dict)
    holds: dict[str, Any] = field(default_factory=dict)
    churned: list[tuple[str, dt.date]] = field(default_factory=list)
    top20_share: float = 0.0

    def rng(self, stage: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, zlib.crc32(stage.encode())])

    def rnd(self, stage: str) -> random.Random:
        return random.Random(f"{self.seed}:{stage}")

    def day(self, days: int) -> dt.date:
        return dt.date.fromordinal(days + 719163)


def _window_start(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _plan_exchange_rates(plan: Plan) -> None:
    """EUR per CHF, one rate a month, wandering between 1.045 and 1.075."""
    r = plan.rng("fx")
    first = int(month_index(np.array([plan.start]))[0])
    last = int(month_index(np.array([plan.end + 400]))[0])
    rates = np.empty(last - first + 1)
    rate = 1.06
    for i in range(len(rates)):
        rate = float(np.clip(rate + r.normal(0, 0.004), 1.045, 1.075))
        rates[i] = round(rate, 4)
    plan.fx_month0 = first
    plan.fx = rates


def _plan_products(plan: Plan) -> dict[str, Arr]:
    r = plan.rng("products")
    rows: list[tuple[Any, ...]] = []
    price, cost, qmax, rank, popularity = [], [], [], [], []
    for family in catalogue.FAMILIES:
        for i, (name, list_price) in enumerate(family.products):
            margin = r.uniform(*family.margin)
            list_cents = round(list_price * 100)
            cost_cents = round(list_cents * (1 - margin))
            article = f"{family.prefix}-{1000 + 10 * (i + 1)}"
            rows.append(
                (
                    article,
                    name,
                    family.product_line,
                    family.is_spare_part,
                    list_cents,
                    cost_cents,
                )
            )
            price.append(list_cents)
            cost.append(cost_cents)
            # Nobody orders fifteen laser measurements: the dearer the item, the fewer a line.
            by_price = max(1, min(family.max_quantity, round(12_000 / list_price)))
            qmax.append(family.max_quantity if family.rank >= 3 else by_price)
            rank.append(family.rank)
            popularity.append(int(r.integers(1, 6)))
    plan.product_rows = rows
    return {
        "price": np.array(price, dtype=np.int64),
        "cost": np.array(cost, dtype=np.int64),
        "qmax": np.array(qmax, dtype=np.int64),
        "rank": np.array(rank, dtype=np.int64),
        "popularity": np.array(popularity, dtype=np.int64),
    }


def _plan_customers(plan: Plan, n: int) -> None:
    r = plan.rng("customers")
    rnd = plan.rnd("customers")
    cities = places.CITIES
    country = r.choice(3, n, p=COUNTRY_P)
    city = np.empty(n, dtype=np.int64)
    for ci, code in enumerate(COUNTRIES):
        idx = np.array([i for i, c in enumerate(cities) if c.country == code])
        w = np.sqrt(np.array([cities[i].weight for i in idx], dtype=float))
        mask = country == ci
        city[mask] = r.choice(idx, int(mask.sum()), p=w / w.sum())

    # Customer value: orders a year (f) and mean order size (m), correlated and lognormal, so
    # that about a fifth of the customers bring about four fifths of the revenue.
    z_f = r.standard_normal(n)
    z_m = 0.45 * z_f + np.sqrt(1 - 0.45**2) * r.standard_normal(n)
    freq = np.exp(0.85 * z_f)
    order_size = 9000.0 * np.exp(1.15 * z_m)
    value_z = (np.log(freq) + np.log(order_size) - np.log(order_size).mean()) / 1.6
    size_score = value_z + r.normal(0, 0.5, n)
    size = np.searchsorted(np.quantile(size_score, [0.40, 0.75, 0.93]), size_score)

    prospect = r.random(n) < 0.02
    new = (r.random(n) < 0.15) & ~prospect
    start, end = plan.start, plan.end
    since = np.where(
        new,
        r.integers(start, max(start + 1, end - 150), n),
        start - np.minimum(r.exponential(2900, n).astype(np.int64) + 30, 14000),
    )
    active_from = np.maximum(since, start)
    churn_lo = active_from + 120
    churn_hi = end - 60
    wants_churn = (r.random(n) < 0.14) & ~prospect & (churn_hi > churn_lo)
    churn = np.where(
        wants_churn,
        churn_lo + (r.random(n) * np.maximum(churn_hi - churn_lo, 1)).astype(np.int64),
        end + 1,
    )
    active_to = np.minimum(churn, end + 1)  # exclusive

    payer = r.choice(4, n, p=PAYER_P)
    terms_p = np.array([t[4] for t in PAYMENT_TERMS])
    terms = r.choice(len(PAYMENT_TERMS), n, p=terms_p / terms_p.sum())
    chf = (country == 2) & (r.random(n) < 0.8)
    discount = np.clip(0.03 + 0.035 * value_z + r.normal(0, 0.02, n), 0.0, 0.18)
    industry = r.choice(len(INDUSTRIES), n, p=INDUSTRY_P)
    regular = r.uniform(1.5, 5.0, n)  # gamma shape of the gaps between orders
    incoterm = np.where(
        country == 2,
        r.choice([1, 4, 6], n, p=[0.3, 0.4, 0.3]),
        r.choice([0, 1, 4, 6], n, p=[0.15, 0.25, 0.5, 0.1]),
    )
    plan.n = n
    plan.cust = {
        "country": country,
        "city": city,
        "freq": freq,
        "order_size": order_size,
        "value_z": value_z,
        "size": size,
        "prospect": prospect,
        "since": since,
        "active_from": active_from,
        "active_to": active_to,
        "churn": churn,
        "payer": payer,
        "terms": terms,
        "chf": chf,
        "discount": discount,
        "industry": industry,
        "regular": regular,
        "incoterm": incoterm,
        "number": [f"K{10001 + i}" for i in range(n)],
    }
    _plan_names(plan, rnd)


def _plan_names(plan: Plan, rnd: random.Random) -> None:
    c = plan.cust
    names: list[str] = []
    domains: list[str] = []
    vat: list[str] = []
    taken_names: set[str] = set()
    taken_domains: set[str] = set()
    for i in range(plan.n):
        country = COUNTRIES[int(c["country"][i])]
        city = places.CITIES[int(c["city"][i])]
        industry = INDUSTRIES[int(c["industry"][i])]
        forms, weights = zip(*places.LEGAL_FORMS[country], strict=True)
        legal = rnd.choices(forms, weights)[0]
        if city.language == "fr":
            legal = "SA"
        elif city.language == "it":
            legal = rnd.choice(("SA", "Sagl"))
        word = rnd.choice(places.INDUSTRY_WORDS[industry])
        surnames = _surnames(country, city)
        for attempt in range(20):
            pattern = rnd.random()
            if pattern < 0.40:
                core = f"{rnd.choice(surnames)} {word}"
            elif pattern < 0.55:
                core = " & ".join(rnd.sample(surnames, 2))
            elif pattern < 0.80:
                brand = rnd.choice(places.BRAND_PREFIXES) + rnd.choice(places.BRAND_SUFFIXES)
                core = f"{brand} {word}"
            elif city.adjective:
                core = f"{city.adjective} {word}"
            else:
                core = f"{rnd.choice(surnames)} {word}"
            if attempt >= 10:
                core = f"{core} {city.name.split()[0]}"
            name = f"{core} {legal}"
            if name not in taken_names:
                break
        else:
            name = f"{core} {legal} ({plan.cust['number'][i]})"
        taken_names.add(name)
        names.append(name)
        stem = "-".join(slug(core).split("-")[:3])
        domain = f"{stem}.example"
        k = 2
        while domain in taken_domains:
            domain = f"{stem}-{k}.example"
            k += 1
        taken_domains.add(domain)
        domains.append(domain)
        vat.append(_vat_id(country, rnd))
    c["name"] = names
    c["domain"] = domains
    c["vat_id"] = vat


def _surnames(country: str, city: places.City) -> tuple[str, ...]:
    if city.language == "fr":
        return places.LAST_FR
    if city.language == "it":
        return places.LAST_IT
    return {"DE": places.LAST_DE, "AT": places.LAST_AT, "CH": places.LAST_CH}[country]


def _plan_orders(plan: Plan, products: dict[str, Arr]) -> None:
    r = plan.rng("orders")
    c = plan.cust
    n = plan.n
    window = plan.end - plan.start + 1
    span = np.maximum(c["active_to"] - c["active_from"], 0) * ~c["prospect"]
    # Scale the order rates so that the expected number of orders is exactly the target.
    target = n * ORDERS_PER_CUSTOMER_YEAR * window / 365.0
    rate = c["freq"] * target / max(float((c["freq"] * span).sum()), 1.0)  # orders a day
    days_list: list[Arr] = []
    cust_list: list[Arr] = []
    new_customer = c["since"] >= plan.start
    for i in range(n):
        if span[i] <= 0 or rate[i] <= 0:
            continue
        mean_gap = 1.0 / rate[i]
        shape = c["regular"][i]
        lo, hi = int(c["active_from"][i]), int(c["active_to"][i])
        first = lo + (r.integers(3, 30) if new_customer[i] else r.random() * mean_gap)
        count = int(span[i] / mean_gap * 1.4) + 6
        times = first + np.concatenate(([0.0], np.cumsum(r.gamma(shape, mean_gap / shape, count))))
        while times[-1] < hi:
            more = times[-1] + np.cumsum(r.gamma(shape, mean_gap / shape, count))
            times = np.concatenate((times, more))
        days = _to_weekday_back(np.floor(times[times < hi]).astype(np.int64))
        days = days[days >= lo]
        days_list.append(days)
        cust_list.append(np.full(len(days), i, dtype=np.int64))
    order_day = np.concatenate(days_list) if days_list else np.zeros(0, dtype=np.int64)
    order_cust = np.concatenate(cust_list) if cust_list else np.zeros(0, dtype=np.int64)
    ordering = np.lexsort((order_cust, order_day))
    order_day, order_cust = order_day[ordering], order_cust[ordering]
    n_orders = len(order_day)

    n_lines = r.choice(np.array(LINES_PER_ORDER), n_orders, p=LINES_PER_ORDER_P)
    starts = np.concatenate(([0], np.cumsum(n_lines)[:-1])).astype(np.int64)
    total_lines = int(n_lines.sum())
    line_order = np.repeat(np.arange(n_orders), n_lines)
    position = (np.arange(total_lines) - starts[line_order] + 1) * 10

    # The value of each line, then a product whose price and plausible quantity fit that value.
    weights = r.lognormal(0.0, 0.9, total_lines)
    weight_sum = np.add.reduceat(weights, starts) if n_orders else np.zeros(0)
    order_value = c["order_size"][order_cust] * r.lognormal(-0.1, 0.45, n_orders)
    line_value = order_value[line_order] * weights / weight_sum[line_order]
    product = _pick_products(r, products, line_value)

    line_cust = order_cust[line_order]
    line_day = order_day[line_order]
    years_back = _years(line_day) - plan.today.year
    price_level = 1.03 ** years_back.astype(float)
    cost_level = 1.035 ** years_back.astype(float)
    months = month_index(order_day) - plan.fx_month0
    order_fx = np.where(c["chf"][order_cust], plan.fx[months], 1.0)
    line_fx = order_fx[line_order]
    net_eur = products["price"][product] * (1 - c["discount"][line_cust]) * price_level
    net = np.maximum(np.rint(net_eur / line_fx), 1).astype(np.int64)
    cost = np.rint(products["cost"][product] * cost_level / line_fx).astype(np.int64)
    quantity = np.clip(
        np.rint(line_value * 100 / np.maximum(net_eur, 1)), 1, products["qmax"][product]
    ).astype(np.int64)

    # Promised dates: the slowest product family of an order sets its main date; in a quarter of
    # the orders spare parts, tooling and service are promised (and shipped) earlier.
    line_rank = products["rank"][product]
    order_rank = np.maximum.reduceat(line_rank, starts) if n_orders else np.zeros(0, np.int64)
    lead = dict(sorted((f.rank, f.lead_days) for f in catalogue.FAMILIES))
    lead_lo = np.array([lo for lo, _hi in lead.values()])
    lead_hi = np.array([hi for _lo, hi in lead.values()])
    main_lead = r.integers(lead_lo[order_rank], lead_hi[order_rank] + 1)
    split = (r.random(n_orders) < 0.25) & (order_rank >= 2)
    short_lead = r.integers(2, 11, n_orders)
    early = split[line_order] & (line_rank <= 2) & (line_rank < order_rank[line_order])
    promised = _to_weekday_forward(
        line_day + np.where(early, short_lead[line_order], main_lead[line_order])
    )
    reference = np.where(r.random(n_orders) < 0.65, r.integers(10**7, 10**8, n_orders), 0)
    own_incoterm = r.random(n_orders) < 0.9
    incoterm = np.where(own_incoterm, c["incoterm"][order_cust], r.integers(0, 7, n_orders))
    cancelled = (r.random(n_orders) < 0.012) & (order_day <= plan.end - 5)

    plan.orders = {
        "day": order_day,
        "cust": order_cust,
        "starts": starts,
        "n_lines": n_lines,
        "fx": order_fx,
        "reference": reference,
        "incoterm": incoterm,
        "cancelled": cancelled,
        "month": months,
        # Orders of spare parts alone are spare-part orders, with a target lead time.
        "spare_part": order_rank == 0,
        "received_minutes": plan.rng("order_times").integers(7 * 60, 17 * 60, n_orders),
    }
    plan.lines = {
        "order": line_order,
        "position": position,
        "product": product,
        "quantity": quantity,
        "net": net,
        "cost": cost,
        "promised": promised,
        "early": early,
    }


def _pick_products(r: np.random.Generator, products: dict[str, Arr], value: Arr) -> Arr:
    """For each line value (EUR) a product for which that value is a plausible line total."""
    edges = np.linspace(0.0, np.log(2e7), 401)
    centres = np.exp((edges[:-1] + edges[1:]) / 2)
    price = products["price"] / 100.0
    low = price * 0.6
    high = price * products["qmax"] * 1.2
    candidates: list[list[int]] = []
    for v in centres:
        fit = [
            p
            for p in range(len(price))
            if low[p] <= v <= high[p]
            for _ in range(int(products["popularity"][p]))
        ]
        candidates.append(fit)
    # Bins without a fitting product borrow from the nearest bin that has one.
    filled = [i for i, fit in enumerate(candidates) if fit]
    for i, fit in enumerate(candidates):
        if not fit:
            nearest = min(filled, key=lambda j: abs(j - i))
            candidates[i] = candidates[nearest]
    flat = np.array([p for fit in candidates for p in fit], dtype=np.int64)
    lengths = np.array([len(fit) for fit in candidates], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    bins = np.clip(np.searchsorted(edges, np.log(np.maximum(value, 1.0))) - 1, 0, len(centres) - 1)
    pick = offsets[bins] + (r.random(len(value)) * lengths[bins]).astype(np.int64)
    return flat[pick]


def _plan_deliveries(plan: Plan) -> None:
    r = plan.rng("deliveries")
    o, ln = plan.orders, plan.lines
    end = plan.end
    # A delivery group is the set of an order's lines with the same promised date.
    key = ln["order"] * 2 + (~ln["early"]).astype(np.int64)
    group_key, line_group = np.unique(key, return_inverse=True)
    n_groups = len(group_key)
    group_order = group_key // 2
    group_promised = np.zeros(n_groups, dtype=np.int64)
    group_promised[line_group] = ln["promised"]
    u = r.random(n_groups)
    lateness = np.where(
        u < 0.70,
        -r.integers(0, 4, n_groups),
        np.where(u < 0.92, r.integers(1, 11, n_groups), r.integers(11, 41, n_groups)),
    )
    ship = _to_weekday_forward(np.maximum(group_promised + lateness, o["day"][group_order]))
    shipped = (ship <= end) & ~o["cancelled"][group_order]
    max_qty = np.zeros(n_groups, dtype=np.int64)
    np.maximum.at(max_qty, line_group, ln["quantity"])
    partial = shipped & (r.random(n_groups) < 0.04) & (max_qty >= 2)
    second_day = _to_weekday_forward(ship + r.integers(7, 31, n_groups))
    has_second = partial & (second_day <= end)

    first_groups = np.flatnonzero(shipped)
    second_groups = np.flatnonzero(has_second)
    d_group = np.concatenate((first_groups, second_groups))
    d_part = np.concatenate(
        (np.zeros(len(first_groups), np.int64), np.ones(len(second_groups), np.int64))
    )
    d_day = np.concatenate((ship[first_groups], second_day[second_groups]))
    d_order = group_order[d_group]
    ordering = np.lexsort((d_part, d_order, d_day))
    d_group, d_part, d_day, d_order = (
        d_group[ordering],
        d_part[ordering],
        d_day[ordering],
        d_order[ordering],
    )
    index_first = np.full(n_groups, -1, dtype=np.int64)
    index_second = np.full(n_groups, -1, dtype=np.int64)
    seq = np.arange(len(d_group))
    index_first[d_group[d_part == 0]] = seq[d_part == 0]
    index_second[d_group[d_part == 1]] = seq[d_part == 1]

    q = ln["quantity"]
    line_ids = np.arange(len(q))
    first_half = (q + 1) // 2
    in_first = shipped[line_group]
    first_qty = np.where(partial[line_group], first_half, q)
    in_second = has_second[line_group] & (q >= 2)
    dl_delivery = np.concatenate(
        (index_first[line_group[in_first]], index_second[line_group[in_second]])
    )
    dl_line = np.concatenate((line_ids[in_first], line_ids[in_second]))
    dl_qty = np.concatenate((first_qty[in_first], (q - first_half)[in_second]))
    ordering = np.lexsort((dl_line, dl_delivery))
    # Shipped during the working day, and never before the order came in.
    d_minutes = plan.rng("delivery_times").integers(8 * 60, 17 * 60, len(d_day))
    same_day = d_day == o["day"][d_order]
    d_minutes = np.where(
        same_day,
        np.minimum(np.maximum(d_minutes, o["received_minutes"][d_order] + 90), 23 * 60),
        d_minutes,
    )
    plan.deliveries = {"day": d_day, "order": d_order, "minutes": d_minutes}
    plan.delivery_lines = {
        "delivery": dl_delivery[ordering],
        "line": dl_line[ordering],
        "quantity": dl_qty[ordering],
    }

    # Order status from what has been shipped.
    delivered = np.zeros(len(q), dtype=np.int64)
    np.add.at(delivered, dl_line, dl_qty)
    n_orders = len(o["day"])
    open_lines = np.bincount(ln["order"], weights=(delivered < q).astype(float), minlength=n_orders)
    any_shipped = np.bincount(d_order, minlength=n_orders) > 0
    last_ship = np.zeros(n_orders, dtype=np.int64)
    np.maximum.at(last_ship, d_order, d_day)
    status = np.where(
        o["day"] <= end - 3,
        1,  # in production
        0,  # open
    )
    status = np.where(any_shipped, 1, status)
    status = np.where(any_shipped & (open_lines == 0), 2, status)  # shipped
    status = np.where((status == 2) & (last_ship <= end - 14), 3, status)  # completed
    status = np.where(o["cancelled"], 4, status)
    o["status"] = status


def _plan_invoices(plan: Plan) -> None:
    """One invoice per delivery, on the day of shipping; then the payments."""
    r = plan.rng("invoices")
    c, o, ln, d, dl = plan.cust, plan.orders, plan.lines, plan.deliveries, plan.delivery_lines
    end = plan.end
    n_inv = len(d["day"])
    line_total = dl["quantity"] * ln["net"][dl["line"]]
    net = np.rint(np.bincount(dl["delivery"], weights=line_total, minlength=n_inv)).astype(np.int64)
    cust = o["cust"][d["order"]]
    vat = np.array(VAT_PERCENT, dtype=np.int64)[c["country"][cust]]
    tax = (net * vat + 50) // 100
    gross = net + tax
    issued = d["day"]
    net_days = np.array([t[1] for t in PAYMENT_TERMS], dtype=np.int64)[c["terms"][cust]]
    discount_days = np.array([t[2] or 0 for t in PAYMENT_TERMS], dtype=np.int64)[c["terms"][cust]]
    discount_pct = np.array([float(t[3] or 0) for t in PAYMENT_TERMS])[c["terms"][cust]]
    due = issued + net_days
    months = month_index(issued) - plan.fx_month0
    fx = np.where(c["chf"][cust], plan.fx[months], 1.0)
    plan.invoices = {
        "cust": cust,
        "order": d["order"],
        "issued": issued,
        "due": due,
        "fx": fx,
        "net": net,
        "tax": tax,
        "gross": gross,
    }

    payer = c["payer"][cust]
    u = r.random(n_inv)
    with_discount = (discount_days > 0) & (u < 0.85)
    on_time = np.where(
        with_discount,
        issued + discount_days - r.integers(0, 4, n_inv),
        due - r.integers(0, 6, n_inv),
    )
    pay_day = np.select(
        [payer == 0, payer == 1, payer == 2],
        [on_time, due + r.integers(-6, 8, n_inv), due + r.integers(5, 46, n_inv)],
        due + r.integers(20, 121, n_inv),
    )
    pay_day = np.where(r.random(n_inv) < 0.01, pay_day + r.integers(25, 60, n_inv), pay_day)
    pay_day = _to_weekday_forward(np.maximum(pay_day, issued))
    v = r.random(n_inv)
    never = ((payer == 3) & (v < 0.10)) | ((payer == 2) & (v < 0.01))
    partial = (((payer == 2) & (v > 0.88)) | ((payer == 3) & (v > 0.7))) & (gross >= 2)
    first_amount = np.where(
        partial, np.clip(np.rint(gross * r.uniform(0.3, 0.7, n_inv)), 1, gross - 1), gross
    ).astype(np.int64)
    # Who pays within the discount days deducts the Skonto; it settles the invoice in full.
    took_discount = ~partial & (discount_pct > 0) & (pay_day <= issued + discount_days)
    discount = np.where(took_discount, np.rint(gross * discount_pct / 100), 0).astype(np.int64)
    first_amount = first_amount - discount
    second_day = _to_weekday_forward(pay_day + r.integers(14, 61, n_inv))
    first = ~never & (pay_day <= end)
    second = first & partial & (second_day <= end)
    invoice_ids = np.arange(n_inv)
    p_invoice = np.concatenate((invoice_ids[first], invoice_ids[second]))
    p_day = np.concatenate((pay_day[first], second_day[second]))
    p_amount = np.concatenate((first_amount[first], (gross - first_amount)[second]))
    p_discount = np.concatenate((discount[first], np.zeros(int(second.sum()), dtype=np.int64)))
    ordering = np.lexsort((p_invoice, p_day))
    plan.payments = {
        "invoice": p_invoice[ordering],
        "day": p_day[ordering],
        "amount": p_amount[ordering],
        "discount": p_discount[ordering],
    }
    paid = np.bincount(p_invoice, weights=p_amount + p_discount, minlength=n_inv)
    plan.invoices["open"] = gross - np.rint(paid).astype(np.int64)


def _plan_segments(plan: Plan) -> None:
    """ABC from revenue in EUR, account owners, strategic flags, credit limits."""
    r = plan.rng("segments")
    c, o, ln = plan.cust, plan.orders, plan.lines
    n = plan.n
    line_eur = ln["quantity"] * ln["net"] * o["fx"][ln["order"]]
    live = ~o["cancelled"][ln["order"]]
    revenue = np.bincount(o["cust"][ln["order"]][live], weights=line_eur[live], minlength=n) / 100
    ranking = np.argsort(-revenue, kind="stable")
    total = revenue.sum()
    before = np.concatenate(([0.0], np.cumsum(revenue[ranking])[:-1])) / max(total, 1.0)
    segment_ranked = np.where(before < 0.80, 0, np.where(before < 0.95, 1, 2))
    segment = np.empty(n, dtype=np.int64)
    segment[ranking] = segment_ranked
    segment[revenue <= 0] = 2
    top = max(1, round(n * 0.2))
    plan.top20_share = float(revenue[ranking][:top].sum() / max(total, 1.0))
    strategic = ((segment == 0) & (r.random(n) < 0.3)) | ((segment == 1) & (r.random(n) < 0.04))

    active_days = np.maximum(c["active_to"] - np.maximum(c["since"], plan.start), 30)
    annual = revenue * 365 / active_days
    fx_now = float(plan.fx[-1])
    limit = annual / 4 / np.where(c["chf"], fx_now, 1.0)
    limit = np.where(c["payer"] == 3, limit * 0.5, limit)
    limit = np.clip(np.ceil(limit / 5000) * 5000, 5000, 2_000_000)
    limit = np.where(c["prospect"], 0, limit).astype(np.int64)

    # Account owners by territory; the head of sales looks after some strategic accounts.
    owner = np.empty(n, dtype=np.int64)
    reps = {u.territory: i for i, u in enumerate(USERS) if u.territory}
    for i in range(n):
        country = COUNTRIES[int(c["country"][i])]
        if country != "DE":
            owner[i] = reps[country]
            continue
        digit = places.CITIES[int(c["city"][i])].postal_code[0]
        owner[i] = next(idx for t, idx in reps.items() if digit in t and t not in {"AT", "CH"})
    owner = np.where(strategic & (r.random(n) < 0.4), reps["key"], owner)

    status = np.where(c["prospect"], 0, 1)  # prospect, active
    blocked = (c["payer"] == 3) & (r.random(n) < 0.2) & ~c["prospect"]
    status = np.where(blocked, 3, status)
    c.update(
        revenue=revenue,
        segment=segment,
        strategic=strategic,
        credit_limit=limit * 100,
        owner=owner,
        status=status,
    )
    # Only customers who bought before they stopped count as churned.
    bought = np.bincount(o["cust"], minlength=n) > 0
    churned = np.flatnonzero((c["churn"] <= plan.end) & bought)
    plan.churned = [(c["number"][i], plan.day(int(c["churn"][i]))) for i in churned.tolist()]


def _plan_addresses_and_contacts(plan: Plan) -> None:
    rnd = plan.rnd("contacts")
    c = plan.cust
    cities = places.CITIES
    same_country = {
        code: [i for i, city in enumerate(cities) if city.country == code] for code in COUNTRIES
    }
    addresses: list[tuple[Any, ...]] = []
    contacts: list[tuple[Any, ...]] = []
    start = np.zeros(plan.n, dtype=np.int64)
    count = np.zeros(plan.n, dtype=np.int64)
    first_channel: list[int] = []
    contacts_by_size = ((2, 3), (3, 4), (4, 5), (5, 6))
    for i in range(plan.n):
        ci = int(c["country"][i])
        country = COUNTRIES[ci]
        city = cities[int(c["city"][i])]
        kinds = ["billing"]
        if rnd.random() < 0.75:
            kinds.append("delivery")
        if rnd.random() < 0.25 or int(c["size"][i]) == 3:
            kinds.append("plant")
        for kind in kinds:
            where = city
            if kind == "plant" and rnd.random() < 0.6:
                where = cities[rnd.choice(same_country[country])]
            addresses.append(
                (
                    i,
                    kind,
                    _street(where, rnd),
                    where.postal_code,
                    where.name,
                    country,
                    f"{where.latitude + rnd.uniform(-0.03, 0.03):.5f}",
                    f"{where.longitude + rnd.uniform(-0.045, 0.045):.5f}",
                )
            )
        lo, hi = contacts_by_size[int(c["size"][i])]
        n_contacts = rnd.randint(lo, hi)
        roles = ["decision_maker", *rnd.sample(BUYING_ROLES[1:], n_contacts - 1)]
        start[i] = len(contacts)
        count[i] = n_contacts
        emails: set[str] = set()
        since = max(int(c["since"][i]), plan.start - 3650)
        for role in roles:
            contact = _contact(plan, rnd, i, country, city, role, emails, since)
            contacts.append(contact)
            first_channel.append(CHANNELS.index(contact[7][0]))
    plan.addresses = addresses
    plan.contacts = contacts
    plan.contact_start = start
    plan.contact_count = count
    plan.contact_channel = np.array(first_channel, dtype=np.int64)


def _street(city: places.City, rnd: random.Random) -> str:
    if city.language == "fr":
        return f"{rnd.choice(places.STREETS_FR)} {rnd.randint(1, 120)}"
    if city.language == "it":
        return f"{rnd.choice(places.STREETS_IT)} {rnd.randint(1, 80)}"
    street = rnd.choice(places.STREETS_DE)
    if city.country == "CH":
        street = street.replace("ß", "ss")
    number = str(rnd.randint(1, 160))
    if rnd.random() < 0.1:
        number += rnd.choice("abc")
    return f"{street} {number}"


def _contact(
    plan: Plan,
    rnd: random.Random,
    customer: int,
    country: str,
    city: places.City,
    role: str,
    emails: set[str],
    since: int,
) -> tuple[Any, ...]:
    # treue speaks German and English; in Geneva, Lausanne and Lugano many prefer English.
    english = rnd.random() < (0.06 if city.language == "de" else 0.5)
    if english:
        first, gender = rnd.choice(places.FIRST_EN)
        last = rnd.choice(places.LAST_EN)
        title = JOB_TITLES_EN[role]
    else:
        if city.language == "fr":
            first, gender = rnd.choice(places.FIRST_FR)
        elif city.language == "it":
            first, gender = rnd.choice(places.FIRST_IT)
        elif rnd.random() < 0.5:
            first, gender = rnd.choice(places.MALE_FIRST), "m"
        else:
            first, gender = rnd.choice(places.FEMALE_FIRST), "f"
        last = rnd.choice(_surnames(country, city))
        title = rnd.choice(JOB_TITLES[role])[0 if gender == "m" else 1]
    domain = plan.cust["domain"][customer]
    local = f"{slug(first)}.{slug(last)}"
    if local in emails or rnd.random() < 0.2:
        local = f"{slug(first)[0]}.{slug(last)}"
    k = 2
    base = local
    while local in emails:
        local = f"{base}{k}"
        k += 1
    emails.add(local)
    dial = PHONE_PREFIX[COUNTRIES.index(country)]
    phone = f"{dial} {city.dial} {rnd.randint(10000, 9999999)}"
    if rnd.random() < 0.7:
        phone += f"-{rnd.randint(10, 399)}"
    first_channel = rnd.choices(CHANNELS, FIRST_CHANNEL_P)[0]
    others = [ch for ch in CHANNELS if ch != first_channel]
    channels = [first_channel, *rnd.sample(others, rnd.choice((0, 1, 1, 2)))]
    technical = role in TECHNICAL_ROLES
    depth = "technical" if (rnd.random() < 0.75) == technical else "summary"
    pool = ROLE_TOPICS[role]
    topics = rnd.sample(pool, rnd.randint(1, len(pool)))
    if rnd.random() < 0.2:
        extra = rnd.choice(("products", "prices", "delivery", "quality", "service", "market"))
        if extra not in topics:
            topics.append(extra)
    consent = rnd.random() < 0.45
    consent_at: dt.datetime | None = None
    source = ""
    if consent:
        day = rnd.randint(since, plan.end - 1)
        local_dt = dt.datetime.combine(
            plan.day(day), dt.time(rnd.randint(8, 17), rnd.randint(0, 59)), tzinfo=BERLIN
        )
        consent_at = local_dt.astimezone(UTC)
        source = rnd.choice(CONSENT_SOURCES)
    return (
        customer,
        first,
        last,
        title,
        f"{local}@{domain}",
        phone,
        role,
        channels,
        depth,
        topics,
        "en" if english else "de",
        consent,
        consent_at,
        source,
    )


def _plan_interactions(plan: Plan) -> None:
    r = plan.rng("interactions")
    c = plan.cust
    n = plan.n
    pct = np.empty(n)
    pct[np.argsort(c["revenue"], kind="stable")] = np.arange(n) / max(n - 1, 1)
    begin = np.maximum(c["since"], plan.start)
    span_years = np.maximum(plan.end - begin, 0) / 365.0
    per_year = 1.2 + 9.0 * pct**3
    count = r.poisson(per_year * span_years)
    cust = np.repeat(np.arange(n), count)
    total = len(cust)
    day = begin[cust] + (r.random(total) * (plan.end - begin[cust] + 1)).astype(np.int64)
    # After a customer has quietly stopped buying, people talk to them much less.
    after_churn = day >= c["churn"][cust]
    keep = ~after_churn | (r.random(total) < 0.25)
    cust, day = cust[keep], _to_weekday_back(day[keep])
    keep = day >= begin[cust]
    cust, day = cust[keep], day[keep]
    total = len(cust)
    minutes = r.integers(7 * 60 + 30, 17 * 60 + 30, total)
    ordering = np.lexsort((minutes, day))
    cust, day, minutes = cust[ordering], day[ordering], minutes[ordering]
    contact = plan.contact_start[cust] + (r.random(total) * plan.contact_count[cust]).astype(
        np.int64
    )
    channel = np.where(
        r.random(total) < 0.7,
        plan.contact_channel[contact] if total else np.zeros(0, np.int64),
        r.choice(len(CHANNELS), total, p=(0.45, 0.3, 0.2, 0.05)),
    )
    index = {u.username: i for i, u in enumerate(USERS)}
    others = np.array(
        [index["service"], index["quality"], index["accounting"], index["management"]]
    )
    user = np.where(
        r.random(total) < 0.75,
        c["owner"][cust],
        others[r.choice(4, total, p=(0.4, 0.2, 0.2, 0.2))],
    )
    topic = r.integers(0, len(INTERACTION_TOPICS), total)
    plan.interactions = {
        "cust": cust,
        "contact": contact,
        "channel": channel,
        "day": day,
        "minutes": minutes,
        "user": user,
        "topic": topic,
    }


def _plan_activities(plan: Plan) -> None:
    """Open and recently done follow-ups of the account owners; system ones for held orders,
    credit limits and overdue invoices."""
    rnd = plan.rnd("activities")
    c, inv = plan.cust, plan.invoices
    end = plan.end
    n = plan.n
    open_items = np.bincount(inv["cust"], weights=inv["open"], minlength=n)
    over_limit = (open_items > c["credit_limit"]) & (c["credit_limit"] > 0)
    overdue = (inv["open"] > 0) & (inv["due"] < end - 30)
    first_overdue = np.full(n, -1, dtype=np.int64)
    overdue_idx = np.flatnonzero(overdue)
    first_overdue[inv["cust"][overdue_idx][::-1]] = overdue_idx[::-1]
    holds_of: dict[int, list[int]] = {}
    for hold in np.flatnonzero(~plan.holds["released"]).tolist():
        holds_of.setdefault(int(plan.holds["cust"][hold]), []).append(hold)
    activities: list[dict[str, Any]] = []
    for i in range(n):
        if c["prospect"][i] and rnd.random() < 0.5:
            continue
        chance = 0.08 + (0.25 if c["segment"][i] == 0 else 0.0)
        if rnd.random() < chance:
            for _ in range(rnd.randint(1, 2)):
                done = rnd.random() < 0.3
                due = end + (rnd.randint(-40, -1) if done else rnd.randint(-10, 21))
                activities.append(
                    {
                        "title": rnd.choice(MANUAL_ACTIVITIES),
                        "cust": i,
                        "invoice": -1,
                        "hold": -1,
                        "due": due,
                        "origin": "manual",
                        "done": done,
                        "created": min(due - rnd.randint(3, 20), end),
                    }
                )
        if i in holds_of:
            activities.extend(_hold_activity(plan, hold) for hold in holds_of[i])
        elif over_limit[i] and rnd.random() < 0.8:
            due = end + rnd.randint(-5, 7)
            activities.append(
                {
                    "title": "Kreditlimit überschritten: Gespräch zur Zahlung führen",
                    "cust": i,
                    "invoice": -1,
                    "hold": -1,
                    "due": due,
                    "origin": "system",
                    "done": False,
                    "created": min(due - 7, end),
                }
            )
        if first_overdue[i] >= 0 and rnd.random() < 0.5:
            due = end + rnd.randint(-7, 10)
            activities.append(
                {
                    "title": "Überfällige Rechnung: beim Kunden nachfragen",
                    "cust": i,
                    "invoice": int(first_overdue[i]),
                    "hold": -1,
                    "due": due,
                    "origin": "system",
                    "done": False,
                    "created": min(due - 5, end),
                }
            )
    plan.activities = activities


# Workflow stages in order; a complaint older than CLOSED_AFTER days is closed or rejected.
COMPLAINT_STAGES = (
    "new",
    "acknowledged",
    "analysis",
    "solution_proposed",
    "solution_agreed",
    "implemented",
    "closed",
)
CLOSED_AFTER = 25


def _plan_complaints(plan: Plan) -> None:
    """Complaints about deliveries: mostly closed with their 8D record, the recent ones open at
    a stage that fits their age; stage times in minutes after the complaint came in."""
    r = plan.rng("complaints")
    d = plan.deliveries
    n_deliveries = len(d["day"])
    n = min(round(COMPLAINTS_PER_CUSTOMER * plan.n), n_deliveries) if n_deliveries else 0
    delivery = np.sort(r.choice(n_deliveries, n, replace=False)) if n else np.zeros(0, np.int64)
    day = np.minimum(d["day"][delivery] + r.integers(1, 21, n), plan.end)
    ordering = np.argsort(day, kind="stable")
    delivery, day = delivery[ordering], day[ordering]
    minutes = r.integers(7 * 60, 18 * 60, n)
    category = r.choice(len(COMPLAINT_CATEGORIES), n, p=[c[1] for c in COMPLAINT_CATEGORIES])
    cause = np.zeros(n, dtype=np.int64)
    causes = sorted({c for entry in COMPLAINT_CATEGORIES for c, _p in entry[2]})
    for k, (_name, _share, options, _text) in enumerate(COMPLAINT_CATEGORIES):
        rows = np.flatnonzero(category == k)
        names = [causes.index(c) for c, _p in options]
        cause[rows] = r.choice(names, len(rows), p=[p for _c, p in options])
    severity = r.choice(len(COMPLAINT_SEVERITIES), n, p=[s[1] for s in COMPLAINT_SEVERITIES])
    age = plan.end - day
    stage = np.full(n, len(COMPLAINT_STAGES) - 1, dtype=np.int64)  # closed
    recent = age <= CLOSED_AFTER
    reach = np.clip(age // 4 + 1, 1, len(COMPLAINT_STAGES) - 2)
    stage[recent] = r.integers(0, reach[recent] + 1)
    rejected = ~recent & (r.random(n) < 0.08)
    # Business-ish minutes after coming in at which each stage was reached.
    acknowledge = r.integers(20, 300, n)
    propose = acknowledge + r.integers(600, 4 * 24 * 60, n)
    agree = propose + r.integers(120, 3 * 24 * 60, n)
    implement = agree + r.integers(600, 10 * 24 * 60, n)
    close = implement + r.integers(120, 3 * 24 * 60, n)
    analysis = acknowledge + r.integers(30, 600, n)
    offsets = np.stack(
        [np.zeros(n, np.int64), acknowledge, analysis, propose, agree, implement, close], axis=1
    )
    # An open complaint reached its stages before now: squeeze them into its age.
    age_minutes = np.maximum(age * 24 * 60 + (17 * 60 - minutes), 30)
    squeeze = np.where(recent, np.minimum(1.0, age_minutes / (offsets[:, -1] + 1)), 1.0)
    offsets = (offsets * squeeze[:, None]).astype(np.int64)
    satisfied = (stage == len(COMPLAINT_STAGES) - 1) & ~rejected & (r.random(n) < 0.6)
    score = r.choice([1, 2, 3, 4, 5], n, p=[0.05, 0.08, 0.2, 0.37, 0.3])
    plan.complaints = {
        "delivery": delivery,
        "order": d["order"][delivery],
        "day": day,
        "minutes": minutes,
        "category": category,
        "cause": cause,
        "cause_names": np.array(causes),
        "severity": severity,
        "stage": stage,
        "rejected": rejected,
        "offsets": offsets,
        "satisfied": satisfied,
        "score": score,
        "cost": r.integers(50, 5000, n) * 100,
        "supplier": r.integers(0, 3, n),
    }


# --- receivables history: dunning letters, payment promises, credit holds ---------------------

NEVER = 1 << 40  # the day an invoice that is still open is settled
_DAY_SPAN = 1 << 17  # group * span + day keys: days since 1970 stay below it until the year 2328
_MINUTE_SPAN = 1 << 26  # the same for minutes since 1970 (until 2097)
RUN_MINUTES = 7 * 60  # the weekly dunning run starts on Monday at 07:00
CALLS_INSTEAD = 0.65  # share of the calls proposed instead of a final demand that took place


class _Ledger:
    """Amounts booked per group (customer, invoice) and day, summed over ranges of days."""

    def __init__(self, group: Arr, day: Arr, amount: Arr, span: int = _DAY_SPAN) -> None:
        self.span = span
        key = group.astype(np.int64) * span + day
        order = np.argsort(key, kind="stable")
        self.key = key[order]
        self.day = day[order]
        self.cum = np.concatenate(([0], np.cumsum(amount[order])))

    def _index(self, group: Arr, day: Arr) -> Arr:
        return np.searchsorted(self.key, group * self.span + np.clip(day, 0, self.span - 1))

    def between(self, group: Arr, first: Arr, last: Arr) -> Arr:
        """What `group` booked from day `first` to day `last` (both included)."""
        return self.cum[self._index(group, last + 1)] - self.cum[self._index(group, first)]

    def before(self, group: Arr, day: Arr) -> Arr:
        return self.between(group, np.zeros_like(day), day - 1)

    def reached(self, group: Arr, first: Arr, amount: Arr) -> Arr:
        """The day from `first` on by which `group` has booked `amount` (NEVER if not yet)."""
        if not len(self.key):
            return np.full(len(group), NEVER, dtype=np.int64)
        start = self._index(group, first)
        m = np.searchsorted(self.cum, self.cum[start] + amount, side="left")
        j = np.clip(m - 1, 0, len(self.key) - 1)
        ok = (m > start) & (m <= len(self.key)) & (self.key[j] // self.span == group)
        return np.where(ok, self.day[j], NEVER)


def _monday_on_or_after(days: Arr) -> Arr:
    return days + (-_weekday(days)) % 7


def money_de(cents: int, currency: str) -> str:
    """An amount as German text, like `format_money` in German: "12.345,60 €"."""
    units, rest = divmod(int(cents), 100)
    sign = "€" if currency == "EUR" else currency
    return f"{units:,}".replace(",", ".") + f",{rest:02d}\u00a0{sign}"


def date_de(plan: Plan, day: int) -> str:
    return plan.day(int(day)).strftime("%d.%m.%Y")


def _payment_contacts(plan: Plan) -> tuple[Arr, list[str]]:
    """Per customer the contact who speaks about payments (the commercial buyer, else the
    decision maker) and the names of all contacts."""
    names = [f"{row[1]} {row[2]}" for row in plan.contacts]
    chosen = plan.contact_start.copy()
    for i, row in enumerate(plan.contacts):
        if row[6] == "commercial_buyer":
            chosen[row[0]] = i
    return chosen, names


def _plan_dunning(plan: Plan) -> None:
    """Weekly dunning runs (Mondays) over the window and the letters they sent, by the rules of
    `receivables.dunning`: an invoice gets each level on the first run on or after its day (the
    due date plus the level's days, and the days since the previous level), unless it was paid
    by then or an open complaint holds it; one notice per customer and run."""
    r = plan.rng("dunning")
    c, inv, p, k = plan.cust, plan.invoices, plan.payments, plan.complaints
    end = plan.end
    n_inv = len(inv["due"])
    first_run = int(_monday_on_or_after(np.array([plan.start]))[0])
    runs = np.arange(first_run, end, 7, dtype=np.int64)
    last_payment = np.full(n_inv, -1, dtype=np.int64)
    np.maximum.at(last_payment, p["invoice"], p["day"])
    settled = np.where(inv["open"] <= 0, last_payment, NEVER)
    inv["settled"] = settled

    # A complaint about the delivery holds its invoice from coming in until it is closed.
    received = k["day"] * 1440 + k["minutes"]
    finished = k["rejected"] | (k["stage"] == len(COMPLAINT_STAGES) - 1)
    closed = np.where(
        finished, received + np.where(k["rejected"], k["offsets"][:, 3], k["offsets"][:, -1]), NEVER
    )
    held_from = np.full(n_inv, NEVER, dtype=np.int64)
    held_until = np.full(n_inv, NEVER, dtype=np.int64)
    held_from[k["delivery"]] = received
    held_until[k["delivery"]] = closed
    resumed = _monday_on_or_after(-((RUN_MINUTES - held_until) // 1440))

    parts: list[tuple[Arr, int, Arr]] = []
    alive = np.ones(n_inv, dtype=bool)
    previous = np.zeros(n_inv, dtype=np.int64)
    for step, (_code, after, since_previous, _fee, _interest) in enumerate(DUNNING_LEVELS):
        day = np.maximum(inv["due"] + after, first_run)
        if step:
            day = np.maximum(day, previous + since_previous)
        run = _monday_on_or_after(day)
        minute = run * 1440 + RUN_MINUTES
        run = np.where((held_from < minute) & (minute < held_until), resumed, run)
        alive &= (run < settled) & (run < end)
        chosen = np.flatnonzero(alive)
        parts.append((chosen, step, run[chosen]))
        previous = run
    item_inv = np.concatenate([x for x, _l, _r in parts]).astype(np.int64)
    item_level = np.concatenate([np.full(len(x), lv, dtype=np.int64) for x, lv, _r in parts])
    item_run = np.concatenate([rr for _x, _l, rr in parts]).astype(np.int64)
    item_cust = inv["cust"][item_inv]
    ordering = np.lexsort((item_inv, inv["due"][item_inv], item_cust, item_run))
    item_inv, item_level, item_run, item_cust = (
        item_inv[ordering],
        item_level[ordering],
        item_run[ordering],
        item_cust[ordering],
    )
    n_items = len(item_inv)
    new = np.ones(n_items, dtype=bool)
    new[1:] = (item_run[1:] != item_run[:-1]) | (item_cust[1:] != item_cust[:-1])
    starts = np.flatnonzero(new)
    item_notice = np.cumsum(new) - 1
    n = len(starts)
    cust = item_cust[starts]
    run = item_run[starts]
    level = np.maximum.reduceat(item_level, starts) if n else np.zeros(0, np.int64)

    settlements = _Ledger(p["invoice"], p["day"], p["amount"] + p["discount"])
    item_open = inv["gross"][item_inv] - settlements.before(item_inv, item_run)
    item_days = item_run - inv["due"][item_inv]

    # What the run knew of the customer: invoices paid (late) in the last 24 months, letters
    # sent in the last 12, complaints open, years as a customer.
    paid = settled < NEVER
    paid_cust = inv["cust"][paid]
    paid_day = settled[paid]
    late = (paid_day - inv["due"][paid]) > LATE_TOLERANCE_DAYS
    paid_ledger = _Ledger(paid_cust, paid_day, np.ones(len(paid_day), np.int64))
    late_ledger = _Ledger(paid_cust[late], paid_day[late], np.ones(int(late.sum()), np.int64))
    paid_24m = paid_ledger.between(cust, run - 730, run - 1)
    late_24m = late_ledger.between(cust, run - 730, run - 1)
    habitual = (paid_24m >= HABITUAL_MIN_INVOICES) & (
        late_24m >= HABITUAL_LATE_SHARE * np.maximum(paid_24m, 1)
    )
    tenure = (run - c["since"][cust]) // 365
    complaint_cust = plan.orders["cust"][k["order"]]
    came_in = _Ledger(complaint_cust, received, np.ones(len(received), np.int64), _MINUTE_SPAN)
    done = closed < NEVER
    went = _Ledger(
        complaint_cust[done], closed[done], np.ones(int(done.sum()), np.int64), _MINUTE_SPAN
    )
    run_minute = run * 1440 + RUN_MINUTES
    open_complaints = came_in.before(cust, run_minute) - went.before(cust, run_minute + 1)

    # Key accounts: the owner approves the letter, or calls instead of a final demand; so does
    # the owner of a long-standing customer who is no habitual late payer.
    key = ((c["segment"] == 0) | c["strategic"])[cust]
    final = level == len(DUNNING_LEVELS) - 1
    call = final & (key | ((tenure >= LONG_TENURE_YEARS) & ~habitual))
    action = np.where(call, 2, np.where(key, 1, 0))  # send, propose, call
    status = np.where(call & (r.random(n) < CALLS_INSTEAD), 1, 0)  # sent, replaced by a call
    decided = action > 0
    decided_minutes = r.integers(8 * 60, 16 * 60 + 30, n)
    sent = status == 0
    letters = _Ledger(cust[sent], run[sent], np.ones(int(sent.sum()), np.int64))
    letters_12m = letters.between(cust, run - 365, run - 1)

    first_time = (late_24m == 0) & (letters_12m == 0)
    loyal = (tenure >= LOYAL_YEARS) & ~habitual & (level < 2)
    segment_a = c["segment"][cust] == 0
    friendly = first_time | (open_complaints > 0) | loyal | segment_a
    firm = ~friendly & (c["payer"][cust] == 3) & (level >= 2)
    tone = np.where(friendly, 0, np.where(firm, 2, 1))  # friendly, factual, firm
    charge = ~key & ~friendly

    # The flat fee once per invoice, default interest from the first letter on.
    fee_cents = np.array([lv[3] for lv in DUNNING_LEVELS], dtype=np.int64)
    with_interest = np.array([lv[4] for lv in DUNNING_LEVELS], dtype=bool)
    candidate = charge[item_notice] & (fee_cents[item_level] > 0)
    by_invoice = np.lexsort((item_level, item_inv))
    flags = candidate[by_invoice].astype(np.int64)
    group_start = np.ones(n_items, dtype=bool)
    group_start[1:] = item_inv[by_invoice][1:] != item_inv[by_invoice][:-1]
    earlier = np.cumsum(flags) - flags
    earlier -= earlier[np.flatnonzero(group_start)][np.cumsum(group_start) - 1]
    first_fee = np.zeros(n_items, dtype=bool)
    first_fee[by_invoice] = (flags == 1) & (earlier == 0)
    item_fee = np.where(first_fee, fee_cents[item_level], 0)
    rate = (float(settings.BASE_INTEREST_RATE) + DUNNING_INTEREST_POINTS) / 100
    interest_eur = item_open * inv["fx"][item_inv] * rate * item_days / 365
    item_interest = np.where(
        charge[item_notice] & with_interest[item_level], np.floor(interest_eur + 0.5), 0
    ).astype(np.int64)
    fees = np.add.reduceat(item_fee, starts) if n else np.zeros(0, np.int64)
    interest = np.add.reduceat(item_interest, starts) if n else np.zeros(0, np.int64)
    total = np.add.reduceat(item_open, starts) if n else np.zeros(0, np.int64)
    oldest = np.maximum.reduceat(item_days, starts) if n else np.zeros(0, np.int64)
    count = np.diff(np.append(starts, n_items))

    contact, names = _payment_contacts(plan)
    currency = np.where(c["chf"], "CHF", "EUR")
    segments = np.array(["A", "B", "C"])[c["segment"]]
    # The reasons in the words of `receivables.dunning.decide` (its German translation).
    reasons: list[str] = []
    notes: list[str] = []
    rows = zip(
        cust.tolist(),
        level.tolist(),
        tone.tolist(),
        action.tolist(),
        status.tolist(),
        count.tolist(),
        oldest.tolist(),
        total.tolist(),
        first_time.tolist(),
        open_complaints.tolist(),
        loyal.tolist(),
        habitual.tolist(),
        late_24m.tolist(),
        paid_24m.tolist(),
        tenure.tolist(),
        charge.tolist(),
        strict=True,
    )
    for row in rows:
        i, lv, tn, act, st, cnt, days, amount, first, complaints, *more = row
        loyal_i, habitual_i, late_n, paid_n, years, charged = more
        money = money_de(amount, str(currency[i]))
        if cnt == 1:
            text = [f"1 Rechnung überfällig, {days} Tage, {money}."]
        else:
            text = [f"{cnt} Rechnungen überfällig, die älteste {days} Tage, insgesamt {money}."]
        text.append(
            f"Mahnstufe „{DUNNING_LEVEL_NAMES[lv]}“: Die älteste Rechnung ist {days} Tage "
            "überfällig."
        )
        is_key = bool(c["segment"][i] == 0 or c["strategic"][i])
        who = "strategischer Kunde" if c["strategic"][i] else "A-Kunde"
        if tn == 0 and first:
            text.append("Freundlich: erstmals in zwei Jahren verspätet.")
        elif tn == 0 and complaints:
            text.append(
                "Freundlich: 1 Reklamation des Kunden ist noch offen."
                if complaints == 1
                else f"Freundlich: {complaints} Reklamationen des Kunden sind noch offen."
            )
        elif tn == 0 and loyal_i:
            text.append(
                f"Freundlich: seit {years} Jahren Kunde und kein notorisch säumiger Zahler."
            )
        elif tn == 0:
            text.append("Freundlich: A-Kunde.")
        elif tn == 2:
            text.append(
                f"Bestimmt: {late_n} von {paid_n} Rechnungen der letzten zwei Jahre wurden "
                "verspätet bezahlt."
            )
        elif habitual_i and lv < 2:
            text.append(
                f"Sachlich: oft verspätet bezahlt ({late_n} von {paid_n}), aber in einer frühen "
                "Mahnstufe."
            )
        elif late_n == 0:
            text.append("Sachlich: In den letzten zwölf Monaten ging schon ein Schreiben hinaus.")
        else:
            text.append(
                f"Sachlich: in zwei Jahren {late_n} von {paid_n} Rechnungen verspätet bezahlt."
            )
        if act == 2 and is_key:
            text.append(f"Ein Anruf statt der Letzten Mahnung: {who}; der Kundenbetreuer ruft an.")
        elif act == 2:
            text.append(f"Ein Anruf vor der Letzten Mahnung: seit {years} Jahren Kunde.")
        elif act == 1:
            text.append(
                f"Vorgeschlagen, nicht versandt: {who}; der Kundenbetreuer gibt frei, bearbeitet "
                "oder ruft an."
            )
        else:
            text.append(f"Das Schreiben geht hinaus: Segment {segments[i]}, nicht strategisch.")
        if lv >= 1 and not charged:
            text.append(
                "Keine Pauschale und keine Verzugszinsen: strategischer Kunde."
                if is_key
                else "Keine Pauschale und keine Verzugszinsen in einem freundlichen Schreiben."
            )
        reasons.append(" ".join(text))
        notes.append(
            f"Telefonat mit {names[contact[i]]} statt der Letzten Mahnung; offene Posten "
            "besprochen, Zahlung zugesagt."
            if st == 1
            else ""
        )
    plan.dunning = {
        "runs": runs,
        "cust": cust,
        "run": run,
        "level": level,
        "tone": tone,
        "action": action,
        "status": status,
        "key": key,
        "decided": decided,
        "decided_minutes": decided_minutes,
        "fees": fees,
        "interest": interest,
        "reason": reasons,
        "note": notes,
        "starts": starts,
        "item_notice": item_notice,
        "item_invoice": item_inv,
        "item_level": item_level,
        "item_open": item_open,
        "item_days": item_days,
        "item_fee": item_fee,
        "item_interest": item_interest,
    }


def _plan_promises(plan: Plan) -> None:
    """Payment promises of late payers: agreed on the phone a few days after a first or second
    letter, to pay its invoices within the week, and kept when the money came in by the promised
    day (`receivables.credit`: payments of that much, or the invoices settled); so resolved before
    the next letter was due. A few are open: agreed since the last run, due in the next two
    weeks, their invoices held from dunning."""
    r = plan.rng("promises")
    c, inv, p, dn = plan.cust, plan.invoices, plan.payments, plan.dunning
    end = plan.end
    settled = inv["settled"]
    pay_cust = inv["cust"][p["invoice"]]
    money_in = _Ledger(pay_cust, p["day"], p["amount"])
    settlements = _Ledger(p["invoice"], p["day"], p["amount"] + p["discount"])
    starts, item_inv = dn["starts"], dn["item_invoice"]
    n = len(starts)
    cust, run, level = dn["cust"], dn["run"], dn["level"]
    item_settled = settled[item_inv]
    first_paid = np.minimum.reduceat(item_settled, starts) if n else np.zeros(0, np.int64)
    last_paid = np.maximum.reduceat(item_settled, starts) if n else np.zeros(0, np.int64)
    pays_soon = last_paid <= run + 13
    recorded = np.minimum(run + r.integers(1, 5, n), first_paid - 1)
    low, high = recorded + 3, run + 9  # resolved (promised + 4 at the latest) before run + 14
    promised = np.where(
        pays_soon,
        np.clip(np.minimum(last_paid, end) + r.integers(-3, 2, n), low, high),
        low + (r.random(n) * (high - low + 1)).astype(np.int64),
    )
    promised = _to_weekday_forward(promised)
    late_payer = np.isin(c["payer"][cust], (2, 3))
    candidate = late_payer & np.isin(level, (1, 2)) & (run + 14 <= end) & (first_paid > run + 1)
    chosen = np.flatnonzero(candidate & (r.random(n) < np.where(pays_soon, 0.4, 0.12)))
    minutes = r.integers(9 * 60, 16 * 60 + 30, n)

    # Per chosen notice, its invoices and what was open of them on the day of the promise.
    counts = np.diff(np.append(starts, len(item_inv)))
    member = np.repeat(np.isin(np.arange(n), chosen), counts)
    member_notice = dn["item_notice"][member]
    member_inv = item_inv[member]
    member_open = inv["gross"][member_inv] - settlements.before(member_inv, recorded[member_notice])
    promise_of_notice = np.full(n, -1, dtype=np.int64)
    promise_of_notice[chosen] = np.arange(len(chosen))
    member_promise = promise_of_notice[member_notice]
    amount = np.bincount(member_promise, weights=member_open, minlength=len(chosen)).astype(
        np.int64
    )
    p_cust, p_recorded, p_promised = cust[chosen], recorded[chosen], promised[chosen]
    deadline = p_promised + PROMISE_GRACE_DAYS
    by_money = money_in.reached(p_cust, p_recorded, amount)
    by_settling = last_paid[chosen]
    kept_day = np.minimum(
        np.where(by_money <= deadline, by_money, NEVER),
        np.where(by_settling <= deadline, by_settling, NEVER),
    )
    kept = kept_day < NEVER
    resolved = np.where(kept, kept_day, deadline + 1)
    # Recording a payment checks the promises at once; the hourly check (:20) finds the broken.
    resolved_minutes = np.where(kept, 10 * 60 + 20, 20)
    notes = [
        f"Telefonisch zugesagt nach {DUNNING_LEVEL_DATIVE[lv]} vom {date_de(plan, day)}."
        for lv, day in zip(level[chosen].tolist(), run[chosen].tolist(), strict=True)
    ]

    # Open promises: late payers with invoices overdue three weeks or more, agreed since the
    # last run.
    last_run = int(dn["runs"][-1]) if len(dn["runs"]) else end - 7
    overdue = (inv["open"] > 0) & (inv["due"] < end)
    long_overdue = overdue & (inv["due"] <= end - 21)
    asked = np.zeros(plan.n, dtype=bool)
    asked[inv["cust"][long_overdue]] = True
    asked &= np.isin(c["payer"], (2, 3)) & (r.random(plan.n) < 0.2)
    open_recorded = _to_weekday_back(r.integers(last_run + 1, end + 1, plan.n))
    open_promised = _to_weekday_forward(end + r.integers(2, 13, plan.n))
    open_minutes = r.integers(8 * 60, 12 * 60, plan.n)
    open_count = r.integers(1, 4, plan.n)
    overdue_idx = np.flatnonzero(overdue)
    overdue_idx = overdue_idx[np.lexsort((overdue_idx, inv["due"][overdue_idx]))]
    oldest: dict[int, list[int]] = {}
    for i in overdue_idx.tolist():
        owner_list = oldest.setdefault(int(inv["cust"][i]), [])
        if len(owner_list) < 3:
            owner_list.append(i)
    open_cust: list[int] = []
    open_invoices: list[list[int]] = []
    open_amount: list[int] = []
    for i in np.flatnonzero(asked).tolist():
        invoices = oldest[i][: int(open_count[i])]
        total = int(inv["open"][invoices].sum())
        if money_in.between(np.array([i]), open_recorded[i : i + 1], np.array([end]))[0] < total:
            open_cust.append(i)
            open_invoices.append(invoices)
            open_amount.append(total)
    oc = np.array(open_cust, dtype=np.int64)

    contact, names = _payment_contacts(plan)
    all_cust = np.concatenate((p_cust, oc))
    recorded_day = np.concatenate((p_recorded, open_recorded[oc]))
    recorded_minutes = np.concatenate((minutes[chosen], open_minutes[oc]))
    ordering = np.lexsort((recorded_minutes, recorded_day))
    links: list[tuple[int, int]] = list(
        zip(member_promise.tolist(), member_inv.tolist(), strict=True)
    )
    links += [
        (len(chosen) + k, invoice)
        for k, invoices in enumerate(open_invoices)
        for invoice in invoices
    ]
    position = np.empty(len(ordering), dtype=np.int64)
    position[ordering] = np.arange(len(ordering))
    open_note = "Telefonisch zugesagt; die Rechnungen werden bis dahin nicht gemahnt."
    all_notes = [*notes, *[open_note] * len(oc)]
    plan.promises = {
        "cust": all_cust[ordering],
        "contact": contact[all_cust][ordering],
        "agreed_by": [names[i] for i in contact[all_cust][ordering].tolist()],
        "amount": np.concatenate((amount, np.array(open_amount, dtype=np.int64)))[ordering],
        "promised": np.concatenate((p_promised, open_promised[oc]))[ordering],
        "recorded": recorded_day[ordering],
        "recorded_minutes": recorded_minutes[ordering],
        # open, kept, broken
        "status": np.concatenate((np.where(kept, 1, 2), np.zeros(len(oc), np.int64)))[ordering],
        "resolved": np.concatenate((resolved, np.full(len(oc), -1)))[ordering],
        "resolved_minutes": np.concatenate((resolved_minutes, np.zeros(len(oc), np.int64)))[
            ordering
        ],
        "note": [all_notes[i] for i in ordering.tolist()],
        "links": sorted((int(position[k]), invoice) for k, invoice in links),
    }


# Of the orders of the last year that took the customer over the credit limit, the share held
# at confirmation: the credit check holds every one today, before it accounting held a few.
PAST_HOLD_SHARE = 0.04


def _plan_credit_holds(plan: Plan) -> None:
    """Orders held at confirmation because they took the customer over the credit limit, as
    `receivables.credit.credit_check` decides (open items and the order in EUR against the
    limit): this week's orders that would be (still open, not in production), and a few of
    the last year, released within days with a reason, before anything was shipped."""
    r = plan.rng("credit_holds")
    c, o, ln, inv, p, d = (
        plan.cust,
        plan.orders,
        plan.lines,
        plan.invoices,
        plan.payments,
        plan.deliveries,
    )
    end = plan.end
    n_orders = len(o["day"])
    value = np.bincount(ln["order"], weights=ln["quantity"] * ln["net"], minlength=n_orders)
    value_eur = np.rint(value * o["fx"]).astype(np.int64)
    limit_eur = np.rint(c["credit_limit"][o["cust"]] * o["fx"]).astype(np.int64)
    billed = _Ledger(inv["cust"], inv["issued"], inv["gross"] * inv["fx"])
    settled_eur = (p["amount"] + p["discount"]) * inv["fx"][p["invoice"]]
    pay_cust = inv["cust"][p["invoice"]]
    paid = _Ledger(pay_cust, p["day"], settled_eur)
    open_then = np.rint(
        billed.before(o["cust"], o["day"]) - paid.before(o["cust"], o["day"])
    ).astype(np.int64)
    open_now = np.rint(
        np.bincount(inv["cust"], weights=inv["open"] * inv["fx"], minlength=plan.n)
    ).astype(np.int64)[o["cust"]]
    first_ship = np.full(n_orders, NEVER, dtype=np.int64)
    np.minimum.at(first_ship, d["order"], d["day"])
    live = ~o["cancelled"] & (limit_eur > 0)
    # Held orders are not confirmed: those of the last week that nothing was shipped of yet.
    # Today's limit is in EUR at the rate of the customer's newest order (`customer_limit_eur`).
    newest = np.full(plan.n, -1, dtype=np.int64)
    np.maximum.at(newest, o["cust"], np.arange(n_orders))
    limit_now = np.rint(c["credit_limit"][o["cust"]] * o["fx"][newest[o["cust"]]]).astype(np.int64)
    held_now = (
        live
        & (o["status"] <= 1)
        & (o["day"] >= end - 7)
        & (first_ship == NEVER)
        & (open_now + value_eur > limit_now)
    )
    o["status"] = np.where(held_now, 0, o["status"])
    was_over = live & (open_then + value_eur > limit_eur)
    held_then = (
        was_over
        & (o["status"] > 0)
        & (o["day"] >= max(plan.start + 30, end - 365))
        & (o["day"] <= end - 3)
        & (first_ship > o["day"])
        & (r.random(n_orders) < PAST_HOLD_SHARE)
    )
    held_minutes = np.minimum(o["received_minutes"] + r.integers(15, 120, n_orders), 23 * 60)
    release_day = _to_weekday_forward(o["day"] + r.integers(0, 4, n_orders))
    release_day = np.where((release_day >= first_ship) | (release_day > end), o["day"], release_day)
    release_minutes = np.where(
        release_day == o["day"],
        np.minimum(held_minutes + r.integers(60, 240, n_orders), 23 * 60 + 30),
        r.integers(9 * 60, 16 * 60 + 30, n_orders),
    )

    orders = np.flatnonzero(held_now | held_then)
    orders = orders[np.lexsort((held_minutes[orders], o["day"][orders]))]
    cust = o["cust"][orders]
    released = held_then[orders]
    open_items = np.where(released, open_then[orders], open_now[orders])
    exposure = open_items + value_eur[orders]
    limit = np.where(released, limit_eur[orders], limit_now[orders])
    shortfall = exposure - limit
    came_in = paid.between(cust, o["day"][orders], release_day[orders]) >= shortfall
    key = ((c["segment"] == 0) | c["strategic"])[cust]
    users = {u.username: i for i, u in enumerate(USERS)}
    released_by = np.where(came_in | ~key, users[ACCOUNTING_USERNAME], users[MANAGEMENT_USERNAME])
    contact, names = _payment_contacts(plan)
    reasons: list[str] = []
    release_reasons: list[str] = []
    for j, i in enumerate(cust.tolist()):
        reasons.append(
            f"Das Obligo von {money_de(exposure[j], 'EUR')} mit diesem Auftrag übersteigt das "
            f"Kreditlimit von {money_de(limit[j], 'EUR')} (offene Posten "
            f"{money_de(open_items[j], 'EUR')}, andere bestätigte Aufträge "
            f"{money_de(0, 'EUR')}, dieser Auftrag {money_de(value_eur[orders[j]], 'EUR')})."
        )
        if not released[j]:
            release_reasons.append("")
        elif came_in[j]:
            release_reasons.append(
                "Zahlungseingang geprüft: das Obligo liegt wieder unter dem Kreditlimit."
            )
        elif key[j]:
            who = "strategischer Kunde" if c["strategic"][i] else "A-Kunde"
            release_reasons.append(
                f"Freigabe durch die Geschäftsführung: {who}, die Zahlung der offenen Posten "
                "ist mit dem Kunden abgestimmt."
            )
        else:
            release_reasons.append(
                f"Nach Rücksprache mit {names[contact[i]]}: Zahlung der ältesten Lieferungen "
                "zugesagt, Auftrag freigegeben."
            )
    plan.holds = {
        "order": orders,
        "cust": cust,
        "day": o["day"][orders],
        "minutes": held_minutes[orders],
        "released": released,
        "released_day": release_day[orders],
        "released_minutes": release_minutes[orders],
        "released_by": released_by,
        "limit": limit,
        "exposure": exposure,
        "open": open_items,
        "value": value_eur[orders],
        "reason": reasons,
        "release_reason": release_reasons,
    }


def _hold_activity(plan: Plan, hold: int) -> dict[str, Any]:
    """What `credit_check` asks of the account owner for an open hold: agree payment of the
    oldest one to three open invoices that bring the customer back under the limit."""
    h, inv = plan.holds, plan.invoices
    cust = int(h["cust"][hold])
    open_idx = np.flatnonzero((inv["cust"] == cust) & (inv["open"] > 0))
    open_idx = open_idx[np.lexsort((open_idx, inv["due"][open_idx]))][:3]
    covered = np.cumsum(inv["open"][open_idx] * inv["fx"][open_idx])
    needed = int(h["exposure"][hold] - h["limit"][hold])
    count = max(1, min(len(open_idx), int(np.searchsorted(covered, needed)) + 1))
    what = "der ältesten Lieferung" if count == 1 else f"der ältesten {count} Lieferungen"
    day = int(h["day"][hold])
    return {
        "title": f"Zahlung {what} mit {plan.cust['name'][cust]} vereinbaren"[:200],
        "cust": cust,
        "invoice": -1,
        "hold": hold,
        "due": int(_to_weekday_forward(np.array([day + 1]))[0]),
        "origin": "system",
        "done": False,
        "created": day,
    }


def demo_plan(
    *, customers: int, years: int, seed: int, today: dt.date, progress: Progress | None = None
) -> Plan:
    """Plan the whole company in memory; nothing touches the database."""
    say = progress or (lambda _msg: None)
    began = time.perf_counter()
    plan = Plan(seed=seed, today=today, years=years)
    plan.start = _days(_window_start(today, years))
    plan.end = _days(today)
    _plan_exchange_rates(plan)
    products = _plan_products(plan)
    _plan_customers(plan, customers)
    _plan_orders(plan, products)
    _plan_deliveries(plan)
    _plan_invoices(plan)
    _plan_segments(plan)
    _plan_addresses_and_contacts(plan)
    _plan_interactions(plan)
    _plan_complaints(plan)
    _plan_dunning(plan)
    _plan_promises(plan)
    _plan_credit_holds(plan)
    _plan_activities(plan)
    say(
        _("Planned %(customers)s customers, %(orders)s orders, %(lines)s order lines in %(s).1f s")
        % {
            "customers": f"{customers:,}",
            "orders": f"{len(plan.orders['day']):,}",
            "lines": f"{len(plan.lines['order']):,}",
            "s": time.perf_counter() - began,
        }
    )
    return plan
