"""Writes on invoices, credit notes and payments.

An invoice names its customer and order by their numbers. Wrong input raises ValidationError
keyed by field; a refusing rule (a payment beyond the open amount) BusinessRuleError.
"""

import datetime
from decimal import Decimal
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from treue.core.errors import BusinessRuleError, FieldErrors, add_error, clean_or_raise
from treue.customers.models import Customer
from treue.orders.models import ChangeSource, Order
from treue.orders.services import exchange_rate_for

from .allocation import OpenInvoice, allocate
from .models import Allocation, Invoice, InvoiceKind, Payment
from .selectors import (
    credit_note_available,
    invoice_open_items,
    invoice_settled_amount,
    open_amount,
    payment_unallocated,
)


class InvoiceChanges(TypedDict, total=False):
    order: str | None
    issued_on: datetime.date
    due_on: datetime.date
    exchange_rate: Decimal
    net_amount: Decimal
    tax_amount: Decimal
    gross_amount: Decimal


def _order_of(customer: Customer | None, number: str | None, errors: FieldErrors) -> Order | None:
    if number is None:
        return None
    order = Order.objects.filter(number=number).first()
    if order is None:
        add_error(
            errors, "order", _("No order with the number %s.") % number, code="does_not_exist"
        )
    elif customer is not None and order.customer_id != customer.pk:
        add_error(
            errors,
            "order",
            _("Order %(order)s belongs to another customer than %(customer)s.")
            % {"order": number, "customer": customer.number},
        )
        return None
    return order


def _check_invoice(invoice: Invoice, errors: FieldErrors) -> None:
    """The rules the database enforces, checked first so they answer with a message."""
    if invoice.gross_amount != invoice.net_amount + invoice.tax_amount:
        add_error(
            errors,
            "gross_amount",
            _("The gross amount %(gross)s is not net amount %(net)s plus tax %(tax)s.")
            % {
                "gross": invoice.gross_amount,
                "net": invoice.net_amount,
                "tax": invoice.tax_amount,
            },
        )
    if invoice.net_amount < 0 or invoice.gross_amount < 0:
        add_error(
            errors,
            "gross_amount",
            _("Amounts are positive; a credit note is a document of its own kind."),
        )
    if invoice.due_on < invoice.issued_on:
        add_error(errors, "due_on", _("An invoice cannot be due before it is issued."))


def _open_invoice(invoice: Invoice, open_amount: Decimal, customer: Customer) -> OpenInvoice:
    terms = customer.payment_terms
    return OpenInvoice(
        key=invoice.pk,
        issued_on=invoice.issued_on,
        open_amount=open_amount,
        gross_amount=invoice.gross_amount,
        discount_days=terms.discount_days,
        discount_percent=terms.discount_percent,
    )


@transaction.atomic
def invoice_create(
    *,
    number: str,
    customer: str,
    issued_on: datetime.date,
    net_amount: Decimal,
    tax_amount: Decimal,
    gross_amount: Decimal,
    order: str | None = None,
    due_on: datetime.date | None = None,
    currency: str | None = None,
    exchange_rate: Decimal | None = None,
    kind: str = InvoiceKind.INVOICE,
    credited_invoice: str | None = None,
    source: str = ChangeSource.API,
) -> Invoice:
    """Create an invoice or a credit note; currency and due date default to the customer's.

    A credit note naming `credited_invoice` settles that invoice as far as it is open; the rest
    stays available for the customer's other invoices.
    """
    errors: FieldErrors = {}
    debtor = Customer.objects.select_related("payment_terms").filter(number=customer).first()
    if debtor is None:
        # Currency, due date and order all depend on the customer: nothing else to check.
        add_error(
            errors,
            "customer",
            _("No customer with the number %s.") % customer,
            code="does_not_exist",
        )
        raise ValidationError(errors)
    currency = currency or debtor.currency
    credited = None
    if credited_invoice is not None:
        if kind != InvoiceKind.CREDIT_NOTE:
            add_error(errors, "credited_invoice", _("Only a credit note credits an invoice."))
        credited = Invoice.objects.filter(
            number=credited_invoice, customer=debtor, kind=InvoiceKind.INVOICE
        ).first()
        if credited is None:
            add_error(
                errors,
                "credited_invoice",
                _("Customer %(customer)s has no invoice %(number)s.")
                % {"customer": debtor.number, "number": credited_invoice},
                code="does_not_exist",
            )
        elif credited.currency != currency:
            add_error(
                errors,
                "currency",
                _("A credit note is in the currency of the invoice it credits (%s).")
                % credited.currency,
            )
    default_due = issued_on
    if kind == InvoiceKind.INVOICE:
        default_due = issued_on + datetime.timedelta(days=debtor.payment_terms.net_days)
    invoice = Invoice(
        number=number,
        kind=kind,
        customer=debtor,
        order=_order_of(debtor, order, errors),
        issued_on=issued_on,
        due_on=due_on or default_due,
        currency=currency,
        exchange_rate=exchange_rate_for(currency=currency, rate=exchange_rate, errors=errors),
        net_amount=net_amount,
        tax_amount=tax_amount,
        gross_amount=gross_amount,
        source=source,
    )
    _check_invoice(invoice, errors)
    clean_or_raise(invoice, errors, exclude=["customer", "order"])
    invoice.save()
    if credited is not None:
        credit_note_apply(credit_note=invoice, invoice=credited)
    return invoice


