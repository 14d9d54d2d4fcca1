"""Writes on invoices and payments.

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
from treue.orders.models import Order
from treue.orders.services import exchange_rate_for

from .models import Invoice, Payment
from .selectors import invoice_paid_amount


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
    if invoice.due_on < invoice.issued_on:
        add_error(errors, "due_on", _("An invoice cannot be due before it is issued."))


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
) -> Invoice:
    """Create an invoice; currency and due date default to the customer's currency and terms."""
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
    invoice = Invoice(
        number=number,
        customer=debtor,
        order=_order_of(debtor, order, errors),
        issued_on=issued_on,
        due_on=due_on or issued_on + datetime.timedelta(days=debtor.payment_terms.net_days),
        currency=currency,
        exchange_rate=exchange_rate_for(currency=currency, rate=exchange_rate, errors=errors),
        net_amount=net_amount,
        tax_amount=tax_amount,
        gross_amount=gross_amount,
    )
    _check_invoice(invoice, errors)
    clean_or_raise(invoice, errors, exclude=["customer", "order"])
    invoice.save()
    return invoice


@transaction.atomic
def invoice_update(*, invoice: Invoice, data: InvoiceChanges) -> Invoice:
    """Change only the fields named in `data`; never below what has been paid already."""
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
    paid = invoice_paid_amount(invoice=invoice)
    if invoice.gross_amount < paid:
        raise BusinessRuleError(
            "amount_below_paid",
            _("Invoice %(number)s has been paid %(paid)s already; its gross amount cannot be less.")
            % {"number": invoice.number, "paid": paid},
        )
    invoice.save(update_fields=list(data))
    return invoice


@transaction.atomic
def payment_create(
    *,
    invoice: Invoice,
    received_on: datetime.date,
    amount: Decimal,
    cash_discount: Decimal = Decimal(0),
    exchange_rate: Decimal | None = None,
) -> Payment:
    """Record a payment received for `invoice`; with the Skonto deducted it may settle the open
    amount, not exceed it. A payment in a foreign currency keeps the rate of the day it came in
    (the invoice's rate when none is given), so that money received adds up in EUR."""
    # The lock makes two payments recorded at once see each other's amount.
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    open_amount = invoice.gross_amount - invoice_paid_amount(invoice=invoice)
    if amount + cash_discount > open_amount:
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
    errors: FieldErrors = {}
    rate = exchange_rate_for(
        currency=invoice.currency,
        rate=invoice.exchange_rate if exchange_rate is None else exchange_rate,
        errors=errors,
    )
    payment = Payment(
        invoice=invoice,
        received_on=received_on,
        amount=amount,
        cash_discount=cash_discount,
        exchange_rate=rate,
    )
    clean_or_raise(payment, errors, exclude=["invoice"])
    payment.save()
    return payment
