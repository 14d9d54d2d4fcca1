"""Invoices and payments from the ERP or the accounting system, as CSV or XLSX (docs/import.md).

All or nothing, like the stage events: every row is checked first, a file with a broken row is
refused with one message per row, and only a clean file is written, in one transaction. Invoice
numbers and payment references identify the rows: a row known with the same data counts as
unchanged, one known with other data is an error, so importing a file twice changes nothing.

Payments settle invoices as `services.payment_record` does (`allocation.allocate`, the Skonto of
the customer's payment terms), in the order of the file, with the open amounts kept in memory so
that two payments of one file on the same invoice see each other; credit notes naming the invoice
they credit settle it as `services.credit_note_apply` does. A million rows are too many for the
services one by one: the rows are written with COPY (`core.bulk`), the lookups are a few queries,
and on PostgreSQL the tables are locked against other writers (reads go on) meanwhile, so that the
open amounts and ids counted here stay true until the commit.
"""

import datetime
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import connection, models, transaction
from django.db.models import DecimalField, F, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from treue.core import bulk
from treue.core.money import CENT, Currency, round_money
from treue.core.tabular import (
    CHECK,
    WRITE,
    Cell,
    Column,
    ImportRefused,
    ImportResult,
    Progress,
    Table,
    cell_text,
    collector_paused,
    columns_find,
    date_parse,
    decimal_comma_guess,
    header_key,
    number_parse,
    table_read,
)
from treue.customers.models import Customer
from treue.orders.models import ChangeSource, Order

from .allocation import OpenInvoice, allocate, skonto
from .credit import promises_check
from .models import Allocation, ImportKind, ImportMapping, Invoice, InvoiceKind, Payment

__all__ = ["ImportRefused", "ImportResult", "invoices_import", "payments_import"]

INVOICE_COLUMNS = (
    Column("number", ("invoice", "invoice_number", "Rechnungsnummer", "Rechnungs-Nr", "Re-Nr",
                      "Belegnummer", "Beleg-Nr", "Rechnung")),
    Column("customer", ("customer_number", "Kundennummer", "Kunden-Nr", "Kundennr", "Debitor",
                        "Debitorennummer", "Kunde")),
    Column("issued_on", ("invoice_date", "Rechnungsdatum", "Belegdatum", "Datum")),
    Column("due_on", ("due_date", "Fällig am", "Fälligkeit", "Fälligkeitsdatum", "Fällig"),
           required=False),
    Column("net_amount", ("net", "Netto", "Nettobetrag")),
    Column("tax_amount", ("tax", "vat", "MwSt", "USt", "MwSt-Betrag", "Steuer", "Steuerbetrag")),
    Column("gross_amount", ("gross", "Brutto", "Bruttobetrag", "Rechnungsbetrag")),
    Column("currency", ("Währung", "Whrg"), required=False),
    Column("exchange_rate", ("rate", "Kurs", "Wechselkurs", "Umrechnungskurs"), required=False),
    Column("order", ("order_number", "Auftrag", "Auftragsnummer", "Auftrags-Nr"), required=False),
    Column("kind", ("type", "Belegart", "Belegtyp", "Art"), required=False),
    Column("credited_invoice", ("Bezugsrechnung", "Ursprungsrechnung"), required=False),
)  # fmt: skip
PAYMENT_COLUMNS = (
    Column("reference", ("Referenz", "Buchungsnummer", "Buchungs-Nr", "Zahlungsreferenz")),
    Column("customer", ("customer_number", "Kundennummer", "Kunden-Nr", "Kundennr", "Debitor",
                        "Debitorennummer", "Kunde")),
    Column("received_on", ("date", "Zahlungsdatum", "Valuta", "Valutadatum", "Eingangsdatum")),
    Column("amount", ("Betrag", "Zahlbetrag", "Zahlungsbetrag")),
    Column("currency", ("Währung", "Whrg"), required=False),
    Column("exchange_rate", ("rate", "Kurs", "Wechselkurs", "Umrechnungskurs"), required=False),
    Column("invoices", ("invoice", "Rechnungen", "Rechnungsnummern", "Rechnung"), required=False),
)  # fmt: skip
COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.INVOICES: INVOICE_COLUMNS,
    ImportKind.PAYMENTS: PAYMENT_COLUMNS,
}
KINDS = {
    header_key(value): str(kind.value)
    for kind, values in (
        (InvoiceKind.INVOICE, ("invoice", "Rechnung", "RE")),
        (InvoiceKind.CREDIT_NOTE, ("credit_note", "Gutschrift", "GS")),
    )
    for value in values
}
_INVOICE_LIST = re.compile(r"[\s,;|]+")
_ZERO = Decimal(0)
_MONEY: DecimalField = DecimalField(max_digits=18, decimal_places=2)
_MONEY_LIMIT = Decimal(10) ** 12  # money_field: 14 digits, 2 of them decimals
_RATE_LIMIT = Decimal(10) ** 6  # rate_field: 12 digits, 6 of them decimals
_RATE_PLACES = Decimal("0.000001")
_XLSX_SLACK = Decimal("0.000001")  # binary floats of an XLSX cell: 1416.1000000000001
_REPORT_EVERY = 10_000
_CURRENCIES = frozenset(Currency.values)
_M = TypeVar("_M", bound=models.Model)


