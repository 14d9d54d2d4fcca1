"""The demo company "Muster Maschinenbau GmbH", built from a seed: `treue demo`.

The company is planned in memory first (`plan.py`, numpy) and then written with
`treue.core.bulk`, so that 20,000 customers with about two million order lines take a minute,
not hours. "today" anchors the date range and is the only input besides the seed.

Which customers the generator lets churn is the answer the analytics have to find: it is
returned in `DemoResult.churned` (and written to a JSON file by `treue demo --truth`), never
stored in a table.
"""

import base64
import datetime as dt
import importlib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np
from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from treue.activities.models import Activity, ActivityEvent
from treue.complaints.models import Complaint, ComplaintEvent, ComplaintPause, SlaPolicy
from treue.complaints.services import (
    WAITING_FOR_AGREEMENT,
    complaints_escalate,
    complaints_late_flags_refresh,
)
from treue.core import bulk
from treue.core.models import Department, User
from treue.core.roles import Role
from treue.customers.models import (
    Address,
    Contact,
    Customer,
    Interaction,
    PaymentTerms,
    ServiceStation,
)
from treue.orders.models import Delivery, DeliveryLine, Order, OrderLine, Product
from treue.receivables.models import (
    Allocation,
    CreditHold,
    DunningItem,
    DunningNotice,
    DunningRun,
    Invoice,
    Payment,
    PaymentPromise,
    ReceivablesEvent,
)

from . import places
from .company import (
    ABSENT_USERNAME,
    ACCOUNTING_USERNAME,
    BERLIN,
    CHANNEL_PREFIX,
    CHANNELS,
    COMPANY_DOMAIN,
    COMPLAINT_CATEGORIES,
    COMPLAINT_CAUSES,
    COMPLAINT_SEVERITIES,
    COUNTRIES,
    DEMO_PASSWORD,
    DEPARTMENTS,
    DEPUTY_USERNAME,
    DUNNING_ACTIONS,
    DUNNING_LEVELS,
    DUNNING_TONES,
    INCOTERMS,
    INDUSTRIES,
    INTERACTION_TOPICS,
    NOTICE_STATUSES,
    PAYMENT_TERMS,
    SIZE_CLASSES,
    SUPPLIERS,
    USERS,
)
from .plan import (
    COMPLAINT_STAGES,
    RUN_MINUTES,
    DateText,
    Plan,
    Progress,
    date_de,
    demo_plan,
    local_datetimes,
    money_de,
    money_text,
    month_index,
    per_year_numbers,
    slug,
    utc_seconds,
)


def tracking_tokens(rng: np.random.Generator, n: int) -> list[str]:
    """One 22-character token per order, like `new_tracking_token`, from the seed."""
    raw = rng.bytes(16 * n)
    return [
        base64.urlsafe_b64encode(raw[i : i + 16]).rstrip(b"=").decode()
        for i in range(0, 16 * n, 16)
    ]


def timestamp_texts(seconds: Any) -> list[str]:
    """UTC timestamps as the text the database keeps them in, made in one go: adapting a few
    hundred thousand aware datetimes one by one takes seconds."""
    text = np.datetime_as_string(np.asarray(seconds).astype("datetime64[s]"), unit="s").tolist()
    if connection.vendor == "sqlite":  # Django's naive UTC text, "2025-06-30 05:00:00"
        return [t.replace("T", " ") for t in text]
    return [f"{t}+00:00" for t in text]


# Order status codes of plan.py, in their order.
ORDER_STATUSES = ("open", "in_production", "shipped", "completed", "cancelled")

__all__ = ["DEMO_PASSWORD", "DemoResult", "demo_build", "demo_logins", "demo_wipe"]


