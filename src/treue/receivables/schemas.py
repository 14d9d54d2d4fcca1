"""Invoices, with their payments and the amount still open, as the API shows and takes them."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field

from treue.core.money import Currency
from treue.customers.schemas import UNSET, InputSchema, Money, MoneyIn, OutputSchema, Paging
from treue.receivables.models import (
    DunningAction,
    DunningLevelCode,
    DunningTone,
    InvoiceKind,
)

ExchangeRate = Annotated[
    Decimal,
    Field(gt=0, max_digits=12, decimal_places=6, description="EUR for one unit of the currency"),
]


class InvoiceFilters(Paging):
    customer: str = Field("", description="Customer number")
    is_open: bool | None = Field(
        None, description="Only invoices with (true) or without an open amount"
    )


class AllocationOut(OutputSchema):
    """Money of a payment, or a credit note, that settles (part of) the invoice."""

    reference: str = Field(description="The payment's reference, or the credit note's number")
    kind: str = Field(description="payment or credit_note")
    received_on: datetime.date = Field(validation_alias="allocated_on")
    amount: Money
    cash_discount: Money = Field(description="Skonto deducted")
    exchange_rate: Decimal = Field(description="EUR for one unit of the currency that day")

    @staticmethod
    def resolve_reference(allocation: Any) -> str:
        if allocation.payment_id is None:
            return str(allocation.credit_note.number)
        return str(allocation.payment.reference)

    @staticmethod
    def resolve_kind(allocation: Any) -> str:
        return "payment" if allocation.payment_id is not None else "credit_note"

    @staticmethod
    def resolve_exchange_rate(allocation: Any) -> Decimal:
        source = allocation.payment or allocation.credit_note
        return Decimal(source.exchange_rate)


class InvoiceOut(OutputSchema):
    number: str
    kind: InvoiceKind
    customer: str = Field(validation_alias="customer_number", description="Customer number")
    order: str | None = Field(validation_alias="order_number", description="Order number")
    issued_on: datetime.date
    due_on: datetime.date
    currency: Currency
    exchange_rate: Decimal = Field(description="EUR for one unit of the invoice currency")
    net_amount: Money
    tax_amount: Money
    gross_amount: Money
    paid_amount: Money = Field(
        description="Settled (an invoice) or applied to invoices (a credit note)"
    )
    open_amount: Money = Field(description="Still open (an invoice) or available (a credit note)")
    allocations: list[AllocationOut] = Field(description="Newest first")


class InvoiceList(OutputSchema):
    count: int
    items: list[InvoiceOut]


class InvoiceIn(InputSchema):
    number: str = Field(min_length=1, max_length=20)
    customer: str = Field(min_length=1, description="Customer number")
    order: str | None = Field(None, description="Number of an order of the same customer")
    issued_on: datetime.date
    due_on: datetime.date | None = Field(
        None, description="Defaults to the customer's payment terms (days net)"
    )
    currency: Currency | None = Field(None, description="Defaults to the customer's currency")
    exchange_rate: ExchangeRate | None = Field(None, description="Required unless EUR")
    net_amount: MoneyIn
    tax_amount: MoneyIn
    gross_amount: MoneyIn = Field(description="Must equal net_amount + tax_amount")
    kind: InvoiceKind = InvoiceKind.INVOICE
    credited_invoice: str | None = Field(
        None, description="A credit note: the invoice it credits (settled as far as it is open)"
    )


class InvoicePatch(InputSchema):
    order: str | None = Field(UNSET, description="Order number; null detaches the order")
    issued_on: datetime.date = UNSET
    due_on: datetime.date = UNSET
    exchange_rate: ExchangeRate = UNSET
    net_amount: MoneyIn = UNSET
    tax_amount: MoneyIn = UNSET
    gross_amount: MoneyIn = UNSET


class PaymentIn(InputSchema):
    """A payment for this one invoice."""

    reference: str = Field("", max_length=60, description="Defaults to <invoice>/<n>")
    received_on: datetime.date
    amount: Annotated[MoneyIn, Field(gt=0)]
    cash_discount: Annotated[MoneyIn, Field(ge=0, description="Skonto deducted")] = Decimal(0)
    exchange_rate: Decimal | None = Field(
        None,
        gt=0,
        max_digits=12,
        decimal_places=6,
        description="EUR for one unit of the invoice currency on the day received; "
        "defaults to the invoice's rate (1 for EUR)",
    )


class PaymentRecordIn(InputSchema):
    """Money received, settling the invoices named (oldest open first when none are named)."""

    customer: str = Field(min_length=1, description="Customer number")
    reference: str = Field(
        min_length=1, max_length=60, description="Unique; the same payment sent twice is kept once"
    )
    received_on: datetime.date
    amount: Annotated[MoneyIn, Field(gt=0)]
    currency: Currency | None = Field(None, description="Defaults to the customer's currency")
    exchange_rate: ExchangeRate | None = Field(None, description="Required unless EUR")
    invoices: list[str] = Field(
        default_factory=list,
        max_length=500,
        description="Invoice numbers in the order to settle; Skonto within its period is taken",
    )


class PaymentAllocationOut(OutputSchema):
    invoice: str = Field(validation_alias="invoice.number")
    amount: Money
    cash_discount: Money


class PaymentOut(OutputSchema):
    reference: str
    customer: str = Field(validation_alias="customer.number")
    received_on: datetime.date
    currency: Currency
    amount: Money
    exchange_rate: Decimal
    unallocated: Money = Field(description="Not applied to any invoice yet")
    allocations: list[PaymentAllocationOut]


class CreditOut(OutputSchema):
    """The customer's credit position; money in the company currency (EUR)."""

    customer: str
    currency: str = Field(description="The company currency every amount is in")
    limit: Money = Field(description="The credit limit (kept in the customer's currency)")
    open_items: Money = Field(description="Open invoices less credit notes and unallocated cash")
    open_orders: Money = Field(description="Confirmed orders, not yet invoiced (net)")
    exposure: Money = Field(description="open_items + open_orders")
    headroom: Money = Field(description="limit - exposure; negative over the limit")
    unallocated: Money = Field(description="Cash received and not yet allocated")
    held_orders: list[str] = Field(description="Orders held over the limit, oldest first")


class DunningRunIn(InputSchema):
    preview: bool = Field(description="true: only say what would happen; false: execute")
    customers: list[str] | None = Field(
        None, max_length=1000, description="Only these customer numbers (default: all)"
    )


class ProposalOut(OutputSchema):
    customer: str = Field(description="Customer number")
    name: str
    items: list[str] = Field(description="Invoice numbers dunned, oldest due first")
    held_items: list[str] = Field(description="Overdue invoices not dunned (complaint, promise)")
    level: DunningLevelCode
    tone: DunningTone
    action: DunningAction = Field(
        description="send: the letter goes out; propose: to the account owner for approval; "
        "hold: nothing goes out; call: the account owner calls instead"
    )
    reason: str = Field(description="Why this level, tone and action, in the user's language")
    fees: Money = Field(description="Flat fees charged, EUR")
    interest: Money = Field(description="Default interest charged, EUR")


class DunningRunOut(OutputSchema):
    preview: bool
    run: int | None = Field(description="The run's id when executed")
    proposals: list[ProposalOut]