@transaction.atomic
def invoice_update(*, invoice: Invoice, data: InvoiceChanges) -> Invoice:
    """Change only the fields named in `data`; never below what has been settled already."""
    invoice = Invoice.objects.select_for_update().select_related("customer").get(pk=invoice.pk)
    if not data:
        return invoice
    errors: FieldErrors = {}
    for field, value in data.items():
        if field == "order":
            invoice.order = _order_of(invoice.customer, data["order"], errors)
        elif field == "exchange_rate":
            invoice.exchange_rate = exchange_rate_for(
                currency=invoice.currency, rate=data["exchange_rate"], errors=errors
            )
        else:
            setattr(invoice, field, value)
    _check_invoice(invoice, errors)
    clean_or_raise(invoice, errors, exclude=["customer", "order"])
    settled = invoice_settled_amount(invoice=invoice)
    if invoice.gross_amount < settled:
        raise BusinessRuleError(
            "amount_below_paid",
            _("Invoice %(number)s has been paid %(paid)s already; its gross amount cannot be less.")
            % {"number": invoice.number, "paid": settled},
        )
    invoice.save(update_fields=list(data))
    return invoice


def _open_amount(invoice: Invoice) -> Decimal:
    return invoice.gross_amount - invoice_settled_amount(invoice=invoice)


def _refuse_beyond_open(invoice: Invoice, open_amount: Decimal, amount: Decimal) -> None:
    if amount > open_amount:
        raise BusinessRuleError(
            "payment_exceeds_open_amount",
            _("Invoice %(number)s has %(open)s %(currency)s open; the payment is %(amount)s.")
            % {
                "number": invoice.number,
                "open": open_amount,
                "currency": invoice.currency,
                "amount": amount,
            },
        )


@transaction.atomic
def payment_create(
    *,
    invoice: Invoice,
    received_on: datetime.date,
    amount: Decimal,
    cash_discount: Decimal = Decimal(0),
    exchange_rate: Decimal | None = None,
    reference: str = "",
) -> Payment:
    """Record a payment received for one invoice; with the Skonto deducted it may settle the
    open amount, not exceed it. A payment in a foreign currency keeps the rate of the day it
    came in (the invoice's rate when none is given), so that money received adds up in EUR."""
    # The lock makes two payments recorded at once see each other's amount.
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.is_credit_note:
        raise BusinessRuleError("credit_note_not_payable", _("A credit note is not paid."))
    _refuse_beyond_open(invoice, _open_amount(invoice), amount + cash_discount)
    errors: FieldErrors = {}
    rate = exchange_rate_for(
        currency=invoice.currency,
        rate=invoice.exchange_rate if exchange_rate is None else exchange_rate,
        errors=errors,
    )
    number = invoice.allocations.count() + 1
    payment = Payment(
        customer_id=invoice.customer_id,
        reference=reference or f"{invoice.number}/{number}",
        received_on=received_on,
        currency=invoice.currency,
        amount=amount,
        exchange_rate=rate,
    )
    clean_or_raise(payment, errors, exclude=["customer"])
    payment.save()
    Allocation.objects.create(
        invoice=invoice,
        payment=payment,
        allocated_on=received_on,
        amount=amount,
        cash_discount=cash_discount,
    )
    _after_payment(payment)
    return payment


