"""How a payment settles invoices: pure arithmetic, shared by the service and the bulk import.

The invoices a payment names are settled in the order given (oldest first when the payment names
none). Paid within the discount days of the customer's terms, an invoice is settled in full by its
open amount less the Skonto — unless it is the last one and the money covers it in full: then the
customer did not deduct the Skonto. Otherwise the money settles what it covers. What is left over
stays on the payment as unallocated cash.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from treue.core.money import CENT

_ZERO = Decimal(0)


@dataclass(frozen=True)
class OpenInvoice:
    key: int
    issued_on: datetime.date
    open_amount: Decimal
    gross_amount: Decimal
    discount_days: int | None
    discount_percent: Decimal | None


@dataclass(frozen=True)
class Share:
    key: int
    amount: Decimal
    cash_discount: Decimal


def skonto(invoice: OpenInvoice, received_on: datetime.date) -> Decimal:
    """The cash discount an invoice allows on `received_on`: a share of its gross amount, only
    within the discount days and only while nothing has been paid on it yet."""
    if not invoice.discount_days or not invoice.discount_percent:
        return _ZERO
    if (received_on - invoice.issued_on).days > invoice.discount_days:
        return _ZERO
    if invoice.open_amount != invoice.gross_amount:
        return _ZERO
    return (invoice.gross_amount * invoice.discount_percent / 100).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def allocate(
    amount: Decimal, received_on: datetime.date, invoices: list[OpenInvoice]
) -> tuple[list[Share], Decimal]:
    """(shares per invoice, unallocated rest) for a payment of `amount` received on a day."""
    rest = amount
    shares = []
    for i, invoice in enumerate(invoices):
        if rest <= 0:
            break
        if invoice.open_amount <= 0:
            continue
        discount = skonto(invoice, received_on)
        # Money left over after the last invoice says the customer did not deduct the Skonto.
        last = not any(later.open_amount > 0 for later in invoices[i + 1 :])
        if (
            discount
            and rest >= invoice.open_amount - discount
            and not (last and rest >= invoice.open_amount)
        ):
            money = invoice.open_amount - discount
        else:
            discount = _ZERO
            money = min(rest, invoice.open_amount)
        shares.append(Share(invoice.key, money, discount))
        rest -= money
    return shares, rest
