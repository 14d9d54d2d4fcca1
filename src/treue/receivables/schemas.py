"""Invoices, with their payments and the amount still open, as the API shows and takes them."""

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field

from treue.core.money import Currency
from treue.customers.schemas import UNSET, InputSchema, Money, MoneyIn, OutputSchema, Paging

ExchangeRate = Annotated[
    Decimal,
    Field(gt=0, max_digits=12, decimal_places=6, description="EUR for one unit of the currency"),
]


class InvoiceFilters(Paging):
    customer: str = Field("", description="Customer number")
    is_open: bool | None = Field(
        None, description="Only invoices with (true) or without an open amount"
    )


class PaymentOut(OutputSchema):
    id: int
    received_on: datetime.date
    amount: Money
    cash_discount: Money
    exchange_rate: Decimal = Field(description="EUR for one unit of the invoice currency")


class InvoiceOut(OutputSchema):
    number: str
    customer: str = Field(validation_alias="customer_number", description="Customer number")
    order: str | None = Field(validation_alias="order_number", description="Order number")
    issued_on: datetime.date
    due_on: datetime.date
    currency: Currency
    exchange_rate: Decimal = Field(description="EUR for one unit of the invoice currency")
    net_amount: Money
    tax_amount: Money
    gross_amount: Money
    paid_amount: Money
    open_amount: Money
    payments: list[PaymentOut] = Field(description="Newest first")


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


class InvoicePatch(InputSchema):
    order: str | None = Field(UNSET, description="Order number; null detaches the order")
    issued_on: datetime.date = UNSET
    due_on: datetime.date = UNSET
    exchange_rate: ExchangeRate = UNSET
    net_amount: MoneyIn = UNSET
    tax_amount: MoneyIn = UNSET
    gross_amount: MoneyIn = UNSET


class PaymentIn(InputSchema):
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