@dataclass
class DemoResult:
    seed: int
    today: dt.date
    customers: int
    years: int
    counts: dict[str, int]
    churned: list[tuple[str, dt.date]]
    top20_share: float
    seconds: float

    def truth(self) -> dict[str, Any]:
        """What the generator knows and the application must find out by itself."""
        return {
            "seed": self.seed,
            "today": self.today.isoformat(),
            "customers": self.customers,
            "years": self.years,
            "churned": [
                {"customer_number": number, "churned_on": day.isoformat()}
                for number, day in self.churned
            ],
        }


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role, password) of every demo user, in the order the command prints them."""
    return [(u.username, str(u.role), DEMO_PASSWORD) for u in USERS]


def demo_database_is_empty() -> bool:
    """Whether building the demo company would overwrite nothing."""
    return not (
        Customer.objects.exists()
        or User.objects.exists()
        or Product.objects.exists()
        or Order.objects.exists()
        or Invoice.objects.exists()
    )


def _wiped_models() -> list[type[models.Model]]:
    """Everything treue stores, with users, sessions, admin log and background tasks; not the
    content types and permissions, which belong to the schema."""
    others = {"django.contrib.admin", "django.contrib.sessions", "django_tasks_db"}
    wiped = []
    for model in apps.get_models(include_auto_created=True):
        config = model._meta.app_config
        if config is None or model._meta.proxy or not model._meta.managed:
            continue
        if config.name.startswith("treue.") or config.name in others:
            wiped.append(model)
    return wiped


# The configuration that data migrations seed (module, function): wiped with everything else and
# seeded again, so that the demo company is configured like a freshly migrated database.
# (The demo's dunning history follows company.DUNNING_LEVELS, which match the seeded levels.)
MIGRATION_SEEDS = (
    ("treue.communications.migrations.0002_default_recipient_rules", "add_rules"),
    ("treue.complaints.migrations.0002_default_sla_policies", "add_policies"),
    ("treue.complaints.migrations.0002_default_sla_policies", "add_recipient_rule"),
    ("treue.orders.migrations.0010_default_production_stages", "add_stages"),
    ("treue.receivables.migrations.0007_default_dunning_levels", "add_levels"),
)


def _seed_configuration() -> None:
    """The defaults the migrations seed (recipient rules, production stages, SLA policies,
    dunning levels); each seed adds only what is missing."""
    for module, function in MIGRATION_SEEDS:
        getattr(importlib.import_module(module), function)(apps, None)


def demo_wipe() -> None:
    """Delete all treue data, users and tasks; id counters start at 1 again, and the defaults
    the migrations seed (recipient rules, production stages, SLA policies) are there again."""
    bulk.truncate(_wiped_models())
    _seed_configuration()


def demo_settings_allow_wipe() -> bool:
    """Wiping is for demo and development databases only (not with TREUE_ENV=production)."""
    return bool(getattr(settings, "DEMO_MODE", False))


# Tables written with bulk_insert; from Order on their indexes are built after loading.
BULK_MODELS: tuple[type[models.Model], ...] = (
    Product,
    Customer,
    Address,
    Contact,
    Order,
    OrderLine,
    Delivery,
    DeliveryLine,
    Invoice,
    Payment,
    Allocation,
    DunningRun,
    DunningNotice,
    DunningItem,
    PaymentPromise,
    PaymentPromise.invoices.through,
    CreditHold,
    ReceivablesEvent,
    Interaction,
    Activity,
    ActivityEvent,
    Complaint,
    ComplaintEvent,
    ComplaintPause,
)


def demo_build(
    *,
    customers: int = 400,
    years: int = 3,
    seed: int = 1,
    today: dt.date | None = None,
    wipe: bool = False,
    progress: Progress | None = None,
) -> DemoResult:
    """Build the demo company in one transaction; with `wipe`, delete everything there was first.

    Whether wiping is allowed is the caller's decision (`demo_database_is_empty`,
    `demo_settings_allow_wipe`). Foreign keys are checked once after loading instead of row by
    row: PostgreSQL validates them when `indexes_deferred` adds them back, SQLite (whose checks
    can only be switched off outside a transaction) in one pass before the commit.
    """
    say = progress or (lambda _msg: None)
    began = time.perf_counter()
    today = today or timezone.localdate()
    plan = demo_plan(customers=customers, years=years, seed=seed, today=today, progress=say)
    with connection.constraint_checks_disabled(), transaction.atomic():
        if wipe:
            step = time.perf_counter()
            demo_wipe()
            say(_("Wiped the database in %(s).1f s") % {"s": time.perf_counter() - step})
        else:
            _seed_configuration()
        writer = _Writer(plan, say)
        writer.users()
        with bulk.indexes_deferred(BULK_MODELS[4:]):
            writer.customers()
            writer.orders()
            writer.receivables()
            writer.receivables_history()
            writer.contact_history()
            writer.complaints()
            step = time.perf_counter()
        say(_("Indexes built in %(s).1f s") % {"s": time.perf_counter() - step})
        bulk.reset_sequences([*BULK_MODELS, User, Department, PaymentTerms, ServiceStation])
        if connection.vendor == "sqlite":
            connection.check_constraints([m._meta.db_table for m in BULK_MODELS])
        step = time.perf_counter()
        complaints_escalate(escalate=False)  # the due times of the open complaints
        complaints_late_flags_refresh()  # and whether the finished ones were late
        say(_("Complaint due times in %(s).1f s") % {"s": time.perf_counter() - step})
    return DemoResult(
        seed=seed,
        today=today,
        customers=customers,
        years=years,
        counts=writer.counts,
        churned=plan.churned,
        top20_share=plan.top20_share,
        seconds=time.perf_counter() - began,
    )


class _Writer:
    """Writes a plan table by table; ids are counted here, so rows can reference each other."""

    def __init__(self, plan: Plan, say: Progress) -> None:
        self.plan = plan
        self.say = say
        self.counts: dict[str, int] = {}
        since = int(plan.cust["since"].min(initial=plan.start))
        self.dates = DateText(min(plan.start - 15000, since), plan.end + 400)
        self.fx_text = np.array([f"{x:.6f}" for x in plan.fx])
        self.base: dict[type[models.Model], int] = {}

    def insert(self, model: type[models.Model], fields: str, rows: Iterable[Sequence[Any]]) -> None:
        """`fields` separated by spaces, in the order of the values in each row."""
        began = time.perf_counter()
        count = bulk.bulk_insert(model, fields.split(), rows)
        label = str(model._meta.verbose_name_plural)
        self.counts[model._meta.label] = count
        self.say(
            _("%(label)s: %(count)s rows in %(s).1f s")
            % {"label": label, "count": f"{count:,}", "s": time.perf_counter() - began}
        )

    def ids(self, model: type[models.Model], count: int) -> range:
        self.base[model] = start = bulk.next_id(model)
        return range(start, start + count)

    def currency(self, customer_index: Any) -> list[str]:
        return list(np.where(self.plan.cust["chf"][customer_index], "CHF", "EUR").tolist())

    def users(self) -> None:
        plan = self.plan
        password = make_password(DEMO_PASSWORD, salt=f"treuedemo{plan.seed}")
        departments = {
            code: Department.objects.create(code=code, name=name)
            for code, name, _head in DEPARTMENTS
        }
        joined = dt.datetime.combine(plan.day(plan.start), dt.time(8), tzinfo=BERLIN)
        users: dict[str, User] = {}
        for spec in USERS:
            users[spec.username] = User.objects.create(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{slug(spec.first_name)}.{slug(spec.last_name)}@{COMPANY_DOMAIN}",
                password=password,
                role=spec.role,
                department=departments[spec.department],
                language="de",
                is_superuser=spec.role == Role.ADMIN,
                is_staff=spec.role == Role.ADMIN,
                date_joined=joined,
            )
        for code, _name, head in DEPARTMENTS:
            departments[code].head = users[head]
            departments[code].save(update_fields=["head"])
        self.department_ids = {code: d.pk for code, d in departments.items()}
        self.department_heads = {code: users[head].pk for code, _name, head in DEPARTMENTS}
        absent = users[ABSENT_USERNAME]
        absent.absent_from = plan.day(plan.end - 2)
        absent.absent_until = plan.day(plan.end + 12)
        absent.deputy = users[DEPUTY_USERNAME]
        absent.save(update_fields=["absent_from", "absent_until", "deputy"])
        self.user_ids = np.array([users[u.username].pk for u in USERS], dtype=np.int64)
        self.user_departments = [users[u.username].department_id for u in USERS]

        for station, city_name in places.SERVICE_STATIONS:
            city = next(x for x in places.CITIES if x.name == city_name)
            ServiceStation.objects.create(
                name=station,
                city=city.name,
                country=city.country,
                latitude=f"{city.latitude:.5f}",
                longitude=f"{city.longitude:.5f}",
            )
        self.terms_ids = np.array(
            [
                PaymentTerms.objects.create(
                    code=code, net_days=net, discount_days=days, discount_percent=percent
                ).pk
                for code, net, days, percent, _share in PAYMENT_TERMS
            ],
            dtype=np.int64,
        )
        self.counts["core.User"] = len(users)

    def customers(self) -> None:
        plan, c = self.plan, self.plan.cust
        products = plan.product_rows
        self.insert(
            Product,
            "id article_number name product_line is_spare_part list_price unit_cost",
            (
                (pk, article, name, line, spare, *money_text(np.array([price, cost])))
                for pk, (article, name, line, spare, price, cost) in zip(
                    self.ids(Product, len(products)), products, strict=True
                )
            ),
        )
        ids = self.ids(Customer, plan.n)
        self.customer_id = np.array(ids, dtype=np.int64)
        since = self.dates(c["since"])
        self.insert(
            Customer,
            "id number name vat_id country industry size_class account_owner segment"
            " is_strategic credit_limit currency payment_terms customer_since status",
            zip(
                ids,
                c["number"],
                c["name"],
                c["vat_id"],
                [COUNTRIES[k] for k in c["country"].tolist()],
                [INDUSTRIES[k] for k in c["industry"].tolist()],
                [SIZE_CLASSES[k] for k in c["size"].tolist()],
                self.user_ids[c["owner"]].tolist(),
                np.array(["a", "b", "c"])[c["segment"]].tolist(),
                c["strategic"].tolist(),
                money_text(c["credit_limit"]),
                self.currency(slice(None)),
                self.terms_ids[c["terms"]].tolist(),
                [None if p else s for p, s in zip(c["prospect"].tolist(), since, strict=True)],
                np.array(["prospect", "active", "inactive", "blocked"])[c["status"]].tolist(),
                strict=True,
            ),
        )
        customer0 = self.base[Customer]
        self.insert(
            Address,
            "id customer kind street postal_code city country latitude longitude",
            (
                (pk, customer0 + row[0], *row[1:])
                for pk, row in zip(
                    self.ids(Address, len(plan.addresses)), plan.addresses, strict=True
                )
            ),
        )
        self.insert(
            Contact,
            "id customer first_name last_name job_title email phone buying_role"
            " preferred_channels preferred_depth topics language marketing_consent consent_at"
            " consent_source",
            (
                (pk, customer0 + row[0], *row[1:])
                for pk, row in zip(
                    self.ids(Contact, len(plan.contacts)), plan.contacts, strict=True
                )
            ),
        )

    def incoterm_places(self, incoterm: Any, cust: Any) -> list[str]:
        """The named place: the works for the E and F rules, the customer's town for the rest."""
        works = "Ostfildern"  # the demo company's works (settings.COMPANY_ADDRESS)
        towns = [places.CITIES[int(i)].name for i in self.plan.cust["city"].tolist()]
        return [
            works if INCOTERMS[term] in {"EXW", "FCA"} else towns[c]
            for term, c in zip(incoterm.tolist(), cust.tolist(), strict=True)
        ]

    def orders(self) -> None:
        plan, c, o, ln = self.plan, self.plan.cust, self.plan.orders, self.plan.lines
        ids = self.ids(Order, len(o["day"]))
        self.order_id = np.array(ids, dtype=np.int64)
        rate = np.where(
            c["chf"][o["cust"]],
            self.fx_text[np.clip(o["month"], 0, len(self.fx_text) - 1)],
            "1.000000",
        )
        self.insert(
            Order,
            "id number customer order_date customer_reference currency exchange_rate incoterm"
            " status tracking_token received_at target_lead_hours incoterm_place",
            zip(
                ids,
                per_year_numbers("AU", o["day"]),
                self.customer_id[o["cust"]].tolist(),
                self.dates(o["day"]),
                [f"{x}" if x else "" for x in o["reference"].tolist()],
                self.currency(o["cust"]),
                rate.tolist(),
                np.array(INCOTERMS)[o["incoterm"]].tolist(),
                np.array(ORDER_STATUSES)[o["status"]].tolist(),
                tracking_tokens(plan.rng("tracking"), len(ids)),
                local_datetimes(o["day"], o["received_minutes"]),
                [settings.SPARE_PART_TARGET_HOURS if s else None for s in o["spare_part"].tolist()],
                self.incoterm_places(o["incoterm"], o["cust"]),
                strict=True,
            ),
        )
        ids = self.ids(OrderLine, len(ln["order"]))
        promised = self.dates(ln["promised"])
        self.insert(
            OrderLine,
            "id order position product quantity net_price unit_cost promised_date"
            " first_promised_date",
            zip(
                ids,
                self.order_id[ln["order"]].tolist(),
                ln["position"].tolist(),
                (self.base[Product] + ln["product"]).tolist(),
                ln["quantity"].tolist(),
                money_text(ln["net"]),
                money_text(ln["cost"]),
                promised,
                promised,
                strict=True,
            ),
        )
        d, dl = plan.deliveries, plan.delivery_lines
        self.insert(
            Delivery,
            "id number order shipped_on shipped_at override_reason source",
            zip(
                self.ids(Delivery, len(d["day"])),
                per_year_numbers("LS", d["day"]),
                self.order_id[d["order"]].tolist(),
                self.dates(d["day"]),
                local_datetimes(d["day"], d["minutes"]),
                [""] * len(d["day"]),
                ["import"] * len(d["day"]),
                strict=True,
            ),
        )
        self.insert(
            DeliveryLine,
            "id delivery order_line quantity",
            zip(
                self.ids(DeliveryLine, len(dl["line"])),
                (self.base[Delivery] + dl["delivery"]).tolist(),
                (self.base[OrderLine] + dl["line"]).tolist(),
                dl["quantity"].tolist(),
                strict=True,
            ),
        )

    def receivables(self) -> None:
        plan, inv, p = self.plan, self.plan.invoices, self.plan.payments
        rate = np.where(
            plan.cust["chf"][inv["cust"]],
            self.fx_text[month_index(inv["issued"]) - plan.fx_month0],
            "1.000000",
        )
        self.invoice_numbers = per_year_numbers("RE", inv["issued"])
        self.insert(
            Invoice,
            "id number customer order delivery issued_on due_on currency exchange_rate"
            " net_amount tax_amount gross_amount",
            zip(
                self.ids(Invoice, len(inv["issued"])),
                self.invoice_numbers,
                self.customer_id[inv["cust"]].tolist(),
                self.order_id[inv["order"]].tolist(),
                (self.base[Delivery] + np.arange(len(inv["issued"]))).tolist(),
                self.dates(inv["issued"]),
                self.dates(inv["due"]),
                self.currency(inv["cust"]),
                rate.tolist(),
                money_text(inv["net"]),
                money_text(inv["tax"]),
                money_text(inv["gross"]),
                strict=True,
            ),
        )
        # One payment per transfer, each settling its invoice (with the Skonto deducted).
        n_payments = len(p["day"])
        payment_ids = self.ids(Payment, n_payments)
        customers = inv["cust"][p["invoice"]]
        self.insert(
            Payment,
            "id customer reference received_on currency amount exchange_rate source",
            zip(
                payment_ids,
                self.customer_id[customers].tolist(),
                per_year_numbers("ZE", p["day"], width=7),
                self.dates(p["day"]),
                self.currency(customers),
                money_text(p["amount"]),
                rate[p["invoice"]].tolist(),
                repeat("import"),
                strict=False,
            ),
        )
        self.insert(
            Allocation,
            "id invoice payment allocated_on amount cash_discount",
            zip(
                self.ids(Allocation, n_payments),
                (self.base[Invoice] + p["invoice"]).tolist(),
                payment_ids,
                self.dates(p["day"]),
                money_text(p["amount"]),
                money_text(p["discount"]),
                strict=True,
            ),
        )

    def receivables_history(self) -> None:
        """Weekly dunning runs with their letters, payment promises and credit holds, and the
        audit trail of what was decided (`ReceivablesEvent`), written in the order it happened."""
        plan = self.plan
        users = {u.username: i for i, u in enumerate(USERS)}
        accounting = int(self.user_ids[users[ACCOUNTING_USERNAME]])
        owners = self.user_ids[plan.cust["owner"]]
        # (minute since 1970 to sort by, kind, customer, order, at, by, reason, data)
        events: list[tuple[Any, ...]] = []

        dn = plan.dunning
        runs = dn["runs"]
        started = timestamp_texts(utc_seconds(runs, np.full(len(runs), RUN_MINUTES)))
        self.insert(
            DunningRun,
            "id run_on started_at by",
            zip(
                self.ids(DunningRun, len(runs)),
                self.dates(runs),
                started,
                repeat(accounting),
                strict=False,
            ),
        )
        n = len(dn["cust"])
        notice_ids = self.ids(DunningNotice, n)
        run_index = ((dn["run"] - int(runs[0])) // 7).tolist() if n else []
        # A letter to send goes out with the run; the account owner decides the others that day.
        decided = dn["decided"].tolist()
        minutes = np.where(dn["decided"], dn["decided_minutes"], RUN_MINUTES)
        sent_at = timestamp_texts(utc_seconds(dn["run"], minutes))
        owner = owners[dn["cust"]].tolist()
        levels = [DUNNING_LEVELS[k][0] for k in dn["level"].tolist()]
        tones = [DUNNING_TONES[k] for k in dn["tone"].tolist()]
        actions = [DUNNING_ACTIONS[k] for k in dn["action"].tolist()]
        statuses = [NOTICE_STATUSES[k] for k in dn["status"].tolist()]
        customers = self.customer_id[dn["cust"]].tolist()
        self.insert(
            DunningNotice,
            "id run customer level tone action status reason fees interest note held_items"
            " decided_by decided_at sent_at",
            zip(
                notice_ids,
                [self.base[DunningRun] + k for k in run_index],
                customers,
                levels,
                tones,
                actions,
                statuses,
                dn["reason"],
                money_text(dn["fees"]),
                money_text(dn["interest"]),
                dn["note"],
                repeat("[]"),
                [o if d else None for o, d in zip(owner, decided, strict=True)],
                [s if d else None for s, d in zip(sent_at, decided, strict=True)],
                sent_at,
                strict=False,
            ),
        )
        item_inv = dn["item_invoice"]
        self.insert(
            DunningItem,
            "id notice invoice level open_amount days_overdue fee interest",
            zip(
                self.ids(DunningItem, len(item_inv)),
                (self.base[DunningNotice] + dn["item_notice"]).tolist(),
                (self.base[Invoice] + item_inv).tolist(),
                [DUNNING_LEVELS[k][0] for k in dn["item_level"].tolist()],
                money_text(dn["item_open"]),
                dn["item_days"].tolist(),
                money_text(dn["item_fee"]),
                money_text(dn["item_interest"]),
                strict=True,
            ),
        )
        # The details as JSON text: invoice numbers and codes need no escaping.
        numbers = [self.invoice_numbers[i] for i in item_inv.tolist()]
        bounds = [*dn["starts"].tolist(), len(numbers)]
        run_minute = (dn["run"] * 1440 + RUN_MINUTES).tolist()
        decided_minute = (dn["run"] * 1440 + minutes).tolist()
        for j, pk in enumerate(notice_ids):
            events.append(
                (
                    run_minute[j],
                    "dunning_decided",
                    customers[j],
                    None,
                    started[run_index[j]],
                    accounting,
                    dn["reason"][j],
                    f'{{"notice": {pk}, "level": "{levels[j]}", "tone": "{tones[j]}", '
                    f'"action": "{actions[j]}", "items": ["'
                    + '", "'.join(numbers[bounds[j] : bounds[j + 1]])
                    + '"]}',
                )
            )
            if not decided[j]:
                continue
            if statuses[j] == "sent":
                data = f'{{"notice": {pk}, "tone": "{tones[j]}", "level": "{levels[j]}"}}'
                kind, reason = "dunning_approved", ""
            else:
                data = f'{{"notice": {pk}, "level": "{levels[j]}"}}'
                kind, reason = "dunning_replaced", dn["note"][j]
            events.append(
                (decided_minute[j], kind, customers[j], None, sent_at[j], owner[j], reason, data)
            )

        pr = plan.promises
        n = len(pr["cust"])
        promise_ids = self.ids(PaymentPromise, n)
        currencies = self.currency(pr["cust"])
        recorded_at = timestamp_texts(utc_seconds(pr["recorded"], pr["recorded_minutes"]))
        resolved_at = timestamp_texts(utc_seconds(pr["resolved"], pr["resolved_minutes"]))
        resolved_list = [
            at if day >= 0 else None
            for at, day in zip(resolved_at, pr["resolved"].tolist(), strict=True)
        ]
        customers = self.customer_id[pr["cust"]].tolist()
        owner = owners[pr["cust"]].tolist()
        statuses = [("open", "kept", "broken")[k] for k in pr["status"].tolist()]
        promised = self.dates(pr["promised"])
        self.insert(
            PaymentPromise,
            "id customer amount currency promised_on agreed_by contact note recorded_by"
            " recorded_at status resolved_at",
            zip(
                promise_ids,
                customers,
                money_text(pr["amount"]),
                currencies,
                promised,
                pr["agreed_by"],
                (self.base[Contact] + pr["contact"]).tolist(),
                pr["note"],
                owner,
                recorded_at,
                statuses,
                resolved_list,
                strict=True,
            ),
        )
        links = pr["links"]
        through = PaymentPromise.invoices.through
        self.insert(
            through,
            "id paymentpromise invoice",
            (
                (pk, self.base[PaymentPromise] + k, self.base[Invoice] + invoice)
                for pk, (k, invoice) in zip(self.ids(through, len(links)), links, strict=True)
            ),
        )
        named: list[list[str]] = [[] for _ in range(n)]
        for k, invoice in links:
            named[k].append(self.invoice_numbers[invoice])
        amounts = money_text(pr["amount"])
        recorded_minute = (pr["recorded"] * 1440 + pr["recorded_minutes"]).tolist()
        resolved_minute = (pr["resolved"] * 1440 + pr["resolved_minutes"]).tolist()
        for j in range(n):
            details = {
                "amount": amounts[j],
                "currency": currencies[j],
                "promised_on": promised[j],
                "agreed_by": pr["agreed_by"][j],
                "invoices": named[j],
            }
            events.append(
                (
                    recorded_minute[j],
                    "promise_recorded",
                    customers[j],
                    None,
                    recorded_at[j],
                    owner[j],
                    pr["note"][j],
                    details,
                )
            )
            if statuses[j] != "open":
                amount = money_de(int(pr["amount"][j]), currencies[j])
                reason = f"{amount} bis {date_de(plan, int(pr['promised'][j]))}"
                events.append(
                    (
                        resolved_minute[j],
                        f"promise_{statuses[j]}",
                        customers[j],
                        None,
                        resolved_list[j],
                        None,
                        reason,
                        {},
                    )
                )

        h = plan.holds
        n = len(h["order"])
        held_at = timestamp_texts(utc_seconds(h["day"], h["minutes"]))
        released = h["released"].tolist()
        released_at = timestamp_texts(utc_seconds(h["released_day"], h["released_minutes"]))
        released_by = self.user_ids[h["released_by"]].tolist()
        orders = self.order_id[h["order"]].tolist()
        customers = self.customer_id[h["cust"]].tolist()
        owner = owners[h["cust"]].tolist()
        limits, exposures = money_text(h["limit"]), money_text(h["exposure"])
        self.insert(
            CreditHold,
            "id order reason limit exposure held_at held_by released_at released_by release_reason",
            zip(
                self.ids(CreditHold, n),
                orders,
                h["reason"],
                limits,
                exposures,
                held_at,
                owner,
                [at if r else None for at, r in zip(released_at, released, strict=True)],
                [by if r else None for by, r in zip(released_by, released, strict=True)],
                h["release_reason"],
                strict=True,
            ),
        )
        held_minute = (h["day"] * 1440 + h["minutes"]).tolist()
        release_minute = (h["released_day"] * 1440 + h["released_minutes"]).tolist()
        for j in range(n):
            events.append(
                (
                    held_minute[j],
                    "order_held",
                    customers[j],
                    orders[j],
                    held_at[j],
                    owner[j],
                    h["reason"][j],
                    {"exposure": exposures[j], "limit": limits[j]},
                )
            )
            if released[j]:
                events.append(
                    (
                        release_minute[j],
                        "order_released",
                        customers[j],
                        orders[j],
                        released_at[j],
                        released_by[j],
                        h["release_reason"][j],
                        {},
                    )
                )

        events.sort(key=lambda event: event[0])
        self.insert(
            ReceivablesEvent,
            "id kind customer order at by reason data",
            (
                (pk, *event[1:])
                for pk, event in zip(self.ids(ReceivablesEvent, len(events)), events, strict=True)
            ),
        )

    def contact_history(self) -> None:
        plan, c, it = self.plan, self.plan.cust, self.plan.interactions
        channels = [CHANNELS[k] for k in it["channel"].tolist()]
        self.insert(
            Interaction,
            "id customer contact channel occurred_at user summary",
            zip(
                self.ids(Interaction, len(it["day"])),
                self.customer_id[it["cust"]].tolist(),
                (self.base[Contact] + it["contact"]).tolist(),
                channels,
                local_datetimes(it["day"], it["minutes"]),
                self.user_ids[it["user"]].tolist(),
                [
                    f"{CHANNEL_PREFIX[ch]}: {INTERACTION_TOPICS[t]}"
                    for ch, t in zip(channels, it["topic"].tolist(), strict=True)
                ],
                strict=True,
            ),
        )
        activities: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        activity0 = bulk.next_id(Activity)
        event0 = bulk.next_id(ActivityEvent)
        for pk, a in enumerate(plan.activities, start=activity0):
            owner = int(c["owner"][a["cust"]])
            owner_id = int(self.user_ids[owner])
            created = dt.datetime.combine(plan.day(a["created"]), dt.time(9), tzinfo=BERLIN)
            completed = None
            if a["done"]:
                completed = dt.datetime.combine(
                    plan.day(min(a["due"], plan.end)), dt.time(16), tzinfo=BERLIN
                )
            invoice, hold = a["invoice"], a["hold"]
            subject = ""
            if hold >= 0:
                subject = f"receivables.credithold:{self.base[CreditHold] + hold}"
            elif invoice >= 0:
                subject = f"receivables.invoice:{self.base[Invoice] + invoice}"
            activities.append(
                (
                    pk,
                    a["title"],
                    "",
                    owner_id,
                    self.user_departments[owner],
                    int(self.customer_id[a["cust"]]),
                    subject,
                    plan.day(a["due"]),
                    "done" if a["done"] else "open",
                    a["origin"],
                    created,
                    completed,
                )
            )
            by = None if a["origin"] == "system" else owner_id
            events.append((event0 + len(events), pk, "created", by, created, ""))
            if completed is not None:
                events.append((event0 + len(events), pk, "done", owner_id, completed, ""))
        self.insert(
            Activity,
            "id title description owner department customer subject due_on status origin"
            " created_at completed_at",
            activities,
        )
        self.insert(ActivityEvent, "id activity kind by at note", events)

    def complaints(self) -> None:
        """Complaints with their 8D record and the status changes of their timeline."""
        plan, k, o = self.plan, self.plan.complaints, self.plan.orders
        n = len(k["day"])
        policies = dict(
            SlaPolicy.objects.filter(category="", segment="").values_list("severity", "pk")
        )
        received = local_datetimes(k["day"], k["minutes"])
        numbers = per_year_numbers("R", k["day"], width=5)
        tokens = tracking_tokens(plan.rng("complaint_tokens"), n)
        sources = plan.rng("complaint_sources").choice(
            ["staff", "email", "tracking", "api"], n, p=[0.4, 0.35, 0.15, 0.1]
        )
        complaint0 = bulk.next_id(Complaint)
        event0 = bulk.next_id(ComplaintEvent)
        rows: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        pauses: list[tuple[Any, ...]] = []
        pause0 = bulk.next_id(ComplaintPause)
        closed_stage = len(COMPLAINT_STAGES) - 1
        for i in range(n):
            pk = complaint0 + i
            order = int(k["order"][i])
            cust = int(o["cust"][order])
            category, _share, _causes, text = COMPLAINT_CATEGORIES[int(k["category"][i])]
            cause = str(k["cause_names"][int(k["cause"][i])])
            department, root_cause, corrective = COMPLAINT_CAUSES[cause]
            owner = self.department_heads[department]
            stage, rejected = int(k["stage"][i]), bool(k["rejected"][i])
            at = [received[i] + dt.timedelta(minutes=int(m)) for m in k["offsets"][i].tolist()]
            final = 2 if rejected else stage
            status = "rejected" if rejected else COMPLAINT_STAGES[stage]
            reached = [*COMPLAINT_STAGES[1 : final + 1], *(["rejected"] if rejected else [])]
            finished = rejected or stage == closed_stage
            closed_at = at[3] if rejected else (at[closed_stage] if finished else None)
            solved = not rejected and stage >= 5
            quality = category == "quality_defect"
            contact = (
                self.base[Contact] + int(plan.contact_start[cust])
                if plan.contact_count[cust]
                else None
            )
            satisfied = bool(k["satisfied"][i])
            rows.append(
                (
                    pk,
                    numbers[i],
                    int(self.customer_id[cust]),
                    contact,
                    int(self.order_id[order]),
                    self.base[Delivery] + int(k["delivery"][i]),
                    self.base[Invoice] + int(k["delivery"][i]) if category == "invoice" else None,
                    category,
                    COMPLAINT_SEVERITIES[int(k["severity"][i])][0],
                    text,
                    status,
                    sources[i],
                    self.department_ids[department],
                    owner,
                    "Nach Prüfung kein Mangel an der Lieferung feststellbar." if rejected else "",
                    "Betroffene Teile gesperrt, Ersatz zugesagt." if stage >= 2 else "",
                    root_cause if solved else "",
                    cause if solved else "",
                    SUPPLIERS[int(k["supplier"][i])]
                    if solved and cause == "purchased_component"
                    else "",
                    corrective if solved else "",
                    "Erkenntnis in die FMEA übernommen." if solved and quality else "",
                    "Ersatzlieferung und Gutschrift der Frachtkosten." if stage >= 3 else "",
                    money_text(k["cost"][i : i + 1])[0] if finished and quality else None,
                    policies.get(COMPLAINT_SEVERITIES[int(k["severity"][i])][0]),
                    received[i],
                    at[1] if final >= 1 else None,
                    at[3] if final >= 3 else None,
                    at[5] if final >= 5 else None,
                    closed_at,
                    tokens[i],
                    int(k["score"][i]) if satisfied else None,
                    closed_at + dt.timedelta(days=1) if satisfied and closed_at else None,
                    1 + len(reached),
                    received[i],
                )
            )
            events.append((event0 + len(events), pk, received[i], None, "created", "", "", "", ""))
            previous = "new"
            for step_index, step in enumerate(reached, start=1):
                when = at[3] if step == "rejected" else at[step_index]
                events.append(
                    (event0 + len(events), pk, when, owner, "status", "status", previous, step, "")
                )
                previous = step
                if step == "solution_proposed":  # the clock waits for the customer's agreement
                    resumed = at[4] if final >= 4 else None
                    pauses.append((pause0 + len(pauses), pk, at[3], resumed, WAITING_FOR_AGREEMENT))
                    events.append(
                        (
                            event0 + len(events),
                            pk,
                            at[3],
                            owner,
                            "pause",
                            "",
                            "",
                            "",
                            WAITING_FOR_AGREEMENT,
                        )
                    )
                elif step == "solution_agreed":
                    events.append(
                        (event0 + len(events), pk, at[4], owner, "resume", "", "", "", "")
                    )
        self.insert(
            Complaint,
            "id number customer contact order delivery invoice category severity description"
            " status source department owner rejection_reason containment root_cause"
            " cause_category supplier corrective_action prevention solution cost policy"
            " received_at acknowledged_at proposed_at resolved_at closed_at satisfaction_token"
            " satisfaction_score satisfaction_at version created_at is_draft machine_serial"
            " requested_remedy satisfaction_comment mail_message_id",
            ((*row, False, "", "", "", "") for row in rows),
        )
        self.insert(ComplaintPause, "id complaint started_at ended_at reason", pauses)
        self.insert(ComplaintEvent, "id complaint at by kind field old new note", events)
