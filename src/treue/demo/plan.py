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
from django.utils.translation import gettext as _

from . import catalogue, places
from .company import (
    BERLIN,
    BUYING_ROLES,
    CHANNELS,
    COMPLAINT_CATEGORIES,
    COMPLAINT_SEVERITIES,
    COMPLAINTS_PER_CUSTOMER,
    CONSENT_SOURCES,
    COUNTRIES,
    COUNTRY_P,
    FIRST_CHANNEL_P,
    INDUSTRIES,
    INDUSTRY_P,
    INTERACTION_TOPICS,
    JOB_TITLES,
    JOB_TITLES_EN,
    LINES_PER_ORDER,
    LINES_PER_ORDER_P,
    MANUAL_ACTIVITIES,
    ORDERS_PER_CUSTOMER_YEAR,
    PAYER_P,
    PAYMENT_TERMS,
    PHONE_PREFIX,
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
    unique_days = np.unique(days)
    offsets = {}
    for day in unique_days.tolist():
        noon = dt.datetime.combine(
            dt.date.fromordinal(day + 719163), dt.time(12), tzinfo=BERLIN
        )  # 719163 = date(1970, 1, 1).toordinal()
        delta = noon.utcoffset()
        offsets[day] = int(delta.total_seconds()) if delta is not None else 0
    offset = np.array([offsets[d] for d in days.tolist()], dtype=np.int64)
    seconds = days * 86400 + minutes * 60 - offset
    naive = seconds.astype("datetime64[s]").tolist()
    return [d.replace(tzinfo=UTC) for d in naive]


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
    """Open and recently done follow-ups of the account owners; system ones for credit limits
    and overdue invoices."""
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
                        "due": due,
                        "origin": "manual",
                        "done": done,
                        "created": min(due - rnd.randint(3, 20), end),
                    }
                )
        if over_limit[i] and rnd.random() < 0.8:
            due = end + rnd.randint(-5, 7)
            activities.append(
                {
                    "title": "Kreditlimit überschritten: Gespräch zur Zahlung führen",
                    "cust": i,
                    "invoice": -1,
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
    _plan_activities(plan)
    _plan_complaints(plan)
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
