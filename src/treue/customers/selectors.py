"""Reads of customers and their 360 view. Every function answers in a fixed number of queries."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple
from urllib.parse import quote

from django.core.cache import cache
from django.db import connections
from django.db.models import (
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import reverse

from treue.core.choices import choice_labels
from treue.core.models import User
from treue.core.money import round_money
from treue.core.roles import Role
from treue.orders.models import Order, OrderLine
from treue.receivables.selectors import invoice_open_items

from .models import (
    Address,
    AddressKind,
    Contact,
    Country,
    Customer,
    CustomerStatus,
    Industry,
    Interaction,
    Segment,
)

SORTS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "number": ("number",),
    "-number": ("-number",),
    "since": ("customer_since", "id"),
    "-since": ("-customer_since", "-id"),
}


def customer_list(
    *,
    search: str = "",
    owner_id: int | None = None,
    industry: str = "",
    country: str = "",
    segment: str = "",
    status: str = "",
    order: str = "name",
) -> QuerySet[Customer]:
    qs = Customer.objects.all()
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(name__icontains=search) | Q(number__iexact=search) | Q(vat_id__iexact=search)
        )
    if owner_id is not None:
        qs = qs.filter(account_owner_id=owner_id)
    if industry:
        qs = qs.filter(industry=industry)
    if country:
        qs = qs.filter(country=country)
    if segment:
        qs = qs.filter(segment=segment)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(*SORTS.get(order, SORTS["name"]))


class CustomerListRow(NamedTuple):
    """One row of the customer list, with every label already in the user's language.

    A named tuple rather than a frozen dataclass: as immutable, and made five times faster.
    """

    number: str
    name: str
    url: str
    is_strategic: bool
    city: str
    country: str
    industry: str
    segment: str
    segment_label: str
    owner: str
    status: str


def _billing_city(customers: QuerySet[Customer]) -> RawSQL:
    """The city of the customer's first billing address, as a correlated subquery.

    The same subquery as `Subquery(Address.objects.filter(customer=OuterRef("pk"), kind=...)
    .values("city")[:1])`, but the ORM took a millisecond per page to build and compile that
    expression, more than the database needed to run the whole list query.
    """
    qn = connections[customers.db].ops.quote_name
    address, customer = qn(Address._meta.db_table), qn(Customer._meta.db_table)
    # Only names from the models go into the text; the one value is a parameter.
    return RawSQL(  # noqa: S611
        f"SELECT {qn('city')} FROM {address} WHERE {qn('customer_id')} = "  # noqa: S608
        f"{customer}.{qn('id')} AND {qn('kind')} = %s ORDER BY {qn('id')} LIMIT 1",
        (AddressKind.BILLING.value,),
        output_field=CharField(),
    )


# What urllib's quote() leaves as it is; customer numbers like "K10001" need no quoting (quote()
# itself was 2 % of the list page).
_URL_SAFE = re.compile(r"[A-Za-z0-9_.~-]*")


def customer_list_page_rows(*, customers: QuerySet[Customer]) -> list[CustomerListRow]:
    """The columns the list page shows, in one query with the billing city and the owner.

    Plain rows and labels looked up once per language keep a page of 50 at a few milliseconds;
    model instances and `get_FOO_display()` made the page several times slower.
    """
    if customers.query.is_sliced:
        # The page's ids first, the columns only for them: PostgreSQL otherwise computed the
        # billing city of every customer the OFFSET skips (157 ms on page 400 of 20,000).
        ordering = customers.query.order_by
        customers = Customer.objects.filter(pk__in=customers.values("pk")).order_by(*ordering)
    rows = customers.annotate(city=_billing_city(customers)).values_list(
        "number",
        "name",
        "is_strategic",
        "city",
        "country",
        "industry",
        "segment",
        "status",
        "account_owner__first_name",
        "account_owner__last_name",
        "account_owner__username",
    )
    countries = choice_labels(Country)
    industries = choice_labels(Industry)
    segments = choice_labels(Segment)
    statuses = choice_labels(CustomerStatus)
    list_url = reverse("customers:list")
    return [
        CustomerListRow(
            number,
            name,
            f"{list_url}{number if _URL_SAFE.fullmatch(number) else quote(number)}/",
            is_strategic,
            city or "–",
            countries.get(country, country),
            industries.get(industry, industry),
            segment,
            segments.get(segment, segment),
            _person_name(first, last, username) if username else "–",
            statuses.get(status, status),
        )
        for (
            number,
            name,
            is_strategic,
            city,
            country,
            industry,
            segment,
            status,
            first,
            last,
            username,
        ) in rows
    ]


# The unfiltered total and the owners of the filter are asked for on every list page. On
# PostgreSQL the COUNT(*) of 20,000 customers was a third of the page; each web process keeps
# them for a short while instead (a new customer is counted at once in the process that created
# it, in the others within CACHE_SECONDS).
CACHE_SECONDS = 30
TOTAL_KEY = "customers:total"
OWNERS_KEY = "customers:owner-choices"


def customer_total() -> int:
    """How many customers there are, for the unfiltered list."""
    total: int | None = cache.get(TOTAL_KEY)
    if total is None:
        total = Customer.objects.count()
        cache.set(TOTAL_KEY, total, CACHE_SECONDS)
    return total


def customer_totals_forget() -> None:
    """After a write that adds or removes customers or changes who may own them."""
    cache.delete_many([TOTAL_KEY, OWNERS_KEY])


def account_owner_choices() -> list[tuple[int, str]]:
    """The people who can own customers (sales and management), as `(id, name)` for a filter."""
    choices: list[tuple[int, str]] | None = cache.get(OWNERS_KEY)
    if choices is None:
        users = (
            User.objects.filter(is_active=True, role__in=[Role.SALES, Role.MANAGEMENT])
            .order_by("last_name", "first_name", "username")
            .values_list("pk", "first_name", "last_name", "username")
        )
        choices = [(pk, _person_name(first, last, username)) for pk, first, last, username in users]
        cache.set(OWNERS_KEY, choices, CACHE_SECONDS)
    return choices


def _person_name(first_name: str, last_name: str, username: str) -> str:
    """`str(user)` from plain columns: the full name, else the username."""
    return f"{first_name} {last_name}".strip() or username


def customer_get(*, number: str) -> Customer:
    return Customer.objects.select_related("account_owner", "payment_terms").get(number=number)


def customer_addresses(*, customer: Customer) -> list[Address]:
    return list(customer.addresses.all())


def customer_contacts(*, customer: Customer) -> list[Contact]:
    return list(customer.contacts.all())


_money: DecimalField = DecimalField(max_digits=18, decimal_places=2)


def customer_orders(*, customer: Customer) -> QuerySet[Order]:
    """Orders newest first with net amount and contribution margin per order, computed in SQL."""
    return (
        Order.objects.filter(customer=customer)
        .annotate(
            net_amount=Coalesce(
                Sum(
                    ExpressionWrapper(
                        F("lines__quantity") * F("lines__net_price"), output_field=_money
                    )
                ),
                Value(Decimal(0)),
                output_field=_money,
            ),
            contribution_margin=Coalesce(
                Sum(
                    ExpressionWrapper(
                        F("lines__quantity") * (F("lines__net_price") - F("lines__unit_cost")),
                        output_field=_money,
                    )
                ),
                Value(Decimal(0)),
                output_field=_money,
            ),
            line_count=Sum(Value(1)),
            next_promised_date=Subquery(
                OrderLine.objects.filter(order=OuterRef("pk"))
                .order_by("promised_date")
                .values("promised_date")[:1]
            ),
        )
        .order_by("-order_date", "-id")
    )


def customer_interactions(*, customer: Customer) -> QuerySet[Interaction]:
    return Interaction.objects.filter(customer=customer).select_related("contact", "user")


def customer_count_by_segment(*, owner_id: int) -> dict[str, int]:
    rows = (
        Customer.objects.filter(account_owner_id=owner_id)
        .values("segment")
        .annotate(n=Count("id"))
        .values_list("segment", "n")
    )
    counts = {"a": 0, "b": 0, "c": 0}
    counts.update(dict(rows))
    return counts


@dataclass(frozen=True)
class CustomerKeyFigures:
    """The figures a sales rep wants before a visit, in company currency (EUR)."""

    revenue_12m: Decimal
    margin_12m: Decimal
    orders_12m: int
    last_order_on: datetime.date | None
    open_items: Decimal
    overdue_items: Decimal
    last_contact_at: datetime.datetime | None


def customer_key_figures(*, customer: Customer, today: datetime.date) -> CustomerKeyFigures:
    since = today - datetime.timedelta(days=365)
    rate = F("order__exchange_rate")
    sales = OrderLine.objects.filter(
        order__customer=customer, order__order_date__gt=since
    ).aggregate(
        revenue=Sum(F("quantity") * F("net_price") * rate, output_field=_money),
        margin=Sum(F("quantity") * (F("net_price") - F("unit_cost")) * rate, output_field=_money),
        orders=Count("order", distinct=True),
    )
    last_order_on = (
        Order.objects.filter(customer=customer)
        .order_by("-order_date")
        .values_list("order_date", flat=True)
        .first()
    )
    open_invoices = invoice_open_items(customer_id=customer.pk)
    items = open_invoices.aggregate(
        open=Sum(F("open_amount") * F("exchange_rate"), output_field=_money),
        overdue=Sum(
            F("open_amount") * F("exchange_rate"),
            filter=Q(due_on__lt=today),
            output_field=_money,
        ),
    )
    last_contact_at = (
        Interaction.objects.filter(customer=customer)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    zero = Decimal(0)
    return CustomerKeyFigures(
        revenue_12m=round_money(sales["revenue"] or zero),
        margin_12m=round_money(sales["margin"] or zero),
        orders_12m=sales["orders"],
        last_order_on=last_order_on,
        open_items=round_money(items["open"] or zero),
        overdue_items=round_money(items["overdue"] or zero),
        last_contact_at=last_contact_at,
    )