@transaction.atomic
def payment_record(
    *,
    customer: str,
    reference: str,
    received_on: datetime.date,
    amount: Decimal,
    currency: str | None = None,
    exchange_rate: Decimal | None = None,
    invoices: list[str] | None = None,
    source: str = ChangeSource.API,
) -> tuple[Payment, bool]:
    """Record money a customer paid and settle the invoices it names (oldest open first when it
    names none), taking the Skonto within its period; the rest stays unallocated.

    The reference identifies the payment: recording the same payment again changes nothing and
    returns (payment, False); another payment under a known reference is refused.
    """
    errors: FieldErrors = {}
    debtor = Customer.objects.select_related("payment_terms").filter(number=customer).first()
    if debtor is None:
        add_error(
            errors, "customer", _("No customer with the number %s.") % customer, "does_not_exist"
        )
        raise ValidationError(errors)
    currency = currency or debtor.currency
    known = Payment.objects.filter(reference=reference).first()
    if known is not None:
        if (known.customer_id, known.amount, known.received_on, known.currency) == (
            debtor.pk,
            amount,
            received_on,
            currency,
        ):
            return known, False
        add_error(
            errors,
            "reference",
            _("Payment %(reference)s is known already with other data.") % {"reference": reference},
            code="unique",
        )
        raise ValidationError(errors)
    rate = exchange_rate_for(currency=currency, rate=exchange_rate, errors=errors)
    open_items = invoice_open_items(customer_id=debtor.pk).select_for_update(of=("self",))
    if invoices:
        # An invoice named twice is settled once.
        invoices = list(dict.fromkeys(invoices))
        by_number = {i.number: i for i in open_items.filter(number__in=invoices)}
        unknown = [n for n in invoices if n not in by_number]
        if unknown:
            add_error(
                errors,
                "invoices",
                _("Customer %(customer)s has no open invoice %(numbers)s.")
                % {"customer": debtor.number, "numbers": ", ".join(unknown)},
                code="does_not_exist",
            )
        chosen = [by_number[n] for n in invoices if n in by_number]
    else:
        # Oldest first among the invoices in the payment's currency.
        chosen = list(open_items.filter(currency=currency))
    wrong_currency = [i.number for i in chosen if i.currency != currency]
    if wrong_currency:
        add_error(
            errors,
            "invoices",
            _("Invoices %(numbers)s are not in %(currency)s.")
            % {"numbers": ", ".join(wrong_currency), "currency": currency},
        )
    payment = Payment(
        customer=debtor,
        reference=reference,
        received_on=received_on,
        currency=currency,
        amount=amount,
        exchange_rate=rate,
        source=source,
    )
    clean_or_raise(payment, errors, exclude=["customer"])
    payment.save()
    shares, _rest = allocate(
        amount,
        received_on,
        [_open_invoice(i, open_amount(i), debtor) for i in chosen],
    )
    Allocation.objects.bulk_create(
        Allocation(
            invoice_id=share.key,
            payment=payment,
            allocated_on=received_on,
            amount=share.amount,
            cash_discount=share.cash_discount,
        )
        for share in shares
    )
    _after_payment(payment)
    return payment, True


@transaction.atomic
def payment_allocate(*, payment: Payment, invoice: Invoice, amount: Decimal) -> Allocation:
    """Apply unallocated cash of `payment` to an open invoice of the same customer."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.customer_id != payment.customer_id or invoice.is_credit_note:
        raise BusinessRuleError(
            "allocation_other_customer",
            _("Payment %(reference)s cannot settle invoice %(number)s.")
            % {"reference": payment.reference, "number": invoice.number},
        )
    if invoice.currency != payment.currency:
        raise BusinessRuleError(
            "allocation_currency",
            _("Invoice %(number)s is in %(currency)s.")
            % {"number": invoice.number, "currency": invoice.currency},
        )
    unallocated = payment_unallocated(payment=payment)
    if amount <= 0 or amount > unallocated:
        raise BusinessRuleError(
            "allocation_exceeds_payment",
            _("Payment %(reference)s has %(rest)s unallocated.")
            % {"reference": payment.reference, "rest": unallocated},
        )
    _refuse_beyond_open(invoice, _open_amount(invoice), amount)
    allocation = Allocation.objects.create(
        invoice=invoice, payment=payment, allocated_on=payment.received_on, amount=amount
    )
    _after_payment(payment)
    return allocation


@transaction.atomic
def credit_note_apply(*, credit_note: Invoice, invoice: Invoice) -> Allocation | None:
    """Settle `invoice` with what is still available of `credit_note` (as far as it is open)."""
    credit_note = Invoice.objects.select_for_update().get(pk=credit_note.pk)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    available = credit_note_available(credit_note=credit_note)
    amount = min(available, _open_amount(invoice))
    if amount <= 0:
        return None
    return Allocation.objects.create(
        invoice=invoice,
        credit_note=credit_note,
        allocated_on=credit_note.issued_on,
        amount=amount,
    )


def _after_payment(payment: Payment) -> None:
    """Money came in: open payment promises of the customer may be kept now."""
    from .credit import promises_check

    customer_id = payment.customer_id
    transaction.on_commit(lambda: promises_check(customer_id=customer_id))
