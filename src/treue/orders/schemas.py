"""Products and orders as the API shows and takes them.

Costs and contribution margins are shown only to users who may see them: their schemas extend
the plain ones (`ProductMarginOut`, `OrderMarginOut`), and the view picks one per request.
"""

import datetime
from decimal import Decimal
from typing import Annotated

from django.conf import settings
from ninja import Field
from pydantic import PlainSerializer

from treue.communications.schemas import CommunicationOut
from treue.core.money import Currency
from treue.customers.schemas import UNSET, InputSchema, Money, MoneyIn, OutputSchema, Paging

from .models import Incoterm, OrderStatus, ProductLine

NonNegativeMoneyIn = Annotated[MoneyIn, Field(ge=0)]
Quantity = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=3)]
# Quantities answer with three decimals, as stored, whether read from a row or summed in SQL.
QuantityOut = Annotated[
    Decimal,
    PlainSerializer(lambda quantity: f"{quantity.quantize(Decimal('0.001'))}", return_type=str),
]
ExchangeRate = Annotated[
    Decimal,
    Field(gt=0, max_digits=12, decimal_places=6, description="EUR for one unit of the currency"),
]


class ProductFilters(Paging):
    search: str = Field("", description="Part of the article number or name")
    product_line: ProductLine | None = None


class ProductOut(OutputSchema):
    article_number: str
    name: str
    product_line: ProductLine
    is_spare_part: bool
    list_price: Money
    currency: Currency = Field(description="Product prices are in the company currency")

    @staticmethod
    def resolve_currency(obj: object) -> str:
        return settings.COMPANY_CURRENCY


class ProductMarginOut(ProductOut):
    unit_cost: Money


class ProductList(OutputSchema):
    count: int
    items: list[ProductOut]


class ProductMarginList(OutputSchema):
    count: int
    items: list[ProductMarginOut]


class ProductIn(InputSchema):
    article_number: str = Field(min_length=1, max_length=30)
    name: str = Field(min_length=1, max_length=200)
    product_line: ProductLine
    is_spare_part: bool = False
    list_price: NonNegativeMoneyIn
    unit_cost: NonNegativeMoneyIn


class ProductPatch(InputSchema):
    name: str = Field(UNSET, min_length=1, max_length=200)
    product_line: ProductLine = UNSET
    is_spare_part: bool = UNSET
    list_price: NonNegativeMoneyIn = UNSET
    unit_cost: NonNegativeMoneyIn = UNSET


class OrderFilters(Paging):
    customer: str = Field("", description="Customer number")
    status: OrderStatus | None = None


class OrderLineOut(OutputSchema):
    position: int
    line_no: int = Field(
        validation_alias="position", description="The ERP position (10, 20 …), as `position`"
    )
    product: str = Field(validation_alias="article_number", description="Article number")
    quantity: QuantityOut
    delivered_quantity: QuantityOut
    net_price: Money
    net_amount: Money
    promised_date: datetime.date
    first_promised_date: datetime.date = Field(
        description="What the order confirmation first promised; delivery reliability is "
        "measured against it"
    )


class OrderLineMarginOut(OrderLineOut):
    unit_cost: Money
    contribution_margin: Money


class OrderOut(OutputSchema):
    number: str
    customer: str = Field(validation_alias="customer_number", description="Customer number")
    order_date: datetime.date
    customer_reference: str
    currency: Currency
    exchange_rate: Decimal = Field(description="EUR for one unit of the order currency")
    incoterm: Incoterm
    status: OrderStatus
    tracking_url: str = Field(description="The customer's link to follow the order, no login")
    net_amount: Money
    lines: list[OrderLineOut]


class OrderMarginOut(OrderOut):
    contribution_margin: Money
    lines: list[OrderLineMarginOut]  # type: ignore[assignment]


class OrderList(OutputSchema):
    count: int
    items: list[OrderOut]


class OrderMarginList(OutputSchema):
    count: int
    items: list[OrderMarginOut]


class OrderLineIn(InputSchema):
    position: int = Field(ge=1)
    product: str = Field(min_length=1, description="Article number")
    quantity: Quantity
    net_price: NonNegativeMoneyIn
    unit_cost: NonNegativeMoneyIn | None = Field(
        None, description="Defaults to the product's unit cost in the order currency"
    )
    promised_date: datetime.date


class OrderIn(InputSchema):
    number: str = Field(min_length=1, max_length=20)
    customer: str = Field(min_length=1, description="Customer number")
    order_date: datetime.date
    customer_reference: str = Field("", max_length=50)
    currency: Currency | None = Field(None, description="Defaults to the customer's currency")
    exchange_rate: ExchangeRate | None = Field(None, description="Required unless EUR")
    incoterm: Incoterm = Incoterm.DAP
    status: OrderStatus = OrderStatus.OPEN
    lines: list[OrderLineIn] = Field(min_length=1)


class OrderPatch(InputSchema):
    order_date: datetime.date = UNSET
    customer_reference: str = Field(UNSET, max_length=50)
    exchange_rate: ExchangeRate = UNSET
    incoterm: Incoterm = UNSET
    status: OrderStatus = UNSET


class PromisedDateChangeIn(InputSchema):
    new_date: datetime.date = Field(description="Not in the past")
    reason: str = Field(min_length=1, max_length=300, description="The customer reads it")


class PromisedDateChangeOut(OutputSchema):
    order: str
    line_no: int
    old_date: datetime.date
    new_date: datetime.date
    reason: str
    notice_days: int = Field(
        description="Days between the change and the old promised date; negative when late"
    )
    announced_late: bool
    communications: list[CommunicationOut] = Field(
        description="The delay notices planned (none for an earlier date)"
    )


class StageEventIn(InputSchema):
    stage: str = Field(min_length=1, max_length=30, description="Code of a production stage")
    occurred_at: datetime.datetime = Field(description="When the order reached it")
    external_id: str = Field(
        "", max_length=100, description="The sender's event id; an id sent again changes nothing"
    )


class StageEventOut(OutputSchema):
    stage: str = Field(validation_alias="stage_code")
    occurred_at: datetime.datetime
    source: str
    external_id: str
    created: bool = Field(description="False when the external id had been recorded before")