@dataclass(frozen=True)
class PaymentImportResult(ImportResult):
    allocations: int = 0
    with_unallocated: int = 0  # payments of the file that keep cash not applied to an invoice


@dataclass(frozen=True)
class InvoiceImportResult(ImportResult):
    credit_notes_applied: int = 0


# --- saved column mappings ----------------------------------------------------------------


def import_mapping_get(*, kind: str, name: str) -> dict[str, str] | None:
    columns = ImportMapping.objects.filter(kind=kind, name=name).values_list("columns", flat=True)
    found = columns.first()
    return None if found is None else {str(k): str(v) for k, v in found.items()}


def import_mapping_names(*, kind: str) -> list[str]:
    return list(ImportMapping.objects.filter(kind=kind).values_list("name", flat=True))


@transaction.atomic
def import_mapping_save(*, kind: str, name: str, columns: Mapping[str, str]) -> ImportMapping:
    """Store (or replace) the mapping `name`: {treue column: header in the file}."""
    errors: dict[str, list[str]] = {}
    try:
        validate_slug(name)
    except ValidationError as exc:
        errors["name"] = list(exc.messages)
    known = {c.name for c in COLUMNS[kind]}
    unknown = sorted(set(columns) - known)
    if unknown:
        errors["columns"] = [
            _("No column %(unknown)s; the columns are %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(c.name for c in COLUMNS[kind])}
        ]
    if errors:
        raise ValidationError(errors)
    mapping, _created = ImportMapping.objects.update_or_create(
        kind=kind, name=name, defaults={"columns": dict(columns)}
    )
    return mapping


# --- shared checks --------------------------------------------------------------------------


def _quiet(stage: str, done: int, total: int) -> None:
    return None


def _matching(
    queryset: models.QuerySet[_M], field: str, keys: Collection[object]
) -> Iterator[models.QuerySet[_M]]:
    """`queryset` narrowed to the rows whose `field` is one of `keys`, in as few queries as the
    database allows. On PostgreSQL that is one `= ANY(array)`: its single parameter is read in
    about a second, where lists of a million literals for `IN` take twelve to parse. SQLite
    allows 999 parameters a query."""
    if not keys:
        return
    if connection.vendor == "postgresql":
        meta = queryset.model._meta
        concrete = meta.get_field(field)
        assert isinstance(concrete, models.Field)  # noqa: S101 - a column, as the callers name
        qn = connection.ops.quote_name
        column = f"{qn(meta.db_table)}.{qn(concrete.column)}"
        sql = f"{column} = ANY(%s::{concrete.db_type(connection)}[])"
        # The names are quoted, the keys a parameter.
        any_of = RawSQL(sql, (list(keys),), output_field=models.BooleanField())  # noqa: S611
        yield queryset.filter(any_of)
        return
    items = list(keys)
    for start in range(0, len(items), 900):
        yield queryset.filter(**{f"{field}__in": items[start : start + 900]})


def _lock(*model_list: type[models.Model]) -> None:
    """Other writers wait until the commit (in this order, as the services lock: invoices first);
    pages and the API keep reading."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in model_list)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")


def _refuse(errors: Mapping[int, list[str]]) -> None:
    if errors:
        raise ImportRefused(
            [
                _("Row %(row)s: %(problems)s.") % {"row": row, "problems": "; ".join(problems)}
                for row, problems in sorted(errors.items())
            ]
        )


class _Row:
    """Reads the cells of one row, naming the file's own header in every problem."""

    __slots__ = ("at", "cells", "decimal_comma", "header", "problems")

    def __init__(
        self, table: Table, at: dict[str, int], cells: list[Cell], decimal_comma: bool
    ) -> None:
        self.header = table.header
        self.at = at
        self.cells = cells
        self.decimal_comma = decimal_comma
        self.problems: list[str] = []

    def has(self, column: str) -> bool:
        return column in self.at and self.cells[self.at[column]] != ""

    def text(self, column: str) -> str:
        return cell_text(self.cells[self.at[column]]) if column in self.at else ""

    def _name(self, column: str) -> str:
        return self.header[self.at[column]]

    def required(self, column: str) -> str:
        value = self.text(column)
        if not value:
            self.problems.append(_("%(column)s is empty") % {"column": self._name(column)})
        return value

    def date(self, column: str) -> datetime.date | None:
        cell = self.cells[self.at[column]]
        if cell == "":
            self.problems.append(_("%(column)s is empty") % {"column": self._name(column)})
            return None
        value = date_parse(cell)
        if value is None:
            self.problems.append(
                _("%(column)s %(value)s is not a date like 2026-11-30 or 30.11.2026")
                % {"column": self._name(column), "value": cell_text(cell)}
            )
        return value

    def money(self, column: str) -> Decimal | None:
        cell = self.cells[self.at[column]]
        if cell == "":
            self.problems.append(_("%(column)s is empty") % {"column": self._name(column)})
            return None
        value = number_parse(cell, decimal_comma=self.decimal_comma)
        problem = None
        if value is None:
            problem = _("%(column)s %(value)s is not an amount")
        elif value < 0:
            problem = _("%(column)s %(value)s is negative")
        elif value >= _MONEY_LIMIT:
            problem = _("%(column)s %(value)s is too large")
        else:
            rounded = value.quantize(CENT)
            if rounded == value or (
                isinstance(cell, Decimal) and abs(value - rounded) < _XLSX_SLACK
            ):
                return rounded
            problem = _("%(column)s %(value)s has more than two decimal places")
        self.problems.append(problem % {"column": self._name(column), "value": cell_text(cell)})
        return None

    def currency(self, default: str | None) -> str | None:
        value = self.text("currency").upper() or default
        if value is not None and value not in _CURRENCIES:
            self.problems.append(
                _("no currency %(currency)s (known: %(known)s)")
                % {"currency": value, "known": ", ".join(Currency.values)}
            )
            return None
        return value

    def rate(self, currency: str | None) -> Decimal:
        """The exchange rate to the company currency: 1 there, required in any other."""
        company = settings.COMPANY_CURRENCY
        given: Decimal | None = None
        if self.has("exchange_rate"):
            cell = self.cells[self.at["exchange_rate"]]
            given = number_parse(cell, decimal_comma=self.decimal_comma)
            if given is None or given <= 0 or given >= _RATE_LIMIT:
                self.problems.append(
                    _("%(column)s %(value)s is not an exchange rate")
                    % {"column": self._name("exchange_rate"), "value": cell_text(cell)}
                )
                return Decimal(1)
            if given != given.quantize(_RATE_PLACES):
                self.problems.append(
                    _("%(column)s %(value)s has more than six decimal places")
                    % {"column": self._name("exchange_rate"), "value": cell_text(cell)}
                )
                return Decimal(1)
        if currency is None:
            return Decimal(1)
        if currency == company:
            if given is not None and given != 1:
                self.problems.append(
                    _("the exchange rate of %(currency)s is 1") % {"currency": company}
                )
            return Decimal(1)
        if given is None:
            self.problems.append(
                _("the exchange rate is missing (%(company)s for 1 %(currency)s)")
                % {"company": company, "currency": currency}
            )
            return Decimal(1)
        return given.quantize(_RATE_PLACES)


def _decimal_comma(table: Table, at: dict[str, int], columns: Sequence[str]) -> bool:
    positions = [at[c] for c in columns if c in at]
    return decimal_comma_guess(
        (cells[p] for _n, cells in table.rows for p in positions), table.decimal_comma
    )


@dataclass(frozen=True)
class _Debtor:
    id: int
    number: str
    currency: str
    net_days: int
    discount_days: int | None
    discount_percent: Decimal | None


def _debtors(numbers: Iterable[str]) -> dict[str, _Debtor]:
    found = {}
    for customers in _matching(Customer.objects.all(), "number", {n for n in numbers if n}):
        for row in customers.values_list(
            "id",
            "number",
            "currency",
            "payment_terms__net_days",
            "payment_terms__discount_days",
            "payment_terms__discount_percent",
        ):
            found[row[1]] = _Debtor(*row)
    return found


class _Open:
    """An invoice with its open amount, as this import changes it."""

    __slots__ = ("currency", "customer_id", "due_on", "gross", "id", "issued_on", "number",
                 "open", "settled_in")  # fmt: skip

    def __init__(self, row: tuple[Any, ...]) -> None:
        (self.id, self.number, self.customer_id, self.currency, self.issued_on, self.due_on,
         self.gross, settled) = row  # fmt: skip
        self.open: Decimal = self.gross - round_money(settled) if settled else self.gross
        self.settled_in: int | None = None  # the row of the file that settled it

    def for_allocation(self, debtor: _Debtor) -> OpenInvoice:
        return OpenInvoice(
            key=self.id,
            issued_on=self.issued_on,
            open_amount=self.open,
            gross_amount=self.gross,
            discount_days=debtor.discount_days,
            discount_percent=debtor.discount_percent,
        )


def _invoices_with_settled(invoices: models.QuerySet[Invoice]) -> Iterator[_Open]:
    """`invoices` with what is allocated to them (money, Skonto and credit notes)."""
    settled = Coalesce(
        Sum(F("allocations__amount") + F("allocations__cash_discount"), output_field=_MONEY),
        Value(_ZERO),
        output_field=_MONEY,
    )
    rows = invoices.annotate(settled=settled).values_list(
        "id", "number", "customer_id", "currency", "issued_on", "due_on", "gross_amount", "settled"
    )
    for row in rows.order_by():
        yield _Open(row)


# --- payments --------------------------------------------------------------------------------


class _Ledger:
    """The open invoices of the customers in a payments file, settled row by row in memory."""

    def __init__(self, customer_ids: Collection[int]) -> None:
        self.by_customer: dict[int, list[_Open]] = {}
        self.by_number: dict[str, _Open] = {}
        invoices = Invoice.objects.filter(kind=InvoiceKind.INVOICE)
        for some in _matching(invoices, "customer", customer_ids):
            for invoice in _invoices_with_settled(some):
                if invoice.open > 0:
                    self.by_customer.setdefault(invoice.customer_id, []).append(invoice)
                    self.by_number[invoice.number] = invoice
        for open_items in self.by_customer.values():
            open_items.sort(key=lambda i: (i.due_on, i.id))
        self.first_open = dict.fromkeys(self.by_customer, 0)

    def oldest_first(self, customer_id: int, currency: str | None = None) -> Iterator[_Open]:
        invoices = self.by_customer.get(customer_id, [])
        start = self.first_open.get(customer_id, 0)
        while start < len(invoices) and invoices[start].open <= 0:
            start += 1
        self.first_open[customer_id] = start
        for invoice in invoices[start:]:
            if invoice.open > 0 and (currency is None or invoice.currency == currency):
                yield invoice

    def other_currency(
        self, customer_id: int, currency: str, named: list[_Open] | None
    ) -> list[str]:
        """The invoices named that are not in `currency` (a payment naming none settles only
        invoices in its currency, as `payment_record` does)."""
        if named is None:
            return []
        return [i.number for i in named if i.currency != currency]

    def settle(self, invoice: _Open, amount: Decimal, row: int) -> None:
        invoice.open -= amount
        if invoice.open <= 0:
            invoice.settled_in = row


def _invoice_names(value: str) -> list[str]:
    """Invoice numbers separated by spaces, commas or `|`, each once, in the order given."""
    if not value:
        return []
    names = _INVOICE_LIST.split(value)
    return names if len(names) == 1 else list(dict.fromkeys(n for n in names if n))


def _oldest_first(
    ledger: _Ledger, debtor: _Debtor, amount: Decimal, received_on: datetime.date, currency: str
) -> list[tuple[_Open, OpenInvoice]]:
    """The oldest open invoices in the payment's currency that take up `amount`, and the one
    after them: `allocate` over all of them gives nothing to the ones after that, so the shares
    are the same (the one after tells `allocate` that the last covered is not the last)."""
    chosen = []
    covered = _ZERO
    for invoice in ledger.oldest_first(debtor.id, currency):
        item = invoice.for_allocation(debtor)
        chosen.append((invoice, item))
        if covered >= amount:
            break
        covered += item.open_amount - skonto(item, received_on)
    return chosen


def _unique_key(
    row: "_Row", column: str, value: str, longest: int, seen: dict[str, int], number: int
) -> bool:
    """Check a row's identifying value (invoice number, payment reference): missing is reported
    on the row; True when it is too long or in an earlier row too (the caller says which)."""
    if not value:
        row.required(column)
        return False
    if len(value) > longest or value in seen:
        return True
    seen[value] = number
    return False


def _debtor(row: "_Row", debtors: Mapping[str, Any]) -> Any:
    """The row's customer by number, with the problem reported when there is none."""
    customer = row.required("customer")
    debtor = debtors.get(customer)
    if customer and debtor is None:
        row.problems.append(_("no customer %(number)s") % {"number": customer})
    return debtor


def payments_import(
    *,
    data: bytes,
    filename: str = "",
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> PaymentImportResult:
    """Record the payments of a file and settle the invoices they name (oldest open first when a
    row names none); what is left over stays on the payment as unallocated cash."""
    report = progress or _quiet
    with collector_paused():
        table = table_read(data=data, filename=filename)
        at = columns_find(table.header, PAYMENT_COLUMNS, mapping)
        decimal_comma = _decimal_comma(table, at, ("amount", "exchange_rate"))
        with transaction.atomic():
            _lock(Invoice, Payment, Allocation)
            checked = _payments_check(table, at, decimal_comma, report)
            _payments_write(checked, report)
    if checked.payments:
        promises_check()
    return PaymentImportResult(
        created=len(checked.payments),
        unchanged=checked.unchanged,
        allocations=len(checked.shares),
        with_unallocated=checked.with_unallocated,
    )


@dataclass(frozen=True)
class _NewPayment:
    reference: str
    customer_id: int
    received_on: datetime.date
    currency: str
    amount: Decimal
    exchange_rate: Decimal


@dataclass
class _CheckedPayments:
    payments: list[_NewPayment]
    # (index into payments, invoice id, money, Skonto)
    shares: list[tuple[int, int, Decimal, Decimal]]
    unchanged: int
    with_unallocated: int


def _payments_known(references: Collection[str]) -> dict[str, tuple[Any, ...]]:
    """Payments recorded already: reference -> (customer id, amount, received on, currency,
    customer number)."""
    known = {}
    for payments in _matching(Payment.objects.all(), "reference", references):
        for reference, *data in payments.values_list(
            "reference", "customer_id", "amount", "received_on", "currency", "customer__number"
        ):
            known[reference] = tuple(data)
    return known


def _payments_check(
    table: Table, at: dict[str, int], decimal_comma: bool, report: Progress
) -> _CheckedPayments:
    rows = table.rows
    total = len(rows)
    report(CHECK, 0, total)
    references = [cell_text(cells[at["reference"]]) for _n, cells in rows]
    debtors = _debtors(cell_text(cells[at["customer"]]) for _n, cells in rows)
    known = _payments_known({r for r in references if r})
    ledger = _Ledger({d.id for d in debtors.values()})
    longest = Payment._meta.get_field("reference").max_length or 60
    amount_header = table.header[at["amount"]]
    errors: dict[int, list[str]] = {}
    misses: list[tuple[int, int, str]] = []  # (row, customer id, invoice number)
    seen: dict[str, int] = {}
    checked = _CheckedPayments([], [], 0, 0)
    for index, (number, cells) in enumerate(rows):
        if index % _REPORT_EVERY == 0:
            report(CHECK, index, total)
        if number in table.broken:
            errors[number] = [table.broken[number]]
            continue
        row = _Row(table, at, cells, decimal_comma)
        problems = row.problems
        reference = references[index]
        if _unique_key(row, "reference", reference, longest, seen, number):
            problems.append(
                _("the reference %(reference)s is longer than %(max)s characters")
                % {"reference": reference, "max": longest}
                if len(reference) > longest
                else _("the reference %(reference)s is in row %(other)s too")
                % {"reference": reference, "other": seen[reference]}
            )
        debtor = _debtor(row, debtors)
        received_on = row.date("received_on")
        amount = row.money("amount")
        if amount == 0:
            problems.append(_("%(column)s is 0") % {"column": amount_header})
        currency = row.currency(debtor.currency if debtor else None)
        rate = row.rate(currency)
        if problems or debtor is None or received_on is None or amount is None or not currency:
            errors[number] = problems
            continue
        if reference in known:
            other = known[reference]
            if other[:4] == (debtor.id, amount, received_on, currency):
                checked.unchanged += 1
            else:
                errors[number] = [
                    _("payment %(reference)s is known already with other data (%(known)s)")
                    % {
                        "reference": reference,
                        "known": f"{other[4]}, {other[2]:%Y-%m-%d}, {other[1]} {other[3]}",
                    }
                ]
            continue
        names = _invoice_names(row.text("invoices"))
        named: list[_Open] = []
        missed = False
        for name in names:
            invoice = ledger.by_number.get(name)
            if invoice is None or invoice.customer_id != debtor.id:
                misses.append((number, debtor.id, name))
                missed = True
            elif invoice.open <= 0:
                problems.append(
                    _("invoice %(number)s is settled by row %(other)s already")
                    % {"number": name, "other": invoice.settled_in}
                )
            else:
                named.append(invoice)
        wrong = ledger.other_currency(debtor.id, currency, named if names else None)
        if wrong:
            problems.append(
                _("invoices %(numbers)s are not in %(currency)s")
                % {"numbers": ", ".join(wrong), "currency": currency}
            )
        if problems or missed:
            errors[number] = problems
            continue
        pairs = (
            [(i, i.for_allocation(debtor)) for i in named]
            if names
            else _oldest_first(ledger, debtor, amount, received_on, currency)
        )
        shares, rest = allocate(amount, received_on, [item for _i, item in pairs])
        by_key = {invoice.id: invoice for invoice, _item in pairs}
        payment_index = len(checked.payments)
        checked.payments.append(
            _NewPayment(reference, debtor.id, received_on, currency, amount, rate)
        )
        for share in shares:
            ledger.settle(by_key[share.key], share.amount + share.cash_discount, number)
            checked.shares.append((payment_index, share.key, share.amount, share.cash_discount))
        if rest > 0:
            checked.with_unallocated += 1
    report(CHECK, total, total)
    _misses_explain(misses, errors)
    _refuse(errors)
    return checked


def _misses_explain(misses: list[tuple[int, int, str]], errors: dict[int, list[str]]) -> None:
    """Why an invoice a payment names is none of the customer's open ones, in one lookup."""
    if not misses:
        return
    found: dict[str, tuple[int, str, str]] = {}
    names = {name for _row, _customer, name in misses}
    for invoices in _matching(Invoice.objects.all(), "number", names):
        for number, customer_id, customer_number, kind in invoices.values_list(
            "number", "customer_id", "customer__number", "kind"
        ):
            found[number] = (customer_id, customer_number, kind)
    for row, customer_id, name in misses:
        invoice = found.get(name)
        if invoice is None:
            message = _("no invoice %(number)s") % {"number": name}
        elif invoice[2] == InvoiceKind.CREDIT_NOTE:
            message = _("%(number)s is a credit note") % {"number": name}
        elif invoice[0] != customer_id:
            message = _("invoice %(number)s belongs to customer %(customer)s") % {
                "number": name,
                "customer": invoice[1],
            }
        else:
            message = _("invoice %(number)s is settled already") % {"number": name}
        errors.setdefault(row, []).append(message)


def _payments_write(checked: _CheckedPayments, report: Progress) -> None:
    payments, shares = checked.payments, checked.shares
    if not payments:
        return
    total = len(payments) + len(shares)
    payment0 = bulk.next_id(Payment)
    allocation0 = bulk.next_id(Allocation)
    source = str(ChangeSource.IMPORT.value)

    def payment_rows() -> Iterator[tuple[Any, ...]]:
        for i, p in enumerate(payments):
            if i % _REPORT_EVERY == 0:
                report(WRITE, i, total)
            yield (payment0 + i, p.customer_id, p.reference, p.received_on, p.currency,
                   p.amount, p.exchange_rate, source)  # fmt: skip

    def allocation_rows() -> Iterator[tuple[Any, ...]]:
        done = len(payments)
        for i, (payment, invoice, amount, discount) in enumerate(shares):
            if i % _REPORT_EVERY == 0:
                report(WRITE, done + i, total)
            yield (allocation0 + i, invoice, payment0 + payment, payments[payment].received_on,
                   amount, discount)  # fmt: skip

    bulk.bulk_insert(
        Payment,
        ["id", "customer", "reference", "received_on", "currency", "amount", "exchange_rate",
         "source"],
        payment_rows(),
    )  # fmt: skip
    bulk.bulk_insert(
        Allocation,
        ["id", "invoice", "payment", "allocated_on", "amount", "cash_discount"],
        allocation_rows(),
    )
    bulk.reset_sequences([Payment, Allocation])
    report(WRITE, total, total)


# --- invoices and credit notes ------------------------------------------------------------------


@dataclass(frozen=True)
class _NewInvoice:
    row: int
    id: int
    number: str
    kind: str
    customer_id: int
    order_id: int | None
    issued_on: datetime.date
    due_on: datetime.date
    currency: str
    exchange_rate: Decimal
    net_amount: Decimal
    tax_amount: Decimal
    gross_amount: Decimal
    credited: str


@dataclass
class _CheckedInvoices:
    invoices: list[_NewInvoice]
    # (invoice id, credit note id, settled on, amount)
    applications: list[tuple[int, int, datetime.date, Decimal]]
    unchanged: int


_KNOWN_FIELDS = ("customer_id", "customer__number", "kind", "issued_on", "due_on", "currency",
                 "exchange_rate", "net_amount", "tax_amount", "gross_amount", "order_id",
                 "order__number")  # fmt: skip


def invoices_import(
    *,
    data: bytes,
    filename: str = "",
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> InvoiceImportResult:
    """Record the invoices and credit notes of a file; a credit note naming the invoice it
    credits settles it as far as it is open."""
    report = progress or _quiet
    with collector_paused():
        table = table_read(data=data, filename=filename)
        at = columns_find(table.header, INVOICE_COLUMNS, mapping)
        decimal_comma = _decimal_comma(
            table, at, ("net_amount", "tax_amount", "gross_amount", "exchange_rate")
        )
        with transaction.atomic():
            _lock(Invoice, Allocation)
            checked = _invoices_check(table, at, decimal_comma, report)
            _invoices_write(checked, report)
    return InvoiceImportResult(
        created=len(checked.invoices),
        unchanged=checked.unchanged,
        credit_notes_applied=len(checked.applications),
    )


def _invoices_known(numbers: Collection[str]) -> dict[str, dict[str, Any]]:
    known = {}
    for invoices in _matching(Invoice.objects.all(), "number", numbers):
        for values in invoices.values("number", *_KNOWN_FIELDS):
            known[values.pop("number")] = values
    return known


def _orders(numbers: Collection[str]) -> dict[str, tuple[int, int]]:
    found = {}
    for orders in _matching(Order.objects.all(), "number", numbers):
        for number, pk, customer_id in orders.values_list("number", "id", "customer_id"):
            found[number] = (pk, customer_id)
    return found


def _differences(known: dict[str, Any], new: _NewInvoice, given: set[str]) -> list[str]:
    """What the file says otherwise than treue knows, as "gross amount 1200.00 instead of
    1190.00"; due date, rate, currency and order only when the file gives them."""
    pairs: list[tuple[str, object, object]] = [
        ("customer", new.customer_id, known["customer_id"]),
        ("kind", new.kind, known["kind"]),
        ("issued_on", new.issued_on, known["issued_on"]),
        ("net_amount", new.net_amount, known["net_amount"]),
        ("tax_amount", new.tax_amount, known["tax_amount"]),
        ("gross_amount", new.gross_amount, known["gross_amount"]),
    ]
    if "due_on" in given:
        pairs.append(("due_on", new.due_on, known["due_on"]))
    if "currency" in given:
        pairs.append(("currency", new.currency, known["currency"]))
    if "exchange_rate" in given:
        pairs.append(("exchange_rate", new.exchange_rate, known["exchange_rate"]))
    if "order" in given:
        pairs.append(("order", new.order_id, known["order_id"]))
    shown = {"customer": "customer__number", "order": "order__number"}
    found = []
    for field, value, was in pairs:
        if value == was:
            continue
        label = getattr(Invoice._meta.get_field(field), "verbose_name", field)
        if field in shown:
            found.append(_("%(field)s differs (known: %(known)s)")
                         % {"field": label, "known": known[shown[field]] or "–"})  # fmt: skip
        else:
            found.append(
                _("%(field)s %(value)s instead of %(known)s")
                % {"field": label, "value": value, "known": was}
            )
    return found


def _invoices_check(
    table: Table, at: dict[str, int], decimal_comma: bool, report: Progress
) -> _CheckedInvoices:
    rows = table.rows
    total = len(rows)
    report(CHECK, 0, total)
    numbers = [cell_text(cells[at["number"]]) for _n, cells in rows]
    debtors = _debtors(cell_text(cells[at["customer"]]) for _n, cells in rows)
    known = _invoices_known({n for n in numbers if n})
    orders = _orders({cell_text(c[at["order"]]) for _n, c in rows} - {""}) if "order" in at else {}
    longest = Invoice._meta.get_field("number").max_length or 20
    first_id = bulk.next_id(Invoice)
    errors: dict[int, list[str]] = {}
    seen: dict[str, int] = {}
    checked = _CheckedInvoices([], [], 0)
    for index, (number, cells) in enumerate(rows):
        if index % _REPORT_EVERY == 0:
            report(CHECK, index, total)
        if number in table.broken:
            errors[number] = [table.broken[number]]
            continue
        row = _Row(table, at, cells, decimal_comma)
        problems = row.problems
        invoice_number = numbers[index]
        if _unique_key(row, "number", invoice_number, longest, seen, number):
            problems.append(
                _("the invoice number %(number)s is longer than %(max)s characters")
                % {"number": invoice_number, "max": longest}
                if len(invoice_number) > longest
                else _("the invoice number %(number)s is in row %(other)s too")
                % {"number": invoice_number, "other": seen[invoice_number]}
            )
        debtor = _debtor(row, debtors)
        kind: str | None = str(InvoiceKind.INVOICE.value)
        if row.has("kind"):
            kind = KINDS.get(header_key(row.text("kind")))
            if kind is None:
                problems.append(
                    _("%(column)s %(value)s is neither invoice nor credit note")
                    % {"column": table.header[at["kind"]], "value": row.text("kind")}
                )
        issued_on = row.date("issued_on")
        due_on = row.date("due_on") if row.has("due_on") else None
        net, tax, gross = (
            row.money("net_amount"),
            row.money("tax_amount"),
            row.money("gross_amount"),
        )
        if net is not None and tax is not None and gross is not None and gross != net + tax:
            problems.append(
                _("the gross amount %(gross)s is not net amount %(net)s plus tax %(tax)s")
                % {"gross": gross, "net": net, "tax": tax}
            )
        currency = row.currency(debtor.currency if debtor else None)
        rate = row.rate(currency)
        order_id = None
        if row.has("order"):
            order = orders.get(row.text("order"))
            if order is None:
                problems.append(_("no order %(number)s") % {"number": row.text("order")})
            elif debtor is not None and order[1] != debtor.id:
                problems.append(
                    _("order %(order)s belongs to another customer than %(customer)s")
                    % {"order": row.text("order"), "customer": row.text("customer")}
                )
            else:
                order_id = order[0]
        credited = row.text("credited_invoice")
        if credited and kind == InvoiceKind.INVOICE:
            problems.append(_("only a credit note credits an invoice"))
        if issued_on is not None and debtor is not None and due_on is None:
            days = debtor.net_days if kind == InvoiceKind.INVOICE else 0
            due_on = issued_on + datetime.timedelta(days=days)
        if issued_on is not None and due_on is not None and due_on < issued_on:
            problems.append(_("the invoice is due before it is issued"))
        if (
            problems
            or debtor is None
            or kind is None
            or issued_on is None
            or due_on is None
            or net is None
            or tax is None
            or gross is None
            or currency is None
        ):
            errors[number] = problems
            continue
        invoice = _NewInvoice(number, first_id + len(checked.invoices), invoice_number, kind,
                              debtor.id, order_id, issued_on, due_on, currency, rate, net, tax,
                              gross, credited)  # fmt: skip
        if invoice_number in known:
            given = {c for c in ("due_on", "currency", "exchange_rate", "order") if row.has(c)}
            differences = _differences(known[invoice_number], invoice, given)
            if differences:
                errors[number] = [
                    _("invoice %(number)s exists with other data: %(differences)s")
                    % {"number": invoice_number, "differences": ", ".join(differences)}
                ]
            else:
                checked.unchanged += 1
            continue
        checked.invoices.append(invoice)
    report(CHECK, total, total)
    _credit_notes_apply(checked, seen, errors)
    _refuse(errors)
    return checked


def _credit_notes_apply(
    checked: _CheckedInvoices, in_file: Mapping[str, int], errors: dict[int, list[str]]
) -> None:
    """Each new credit note naming an invoice settles it as far as it is open, in file order."""
    notes = [i for i in checked.invoices if i.credited]
    if not notes:
        return
    targets: dict[str, _Open] = {
        i.number: _Open((i.id, i.number, i.customer_id, i.currency, i.issued_on, i.due_on,
                         i.gross_amount, _ZERO))
        for i in checked.invoices
        if i.kind == InvoiceKind.INVOICE
    }  # fmt: skip
    wanted = {n.credited for n in notes} - set(targets)
    invoices = Invoice.objects.filter(kind=InvoiceKind.INVOICE)
    for some in _matching(invoices, "number", wanted):
        targets.update((i.number, i) for i in _invoices_with_settled(some))
    new = {i.number for i in checked.invoices}
    for note in notes:
        target = targets.get(note.credited)
        if target is None and note.credited in in_file and note.credited not in new:
            continue  # the invoice's own row is wrong, and says so
        if target is None or target.customer_id != note.customer_id:
            errors.setdefault(note.row, []).append(
                _("the customer has no invoice %(number)s") % {"number": note.credited}
            )
        elif target.currency != note.currency:
            errors.setdefault(note.row, []).append(
                _("a credit note is in the currency of the invoice it credits (%(currency)s)")
                % {"currency": target.currency}
            )
        else:
            amount = min(note.gross_amount, target.open)
            if amount > 0:
                checked.applications.append((target.id, note.id, note.issued_on, amount))
                target.open -= amount


def _invoices_write(checked: _CheckedInvoices, report: Progress) -> None:
    invoices, applications = checked.invoices, checked.applications
    if not invoices:
        return
    total = len(invoices) + len(applications)
    source = str(ChangeSource.IMPORT.value)

    def invoice_rows() -> Iterator[tuple[Any, ...]]:
        for i, v in enumerate(invoices):
            if i % _REPORT_EVERY == 0:
                report(WRITE, i, total)
            yield (v.id, v.number, v.kind, v.customer_id, v.order_id, v.issued_on, v.due_on,
                   v.currency, v.exchange_rate, v.net_amount, v.tax_amount, v.gross_amount,
                   source)  # fmt: skip

    bulk.bulk_insert(
        Invoice,
        ["id", "number", "kind", "customer", "order", "issued_on", "due_on", "currency",
         "exchange_rate", "net_amount", "tax_amount", "gross_amount", "source"],
        invoice_rows(),
    )  # fmt: skip
    if applications:
        allocation0 = bulk.next_id(Allocation)
        bulk.bulk_insert(
            Allocation,
            ["id", "invoice", "credit_note", "allocated_on", "amount", "cash_discount"],
            (
                (allocation0 + i, invoice, note, on, amount, _ZERO)
                for i, (invoice, note, on, amount) in enumerate(applications)
            ),
        )
    bulk.reset_sequences([Invoice, Allocation])
    report(WRITE, total, total)
